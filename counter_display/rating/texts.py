"""Every text of the rating pad in Simplified Chinese and English (the labels of scores,
reasons and complaint categories are the server contract's, one home for each)."""

from __future__ import annotations

from server.contract.common import Bilingual


def b(zh: str, en: str) -> Bilingual:
    return Bilingual(zh=zh, en=en)


def pick(text: Bilingual, language: str) -> str:
    return text.zh if language == "zh" else text.en


WELCOME = b("欢迎光临", "Welcome")
WELCOME_HELP = b(
    "办理完毕后，请在此屏幕上对本次服务进行评价", "After your visit, please rate us here"
)
TELLER = b("为您服务的是：{name}", "Serving you today: {name}")
NO_TELLER = b("本窗口暂停服务", "This counter is closed")
ASK = b("请您对本次服务进行评价", "Please rate our service")
ASK_TICKET = b("号码 {number}", "Ticket {number}")
REASONS = b("您的评价（可多选，可跳过）", "Tell us more (optional, tap any)")
SEND = b("提交评价", "Send")
SKIP = b("跳过", "Skip")
BACK = b("重新选择", "Change")
SENDING = b("正在提交…", "Sending…")
THANKS = b("感谢您的评价！", "Thank you for your feedback!")
THANKS_LOW = b("感谢您的评价，我们会认真改进。", "Thank you. We will do better.")
COMPLAIN = b("我要投诉", "Make a complaint")
COMPLAINT_TITLE = b("投诉与建议", "Make a complaint")
COMPLAINT_CATEGORY = b("请选择投诉类型", "What is it about?")
COMPLAINT_TEXT = b("请简要说明（选填）", "What happened? (optional)")
COMPLAINT_PHONE = b("联系电话（选填，我们会回电）", "Your phone number (optional, we call back)")
COMPLAINT_SEND = b("提交投诉", "Send complaint")
CANCEL = b("取消", "Cancel")
CLEAR = b("清除", "Clear")
COMPLAINT_NEEDS_CATEGORY = b("请先选择投诉类型", "Please choose what it is about")
COMPLAINT_DONE = b("投诉已提交", "Complaint received")
PRIVACY = b(
    "您的电话号码仅用于回访，工作人员只看到部分号码。",
    "Your number is only used to call you back; staff see part of it.",
)
NOT_SENT = b(
    "抱歉，评价未能提交，请告知工作人员。",
    "Sorry, your rating could not be sent. Please tell staff.",
)
COMPLAINT_NOT_SENT = b(
    "抱歉，投诉未能提交，请告知大堂经理或拨打服务电话。",
    "Sorry, the complaint could not be sent. Please tell the lobby manager or call us.",
)
OFFLINE = b("网络连接中断，正在重连…", "Connection lost, reconnecting…")
REFUSED = b("设备令牌无效，请联系技术人员", "Device token refused: please call the technician")
SWITCH = b("English", "中文")


def teller_line(name: str | None) -> Bilingual:
    """``为您服务的是：张敏`` (the teller signed in), or the counter is closed."""
    if not name:
        return NO_TELLER
    return b(TELLER.zh.format(name=name), TELLER.en.format(name=name))


def ticket_line(number: str) -> Bilingual:
    return b(ASK_TICKET.zh.format(number=number), ASK_TICKET.en.format(number=number))
