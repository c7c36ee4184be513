"""Writes of the definition: drafts, proposal and the two-leader sign-off that makes one live."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from smarketing.errors import InvalidInput
from smarketing.org import permissions
from smarketing.org.models import TeamKind
from smarketing.scoring import rules
from smarketing.scoring.models import DefinitionApproval, DefinitionVersion, Status
from smarketing.scoring.queries import approvals_current, definition_changes


def definition_parse(text: str) -> rules.Definition:
    """The rule engine's reading of a YAML text; its mistakes as InvalidInput, each with its line
    (a syntax error also with its column). Whole-file errors are put on the field `text`."""
    try:
        return rules.load(text)
    except rules.DefinitionError as exc:
        errors: dict[str, list[str]] = {}
        for path, reasons in exc.errors.items():
            line = exc.lines.get(path)
            prefix = f"line {line}: " if line is not None else ""
            errors.setdefault("text" if path == "__all__" else path, []).extend(
                prefix + reason for reason in reasons
            )
        raise InvalidInput(errors) from None


def _canonical(*, text: str | None, definition: rules.Definition | None) -> str:
    if (text is None) == (definition is None):
        raise InvalidInput("give either the definition's text or the definition, not both")
    if definition is None:
        assert text is not None
        definition = definition_parse(text)
    return rules.dump(definition)


def _require_draft(version: DefinitionVersion, doing: str) -> None:
    if version.status != Status.DRAFT:
        raise InvalidInput(
            f"version {version.number} is {version.status} and cannot be {doing}: "
            "only a draft can; create a new draft from it instead",
            field="status",
        )


def definition_live(*, at: dt.datetime | None = None) -> DefinitionVersion:
    """The live version. With none yet (a new install), the shipped default becomes version 1,
    live from `at` (default now): installed on first use rather than by a data migration, so its
    stored text is the canonical dump the rule engine writes."""
    live = DefinitionVersion.objects.filter(status=Status.LIVE).first()
    if live is not None:
        return live
    now = at or timezone.now()
    try:
        with transaction.atomic():
            number = (DefinitionVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
            return DefinitionVersion.objects.create(
                number=number,
                status=Status.LIVE,
                text=rules.dump(rules.default_definition()),
                created_at=now,
                updated_at=now,
                went_live_at=now,
            )
    except IntegrityError:
        # Another process installed it first (one live version, unique number).
        return DefinitionVersion.objects.get(status=Status.LIVE)


def definition_draft_create(
    *,
    by_user: Any,
    text: str | None = None,
    definition: rules.Definition | None = None,
    at: dt.datetime | None = None,
) -> DefinitionVersion:
    """A new draft, from the text or definition given, else a copy of the live version.
    `at` dates it (the demo writes a past year); by default now."""
    permissions.require(by_user, "definition.propose")
    live = definition_live(at=at)
    body = (
        live.text
        if text is None and definition is None
        else _canonical(text=text, definition=definition)
    )
    with transaction.atomic():
        number = (DefinitionVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        now = at or timezone.now()
        return DefinitionVersion.objects.create(
            number=number, text=body, created_by=by_user, created_at=now, updated_at=now
        )


def definition_draft_update(*, version: DefinitionVersion, text: str, by_user: Any) -> None:
    """Replace a draft's text. A new revision: approvals given so far no longer count."""
    permissions.require(by_user, "definition.propose")
    _require_draft(version, "changed")
    body = _canonical(text=text, definition=None)
    # Conditional on the status, so a draft that went live meanwhile is never changed.
    changed = DefinitionVersion.objects.filter(pk=version.pk, status=Status.DRAFT).update(
        text=body, revision=F("revision") + 1, updated_at=timezone.now()
    )
    if not changed:
        version.refresh_from_db()
        _require_draft(version, "changed")
    version.refresh_from_db()


def definition_draft_import(*, text: str, by_user: Any) -> tuple[DefinitionVersion, bool]:
    """The user's newest draft replaced by `text`, or a new draft if they have none.
    Returns (draft, created)."""
    permissions.require(by_user, "definition.propose")
    definition = definition_parse(text)
    draft = (
        DefinitionVersion.objects.filter(status=Status.DRAFT, created_by=by_user)
        .order_by("-number")
        .first()
    )
    if draft is None:
        return definition_draft_create(by_user=by_user, definition=definition), True
    definition_draft_update(version=draft, text=rules.dump(definition), by_user=by_user)
    return draft, False


def definition_propose(
    *, version: DefinitionVersion, by_user: Any, at: dt.datetime | None = None
) -> None:
    """Put a draft up for sign-off by both leaders."""
    permissions.require(by_user, "definition.propose")
    _require_draft(version, "proposed")
    if not definition_changes(version):
        raise InvalidInput(
            f"version {version.number} changes nothing against the live version", field="text"
        )
    if version.proposed_at is None:
        version.proposed_at = at or timezone.now()
        version.save(update_fields=["proposed_at"])


def _team_kind(user: Any) -> str:
    team = getattr(user, "team", None)
    if team is None or team.kind not in TeamKind.values:
        raise InvalidInput(
            "an approval counts for the leader's team, and this leader has no team; "
            "add them to the marketing or the sales team first",
            field="user",
        )
    return str(team.kind)


def definition_approve(
    *,
    version: DefinitionVersion,
    user: Any,
    at: dt.datetime | None = None,
    promote: bool = False,
) -> DefinitionApproval:
    """Record the leader's approval of the draft's current revision. With one marketing and one
    sales leader's approval of that revision, the draft goes live and the live one retires, both
    at `at` (default now), and every contact is rescored in the background. `promote` (the
    choice of the approval that publishes): contacts that newly meet the MQL criteria become
    MQLs in that rescoring; otherwise at their next activity."""
    permissions.require(user, "definition.approve")
    kind = _team_kind(user)
    with transaction.atomic():
        # The row lock orders concurrent approvals, so exactly one of them publishes.
        locked = DefinitionVersion.objects.select_for_update().get(pk=version.pk)
        _require_draft(locked, "approved")
        if locked.proposed_at is None:
            raise InvalidInput(
                f"version {locked.number} has not been proposed yet; propose it first",
                field="status",
            )
        approval, _ = DefinitionApproval.objects.get_or_create(
            version=locked,
            revision=locked.revision,
            user=user,
            defaults={"team_kind": kind, "at": at or timezone.now()},
        )
        kinds = {a.team_kind for a in approvals_current(locked)}
        if kinds >= set(TeamKind.values):
            _go_live(locked, at=approval.at)
            from smarketing.scoring.refresh import rescoring_start  # it reads the live version

            rescoring_start(promote=promote, by_user=user)
    version.refresh_from_db()
    return approval


def _go_live(draft: DefinitionVersion, *, at: dt.datetime) -> None:
    live = DefinitionVersion.objects.filter(status=Status.LIVE).first()
    if live is not None:
        assert live.went_live_at is not None
        if at < live.went_live_at:
            raise InvalidInput(
                f"the approval is dated {at:%Y-%m-%d %H:%M}, before version {live.number} "
                f"went live ({live.went_live_at:%Y-%m-%d %H:%M})",
                field="at",
            )
        DefinitionVersion.objects.filter(pk=live.pk, status=Status.LIVE).update(
            status=Status.RETIRED, retired_at=at
        )
    draft.status = Status.LIVE
    draft.went_live_at = at
    draft.save(update_fields=["status", "went_live_at"])
