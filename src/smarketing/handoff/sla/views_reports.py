"""The SLA compliance page: per rep and per team over a window, per team by month, and
marketing's progress for a month. The numbers come from `reports`, as GET /api/sla/compliance
and GET /api/sla/marketing give them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from smarketing.handoff.sla import charts, reports
from smarketing.handoff.sla.forms import WindowForm
from smarketing.handoff.sla.reports import ComplianceRow
from smarketing.web.guard import guarded

SECTION = "sla:overview"


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def _count(row: ComplianceRow, n: int) -> str:
    return f"{n} of {row.assigned}"


def group_of(row: ComplianceRow, label: str | None = None) -> charts.Group:
    counts = (row.accepted_in_time, row.first_touch_in_time, row.cadence_completed)
    return charts.Group(
        label=label or row.label,
        shares=tuple(row.share(n) for n in counts),
        counts=tuple(_count(row, n) for n in counts),
    )


def row_view(row: ComplianceRow) -> dict[str, Any]:
    """A table row: each count with its share of the MQLs assigned."""

    def cell(n: int) -> dict[str, Any]:
        share = row.share(n)
        return {"n": n, "share": share, "pct": _pct(share)}

    return {
        "key": row.key,
        "label": row.label,
        "assigned": row.assigned,
        "accepted": cell(row.accepted_in_time),
        "first_touch": cell(row.first_touch_in_time),
        "cadence": cell(row.cadence_completed),
        "median": row.median_response_hours,
        "ignored": cell(row.ignored),
    }


def _month(value: str, now: dt.datetime) -> dt.datetime | None:
    if not value:
        return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    try:
        return dt.datetime.strptime(value, "%Y-%m").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def _team_months(
    by_month: dict[str, dict[str, ComplianceRow]],
) -> list[dict[str, Any]]:
    out = []
    for team in sorted(by_month):
        months = [by_month[team][m] for m in sorted(by_month[team])]
        out.append(
            {
                "team": team,
                "rows": [row_view(r) for r in months],
                "chart": charts.columns([group_of(r) for r in months]),
            }
        )
    return out


@require_GET
@guarded("contact.view")
def compliance(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    form = WindowForm(request.GET)
    context: dict[str, Any] = {"form": form, "section": SECTION, "series": charts.SERIES}
    month = None
    if form.is_valid():
        since, until = form.window(today=now.date())
        month = _month(form.cleaned_data["month"], now)
        if month is None:
            form.add_error("month", "must look like 2025-06 (year and month)")
    if not form.is_valid():
        return render(request, "sla/compliance.html", context, status=400)
    assert month is not None
    start, end = _at(since), _at(until)
    owners = reports.compliance(by="owner", since=start, until=end, now=now)
    teams = reports.compliance(by="team", since=start, until=end, now=now)
    by_month = reports.compliance_by_month(since=start, until=end, now=now)
    progress = reports.marketing_progress(month_start=month, now=now)
    minimum = progress.min_acceptance_rate
    context |= {
        "since": since,
        "until": until,
        "last_day": until - dt.timedelta(days=1),
        "owners": [row_view(r) for r in owners],
        "teams": [row_view(r) for r in teams],
        "owner_chart": charts.horizontal([group_of(r) for r in owners]) if owners else None,
        "team_months": _team_months(by_month),
        "marketing": progress,
        "marketing_pct": {"rate": _pct(progress.acceptance_rate), "minimum": _pct(minimum)},
        "api_query": f"since={since:%Y-%m-%d}&until={until:%Y-%m-%d}",
    }
    return render(request, "sla/compliance.html", context)
