"""Small widgets of the kiosk: labels and buttons styled from the theme, the QR code."""

from __future__ import annotations

import qrcode
from PyQt6.QtCore import QRect, QSize, Qt, pyqtSignal
from PyQt6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PyQt6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk_app import theme
from kiosk_app.theme import Sizes

FONT_FAMILY = "Noto Sans CJK SC"
TITLE_UNITS = (6.5, 6.0, 5.5, 5.0, 4.5, 4.0)  # service button titles, largest that fits


def label(
    sizes: Sizes,
    units: float,
    *,
    colour: str = theme.PAGE_TEXT,
    background: str | None = None,
    bold: bool = False,
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter,
    name: str = "",
) -> QLabel:
    """A label of ``units`` (1/100 of the screen's short side), never smaller than 5 mm."""
    widget = QLabel()
    widget.setObjectName(name)
    widget.setWordWrap(True)
    widget.setAlignment(align)
    widget.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    style_label(widget, sizes, units, colour=colour, background=background, bold=bold)
    return widget


def style_label(
    widget: QLabel,
    sizes: Sizes,
    units: float,
    *,
    colour: str,
    background: str | None = None,
    bold: bool = False,
) -> None:
    """Font and colours by QFont and QPalette, not style sheets: cheap to change while the
    kiosk runs (a style sheet change re-polishes the widget)."""
    key = (sizes.font(units), bold, colour, background)
    if widget.property("kiosk_style") == repr(key):
        return
    widget.setProperty("kiosk_style", repr(key))
    font = QFont(FONT_FAMILY)
    font.setPixelSize(sizes.font(units))
    font.setBold(bold)
    widget.setFont(font)
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(colour))
    palette.setColor(QPalette.ColorRole.Window, QColor(background or theme.PAGE_BG))
    widget.setPalette(palette)
    widget.setAutoFillBackground(background is not None)
    pad = round(sizes.unit) if background else 0
    widget.setContentsMargins(pad, pad, pad, pad)


def _set_style(widget: QWidget, style: str) -> None:
    """Set a style sheet only when it changes: Qt re-polishes a widget on every set."""
    if widget.styleSheet() != style:
        widget.setStyleSheet(style)


def button_style(sizes: Sizes, background: str, colour: str, units: float = 4.5) -> str:
    radius = round(sizes.unit * 1.5)
    return (
        f"QPushButton {{ background: {background}; color: {colour}; border: none;"
        f" border-radius: {radius}px; font-size: {sizes.font(units)}px; font-weight: 700;"
        f" padding: {round(sizes.unit)}px {round(sizes.unit * 2)}px; }}"
        f" QPushButton:pressed {{ background: {theme.PAGE_TEXT}; color: {theme.PAGE_BG}; }}"
        f" QPushButton:disabled {{ background: {theme.DISABLED_BG};"
        f" color: {theme.DISABLED_TEXT}; }}"
    )


