"""The sign-in dialog and the transfer dialog (thin: they collect input, nothing more)."""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from counter_display.terminal import texts
from counter_display.terminal.texts import pick
from server.contract.common import Bilingual
from server.contract.events import CounterInfo, QueueInfo

DIALOG_STYLE = """
QDialog { background: white; }
QLabel, QRadioButton, QLineEdit, QGroupBox { font-size: 18px; color: #1c2833; }
QLabel#signInTitle, QLabel#transferTitle { font-size: 24px; font-weight: 600; color: #1f4e79;
                                           padding: 8px; }
QLabel#signInMessage { color: #922b21; background: #fdedec; padding: 8px; border-radius: 4px; }
QLineEdit { padding: 6px; min-height: 32px; }
QRadioButton { padding: 4px; }
QGroupBox { font-weight: 600; padding-top: 24px; }
QPushButton { font-size: 18px; min-height: 44px; min-width: 110px; padding: 4px 16px; }
"""


class SignInDialog(QDialog):
    """Username and password; ``submitted(username, password)`` when the teller signs in."""

    submitted = pyqtSignal(str, str)
    quit_requested = pyqtSignal()

    def __init__(self, language: str, counter_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.setObjectName("signIn")
        self.setWindowTitle(f"{pick(texts.SIGN_IN, language)} · {counter_name}")
        self.setModal(True)
        self.setStyleSheet(DIALOG_STYLE)
        self.setMinimumWidth(560)
        title = QLabel(f"{counter_name}\n{pick(texts.SIGN_IN, language)}")
        title.setObjectName("signInTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel("")
        self.message.setObjectName("signInMessage")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.button = QPushButton(pick(texts.SIGN_IN_BUTTON, language))
        self.button.setObjectName("signInButton")
        self.button.setDefault(True)
        quit_button = QPushButton(pick(texts.QUIT, language))
        form = QGridLayout()
        form.addWidget(QLabel(pick(texts.USERNAME, language)), 0, 0)
        form.addWidget(self.username, 0, 1)
        form.addWidget(QLabel(pick(texts.PASSWORD, language)), 1, 0)
        form.addWidget(self.password, 1, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(quit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.button.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        quit_button.clicked.connect(self.quit_requested.emit)

    def ask(self, username: str, reason: Bilingual | None, *, same_teller: bool = False) -> None:
        """Show (again) with the username filled in and why, the password empty.

        same_teller: the session expired; only the same teller may go on with its state.
        """
        if username:
            self.username.setText(username)
        self.username.setReadOnly(same_teller)
        self.password.clear()
        self.show_message(reason)
        self.button.setEnabled(True)
        (self.password if username else self.username).setFocus()
        self.open()

    def show_message(self, reason: Bilingual | None) -> None:
        self.message.setText("" if reason is None else pick(reason, self.language))
        self.message.setVisible(reason is not None)
        self.button.setEnabled(True)

    def _submit(self) -> None:
        if not self.button.isEnabled():
            return
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self.show_message(texts.b("请输入用户名和密码", "Enter your username and password"))
            return
        self.button.setEnabled(False)
        self.submitted.emit(username, password)


class TransferDialog(QDialog):
    """Choose a service or a counter; ``choice()`` is ("service", code) or ("counter", n)."""

    def __init__(
        self,
        language: str,
        queues: list[QueueInfo],
        counters: list[CounterInfo],
        parent: QWidget | None = None,
        *,
        number: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("transfer")
        self.setStyleSheet(DIALOG_STYLE)
        self.setMinimumWidth(620)
        title = pick(texts.TRANSFER_TITLE, language) + (f"  {number}" if number else "")
        self.setWindowTitle(title)
        self.group = QButtonGroup(self)
        self._choices: dict[int, tuple[str, str | int]] = {}
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setObjectName("transferTitle")
        layout.addWidget(heading)
        columns = QHBoxLayout()
        layout.addLayout(columns)
        for title, items in (
            (
                texts.TO_SERVICE,
                [
                    (("service", q.service_code), f"{q.service_code}  {pick(q.name, language)}")
                    for q in queues
                ],
            ),
            (
                texts.TO_COUNTER,
                [(("counter", c.counter_number), pick(c.name, language)) for c in counters],
            ),
        ):
            box = QGroupBox(pick(title, language))
            inner = QVBoxLayout(box)
            for choice, label in items:
                radio = QRadioButton(label)
                radio.setObjectName(f"to-{choice[0]}-{choice[1]}")
                index = len(self._choices)
                self._choices[index] = choice  # type: ignore[assignment]
                self.group.addButton(radio, index)
                inner.addWidget(radio)
            inner.addStretch(1)
            columns.addWidget(box, 1)
        buttons = QHBoxLayout()
        cancel = QPushButton(pick(texts.CANCEL, language))
        self.ok = QPushButton(pick(texts.OK, language))
        self.ok.setObjectName("transferOk")
        self.ok.setEnabled(False)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.ok)
        layout.addLayout(buttons)
        self.group.idClicked.connect(lambda _i: self.ok.setEnabled(True))
        cancel.clicked.connect(self.reject)
        self.ok.clicked.connect(self.accept)

    def choose(self, kind: str, value: str | int) -> None:
        for index, choice in self._choices.items():
            if choice == (kind, value):
                button = self.group.button(index)
                assert button is not None
                button.setChecked(True)
                self.ok.setEnabled(True)

    def choice(self) -> tuple[str, str | int] | None:
        index = self.group.checkedId()
        return self._choices.get(index)
