"""Erlang B/C against values worked by hand and textbook tables."""

from __future__ import annotations

import math

import pytest

from branchq_sim.erlang import erlang_b, erlang_c, fewest_servers, mean_wait_s, service_level


@pytest.mark.parametrize(
    ("servers", "load", "expected"),
    [
        (1, 0.5, 0.5),  # M/M/1: P(wait) = rho
        (2, 1.0, 1 / 3),  # (a^c/c! * c/(c-a)) / (sum a^k/k! + that) = 1 / (2 + 1)
        (3, 2.0, 4 / 9),
    ],
)
def test_erlang_c_by_hand(servers: int, load: float, expected: float) -> None:
    assert erlang_c(servers, load) == pytest.approx(expected, rel=1e-12)


def test_erlang_b_table_values() -> None:
    # the Erlang B table: 5 Erlangs on 10 lines blocks 1.84 %, 2 Erlangs on 5 lines 3.67 %
    assert erlang_b(10, 5.0) == pytest.approx(0.018385, abs=5e-6)
    assert erlang_b(5, 2.0) == pytest.approx(0.036697, abs=5e-6)


def _textbook_c(c: int, a: float) -> float:
    """The textbook formula, term by term with factorials."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


@pytest.mark.parametrize(("servers", "load"), [(4, 3.2), (10, 8.0), (28, 24.0), (55, 48.0)])
def test_erlang_c_matches_the_textbook_formula(servers: int, load: float) -> None:
    assert erlang_c(servers, load) == pytest.approx(_textbook_c(servers, load), rel=1e-9)


def test_service_level_and_the_fewest_counters() -> None:
    # M/M/1, rho 0.5, 5 min service: P(wait > 5 min) = 0.5 * exp(-(1 - 0.5)) = 0.3033
    assert service_level(1, 6, 300, 300) == pytest.approx(1 - 0.5 * math.exp(-0.5))
    # 40 an hour of 5 min (3.33 Erlangs), 80 % within 5 min: 4 counters give 66 %, 5 give 94 %
    assert service_level(4, 40, 300, 300) < 0.8 < service_level(5, 40, 300, 300)
    assert fewest_servers(40, 300, 300, 0.8) == 5


def test_overload_and_the_empty_hour() -> None:
    assert erlang_c(3, 3.0) == 1.0 and service_level(3, 36, 300, 600) == 0.0
    assert mean_wait_s(3, 36, 300) == math.inf
    assert fewest_servers(0, 300, 600, 0.8) == 0


def test_mm1_mean_wait() -> None:
    # M/M/1 with rho 0.5 and 10 min service: Wq = rho/(1-rho) * s = 10 min
    assert mean_wait_s(1, 3, 600) == pytest.approx(600.0)
