"""The lobby's painted widgets: the newest call, the notice bar, the emergency cover.

Sizes are given in ``u``: one unit is 1/1080 of the window's short side, so a 1920x1080 and a
1080x1920 window use the same pixel sizes (README.md says how they were chosen for 8 m).
"""

from __future__ import annotations

from PyQt6.QtCore import QPointF, QRectF, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent
from PyQt6.QtWidgets import QWidget

from server.contract.common import Bilingual

FONT = "Noto Sans CJK SC"
BG = QColor("#0b1f3a")
PANEL = QColor("#12325c")
FLASH = QColor("#ffb300")
TEXT = QColor("#ffffff")
DIM = QColor("#a9c1e0")
ACCENT = QColor("#ffd54f")


def font(px: float, *, bold: bool = False) -> QFont:
    f = QFont(FONT)
    f.setPixelSize(max(1, round(px)))
    f.setBold(bold)
    return f


def fitted(text: str, px: float, width: float, *, bold: bool = True) -> QFont:
    """``font(px)``, made smaller until ``text`` fits ``width``."""
    f = font(px, bold=bold)
    w = QFontMetricsF(f).horizontalAdvance(text)
    if w > width > 0:
        f.setPixelSize(max(1, int(px * width / w)))
    return f


class NewestCall(QWidget):
    """The newest call, very large: label, number, counter; flashes on a new call or recall."""

    painted = pyqtSignal(str)  # the number just painted (the benchmark listens)

    def __init__(self, unit: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.u = unit
        self.number = ""
        self.counter: Bilingual | None = None
        self.recall = False
        self.flash_on = False
        self._flashes_left = 0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)

    def show_call(self, number: str, counter: Bilingual, *, recall: bool) -> None:
        self.number, self.counter, self.recall = number, counter, recall
        self.update()

    def flash(self, times: int, period_ms: int) -> None:
        self._flashes_left = times * 2
        self.flash_on = times > 0
        self._timer.start(max(50, period_ms // 2))
        self.update()

    def _tick(self) -> None:
        self._flashes_left -= 1
        if self._flashes_left <= 0:
            self._timer.stop()
            self.flash_on = False
        else:
            self.flash_on = not self.flash_on
        self.update()

    def paintEvent(self, event: QPaintEvent | None) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        u, w, h = self.u, float(self.width()), float(self.height())
        p.fillRect(self.rect(), FLASH if self.flash_on else PANEL)
        ink = QColor("#10203a") if self.flash_on else TEXT
        sub = QColor("#10203a") if self.flash_on else ACCENT
        pad = 30 * u
        p.setPen(sub)
        p.setFont(font(40 * u, bold=True))
        title = "再次呼叫  Called again" if self.recall else "请  Now calling"
        p.drawText(QRectF(pad, 14 * u, w - 2 * pad, 60 * u), Qt.AlignmentFlag.AlignLeft, title)
        if self.number:
            p.setPen(ink)
            box = QRectF(pad, 80 * u, w - 2 * pad, h - 80 * u - 175 * u)
            f = fitted(self.number, 330 * u, box.width())
            ink_box = QFontMetricsF(f).tightBoundingRect(self.number)
            if ink_box.height() > box.height() * 0.92:
                f.setPixelSize(max(1, int(f.pixelSize() * box.height() * 0.92 / ink_box.height())))
                ink_box = QFontMetricsF(f).tightBoundingRect(self.number)
            p.setFont(f)
            p.drawText(
                QPointF(
                    box.center().x() - ink_box.center().x(), box.center().y() - ink_box.center().y()
                ),
                self.number,
            )
            if self.counter is not None:
                zh = f"请到 {self.counter.zh}"
                en = f"Please go to {self.counter.en}"
                p.setFont(fitted(zh, 92 * u, w - 2 * pad))
                align = Qt.AlignmentFlag.AlignCenter
                p.drawText(QRectF(pad, h - 180 * u, w - 2 * pad, 105 * u), align, zh)
                p.setPen(sub)
                p.setFont(fitted(en, 58 * u, w - 2 * pad))
                p.drawText(QRectF(pad, h - 85 * u, w - 2 * pad, 75 * u), align, en)
        else:
            p.setPen(DIM)
            p.setFont(font(64 * u))
            p.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter,
                "请留意叫号\nPlease listen for your number",
            )
        p.end()
        self.painted.emit(self.number)


class NoticeBar(QWidget):
    """A line of bilingual notices and phone numbers scrolling right to left."""

    def __init__(self, unit: float, speed_px_s: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.u = unit
        self.text = ""
        self.offset = 0.0
        self._step_ms = 40
        self._px_per_step = speed_px_s * unit * self._step_ms / 1000
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._step)
        self.setFixedHeight(round(80 * unit))

    def set_items(self, items: list[Bilingual]) -> None:
        text = "      ◆      ".join(f"{i.zh}   {i.en}" for i in items)
        if text != self.text:
            self.text = text
            self.offset = float(self.width())  # the first item starts at the left edge
        if self.text and not self._timer.isActive():
            self._timer.start(self._step_ms)
        elif not self.text:
            self._timer.stop()
        self.update()

    def _step(self) -> None:
        self.offset += self._px_per_step
        self.update()

    def paintEvent(self, event: QPaintEvent | None) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#071426"))
        if self.text:
            f = font(44 * self.u)
            p.setFont(f)
            p.setPen(TEXT)
            gap = 200 * self.u
            span = QFontMetricsF(f).horizontalAdvance(self.text) + gap
            x = self.width() - self.offset % (span + self.width())
            rect = QRectF(x, 0, span, self.height())
            p.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, self.text)
        p.end()


class EmergencyCover(QWidget):
    """Covers the whole window while the branch has an emergency or service notice."""

    def __init__(self, unit: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.u = unit
        self.notice: Bilingual | None = None
        self.latest = ""  # the newest call, still shown small at the bottom

    def paintEvent(self, event: QPaintEvent | None) -> None:
        if self.notice is None:
            return
        p = QPainter(self)
        u, w, h = self.u, float(self.width()), float(self.height())
        p.fillRect(self.rect(), QColor("#b71c1c"))
        pad = 60 * u
        p.setPen(TEXT)
        p.setFont(font(80 * u, bold=True))
        p.drawText(
            QRectF(pad, pad, w - 2 * pad, 110 * u), Qt.AlignmentFlag.AlignCenter, "通知  Notice"
        )
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        p.setFont(font(84 * u, bold=True))
        p.drawText(QRectF(pad, 200 * u, w - 2 * pad, h * 0.42 - 120 * u), flags, self.notice.zh)
        p.setFont(font(60 * u))
        p.drawText(
            QRectF(pad, h * 0.42 + 100 * u, w - 2 * pad, h * 0.4 - 100 * u), flags, self.notice.en
        )
        if self.latest:
            p.setFont(font(48 * u))
            p.drawText(
                QRectF(pad, h - 110 * u, w - 2 * pad, 80 * u),
                Qt.AlignmentFlag.AlignCenter,
                self.latest,
            )
        p.end()
