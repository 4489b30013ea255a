"""The other screens: confirm (priority / VIP), a message (connecting, getting your number,
no ticket, temporarily unavailable) and the ticket. Each reads ``KioskModel``; no logic."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QMouseEvent
from PyQt6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk_app import texts, theme
from kiosk_app.kiosk_model import KioskModel, PrintState, Screen
from kiosk_app.theme import Sizes
from kiosk_app.views.home import TILE_BACKGROUND
from kiosk_app.views.widgets import QrCode, action_button, button_style, label, style_label
from server.contract.common import Category


def _page(sizes: Sizes, name: str) -> tuple[QWidget, QVBoxLayout]:
    page = QWidget()
    page.setObjectName(name)
    box = QVBoxLayout(page)
    box.setContentsMargins(*(round(sizes.unit * 5),) * 4)
    box.setSpacing(round(sizes.unit * 2.5))
    return page, box


class ConfirmPage(QWidget):
    def __init__(self, model: KioskModel, sizes: Sizes) -> None:
        super().__init__()
        self.model, self.sizes = model, sizes
        self.setObjectName("confirm-page")
        box = QVBoxLayout(self)
        box.setContentsMargins(*(round(sizes.unit * 5),) * 4)
        box.setSpacing(round(sizes.unit * 3))
        box.addStretch(1)
        self.service = label(sizes, 7, bold=True, name="service")
        self.question = label(sizes, 5, name="question")
        self.subquestion = label(sizes, 3.4, colour=theme.MUTED_TEXT)
        for widget in (self.service, self.question, self.subquestion):
            box.addWidget(widget)
        box.addStretch(1)
        self.yes = action_button(sizes, "", name="yes", units=6)
        self.no = action_button(sizes, "", name="no", units=5)
        self.yes.setMinimumHeight(round(sizes.min_target * 1.4))
        self.yes.clicked.connect(model.confirm)
        self.no.clicked.connect(model.back)
        box.addWidget(self.yes)
        box.addWidget(self.no)

    def render(self) -> None:
        m = self.model
        tile = m.tile(m.confirm_key or "")
        if tile is None:
            return
        question = texts.CONFIRM_QUESTION.get(tile.category, texts.TITLE)
        self.service.setText(m.text(tile.label))
        self.question.setText(m.text(question))
        self.subquestion.setText(m.subtext(question))
        self.yes.setText(m.text(texts.CONFIRM_YES))
        self.no.setText(m.text(texts.CONFIRM_NO))
        background = TILE_BACKGROUND.get(tile.category, theme.ACCENT)
        self.yes.setStyleSheet(button_style(self.sizes, background, theme.ON_ACCENT, 6))


class MessagePage(QWidget):
    """STARTING, ISSUING, NOTICE (no ticket: why), UNAVAILABLE (server unreachable) and
    EMERGENCY (the branch stopped issuing: its notice, full screen)."""

    def __init__(self, model: KioskModel, sizes: Sizes) -> None:
        super().__init__()
        self.model, self.sizes = model, sizes
        self.setObjectName("message-page")
        box = QVBoxLayout(self)
        box.setContentsMargins(*(round(sizes.unit * 5),) * 4)
        box.setSpacing(round(sizes.unit * 3))
        box.addStretch(1)
        self.title = label(sizes, 7, bold=True, name="title")
        self.body = label(sizes, 4.5, name="body")
        self.title_other = label(sizes, 4.5, colour=theme.MUTED_TEXT, bold=True)
        self.body_other = label(sizes, 3.4, colour=theme.MUTED_TEXT)
        for widget in (self.title, self.body, self.title_other, self.body_other):
            box.addWidget(widget)
        self.contacts = label(sizes, 3.6, name="contacts")
        box.addWidget(self.contacts)
        box.addStretch(1)
        self.home = action_button(sizes, "", name="home", units=5)
        self.home.clicked.connect(model.go_home)
        box.addWidget(self.home)

    def render(self) -> None:
        m = self.model
        title, body = {
            Screen.STARTING: (texts.STARTING, None),
            Screen.ISSUING: (texts.ISSUING, None),
            Screen.NOTICE: (texts.NO_TICKET, m.notice),
            Screen.UNAVAILABLE: (texts.UNAVAILABLE_TITLE, texts.UNAVAILABLE_BODY),
            Screen.EMERGENCY: (texts.EMERGENCY_TITLE, m.emergency),
        }.get(m.screen, (texts.STARTING, None))
        alert = m.screen in (Screen.NOTICE, Screen.UNAVAILABLE, Screen.EMERGENCY)
        style_label(
            self.title,
            self.sizes,
            7 if not alert else 6,
            colour=theme.ON_ALERT if alert else theme.PAGE_TEXT,
            background=theme.ALERT_BG if alert else None,
            bold=True,
        )
        self.title.setText(m.text(title))
        self.title_other.setText(m.subtext(title))
        self.body.setText(m.text(body) if body else "")
        self.body_other.setText(m.subtext(body) if body else "")
        self.body.setVisible(body is not None)
        self.body_other.setVisible(body is not None)
        branch = m.branch
        lines = [f"{m.text(c.label)}  {c.phone}" for c in branch.contacts] if branch else []
        self.contacts.setText("\n".join(lines))
        self.contacts.setVisible(alert and bool(lines))
        self.home.setVisible(m.screen is Screen.NOTICE)
        self.home.setText(m.text(texts.BACK))


class TicketPage(QWidget):
    """The number very large, service, people ahead, wait, QR and what the printer did.
    Portrait: the number above the QR code; landscape: side by side. A touch anywhere but on
    "print again" ends it."""

    def __init__(self, model: KioskModel, sizes: Sizes, *, landscape: bool) -> None:
        super().__init__()
        self.model, self.sizes = model, sizes
        self.setObjectName("ticket-page")
        unit = sizes.unit
        # landscape has 1080 px of height: a smaller number, tighter spacing, and the buttons
        # under the QR code rather than under everything
        box = QVBoxLayout(self)
        box.setContentsMargins(*(round(unit * (2.5 if landscape else 4)),) * 4)
        box.setSpacing(round(unit * (0.75 if landscape else 1.5)))
        self.status = label(sizes, 5.5, bold=True, name="print-status")
        self.status_other = label(sizes, 3.6, colour=theme.MUTED_TEXT, name="print-status-other")
        box.addWidget(self.status)
        box.addWidget(self.status_other)

        body = QHBoxLayout() if landscape else QVBoxLayout()
        body.setSpacing(round(unit * 3))
        info = QVBoxLayout()
        info.setSpacing(round(unit * (0.5 if landscape else 1)))
        self.caption = label(sizes, 4.5, colour=theme.MUTED_TEXT, name="caption")
        self.number = label(sizes, 26 if not landscape else 18, colour=theme.ACCENT, bold=True)
        self.number.setObjectName("number")
        self.category = label(sizes, 5, bold=True, name="category")
        self.service = label(sizes, 6, bold=True, name="service")
        self.ahead = label(sizes, 5, name="ahead")
        # a checked-in appointment: why the ticket is what it is ("keeps priority", "late")
        self.note = label(sizes, 3.4, colour=theme.NOTICE_TEXT, background=theme.NOTICE_BG)
        self.note.setObjectName("note")
        info.addStretch(1)
        for widget in (
            self.caption,
            self.number,
            self.category,
            self.service,
            self.note,
            self.ahead,
        ):
            info.addWidget(widget)
        info.addStretch(1)
        body.addLayout(info, 3)
        qr_box = QVBoxLayout()
        qr_box.setSpacing(round(unit * 1))
        qr_box.addStretch(1)
        self.qr = QrCode(round(unit * (36 if not landscape else 40)))
        qr_box.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
        self.scan = label(sizes, 3.6, colour=theme.PAGE_TEXT, name="scan")
        self.scan_other = label(sizes, 3.2, colour=theme.MUTED_TEXT)
        qr_box.addWidget(self.scan)
        qr_box.addWidget(self.scan_other)
        qr_box.addStretch(1)
        body.addLayout(qr_box, 2)
        box.addLayout(body, 1)

        buttons = QHBoxLayout()
        buttons.setSpacing(round(unit * 2))
        self.reprint = action_button(
            sizes, "", background=theme.ACCENT, colour=theme.ON_ACCENT, name="reprint", units=5
        )
        self.reprint.clicked.connect(model.reprint)
        self.done = action_button(sizes, "", name="done", units=5)
        self.done.clicked.connect(model.go_home)
        buttons.addWidget(self.reprint)
        buttons.addWidget(self.done)
        if landscape:
            qr_box.addLayout(buttons)
        else:
            box.addLayout(buttons)
        self.hint = label(sizes, 3.2, colour=theme.MUTED_TEXT, name="hint")
        box.addWidget(self.hint)

    def mousePressEvent(self, event: QMouseEvent | None) -> None:
        self.model.go_home()  # buttons take their own presses; anywhere else ends the screen
        if event is not None:
            event.accept()

    def render(self) -> None:
        m = self.model
        view = m.ticket
        if view is None:
            return
        ticket = view.ticket
        failed = view.print_state is PrintState.FAILED
        status = {
            PrintState.PRINTING: texts.PRINTING,
            PrintState.PRINTED: texts.PRINTED,
            PrintState.FAILED: texts.NOTE_NUMBER,
        }[view.print_state]
        style_label(
            self.status,
            self.sizes,
            6 if failed else 5.5,
            colour=theme.ON_ALERT if failed else theme.PAGE_TEXT,
            background=theme.ALERT_BG if failed else None,
            bold=True,
        )
        self.status.setText(m.text(status))
        if failed:
            why = texts.PRINTER_BACK if view.reprint_ready else texts.NOT_PRINTED
            self.status_other.setText(f"{m.subtext(status)}\n{m.text(why)}")
            style_label(self.status_other, self.sizes, 4.2, colour=theme.PAGE_TEXT, bold=True)
        else:
            self.status_other.setText(m.subtext(status))
            style_label(self.status_other, self.sizes, 3.6, colour=theme.MUTED_TEXT)
        self.caption.setText(f"{m.text(texts.YOUR_NUMBER)} · {m.subtext(texts.YOUR_NUMBER)}")
        self.number.setText(ticket.number)
        is_normal = ticket.category is Category.NORMAL
        self.category.setVisible(not is_normal)
        if not is_normal:
            self.category.setText(m.text(texts.category_ticket(ticket.category)))
        self.service.setText(m.text(ticket.service_name))
        self.note.setVisible(view.note is not None)
        if view.note is not None:
            self.note.setText(f"{m.text(view.note)}\n{m.subtext(view.note)}")
        self.ahead.setText(
            f"{m.text(texts.ahead(ticket.people_ahead))} · "
            f"{m.text(texts.wait(ticket.estimated_wait_s))}"
        )
        self.qr.set_data(ticket.status_url)
        self.scan.setText(m.text(texts.SCAN_QR))
        self.scan_other.setText(m.subtext(texts.SCAN_QR))
        self.reprint.setVisible(failed and view.reprint_ready)
        self.reprint.setText(m.text(texts.REPRINT))
        self.done.setText(m.text(texts.DONE))
        self.hint.setText(m.text(texts.TOUCH_TO_FINISH))
