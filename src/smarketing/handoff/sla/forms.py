"""Forms of the SLA pages: the policy text, the report window and the business-hours settings.
They only parse; the services check the rules and name what is wrong."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from smarketing.web.forms import WEEKDAYS, TeamForm


class PolicyTextForm(forms.Form):
    text = forms.CharField(
        label="The policy (YAML)",
        # Monospaced, as YAML's indentation is its structure.
        widget=forms.Textarea(
            attrs={
                "rows": 28,
                "spellcheck": "false",
                "style": "font-family: ui-monospace, monospace; width: 100%",
            }
        ),
        help_text="The same text as `smarketing sla export`; every field is described in "
        "docs/sla.md.",
        strip=False,
    )


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month_start(day: dt.date) -> dt.date:
    return month_start(month_start(day) - dt.timedelta(days=1))


class WindowForm(forms.Form):
    """The report's window in whole UTC days: [since, until). Default: last month and this
    month up to today (until is the day after today)."""

    since = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    until = forms.DateField(
        required=False,
        label="Until (not included)",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    month = forms.CharField(
        required=False,
        label="Marketing month",
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2025-06"}),
        help_text="YYYY-MM; default this month.",
    )

    def window(self, *, today: dt.date) -> tuple[dt.date, dt.date]:
        data = self.cleaned_data
        until = data.get("until") or today + dt.timedelta(days=1)
        since = data.get("since") or previous_month_start(today)
        if since >= until:
            self.add_error("since", "must be before the until date")
        return since, until


class HolidayCountryForm(forms.Form):
    holiday_country = forms.CharField(
        required=False,
        max_length=10,
        label="Public holidays of",
        help_text='An ISO country code, with a region if it matters: "DE", "DE-BY", "US-NY". '
        "Empty: no public holidays.",
    )


class DayOffForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    label = forms.CharField(required=False, max_length=100, help_text="e.g. “Team offsite”.")


class RepHoursForm(forms.Form):
    # Free text, so the model's own check names an unknown zone in its message.
    timezone = forms.CharField(
        max_length=64,
        label="Time zone",
        widget=forms.TextInput(attrs={"list": "timezones", "autocomplete": "off"}),
    )
    workdays = forms.MultipleChoiceField(
        choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple, label="Working days"
    )
    day_start = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    day_end = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    timezones = staticmethod(TeamForm.timezones)

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "timezone_name": data["timezone"],
            "workdays": "".join(sorted(data["workdays"])),
            "day_start": data["day_start"],
            "day_end": data["day_end"],
        }
