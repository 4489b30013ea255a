"""``TerminalWindow``: the counter terminal's window, a thin view of ``CounterTerminal``.

Keys: F1, Space or Enter call the next customer; F2 recall, F3 start, F4 finish, F5 no-show,
F6 park, F7 transfer. Buttons that make no sense now are disabled; a lost connection shows a
red banner and disables every action until the stream is back.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtGui import QKeySequence, QShortcut
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from counter_display.terminal import texts
from counter_display.terminal.dialogs import SignInDialog, TransferDialog
from counter_display.terminal.texts import duration, pick, rating
from counter_display.terminal.viewmodel import CounterTerminal
from server.contract.common import Bilingual, CounterState
from server.contract.desk import DeskTicket

STYLE = """
QMainWindow, QWidget#central { background: #f4f6f8; }
QLabel { color: #1c2833; font-size: 16px; }
QLabel#header { font-size: 22px; font-weight: 600; color: white; }
QFrame#headerBar { background: #1f4e79; }
QLabel#offline { background: #c0392b; color: white; font-size: 20px; font-weight: 600;
                 padding: 10px; }
QLabel#emergency { background: #8b0000; color: white; font-size: 22px; font-weight: 600;
                   padding: 12px; }
QLabel#waitAlert { background: #fff3cd; color: #7a4a00; font-size: 19px; font-weight: 600;
                   padding: 10px; border: 2px solid #e0a800; }
QLabel#notice { background: #fdebd0; color: #7e5109; font-size: 18px; padding: 8px;
                border: 1px solid #f5cba7; }
QFrame#card { background: white; border: 1px solid #d5dbe1; border-radius: 8px; }
QLabel#number { font-size: 96px; font-weight: 700; color: #1f4e79; }
QLabel#numberEmpty { font-size: 30px; color: #7f8c8d; }
QLabel#service { font-size: 24px; font-weight: 600; }
QLabel#facts { font-size: 18px; color: #34495e; }
QLabel#reason { font-size: 17px; color: #145a32; background: #e9f7ef; padding: 8px;
                border-radius: 4px; }
