"""The customer's phone page behind the ticket's QR code: language choice and the HTML.

The page is rendered in full on the server (readable before, or without, its script), with
every text of the ticket card and of the page in both languages (``data-zh`` / ``data-en``
attributes and the view as JSON), so the language switch and live updates need no new text
from the server. Assets (script, style sheet, logo) come from the ``server.phone`` package and
are served by the server itself: the page loads nothing from elsewhere.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources
from string import Template

from server.contract.common import Bilingual, Language, TicketState
from server.contract.phone import PhoneView
from server.domain.errors import UnknownEntity
from server.domain.model import BranchConfig
from server.services.context import BranchContext
from server.services.phone_feedback import feedback_data
from server.services.phone_view import phone_view

B = Bilingual

# the page's own texts (the ticket card's are in phone_view)
TEXTS: dict[str, Bilingual] = {
    "title": B(zh="排队进度", en="Your place in the queue"),
    "your_number": B(zh="您的号码", en="Your number"),
    "live": B(zh="实时更新", en="Live"),
    "polling": B(zh="自动刷新", en="Refreshing"),
    "offline": B(zh="网络中断，正在重试", en="Connection lost, retrying"),
    "finished": B(zh="已结束", en="Finished"),
    "updated": B(zh="更新于", en="Updated"),
    "safety": B(
        zh="银行工作人员不会向您索要密码或短信验证码，请勿向任何人透露。",
        en="Bank staff will never ask for your PIN or text-message codes. Never share them.",
    ),
    "privacy": B(
        zh="本页仅显示您本人号票的状态，无需登录。",
        en="This page shows only your own ticket. No sign-in needed.",
    ),
    "contacts": B(zh="服务电话", en="Call us"),
    "not_found": B(zh="找不到这张号票", en="Ticket not found"),
    "not_found_help": B(
        zh="请核对号票上的二维码，或到大堂服务台咨询。",
        en="Please scan the QR code on your ticket again, or ask at the lobby desk.",
    ),
    "switch": B(zh="English", en="中文"),
}

ASSETS = {
    "phone.js": "text/javascript; charset=utf-8",
    "feedback.js": "text/javascript; charset=utf-8",
    **{f"face-{score}.svg": "image/svg+xml" for score in range(1, 6)},
    "phone.css": "text/css; charset=utf-8",
    "logo.svg": "image/svg+xml",
    "book.js": "text/javascript; charset=utf-8",  # the appointment pages (appointment_page)
    "book.css": "text/css; charset=utf-8",
}

# the page runs only its own script and style sheet, talks only to this server, and may
# not be framed; the ticket's id never leaves in a Referer header
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex, nofollow",
    "Cache-Control": "no-store",
    "Vary": "Accept, Accept-Language",
}


_LANGUAGE_RANGE = re.compile(r"\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9-]*)?\s*(?:;\s*q=([0-9.]+))?\s*")


@dataclass(frozen=True)
class Page:
    status_code: int
    html: str


def choose_language(
    *, lang: str | None, accept_language: str | None, ticket_language: Language | None
) -> Language:
    """``?lang=`` first, then the browser's Accept-Language (by q-value), then the language
    chosen at the kiosk, then Chinese."""
    if lang in (Language.ZH.value, Language.EN.value):
        return Language(lang)
    best: tuple[float, int, Language] | None = None
    for index, part in enumerate((accept_language or "").split(",")):
        match = re.fullmatch(
            r"\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9-]*)?\s*(?:;\s*q=([0-9.]+))?\s*", part
        )
        if not match:
            continue
        try:
            q = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        primary = match.group(1).lower()
        if q <= 0 or primary not in (Language.ZH.value, Language.EN.value):
            continue
        if best is None or (q, -index) > (best[0], best[1]):
            best = (q, -index, Language(primary))
    if best is not None:
        return best[2]
    return ticket_language or Language.ZH


def render_page(
    ctx: BranchContext, *, public_id: str, lang: str | None, accept_language: str | None
) -> Page:
    """The page for a ticket; an unknown id gets a short bilingual "not found" page (404)."""
    try:
        view, status = phone_view(ctx, public_id=public_id)
    except UnknownEntity:
        language = choose_language(lang=lang, accept_language=accept_language, ticket_language=None)
        return Page(404, _not_found(ctx, language))
    language = choose_language(
        lang=lang, accept_language=accept_language, ticket_language=status.language
    )
    return Page(200, _ticket_page(ctx, view, language))


def asset(name: str) -> tuple[bytes, str] | None:
    """An asset's bytes and media type, None for a name that is not one of the page's."""
    media_type = ASSETS.get(name)
    if media_type is None:
        return None
    return read_asset(name), media_type


@cache
def read_asset(name: str) -> bytes:
    return resources.files("server.phone").joinpath(name).read_bytes()


@cache
def _template() -> Template:
    return Template(read_asset("page.html").decode("utf-8"))


def text_html(text: Bilingual, language: Language, tag: str = "span", attrs: str = "") -> str:
    """An element showing ``text`` in ``language`` that the script can switch."""
    current = text.zh if language is Language.ZH else text.en
    return (
        f'<{tag}{attrs} data-zh="{escape(text.zh)}" data-en="{escape(text.en)}">'
        f"{escape(current)}</{tag}>"
    )


def _pick(text: Bilingual, language: Language) -> str:
    return text.zh if language is Language.ZH else text.en


def _card(view: PhoneView, language: Language) -> dict[str, str]:
    facts = "".join(
        f"<div>{text_html(f.label, language, 'dt')}{text_html(f.value, language, 'dd')}</div>"
        for f in view.facts
    )
    return {
        "tone": view.tone,
        "number": escape(view.number),
        "service": text_html(view.service, language),
        "state_label": text_html(view.state_label, language),
        "headline": text_html(view.headline, language) if view.headline else "",
        "headline_hidden": "" if view.headline else " hidden",
        "message": text_html(view.message, language) if view.message else "",
        "message_hidden": "" if view.message else " hidden",
        "facts": facts,
        "updated_at": escape(view.updated_at),
        "final": "true" if view.final else "false",
        "emergency": text_html(view.emergency, language) if view.emergency else "",
        "emergency_hidden": "" if view.emergency else " hidden",
    }


def contacts_html(config: BranchConfig, language: Language) -> str:
    """The branch's phone numbers as list items, each number a tel: link."""
    return "".join(
        f"<li>{text_html(B(zh=c.label_zh, en=c.label_en), language)}"
        f'<a href="tel:{escape(re.sub(r"[^0-9+]", "", c.phone))}">{escape(c.phone)}</a></li>'
        for c in config.contacts
    )


