"""Pages of the SLA policy: the live policy in words, the versions, the draft editor and the
sign-off by both leaders (the same flow and permissions as the qualification definition's)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from smarketing.errors import InvalidInput
from smarketing.handoff.sla import queries, services
from smarketing.handoff.sla.describe import policy_words
from smarketing.handoff.sla.forms import PolicyTextForm
from smarketing.handoff.sla.models import PolicyVersion, Status
from smarketing.handoff.sla.policy import PolicyError
from smarketing.org import permissions
from smarketing.web.guard import apply_errors, guarded

SECTION = "sla:overview"


def version_or_404(number: int) -> PolicyVersion:
    version = queries.version_by_number(number)
    if version is None:
        raise Http404(f"SLA policy version {number} not found")
    return version


def _words(version: PolicyVersion) -> Any:
    try:
        return policy_words(queries.version_policy(version))
    except PolicyError:
        # Stored texts are canonical dumps of a valid policy; a text that no longer reads
        # (e.g. written by an older release) is shown as text only.
        return None


@guarded("definition.view")
def overview(request: HttpRequest) -> HttpResponse:
    live = queries.version_live()
    versions = [(v, queries.sign_off(v).describe(v)) for v in queries.versions_list()]
    context = {
        "live": live,
        "words": _words(live) if live else None,
        "versions": versions,
        "can_propose": permissions.can(request.user, "definition.propose"),
        "section": SECTION,
    }
    return render(request, "sla/overview.html", context)


@require_POST
@guarded("definition.propose")
def draft_new(request: HttpRequest) -> HttpResponse:
    try:
        draft = services.policy_draft_create(by_user=request.user)
    except InvalidInput as exc:
        messages.error(request, exc.summary())
        return redirect("sla:overview")
    source = "the live version" if queries.version_live() else "the shipped example"
    messages.success(request, f"Draft version {draft.number} created from {source}.")
    return redirect("sla:version", number=draft.number)


def _version_page(
    request: HttpRequest,
    version: PolicyVersion,
    *,
    form: PolicyTextForm | None = None,
    status: int = 200,
) -> HttpResponse:
    state = queries.sign_off(version)
    user = request.user
    is_draft = version.status == Status.DRAFT
    can_propose = is_draft and permissions.can(user, "definition.propose")
    if can_propose and form is None:
        form = PolicyTextForm(initial={"text": version.text})
    live = queries.version_live()
    team_kind = getattr(getattr(user, "team", None), "kind", "")
    context = {
        "version": version,
        "is_draft": is_draft,
        "state": state,
        "status_text": state.describe(version),
        "words": _words(version),
        "live": live,
        "diff": queries.policy_diff(old=live, new=version) if version != live else [],
        "history": version.approvals.all(),
        "form": form if can_propose else None,
        # A refused save of a version that is no longer a draft: no editor to show it beside.
        "refused": form.non_field_errors() if form is not None and not can_propose else [],
        "can_propose": can_propose,
        "can_approve": is_draft
        and version.proposed_at is not None
        and permissions.can(user, "definition.approve")
        and not any(a.user_id == user.pk for a in state.approvals),
        # The other team has approved: this leader's approval makes the version live.
        "approval_publishes": state.waiting_for == [f"the {team_kind} leader"],
        "section": SECTION,
    }
    return render(request, "sla/version.html", context, status=status)


@guarded("definition.view")
def version_detail(request: HttpRequest, number: int) -> HttpResponse:
    version = version_or_404(number)
    if request.method == "GET":
        return _version_page(request, version)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    permissions.require(request.user, "definition.propose")
    form = PolicyTextForm(request.POST)
    if form.is_valid():
        try:
            services.policy_draft_update(
                version=version, text=form.cleaned_data["text"], by_user=request.user
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"Draft saved (revision {version.revision}); approvals given before count no more.",
            )
            return redirect("sla:version", number=version.number)
    return _version_page(request, version, form=form, status=400)


def _act(
    request: HttpRequest, number: int, done: str, act: Callable[[PolicyVersion], None]
) -> HttpResponse:
    version = version_or_404(number)
    try:
        act(version)
    except InvalidInput as exc:
        messages.error(request, exc.summary())
    else:
        messages.success(request, done.format(n=version.number))
    return redirect("sla:version", number=version.number)


@require_POST
@guarded("definition.propose")
def version_propose(request: HttpRequest, number: int) -> HttpResponse:
    def act(version: PolicyVersion) -> None:
        services.policy_propose(version=version, by_user=request.user)

    return _act(request, number, "Version {n} proposed for sign-off.", act)


@require_POST
@guarded("definition.approve")
def version_approve(request: HttpRequest, number: int) -> HttpResponse:
    def act(version: PolicyVersion) -> None:
        services.policy_approve(version=version, user=request.user)
        if version.status == Status.LIVE:
            messages.success(
                request,
                f"Both teams approved: version {version.number} is live. MQLs assigned from "
                "now on are measured against it; earlier ones keep the version of their time.",
            )

    return _act(request, number, "Your approval of version {n} is recorded.", act)