def action_button(
    sizes: Sizes,
    text: str,
    *,
    background: str = theme.NEUTRAL_BG,
    colour: str = theme.PAGE_TEXT,
    name: str = "",
    units: float = 4.5,
) -> QPushButton:
    """A secondary button (back, cancel, language): at least the minimum touch target."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setMinimumSize(
        QSize(max(sizes.min_target * 2, round(sizes.unit * 22)), sizes.min_target)
    )
    button.setStyleSheet(button_style(sizes, background, colour, units))
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button


class TileButton(QPushButton):
    """One large service button: the name in the kiosk's language, the other language under it,
    then people waiting and the wait (or, disabled, the reason)."""

    chosen = pyqtSignal(str)

    def __init__(self, sizes: Sizes, key: str) -> None:
        super().__init__()
        self.key = key
        self.sizes = sizes
        self.setObjectName(f"tile-{key}")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumSize(QSize(sizes.min_target * 2, max(sizes.min_target, self._min_content())))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        box = QVBoxLayout(self)
        box.setContentsMargins(*(round(sizes.unit * 1.5),) * 4)
        box.setSpacing(round(sizes.unit * 0.5))
        self.title_units = TITLE_UNITS[0]
        self._fitted: tuple[str, int, int] = ("", 0, 0)
        self._look = (True, theme.ACCENT)
        self.title, self.subtitle, self.status = QLabel(), QLabel(), QLabel()
        for widget, name in (
            (self.title, "title"),
            (self.subtitle, "subtitle"),
            (self.status, "status"),
        ):
            widget.setObjectName(name)
            widget.setWordWrap(True)
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            widget.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            box.addWidget(widget)
        self._restyle()
        self.clicked.connect(lambda: self.chosen.emit(self.key))

    def _min_content(self) -> int:
        """Height of the smallest title on one line, the subtitle and a two-line status.

        Measured as a QLabel lays out its text: a line is a little taller than
        ``QFontMetrics.height()``, which rounds down (two lines of 3.6 units take 114 px on a
        1080 px screen, not 2 x 56): with that sum the tile's minimum was 4 px short, and a
        squeezed grid clipped the status."""

        def lines(units: float, count: int, bold: bool = False) -> int:
            font = QFont(FONT_FAMILY)
            font.setPixelSize(self.sizes.font(units))
            font.setBold(bold)
            text = "\n".join(["国 Ag"] * count)
            flags = Qt.TextFlag.TextWordWrap
            return (
                QFontMetrics(font).boundingRect(QRect(0, 0, 10_000, 10_000), flags, text).height()
            )

        unit = self.sizes.unit
        return (
            2 * round(unit * 1.5)
            + 2 * round(unit * 0.5)
            + lines(TITLE_UNITS[-1], 1, bold=True)
            + lines(3.6, 1)
            + lines(3.6, 2, bold=True)
        )

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        super().resizeEvent(event)
        self._fit_title()

    def _fit_title(self) -> None:
        """The largest title size (6.5 units down to 4) whose words fit in two lines."""
        margin = round(self.sizes.unit * 1.5) + 4
        available = self.width() - 2 * margin
        spacing = round(self.sizes.unit * 0.5)
        others = sum(
            label.heightForWidth(available) + spacing
            for label in (self.subtitle, self.status)
            if label.text()
        )
        height = self.height() - 2 * margin - others
        if available <= 0 or (self.title.text(), available, height) == self._fitted:
            return
        self._fitted = (self.title.text(), available, height)
        units = TITLE_UNITS[-1]
        for candidate in TITLE_UNITS:
            font = QFont(FONT_FAMILY)
            font.setPixelSize(self.sizes.font(candidate))
            font.setBold(True)
            metrics = QFontMetrics(font)
            box = metrics.boundingRect(
                QRect(0, 0, available, 10_000), Qt.TextFlag.TextWordWrap, self.title.text()
            )
            fits_lines = box.height() <= 2.2 * metrics.height()
            if box.width() <= available and fits_lines and box.height() <= height:
                units = candidate
                break
        if units != self.title_units:
            self.title_units = units
            self._restyle()

    def show_tile(
        self, title: str, subtitle: str, status: str, *, enabled: bool, background: str
    ) -> None:
        self.setEnabled(enabled)
        self._look = (enabled, background)
        for widget, text in ((self.title, title), (self.subtitle, subtitle), (self.status, status)):
            if widget.text() != text:
                widget.setText(text)
        self._restyle()
        self._fit_title()

    def _restyle(self) -> None:
        """One style sheet for the button and its three labels (a style sheet on the button
        would override the labels' own palettes); set only when it changes."""
        enabled, background = self._look
        bg = background if enabled else theme.DISABLED_BG
        fg = theme.ON_ACCENT if enabled else theme.DISABLED_TEXT
        sub = theme.ON_ACCENT_SUB if enabled else theme.DISABLED_TEXT
        size = self.sizes.font
        _set_style(
            self,
            f"QPushButton {{ background: {bg}; border: none;"
            f" border-radius: {round(self.sizes.unit * 1.5)}px; }}"
            f" QPushButton:pressed {{ background: {theme.PAGE_TEXT}; }}"
            f' QLabel {{ background: transparent; font-family: "{FONT_FAMILY}"; }}'
            f" QLabel#title {{ color: {fg}; font-size: {size(self.title_units)}px;"
            f" font-weight: 700; }}"
            f" QLabel#subtitle {{ color: {sub}; font-size: {size(3.6)}px; }}"
            f" QLabel#status {{ color: {sub if enabled else fg}; font-size: {size(3.6)}px;"
            f" font-weight: {400 if enabled else 700}; }}",
        )


class QrCode(QWidget):
    """The ticket's status URL as a QR code (black on white), drawn from an image made once per
    URL at the widget's size: a repaint is one blit, not a thousand rectangles."""

    def __init__(self, side_px: int) -> None:
        super().__init__()
        self._image: QImage | None = None
        self.data = ""
        self.setFixedSize(side_px, side_px)

    def set_data(self, data: str) -> None:
        if data == self.data:
            return
        self.data = data
        self._image = None
        if data:
            code = qrcode.QRCode(  # a fixed mask: no search of all eight (10x faster)
                border=2, error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=2
            )
            code.add_data(data)
            code.make(fit=True)
            matrix = code.get_matrix()
            n = len(matrix)
            image = QImage(n, n, QImage.Format.Format_Grayscale8)
            image.fill(255)
            for y, row in enumerate(matrix):
                for x, dark in enumerate(row):
                    if dark:
                        image.setPixel(x, y, 0)
            side = min(self.width(), self.height())
            self._image = image.convertToFormat(QImage.Format.Format_RGB32).scaled(
                side,
                side,
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.FastTransformation,
            )
        self.update()

    def paintEvent(self, _event: QPaintEvent | None) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        if self._image is not None:
            painter.drawImage(0, 0, self._image)
        painter.end()
