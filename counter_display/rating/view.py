"""``RatingPadWindow``: the rating pad's window, a thin view of ``RatingPadModel``.

Made for a small touchscreen facing the customer: 1280x800 landscape or 800x1280 portrait.
Every text comes from ``texts`` or the server's contract, in the model's language.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter_display.rating import texts
from counter_display.rating.model import RatingPadModel, Screen
from counter_display.rating.texts import pick
from counter_display.rating.widgets import Chip, DigitPad, FaceButton
from server.contract.common import Bilingual
from server.contract.feedback import (
    CATEGORY_LABELS,
    REASON_LABELS,
    SCORE_LABELS,
    ComplaintCategory,
)

STYLE = """
QWidget#pad { background: #f6f3ee; }
QFrame#bar { background: #a3151c; }
QLabel { color: #1d1d1f; }
QLabel#counter { color: white; font-size: 26px; font-weight: 700; }
QLabel#teller { color: #fbe9e7; font-size: 20px; }
QLabel#offline { background: #c0392b; color: white; font-size: 20px; padding: 8px; }
QLabel#welcome { font-size: 72px; font-weight: 800; color: #a3151c; }
QLabel#title { font-size: 40px; font-weight: 800; }
QLabel#sub { font-size: 24px; color: #5b5f66; }
QLabel#scoreLabel { font-size: 22px; font-weight: 600; }
QLabel#message { font-size: 26px; color: #1d1d1f; }
QLabel#error { font-size: 22px; color: #9f1239; }
QLabel#reference { font-size: 48px; font-weight: 800; color: #1f4e79; }
QLabel#phone { font-size: 34px; font-weight: 700; background: white; padding: 6px 14px;
               border: 1px solid #cfc8bb; border-radius: 8px; min-height: 48px; }
QLabel#small { font-size: 17px; color: #5b5f66; }
QPushButton { font-size: 24px; min-height: 64px; padding: 4px 18px; border-radius: 14px;
              background: white; border: 2px solid #cfc8bb; color: #1d1d1f; }
QPushButton#primary { background: #a3151c; color: white; border: none; font-weight: 700; }
QPushButton#primary:disabled { background: #d9a4a7; }
QPushButton#complain { color: #9f1239; border-color: #9f1239; font-weight: 700;
                       min-width: 260px; }
QPushButton#switch { font-size: 20px; min-height: 44px; background: transparent; color: white;
                     border: 2px solid rgba(255,255,255,.85); border-radius: 22px; }
