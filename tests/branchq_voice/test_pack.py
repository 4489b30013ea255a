"""Voice packs: composition of a call, start-up checks, outputs by URL, the announcer."""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

import pytest

from branchq_voice.announcer import Announcer, SpokenCall
from branchq_voice.errors import AudioOutputError, VoicePackError
from branchq_voice.numbers import number_words, spell
from branchq_voice.output import NullOutput, WavFileOutput, open_output, open_output_or_null
from branchq_voice.pack import VoicePack


def test_numbers_are_said_as_branches_say_them() -> None:
    assert spell("A023") == [("letter", "a"), ("digit", "0"), ("digit", "2"), ("digit", "3")]
    assert number_words(3, "zh") == [3]
    assert number_words(10, "zh") == [10]
    assert number_words(12, "zh") == [10, 2]
    assert number_words(23, "zh") == [2, 10, 3]
    assert number_words(30, "zh") == [3, 10]
    assert number_words(12, "en") == [12]
    assert number_words(23, "en") == [20, 3]
    assert number_words(40, "en") == [40]
    assert number_words(105, "en") == [1, 0, 5]


def test_a_call_is_composed_chime_then_mandarin_then_english(voice_pack: VoicePack) -> None:
    names = voice_pack.clip_names("A023", 3, ["zh", "en"])
    assert names == [
        "chime",
        *["zh/qing", "zh/letter-a", "zh/digit-0", "zh/digit-2", "zh/digit-3", "zh/hao"],
        *["zh/dao", "zh/number-3", "zh/hao-chuangkou"],
        *["en/number", "en/letter-a", "en/digit-0", "en/digit-2", "en/digit-3"],
        *["en/please-go-to-counter", "en/number-3"],
    ]
    english_first = voice_pack.clip_names("B105", 12, ["en", "zh"])
    assert english_first[1:3] == ["en/number", "en/letter-b"]
    assert english_first[-4:] == ["zh/dao", "zh/number-10", "zh/number-2", "zh/hao-chuangkou"]


def test_rendered_call_is_the_clips_in_order_and_lasts_about_ten_seconds(
    voice_pack: VoicePack,
) -> None:
    rendered = voice_pack.render("A023", 3, ["zh", "en"])
    spoken = [s.name for s in rendered.segments if s.name != "(gap)"]
    assert spoken == voice_pack.clip_names("A023", 3, ["zh", "en"])
    for seg in rendered.segments:
        if seg.name != "(gap)":
            assert rendered.pcm[seg.start : seg.start + seg.length] == voice_pack.clips[seg.name]
    assert 5.0 < rendered.duration_s < 13.0


def test_missing_clips_are_all_reported_at_load(voice_pack_dir: Path, tmp_path: Path) -> None:
    studio = tmp_path / "studio"
    shutil.copytree(voice_pack_dir, studio)
    (studio / "zh" / "digit-7.wav").unlink()
    (studio / "en" / "letter-q.wav").unlink()
    with pytest.raises(VoicePackError) as err:
        VoicePack.load(studio)
    assert "missing clip en/letter-q.wav" in str(err.value)
    assert "missing clip zh/digit-7.wav" in str(err.value)
    assert "2 problem(s)" in str(err.value)


