"""api_app/thinker_client.py against a real HTTP server standing in for the thinker (tests/stubs.py)."""

import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from api_app import thinker_client
from api_app.thinker_client import (
    ApiBusy,
    CallBudget,
    ThinkerTimeout,
    ThinkerUnavailable,
    fetch_thought,
    fetch_thoughts,
)
from harness.processes import wait_until
from tests.conftest import closed_port
from tests.stubs import RecordedRequest, Reply, json_reply, thought


def test_the_answer_is_the_thought_and_the_memo_outcome_the_thinker_sent(stub_thinker):
    stub_thinker.respond = lambda request: json_reply(
        thought(request.query["subject"][0]), headers={"X-Think-Memo": "hit"}
    )
    answer = fetch_thought(subject="war")
    assert answer.thought == thought("war")
    assert answer.memo == "hit"
    assert [request.query for request in stub_thinker.requests] == [{"subject": ["war"]}]


@pytest.mark.parametrize("subject", ["戦争", "war & peace", "1+1=2", "50%", "a/b?c#d"])
def test_the_subject_reaches_the_thinker_as_sent_whatever_its_characters(stub_thinker, subject):
    stub_thinker.respond = lambda request: json_reply(thought(request.query["subject"][0]))
    assert fetch_thought(subject=subject).thought == thought(subject)
    assert [request.query for request in stub_thinker.requests] == [{"subject": [subject]}]


@pytest.mark.parametrize("sent", [None, "maybe"])
def test_a_memo_outcome_the_thinker_did_not_say_or_made_up_is_unknown(stub_thinker, sent):
    stub_thinker.respond = lambda request: json_reply(thought("war"), headers={"X-Think-Memo": sent} if sent else {})
    assert fetch_thought(subject="war").memo == "unknown"


def test_several_subjects_come_back_in_the_order_asked(stub_thinker):
    # The first subject answers last, so a list built in completion order would come out reversed.
    delays = {"war": 0.3, "music": 0.15, "art": 0.0}
    stub_thinker.respond = lambda request: json_reply(
        thought(request.query["subject"][0]), delay_seconds=delays[request.query["subject"][0]]
    )
    answers = fetch_thoughts(subjects=["war", "music", "art"])
    assert [answer.thought["subject"] for answer in answers] == ["war", "music", "art"]


def test_an_unreachable_thinker_raises_unavailable_with_a_log_line(settings, caplog):
    settings.THINKER_URL = f"http://127.0.0.1:{closed_port()}"
    with caplog.at_level(logging.WARNING, logger="api_app.thinker_client"), pytest.raises(ThinkerUnavailable):
        fetch_thought(subject="war")
    assert "unreachable" in caplog.text


@pytest.mark.parametrize(
    "reply",
    [
        json_reply({"error": "server_error"}, status=500),
        Reply(status=200, body=b"<html>not json</html>"),
        json_reply({"quote": "no author, no subject"}),
    ],
    ids=["thinker-500", "not-json", "not-a-thought"],
)
def test_a_failing_or_garbled_thinker_raises_unavailable(stub_thinker, reply):
    stub_thinker.respond = lambda request: reply
    with pytest.raises(ThinkerUnavailable):
        fetch_thought(subject="war")


def test_one_failing_subject_fails_the_whole_list(stub_thinker):
    stub_thinker.respond = lambda request: (
        json_reply({}, status=500) if request.query["subject"] == ["music"] else json_reply(thought("war"))
    )
    with pytest.raises(ThinkerUnavailable):
        fetch_thoughts(subjects=["war", "music"])


def test_a_connection_dropped_before_the_answer_is_retried_once(stub_thinker):
    replies = iter([Reply(drop=True), json_reply(thought("war"))])
    stub_thinker.respond = lambda request: next(replies)
    assert fetch_thought(subject="war").thought == thought("war")
    assert len(stub_thinker.requests) == 2


