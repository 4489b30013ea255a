"""Security headers on every answer, as one pure ASGI middleware.

- ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``, ``Referrer-Policy:
  no-referrer`` on everything;
- a ``Content-Security-Policy``: for HTML pages the server serves, scripts, styles and images
  only from the server itself and no framing; for everything else (JSON) nothing at all may
  load. A route that sets its own policy (a page with different needs) keeps it;
- ``Cache-Control: no-store`` on the answers that carry or concern credentials (``/auth``,
  ``/admin``), unless the route set its own.
"""

from __future__ import annotations

from server.api.limits import ASGIApp, Message, Receive, Scope, Send

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"
NO_STORE_PREFIXES = ("/api/v1/auth/", "/api/v1/admin/")

_ALWAYS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        no_store = scope["path"].startswith(NO_STORE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _add_headers(list(message.get("headers", [])), no_store)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _add_headers(headers: list[tuple[bytes, bytes]], no_store: bool) -> list[tuple[bytes, bytes]]:
    present = {name.lower(): value for name, value in headers}
    for name, value in _ALWAYS:
        if name not in present:
            headers.append((name, value))
    if b"content-security-policy" not in present:
        is_html = present.get(b"content-type", b"").startswith(b"text/html")
        headers.append((b"content-security-policy", (PAGE_CSP if is_html else API_CSP).encode()))
    if no_store and b"cache-control" not in present:
        headers.append((b"cache-control", b"no-store"))
    return headers
