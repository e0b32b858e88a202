"""The workshop's thinker as its last step leaves it (Flask, Flask-SQLAlchemy, Flask-Caching on Redis).

Only `make bench` runs it, beside ours, so "half the seed's CPU" compares two apps on one machine in one
run. Kept as close to the seed's code as ddtrace 4 allows: ddtrace-run patches Flask, SQLAlchemy,
sqlite3, redis and requests (the seed's `TraceMiddleware` and `tracer.configure(hostname=...)` are gone
from ddtrace), the fix for unknown subjects is in, and the database and Redis come from the environment.
`python thinker.py` creates and fills the database once, before gunicorn starts its workers.
"""

import os
from time import sleep

from ddtrace.trace import tracer
from flask import Flask, jsonify
from flask import request as flask_request
from flask_caching import Cache
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Thought(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    quote = db.Column(db.String(128), unique=True)
    author = db.Column(db.String(32))
    subject = db.Column(db.String(32))

    def serialize(self) -> dict:
        return {"id": self.id, "quote": self.quote, "author": self.author, "subject": self.subject}


app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["SEED_DATABASE_URL"]
app.config["SQLALCHEMY_TRACK_MODIFICATIONS"] = False
db.init_app(app)
cache = Cache(config={"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": os.environ["REDIS_URL"]})
cache.init_app(app)


@tracer.wrap(name="think")
@cache.memoize(int(os.environ.get("THINK_CACHE_TTL_SECONDS", "30")))
def think(subject):
    tracer.current_span().set_tag("subject", subject)

    sleep(float(os.environ.get("THINK_DELAY_SECONDS", "0.5")))
    quote = Thought.query.filter_by(subject=subject).first()

    if quote is None:
        return Thought(quote="Hmmm, that's something I'll need to think about.", author="The Machine", subject=subject)
    return quote


@app.route("/")
def think_microservice():
    subject = flask_request.args.get("subject")
    thoughts = think(subject)
    return jsonify(thoughts.serialize())


if __name__ == "__main__":
    # The six thoughts are the ones our data migration loads: one list for both apps.
    import importlib
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    seed_thoughts = importlib.import_module("thoughts.migrations.0002_seed_thoughts").SEED_THOUGHTS
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.add_all(Thought(quote=q, author=a, subject=s) for q, a, s in seed_thoughts)
        db.session.commit()
