"""`/st.js`: the website snippet, at a short fixed address websites can embed.

Served by a view rather than as a static file so the address never changes with the static
storage's hashed names, and so it carries its own cache and cross-origin headers.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import etag, require_GET

SNIPPET = Path(__file__).parent / "static" / "events" / "st.js"
# Browsers revalidate within the hour, so a new release reaches every website the same day.
MAX_AGE = 3600


@cache
def _snippet() -> tuple[bytes, str]:
    body = SNIPPET.read_bytes()
    return body, hashlib.sha256(body).hexdigest()[:32]


@require_GET
@etag(lambda request: _snippet()[1])
def snippet(request: HttpRequest) -> HttpResponse:
    body, _ = _snippet()
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    # Any website may embed it, including ones that require CORP on what they load.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
