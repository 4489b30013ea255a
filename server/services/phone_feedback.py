"""The texts of the phone page's rating and complaint panel (``server/phone/feedback.js``), in
both languages, handed to the page as JSON: the script only places them. Scores, reasons and
complaint categories are the contract's labels, the same as the counter's rating pad shows."""

from __future__ import annotations

from typing import Any

from server.contract.common import Bilingual
from server.contract.feedback import (
    CATEGORY_LABELS,
    CRITICISM,
    LOW_SCORE_MAX,
    PRAISE,
    REASON_LABELS,
    SCORE_LABELS,
)

B = Bilingual

TEXTS: dict[str, Bilingual] = {
    "ask": B(zh="请您对本次服务进行评价", en="Please rate our service"),
    "reasons": B(zh="您的评价（可多选，可跳过）", en="Tell us more (optional)"),
    "send": B(zh="提交评价", en="Send"),
    "skip": B(zh="跳过", en="Skip"),
    "back": B(zh="重新选择", en="Change"),
    "sending": B(zh="正在提交…", en="Sending…"),
    "thanks": B(zh="感谢您的评价！", en="Thank you for your feedback!"),
    "thanks_low": B(zh="感谢您的评价，我们会认真改进。", en="Thank you. We will do better."),
    "rated": B(zh="您已评价：", en="Your rating: "),
    "complain": B(zh="我要投诉", en="Make a complaint"),
    "complaint_title": B(zh="投诉与建议", en="Make a complaint"),
    "category": B(zh="投诉类型", en="What is it about?"),
    "text": B(zh="请简要说明（选填，500字以内）", en="What happened? (optional, up to 500)"),
    "phone": B(zh="联系电话（选填，我们会回电）", en="Phone number (optional, we call back)"),
    "privacy": B(
        zh="您的电话号码仅用于回访，工作人员只看到部分号码。",
        en="Your number is only used to call you back; staff see part of it.",
    ),
    "complaint_send": B(zh="提交投诉", en="Send complaint"),
    "cancel": B(zh="取消", en="Cancel"),
    "needs_category": B(zh="请先选择投诉类型", en="Please choose what it is about"),
    "complained": B(
        zh="您的投诉已收到，工作人员会尽快与您联系。",
        en="We have your complaint and will follow it up soon.",
    ),
    "offline": B(
        zh="网络异常，未能提交，请稍后重试。", en="No connection: not sent. Please try again."
    ),
}


def feedback_data() -> dict[str, Any]:
    """What ``feedback.js`` needs: its texts and the labels, as plain JSON."""
    return {
        "texts": {k: v.model_dump() for k, v in TEXTS.items()},
        "scores": {str(s): label.model_dump() for s, label in SCORE_LABELS.items()},
        "reasons": {r.value: label.model_dump() for r, label in REASON_LABELS.items()},
        "praise": [r.value for r in PRAISE],
        "criticism": [r.value for r in CRITICISM],
        "categories": [
            {"value": c.value, "label": label.model_dump()} for c, label in CATEGORY_LABELS.items()
        ],
        "low": LOW_SCORE_MAX,
    }
