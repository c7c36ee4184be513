"""API tokens page: each user's own tokens, created (shown once) and revoked."""

from __future__ import annotations

import re

from smarketing.org import services as org
from smarketing.org.models import ApiToken


def test_create_shows_the_key_once(as_user, rep):
    client = as_user(rep)
    response = client.post("/settings/tokens/", {"name": "CRM sync"})
    assert response.status_code == 200
    html = response.content.decode()
    raw = re.search(r'<pre id="new-token">(smk_[^<]+)</pre>', html).group(1)
    assert org.token_authenticate(raw) == rep
    later = client.get("/settings/tokens/").content.decode()
    assert raw not in later
    token = ApiToken.objects.get(user=rep)
    assert token.name == "CRM sync" and f"{token.key_hint}…" in later


def test_list_shows_only_my_tokens_with_last_use(as_user, rep, marketer):
    _mine, raw = org.token_create(user=rep, name="mine")
    org.token_authenticate(raw)
    org.token_create(user=marketer, name="theirs")
    html = as_user(rep).get("/settings/tokens/").content.decode()
    assert "mine" in html and "theirs" not in html
    assert "never" not in html  # it was used just now


def test_revoke_my_token(as_user, rep):
    token, raw = org.token_create(user=rep, name="old")
    response = as_user(rep).post(f"/settings/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert org.token_authenticate(raw) is None
    assert "revoked" in as_user(rep).get("/settings/tokens/").content.decode()


def test_cannot_revoke_someone_elses_token(as_user, rep, marketer):
    theirs, raw = org.token_create(user=marketer)
    assert as_user(rep).post(f"/settings/tokens/{theirs.pk}/revoke/").status_code == 404
    assert org.token_authenticate(raw) == marketer


def test_revoke_is_post_only(as_user, rep):
    token, _ = org.token_create(user=rep)
    assert as_user(rep).get(f"/settings/tokens/{token.pk}/revoke/").status_code == 405


def test_a_too_long_name_is_refused(as_user, rep):
    response = as_user(rep).post("/settings/tokens/", {"name": "x" * 101})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
