"""Personal API tokens: shown once, stored hashed, revocable."""

import pytest

from smarketing.org import services
from smarketing.org.models import ApiToken

pytestmark = pytest.mark.django_db


def test_token_is_stored_hashed_and_authenticates(rep):
    token, raw = services.token_create(user=rep, name="zapier")
    assert raw.startswith("smk_") and raw not in token.key_hash
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    assert services.token_authenticate(raw) == rep
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_or_unknown_token_or_inactive_user_does_not_authenticate(rep):
    token, raw = services.token_create(user=rep)
    assert services.token_authenticate(raw + "x") is None
    services.token_revoke(token=token)
    assert services.token_authenticate(raw) is None
    _, raw2 = services.token_create(user=rep)
    rep.is_active = False
    rep.save()
    assert services.token_authenticate(raw2) is None
