"""The console page: ``GET /console`` (the HTML shell) and ``GET /console/{asset}`` (its
scripts, style sheet and logo, from the ``server.console`` package).

No token here: the page holds no data; it signs in with ``/api/v1/auth/login`` and reads the
floor with its token (``server.api.console``). The page runs only its own scripts and style
sheet, talks only to this server (REST and the websocket) and may not be framed.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from server.domain.errors import UnknownEntity
from server.services import phone_page

router = APIRouter(include_in_schema=False)

# the phone page's strict policy (its own scripts, styles and images, connections to this
# server only, no framing), and blob: pictures: the reports tab shows the charts it read with
# its token through blob: URLs (only this page's scripts can make them)
CONTENT_SECURITY_POLICY = phone_page.CONTENT_SECURITY_POLICY.replace(
    "img-src 'self'", "img-src 'self' blob:", 1
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex, nofollow",
    "Cache-Control": "no-store",
}
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
_ASSET_NAME = re.compile(r"^[a-z0-9_-]{1,64}\.(js|css|svg)$")


@cache
def assets() -> dict[str, tuple[bytes, str]]:
    """Every script, style sheet and picture of the package, by file name."""
    found = {}
    for item in resources.files("server.console").iterdir():
        if _ASSET_NAME.match(item.name):
            media_type = MEDIA_TYPES[item.name[item.name.rindex(".") :]]
            found[item.name] = (item.read_bytes(), media_type)
    return found


@cache
def page_html() -> str:
    return resources.files("server.console").joinpath("page.html").read_text(encoding="utf-8")


@router.get("/console")
def console_page() -> HTMLResponse:
    return HTMLResponse(page_html(), headers=PAGE_HEADERS)


@router.get("/console/{name}")
def console_asset(name: str) -> Response:
    found = assets().get(name)
    if found is None:
        raise UnknownEntity("file", name[:64], sorted(assets()))
    content, media_type = found
    headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    return Response(content, media_type=media_type, headers=headers)
