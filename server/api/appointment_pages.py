"""The booking's manage link and QR code: JSON for programs, the page for a browser.

``GET /appointments/manage/{token}`` answers ``BookingOut`` as JSON, or the phone's manage
page when the client prefers HTML; ``/qr.svg`` is the QR code of the booking code (what the
kiosk's scanner reads), drawn on the server with the ``qrcode`` library as SVG.
"""

from __future__ import annotations

from functools import lru_cache

import qrcode
import qrcode.constants
from fastapi import APIRouter
from fastapi.responses import Response
from qrcode.image.svg import SvgPathFillImage

from server.api.appointments import MANAGE_TOKEN
from server.api.context import BranchDep
from server.contract.appointments import BookingOut
from server.contract.rest import ErrorBody
from server.services import appointments

router = APIRouter(tags=["appointments"])


@lru_cache(maxsize=256)
def qr_svg(data: str) -> bytes:
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    svg: bytes = code.make_image(image_factory=SvgPathFillImage).to_string()
    return svg


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
) -> BookingOut | Response:
    """A booking by its manage link (a browser gets the page to cancel or move it)."""
    return appointments.booking_by_token(branch, token=token)


@router.get("/appointments/manage/{token}/qr.svg", include_in_schema=False)
def booking_qr(branch: BranchDep, token: str = MANAGE_TOKEN) -> Response:
    """The QR code of the booking code (scanned at the kiosk)."""
    code = appointments.booking_by_token(branch, token=token).code
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    return Response(qr_svg(code), media_type="image/svg+xml", headers=headers)
