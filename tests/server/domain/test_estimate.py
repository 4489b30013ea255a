"""Service-time averages and wait estimates."""

from __future__ import annotations

import pytest

from server.domain.estimate import estimate_wait_s, ewma


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
