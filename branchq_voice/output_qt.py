"""``default://``: the sound device, through QtMultimedia's ``QAudioSink`` (push from a buffer).

Needs a running ``QCoreApplication``/``QApplication`` and is used on its thread. With no sound
device (no PulseAudio/PipeWire server, no card) ``DeviceOutput`` raises ``AudioOutputError``;
``open_output_or_null`` then falls back to ``null://`` with a warning.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PyQt6.QtCore import QBuffer, QByteArray, QIODevice, QObject
from PyQt6.QtMultimedia import QAudio, QAudioDevice, QAudioFormat, QAudioSink, QMediaDevices

from branchq_voice.errors import AudioOutputError
from branchq_voice.pack import AudioFormat, Rendered


def find_device(name: str) -> QAudioDevice:
    if not name:
        device = QMediaDevices.defaultAudioOutput()
        if device.isNull():
            raise AudioOutputError(
                "audio output default://: no sound device (no PulseAudio/PipeWire server or "
                "sound card found)"
            )
        return device
    outputs = QMediaDevices.audioOutputs()
    for device in outputs:
        if name.lower() in device.description().lower():
            return device
    raise AudioOutputError(
        f"audio output default://{name}: no such device; found "
        f"{[d.description() for d in outputs] or 'none'}"
    )


class DeviceOutput(QObject):
    def __init__(self, url: str, *, device_name: str = "", volume: float = 1.0) -> None:
        super().__init__()
        self.url = url
        self.first_sample_at: float | None = None
        self._device = find_device(device_name)
        self._volume = volume
        self._sink: QAudioSink | None = None
        self._buffer: QBuffer | None = None
        self._done: Callable[[], None] | None = None

    def play(self, announcement: Rendered, done: Callable[[], None]) -> None:
        fmt = self._qt_format(announcement.format)
        sink = QAudioSink(self._device, fmt, self)
        sink.setVolume(self._volume)
        buffer = QBuffer(self)
        buffer.setData(QByteArray(announcement.pcm))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._sink, self._buffer, self._done = sink, buffer, done
        sink.stateChanged.connect(self._state_changed)
        self.first_sample_at = time.perf_counter()
        sink.start(buffer)
        if sink.error() != QAudio.Error.NoError:
            self._finish()
            raise AudioOutputError(f"audio output {self.url}: cannot play ({sink.error().name})")

    def _qt_format(self, fmt: AudioFormat) -> QAudioFormat:
        if fmt.sample_width != 2:
            raise AudioOutputError(f"audio output {self.url}: needs 16-bit clips")
        q = QAudioFormat()
        q.setSampleRate(fmt.sample_rate)
        q.setChannelCount(fmt.channels)
        q.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        return q

    def _state_changed(self, state: QAudio.State) -> None:
        if state == QAudio.State.IdleState or (
            state == QAudio.State.StoppedState and self._sink is not None
        ):
            self._finish()

    def _finish(self) -> None:
        sink, buffer, done = self._sink, self._buffer, self._done
        self._sink = self._buffer = self._done = None
        if sink is not None:
            sink.stateChanged.disconnect(self._state_changed)
            sink.stop()
            sink.deleteLater()
        if buffer is not None:
            buffer.close()
            buffer.deleteLater()
        if done is not None:
            done()

    def close(self) -> None:
        if self._sink is not None:
            self._finish()
