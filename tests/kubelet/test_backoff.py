"""Crash back-off on an injected clock: immediate first restart, then doubling to a cap."""

from __future__ import annotations

from engine.clock import FakeClock
from engine.kubelet.backoff import Backoff, human_seconds


def test_restarts_wait_longer_each_time_up_to_the_maximum():
    clock = FakeClock()
    backoff = Backoff(10, 40, clock)
    key = "uid/main"
    waits = []
    for _ in range(5):
        finished = clock.monotonic()  # the container exits at once every time
        waits.append(backoff.remaining(key, finished))
        clock.advance(waits[-1])
        backoff.next(key, finished)
    assert waits == [0, 10, 20, 40, 40]


def test_a_container_that_ran_for_long_starts_over_at_the_initial_delay():
    clock = FakeClock()
    backoff = Backoff(10, 40, clock)
    for _ in range(3):
        backoff.next("k", clock.monotonic())
    assert backoff.duration("k") == 40
    clock.advance(81)  # longer than twice the maximum since the last restart
    assert backoff.remaining("k", clock.monotonic()) == 0
    backoff.next("k", clock.monotonic())
    assert backoff.duration("k") == 10


def test_back_off_reads_as_go_durations():
    assert [human_seconds(s) for s in (10, 20, 160, 300)] == ["10s", "20s", "2m40s", "5m0s"]
