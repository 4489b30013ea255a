"""A voice pack: a folder of WAV clips and ``manifest.toml``, which says how a call is composed.

Layout of a pack folder::

    manifest.toml           format, languages and their clip sequences (see below)
    chime.wav               the chime played before every announcement
    zh/qing.wav ...         one clip per word or phrase, named in the manifest
    en/number.wav ...

The manifest (``make_pack.py`` writes a commented one)::

    format = 1
    name = "espeak-ng (generated)"
    sample_rate = 22050          # Hz; every clip must have this rate,
    channels = 1                 # this many channels
    sample_width = 2             # and this many bytes per sample (2 = 16-bit)
    chime = "chime"              # clip played first
    gap_ms = 350                 # silence after the chime and after each language
    word_gap_ms = 30             # silence between two clips of one sentence

    [languages.zh]
    sequence = ["zh/qing", "{ticket}", "zh/hao", "zh/dao", "{counter}", "zh/hao-chuangkou"]
    letter = "zh/letter-{}"      # clip of a letter of the ticket number ({} = a..z)
    digit = "zh/digit-{}"        # clip of a digit of the ticket number ({} = 0..9)
    number = "zh/number-{}"      # clip of a number word of the counter number
    numbers = "zh"               # counting rule: "zh" (十, 二十三) or "en" (twenty three)

``{ticket}`` spells the ticket number, ``{counter}`` says the counter number. A clip name is a
path relative to the pack without ``.wav``. A studio pack keeps the names and replaces the
files. ``VoicePack.load`` reads every clip a call can need and reports every missing or
mismatched clip at once, so a broken pack is found at start-up, not at the first call.
"""

from __future__ import annotations

import tomllib
import wave
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from string import ascii_lowercase
from typing import Any

from branchq_voice.errors import VoicePackError
from branchq_voice.numbers import NUMBER_RULES, NumberRule, number_word_values, number_words, spell

MANIFEST = "manifest.toml"
FORMAT = 1


@dataclass(frozen=True)
class LanguageRecipe:
    """How one language says a call."""

    code: str
    sequence: tuple[str, ...]
    letter: str
    digit: str
    number: str
    numbers: NumberRule

    def clip_names(self, ticket_number: str, counter_number: int) -> list[str]:
        names: list[str] = []
        for item in self.sequence:
            if item == "{ticket}":
                for kind, ch in spell(ticket_number):
                    names.append((self.letter if kind == "letter" else self.digit).format(ch))
            elif item == "{counter}":
                names.extend(
                    self.number.format(w) for w in number_words(counter_number, self.numbers)
                )
            else:
                names.append(item)
        return names

    def required(self) -> set[str]:
        needed = {s for s in self.sequence if s not in ("{ticket}", "{counter}")}
        needed |= {self.letter.format(c) for c in ascii_lowercase}
        needed |= {self.digit.format(d) for d in range(10)}
        needed |= {self.number.format(w) for w in number_word_values(self.numbers)}
        return needed


