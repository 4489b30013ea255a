"""Fixtures of the lobby tests: the real server (restartable), a teller and a kiosk on it, and
lobby displays built from a lobby file, speaking into a WAV file (``file://``)."""

from __future__ import annotations

import wave
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from branchq_voice.pack import VoicePack
from counter_display.lobby.app import LobbyApp, build_announcer
from counter_display.lobby.config import LobbyConfig, load_lobby_config
from server.contract.common import Bilingual, Role
from tests.branchq_voice.conftest import voice_pack, voice_pack_dir  # noqa: F401 (fixtures)
from tests.e2e.live import LiveBranch


class Branch:
    """The live server plus the moves of a teller and a kiosk, each a step of the clock."""

    def __init__(self, live: LiveBranch) -> None:
        self.live = live
        self.opened: set[int] = set()

    def tick(self, seconds: float = 1.0) -> None:
        self.live.clock.now += timedelta(seconds=seconds)

    def issue(self, service: str = "A", n: int = 1) -> list[str]:
        token = self.live.device_token("kiosk-1", Role.KIOSK)
        numbers = []
        with self.live.client() as client:
            for _ in range(n):
                r = client.post(
                    "/api/v1/tickets",
                    json={"service_code": service},
                    headers={"Authorization": f"Bearer {token}"},
                )
                assert r.status_code in (200, 201), r.text
                numbers.append(r.json()["number"])
        return numbers

    def act(self, counter: int, action: str, body: dict[str, object] | None = None) -> dict:  # type: ignore[type-arg]
        teller = f"teller{counter}"
        with self.live.client() as client:
            if counter not in self.opened:
                r = client.post(f"/api/v1/counters/{counter}/open", headers=self.live.auth(teller))
                assert r.status_code == 200, r.text
                self.opened.add(counter)
            self.tick()
            r = client.post(
                f"/api/v1/counters/{counter}/{action}", json=body, headers=self.live.auth(teller)
            )
        assert r.status_code == 200, r.text
        result: dict = r.json()  # type: ignore[type-arg]
        return result

    def call_next(self, counter: int) -> str:
        number: str = self.act(counter, "call-next")["ticket"]["number"]
        return number

    def serve_and_call_next(self, counter: int) -> str:
        """Finish the counter's ticket (if any), then call the next one."""
        with self.live.client() as client:
            r = client.get("/api/v1/counters", headers=self.live.auth(f"teller{counter}"))
        assert r.status_code == 200, r.text
        held = next(c for c in r.json() if c["counter_number"] == counter).get("current")
        if held is not None:
            self.act(counter, "start")
            self.act(counter, "finish")
        return self.call_next(counter)

    def set_emergency(self, notice: Bilingual | None) -> None:
        """An admin's emergency switch through the API (stored, logged, published)."""
        admin = self.live.auth("root", Role.ADMIN)
        with self.live.client() as client:
            if notice is None:
                r = client.post("/api/v1/admin/emergency/off", headers=admin)
            else:
                body = {"notice": notice.model_dump()}
                r = client.post("/api/v1/admin/emergency/on", json=body, headers=admin)
        assert r.status_code == 200, r.text

    def restart(self) -> None:
        self.live.stop()
        self.live.start()


@pytest.fixture
def branch(tmp_path: Path) -> Iterator[Branch]:
    live = LiveBranch(data_dir=tmp_path / "var").start()
    try:
        yield Branch(live)
    finally:
        live.stop()


def write_lobby_file(
    path: Path,
    *,
    server_url: str,
    pack: Path,
    wav: Path,
    extra: str = "",
    speak: bool = True,
    orientation: str = "landscape",
    output: str | None = None,
) -> Path:
    path.write_text(
        f"""
name = "{path.stem}"
[server]
url = "{server_url}"
token_env = "BRANCHQ_TEST_LOBBY_TOKEN_UNSET"
[screen]
orientation = "{orientation}"
[voice]
speak = {"true" if speak else "false"}
volume = 1.0
output = "{output or f"file://{wav}"}"
pack = "{pack}"
{extra}
""",
        encoding="utf-8",
    )
    return path


LobbyFactory = Callable[..., LobbyApp]


@pytest.fixture
def make_lobby(
    qtbot: object,
    branch: Branch,
    tmp_path: Path,
    voice_pack_dir: Path,  # noqa: F811
) -> Iterator[LobbyFactory]:
    apps: list[LobbyApp] = []

    def make(
        name: str = "lobby-1",
        *,
        extra: str = "",
        speak: bool = True,
        orientation: str = "landscape",
        output: str | None = None,
    ) -> LobbyApp:
        config: LobbyConfig = load_lobby_config(
            write_lobby_file(
                tmp_path / f"{name}.toml",
                server_url=branch.live.url,
                pack=voice_pack_dir,
                wav=tmp_path / f"{name}.wav",
                extra=extra,
                speak=speak,
                orientation=orientation,
                output=output,
            )
        )
        token = branch.live.device_token(name, Role.DISPLAY)
        app = LobbyApp(
            config, token=token, announcer=build_announcer(config), clock=branch.live.clock
        )
        apps.append(app)
        app.window.show()
        app.start()
        qtbot.waitUntil(lambda: app.model.online and app.model.state.synced, timeout=10000)  # type: ignore[attr-defined]
        return app

    yield make
    for app in apps:
        app.stop()


def wav_frames(path: Path) -> bytes:
    if not path.exists():
        return b""
    with wave.open(str(path), "rb") as w:
        return w.readframes(w.getnframes())


def expected_audio(pack: VoicePack, calls: list[tuple[str, int]]) -> bytes:
    return b"".join(pack.render(n, c, ["zh", "en"]).pcm for n, c in calls)
