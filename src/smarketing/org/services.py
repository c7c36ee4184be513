"""Users, teams and API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from smarketing.errors import InvalidInput, fields_check, full_clean
from smarketing.org.models import ApiToken, Role, Team, User


def user_create(
    *,
    email: str,
    role: str,
    password: str | None = None,
    full_name: str = "",
    team: Team | None = None,
    check_password: bool = True,
) -> User:
    if role not in Role.values:
        raise InvalidInput(f"unknown role {role!r} (one of {', '.join(Role.values)})", field="role")
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise InvalidInput(f"a user with email {email} already exists", field="email")
    user = User(email=email, role=role, full_name=full_name, team=team)
    full_clean(user, exclude=["password"])
    if password is not None and check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise InvalidInput({"password": list(exc.messages)}) from exc
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def user_deactivate(*, user: User, by_user: User | None = None) -> User:
    """The user can no longer log in or use tokens; their open MQLs and SALs are handed on by
    the routing rules."""
    # Imported here: routing reads org's models, so org cannot import it at load time.
    from smarketing.handoff.routing.services import owner_deactivated

    if not user.is_active:
        raise InvalidInput(f"{user.email} is already deactivated", field="user")
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    owner_deactivated(user=user, by_user=by_user)
    return user


def team_create(*, name: str, kind: str, **fields: Any) -> Team:
    """A new team; `fields` are the business-hours settings team_update accepts."""
    allowed = {"timezone", "workdays", "day_start", "day_end"}
    fields_check(fields, allowed, what="a team setting")
    team = Team(name=name, kind=kind, **fields)
    full_clean(team)
    team.save()
    return team


def team_update(*, team: Team, **fields: Any) -> Team:
    allowed = {"name", "timezone", "workdays", "day_start", "day_end"}
    fields_check(fields, allowed, what="a team setting")
    for name, value in fields.items():
        setattr(team, name, value)
    full_clean(team)
    team.save()
    return team


@transaction.atomic
def token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token and its raw key, which is shown once and never stored."""
    raw, key_hash = ApiToken.new_key()
    token = ApiToken.objects.create(user=user, name=name, key_hash=key_hash, key_hint=raw[:10])
    return token, raw


def token_authenticate(raw: str) -> User | None:
    token = ApiToken.objects.by_raw(raw)
    if token is None:
        return None
    # One UPDATE, not a save(): concurrent requests with one token must not race on the row.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
