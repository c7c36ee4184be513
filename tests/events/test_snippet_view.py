"""GET /st.js: the snippet at its fixed address, for any website, cached by browsers."""

from __future__ import annotations

from smarketing.events.views_snippet import MAX_AGE, SNIPPET


def test_snippet_when_fetched_without_login_is_javascript_with_cache_headers(client, db):
    response = client.get("/st.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == f"public, max-age={MAX_AGE}"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response.content == SNIPPET.read_bytes()
    assert response["ETag"]


def test_snippet_when_browser_has_the_current_copy_answers_304(client, db):
    etag = client.get("/st.js")["ETag"]
    again = client.get("/st.js", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    changed = client.get("/st.js", HTTP_IF_NONE_MATCH='"an-older-release"')
    assert changed.status_code == 200


def test_snippet_when_posted_to_is_405(client, db):
    assert client.post("/st.js").status_code == 405
