"""The attribution page's parameter form. It only renders the fields and shows errors beside
them: `params.params_parse` reads the same values the API and the CLI read and names what is
wrong, so the three never disagree."""

from __future__ import annotations

from typing import Any

from django import forms

from smarketing.analytics.attribution.heuristics import DEFAULT_HALF_LIFE_DAYS
from smarketing.analytics.attribution.markov import MAX_ORDER
from smarketing.analytics.attribution_report.params import (
    DEFAULT_LOOKBACK_DAYS,
    MAX_LOOKBACK_DAYS,
    By,
    Level,
)


def _select(label: str, choices: list[tuple[str, str]], help_text: str = "") -> forms.CharField:
    return forms.CharField(
        required=False, label=label, help_text=help_text, widget=forms.Select(choices=choices)
    )


def _date(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        required=False,
        label=label,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _number(label: str, help_text: str, **attrs: Any) -> forms.CharField:
    return forms.CharField(
        required=False,
        label=label,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"size": 5, **attrs}),
    )


class AttributionForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = _date("Deals won from", "First day counted (UTC).")
        self.fields["until"] = _date("Until (not included)", "First day not counted.")
        self.fields["level"] = _select(
            "Journeys per",
            [(Level.CONTACT, "Contact"), (Level.ACCOUNT, "Account")],
            "Contact: the deal's primary contact. Account: all its contacts.",
        )
        self.fields["by"] = _select(
            "Credit to", [(By.CHANNEL, "Channels"), (By.CAMPAIGN, "Campaigns")]
        )
        self.fields["lookback"] = _number(
            "Lookback (days)",
            f"Touches counted before the deal; default {DEFAULT_LOOKBACK_DAYS}.",
            min=1,
            max=MAX_LOOKBACK_DAYS,
            placeholder=DEFAULT_LOOKBACK_DAYS,
        )
        self.fields["order"] = _select(
            "Markov order", [(str(n), str(n)) for n in range(1, MAX_ORDER + 1)]
        )
        self.fields["half_life"] = _number(
            "Half-life (days)",
            "Time decay only.",
            min=0,
            step="any",
            placeholder=f"{DEFAULT_HALF_LIFE_DAYS:g}",
        )
