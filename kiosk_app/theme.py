"""Colours and sizes of the kiosk: one palette, contrast checked, sizes in millimetres.

Every text colour is used only on the background it is paired with here (``TEXT_PAIRS``),
and every pair has a contrast ratio of at least 7:1 (WCAG 2 AAA), which a test checks.
Touch targets are at least ``MIN_TARGET_MM`` on the real screen, whatever its DPI.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_CONTRAST = 7.0
MIN_TARGET_MM = 20.0  # smallest touch target side, millimetres

PAGE_BG = "#ffffff"
PAGE_TEXT = "#1a1a1a"
MUTED_TEXT = "#3d3d3d"
ACCENT = "#0b3d91"  # the bank's blue: service buttons, the ticket number
ON_ACCENT = "#ffffff"
ON_ACCENT_SUB = "#dce6f5"
PRIORITY_BG = "#084f2e"
VIP_BG = "#5c3f00"
APPOINTMENT_BG = "#5b1a72"  # "I have an appointment" (预约签到)
DISABLED_BG = "#e3e3e3"
DISABLED_TEXT = "#333333"
NOTICE_BG = "#fff4cc"
NOTICE_TEXT = "#3f2b00"
ALERT_BG = "#8b0000"
ON_ALERT = "#ffffff"
NEUTRAL_BG = "#f0f0f0"  # secondary buttons (back, cancel, language)


@dataclass(frozen=True)
class TextPair:
    name: str
    foreground: str
    background: str


TEXT_PAIRS: tuple[TextPair, ...] = (
    TextPair("page", PAGE_TEXT, PAGE_BG),
    TextPair("page muted", MUTED_TEXT, PAGE_BG),
    TextPair("ticket number", ACCENT, PAGE_BG),
    TextPair("service button", ON_ACCENT, ACCENT),
    TextPair("service button subtitle", ON_ACCENT_SUB, ACCENT),
    TextPair("priority button", ON_ACCENT, PRIORITY_BG),
    TextPair("priority button subtitle", ON_ACCENT_SUB, PRIORITY_BG),
    TextPair("vip button", ON_ACCENT, VIP_BG),
    TextPair("vip button subtitle", ON_ACCENT_SUB, VIP_BG),
    TextPair("appointment button", ON_ACCENT, APPOINTMENT_BG),
    TextPair("disabled button", DISABLED_TEXT, DISABLED_BG),
    TextPair("notice", NOTICE_TEXT, NOTICE_BG),
    TextPair("alert", ON_ALERT, ALERT_BG),
    TextPair("secondary button", PAGE_TEXT, NEUTRAL_BG),
    TextPair("pressed button", PAGE_BG, PAGE_TEXT),
    TextPair("pressed button subtitle", ON_ACCENT_SUB, PAGE_TEXT),
)


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    value = colour.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"colour {colour!r}; expected #rrggbb")
    r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio, 1..21."""
    a, b = luminance(foreground), luminance(background)
    hi, lo = max(a, b), min(a, b)
    return (hi + 0.05) / (lo + 0.05)


def mm_to_px(mm: float, dpi: float) -> int:
    return round(mm / 25.4 * dpi)


@dataclass(frozen=True)
class Sizes:
    """Pixel sizes for one screen: the kiosk's layout scales with the short side."""

    dpi: float
    short_side_px: int

    @property
    def unit(self) -> float:  # 1/100 of the short side (10.8 px on a 1080-wide screen)
        return self.short_side_px / 100

    @property
    def min_target(self) -> int:
        return max(mm_to_px(MIN_TARGET_MM, self.dpi), round(9 * self.unit))

    def font(self, units: float) -> int:
        """Font pixel size, never smaller than 5 mm on the real screen (arm's length)."""
        return max(round(units * self.unit), mm_to_px(5.0, self.dpi))
