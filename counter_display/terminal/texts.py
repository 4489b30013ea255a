"""Every label of the counter terminal, in Simplified Chinese and English."""

from __future__ import annotations

from server.contract.common import Bilingual, Category, CounterState, TicketState
from server.contract.desk import TellerToday


def b(zh: str, en: str) -> Bilingual:
    return Bilingual(zh=zh, en=en)


ACTIONS: dict[str, Bilingual] = {
    "call-next": b("叫号", "Call next"),
    "recall": b("重呼", "Recall"),
    "start": b("开始办理", "Start"),
    "finish": b("办结", "Finish"),
    "no-show": b("过号", "No-show"),
    "park": b("挂起", "Park"),
    "unpark": b("恢复挂起票", "Unpark"),
    "transfer": b("转移…", "Transfer…"),
    "call": b("叫此号", "Call this"),
    "cancel": b("取消此票", "Cancel ticket"),
    "pause": b("暂停", "Pause"),
    "open": b("开窗", "Open"),
    "close": b("关窗", "Close"),
}

KEYS: dict[str, str] = {
    "call-next": "F1",
    "recall": "F2",
    "start": "F3",
    "finish": "F4",
    "no-show": "F5",
    "park": "F6",
    "transfer": "F7",
}

COUNTER_STATES: dict[CounterState, Bilingual] = {
    CounterState.OPEN: b("营业中", "Open"),
    CounterState.PAUSED: b("暂停", "Paused"),
    CounterState.CLOSED: b("已关闭", "Closed"),
}

TICKET_STATES: dict[TicketState, Bilingual] = {
    TicketState.WAITING: b("等候中", "Waiting"),
    TicketState.CALLED: b("已叫号", "Called"),
    TicketState.SERVING: b("办理中", "Serving"),
    TicketState.DONE: b("已办结", "Done"),
    TicketState.NO_SHOW: b("过号", "No-show"),
    TicketState.CANCELLED: b("已取消", "Cancelled"),
    TicketState.PARKED: b("已挂起", "Parked"),
    TicketState.ABANDONED: b("已作废", "Abandoned"),
}

CATEGORIES: dict[Category, Bilingual] = {
    Category.NORMAL: b("普通", "Normal"),
    Category.PRIORITY: b("优先", "Priority"),
    Category.VIP: b("贵宾", "VIP"),
    Category.APPOINTMENT: b("预约", "Appointment"),
}

TITLE = b("柜员叫号终端", "Counter terminal")


def emergency(notice: Bilingual) -> Bilingual:
    """The banner while the branch has stopped issuing (tickets waiting can still be called)."""
    return b(f"暂停取号：{notice.zh}", f"No tickets are issued: {notice.en}")


def wait_alert(text: Bilingual, suggestion: Bilingual, acknowledged_by: str | None) -> Bilingual:
    """The banner of a wait alert this counter could help with, and its suggested step."""
    seen_zh = f"（主管 {acknowledged_by} 已确认）" if acknowledged_by else ""
    seen_en = f" (acknowledged by {acknowledged_by})" if acknowledged_by else ""
    return b(
        f"等候提醒：{text.zh}。建议：{suggestion.zh}{seen_zh}",
        f"Wait alert: {text.en}. Suggested: {suggestion.en}{seen_en}",
    )


def sign_in_retrying(why: Bilingual) -> Bilingual:
    """Signing in while the server cannot be reached: it is tried again by itself."""
    return b(f"正在登录：{why.zh}，稍后自动重试", f"Signing in: {why.en}; trying again shortly")


OFFLINE = b(
    "与排队服务器的连接已断开，正在重新连接…操作暂不可用",
    "Connection to the branch server lost; reconnecting… actions are disabled",
)
NOBODY_WAITING = b("没有等候的客户", "Nobody is waiting")
NO_TICKET = b("当前没有客户", "No customer at the counter")
RETRY_SAFE = b(
    "服务器未应答。再按一次同一按键重试（不会重复叫号）",
    "No answer from the server. Press the same key again to retry (it never calls twice)",
)
SESSION_EXPIRED = b("登录已过期，请重新输入密码", "Your session expired; enter your password again")
SIGN_IN = b("柜员登录", "Teller sign-in")
USERNAME = b("用户名", "Username")
PASSWORD = b("密码", "Password")
SIGN_IN_BUTTON = b("登录", "Sign in")
QUIT = b("退出", "Quit")
HELD_BY = b(
    "该窗口已由柜员 {name} 登录，请对方先关窗",
    "Teller {name} holds this counter; they must close it first",
)
WAITED = b("已等候", "Waited")
RECALLS = b("重呼次数", "Recalls")
REASON = b("叫号原因", "Why this customer")
SERVICE = b("业务", "Service")
CATEGORY = b("类别", "Category")
NUMBER = b("号码", "Number")
STATE = b("状态", "State")
TELLER = b("柜员", "Teller")
CURRENT = b("当前", "Current")
WAITING_LIST = b("等候客户", "Waiting customers")
PARKED_LIST = b("挂起的票", "Parked tickets")
QUEUES = b("各业务排队", "Queues")
PEOPLE = b("人数", "Waiting")
EST_WAIT = b("预计等候", "Est. wait")
COUNTERS = b("其他窗口", "Other counters")
COUNTER = b("窗口", "Counter")
MY_DAY = b("今日业绩", "My day")
SERVED = b("已办结", "Served")
NO_SHOWS = b("过号", "No-shows")
AVG_SERVICE = b("平均办理时间", "Avg. service time")
AVG_WAIT = b("客户平均等候", "Avg. customer wait")
RATING = b("满意度（{n}人评价）", "Rating ({n} rated)")
TRANSFER_TITLE = b("转移当前客户", "Transfer the customer")
TO_SERVICE = b("转到业务", "To a service")
TO_COUNTER = b("转到窗口", "To a counter")
OK = b("确定", "OK")
CANCEL = b("取消", "Cancel")
CONFIRM_CLOSE = b("确定关闭窗口并退出登录？", "Close the counter and sign out?")
CALLED_NOBODY = b("没有等候本窗口的客户", "Nobody is waiting for this counter")


def duration(seconds: int | None, language: str) -> str:
    """``4分05秒`` / ``4m 05s``; ``—`` when unknown."""
    if seconds is None:
        return "—"
    minutes, secs = divmod(max(int(seconds), 0), 60)
    hours, minutes = divmod(minutes, 60)
    if language == "zh":
        return f"{hours}小时{minutes:02d}分" if hours else f"{minutes}分{secs:02d}秒"
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m {secs:02d}s"


def pick(text: Bilingual, language: str) -> str:
    return text.zh if language == "zh" else text.en


def rating(today: TellerToday | None, language: str) -> tuple[str, Bilingual]:
    """The teller's average rating today and its label: ``4.5`` over ``满意度（12人评价）``."""
    count = today.ratings if today else 0
    label = b(RATING.zh.format(n=count), RATING.en.format(n=count))
    if today is None or today.avg_rating is None:
        return "—", label
    return f"{today.avg_rating:.1f} / 5", label
