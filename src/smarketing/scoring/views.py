"""Pages of the definition: the live rules, the versions, the draft editor and the sign-off."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from smarketing.errors import InvalidInput
from smarketing.org import permissions
from smarketing.scoring import editor, editor_rows, queries, rules, services
from smarketing.scoring.models import DefinitionVersion
from smarketing.web.guard import apply_errors, guarded

SECTION = "scoring:definition"


class DraftForm(forms.Form):
    text = forms.CharField(
        label="Definition (YAML)",
        # Monospaced, as YAML's indentation is its structure (the shared stylesheet has no
        # code editor style).
        widget=forms.Textarea(
            attrs={
                "rows": 30,
                "spellcheck": "false",
                "style": "font-family: ui-monospace, monospace; width: 100%",
            }
        ),
        help_text="The same text as `smarketing definition export`; the format: "
        "docs/scoring-rules.md.",
        strip=False,
    )


def _conditions(when: rules.Conditions) -> str:
    parts = [
        f"{name} {' or '.join(values)}"
        for name, values in (
            ("kind", when.kind),
            ("channel", when.channel),
            ("path", when.path),
            ("form", when.form),
            ("funnel stage", when.funnel_stage),
            ("campaign", when.campaign),
            ("event", when.event),
        )
        if values
    ]
    if when.high_intent is not None:
        parts.append("high-intent page" if when.high_intent else "not a high-intent page")
    parts += [f"{key} = {value}" for key, value in when.properties]
    return ", ".join(parts) or "any touchpoint"


def _fit_condition(rule: rules.FitRule) -> str:
    if rule.operator == rules.Operator.RANGE:
        low = f"{rule.min:g} ≤ " if rule.min is not None else ""
        high = f" < {rule.max:g}" if rule.max is not None else ""
        return f"{low}{rule.field}{high}"
    values = rule.value if isinstance(rule.value, tuple) else (rule.value,)
    # As in the file: true/false, not Python's True/False.
    shown = ", ".join(str(v).lower() if isinstance(v, bool) else str(v) for v in values)
    operator = str(rule.operator).replace("_", " ")
    return f"{rule.field} {operator}" + ("" if rule.value is None else f" {shown}")


def _tables(definition: rules.Definition) -> dict[str, Any]:
    return {
        "definition": definition,
        "fit": [(r, _fit_condition(r)) for r in definition.fit_rules],
        "groups": [
            (g, [(r, _conditions(r.when)) for r in g.engagement_rules])
            for g in definition.score_groups()
        ],
        "mql": [c.describe() for c in definition.mql],
    }


def version_or_404(number: int) -> DefinitionVersion:
    services.definition_live()
    version = queries.version_by_number(number)
    if version is None:
        raise Http404(f"definition version {number} not found")
    return version


@guarded("definition.view")
def definition_overview(request: HttpRequest) -> HttpResponse:
    live = services.definition_live()
    versions = [(v, queries.sign_off(v).describe(v)) for v in queries.versions_list()]
    context = {
        "live": live,
        "versions": versions,
        "can_propose": permissions.can(request.user, "definition.propose"),
        "rescoring": queries.rescoring_latest(),
        "section": SECTION,
        **_tables(queries.definition_of(live)),
    }
    return render(request, "scoring/definition.html", context)


@guarded("definition.view")
def rescoring_progress(request: HttpRequest) -> HttpResponse:
    """The latest full rescoring's progress, polled by the Definition page while it runs."""
    return render(request, "scoring/_rescoring.html", {"rescoring": queries.rescoring_latest()})


@require_POST
@guarded("definition.propose")
def draft_new(request: HttpRequest) -> HttpResponse:
    draft = services.definition_draft_create(by_user=request.user)
    messages.success(request, f"Draft version {draft.number} created from the live version.")
    return redirect("scoring:version", number=draft.number)