QPushButton#chip { font-size: 24px; min-height: 64px; border-radius: 32px; }
QPushButton#chip:checked { background: #1f4e79; color: white; border-color: #1f4e79; }
QPushButton#digit { font-size: 30px; font-weight: 700; min-height: 48px; }
QPushButton#category { font-size: 22px; min-height: 54px; border-radius: 27px; }
QPushButton#category:checked { background: #1f4e79; color: white; border-color: #1f4e79; }
QLineEdit { font-size: 24px; min-height: 56px; padding: 0 12px; border-radius: 10px;
            border: 1px solid #cfc8bb; background: white; }
"""

FACE_ORDER = (5, 4, 3, 2, 1)  # "very good" first, as Chinese evaluators list them


def _label(name: str, *, wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(wrap)
    return label


def _button(name: str = "") -> QPushButton:
    button = QPushButton()
    if name:
        button.setObjectName(name)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button


class RatingPadWindow(QWidget):
    def __init__(self, model: RatingPadModel) -> None:
        super().__init__()
        self.model = model
        self.portrait = model.config.screen.orientation == "portrait"
        self.setObjectName("pad")
        self.setStyleSheet(STYLE)
        self.setWindowTitle(f"branchq rating pad, counter {model.counter_number}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self._bar())
        self.offline = _label("offline")
        root.addWidget(self.offline)
        self.stack = QStackedWidget()
        root.addWidget(self.stack, 1)
        self.pages: dict[Screen, QWidget] = {
            Screen.IDLE: self._idle(),
            Screen.ASK: self._ask(),
            Screen.REASONS: self._reasons(),
            Screen.THANKS: self._thanks(),
            Screen.COMPLAINT: self._complaint(),
            Screen.COMPLAINT_DONE: self._complaint_done(),
        }
        for page in self.pages.values():
            self.stack.addWidget(page)
        model.changed.connect(self.redraw)
        self.redraw()

    # --- layout ---------------------------------------------------------------------------
    def _bar(self) -> QFrame:
        bar = QFrame()
        bar.setObjectName("bar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(24, 10, 18, 10)
        col = QVBoxLayout()
        self.counter = _label("counter", wrap=False)
        self.teller = _label("teller", wrap=False)
        for label in (self.counter, self.teller):
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            col.addWidget(label)
        row.addLayout(col, 1)
        self.switch = _button("switch")
        self.switch.clicked.connect(self.model.switch_language)
        row.addWidget(self.switch)
        return bar

    def _page(self) -> tuple[QWidget, QVBoxLayout]:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(32, 24, 32, 28)
        column.setSpacing(18)
        return page, column

    def _idle(self) -> QWidget:
        page, column = self._page()
        self.welcome = _label("welcome")
        self.idle_teller = _label("sub")
        self.idle_help = _label("sub")
        self.idle_complain = _button("complain")
        self.idle_complain.clicked.connect(self.model.start_complaint)
        column.addStretch(2)
        for w in (self.welcome, self.idle_teller, self.idle_help):
            column.addWidget(w)
        column.addStretch(3)
        column.addWidget(self.idle_complain, 0, Qt.AlignmentFlag.AlignRight)
        return page

    def _ask(self) -> QWidget:
        page, column = self._page()
        self.ask_title = _label("title")
        self.ask_ticket = _label("sub")
        column.addStretch(2)
        column.addWidget(self.ask_title)
        column.addWidget(self.ask_ticket)
        column.addSpacing(40)
        faces = QHBoxLayout()
        faces.setSpacing(12)
        side = 132 if self.portrait else 200  # a large target for a finger, five in a row
        self.faces: dict[int, FaceButton] = {}
        self.face_labels: dict[int, QLabel] = {}
        for score in FACE_ORDER:
            face = FaceButton(score)
            face.setFixedSize(side, side)
            face.clicked.connect(lambda _=False, s=score: self.model.choose_score(s))
            label = _label("scoreLabel")
            one = QVBoxLayout()
            one.setSpacing(6)
            one.addWidget(face, 0, Qt.AlignmentFlag.AlignHCenter)
            one.addWidget(label)
            faces.addLayout(one, 1)
            self.faces[score], self.face_labels[score] = face, label
        column.addLayout(faces)
        column.addStretch(3)
        return page

    def _reasons(self) -> QWidget:
        page, column = self._page()
        top = QHBoxLayout()
        self.chosen = FaceButton(5)
        self.chosen.setEnabled(False)
        self.chosen.setFixedSize(132, 132)
        self.chosen_label = _label("title")
        top.addStretch(1)
        top.addWidget(self.chosen)
        top.addWidget(self.chosen_label)
        top.addStretch(1)
        column.addLayout(top)
        self.reasons_title = _label("sub")
        column.addWidget(self.reasons_title)
        chips = QGridLayout()
        chips.setSpacing(14)
        self.chips = [Chip() for _ in range(4)]
        for i, chip in enumerate(self.chips):
            chip.clicked.connect(lambda _=False, i=i: self._toggle_reason(i))
            chips.addWidget(chip, i // 2, i % 2)
        column.addLayout(chips)
        column.addStretch(1)
        buttons = QHBoxLayout()
        self.back_button, self.skip_button, self.send_button = (
            _button(),
            _button(),
            _button("primary"),
        )
        self.back_button.clicked.connect(self.model.back)
        self.skip_button.clicked.connect(lambda: self.model.send_rating(skip_reasons=True))
        self.send_button.clicked.connect(lambda: self.model.send_rating())
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.send_button, 2)
        column.addLayout(buttons)
        return page

    def _thanks(self) -> QWidget:
        page, column = self._page()
        self.thanks_face = FaceButton(5)
        self.thanks_face.setEnabled(False)
        self.thanks_face.setFixedSize(200, 200)
        self.thanks_title = _label("title")
        self.thanks_message = _label("error")
        self.thanks_complain = _button("complain")
        self.thanks_complain.clicked.connect(self.model.start_complaint)
        column.addStretch(1)
        column.addWidget(self.thanks_face, 0, Qt.AlignmentFlag.AlignCenter)
        column.addWidget(self.thanks_title)
        column.addWidget(self.thanks_message)
        column.addWidget(self.thanks_complain, 0, Qt.AlignmentFlag.AlignCenter)
        column.addStretch(1)
        return page

    def _complaint(self) -> QWidget:
        page, column = self._page()
        column.setContentsMargins(28, 14, 28, 18)
        column.setSpacing(10)
        self.complaint_title = _label("title")
        column.addWidget(self.complaint_title)
        direction = (
            QBoxLayout.Direction.TopToBottom if self.portrait else QBoxLayout.Direction.LeftToRight
        )
        body = QBoxLayout(direction)
        body.setSpacing(24)
        left = QVBoxLayout()
        left.setSpacing(10)
        self.category_title = _label("sub")
        left.addWidget(self.category_title)
        grid = QGridLayout()
        grid.setSpacing(10)
        self.categories: dict[ComplaintCategory, Chip] = {}
        for i, category in enumerate(ComplaintCategory):
            chip = Chip()
            chip.setObjectName("category")
            chip.clicked.connect(lambda _=False, c=category: self.model.choose_category(c))
            grid.addWidget(chip, i // 2, i % 2)
            self.categories[category] = chip
        left.addLayout(grid)
        self.text_title = _label("sub")
        left.addWidget(self.text_title)
        self.text = QLineEdit()
        self.text.setMaxLength(200)
        self.text.textEdited.connect(self.model.set_text)
        left.addWidget(self.text)
        left.addStretch(1)
        body.addLayout(left, 3)
        right = QVBoxLayout()
        right.setSpacing(10)
        self.phone_title = _label("sub")
        self.phone = _label("phone", wrap=False)
        self.digits = DigitPad(self.model.press_digit, self.model.clear_phone)
        self.privacy = _label("small")
        for w in (self.phone_title, self.phone, self.digits, self.privacy):
            right.addWidget(w)
        body.addLayout(right, 2)
        column.addLayout(body, 1)
        self.complaint_error = _label("error")
        column.addWidget(self.complaint_error)
        buttons = QHBoxLayout()
        self.cancel_button, self.complaint_send = _button(), _button("primary")
        self.cancel_button.clicked.connect(self.model.cancel)
        self.complaint_send.clicked.connect(self.model.send_complaint)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.complaint_send, 2)
        column.addLayout(buttons)
        return page

    def _complaint_done(self) -> QWidget:
        page, column = self._page()
        self.done_title = _label("title")
        self.done_reference = _label("reference")
        self.done_message = _label("message")
        column.addStretch(1)
        for w in (self.done_title, self.done_reference, self.done_message):
            column.addWidget(w)
        column.addStretch(1)
        return page

    def _toggle_reason(self, index: int) -> None:
        offered = self.model.offered_reasons()
        if index < len(offered):
            self.model.toggle_reason(offered[index])

    # --- rendering ------------------------------------------------------------------------
    def t(self, text: Bilingual) -> str:
        return pick(text, self.model.language)

    def redraw(self) -> None:
        m = self.model
        self.counter.setText(self.t(m.counter_name))
        teller = texts.teller_line(m.teller)
        self.teller.setText(self.t(teller))
        self.teller.setVisible(m.screen is not Screen.IDLE)  # the welcome names the teller
        self.switch.setText(self.t(texts.SWITCH))
        self.offline.setText(self.t(texts.REFUSED if m.refused else texts.OFFLINE))
        self.offline.setVisible(m.refused or not m.online)
        self.stack.setCurrentWidget(self.pages[m.screen])
        self.welcome.setText(self.t(texts.WELCOME))
        self.idle_teller.setText(self.t(teller))
        self.idle_help.setText(self.t(texts.WELCOME_HELP))
        self.idle_complain.setText(self.t(texts.COMPLAIN))
        self._render_ask()
        self._render_reasons()
        self._render_thanks()
        self._render_complaint()

    def _render_ask(self) -> None:
        m = self.model
        self.ask_title.setText(self.t(texts.ASK))
        number = m.ticket.number if m.ticket else ""
        self.ask_ticket.setText(self.t(texts.ticket_line(number)) if number else "")
        for score, face in self.faces.items():
            face.setChecked(score == m.score)
            self.face_labels[score].setText(self.t(SCORE_LABELS[score]))

    def _render_reasons(self) -> None:
        m = self.model
        if m.score is not None:
            self.chosen.score = m.score
            self.chosen.update()
            self.chosen_label.setText(self.t(SCORE_LABELS[m.score]))
        self.reasons_title.setText(self.t(texts.REASONS))
        offered = m.offered_reasons()
        for i, chip in enumerate(self.chips):
            chip.setVisible(i < len(offered))
            if i < len(offered):
                chip.setText(self.t(REASON_LABELS[offered[i]]))
                chip.setChecked(offered[i] in m.reasons)
        self.back_button.setText(self.t(texts.BACK))
        self.skip_button.setText(self.t(texts.SKIP))
        self.send_button.setText(self.t(texts.SENDING if m.sending else texts.SEND))
        for button in (self.back_button, self.skip_button, self.send_button):
            button.setEnabled(not m.sending)

    def _render_thanks(self) -> None:
        m = self.model
        self.thanks_face.score = m.score or 5
        self.thanks_face.update()
        failed = m.rated is None and m.message not in (None, texts.THANKS)
        title = texts.THANKS_LOW if m.offers_complaint() else texts.THANKS
        self.thanks_title.setText(self.t(title))
        self.thanks_title.setVisible(not failed)
        # the server's own thank-you says what the title says: only a failure is shown
        self.thanks_message.setText(self.t(m.message) if failed and m.message else "")
        self.thanks_message.setVisible(failed)
        self.thanks_complain.setText(self.t(texts.COMPLAIN))
        self.thanks_complain.setVisible(m.offers_complaint() and not failed)

    def _render_complaint(self) -> None:
        m = self.model
        self.complaint_title.setText(self.t(texts.COMPLAINT_TITLE))
        self.category_title.setText(self.t(texts.COMPLAINT_CATEGORY))
        for category, chip in self.categories.items():
            chip.setText(self.t(CATEGORY_LABELS[category]))
            chip.setChecked(category == m.category)
        self.text_title.setText(self.t(texts.COMPLAINT_TEXT))
        if self.text.text() != m.text:
            self.text.setText(m.text)
        self.phone_title.setText(self.t(texts.COMPLAINT_PHONE))
        self.phone.setText(m.phone or " ")
        self.digits.clear.setText(self.t(texts.CLEAR))
        self.privacy.setText(self.t(texts.PRIVACY))
        on_form = m.screen is Screen.COMPLAINT
        self.complaint_error.setText(self.t(m.message) if on_form and m.message else "")
        self.complaint_error.setVisible(bool(on_form and m.message))
        self.cancel_button.setText(self.t(texts.CANCEL))
        self.complaint_send.setText(self.t(texts.SENDING if m.sending else texts.COMPLAINT_SEND))
        self.complaint_send.setEnabled(not m.sending)
        self.done_title.setText(
            self.t(texts.COMPLAINT_DONE if m.receipt else texts.COMPLAINT_TITLE)
        )
        self.done_reference.setText(m.receipt.reference if m.receipt else "")
        self.done_message.setText(self.t(m.message) if m.message else "")
