"""A ticket's status URL (the QR code): JSON for programs, the phone page for a browser.

``GET /tickets/{id}`` answers ``TicketStatusOut`` as JSON, or the phone page when the client
prefers ``text/html`` (a browser); ``GET /tickets/{id}/view`` is the page's polling fallback
and ``GET /phone/{asset}`` its script, style sheet and logo. The live stream is in
``server.realtime.ticket_stream``. No token: the unguessable id is the key, and nothing here
is about another customer.
"""

from __future__ import annotations

from fastapi import APIRouter, Header, Path, Query
from fastapi.responses import HTMLResponse, Response

from server.api.context import BranchDep
from server.contract.phone import PhoneView
from server.contract.rest import ErrorBody, TicketStatusOut
from server.domain.errors import UnknownEntity
from server.services import phone_page, tickets
from server.services.phone_view import phone_view

router = APIRouter(tags=["public"])

PUBLIC_ID = Path(min_length=8, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")


def prefers_html(accept: str | None) -> bool:
    """True when the Accept header ranks text/html above application/json (a browser)."""
    html = json = 0.0
    for part in (accept or "").split(","):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.strip().lower()
        if media == "text/html":
            html = max(html, q)
        elif media == "application/json":
            json = max(json, q)
    return html > 0 and html > json


@router.get(
    "/tickets/{public_id}",
    response_model=TicketStatusOut,
    responses={
        200: {"content": {"text/html": {}}, "description": "JSON, or the phone page"},
        404: {"model": ErrorBody},
    },
)
def ticket_status(
    branch: BranchDep,
    public_id: str = PUBLIC_ID,
    accept: str | None = Header(default=None),
    accept_language: str | None = Header(default=None),
    lang: str | None = Query(default=None, description="phone page language: zh or en"),
) -> TicketStatusOut | Response:
    """A ticket's status by its unguessable id (the QR code on the ticket). A browser gets
    the phone page (zh/en from ``lang`` or its Accept-Language), everything else JSON."""
    if prefers_html(accept):
        page = phone_page.render_page(
            branch, public_id=public_id, lang=lang, accept_language=accept_language
        )
        return HTMLResponse(page.html, page.status_code, headers=phone_page.PAGE_HEADERS)
    return tickets.ticket_status(branch, public_id=public_id)


@router.get(
    "/tickets/{public_id}/view", response_model=PhoneView, responses={404: {"model": ErrorBody}}
)
def ticket_view(branch: BranchDep, public_id: str = PUBLIC_ID) -> PhoneView:
    """What the phone page shows of the ticket now (its polling fallback)."""
    return phone_view(branch, public_id=public_id)[0]


@router.get("/phone/{name}", include_in_schema=False)
def phone_asset(name: str) -> Response:
    found = phone_page.asset(name)
    if found is None:
        raise UnknownEntity("file", name, sorted(phone_page.ASSETS))
    content, media_type = found
    headers = {"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"}
    return Response(content, media_type=media_type, headers=headers)