def _version_page(
    request: HttpRequest,
    version: DefinitionVersion,
    *,
    form: DraftForm | None = None,
    rows: editor_rows.Editor | None = None,
    status: int = 200,
) -> HttpResponse:
    """The version with its sign-off; for a draft the user may change, the editor: the rules as
    rows (the default) or as the file (`?view=file`, or a failed save of the file)."""
    state = queries.sign_off(version)
    user = request.user
    can_propose = version.is_draft and permissions.can(user, "definition.propose")
    view = "file" if form is not None or request.GET.get("view") == "file" else "rows"
    if rows is not None:
        view = "rows"
    if can_propose and view == "file" and form is None:
        form = DraftForm(initial={"text": version.text})
    definition = queries.definition_of(version)
    if can_propose and view == "rows" and rows is None:
        rows = editor_rows.editor_from_data(rules.definition_to_dict(definition))
    context = {
        "version": version,
        "state": state,
        "status_text": state.describe(version),
        "changes": [c.describe() for c in queries.definition_changes(version)],
        "history": version.approvals.all(),
        "view": view,
        "form": form if can_propose else None,
        "editor": rows if can_propose else None,
        "can_propose": can_propose,
        "can_approve": version.is_draft
        and version.proposed_at is not None
        and permissions.can(user, "definition.approve")
        and not any(a.user_id == user.pk for a in state.approvals),
        # The other team has approved: this leader's approval publishes the version.
        "approval_publishes": len(state.waiting_for) == 1
        and state.waiting_for[0]
        == f"the {getattr(getattr(user, 'team', None), 'kind', '')} leader",
        "backtest_url": reverse("scoring:version-backtest", kwargs={"number": version.number})
        if version.is_draft
        else None,
        "section": SECTION,
        **_tables(definition),
    }
    return render(request, "scoring/version.html", context, status=status)


@guarded("definition.view")
def version_detail(request: HttpRequest, number: int) -> HttpResponse:
    version = version_or_404(number)
    if request.method == "GET":
        return _version_page(request, version)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    permissions.require(request.user, "definition.propose")
    if "text" not in request.POST:
        return _save_rows(request, version)
    form = DraftForm(request.POST)
    if form.is_valid():
        try:
            services.definition_draft_update(
                version=version, text=form.cleaned_data["text"], by_user=request.user
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Draft saved (revision {version.revision}).")
            return redirect("scoring:version", number=version.number)
    return _version_page(request, version, form=form, status=400)


def _save_rows(request: HttpRequest, version: DefinitionVersion) -> HttpResponse:
    """Save the editor's rows as the draft's file: read by the rule engine and written in its
    canonical form, the same text the file view saves. With any mistake nothing is saved and
    the rows come back with each mistake beside its input."""
    data = editor.data_from_form(request.POST)
    try:
        definition = rules.definition_from_dict(data)
        services.definition_draft_update(
            version=version, text=rules.dump(definition), by_user=request.user
        )
    except rules.DefinitionError as exc:
        rows = editor_rows.editor_from_data(data, errors=exc.errors)
    except InvalidInput as exc:
        rows = editor_rows.editor_from_data(data, errors=exc.errors)
    else:
        messages.success(request, f"Draft saved (revision {version.revision}).")
        return redirect("scoring:version", number=version.number)
    return _version_page(request, version, rows=rows, status=400)


def _act(request: HttpRequest, number: int, done: str, act: Any) -> HttpResponse:
    version = version_or_404(number)
    try:
        act(version)
    except InvalidInput as exc:
        messages.error(request, exc.summary())
    else:
        messages.success(request, done.format(n=version.number))
    return redirect("scoring:version", number=version.number)


@require_POST
@guarded("definition.propose")
def version_propose(request: HttpRequest, number: int) -> HttpResponse:
    def act(version: DefinitionVersion) -> None:
        services.definition_propose(version=version, by_user=request.user)

    return _act(request, number, "Version {n} proposed for sign-off.", act)


@require_POST
@guarded("definition.approve")
def version_approve(request: HttpRequest, number: int) -> HttpResponse:
    def act(version: DefinitionVersion) -> None:
        promote = request.POST.get("promote") == "on"
        services.definition_approve(version=version, user=request.user, promote=promote)
        if version.status == "live":
            then = (
                "contacts that now meet the criteria become MQLs"
                if promote
                else "contacts that now meet the criteria become MQLs at their next activity"
            )
            messages.success(
                request,
                f"Both teams approved: version {version.number} is live. Every contact is "
                f"being rescored; {then}.",
            )

    return _act(request, number, "Your approval of version {n} is recorded.", act)
