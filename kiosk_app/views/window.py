"""``KioskWindow``: one stacked page per screen, re-rendered when the model changes."""

from __future__ import annotations

from PyQt6.QtCore import QEvent, QObject, QSize, Qt
from PyQt6.QtGui import QColor, QFont, QGuiApplication, QKeyEvent, QPalette
from PyQt6.QtWidgets import QApplication, QStackedWidget, QWidget

from kiosk_app import theme
from kiosk_app.kiosk_model import KioskModel, Screen
from kiosk_app.theme import Sizes
from kiosk_app.views.checkin_page import CheckinPage
from kiosk_app.views.home import MenuPage
from kiosk_app.views.pages import ConfirmPage, MessagePage, TicketPage
from kiosk_app.views.widgets import FONT_FAMILY

SCREEN_SIZES = {"portrait": QSize(1080, 1920), "landscape": QSize(1920, 1080)}


class KioskWindow(QStackedWidget):
    def __init__(self, model: KioskModel, *, size: QSize | None = None) -> None:
        super().__init__()
        self.model = model
        orientation = model.config.screen.orientation
        self.landscape = orientation == "landscape"
        size = size or SCREEN_SIZES[orientation]
        self.resize(size)
        self.setWindowTitle("branchq kiosk")
        self.setObjectName("kiosk")
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(theme.PAGE_BG))
        palette.setColor(QPalette.ColorRole.WindowText, QColor(theme.PAGE_TEXT))
        self.setPalette(palette)
        self.setAutoFillBackground(True)
        screen = QGuiApplication.primaryScreen()
        dpi = screen.physicalDotsPerInch() if screen is not None else 96.0
        self.sizes = Sizes(dpi=dpi, short_side_px=min(size.width(), size.height()))
        font = QFont(FONT_FAMILY)
        font.setPixelSize(self.sizes.font(3.6))
        self.setFont(font)
        self.menu = MenuPage(model, self.sizes, landscape=self.landscape)
        self.confirm = ConfirmPage(model, self.sizes)
        self.message = MessagePage(model, self.sizes)
        self.ticket = TicketPage(model, self.sizes, landscape=self.landscape)
        self.checkin = CheckinPage(model, self.sizes, landscape=self.landscape)
        self.pages: dict[Screen, QWidget] = {
            Screen.HOME: self.menu,
            Screen.GROUP: self.menu,
            Screen.CONFIRM: self.confirm,
            Screen.TICKET: self.ticket,
            Screen.STARTING: self.message,
            Screen.ISSUING: self.message,
            Screen.NOTICE: self.message,
            Screen.UNAVAILABLE: self.message,
            Screen.EMERGENCY: self.message,
            Screen.CHECKIN: self.checkin,
        }
        for page in (self.menu, self.confirm, self.message, self.ticket, self.checkin):
            self.addWidget(page)
        model.changed.connect(self.render)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.render()

    def render(self) -> None:
        page = self.pages[self.model.screen]
        page.render()  # type: ignore[attr-defined]
        if self.currentWidget() is not page:
            self.setCurrentWidget(page)

    def eventFilter(self, watched: QObject | None, event: QEvent | None) -> bool:
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            return self._key(event)
        if event is not None and event.type() in (
            QEvent.Type.MouseButtonPress,
            QEvent.Type.TouchBegin,
        ):
            self.model.touched()  # the customer is still here: the idle timer restarts
        return False

    def _key(self, event: QKeyEvent) -> bool:
        """A barcode scanner types like a keyboard: characters, then Enter (the booking QR
        code's text). On the home or check-in screen they go to the check-in."""
        if self.model.screen not in (Screen.HOME, Screen.GROUP, Screen.CHECKIN):
            return False
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.model.checkin.enter()
            return True
        text = event.text()
        if text and text.isprintable():
            self.model.checkin.typed(text)
            return True
        return False

    def closeEvent(self, event: object) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        super().closeEvent(event)  # type: ignore[arg-type]
