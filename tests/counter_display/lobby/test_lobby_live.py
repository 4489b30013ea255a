"""The lobby display against the real server: calls shown and spoken, recall, waiting counts,
a server restart, a burst of ten calls, calls too old to speak, the emergency notice."""

from __future__ import annotations

from pathlib import Path

from branchq_voice.pack import VoicePack
from server.contract.common import Bilingual, Role
from tests.counter_display.lobby.conftest import Branch, LobbyFactory, expected_audio, wav_frames


def wav_of(app: object) -> Path:
    return Path(app.config.voice.output.removeprefix("file://"))  # type: ignore[attr-defined]


def test_a_call_shows_large_and_is_added_to_the_history(
    qtbot, branch: Branch, make_lobby: LobbyFactory, voice_pack: VoicePack
) -> None:
    lobby = make_lobby()
    branch.issue("A", 2)
    first = branch.call_next(1)
    qtbot.waitUntil(lambda: lobby.window.newest.number == first)
    assert lobby.window.newest._timer.isActive()  # flashing
    second = branch.call_next(2)
    qtbot.waitUntil(lambda: lobby.window.newest.number == second)
    assert lobby.window.newest.counter is not None
    assert lobby.window.newest.counter.en == "Counter 2"
    number, zh, en = lobby.window.history_rows[0]
    assert (number.text(), zh.text(), en.text()) == (first, "1号窗口", "Counter 1")
    qtbot.waitUntil(lambda: len(lobby.announcer.spoken) == 2)
    assert wav_frames(wav_of(lobby)) == expected_audio(voice_pack, [(first, 1), (second, 2)])


def test_a_recall_flashes_and_speaks_again(
    qtbot, branch: Branch, make_lobby: LobbyFactory, voice_pack: VoicePack
) -> None:
    lobby = make_lobby()
    branch.issue("A", 2)
    number = branch.call_next(3)
    qtbot.waitUntil(lambda: len(lobby.announcer.spoken) == 1)
    branch.issue("A", 1)  # another call in between does not hide the recall
    qtbot.waitUntil(lambda: not lobby.window.newest._timer.isActive(), timeout=10000)
    branch.act(3, "recall")
    qtbot.waitUntil(lambda: len(lobby.announcer.spoken) == 2)
    assert lobby.window.newest._timer.isActive()  # flashing again
    assert lobby.window.newest.recall
    assert lobby.window.newest.number == number
    assert wav_frames(wav_of(lobby)) == expected_audio(voice_pack, [(number, 3), (number, 3)])


def test_waiting_counts_follow_issuing(qtbot, branch: Branch, make_lobby: LobbyFactory) -> None:
    lobby = make_lobby()

    def waiting(code: str) -> int:
        return next(q.waiting for q in lobby.model.queues if q.service_code == code)

    assert waiting("A") == 0
    branch.issue("A", 3)
    branch.issue("B", 1)
    qtbot.waitUntil(lambda: waiting("A") == 3 and waiting("B") == 1)
    texts = [zh.text() for row in lobby.window.queue_cells for zh, _en in row]
    assert "3 人" in texts
    branch.call_next(1)
    qtbot.waitUntil(lambda: waiting("A") == 2)
    qtbot.waitUntil(
        lambda: "2 人" in [zh.text() for row in lobby.window.queue_cells for zh, _ in row]
    )


def test_server_restart_nothing_missed_nothing_spoken_twice(
    qtbot, branch: Branch, make_lobby: LobbyFactory, voice_pack: VoicePack
) -> None:
    lobby = make_lobby()
    branch.issue("A", 3)
    first = branch.call_next(1)
    qtbot.waitUntil(lambda: len(lobby.announcer.spoken) == 1)
    branch.live.stop()
    qtbot.waitUntil(lambda: not lobby.model.online, timeout=10000)
    assert lobby.window.offline.isVisibleTo(lobby.window)
    branch.live.start()
    second = branch.call_next(2)  # made before the display is back
    qtbot.waitUntil(lambda: lobby.model.online, timeout=10000)
    qtbot.waitUntil(lambda: len(lobby.announcer.spoken) == 2, timeout=10000)
    third = branch.call_next(3)
    qtbot.waitUntil(lambda: len(lobby.announcer.spoken) == 3)
    assert lobby.window.newest.number == third
    assert len(set(lobby.announcer.spoken)) == 3
    calls = [(first, 1), (second, 2), (third, 3)]
    assert wav_frames(wav_of(lobby)) == expected_audio(voice_pack, calls)
    assert not lobby.window.offline.isVisibleTo(lobby.window)


