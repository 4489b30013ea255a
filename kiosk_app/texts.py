"""Every customer-facing text of the kiosk, as ``Bilingual`` values (one place to read them all).

Numbers and names come from the server; the phrases around them are built here so that the
Chinese line never carries English and the English line never carries Chinese.
"""

from __future__ import annotations

import math

from server.contract.common import Bilingual, Category, Language

TITLE = Bilingual(zh="请选择业务", en="Please choose a service")
INSTRUCTIONS = Bilingual(
    zh="点击下方业务按钮取号，凭号码等候叫号",
    en="Tap a service below to get your number, then wait to be called",
)
SWITCH_TO = {  # the language switch shows the language it switches TO, in that language
    Language.ZH: "English",
    Language.EN: "中文",
}
BACK = Bilingual(zh="返回", en="Back")
CONFIRM_YES = Bilingual(zh="确认取号", en="Yes, get a ticket")
CONFIRM_NO = Bilingual(zh="取消", en="Cancel")
DONE = Bilingual(zh="完成", en="Done")
REPRINT = Bilingual(zh="重新打印", en="Print again")
ISSUING = Bilingual(zh="正在取号，请稍候", en="Getting your number, please wait")
YOUR_NUMBER = Bilingual(zh="您的号码", en="Your number")
PRINTING = Bilingual(zh="正在打印，请取票", en="Printing, please take your ticket")
PRINTED = Bilingual(zh="请取走您的号票", en="Please take your ticket")
NOTE_NUMBER = Bilingual(zh="请记住您的号码", en="Please note your number")
NOT_PRINTED = Bilingual(
    zh="抱歉，号票未能打印。您的号码已登记，请留意叫号",
    en="Sorry, the ticket could not be printed. Your number is registered: listen for it",
)
PRINTER_BACK = Bilingual(zh="打印机已恢复，可以重新打印", en="The printer is ready again")
SCAN_QR = Bilingual(zh="扫码查看排队进度", en="Scan to follow your place in the queue")
TOUCH_TO_FINISH = Bilingual(zh="轻触屏幕返回首页", en="Touch the screen to finish")
UNAVAILABLE_TITLE = Bilingual(zh="取号服务暂时不可用", en="Tickets are temporarily unavailable")
UNAVAILABLE_BODY = Bilingual(
    zh="正在自动重试，请稍候或咨询大堂工作人员",
    en="Retrying automatically. Please wait or ask a member of staff",
)
EMERGENCY_TITLE = Bilingual(zh="暂停取号", en="No tickets are issued now")
STARTING = Bilingual(zh="正在连接，请稍候", en="Connecting, please wait")
NO_TICKET = Bilingual(zh="未能取号", en="No ticket was issued")
PRINTER_DOWN_NOTE = Bilingual(
    zh="打印机暂不可用，号码将显示在屏幕上", en="Printer unavailable: your number will be shown"
)
CLOSED = Bilingual(zh="暂停取号", en="Not available now")
CONTACTS_TITLE = Bilingual(zh="服务电话", en="Phone numbers")
PRIORITY_WHO = Bilingual(zh="老年人、残障人士、孕妇", en="Elderly, disabled, pregnant")
SERVICES_IN_GROUP = Bilingual(zh="请选择具体业务", en="Please choose one")
CHECKIN_BUTTON = Bilingual(zh="我有预约", en="I have an appointment")
# the home screen's button (its header has room for a short English word under the Chinese)
CHECKIN_BUTTON_SHORT = Bilingual(zh="我有预约", en="Appointment")
CHECKIN_TITLE = Bilingual(zh="预约签到", en="Appointment check-in")
CHECKIN_HELP = Bilingual(
    zh="请将预约二维码对准扫码口，或在下方输入 8 位预约码",
    en="Hold your booking QR code to the scanner, or type the 8-character code below",
)
CHECKIN_SUBMIT = Bilingual(zh="签到取号", en="Check in")
CHECKIN_CLEAR = Bilingual(zh="清空", en="Clear")
CHECKIN_DELETE = Bilingual(zh="删除", en="Delete")
CHECKIN_BUSY = Bilingual(zh="正在查询预约，请稍候", en="Looking up your appointment…")
CHECKIN_SHORT = Bilingual(zh="预约码为 8 位，请输入完整", en="The booking code has 8 characters")
CHECKIN_OFFLINE = Bilingual(
    zh="暂时无法连接服务器，请稍后再试或咨询大堂工作人员",
    en="The server cannot be reached. Please try again or ask a member of staff",
)
CHECKIN_NOT_FOUND = Bilingual(
    zh="没有找到这个预约码，请核对后重新输入",
    en="No appointment has this code. Please check it and try again",
)


def appointment_line(slot_label: str, kept: bool) -> Bilingual:
    """The line printed under the service of a checked-in customer's ticket."""
    if kept:
        return Bilingual(zh=f"预约时段 {slot_label}", en=f"Appointment {slot_label}")
    return Bilingual(zh=f"预约 {slot_label} 已迟到", en=f"Late for the {slot_label} appointment")


CATEGORY_NAMES: dict[Category, Bilingual] = {
    Category.NORMAL: Bilingual(zh="普通", en="Normal"),
    Category.PRIORITY: Bilingual(zh="优先", en="Priority"),
    Category.VIP: Bilingual(zh="贵宾", en="VIP"),
    Category.APPOINTMENT: Bilingual(zh="预约", en="Appointment"),
}
CONFIRM_QUESTION: dict[Category, Bilingual] = {
    Category.PRIORITY: Bilingual(
        zh="优先服务仅限老年人、残障人士和孕妇。确认取优先号吗？",
        en="Priority service is for elderly, disabled and pregnant customers. "
        "Take a priority ticket?",
    ),
    Category.VIP: Bilingual(
        zh="贵宾服务仅限贵宾客户，请在窗口出示贵宾卡。确认取贵宾号吗？",
        en="VIP service is for VIP customers; please show your VIP card at the counter. "
        "Take a VIP ticket?",
    ),
    Category.APPOINTMENT: Bilingual(
        zh="预约服务请在窗口出示预约信息。确认取预约号吗？",
        en="Please show your appointment at the counter. Take an appointment ticket?",
    ),
}


def waiting(n: int) -> Bilingual:
    if n == 0:
        return Bilingual(zh="无人等候", en="Nobody waiting")
    return Bilingual(zh=f"{n} 人等候", en=f"{n} {'person' if n == 1 else 'people'} waiting")


def ahead(n: int) -> Bilingual:
    if n == 0:
        return Bilingual(zh="您是下一位", en="You are next")
    return Bilingual(zh=f"前面还有 {n} 人", en=f"{n} {'person' if n == 1 else 'people'} ahead")


def wait(wait_s: int) -> Bilingual:
    if wait_s <= 0:
        return Bilingual(zh="无需等待", en="No wait")
    minutes = max(1, math.ceil(wait_s / 60))
    return Bilingual(zh=f"约等 {minutes} 分钟", en=f"About {minutes} min")


def category_ticket(category: Category) -> Bilingual:
    """The category as printed on a ticket and shown on the ticket screen."""
    name = CATEGORY_NAMES[category]
    return Bilingual(zh=f"{name.zh}客户", en=f"{name.en} customer")


def pick(text: Bilingual, language: Language) -> str:
    return text.zh if language is Language.ZH else text.en


def other(text: Bilingual, language: Language) -> str:
    return text.en if language is Language.ZH else text.zh
