"""Service-time averages and wait estimates."""

from __future__ import annotations

import pytest

from server.domain.estimate import estimate_shared_wait_s, estimate_wait_s, ewma


def test_ewma_first_sample_taken_as_is() -> None:
    assert ewma(None, 240.0) == 240.0


def test_ewma_weights_the_new_sample() -> None:
    assert ewma(300.0, 100.0) == pytest.approx(260.0)
    assert ewma(300.0, 100.0, alpha=0.5) == pytest.approx(200.0)
    assert ewma(300.0, 100.0, alpha=1.0) == 100.0


def test_ewma_converges() -> None:
    avg: float | None = None
    for _ in range(60):
        avg = ewma(avg if avg is not None else 600.0, 120.0)
    assert avg == pytest.approx(120.0, abs=0.1)


@pytest.mark.parametrize("alpha", [0.0, -0.1, 1.5])
def test_ewma_refuses_bad_alpha(alpha: float) -> None:
    with pytest.raises(ValueError, match=rf"alpha must be in \(0, 1\], got {alpha}"):
        ewma(1.0, 1.0, alpha)


def test_ewma_refuses_negative_sample() -> None:
    with pytest.raises(ValueError, match="sample_s must be >= 0 seconds, got -1"):
        ewma(1.0, -1.0)


def test_estimate_wait() -> None:
    assert estimate_wait_s(0, 300.0, 2) == 0
    assert estimate_wait_s(4, 300.0, 2) == 600
    assert estimate_wait_s(5, 100.0, 3) == 167  # 166.67 rounded
    assert estimate_wait_s(3, 90.4, 1) == 271  # 271.2 rounded
    assert isinstance(estimate_wait_s(3, 90.4, 1), int)


def test_no_open_counter_counts_as_one() -> None:
    assert estimate_wait_s(4, 300.0, 0) == 1200


def test_estimate_refuses_negative_inputs() -> None:
    with pytest.raises(ValueError, match="people_ahead must be >= 0, got -2"):
        estimate_wait_s(-2, 300.0, 1)
    with pytest.raises(ValueError, match="avg_service_s must be >= 0 seconds, got -5"):
        estimate_wait_s(1, -5.0, 1)


def test_shared_estimate_is_the_one_queue_estimate_for_one_service() -> None:
    for ahead, avg, counters in [(0, 300.0, 2), (4, 300.0, 2), (5, 100.0, 3), (3, 90.4, 1)]:
        shared = estimate_shared_wait_s(
            "A", ahead={"A": ahead}, avg_service_s={"A": avg}, open_counters=[{"A"}] * counters
        )
        assert shared == estimate_wait_s(ahead, avg, counters)


def test_shared_estimate_counts_the_other_queues_on_shared_counters() -> None:
    """Counter 1 serves A and F, counter 2 only A, counter 3 F and V. Waiting: 2 A (300 s),
    3 F (600 s), 1 V (900 s).

    A's counters are 1 and 2: each A ticket is all theirs (600 s); an F ticket is served by 1
    and 3, so half of it falls on A's counters (3 x 600 x 1/2 = 900 s); V is not theirs.
    (600 + 900) / 2 counters = 750 s, where the one-queue estimate says 2 x 300 / 2 = 300 s.
    """
    avg = {"A": 300.0, "F": 600.0, "V": 900.0}
    ahead = {"A": 2, "F": 3, "V": 1}
    counters = [{"A", "F"}, {"A"}, {"F", "V"}]
    assert (
        estimate_shared_wait_s("A", ahead=ahead, avg_service_s=avg, open_counters=counters) == 750
    )
    # V's one counter also takes half the F work: (900 + 900) / 1
    assert (
        estimate_shared_wait_s("V", ahead=ahead, avg_service_s=avg, open_counters=counters) == 1800
    )


def test_shared_estimate_without_an_open_counter_is_its_own_queue_on_one() -> None:
    avg = {"A": 300.0, "F": 600.0}
    closed = estimate_shared_wait_s(
        "A", ahead={"A": 4, "F": 9}, avg_service_s=avg, open_counters=[{"F"}]
    )
    assert closed == estimate_wait_s(4, 300.0, 0) == 1200
    # a service nobody open serves takes nothing from A's counters
    assert (
        estimate_shared_wait_s(
            "A", ahead={"A": 1, "F": 9}, avg_service_s=avg, open_counters=[{"A"}]
        )
        == 300
    )


def test_shared_estimate_refuses_negative_counts() -> None:
    with pytest.raises(ValueError, match="ahead must be >= 0 per service"):
        estimate_shared_wait_s("A", ahead={"A": -1}, avg_service_s={"A": 1.0}, open_counters=[])
