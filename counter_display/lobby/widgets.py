"""The lobby's painted widgets: the newest call, the notice bar, the emergency cover.

Sizes are given in ``u``: one unit is 1/1080 of the window's short side, so a 1920x1080 and a
1080x1920 window use the same pixel sizes (README.md says how they were chosen for 8 m).
"""

from __future__ import annotations

from PyQt6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
)
from PyQt6.QtWidgets import QLabel, QWidget

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


class FitLabel(QLabel):
    """One line of text at ``px``, drawn smaller only when it would not fit its width (a long
    service or counter name): it is never cut. Its size hints are those of the full size, so
    the layout gives it room for ``px`` whenever the screen has it."""

    def __init__(self, px: float, *, bold: bool = False, color: str = "white") -> None:
        super().__init__()
        self.px = px
        self.bold = bold
        self.setFont(font(px, bold=bold))
        self.set_color(color)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def set_color(self, color: str) -> None:
        sheet = f"color: {color}; background: transparent;"
        if self.styleSheet() != sheet:
            self.setStyleSheet(sheet)

    def setText(self, text: str | None) -> None:
        super().setText(text)
        self._fit()

    def sizeHint(self) -> QSize:
        fm = QFontMetrics(font(self.px, bold=self.bold))
        return QSize(fm.horizontalAdvance(self.text()) + 2, fm.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.sizeHint().height())

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        f = fitted(self.text(), self.px, self.contentsRect().width() - 1, bold=self.bold)
        while f.pixelSize() > 1 and (
            QFontMetrics(f).horizontalAdvance(self.text()) > self.contentsRect().width()
        ):
            f.setPixelSize(f.pixelSize() - 1)  # rounding of the integer metrics
        if f.pixelSize() != self.font().pixelSize():
            self.setFont(f)


