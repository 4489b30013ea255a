"""The phone page's texts for each state of a ticket (pure: no server)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from server.contract.common import Bilingual, Language, TicketState
from server.contract.rest import TicketStatusOut
from server.services.phone_page import choose_language
from server.services.phone_view import STATE_LABELS, view_of

AT = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
ZONE = "Asia/Shanghai"


def _status(state: TicketState, **extra: object) -> TicketStatusOut:
    fields: dict[str, object] = {
        "public_id": "p" * 22,
        "number": "A023",
        "service_code": "A",
        "service_name": Bilingual(zh="个人业务", en="Personal"),
        "state": state,
        "people_ahead": 0,
        "estimated_wait_s": 0,
        "issued_at": AT,
    }
    fields.update(extra)
    return TicketStatusOut.model_validate(fields)


def _counter3() -> dict[str, object]:
    return {
        "counter_number": 3,
        "counter_name": Bilingual(zh="3号窗口", en="Counter 3"),
        "called_at": AT.replace(minute=17),
    }


def test_waiting_shows_people_ahead_and_the_wait() -> None:
    view = view_of(
        _status(TicketState.WAITING, people_ahead=4, estimated_wait_s=530), now=AT, timezone=ZONE
    )
    assert (view.tone, view.final, view.headline) == ("waiting", False, None)
    assert [(f.label.en, f.value.zh, f.value.en) for f in view.facts] == [
        ("People ahead", "4 人", "4"),
        ("Estimated wait", "约 9 分钟", "about 9 min"),
        ("Issued at", "10:00", "10:00"),
    ]
    assert view.updated_at == "10:00:00"


def test_next_in_line() -> None:
    view = view_of(_status(TicketState.WAITING), now=AT, timezone=ZONE)
    assert view.tone == "next"
    assert view.headline == Bilingual(zh="下一位就是您", en="You're next")
    assert view.facts[1].value == Bilingual(zh="即将叫号", en="Any moment now")


def test_called_says_which_counter_in_both_languages() -> None:
    view = view_of(_status(TicketState.CALLED, **_counter3()), now=AT, timezone=ZONE)
    assert (view.tone, view.counter_number) == ("called", 3)
    assert view.headline == Bilingual(zh="请到 3号窗口", en="Please go to Counter 3")
    assert view.facts[0].value.en == "10:17"


@pytest.mark.parametrize(
    ("state", "tone", "headline_en"),
    [
        (TicketState.SERVING, "serving", "Being served at Counter 3"),
        (TicketState.PARKED, "waiting", "Please wait nearby"),
        (TicketState.DONE, "done", "All done"),
        (TicketState.NO_SHOW, "alert", "Your number was missed"),
        (TicketState.CANCELLED, "alert", "This ticket was cancelled"),
        (TicketState.ABANDONED, "alert", "This ticket has expired"),
    ],
)
def test_every_state(state: TicketState, tone: str, headline_en: str) -> None:
    view = view_of(_status(state, **_counter3()), now=AT, timezone=ZONE)
    assert view.tone == tone
    assert view.headline is not None and view.headline.en == headline_en
    assert view.final == (state in {"DONE", "NO_SHOW", "CANCELLED", "ABANDONED"})
    assert view.state_label == STATE_LABELS[state]


@pytest.mark.parametrize(
    ("lang", "header", "ticket", "expected"),
    [
        ("en", "zh-CN", None, Language.EN),
        ("xx", "en-GB,en;q=0.9", None, Language.EN),
        (None, "zh-Hans-CN;q=0.8, en-US;q=0.9", None, Language.EN),
        (None, "en;q=0, zh;q=0.1", None, Language.ZH),
        (None, "de, en;q=bad, *;q=0.5", Language.EN, Language.EN),
        (None, None, None, Language.ZH),
        (None, "", Language.EN, Language.EN),
    ],
)
def test_choose_language(
    lang: str | None, header: str | None, ticket: Language | None, expected: Language
) -> None:
    assert choose_language(lang=lang, accept_language=header, ticket_language=ticket) is expected
