"""Steady demo traffic for the Think API: `make load`, or `docker compose --profile load up`.

Each simulated user mixes the kinds of request a demo should show, each named for its kind in Locust's
summary, each checked for the status that kind must get:
  hit       one of the seed's six subjects (memoized after its first call): 200
  miss      a subject never asked before: 200 (the default thought), or 502 before the datastore (STEP 1-3)
  error     a subject from THINK_FAIL_SUBJECTS, which the thinker fails on purpose: 502 (none if unset)
  list      two seed subjects at once: 200
  bad       a blank subject: 400
The total rate is --rate requests per second across all users (gentle by default: load/locust.conf).
"""

import os
import random
import uuid

from locust import HttpUser, constant_throughput, events, task

# The seed's six (thoughts/seed.py), written out: the load's image carries no app code.
SEED_SUBJECTS = ["religion", "technology", "war", "work", "music", "mankind"]
FAIL_SUBJECTS = [subject.strip() for subject in os.environ.get("THINK_FAIL_SUBJECTS", "").split(",") if subject.strip()]


@events.init_command_line_parser.add_listener
def _add_options(parser) -> None:
    parser.add_argument(
        "--rate", type=float, default=2.0, env_var="LOAD_RATE", help="Requests per second, all users together."
    )


@events.test_start.add_listener
def _say_what_is_sent(environment, **kwargs) -> None:
    if not FAIL_SUBJECTS:
        print("No error traffic: set THINK_FAIL_SUBJECTS (e.g. peace) for both the services and the load.")


class ThinkUser(HttpUser):
    """One visitor asking the Think API, at its share of --rate."""

    def wait_time(self) -> float:
        # constant_throughput counts the request's own time: a half-second miss does not slow the rate.
        options = self.environment.parsed_options
        return constant_throughput(options.rate / options.num_users)(self)

    def on_start(self) -> None:
        # Before the datastore (STEP 1 to 3) the thinker knows only the seed's six: fresh subjects fail.
        index = self.client.get("/", name="index")
        step = int(index.json()["workshop_step"].split()[0]) if index.ok else 5
        self.fresh_status = 200 if step >= 4 else 502

    def ask(self, kind: str, params: dict, status: int) -> None:
        with self.client.get("/think/", params=params, name=kind, catch_response=True) as response:
            if response.status_code != status:
                response.failure(f"{kind}: expected {status}, got {response.status_code}: {response.text[:200]}")
            else:
                response.success()  # a 4xx or 5xx this kind must get is no failure of the load

    @task(6)
    def hit(self) -> None:
        self.ask("hit", {"subject": random.choice(SEED_SUBJECTS)}, 200)

    @task(2)
    def miss(self) -> None:
        self.ask("miss", {"subject": f"demo-{uuid.uuid4().hex[:12]}"}, self.fresh_status)

    @task(1)
    def error(self) -> None:
        if FAIL_SUBJECTS:
            self.ask("error", {"subject": random.choice(FAIL_SUBJECTS)}, 502)

    @task(1)
    def several(self) -> None:
        self.ask("list", {"subject": random.sample(SEED_SUBJECTS, 2)}, 200)

    @task(1)
    def bad(self) -> None:
        self.ask("bad", {"subject": ""}, 400)
