"""The booking pages: ``/appointments/book`` (the phone's booking page), the booking's manage
link (JSON for programs, its page for a browser) and its QR code.

``GET /appointments/manage/{token}`` answers ``BookingOut`` as JSON, or the phone's manage
page when the client prefers HTML; ``/qr.svg`` is the QR code of the booking code (what the
kiosk's scanner reads), drawn on the server with the ``qrcode`` library as SVG.
"""

from __future__ import annotations

from functools import lru_cache

import qrcode
import qrcode.constants
from fastapi import APIRouter, Header, Query
from fastapi.responses import HTMLResponse, Response
from qrcode.image.svg import SvgPathFillImage

from server.api.appointments import MANAGE_TOKEN
from server.api.context import BranchDep
from server.api.ticket_page import prefers_html
from server.contract.appointments import BookingOut
from server.contract.rest import ErrorBody
from server.services import appointment_page, appointments

router = APIRouter(tags=["appointments"])


@lru_cache(maxsize=256)
def qr_svg(data: str) -> bytes:
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    svg: bytes = code.make_image(image_factory=SvgPathFillImage).to_string()
    return svg


@router.get("/appointments/book", response_class=HTMLResponse)
def book_page(
    branch: BranchDep,
    accept_language: str | None = Header(default=None),
    lang: str | None = Query(default=None, description="page language: zh or en"),
    service: str | None = Query(default=None, max_length=8, description="service to preselect"),
) -> HTMLResponse:
    """The phone's booking page: service, day, slot, name or phone; then the booking's page."""
    page = appointment_page.render_book(
        branch, lang=lang, accept_language=accept_language, service=service
    )
    return HTMLResponse(page.html, page.status_code, headers=appointment_page.PAGE_HEADERS)


@router.get(
    "/appointments/manage/{token}",
    response_model=BookingOut,
    responses={
        200: {"content": {"text/html": {}}, "description": "JSON, or the manage page"},
        404: {"model": ErrorBody},
    },
)
def manage(
    branch: BranchDep,
    token: str = MANAGE_TOKEN,
    accept: str | None = Header(default=None),
    accept_language: str | None = Header(default=None),
    lang: str | None = Query(default=None, description="page language: zh or en"),
) -> BookingOut | Response:
    """A booking by its manage link (a browser gets the page to cancel or move it)."""
    if prefers_html(accept):
        page = appointment_page.render_manage(
            branch, token=token, lang=lang, accept_language=accept_language
        )
        return HTMLResponse(page.html, page.status_code, headers=appointment_page.PAGE_HEADERS)
    return appointments.booking_by_token(branch, token=token)


@router.get("/appointments/manage/{token}/qr.svg", include_in_schema=False)
def booking_qr(branch: BranchDep, token: str = MANAGE_TOKEN) -> Response:
    """The QR code of the booking code (scanned at the kiosk)."""
    code = appointments.booking_by_token(branch, token=token).code
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    return Response(qr_svg(code), media_type="image/svg+xml", headers=headers)