QLabel#section { font-size: 17px; font-weight: 600; color: #1f4e79; }
QLabel#figure { font-size: 26px; font-weight: 700; color: #1f4e79; }
QLabel#figureLabel { font-size: 14px; color: #566573; }
QPushButton { font-size: 18px; padding: 6px; min-height: 40px; border-radius: 6px;
              background: #e5e8e8; border: 1px solid #b3b6b7; color: #1c2833; }
QPushButton:disabled { color: #a6acaf; background: #f2f3f4; border-color: #e5e7e9; }
QPushButton#call-next { font-size: 30px; font-weight: 700; min-height: 72px;
                        background: #1e8449; color: white; border: none; }
QPushButton#call-next:disabled { background: #a9dfbf; color: #eafaf1; }
QPushButton#finish, QPushButton#start { background: #d6eaf8; }
QTableWidget { font-size: 16px; background: white; }
QHeaderView::section { font-size: 15px; padding: 4px; }
QTabBar::tab { font-size: 16px; padding: 6px 14px; }
"""

MAIN_ACTIONS = ("recall", "start", "finish", "no-show", "park", "transfer")
COUNTER_ACTIONS = ("open", "pause", "close")


def _table(columns: int) -> QTableWidget:
    table = QTableWidget(0, columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    """Show ``rows``, touching only the cells whose text changed (a redraw stays cheap)."""
    selected = table.currentRow()
    if table.rowCount() != len(rows):
        table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = table.item(r, c)
            if item is None:
                item = QTableWidgetItem(value)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                table.setItem(r, c, item)
            elif item.text() != value:
                item.setText(value)
    if 0 <= selected < len(rows) and table.currentRow() != selected:
        table.selectRow(selected)


class TerminalWindow(QMainWindow):
    def __init__(self, vm: CounterTerminal, *, counter_name: Bilingual) -> None:
        super().__init__()
        self.vm = vm
        self.counter_name = counter_name
        self.setObjectName("counterTerminal")
        self.setStyleSheet(STYLE)
        self.buttons: dict[str, QPushButton] = {}
        central = QWidget()
        central.setObjectName("central")
        self.setCentralWidget(central)
        root = QVBoxLayout(central)
        root.setContentsMargins(0, 0, 0, 8)
        root.setSpacing(8)

        bar = QFrame()
        bar.setObjectName("headerBar")
        bar_layout = QHBoxLayout(bar)
        self.header = QLabel()
        self.header.setObjectName("header")
        self.language_button = QPushButton()
        self.language_button.setObjectName("language")
        self.language_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.language_button.clicked.connect(self._toggle_language)
        bar_layout.addWidget(self.header, 1)
        bar_layout.addWidget(self.language_button)
        root.addWidget(bar)

        self.offline = QLabel()
        self.offline.setObjectName("offline")
        self.offline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.emergency = QLabel()
        self.emergency.setObjectName("emergency")
        self.emergency.setWordWrap(True)
        self.emergency.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.wait_alert = QLabel()
        self.wait_alert.setObjectName("waitAlert")
        self.wait_alert.setWordWrap(True)
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        for banner in (self.offline, self.emergency, self.wait_alert, self.notice):
            banner.setVisible(False)
            root.addWidget(banner)

        body = QHBoxLayout()
        body.setContentsMargins(12, 0, 12, 0)
        body.setSpacing(12)
        root.addLayout(body, 1)
        body.addLayout(self._left(), 5)
        body.addLayout(self._right(), 6)

        self._shortcuts()
        self.sign_in = SignInDialog(vm.language, pick(counter_name, vm.language), self)
        self.sign_in.submitted.connect(vm.sign_in)
        self.sign_in.quit_requested.connect(self.close)
        self.render_pending = False
        vm.changed.connect(self.schedule_render)
        vm.current_changed.connect(lambda _c: self.render_current())
        vm.notice.connect(self._notice)
        vm.sign_in_required.connect(self._ask_sign_in)
        vm.signed_in.connect(lambda _name: self.sign_in.accept())
        self.clock = QTimer(self)
        self.clock.timeout.connect(self._tick)
        self.clock.start(1000)
        self.resize(1280, 800)
        self.render()

    # --- layout ---------------------------------------------------------------------------
    def _left(self) -> QVBoxLayout:
        left = QVBoxLayout()
        card = QFrame()
        card.setObjectName("card")
        inner = QVBoxLayout(card)
        self.number = QLabel()
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.service = QLabel()
        self.service.setObjectName("service")
        self.service.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.facts = QLabel()
        self.facts.setObjectName("facts")
        self.facts.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reason = QLabel()
        self.reason.setObjectName("reason")
        self.reason.setWordWrap(True)
        for widget in (self.number, self.service, self.facts, self.reason):
            inner.addWidget(widget)
        left.addWidget(card, 1)

        call = self._button("call-next")
        left.addWidget(call)
        grid = QGridLayout()
        for i, action in enumerate(MAIN_ACTIONS):
            grid.addWidget(self._button(action), i // 3, i % 3)
        for i, action in enumerate(COUNTER_ACTIONS):
            grid.addWidget(self._button(action), 2, i)
        left.addLayout(grid)

        figures = QFrame()
        figures.setObjectName("card")
        fig = QGridLayout(figures)
        self.my_day = QLabel()
        self.my_day.setObjectName("section")
        fig.addWidget(self.my_day, 0, 0, 1, 5)
        self.figures: list[tuple[QLabel, QLabel]] = []
        for i in range(5):
            value, label = QLabel(), QLabel()
            value.setObjectName("figure")
            label.setObjectName("figureLabel")
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            fig.addWidget(value, 1, i)
            fig.addWidget(label, 2, i)
            self.figures.append((value, label))
        left.addWidget(figures)
        return left

    def _right(self) -> QVBoxLayout:
        right = QVBoxLayout()
        self.tabs = QTabWidget()
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        waiting_page = QWidget()
        wl = QVBoxLayout(waiting_page)
        self.waiting = _table(4)
        self.waiting.setObjectName("waitingTable")
        wl.addWidget(self.waiting)
        row = QHBoxLayout()
        row.addWidget(self._button("call"))
        row.addWidget(self._button("cancel"))
        wl.addLayout(row)
        parked_page = QWidget()
        pl = QVBoxLayout(parked_page)
        self.parked = _table(4)
        self.parked.setObjectName("parkedTable")
        pl.addWidget(self.parked)
        pl.addWidget(self._button("unpark"))
        self.tabs.addTab(waiting_page, "")
        self.tabs.addTab(parked_page, "")
        right.addWidget(self.tabs, 3)

        self.queues_title = QLabel()
        self.queues_title.setObjectName("section")
        self.queues = _table(3)
        self.queues.setObjectName("queuesTable")
        self.queues.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.counters_title = QLabel()
        self.counters_title.setObjectName("section")
        self.counters = _table(4)
        self.counters.setObjectName("countersTable")
        self.counters.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        lower = QHBoxLayout()
        for title, table in (
            (self.queues_title, self.queues),
            (self.counters_title, self.counters),
        ):
            column = QVBoxLayout()
            column.addWidget(title)
            column.addWidget(table)
            lower.addLayout(column, 1)
        right.addLayout(lower, 2)
        return right

    def _button(self, action: str) -> QPushButton:
        button = QPushButton()
        button.setObjectName(action)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space and Enter belong to "call next"
        button.clicked.connect(lambda _checked=False, a=action: self.trigger(a))
        self.buttons[action] = button
        return button

    def _shortcuts(self) -> None:
        keys = {
            "call-next": ("F1", "Space", "Return", "Enter"),
            "recall": ("F2",),
            "start": ("F3",),
            "finish": ("F4",),
            "no-show": ("F5",),
            "park": ("F6",),
            "transfer": ("F7",),
        }
        for action, sequences in keys.items():
            for sequence in sequences:
                shortcut = QShortcut(QKeySequence(sequence), self)
                shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
                shortcut.activated.connect(lambda a=action: self.trigger(a))

    # --- actions --------------------------------------------------------------------------
    def trigger(self, action: str) -> None:
        vm = self.vm
        if action == "transfer":
            self.open_transfer()
        elif action in ("call", "cancel"):
            number = self._selected(self.waiting)
            if number is not None:
                vm.call_ticket(number) if action == "call" else vm.cancel_ticket(number)
        elif action == "unpark":
            number = self._selected(self.parked)
            if number is not None:
                vm.unpark(number)
        else:
            vm.press(action)

    def _selected(self, table: QTableWidget) -> str | None:
        row = table.currentRow()
        item = table.item(row, 0) if row >= 0 else None
        if item is None:
            self._notice(texts.b("请先在列表中选择一张票", "Select a ticket in the list first"))
            return None
        return item.text()

    def open_transfer(self) -> TransferDialog | None:
        vm = self.vm
        if not vm.enabled("transfer"):
            return None
        queues = sorted(vm.board.queues.values(), key=lambda q: q.service_code)
        number = vm.current.ticket.number if vm.current else ""
        dialog = TransferDialog(vm.language, queues, vm.board.others(), self, number=number)
        self.transfer_dialog = dialog

        def done() -> None:
            choice = dialog.choice()
            if choice is None:
                return
            kind, value = choice
            if kind == "service":
                vm.transfer(to_service=str(value))
            else:
                vm.transfer(to_counter=int(value))

        dialog.accepted.connect(done)
        dialog.open()
        return dialog

    def _toggle_language(self) -> None:
        self.vm.set_language("en" if self.vm.language == "zh" else "zh")
        self.sign_in.language = self.vm.language

    def _ask_sign_in(self, reason: Bilingual | None) -> None:
        expired = reason == texts.SESSION_EXPIRED
        self.sign_in.ask(self.vm.username, reason, same_teller=expired)

    def _notice(self, text: Bilingual | None) -> None:
        self.notice.setVisible(text is not None)
        self.notice.setText("" if text is None else pick(text, self.vm.language))

    def _tick(self) -> None:
        if self.vm.desk is not None and self.vm.desk.waiting:
            self.render_lists()

    # --- rendering ------------------------------------------------------------------------
    def schedule_render(self) -> None:
        """Redraw once the queued messages are handled (many changes, one redraw)."""
        if not self.render_pending:
            self.render_pending = True
            QTimer.singleShot(0, self.render)

    def render(self) -> None:
        self.render_pending = False
        vm, lang = self.vm, self.vm.language
        mine = vm.board.mine
        if mine is not None:
            self.counter_name = mine.name
        state = pick(texts.COUNTER_STATES[mine.state], lang) if mine else "—"
        teller = vm.teller or "—"
        self.header.setText(
            f"{pick(self.counter_name, lang)}   ·   {pick(texts.TELLER, lang)}: {teller}"
            f"   ·   {state}"
        )
        self.setWindowTitle(f"{pick(texts.TITLE, lang)} · {pick(self.counter_name, lang)}")
        self.language_button.setText("English" if lang == "zh" else "中文")
        self.offline.setText(pick(texts.OFFLINE, lang))
        self.offline.setVisible(vm.teller is not None and not vm.online)
        emergency = vm.board.emergency
        if emergency is not None:
            self.emergency.setText(pick(texts.emergency(emergency), lang))
        self.emergency.setVisible(emergency is not None)
        alerts = vm.board.mine_alerts()
        self.wait_alert.setText(
            "\n".join(
                pick(texts.wait_alert(a.text, a.suggestion.text, a.acknowledged_by), lang)
                for a in alerts
            )
        )
        self.wait_alert.setVisible(bool(alerts))
        if vm.last_notice is not None:
            self.notice.setText(pick(vm.last_notice, lang))
        for action, button in self.buttons.items():
            label = pick(texts.ACTIONS[action], lang)
            if action == "open" and mine is not None and mine.state is CounterState.PAUSED:
                label = pick(texts.b("恢复营业", "Resume"), lang)
            key = texts.KEYS.get(action)
            button.setText(f"{label}  [{key}]" if key else label)
            button.setEnabled(vm.enabled(action))
        self.render_current()
        self.render_lists()
        self._render_figures()

    def render_current(self) -> None:
        vm, lang = self.vm, self.vm.language
        current: DeskTicket | None = vm.current
        if current is None:
            self.number.setObjectName("numberEmpty")
            self.number.setText(pick(texts.NO_TICKET, lang))
            self.service.setText("")
            self.facts.setText("")
            self.reason.setVisible(False)
        else:
            ticket = current.ticket
            self.number.setObjectName("number")
            self.number.setText(ticket.number)
            category = pick(texts.CATEGORIES[ticket.category], lang)
            state = pick(texts.TICKET_STATES[ticket.state], lang)
            self.service.setText(f"{pick(ticket.service_name, lang)} · {category} · {state}")
            self.facts.setText(
                f"{pick(texts.WAITED, lang)}: {duration(current.waited_s, lang)}     "
                f"{pick(texts.RECALLS, lang)}: {current.recall_count}"
            )
            self.reason.setVisible(current.reason is not None)
            if current.reason is not None:
                self.reason.setText(f"{pick(texts.REASON, lang)}: {pick(current.reason, lang)}")
        self.number.style().unpolish(self.number)
        self.number.style().polish(self.number)

    def render_lists(self) -> None:
        vm, lang = self.vm, self.vm.language
        desk = vm.desk
        waiting = desk.waiting if desk else []
        parked = desk.parked if desk else []

        def rows(items: list[DeskTicket]) -> list[list[str]]:
            return [
                [
                    i.ticket.number,
                    pick(i.ticket.service_name, lang),
                    pick(texts.CATEGORIES[i.ticket.category], lang),
                    duration(vm.waited_now(i), lang),
                ]
                for i in items
            ]

        headers = [texts.NUMBER, texts.SERVICE, texts.CATEGORY, texts.WAITED]
        for table, items in ((self.waiting, waiting), (self.parked, parked)):
            table.setHorizontalHeaderLabels([pick(h, lang) for h in headers])
            _fill(table, rows(items))
        total = desk.waiting_total if desk else 0
        self.tabs.setTabText(0, f"{pick(texts.WAITING_LIST, lang)} ({max(total, len(waiting))})")
        self.tabs.setTabText(1, f"{pick(texts.PARKED_LIST, lang)} ({len(parked)})")

        self.queues_title.setText(pick(texts.QUEUES, lang))
        self.queues.setHorizontalHeaderLabels(
            [pick(h, lang) for h in (texts.SERVICE, texts.PEOPLE, texts.EST_WAIT)]
        )
        serves = set(desk.services) if desk else set()
        queues = sorted(vm.board.queues.values(), key=lambda q: q.service_code)
        _fill(
            self.queues,
            [
                [
                    f"{'▶ ' if q.service_code in serves else ''}{pick(q.name, lang)}",
                    str(q.waiting),
                    duration(q.estimated_wait_s, lang),
                ]
                for q in queues
            ],
        )
        self.counters_title.setText(pick(texts.COUNTERS, lang))
        self.counters.setHorizontalHeaderLabels(
            [pick(h, lang) for h in (texts.COUNTER, texts.STATE, texts.TELLER, texts.CURRENT)]
        )
        _fill(
            self.counters,
            [
                [
                    pick(c.name, lang),
                    pick(texts.COUNTER_STATES[c.state], lang),
                    c.teller or "—",
                    c.current.number if c.current else "—",
                ]
                for c in vm.board.others()
            ],
        )

    def _render_figures(self) -> None:
        vm, lang = self.vm, self.vm.language
        today = vm.today
        self.my_day.setText(pick(texts.MY_DAY, lang))
        values = (
            (str(today.served) if today else "—", texts.SERVED),
            (str(today.no_shows) if today else "—", texts.NO_SHOWS),
            (duration(today.avg_service_s if today else None, lang), texts.AVG_SERVICE),
            (duration(today.avg_wait_s if today else None, lang), texts.AVG_WAIT),
            rating(today, lang),
        )
        for (value_label, name_label), (value, name) in zip(self.figures, values, strict=True):
            value_label.setText(value)
            name_label.setText(pick(name, lang))
