"""`/api/me`, and the small helpers every router uses to look objects up and name errors."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from smarketing.errors import InvalidInput
from smarketing.org import permissions
from smarketing.org.models import User
from smarketing.org.schemas import ERRORS, MeOut

M = TypeVar("M", bound=Model)

router = Router(tags=["me"])


@router.get("", response={200: MeOut, **ERRORS}, summary="The user the request is made as")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.display_name,
        "full_name": user.full_name,
        "role": user.role,
        "team": user.team,
        "permissions": sorted(permissions.MATRIX.get(user.role, frozenset())),
    }


def get_or_404(qs: QuerySet[M], pk: int, what: str) -> M:
    """The object with `pk` among those the user may see, else a 404 that names it.

    Writes read their object back through this too, so answers show what was stored.
    """
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise HttpError(404, f"{what} {pk} not found")
    return obj


def active_users() -> QuerySet[User]:
    """Who may own or be credited with a record."""
    return User.objects.filter(is_active=True)


def ids_resolve(fields: dict[str, Any], refs: dict[str, tuple[str, QuerySet[Any], str]]) -> None:
    """Swap `<name>_id` entries of an API payload for the objects they point at, in place.

    `refs` maps the payload key to (model attribute, queryset it must be found in, what to call
    it). Unknown ids are collected and reported together, each under its own payload key.
    """
    errors: dict[str, list[str]] = {}
    for key, (attr, qs, what) in refs.items():
        if key not in fields:
            continue
        pk = fields.pop(key)
        if pk is None:
            fields[attr] = None
            continue
        obj = qs.filter(pk=pk).first()
        if obj is None:
            errors[key] = [f"no {what} with id {pk}"]
        else:
            fields[attr] = obj
    if errors:
        raise InvalidInput(errors)


@contextmanager
def fields_named(names: dict[str, str]) -> Iterator[None]:
    """Report a service's errors under the API's field names (`account` → `account_id`)."""
    try:
        yield
    except InvalidInput as exc:
        raise InvalidInput({names.get(f, f): r for f, r in exc.errors.items()}) from exc
