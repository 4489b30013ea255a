"""Audio outputs, chosen by URL like the devices.

- ``default://`` (or ``default://NAME``): the sound device through QtMultimedia
  (``output_qt.DeviceOutput``); NAME picks a device whose description contains it.
- ``file:///path/out.wav``: appends each announcement to one WAV file (created on first use;
  an existing file must be in the pack's format). For tests and for checking by ear.
- ``null://``: speaks into nothing (a display that shows but does not speak needs no output).

Each output plays one ``Rendered`` announcement at a time and calls ``done()`` when it has
finished, so the announcer never starts the next one early. ``first_sample_at`` holds the
``time.perf_counter()`` at which the last announcement's first sample was handed to the device
or the file (the benchmark reads it).
"""

from __future__ import annotations

import logging
import struct
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from branchq_voice.errors import AudioOutputError
from branchq_voice.pack import AudioFormat, Rendered

log = logging.getLogger("branchq.voice.output")

SCHEMES = ("default", "file", "null")


class AudioOutput(Protocol):
    url: str
    first_sample_at: float | None

    def play(self, announcement: Rendered, done: Callable[[], None]) -> None:
        """Start playing; call ``done()`` once it has been played (maybe before returning)."""

    def close(self) -> None: ...


class NullOutput:
    def __init__(self, url: str = "null://") -> None:
        self.url = url
        self.first_sample_at: float | None = None
        self.played = 0

    def play(self, announcement: Rendered, done: Callable[[], None]) -> None:
        self.first_sample_at = time.perf_counter()
        self.played += 1
        done()

    def close(self) -> None:
        pass


class WavFileOutput:
    """Appends every announcement to one WAV file, keeping its header right after each one."""

    def __init__(self, url: str, path: Path) -> None:
        self.url = url
        self.path = path
        self.first_sample_at: float | None = None
        if not path.parent.is_dir():
            raise AudioOutputError(f"audio output {url}: folder {path.parent} does not exist")

    def play(self, announcement: Rendered, done: Callable[[], None]) -> None:
        try:
            self._append(announcement.pcm, announcement.format)
        except OSError as exc:
            raise AudioOutputError(f"audio output {self.url}: cannot write: {exc}") from exc
        done()

    def _append(self, pcm: bytes, fmt: AudioFormat) -> None:
        if not self.path.exists() or self.path.stat().st_size == 0:
            with wave.open(str(self.path), "wb") as w:
                w.setnchannels(fmt.channels)
                w.setsampwidth(fmt.sample_width)
                w.setframerate(fmt.sample_rate)
                self.first_sample_at = time.perf_counter()
                w.writeframes(pcm)
            return
        with open(self.path, "r+b") as f:
            data_size_at, data_size = self._check_header(f, fmt)
            f.seek(0, 2)
            self.first_sample_at = time.perf_counter()
            f.write(pcm)
            end = f.tell()
            f.seek(4)
            f.write(struct.pack("<I", end - 8))
            f.seek(data_size_at)
            f.write(struct.pack("<I", data_size + len(pcm)))

    def _check_header(self, f, fmt: AudioFormat) -> tuple[int, int]:  # type: ignore[no-untyped-def]
        """Offset of the data chunk's size field and that size; refuses another format."""
        try:
            with wave.open(str(self.path), "rb") as w:
                got = AudioFormat(w.getframerate(), w.getnchannels(), w.getsampwidth())
        except (wave.Error, EOFError) as exc:
            raise AudioOutputError(f"audio output {self.url}: not a PCM WAV file ({exc})") from exc
        if got != fmt:
            raise AudioOutputError(
                f"audio output {self.url}: the file is {got.describe()}, the voice pack "
                f"{fmt.describe()}; use another file"
            )
        f.seek(12)
        while True:
            head = f.read(8)
            if len(head) < 8:
                raise AudioOutputError(f"audio output {self.url}: no data chunk")
            chunk, size = struct.unpack("<4sI", head)
            if chunk == b"data":
                return f.tell() - 4, size
            f.seek(size + (size & 1), 1)

    def close(self) -> None:
        pass


def open_output(url: str, *, volume: float = 1.0) -> AudioOutput:
    """The output for ``url``; raises ``AudioOutputError`` saying what was expected."""
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme == "null":
        return NullOutput(url)
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise AudioOutputError(f"audio output {url!r}: expected file:///absolute/path.wav")
        path = Path(unquote(parts.path))
        if not path.is_absolute() or path.suffix.lower() != ".wav":
            raise AudioOutputError(f"audio output {url!r}: expected file:///absolute/path.wav")
        return WavFileOutput(url, path)
    if scheme == "default":
        from branchq_voice.output_qt import DeviceOutput

        return DeviceOutput(url, device_name=unquote(parts.netloc + parts.path), volume=volume)
    raise AudioOutputError(
        f"audio output url {url!r}: unknown scheme {scheme!r}; expected one of {list(SCHEMES)}"
    )


def open_output_or_null(url: str, *, volume: float = 1.0) -> AudioOutput:
    """Like ``open_output``, but a missing sound device falls back to ``null://`` with a
    warning (the display keeps showing calls; a bad URL is still an error)."""
    try:
        return open_output(url, volume=volume)
    except AudioOutputError as exc:
        if urlsplit(url).scheme != "default":
            raise
        log.warning("%s; calls will be shown but not spoken (null://)", exc)
        return NullOutput("null://")