def _chrome(ctx: BranchContext, language: Language) -> dict[str, str]:
    config = ctx.config
    contacts = contacts_html(config, language)
    texts = {f"t_{key}": text_html(text, language) for key, text in TEXTS.items()}
    return {
        **texts,
        "lang": language.value,
        "html_lang": "zh-CN" if language is Language.ZH else "en",
        "doc_title": escape(_pick(TEXTS["title"], language)),
        "title_zh": escape(TEXTS["title"].zh),
        "title_en": escape(TEXTS["title"].en),
        "branch": text_html(B(zh=config.name_zh, en=config.name_en), language),
        "contacts": contacts,
        "contacts_hidden": "" if contacts else " hidden",
        "other_lang": "en" if language is Language.ZH else "zh",
        "texts_json": json_block({k: v.model_dump() for k, v in TEXTS.items()}),
        "feedback_json": json_block(feedback_data()),
    }


def _ticket_page(ctx: BranchContext, view: PhoneView, language: Language) -> str:
    return _template().substitute(
        _chrome(ctx, language),
        **_card(view, language),
        page="ticket",
        view_json=json_block(view.model_dump(mode="json")),
    )


def _not_found(ctx: BranchContext, language: Language) -> str:
    view = PhoneView(
        number="—",
        state=TicketState.CANCELLED,
        tone="alert",
        final=True,
        service=B(zh="", en=""),
        state_label=TEXTS["not_found"],
        message=TEXTS["not_found_help"],
        updated_at="",
    )
    return _template().substitute(
        _chrome(ctx, language), **_card(view, language), page="missing", view_json="null"
    )


def json_block(value: object) -> str:
    """JSON safe inside a <script type="application/json"> block."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