def test_ten_calls_in_a_burst_are_spoken_in_order_without_overlap(
    qtbot, branch: Branch, make_lobby: LobbyFactory, voice_pack: VoicePack
) -> None:
    lobby = make_lobby()
    quiet = make_lobby("lobby-2", speak=False)  # shows, never speaks
    branch.issue("A", 8)  # counters 1, 2, 3 and 5 serve A, counter 4 serves B
    branch.issue("B", 2)
    calls: list[tuple[str, int]] = []
    for counter in (1, 2, 3, 4, 5):
        calls.append((branch.call_next(counter), counter))
    for counter in (1, 2, 3, 4, 5):
        calls.append((branch.serve_and_call_next(counter), counter))
    qtbot.waitUntil(lambda: len(lobby.announcer.spoken) == 10, timeout=10000)

    frames = wav_frames(wav_of(lobby))
    renders = [voice_pack.render(n, c, ["zh", "en"]) for n, c in calls]
    assert len(frames) == sum(len(r.pcm) for r in renders)  # back to back: no overlap
    offset = 0
    for (number, counter), rendered in zip(calls, renders, strict=True):
        for seg in rendered.segments:  # every clip where it belongs, in call order
            at = offset + seg.start
            if seg.name != "(gap)":
                assert frames[at : at + seg.length] == voice_pack.clips[seg.name], (
                    f"{number} -> {counter}: clip {seg.name} not at byte {at}"
                )
        offset += len(rendered.pcm)
    # several displays stay in step; only the one configured to speak speaks
    qtbot.waitUntil(lambda: quiet.window.newest.number == calls[-1][0])
    assert quiet.announcer is None
    assert not wav_of(quiet).exists()
    shown = [c.call.ticket.number for c in quiet.model.state.calls]
    assert shown == [c.call.ticket.number for c in lobby.model.state.calls]


def test_a_call_too_old_is_shown_but_not_spoken(
    qtbot, branch: Branch, make_lobby: LobbyFactory, voice_pack: VoicePack
) -> None:
    branch.issue("A", 2)
    old = branch.call_next(1)
    branch.tick(120)  # the display starts two minutes later (max_call_age_s = 60)
    lobby = make_lobby()
    assert lobby.window.newest.number == old
    assert lobby.announcer.spoken == []
    fresh = branch.call_next(2)
    qtbot.waitUntil(lambda: lobby.announcer.spoken != [])
    assert wav_frames(wav_of(lobby)) == expected_audio(voice_pack, [(fresh, 2)])


def test_quiet_hours_show_without_speaking(qtbot, branch: Branch, make_lobby: LobbyFactory) -> None:
    # the test clock is 10:00 in Asia/Shanghai
    lobby = make_lobby(extra='quiet_hours = ["09:30-10:30"]')
    branch.issue("A", 1)
    number = branch.call_next(1)
    qtbot.waitUntil(lambda: lobby.window.newest.number == number)
    qtbot.waitUntil(lambda: len(lobby.model.not_spoken) == 1)
    assert lobby.announcer.spoken == []


