"""``LobbyWindow``: the lobby wall display, a thin view of ``LobbyModel``.

Landscape (1920x1080): header; the newest call (left, very large) above the queues; the
earlier calls in a column on the right; the notice bar at the bottom. Portrait (1080x1920):
the same blocks stacked. The emergency cover lies over everything while a notice is set.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtGui import QResizeEvent
from PyQt6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from counter_display.lobby.model import LobbyModel
from counter_display.lobby.state import ShownCall
from counter_display.lobby.widgets import EmergencyCover, FitLabel, NewestCall, NoticeBar

SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920)}
WEEKDAYS = "一二三四五六日"


def wait_text(seconds: int) -> tuple[str, str]:
    minutes = max(1, round(seconds / 60)) if seconds > 0 else 0
    if minutes == 0:
        return "无需等候", "no wait"
    return f"约 {minutes} 分钟", f"about {minutes} min"


def _set(label: QLabel, text: str) -> None:
    """Set a label's text only when it changed (a change re-lays out the window)."""
    if label.text() != text:
        label.setText(text)


class LobbyWindow(QWidget):
    def __init__(self, model: LobbyModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.orientation = model.config.screen.orientation
        w, h = SIZES[self.orientation]
        self.u = u = min(w, h) / 1080
        self.setWindowTitle("branchq lobby")
        self.setStyleSheet("QWidget { background: #0b1f3a; color: white; }")
        self.resize(w, h)

        self.title_zh = self._label(54 * u, bold=True)
        self.title_en = self._label(34 * u, color="#a9c1e0")
        self.clock = self._label(54 * u, bold=True, align=Qt.AlignmentFlag.AlignRight)
        self.date = self._label(34 * u, color="#a9c1e0", align=Qt.AlignmentFlag.AlignRight)
        self.offline = self._label(34 * u, bold=True, color="#10203a")
        self.offline.setStyleSheet("background: #ffb300; color: #10203a; padding: 4px 16px;")
        self.offline.setText("正在连接服务器  Connecting…")
        header = QGridLayout()
        header.setContentsMargins(round(30 * u), round(8 * u), round(30 * u), round(4 * u))
        header.addWidget(self.title_zh, 0, 0)
        header.addWidget(self.title_en, 1, 0)
        header.addWidget(self.offline, 0, 1, 2, 1, Qt.AlignmentFlag.AlignCenter)
        header.addWidget(self.clock, 0, 2)
        header.addWidget(self.date, 1, 2)

        self.newest = NewestCall(u)
        self.history_title = self._label(40 * u, bold=True, color="#ffd54f")
        self.history_title.setText("最近呼叫  Recent calls")
        self.history = QGridLayout()
        self.history.setVerticalSpacing(0)
        self.history.setHorizontalSpacing(round(24 * u))
        self.history_rows: list[tuple[FitLabel, FitLabel, FitLabel]] = []
        cols = 1 if self.orientation == "landscape" else 2
        for i in range(model.config.screen.history):
            row = (
                FitLabel(64 * u, bold=True),
                FitLabel(40 * u, bold=True),
                FitLabel(26 * u, color="#a9c1e0"),
            )
            r, c = divmod(i, cols)
            self.history.addWidget(row[0], r * 2, c * 2, 2, 1)
            self.history.addWidget(row[1], r * 2, c * 2 + 1, Qt.AlignmentFlag.AlignBottom)
            self.history.addWidget(row[2], r * 2 + 1, c * 2 + 1, Qt.AlignmentFlag.AlignTop)
            self.history_rows.append(row)
        self.queue_box = QGridLayout()
        self.queue_box.setHorizontalSpacing(round(24 * u))
        self.queue_box.setVerticalSpacing(0)
        # per service: (Chinese, English) of its name, its people waiting and its wait
        self.queue_cells: list[list[tuple[FitLabel, FitLabel]]] = []
        self.notice_bar = NoticeBar(u, model.config.screen.notice_speed_px_s)

        history_box = QVBoxLayout()
        history_box.setSpacing(round(4 * u))
        history_box.addWidget(self.history_title)
        history_box.addLayout(self.history, 1)
        queues_title = self._label(40 * u, bold=True, color="#ffd54f")
        queues_title.setText("等候人数  People waiting")
        queue_area = QVBoxLayout()
        queue_area.setSpacing(round(8 * u))
        queue_area.addWidget(queues_title)
        queue_area.addLayout(self.queue_box, 1)

        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addLayout(header)
        body = QHBoxLayout() if self.orientation == "landscape" else QVBoxLayout()
        body.setContentsMargins(round(24 * u), round(8 * u), round(24 * u), round(16 * u))
        body.setSpacing(round(28 * u))
        if self.orientation == "landscape":
            left = QVBoxLayout()
            left.setSpacing(round(16 * u))
            left.addWidget(self.newest, 1)
            left.addLayout(queue_area, 0)
            body.addLayout(left, 63)
            body.addLayout(history_box, 37)
        else:
            # the newest call takes what the earlier calls and the queues leave (up to 900 u);
            # below 640 u its number would be drawn smaller than 330 px
            self.newest.setMinimumHeight(round(640 * u))
            self.newest.setMaximumHeight(round(900 * u))
            body.addWidget(self.newest, 1)
            body.addLayout(history_box)
            body.addLayout(queue_area)
        root.addLayout(body, 1)
        root.addWidget(self.notice_bar)

        self.cover = EmergencyCover(u, self)
        self.cover.setVisible(False)

        model.changed.connect(self.refresh)
        model.flash_requested.connect(self._flash)
        model.connection_changed.connect(self._connection_changed)
        self._clock_timer = QTimer(self)
        self._clock_timer.timeout.connect(self._tick)
        self._clock_timer.start(1000)
        self._tick()
        self.refresh()

    def _label(
        self,
        px: float,
        *,
        bold: bool = False,
        color: str = "white",
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
    ) -> QLabel:
        label = QLabel()
        weight = "bold" if bold else "normal"
        label.setStyleSheet(
            f"font-family: 'Noto Sans CJK SC'; font-size: {round(px)}px; font-weight: {weight};"
            f" color: {color}; background: transparent;"
        )
        label.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
        return label

    # --- model -> widgets -----------------------------------------------------------------
    def refresh(self) -> None:
        m = self.model
        _set(self.title_zh, m.branch_name.zh)
        _set(self.title_en, m.branch_name.en)
        self._tick()  # the branch's time zone may have just arrived
        newest = m.newest
        if newest is not None:
            self.newest.show_call(
                newest.call.ticket.number, newest.call.counter_name, recall=newest.recall
            )
        calls = m.earlier_calls
        for i, (number, zh, en) in enumerate(self.history_rows):
            if i < len(calls):
                call = calls[i].call
                _set(number, call.ticket.number)
                _set(zh, call.counter_name.zh)
                _set(en, call.counter_name.en)
            else:
                _set(number, "")
                _set(zh, "")
                _set(en, "")
        self._fill_queues()
        self.notice_bar.set_items(m.notices())
        self.cover.notice = m.emergency
        self.cover.latest = (
            f"{newest.call.ticket.number} → {newest.call.counter_name.zh}  "
            f"{newest.call.counter_name.en}"
            if newest is not None
            else ""
        )
        self.cover.setVisible(m.emergency is not None)
        if m.emergency is not None:
            self.cover.raise_()
            self.cover.update()

    def _fill_queues(self) -> None:
        """One row per service (two lines in portrait: Chinese above English); rows are made
        once and reused (only their texts change)."""
        u = self.u
        queues = self.model.queues
        portrait = self.orientation == "portrait"
        while len(self.queue_cells) < len(queues):
            row = len(self.queue_cells)
            cells = []
            for col in range(3):
                zh, en = FitLabel(40 * u, bold=True), FitLabel(26 * u, color="#a9c1e0")
                if portrait:
                    self.queue_box.addWidget(zh, row * 2, col, Qt.AlignmentFlag.AlignBottom)
                    self.queue_box.addWidget(en, row * 2 + 1, col, Qt.AlignmentFlag.AlignTop)
                    self.queue_box.setRowStretch(row * 2, 1)
                    self.queue_box.setRowStretch(row * 2 + 1, 1)
                else:
                    self.queue_box.addWidget(zh, row, col * 2)
                    self.queue_box.addWidget(en, row, col * 2 + 1)
                cells.append((zh, en))
            self.queue_cells.append(cells)
        for i, cells in enumerate(self.queue_cells):
            for zh, en in cells:
                zh.setVisible(i < len(queues))
                en.setVisible(i < len(queues))
        for row, q in enumerate(queues):
            zh_wait, en_wait = wait_text(q.estimated_wait_s)
            wait_color = "white"
            if q.unavailable is not None or not q.is_open:
                zh_wait = q.unavailable.zh if q.unavailable is not None else "暂停服务"
                en_wait = q.unavailable.en if q.unavailable is not None else "closed"
                wait_color = "#ffb300"
            texts = [
                (f"{q.prefix} {q.name.zh}", q.name.en, "white"),
                (f"{q.waiting} 人", "waiting", "white"),
                (zh_wait, en_wait, wait_color),
            ]
            for (zh, en, color), (zh_label, en_label) in zip(
                texts, self.queue_cells[row], strict=True
            ):
                _set(zh_label, zh)
                _set(en_label, en)
                zh_label.set_color(color)

    def _flash(self, shown: ShownCall) -> None:
        screen = self.model.config.screen
        self.newest.show_call(
            shown.call.ticket.number, shown.call.counter_name, recall=shown.recall
        )
        self.newest.flash(screen.flash_count, screen.flash_period_ms)
        if self.isVisible():
            self.newest.repaint()  # the new number now, before the rest of the screen follows

    def _connection_changed(self, online: bool) -> None:
        if self.model.refused:
            text = "显示屏未获授权，请联系管理员  Display not authorised: ask the administrator"
        else:
            text = "连接中断，正在重连  Reconnecting…"
        _set(self.offline, text)
        self.offline.setVisible(not online)

    def _tick(self) -> None:
        now = self.model.local_now()
        _set(self.clock, now.strftime("%H:%M"))
        _set(self.date, f"{now:%Y-%m-%d}  星期{WEEKDAYS[now.weekday()]}  {now:%a}")

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        super().resizeEvent(event)
        self.cover.setGeometry(self.rect())
