"""Why a service can't be taken now: the one rule behind QueueInfo.unavailable and issuing."""

from __future__ import annotations

import pytest

from server.domain.availability import (
    TEXTS,
    Unavailability,
    issue_refusal,
    unavailable,
    unavailable_text,
)
from server.domain.errors import ServiceUnavailable
from server.domain.model import ServiceDef
from server.domain.numbering import Numbering, next_numbers


def _unavailable(**overrides: object) -> Unavailability | None:
    figures: dict[str, object] = {
        "is_open": True,
        "daily_cap": None,
        "issued_today": 0,
        "open_tickets": 0,
        "number_span": 999,
        "serving_counters": 1,
        "branch_open": True,
    }
    figures.update(overrides)
    return unavailable(**figures)  # type: ignore[arg-type]


def test_available_when_open_under_cap_and_served() -> None:
    assert _unavailable() is None
    assert _unavailable(daily_cap=3, issued_today=2) is None
    assert unavailable_text(None) is None


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"is_open": False}, Unavailability.CLOSED),
        ({"daily_cap": 3, "issued_today": 3}, Unavailability.CAP_REACHED),
        ({"daily_cap": 3, "issued_today": 7}, Unavailability.CAP_REACHED),
        ({"serving_counters": 0}, Unavailability.NO_COUNTER),
        ({"open_tickets": 999}, Unavailability.NUMBERS_IN_USE),
        ({"open_tickets": 999, "serving_counters": 0}, Unavailability.NUMBERS_IN_USE),
        ({"open_tickets": 999, "daily_cap": 5, "issued_today": 5}, Unavailability.CAP_REACHED),
        # closed beats the cap, the cap beats "no counter"
        ({"is_open": False, "daily_cap": 1, "issued_today": 1}, Unavailability.CLOSED),
        ({"serving_counters": 0, "daily_cap": 1, "issued_today": 1}, Unavailability.CAP_REACHED),
    ],
)
def test_reasons(overrides: dict[str, object], reason: Unavailability) -> None:
    assert _unavailable(**overrides) is reason


def test_before_the_branch_opens_tickets_are_taken_for_the_opening() -> None:
    assert _unavailable(serving_counters=0, branch_open=False) is None


def test_every_reason_has_both_languages() -> None:
    assert set(TEXTS) == set(Unavailability)
    for reason in Unavailability:
        text = unavailable_text(reason)
        assert text is not None and text.zh and text.en
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in text.en)


def test_issuing_refuses_what_the_rule_refuses() -> None:
    """The server's refusal and the kiosk's greyed-out button come from the same rule."""
    capped = ServiceDef("V", "V", "贵宾理财", "VIP wealth", daily_cap=2)
    numbers = next_numbers(capped, Numbering(1, 1), 2, lambda first, last: ())
    assert len(numbers.given) == 1
    assert isinstance(numbers.refusal, ServiceUnavailable)
    assert numbers.refusal.reason == "cap_reached"
    assert issue_refusal(is_open=True, daily_cap=2, issued_today=2) is Unavailability.CAP_REACHED
    closed = ServiceDef("B", "B", "对公业务", "Corporate", is_open=False)
    refused = next_numbers(closed, Numbering(), 1, lambda first, last: ()).refusal
    assert refused is not None and refused.reason == "closed"


def test_numbers_in_use_is_what_the_numbering_refuses() -> None:
    """The numbering gives no number held by an open ticket; once the open tickets hold every
    number of the span it refuses with numbers_in_use, and the availability rule says so."""
    tiny = ServiceDef("V", "V", "贵宾理财", "VIP wealth", number_min=1, number_max=3)
    for open_now in range(5):
        live = {f"V{v}" for v in range(1, min(open_now, 3) + 1)}
        numbers = next_numbers(
            tiny, Numbering(open_now, open_now or None), 1, lambda f, t, held=live: held
        )
        refused = numbers.refusal is not None and numbers.refusal.reason == "numbers_in_use"
        reason = _unavailable(open_tickets=len(live), number_span=tiny.number_span)
        assert refused == (reason is Unavailability.NUMBERS_IN_USE), open_now
        assert refused == (open_now >= 3)