class TextPieces:
    """Pictures of text, drawn once and reused: big glyphs are slow to rasterise (several ms
    at 300 px), so the newest call is put together from cached characters and lines."""

    def __init__(self, ratio: float) -> None:
        self.ratio = ratio
        self._cache: dict[tuple[str, int, bool, str], QPixmap] = {}

    def get(self, text: str, f: QFont, color: QColor) -> QPixmap:
        key = (text, f.pixelSize(), f.bold(), color.name())
        pixmap = self._cache.get(key)
        if pixmap is None:
            if len(self._cache) > 400:
                self._cache.clear()
            fm = QFontMetricsF(f)
            w, h = max(1.0, fm.horizontalAdvance(text)), fm.height()
            pixmap = QPixmap(int(w * self.ratio) + 2, int(h * self.ratio) + 2)
            pixmap.setDevicePixelRatio(self.ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            p = QPainter(pixmap)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setFont(f)
            p.setPen(color)
            p.drawText(QPointF(0, fm.ascent()), text)
            p.end()
            self._cache[key] = pixmap
        return pixmap

    def draw_centered(
        self, p: QPainter, text: str, f: QFont, color: QColor, box: QRectF, *, by_ink: bool
    ) -> None:
        """Draw ``text`` centred in ``box``, one cached picture per character when ``by_ink``
        (the ticket number: its ink, not its line box, is centred)."""
        fm = QFontMetricsF(f)
        width = fm.horizontalAdvance(text)
        x = box.center().x() - width / 2
        if by_ink:
            ink = fm.tightBoundingRect(text)
            top = box.center().y() - ink.center().y() - fm.ascent()
            for ch in text:
                p.drawPixmap(QPointF(x, top), self.get(ch, f, color))
                x += fm.horizontalAdvance(ch)
        else:
            top = box.center().y() - fm.height() / 2
            p.drawPixmap(QPointF(x, top), self.get(text, f, color))


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
        self._cache: dict[tuple[object, ...], QPixmap] = {}
        self._pieces = TextPieces(self.devicePixelRatioF())

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

    def _render(self) -> QPixmap:
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(int(self.width() * ratio), int(self.height() * ratio))
        pixmap.setDevicePixelRatio(ratio)
        p = QPainter(pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        u, w, h = self.u, float(self.width()), float(self.height())
        p.fillRect(QRectF(0, 0, w, h), FLASH if self.flash_on else PANEL)
        ink = QColor("#10203a") if self.flash_on else TEXT
        sub = QColor("#10203a") if self.flash_on else ACCENT
        pad = 30 * u
        title = "再次呼叫  Called again" if self.recall else "正在呼叫  Now calling"
        p.drawPixmap(QPointF(pad, 14 * u), self._pieces.get(title, font(40 * u, bold=True), sub))
        if self.number:
            box = QRectF(pad, 80 * u, w - 2 * pad, h - 80 * u - 175 * u)
            f = fitted(self.number, 330 * u, box.width())
            ink_box = QFontMetricsF(f).tightBoundingRect(self.number)
            if ink_box.height() > box.height() * 0.92:
                f.setPixelSize(max(1, int(f.pixelSize() * box.height() * 0.92 / ink_box.height())))
            self._pieces.draw_centered(p, self.number, f, ink, box, by_ink=True)
            if self.counter is not None:
                zh = f"请到 {self.counter.zh}"
                en = f"Please go to {self.counter.en}"
                line = QRectF(pad, h - 180 * u, w - 2 * pad, 105 * u)
                self._pieces.draw_centered(
                    p, zh, fitted(zh, 92 * u, w - 2 * pad), ink, line, by_ink=False
                )
                line = QRectF(pad, h - 85 * u, w - 2 * pad, 75 * u)
                self._pieces.draw_centered(
                    p, en, fitted(en, 58 * u, w - 2 * pad), sub, line, by_ink=False
                )
        else:
            p.setPen(DIM)
            p.setFont(font(64 * u))
            p.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter,
                "请留意叫号\nPlease listen for your number",
            )
        p.end()
        return pixmap

    def paintEvent(self, event: QPaintEvent | None) -> None:
        """Draws a cached picture: big text is slow to rasterise, and a flash only swaps the
        two pictures of one call (drawn once each)."""
        key = (
            self.number,
            self.counter,
            self.recall,
            self.flash_on,
            self.width(),
            self.height(),
        )
        pixmap = self._cache.get(key)
        if pixmap is None:
            if len(self._cache) >= 2:
                self._cache.clear()
            pixmap = self._cache[key] = self._render()
        p = QPainter(self)
        p.drawPixmap(0, 0, pixmap)
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
        self._strip: QPixmap | None = None
        self._strip_height = 0
        self.setFixedHeight(round(80 * unit))

    def set_items(self, items: list[Bilingual]) -> None:
        text = "      ◆      ".join(f"{i.zh}   {i.en}" for i in items)
        if text != self.text:
            self.text = text
            self.offset = float(self.width())  # the first item starts at the left edge
            self._strip = None
            self.update()
        if self.text and not self._timer.isActive():
            self._timer.start(self._step_ms)
        elif not self.text:
            self._timer.stop()

    def _step(self) -> None:
        self.offset += self._px_per_step
        self.update()

    def _render_strip(self) -> QPixmap:
        """The whole text drawn once; each step only copies part of it (cheap at 25 fps)."""
        f = font(44 * self.u)
        gap = 200 * self.u
        width = int(QFontMetricsF(f).horizontalAdvance(self.text) + gap)
        ratio = self.devicePixelRatioF()
        strip = QPixmap(int(width * ratio), int(self.height() * ratio))
        strip.setDevicePixelRatio(ratio)
        strip.fill(QColor("#071426"))
        p = QPainter(strip)
        p.setFont(f)
        p.setPen(TEXT)
        align = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        p.drawText(QRectF(0, 0, width, self.height()), align, self.text)
        p.end()
        return strip

    def paintEvent(self, event: QPaintEvent | None) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#071426"))
        if self.text:
            if self._strip is None or self._strip_height != self.height():
                self._strip = self._render_strip()
                self._strip_height = self.height()
            span = self._strip.width() / self._strip.devicePixelRatio()
            x = self.width() - self.offset % (span + self.width())
            p.drawPixmap(QPointF(x, 0), self._strip)
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
