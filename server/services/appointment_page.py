"""The phone's booking pages: book a slot (``/appointments/book``) and the booking's own page
behind its manage link (code, QR code, cancel, move).

Rendered on the server in the chosen language with every text in both (``data-zh`` /
``data-en``, and a JSON block the script reads), so the 中文/English switch works in place.
Same look, assets and strict Content-Security-Policy as the ticket's phone page
(``server.services.phone_page``): only this server's script, style sheets and images.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from string import Template

from server.contract.appointments import BookingOut
from server.contract.common import Bilingual, Language
from server.domain.appointments import BookingState
from server.domain.errors import UnknownEntity
from server.services import appointments
from server.services.context import BranchContext
from server.services.phone_page import (
    PAGE_HEADERS,
    Page,
    choose_language,
    contacts_html,
    json_block,
    read_asset,
    text_html,
)

__all__ = ["PAGE_HEADERS", "Page", "render_book", "render_manage"]

B = Bilingual

TEXTS: dict[str, Bilingual] = {
    "title": B(zh="预约取号", en="Book an appointment"),
    "manage_title": B(zh="我的预约", en="My appointment"),
    "intro": B(
        zh="选择业务、日期和时段，到网点后在取号机签到，按预约优先叫号。",
        en="Choose a service, a day and a time. At the branch, check in at the kiosk and "
        "you are called with appointment priority.",
    ),
    "step_service": B(zh="1. 选择业务", en="1. Choose a service"),
    "step_day": B(zh="2. 选择日期", en="2. Choose a day"),
    "step_slot": B(zh="3. 选择时段", en="3. Choose a time"),
    "step_contact": B(zh="4. 您的姓名或手机号", en="4. Your name or phone number"),
    "contact_hint": B(
        zh="仅保存脱敏信息（如 138****5678），供工作人员核对。",
        en="Only a masked form is kept (e.g. 138****5678), for staff to recognise you.",
    ),
    "contact_placeholder": B(zh="例如 13812345678 或 张三", en="e.g. 13812345678 or Li Wei"),
    "book": B(zh="确认预约", en="Book this time"),
    "booking": B(zh="正在预约…", en="Booking…"),
    "left": B(zh="剩余 {n}", en="{n} left"),
    "full": B(zh="已约满", en="Full"),
    "no_slots": B(zh="当天没有可预约的时段", en="No free time on this day"),
    "no_services": B(zh="本网点暂不接受预约", en="This branch takes no appointments now"),
    "loading": B(zh="加载中…", en="Loading…"),
    "network": B(zh="网络异常，请重试", en="Network problem, please try again"),
    "choose_all": B(zh="请选择时段并填写姓名或手机号", en="Choose a time and give a name or phone"),
    "code": B(zh="预约码", en="Booking code"),
    "when": B(zh="预约时段", en="Time"),
    "service": B(zh="业务", en="Service"),
    "contact": B(zh="预约人", en="Booked for"),
    "ticket": B(zh="号码", en="Ticket"),
    "how_checkin": B(
        zh="到网点后，在取号机点“我有预约”，扫描此二维码或输入预约码即可取号。",
        en='At the branch, tap "I have an appointment" on the kiosk and scan this QR code '
        "or type the booking code.",
    ),
    "keep_link": B(
        zh="请收藏本页，可随时改期或取消。",
        en="Bookmark this page to move or cancel your appointment.",
    ),
    "policy": B(
        zh="最早可提前 {early} 分钟签到；迟到 {late} 分钟内保留预约优先，之后改为普通号。",
        en="Check in from {early} min before your time; up to {late} min late you keep "
        "appointment priority, later you get a normal ticket.",
    ),
    "move": B(zh="改期", en="Move"),
    "move_to": B(zh="改到这个时段", en="Move to this time"),
    "cancel": B(zh="取消预约", en="Cancel appointment"),
    "cancel_confirm": B(zh="再点一次确认取消", en="Tap again to cancel"),
    "cancelled_ok": B(zh="预约已取消", en="Appointment cancelled"),
    "moved_ok": B(zh="已改期", en="Appointment moved"),
    "book_again": B(zh="重新预约", en="Book again"),
    "not_found": B(zh="找不到这个预约", en="Appointment not found"),
    "not_found_help": B(zh="请核对链接，或重新预约。", en="Please check the link, or book again."),
    "privacy": B(
        zh="本页不需要登录，请勿把链接转发给他人。",
        en="No sign-in needed. Do not share this link with others.",
    ),
    "contacts": B(zh="服务电话", en="Call us"),
    "switch": B(zh="English", en="中文"),
    "weekdays": B(zh="一二三四五六日", en="MonTueWedThuFriSatSun"),
    "today": B(zh="今天", en="Today"),
}

STATES: dict[BookingState, Bilingual] = {
    BookingState.BOOKED: B(zh="已预约", en="Booked"),
    BookingState.CHECKED_IN: B(zh="已签到", en="Checked in"),
    BookingState.LATE: B(zh="迟到，已取普通号", en="Late: normal ticket"),
    BookingState.CANCELLED: B(zh="已取消", en="Cancelled"),
    BookingState.NO_SHOW: B(zh="未到（已失效）", en="Missed"),
}


@cache
def _template(name: str) -> Template:
    return Template(read_asset(name).decode("utf-8"))


def _chrome(ctx: BranchContext, language: Language, assets: str) -> dict[str, str]:
    config = ctx.config
    policy = config.appointments.policy
    texts = dict(TEXTS)
    texts["policy"] = B(
        zh=TEXTS["policy"].zh.format(early=policy.early_min, late=policy.late_min),
        en=TEXTS["policy"].en.format(early=policy.early_min, late=policy.late_min),
    )
    contacts = contacts_html(config, language)
    return {
        **{f"t_{key}": text_html(text, language) for key, text in texts.items()},
        "lang": language.value,
        "html_lang": "zh-CN" if language is Language.ZH else "en",
        "other_lang": "en" if language is Language.ZH else "zh",
        "assets": assets,
        "branch": text_html(B(zh=config.name_zh, en=config.name_en), language),
        "contacts": contacts,
        "contacts_hidden": "" if contacts else " hidden",
        "placeholder": texts["contact_placeholder"].zh
        if language is Language.ZH
        else texts["contact_placeholder"].en,
        "texts_json": json_block(
            {
                **{k: v.model_dump() for k, v in texts.items()},
                "states": {s.value: t.model_dump() for s, t in STATES.items()},
            }
        ),
    }


def render_book(
    ctx: BranchContext, *, lang: str | None, accept_language: str | None, service: str | None
) -> Page:
    """The booking page (service -> day -> slot -> name or phone -> the booking's page)."""
    language = choose_language(lang=lang, accept_language=accept_language, ticket_language=None)
    options = appointments.options(ctx)
    html = _template("book.html").substitute(
        _chrome(ctx, language, "../phone/"),
        t_heading=text_html(TEXTS["title"], language, "h1"),
        doc_title=_pick(TEXTS["title"], language),
        data_json=json_block({**options.model_dump(mode="json"), "preselect": service or ""}),
    )
    return Page(200, html)


def render_manage(
    ctx: BranchContext, *, token: str, lang: str | None, accept_language: str | None
) -> Page:
    """The booking's page: code, QR code, time, state; move and cancel while BOOKED."""
    try:
        booking = appointments.booking_by_token(ctx, token=token)
    except UnknownEntity:
        language = choose_language(lang=lang, accept_language=accept_language, ticket_language=None)
        return Page(404, _missing(ctx, language))
    language = choose_language(
        lang=lang, accept_language=accept_language, ticket_language=booking.language
    )
    days: list[date] = []
    if booking.state is BookingState.BOOKED:
        found = [
            s for s in appointments.options(ctx).services if s.service_code == booking.service_code
        ]
        days = found[0].days if found else []
    html = _template("manage.html").substitute(
        _chrome(ctx, language, "../../phone/"),
        **_card(booking, language),
        qr_src=f"{token}/qr.svg",
        doc_title=_pick(TEXTS["manage_title"], language),
        data_json=json_block(
            {"booking": booking.model_dump(mode="json"), "days": [d.isoformat() for d in days]}
        ),
    )
    return Page(200, html)


def _card(booking: BookingOut, language: Language) -> dict[str, str]:
    return {
        "code": booking.code_display,
        "service_name": text_html(booking.service_name, language),
        "when": booking.label,
        "state_label": text_html(STATES[booking.state], language),
        "state": booking.state.value,
        "contact": booking.contact,
        "ticket_number": booking.ticket_number or "",
        "ticket_hidden": "" if booking.ticket_number else " hidden",
        "actions_hidden": "" if booking.state is BookingState.BOOKED else " hidden",
        "qr_hidden": "" if booking.state is BookingState.BOOKED else " hidden",
    }


def _missing(ctx: BranchContext, language: Language) -> str:
    return _template("manage_missing.html").substitute(
        _chrome(ctx, language, "../../phone/"), doc_title=_pick(TEXTS["not_found"], language)
    )


def _pick(text: Bilingual, language: Language) -> str:
    return text.zh if language is Language.ZH else text.en
