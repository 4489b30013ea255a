"""``/docs``: Swagger UI served from the server itself, no CDN.

The Swagger UI files come from the ``swagger-ui-bundle-v2`` package (installed with the
server) and are served under ``/docs/assets``; the page's start-up script is a file too, so the
page runs under a CSP that allows scripts from the server only (no inline script). A branch
server has no internet access, and a page that pulls code from a CDN on a bank's LAN is one
more thing to trust. ReDoc (CDN only) is not served. ``Settings.docs = False`` turns ``/docs`` and
``/openapi.json`` off.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

DOCS_PATH = "/docs"
ASSETS_PATH = "/docs/assets"

# Swagger UI sets style attributes from script and draws its icons as data: images
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title} - API</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{docs}/init.js"></script>
</body>
</html>
"""

_INIT = """window.ui = SwaggerUIBundle({{
  url: {openapi!r},
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout"
}});
"""


def swagger_assets_dir() -> Path:
    """The directory of the Swagger UI files shipped by ``swagger-ui-bundle-v2``."""
    import swagger_ui_bundle

    return Path(swagger_ui_bundle.swagger_ui_path)


def install_docs(app: FastAPI, *, title: str, openapi_url: str = "/openapi.json") -> None:
    """Serve Swagger UI at ``/docs`` from local files (the app must have ``docs_url=None``)."""
    page = _PAGE.format(title=title, assets=ASSETS_PATH, docs=DOCS_PATH)
    init = _INIT.format(openapi=openapi_url)

    @app.get(DOCS_PATH, include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(page, headers={"Content-Security-Policy": DOCS_CSP})

    @app.get(f"{DOCS_PATH}/init.js", include_in_schema=False)
    async def docs_init() -> Response:
        return Response(init, media_type="text/javascript")

    app.mount(ASSETS_PATH, StaticFiles(directory=swagger_assets_dir()), name="docs-assets")
