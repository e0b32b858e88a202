"""The workshop's public API as its last step leaves it: one Flask route that asks the thinker.

As in the seed, `requests.get` opens a new connection per call and the thinker's answer passes
through unread; ddtrace-run's requests integration carries the trace. See thinker.py.
"""

import os

import requests
from flask import Flask, Response
from flask import request as flask_request

app = Flask(__name__)
THINKER_URL = os.environ["THINKER_URL"]


@app.route("/think/")
def think_handler():
    thoughts = requests.get(
        THINKER_URL + "/",
        params={
            "subject": flask_request.args.getlist("subject", str),
        },
    ).content
    return Response(thoughts, mimetype="application/json")