def test_the_thinker_gets_the_request_a_requests_session_sends(stub_thinker):
    """The retry, on a session of its own, sends what the first try sent."""
    replies = iter([Reply(drop=True), json_reply(thought("war"))])
    stub_thinker.respond = lambda request: next(replies)
    fetch_thought(subject="war")
    expected = {name.lower(): value for name, value in requests.utils.default_headers().items()}
    for request in stub_thinker.requests:
        assert (request.path, request.query) == ("/", {"subject": ["war"]})
        assert {name: request.headers.get(name) for name in expected} == expected


def test_a_thinker_that_keeps_dropping_connections_raises_unavailable_after_one_retry(stub_thinker):
    stub_thinker.respond = lambda request: Reply(drop=True)
    with pytest.raises(ThinkerUnavailable):
        fetch_thought(subject="war")
    assert len(stub_thinker.requests) == 2


def test_a_timeout_raises_timeout_and_is_not_retried(stub_thinker, settings):
    settings.THINKER_TIMEOUT_SECONDS = 0.2
    stub_thinker.respond = lambda request: json_reply(thought("war"), delay_seconds=1.0)
    with pytest.raises(ThinkerTimeout):
        fetch_thought(subject="war")
    assert len(stub_thinker.requests) == 1


@pytest.fixture
def held_floods(stub_thinker) -> Iterator[threading.Event]:
    """The stub thinker answers `flood-*` subjects only once the test sets the event it yields (at the end, at the
    latest), and every other subject at once."""
    release = threading.Event()

    def respond(request: RecordedRequest) -> Reply:
        subject = request.query["subject"][0]
        if subject.startswith("flood-"):
            release.wait(30)
        return json_reply(thought(subject))

    stub_thinker.respond = respond
    yield release
    release.set()


def floods(requests_: int) -> list[list[str]]:
    return [[f"flood-{n}-{i}" for i in range(10)] for n in range(requests_)]


def test_a_requests_subjects_never_wait_behind_another_requests_fan_out(stub_thinker, held_floods):
    """#44, 7: a pool of 16 fetch threads shared by every request queued a client's two memo hits behind a flood of
    misses (14.7 s). Each request fetches on threads of its own: the hits answer while the flood is still held."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        flood = [pool.submit(fetch_thoughts, subjects=subjects) for subjects in floods(3)]  # 30 calls
        wait_until(lambda: len(stub_thinker.requests) >= 16, timeout=10, what="the flood to reach the thinker")
        hits = pool.submit(fetch_thoughts, subjects=["war", "music"]).result(timeout=10)
        assert not any(request.done() for request in flood)
        held_floods.set()
        assert all(len(request.result(timeout=10)) == 10 for request in flood)
    assert [answer.thought["subject"] for answer in hits] == ["war", "music"]
    assert len(stub_thinker.requests) == 32  # every flood call was at the thinker at once, none queued in the API


def test_a_full_api_refuses_at_once_with_a_503_and_takes_requests_again_once_calls_end(
    stub_thinker, held_floods, monkeypatch, client
):
    monkeypatch.setattr(thinker_client, "_budget", CallBudget(10))
    with ThreadPoolExecutor(max_workers=1) as pool:
        (subjects,) = floods(1)
        flood = pool.submit(fetch_thoughts, subjects=subjects)  # holds all ten calls
        wait_until(lambda: thinker_client._budget.in_flight == 10, timeout=10, what="the flood to take the budget")
        with pytest.raises(ApiBusy):
            fetch_thoughts(subjects=["war"])
        refused = client.get("/think/?subject=war")
        held_floods.set()
        flood.result(timeout=10)

    assert refused.status_code == 503 and refused["Retry-After"] == "1"
    assert refused.json()["error"] == "api_busy" and "THINKER_MAX_CALLS_IN_FLIGHT" in refused.json()["detail"]
    assert thinker_client._budget.in_flight == 0
    assert client.get("/think/?subject=war").status_code == 200


def test_a_request_takes_all_its_calls_or_none():
    budget = CallBudget(10)
    with budget.take(8):
        with pytest.raises(ApiBusy):
            with budget.take(3):
                pass
        assert budget.in_flight == 8  # the refused request took nothing
        with budget.take(2):
            assert budget.in_flight == 10
    assert budget.in_flight == 0
