"""The check-in screen: the booking code as typed so far, an on-screen keypad of the code's 32
characters, why the last try gave no ticket, back and "check in". Reads ``KioskModel.checkin``;
no logic (a scanner's keystrokes reach the model through the window's event filter)."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QFont
from PyQt6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk_app import texts, theme
from kiosk_app.checkin import CODE_ALPHABET, shown
from kiosk_app.kiosk_model import KioskModel
from kiosk_app.theme import Sizes
from kiosk_app.views.widgets import action_button, button_style, label, style_label

KEYS_PER_ROW = 8


class CheckinPage(QWidget):
    def __init__(self, model: KioskModel, sizes: Sizes, *, landscape: bool) -> None:
        super().__init__()
        self.model, self.sizes, self.landscape = model, sizes, landscape
        self.setObjectName("checkin-page")
        unit = sizes.unit
        box = QVBoxLayout(self)
        box.setContentsMargins(*(round(unit * (3 if landscape else 5)),) * 4)
        box.setSpacing(round(unit * (0.8 if landscape else 2.5)))
        self.title = label(sizes, 6.5 if not landscape else 5, bold=True, name="title")
        self.title_other = label(sizes, 4, colour=theme.MUTED_TEXT, bold=True)
        self.help = label(sizes, 4, name="help")
        self.help_other = label(sizes, 3.2, colour=theme.MUTED_TEXT)
        for widget in (self.title, self.title_other, self.help, self.help_other):
            box.addWidget(widget)
        self.code = label(sizes, 11 if not landscape else 6, colour=theme.ACCENT, bold=True)
        self.code.setObjectName("code")
        mono = QFont("DejaVu Sans Mono")
        mono.setPixelSize(sizes.font(11 if not landscape else 6))
        mono.setBold(True)
        self.code.setFont(mono)
        box.addWidget(self.code)
        self.message = label(sizes, 4.2, colour=theme.ON_ALERT, background=theme.ALERT_BG)
        self.message.setObjectName("message")
        self.message_other = label(sizes, 3.4, colour=theme.PAGE_TEXT, name="message-other")
        box.addWidget(self.message)
        box.addWidget(self.message_other)
        if not landscape:
            box.addStretch(1)

        grid = QGridLayout()
        grid.setSpacing(round(unit * 1.2))
        self.keys: dict[str, QPushButton] = {}
        per_row = KEYS_PER_ROW * (2 if landscape else 1)  # landscape: two rows of 16 keys
        for i, char in enumerate(CODE_ALPHABET):
            key = self._key(char, char, 6)
            grid.addWidget(key, i // per_row, i % per_row)
        row = len(CODE_ALPHABET) // per_row
        self.delete = self._key("DEL", "", 4.2)
        self.clear = self._key("CLEAR", "", 4.2)
        grid.addWidget(self.delete, row, 0, 1, per_row // 2)
        grid.addWidget(self.clear, row, per_row // 2, 1, per_row // 2)
        box.addLayout(grid)

        buttons = QHBoxLayout()
        buttons.setSpacing(round(unit * 2))
        self.back = action_button(sizes, "", name="back", units=5)
        self.back.clicked.connect(model.go_home)
        self.submit = action_button(
            sizes, "", background=theme.ACCENT, colour=theme.ON_ACCENT, name="submit", units=5.5
        )
        self.submit.setMinimumHeight(round(sizes.min_target * 1.3))
        self.submit.clicked.connect(model.checkin.submit)
        buttons.addWidget(self.back, 1)
        buttons.addWidget(self.submit, 2)
        box.addLayout(buttons)

    def _key(self, key: str, text: str, units: float) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(f"key-{key}")
        button.setMinimumSize(self.sizes.min_target, self.sizes.min_target)
        button.setStyleSheet(button_style(self.sizes, theme.NEUTRAL_BG, theme.PAGE_TEXT, units))
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(lambda: self.model.checkin.press(key))
        self.keys[key] = button
        return button

    def render(self) -> None:
        m = self.model
        c = m.checkin
        if self.landscape:  # one line for both languages: the keypad needs the height
            self.title.setText(f"{m.text(texts.CHECKIN_TITLE)} · {m.subtext(texts.CHECKIN_TITLE)}")
            self.title_other.hide()
        else:
            self.title.setText(m.text(texts.CHECKIN_TITLE))
            self.title_other.setText(m.subtext(texts.CHECKIN_TITLE))
        self.help.setText(m.text(texts.CHECKIN_HELP))
        self.help_other.setText(m.subtext(texts.CHECKIN_HELP))
        self.code.setText(shown(c.code))
        message = texts.CHECKIN_BUSY if c.busy else c.message
        self.message.setVisible(message is not None)
        self.message_other.setVisible(message is not None)
        if message is not None:
            busy = c.busy
            style_label(
                self.message,
                self.sizes,
                4.2,
                colour=theme.PAGE_TEXT if busy else theme.ON_ALERT,
                background=theme.NOTICE_BG if busy else theme.ALERT_BG,
                bold=True,
            )
            self.message.setText(m.text(message))
            self.message_other.setText(m.subtext(message))
        self.delete.setText(m.text(texts.CHECKIN_DELETE))
        self.clear.setText(m.text(texts.CHECKIN_CLEAR))
        self.back.setText(m.text(texts.BACK))
        self.submit.setText(m.text(texts.CHECKIN_SUBMIT))
        self.submit.setEnabled(not c.busy)
