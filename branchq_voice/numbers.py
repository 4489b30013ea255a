"""How a call is put into words, per language (pure: no files, no audio).

A ticket number is spelt out character by character ("A023" -> letter a, digit 0, digit 2,
digit 3), as branches announce it ("A 零 二 三", "A zero two three"). A counter number is said
as a number: in Chinese with 十 ("12" -> 十 二, "23" -> 二 十 三), in English with the usual
words ("12" -> twelve, "23" -> twenty three). Numbers above 99 are said digit by digit.
"""

from __future__ import annotations

from typing import Literal

NumberRule = Literal["zh", "en"]
NUMBER_RULES: tuple[NumberRule, ...] = ("zh", "en")


def spell(number: str) -> list[tuple[Literal["letter", "digit"], str]]:
    """The characters of a ticket number to speak, in order; other characters are skipped."""
    out: list[tuple[Literal["letter", "digit"], str]] = []
    for ch in number:
        if "0" <= ch <= "9":
            out.append(("digit", ch))
        elif ch.isascii() and ch.isalpha():
            out.append(("letter", ch.lower()))
    return out


def number_words(n: int, rule: NumberRule) -> list[int]:
    """The number words that say ``n`` (each word a value that has its own clip).

    zh: words 0..10 (10 is 十); en: words 0..19 and 20, 30, ... 90.
    """
    if n < 0:
        raise ValueError(f"cannot say a negative number ({n})")
    if n > 99:
        return [int(d) for d in str(n)]
    if rule == "zh":
        if n <= 10:
            return [n]
        tens, units = divmod(n, 10)
        words = [10] if tens == 1 else [tens, 10]
        return words + ([units] if units else [])
    if n < 20:
        return [n]
    tens, units = divmod(n, 10)
    return [tens * 10] + ([units] if units else [])


def number_word_values(rule: NumberRule) -> list[int]:
    """Every word value ``number_words`` can use with this rule (the clips a pack needs)."""
    if rule == "zh":
        return list(range(11))
    return list(range(20)) + list(range(20, 100, 10))