def test_an_emergency_notice_covers_the_screen_and_goes(
    qtbot, branch: Branch, make_lobby: LobbyFactory
) -> None:
    lobby = make_lobby()
    notice = Bilingual(zh="因系统维护，暂停取号。", en="Ticket issuing is paused for maintenance.")
    branch.set_emergency(notice)
    qtbot.waitUntil(lambda: lobby.window.cover.isVisibleTo(lobby.window))
    assert lobby.window.cover.notice == notice
    assert lobby.window.cover.geometry() == lobby.window.rect()
    image = lobby.window.grab().toImage()
    assert image.pixelColor(10, image.height() // 2).name() == "#b71c1c"  # red, all over
    later = make_lobby("lobby-2")  # a display started now gets it from the snapshot
    assert later.model.state.emergency == notice, "the snapshot carried the notice"
    qtbot.waitUntil(lambda: later.window.cover.isVisibleTo(later.window))  # drawn a turn later
    branch.set_emergency(None)
    qtbot.waitUntil(lambda: not lobby.window.cover.isVisibleTo(lobby.window))
    qtbot.waitUntil(lambda: not later.window.cover.isVisibleTo(later.window))


def test_notice_bar_scrolls_the_branch_notices_and_phone_numbers(
    qtbot, branch: Branch, make_lobby: LobbyFactory
) -> None:
    lobby = make_lobby()
    bar = lobby.window.notice_bar
    qtbot.waitUntil(lambda: "400-820-9599" in bar.text)
    assert "挂失专线 400-820-9599" in bar.text and "Lost or stolen card 400-820-9599" in bar.text
    assert "银行工作人员不会向您索要密码或验证码" in bar.text
    assert lobby.window.title_zh.text() == "示范支行"
    start = bar.offset
    qtbot.waitUntil(lambda: bar.offset > start + 10)  # it moves


def test_a_restarted_display_does_not_repeat_what_it_announced(
    qtbot, branch: Branch, make_lobby: LobbyFactory, voice_pack: VoicePack, tmp_path: Path
) -> None:
    memory = f'announced_file = "{tmp_path / "announced"}"'
    first = make_lobby("lobby-a", extra=memory)
    branch.issue("A", 2)
    number = branch.call_next(1)
    qtbot.waitUntil(lambda: len(first.announcer.spoken) == 1)
    first.stop()  # the display restarts (same file), within max_call_age_s of the call
    again = make_lobby("lobby-b", extra=memory)
    assert again.window.newest.number == number  # shown
    later = branch.call_next(2)
    qtbot.waitUntil(lambda: len(again.announcer.spoken) == 1)
    assert wav_frames(wav_of(again)) == expected_audio(voice_pack, [(later, 2)])


def test_a_refused_token_is_said_on_screen(qtbot, branch: Branch, tmp_path: Path) -> None:
    from counter_display.lobby.app import LobbyApp
    from counter_display.lobby.config import LobbyConfig

    config = LobbyConfig.model_validate({"server": {"url": branch.live.url, "token_env": None}})
    app = LobbyApp(config, token="not-a-token")
    try:
        app.window.show()
        assert app.window.offline.isVisibleTo(app.window)  # "connecting" from the start
        app.start()
        qtbot.waitUntil(lambda: "未获授权" in app.window.offline.text(), timeout=10000)
        assert "Display not authorised" in app.window.offline.text()
        assert app.window.offline.isVisibleTo(app.window)
    finally:
        app.stop()


def _device(branch: Branch, name: str) -> dict | None:  # type: ignore[type-arg]
    with branch.live.client() as client:
        r = client.get("/api/v1/devices", headers=branch.live.auth("root", Role.ADMIN))
    assert r.status_code == 200, r.text
    return next((d for d in r.json() if d["name"] == name), None)


def test_the_display_reports_itself_and_its_voice_in_the_device_list(
    qtbot, branch: Branch, make_lobby: LobbyFactory
) -> None:
    make_lobby("lobby-heard")
    make_lobby("lobby-mute", output="null://")  # no sound device: shown, not spoken
    qtbot.waitUntil(
        lambda: all(
            (_device(branch, n) or {}).get("status") != "UNKNOWN"
            for n in ("lobby-heard", "lobby-mute")
        ),
        timeout=10_000,
    )
    heard = _device(branch, "lobby-heard")
    assert heard is not None and heard["status"] == "OK", heard
    assert heard["heartbeat_interval_s"] == 30
    assert [(c["id"], c["status"]) for c in heard["components"]] == [("voice", "OK")]
    mute = _device(branch, "lobby-mute")
    assert mute is not None and mute["status"] == "WARNING", mute
    assert "not spoken" in mute["detail"]
    [voice] = mute["components"]
    assert (voice["id"], voice["status"]) == ("voice", "WARNING")
    assert "no sound device" in voice["detail"]
