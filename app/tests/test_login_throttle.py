"""The sign-in throttle's two windows, on a clock the test moves."""

from __future__ import annotations

from control_plane.login_throttle import LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_address_window_counts_every_name_and_ends_after_ten_minutes() -> None:
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    for n in range(20):
        assert throttle.retry_after(f"user{n}", "10.0.0.1") is None
        throttle.record_failure(f"user{n}", "10.0.0.1")
        clock.now += 1
    assert throttle.retry_after("anyone", "10.0.0.1") == 600 - 20
    assert throttle.retry_after("anyone", "10.0.0.2") is None
    throttle.record_success("user0", "10.0.0.1")
    assert throttle.retry_after("user0", "10.0.0.1") == 600 - 20
    clock.now = 1000.0 + 600
    # The first failure has left the window: 19 remain, under the limit.
    assert throttle.retry_after("anyone", "10.0.0.1") is None


def test_the_pair_window_holds_one_name_for_a_minute() -> None:
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    for _ in range(5):
        throttle.record_failure("admin", "10.0.0.1")
    clock.now += 10
    assert throttle.retry_after("admin", "10.0.0.1") == 50
    assert throttle.retry_after("other", "10.0.0.1") is None
    throttle.record_success("admin", "10.0.0.1")
    assert throttle.retry_after("admin", "10.0.0.1") is None