@dataclass(frozen=True)
class AudioFormat:
    sample_rate: int
    channels: int
    sample_width: int

    @property
    def frame_bytes(self) -> int:
        return self.channels * self.sample_width

    def silence(self, ms: int) -> bytes:
        return bytes(self.frame_bytes * (self.sample_rate * ms // 1000))

    def describe(self) -> str:
        return f"{self.sample_rate} Hz, {self.channels} ch, {8 * self.sample_width}-bit"


@dataclass(frozen=True)
class Segment:
    """One clip (or a silence, named ``"(gap)"``) in a rendered announcement, in bytes."""

    name: str
    start: int
    length: int


@dataclass(frozen=True)
class Rendered:
    """One announcement as PCM bytes in the pack's format, with where each clip sits."""

    pcm: bytes
    format: AudioFormat
    segments: tuple[Segment, ...]

    @property
    def duration_s(self) -> float:
        return len(self.pcm) / self.format.frame_bytes / self.format.sample_rate


@dataclass
class VoicePack:
    folder: Path
    name: str
    format: AudioFormat
    chime: str
    gap_ms: int
    word_gap_ms: int
    languages: dict[str, LanguageRecipe]
    clips: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path | str) -> VoicePack:
        folder = Path(folder)
        manifest = _read_manifest(folder)
        pack = cls(folder=folder, clips={}, **manifest)
        problems: list[str] = []
        for name in sorted(pack.required_clips()):
            path = folder / f"{name}.wav"
            if not path.is_file():
                problems.append(f"missing clip {name}.wav")
                continue
            try:
                pack.clips[name] = _read_clip(path, pack.format)
            except VoicePackError as exc:
                problems.append(str(exc))
        if problems:
            shown = "; ".join(problems[:12]) + (
                f"; and {len(problems) - 12} more" if len(problems) > 12 else ""
            )
            raise VoicePackError(f"voice pack {folder}: {len(problems)} problem(s): {shown}")
        return pack

    def required_clips(self) -> set[str]:
        needed = {self.chime}
        for recipe in self.languages.values():
            needed |= recipe.required()
        return needed

    def clip_names(
        self, ticket_number: str, counter_number: int, languages: list[str]
    ) -> list[str]:
        """The clips of one announcement in order (gaps not included)."""
        names = [self.chime]
        for code in languages:
            names.extend(self.recipe(code).clip_names(ticket_number, counter_number))
        return names

    def recipe(self, code: str) -> LanguageRecipe:
        try:
            return self.languages[code]
        except KeyError:
            raise VoicePackError(
                f"voice pack {self.folder}: no language {code!r}; it has {sorted(self.languages)}"
            ) from None

    def render(self, ticket_number: str, counter_number: int, languages: list[str]) -> Rendered:
        """Concatenate the clips of one call: chime, gap, each language then a gap."""
        parts: list[tuple[str, bytes]] = [(self.chime, self.clips[self.chime])]
        gap = ("(gap)", self.format.silence(self.gap_ms))
        word_gap = ("(gap)", self.format.silence(self.word_gap_ms))
        for code in languages:
            parts.append(gap)
            words = self.recipe(code).clip_names(ticket_number, counter_number)
            for i, name in enumerate(words):
                if i and word_gap[1]:
                    parts.append(word_gap)
                parts.append((name, self.clips[name]))
        parts.append(gap)
        segments: list[Segment] = []
        offset = 0
        for name, data in parts:
            segments.append(Segment(name, offset, len(data)))
            offset += len(data)
        return Rendered(b"".join(d for _, d in parts), self.format, tuple(segments))

    def scaled(self, volume: float) -> VoicePack:
        """A copy with every clip scaled by ``volume`` (0..1); 1 returns the pack itself."""
        if volume >= 0.999:
            return self
        if self.format.sample_width != 2:
            raise VoicePackError("volume scaling needs 16-bit clips")
        scaled: dict[str, bytes] = {}
        for name, data in self.clips.items():
            samples = array("h", data)
            scaled[name] = array("h", (int(s * volume) for s in samples)).tobytes()
        return VoicePack(
            folder=self.folder,
            name=self.name,
            format=self.format,
            chime=self.chime,
            gap_ms=self.gap_ms,
            word_gap_ms=self.word_gap_ms,
            languages=self.languages,
            clips=scaled,
        )


def _read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    where = f"voice pack {folder}"
    if not path.is_file():
        raise VoicePackError(
            f"{where}: no {MANIFEST}; make one with 'branchq lobby make-voice-pack {folder}'"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise VoicePackError(f"{path}: not valid TOML: {exc}") from exc

    def need(table: dict[str, Any], key: str, kind: type, ctx: str) -> Any:
        value = table.get(key)
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise VoicePackError(f"{path}: {ctx}{key} must be a {kind.__name__}, got {value!r}")
        return value

    if data.get("format") != FORMAT:
        raise VoicePackError(f"{path}: format must be {FORMAT}, got {data.get('format')!r}")
    fmt = AudioFormat(
        sample_rate=need(data, "sample_rate", int, ""),
        channels=need(data, "channels", int, ""),
        sample_width=need(data, "sample_width", int, ""),
    )
    languages: dict[str, LanguageRecipe] = {}
    for code, table in need(data, "languages", dict, "").items():
        ctx = f"languages.{code}."
        rule = need(table, "numbers", str, ctx)
        if rule not in NUMBER_RULES:
            raise VoicePackError(
                f"{path}: {ctx}numbers must be one of {NUMBER_RULES}, got {rule!r}"
            )
        sequence = need(table, "sequence", list, ctx)
        if not sequence or not all(isinstance(s, str) and s for s in sequence):
            raise VoicePackError(f"{path}: {ctx}sequence must be a list of clip names")
        patterns = {k: need(table, k, str, ctx) for k in ("letter", "digit", "number")}
        for key, pattern in patterns.items():
            if pattern.count("{}") != 1:
                raise VoicePackError(f"{path}: {ctx}{key} must contain one '{{}}', got {pattern!r}")
        languages[code] = LanguageRecipe(
            code=code, sequence=tuple(sequence), numbers=rule, **patterns
        )
    if not languages:
        raise VoicePackError(f"{path}: no [languages.*] table")
    return {
        "name": str(data.get("name", folder.name)),
        "format": fmt,
        "chime": need(data, "chime", str, ""),
        "gap_ms": int(data.get("gap_ms", 300)),
        "word_gap_ms": int(data.get("word_gap_ms", 0)),
        "languages": languages,
    }


def _read_clip(path: Path, fmt: AudioFormat) -> bytes:
    try:
        with wave.open(str(path), "rb") as w:
            got = AudioFormat(w.getframerate(), w.getnchannels(), w.getsampwidth())
            frames = w.readframes(w.getnframes())
    except (wave.Error, EOFError, OSError) as exc:
        raise VoicePackError(f"{path.name}: not a PCM WAV file ({exc})") from exc
    if got != fmt:
        raise VoicePackError(f"{path.name}: {got.describe()}; the manifest says {fmt.describe()}")
    if not frames:
        raise VoicePackError(f"{path.name}: empty clip")
    return frames
