"""Handing a saved response's processing to a thread: the request goes on, nothing is lost."""

from __future__ import annotations

import logging
import threading

import pytest

from survey_app.background import HandOff


class Broker:
    """What the hand-off sends to: records each batch; can be held or made to fail."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.release = threading.Event()
        self.release.set()
        self.sending = threading.Event()
        self.down = False

    def send(self, items: list[int]) -> None:
        self.sending.set()
        self.release.wait(10)
        if self.down:
            raise ConnectionError("broker unreachable")
        self.batches.append(list(items))


def test_everything_handed_over_is_sent_in_order_by_the_time_it_closes() -> None:
    broker = Broker()
    hand_off = HandOff(broker.send, "the processing of responses")
    for response_id in range(1, 8):
        hand_off(response_id)
    hand_off.close()
    assert [item for batch in broker.batches for item in batch] == list(range(1, 8))


def test_the_caller_goes_on_while_the_broker_has_not_answered() -> None:
    broker = Broker()
    broker.release.clear()  # the broker takes its time
    hand_off = HandOff(broker.send, "the processing of responses")
    hand_off(1)
    assert broker.sending.wait(5)
    hand_off(2)  # returns although the first send has not finished
    assert broker.batches == []
    broker.release.set()
    hand_off.close()
    assert [item for batch in broker.batches for item in batch] == [1, 2]


def test_responses_saved_while_the_broker_was_busy_go_in_one_message() -> None:
    broker = Broker()
    broker.release.clear()
    hand_off = HandOff(broker.send, "the processing of responses", linger=0)
    hand_off(1)
    assert broker.sending.wait(5)
    for response_id in range(2, 7):
        hand_off(response_id)
    broker.release.set()
    hand_off.close()
    assert broker.batches == [[1], [2, 3, 4, 5, 6]]


def test_a_response_after_a_quiet_spell_goes_at_once_and_a_busy_stream_in_one_message() -> None:
    broker = Broker()
    # A linger far longer than the wait below: the first item cannot have waited for it.
    hand_off = HandOff(broker.send, "the processing of responses", linger=3.0, busy=60.0)
    hand_off(1)
    assert broker.sending.wait(2)
    for _ in range(200):  # until the first batch is recorded
        if broker.batches:
            break
        threading.Event().wait(0.01)
    for response_id in range(2, 6):  # handed over just after a send: the thread lingers
        hand_off(response_id)
    hand_off.close()
    assert broker.batches == [[1], [2, 3, 4, 5]]


def test_a_broker_that_is_down_drops_what_waits_with_a_warning_and_later_sends_still_go(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broker = Broker()
    broker.release.clear()
    broker.down = True
    hand_off = HandOff(broker.send, "the processing of responses", linger=0)
    hand_off(1)
    assert broker.sending.wait(5)
    hand_off(2)
    hand_off(3)
    with caplog.at_level(logging.WARNING, logger="survey_app.background"):
        broker.release.set()
        hand_off.close()
    [warning] = [r for r in caplog.records if r.name == "survey_app.background"]
    assert "could not send the processing of responses 1 (nor 2 more waiting)" in warning.message
    assert "sweeper" in warning.message

    broker.down = False
    hand_off(4)  # the broker is back: the thread starts again and sends
    hand_off.close()
    assert broker.batches == [[4]]


def test_what_is_handed_over_past_the_limit_is_left_to_the_sweeper(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broker = Broker()
    broker.release.clear()
    hand_off = HandOff(broker.send, "the processing of responses", linger=0, limit=2)
    hand_off(1)
    assert broker.sending.wait(5)
    with caplog.at_level(logging.WARNING, logger="survey_app.background"):
        for response_id in (2, 3, 4):
            hand_off(response_id)
    broker.release.set()
    hand_off.close()
    assert broker.batches == [[1], [2, 3]]
    assert any("dropped the processing of responses 4" in r.message for r in caplog.records)
