"""The Chinese words of the queue model: ticket states, actions and the kinds of things.

Used to say the domain's errors in Simplified Chinese; an unknown value is shown as is.
"""

from __future__ import annotations

from server.domain.states import CounterState, TicketState

_STATES: dict[TicketState, str] = {
    TicketState.WAITING: "等候中",
    TicketState.CALLED: "已叫号",
    TicketState.SERVING: "办理中",
    TicketState.DONE: "已办结",
    TicketState.NO_SHOW: "过号未到",
    TicketState.CANCELLED: "已取消",
    TicketState.PARKED: "暂挂",
    TicketState.ABANDONED: "已作废",
}

_ACTIONS: dict[str, str] = {
    "call": "叫号",
    "call_next": "叫下一位",
    "recall": "重呼",
    "start": "开始办理",
    "finish": "办结",
    "no_show": "过号",
    "park": "暂挂",
    "unpark": "恢复暂挂",
    "cancel": "取消",
    "transfer": "转移",
    "abandon": "作废",
    "close": "关闭窗口",
}

_KINDS: dict[str, str] = {
    "service": "业务",
    "counter": "窗口",
    "ticket": "票",
    "ticket number": "号码",
    "category": "客户类别",
    "user": "用户",
    "device": "设备",
    "file": "文件",
    "appointment": "预约",
    "bookable service": "可预约业务",
    "alert": "提醒",
}


_COUNTER_STATES: dict[CounterState, str] = {
    CounterState.OPEN: "开放",
    CounterState.PAUSED: "暂停",
    CounterState.CLOSED: "关闭",
}


def counter_state_zh(state: CounterState) -> str:
    """``PAUSED`` -> ``暂停``."""
    return _COUNTER_STATES.get(state, str(state))


def state_zh(state: TicketState) -> str:
    """``CALLED`` -> ``已叫号``."""
    return _STATES.get(state, str(state))


def action_zh(action: str) -> str:
    """``recall`` -> ``重呼``."""
    return _ACTIONS.get(str(action), str(action))


def kind_zh(kind: str) -> str:
    """``service`` -> ``业务``."""
    return _KINDS.get(kind, kind)