def test_a_studio_clip_in_another_format_is_refused(voice_pack_dir: Path, tmp_path: Path) -> None:
    studio = tmp_path / "studio"
    shutil.copytree(voice_pack_dir, studio)
    with wave.open(str(studio / "zh" / "qing.wav"), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(bytes(400))
    with pytest.raises(VoicePackError, match=r"qing.wav: 44100 Hz, 2 ch, 16-bit; the manifest"):
        VoicePack.load(studio)


def test_a_studio_pack_with_the_same_names_drops_in(voice_pack_dir: Path, tmp_path: Path) -> None:
    studio = tmp_path / "studio"
    shutil.copytree(voice_pack_dir, studio)
    recorded = bytes(range(256)) * 40  # stands in for a recording of 请
    with wave.open(str(studio / "zh" / "qing.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(recorded)
    pack = VoicePack.load(studio)
    rendered = pack.render("A001", 1, ["zh"])
    seg = next(s for s in rendered.segments if s.name == "zh/qing")
    assert rendered.pcm[seg.start : seg.start + seg.length] == recorded


def test_bad_manifest_and_no_manifest(tmp_path: Path) -> None:
    with pytest.raises(VoicePackError, match=r"no manifest\.toml; make one with"):
        VoicePack.load(tmp_path)
    (tmp_path / "manifest.toml").write_text("format = 1\nsample_rate = 'fast'\n")
    with pytest.raises(VoicePackError, match="sample_rate must be a int, got 'fast'"):
        VoicePack.load(tmp_path)


def test_output_urls(tmp_path: Path) -> None:
    assert isinstance(open_output("null://"), NullOutput)
    assert isinstance(open_output(f"file://{tmp_path}/out.wav"), WavFileOutput)
    with pytest.raises(AudioOutputError, match=r"unknown scheme 'flie'; expected one of"):
        open_output("flie:///x.wav")
    with pytest.raises(AudioOutputError, match=r"expected file:///absolute/path\.wav"):
        open_output("file://relative.wav")
    with pytest.raises(AudioOutputError, match="does not exist"):
        open_output(f"file://{tmp_path}/nowhere/out.wav")


def test_no_sound_device_falls_back_to_null_with_a_warning(
    qapp: object, caplog: pytest.LogCaptureFixture
) -> None:
    # these machines have no PulseAudio server: the default device is missing
    output = open_output_or_null("default://")
    if not isinstance(output, NullOutput):
        pytest.skip("this machine has a sound device")
    assert "no sound device" in caplog.text
    with pytest.raises(AudioOutputError, match="no sound device"):
        open_output("default://")


def test_file_output_appends_each_announcement(voice_pack: VoicePack, tmp_path: Path) -> None:
    out = tmp_path / "out.wav"
    announcer = Announcer(voice_pack, open_output(f"file://{out}"), languages=["zh", "en"])
    announcer.say(SpokenCall("1", "A001", 1))
    announcer.say(SpokenCall("2", "B002", 4))
    with wave.open(str(out), "rb") as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (22050, 1, 2)
        frames = w.readframes(w.getnframes())
    first = voice_pack.render("A001", 1, ["zh", "en"]).pcm
    second = voice_pack.render("B002", 4, ["zh", "en"]).pcm
    assert frames == first + second
    assert announcer.spoken == ["1", "2"]


def test_announcer_plays_one_at_a_time_and_drops_calls_too_old(voice_pack: VoicePack) -> None:
    class SlowOutput:
        """Finishes only when told (a sound device playing in real time)."""

        url = "slow://"
        first_sample_at = None

        def __init__(self) -> None:
            self.playing: list[object] = []
            self.done: list[object] = []

        def play(self, announcement: object, done: object) -> None:
            self.playing.append(announcement)
            self.done.append(done)

        def close(self) -> None:
            pass

    now = [100.0]
    output = SlowOutput()
    announcer = Announcer(voice_pack, output, languages=["zh"], monotonic=lambda: now[0])
    announcer.say(SpokenCall("a", "A001", 1, speak_by=200.0))
    announcer.say(SpokenCall("b", "A002", 2, speak_by=105.0))
    announcer.say(SpokenCall("c", "A003", 3, speak_by=200.0))
    assert len(output.playing) == 1 and announcer.pending == 2  # no overlap
    now[0] = 110.0  # A001 took ten seconds: A002 is now too old
    output.done[0]()  # type: ignore[operator]
    assert announcer.skipped == ["b"]
    assert len(output.playing) == 2
    output.done[1]()  # type: ignore[operator]
    assert announcer.spoken == ["a", "c"]
    assert not announcer.busy
