"""The rating pad's own widgets: a face to tap (drawn, no emoji font needed), a toggle chip and
a digit pad for the phone number."""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import QPointF, QRectF, QSize, Qt
from PyQt6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PyQt6.QtWidgets import QAbstractButton, QGridLayout, QPushButton, QSizePolicy, QWidget

FACE_COLOURS = {1: "#d64541", 2: "#e67e22", 3: "#f4c430", 4: "#7cc576", 5: "#1e9e5a"}
INK = QColor("#2b2b2b")


class FaceButton(QAbstractButton):
    """A round face for score 1 (frown) .. 5 (broad smile); checked: ringed."""

    def __init__(self, score: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.score = score
        self.setCheckable(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(96, 96)
        self.setAccessibleName(f"score {score}")

    def sizeHint(self) -> QSize:
        return QSize(180, 180)

    def paintEvent(self, _event: QPaintEvent | None) -> None:
        side = min(self.width(), self.height()) - 12
        box = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        ring = QPen(QColor("#1f4e79"), max(side / 18, 4)) if self.isChecked() else Qt.PenStyle.NoPen
        p.setPen(ring)
        p.setBrush(QColor(FACE_COLOURS[self.score]))
        p.drawEllipse(box)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(INK)
        r = side * 0.065
        for dx in (-0.17, 0.17):
            p.drawEllipse(QPointF(box.center().x() + dx * side, box.top() + 0.38 * side), r, r)
        # the mouth: a curve whose middle bends down (smile) or up (frown) with the score
        bend = (self.score - 3) * 0.09 * side
        left = QPointF(box.center().x() - 0.22 * side, box.top() + 0.66 * side)
        right = QPointF(box.center().x() + 0.22 * side, left.y())
        mouth = QPainterPath(left)
        mouth.quadTo(QPointF(box.center().x(), left.y() + 2 * bend), right)
        p.setPen(QPen(INK, max(side * 0.055, 3), cap=Qt.PenCapStyle.RoundCap))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(mouth)
        p.end()


class Chip(QPushButton):
    """A reason or a category: tapped on and off."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chip")
        self.setCheckable(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)


class DigitPad(QWidget):
    """1..9, clear, 0: for the phone number (no keyboard on the pad)."""

    def __init__(
        self,
        on_digit: Callable[[str], None],
        on_clear: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setSpacing(8)
        grid.setContentsMargins(0, 0, 0, 0)
        self.clear = QPushButton()
        self.clear.setObjectName("digit")
        self.clear.clicked.connect(on_clear)
        self.keys: dict[str, QPushButton] = {}
        for i, key in enumerate("123456789c0"):
            if key == "c":
                button = self.clear
            else:
                button = QPushButton(key)
                button.setObjectName("digit")
                button.clicked.connect(lambda _=False, k=key: on_digit(k))
                self.keys[key] = button
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            grid.addWidget(button, i // 3, i % 3)
