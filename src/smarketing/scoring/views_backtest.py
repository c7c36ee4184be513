"""The backtest page of a version: start a backtest over a past window, watch it run (htmx polls
the run's part of the page), then read what the version would have changed against the live one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from smarketing.errors import InvalidInput
from smarketing.org import permissions
from smarketing.scoring import backtest, queries, services
from smarketing.scoring.models import BacktestRun, DefinitionVersion, RunStatus
from smarketing.scoring.rules.backtest import (
    BacktestResult,
    ChangedContact,
    MonthCount,
    Outcomes,
)
from smarketing.web.guard import apply_errors, guarded

SECTION = "scoring:definition"
POLL_SECONDS = 2
# Chart geometry, in SVG user units.
CHART_HEIGHT = 180
BAR_WIDTH = 20
BAR_GAP = 2
GROUP_GAP = 26
SERIES = (("draft", "This version", "#2f6fed"), ("live", "Live version", "#98a2b3"))
ACTUAL = ("actual", "Recorded MQLs", "#12805c")


class BacktestForm(forms.Form):
    since = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"}), help_text="Midnight UTC."
    )
    until = forms.DateField(
        label="Until (excluded)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Empty: until now.",
    )


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    height: float
    colour: str
    value: int
    title: str

    @property
    def middle(self) -> float:
        return self.x + BAR_WIDTH / 2


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    bars: list[Bar]
    labels: list[tuple[float, str]]
    top: int
    bar_width: int = BAR_WIDTH

    @property
    def baseline(self) -> float:
        return CHART_HEIGHT + 14


def chart_of(months: tuple[MonthCount, ...]) -> Chart:
    """Bars side by side per month: this version, the live one and the MQLs recorded."""
    series = (*SERIES, ACTUAL)
    top = max([1, *(getattr(m, key) for m in months for key, _, _ in series)])
    group = len(series) * (BAR_WIDTH + BAR_GAP)
    bars, labels = [], []
    for index, month in enumerate(months):
        left = GROUP_GAP + index * (group + GROUP_GAP)
        for position, (key, label, colour) in enumerate(series):
            value = getattr(month, key)
            height = CHART_HEIGHT * value / top
            bars.append(
                Bar(
                    x=left + position * (BAR_WIDTH + BAR_GAP),
                    y=CHART_HEIGHT - height + 14,
                    height=height,
                    colour=colour,
                    value=value,
                    title=f"{month.month}: {label} {value}",
                )
            )
        labels.append((left + group / 2, month.month))
    width = GROUP_GAP + len(months) * (group + GROUP_GAP)
    return Chart(width=width, height=CHART_HEIGHT + 34, bars=bars, labels=labels, top=top)


def _version_or_404(number: int) -> DefinitionVersion:
    services.definition_live()
    version = queries.version_by_number(number)
    if version is None:
        raise Http404(f"definition version {number} not found")
    return version


def _run_of(version: DefinitionVersion, run_id: str | None) -> BacktestRun | None:
    runs = backtest.backtest_runs(version)
    if run_id is None:
        return runs.first()
    if not run_id.isdigit():
        raise Http404(f"backtest {run_id!r} not found")
    found = runs.filter(pk=int(run_id)).first()
    if found is None:
        raise Http404(f"backtest {run_id} of version {version.number} not found")
    return found


def _changed_rows(
    changed: tuple[ChangedContact, ...], contacts: dict[int, Any]
) -> list[dict[str, Any]]:
    return [{"row": c, "contact": contacts.get(c.contact_id)} for c in changed]


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.1f}%"


def _outcome_row(label: str, outcomes: Outcomes) -> dict[str, Any]:
    return {
        "label": label,
        "counts": outcomes,
        "shares": [_percent(outcomes.share(s)) for s in ("sql", "opportunity", "customer")],
    }


def _run_context(run: BacktestRun, version: DefinitionVersion) -> dict[str, Any]:
    live = services.definition_live()
    result: BacktestResult | None = backtest.backtest_result(run)
    context: dict[str, Any] = {
        "run": run,
        "version": version,
        "stale_reason": backtest.backtest_stale_reason(run, version=version, live=live),
        "polling": run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
        "poll_seconds": POLL_SECONDS,
        "poll_url": reverse("scoring:version-backtest", kwargs={"number": version.number})
        + f"?run={run.pk}",
        "result": result,
        "legend": (*SERIES, ACTUAL),
    }
    if result is not None:
        contacts = backtest.backtest_contacts(result)
        context.update(
            chart=chart_of(result.months),
            outcomes=[
                _outcome_row("This version", result.draft),
                _outcome_row(f"Live version {run.live_number}", result.live),
                _outcome_row("Recorded MQLs", result.actual),
            ],
            newly=_changed_rows(result.newly, contacts),
            stopped=_changed_rows(result.stopped, contacts),
        )
    return context


def _page(
    request: HttpRequest,
    version: DefinitionVersion,
    *,
    form: BacktestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    run = _run_of(version, request.GET.get("run"))
    if run is not None and request.headers.get("HX-Request"):
        return render(request, "scoring/backtest_run.html", _run_context(run, version))
    can_start = permissions.can(request.user, "definition.propose")
    if form is None and can_start:
        today = timezone.now().date()
        form = BacktestForm(initial={"since": today - dt.timedelta(days=backtest.DEFAULT_DAYS)})
    context = {
        "version": version,
        "section": SECTION,
        "form": form if can_start else None,
        "runs": backtest.backtest_runs(version)[:10],
        "current": run,
        **(_run_context(run, version) if run is not None else {}),
    }
    return render(request, "scoring/backtest.html", context, status=status)


@guarded("definition.view")
def version_backtest(request: HttpRequest, number: int) -> HttpResponse:
    version = _version_or_404(number)
    if request.method == "GET":
        return _page(request, version)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    permissions.require(request.user, "definition.propose")
    form = BacktestForm(request.POST)
    if form.is_valid():
        try:
            run = backtest.backtest_start(
                version=version,
                by_user=request.user,
                since=form.cleaned_data["since"],
                until=form.cleaned_data["until"],
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            url = reverse("scoring:version-backtest", kwargs={"number": version.number})
            return redirect(f"{url}?run={run.pk}")
    return _page(request, version, form=form, status=400)
