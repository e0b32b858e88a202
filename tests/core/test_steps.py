import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.steps import STEPS, step_from
from harness.processes import REPO, clean_env


def test_unset_or_blank_is_the_last_step_with_everything_on():
    for value in (None, "", " "):
        step = step_from(value)
        assert (step.number, step.propagation, step.datastore, step.memo, step.queue) == (6, "auto", True, True, True)


@pytest.mark.parametrize(
    ("value", "propagation", "datastore", "memo", "queue"),
    [("1", "off", False, False, False), ("2", "manual", False, False, False), ("3", "auto", False, False, False),
     ("4", "auto", True, False, False), ("5", "auto", True, True, False), ("6", "auto", True, True, True)],
)  # fmt: skip
def test_each_step_turns_on_what_the_seed_adds_by_then(value, propagation, datastore, memo, queue):
    step = step_from(value)
    assert (step.propagation, step.datastore, step.memo, step.queue) == (propagation, datastore, memo, queue)


@pytest.mark.parametrize("value", ["0", "7", "six", "2.5", "-1"])
def test_a_step_outside_one_to_six_is_refused_naming_the_valid_ones(value):
    with pytest.raises(ImproperlyConfigured) as refused:
        step_from(value)
    assert all(f"{n} ({step.title})" in str(refused.value) for n, step in STEPS.items())
    assert repr(value) in str(refused.value)


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("STEP", "7", "STEP must be one of 1 (broken in two)"),
    ("TRACE_PROPAGATION", "off", "TRACE_PROPAGATION is gone: STEP walks the workshop"),
])  # fmt: skip
def test_a_service_refuses_to_start_on_a_bad_step(variable, value, message):
    env = clean_env(DJANGO_SECRET_KEY="x", SERVICE="thinker", **{variable: value})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert message in result.stderr
