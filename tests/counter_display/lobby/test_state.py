"""LobbyState without a server or a window: call identity across live events and snapshots,
order of announcements, calls too old, and the lobby file's errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from counter_display.lobby.config import load_lobby_config
from counter_display.lobby.errors import LobbyConfigError
from counter_display.lobby.state import LobbyState
from server.contract.common import Bilingual, Category, TicketState
from server.contract.events import (
    CallInfo,
    EmergencyChanged,
    Snapshot,
    TicketCalled,
    TicketRecalled,
    TicketRef,
)

T0 = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
PERSONAL = Bilingual(zh="个人业务", en="Personal")


def ref(number: str) -> TicketRef:
    return TicketRef(
        public_id=f"id-{number}",
        number=number,
        service_code="A",
        service_name=PERSONAL,
        category=Category.NORMAL,
        state=TicketState.CALLED,
        issued_at=T0,
    )


def call(number: str, counter: int, at: datetime, recalls: int = 0) -> CallInfo:
    return CallInfo(
        ticket=ref(number),
        counter_number=counter,
        counter_name=Bilingual(zh=f"{counter}号窗口", en=f"Counter {counter}"),
        recall_count=recalls,
        called_at=at,
    )


def snapshot(seq: int, at: datetime, calls: list[CallInfo]) -> Snapshot:
    return Snapshot(seq=seq, at=at, queues=[], counters=[], recent_calls=calls)


def called(seq: int, c: CallInfo) -> TicketCalled:
    from server.contract.events import QueueInfo

    queue = QueueInfo(
        service_code="A", prefix="A", name=PERSONAL, is_open=True, waiting=0,
        estimated_wait_s=0, open_counters=1,
    )  # fmt: skip
    return TicketCalled(
        seq=seq, at=c.called_at, call=c, reason=Bilingual(zh="", en=""), queue=queue
    )


def test_a_recall_seen_live_is_not_announced_again_from_a_snapshot() -> None:
    state = LobbyState()
    state.apply(snapshot(1, T0, []), 0.0)
    first = call("A001", 3, T0)
    assert [a.ticket_number for a in state.apply(called(2, first), 0.0).announce] == ["A001"]
    t1 = T0 + timedelta(seconds=20)
    # live: the recall carries the original called_at and the recall's time as the event's at
    recalled = TicketRecalled(seq=3, at=t1, call=call("A001", 3, T0, recalls=1))
    out = state.apply(recalled, 1.0)
    assert [a.ticket_number for a in out.announce] == ["A001"]
    assert out.flash is not None and out.flash.recall
    # after a restart the snapshot lists the recall at its own time: nothing to announce
    again = state.apply(snapshot(100, t1, [call("A001", 3, t1, 1), first]), 2.0)
    assert again.announce == [] and again.flash is None


def test_calls_missed_while_away_are_announced_in_call_order_newest_flashes() -> None:
    state = LobbyState()
    state.apply(snapshot(1, T0, [call("A001", 1, T0)]), 0.0)
    missed = [
        call("A004", 2, T0 + timedelta(seconds=3)),
        call("A003", 1, T0 + timedelta(seconds=2)),
    ]
    out = state.apply(snapshot(50, T0 + timedelta(seconds=5), [*missed, call("A001", 1, T0)]), 1.0)
    assert [a.ticket_number for a in out.announce] == ["A003", "A004"]
    assert out.flash is not None and out.flash.call.ticket.number == "A004"
    assert [c.call.ticket.number for c in state.calls] == ["A004", "A003", "A001"]


def test_calls_older_than_the_limit_are_shown_not_announced() -> None:
    state = LobbyState(max_call_age_s=60)
    out = state.apply(snapshot(1, T0 + timedelta(seconds=61), [call("A001", 1, T0)]), 0.0)
    assert out.announce == []
    assert state.newest is not None and state.newest.call.ticket.number == "A001"


def test_emergency_is_set_and_cleared() -> None:
    state = LobbyState()
    notice = Bilingual(zh="暂停取号", en="Issuing paused")
    state.apply(EmergencyChanged(seq=2, at=T0, notice=notice), 0.0)
    assert state.emergency == notice
    state.apply(EmergencyChanged(seq=3, at=T0, notice=None), 0.0)
    assert state.emergency is None


def test_a_bad_lobby_file_names_the_key_and_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "lobby.toml"
    path.write_text(
        '[screen]\norientation = "sideways"\n[voice]\nquiet_hours = ["22-07"]\nvolume = 3\n'
    )
    with pytest.raises(LobbyConfigError) as err:
        load_lobby_config(path)
    text = str(err.value)
    assert "screen.orientation" in text and "voice.quiet_hours" in text
    assert "voice.volume" in text and "expected HH:MM-HH:MM" in text
    with pytest.raises(LobbyConfigError, match="no such file"):
        load_lobby_config(tmp_path / "missing.toml")


def test_quiet_hours_cross_midnight(tmp_path: Path) -> None:
    from datetime import time

    path = tmp_path / "lobby.toml"
    path.write_text('[voice]\nquiet_hours = ["22:00-07:00", "12:00-13:30"]\n')
    voice = load_lobby_config(path).voice
    assert voice.quiet_at(time(23, 0)) and voice.quiet_at(time(6, 59))
    assert voice.quiet_at(time(12, 30)) and not voice.quiet_at(time(13, 30))
    assert not voice.quiet_at(time(10, 0))


def test_no_token_says_where_to_put_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BRANCHQ_DEVICE_TOKEN", raising=False)
    path = tmp_path / "lobby.toml"
    path.write_text("[server]\n")
    with pytest.raises(LobbyConfigError, match="create-device lobby-1 --role display"):
        load_lobby_config(path).server.resolve_token()
    (tmp_path / "t").write_text("secret-token\n")
    path.write_text(f'[server]\ntoken_file = "{tmp_path / "t"}"\n')
    assert load_lobby_config(path).server.resolve_token() == "secret-token"
