"""The funnel page's filter form. It only renders the filters and shows errors beside them:
`filters.filters_parse` reads the same GET values the API and the CLI read and names what is
wrong, so the three never disagree."""

from __future__ import annotations

from typing import Any

from django import forms

from smarketing.analytics.funnel.filters import SIZE_LABELS
from smarketing.analytics.funnel.maths import Period
from smarketing.campaigns.models import Campaign, Channel
from smarketing.org.models import Team, User

ANY = ("", "Any")


def _date(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        required=False,
        label=label,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _select(label: str, choices: list[tuple[str, str]]) -> forms.CharField:
    return forms.CharField(required=False, label=label, widget=forms.Select(choices=choices))


class FunnelFilterForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        periods = [(p.value, p.value.capitalize()) for p in Period]
        channels = [ANY, *Channel.choices]
        campaigns = [
            ANY,
            *((str(pk), name) for pk, name in Campaign.objects.values_list("pk", "name")),
        ]
        sizes = [ANY, *SIZE_LABELS.items()]
        owners = [ANY, *((str(u.pk), str(u)) for u in User.objects.filter(is_active=True))]
        teams = [ANY, *((str(pk), name) for pk, name in Team.objects.values_list("pk", "name"))]
        self.fields["from"] = _date("From", "First day counted (UTC).")
        self.fields["until"] = _date("Until (not included)", "First day not counted.")
        self.fields["period"] = _select("Per", periods)
        self.fields["channel"] = _select("Original source", channels)
        self.fields["campaign"] = _select("First-touch campaign", campaigns)
        self.fields["industry"] = forms.CharField(required=False, label="Industry")
        self.fields["size"] = _select("Company size", sizes)
        self.fields["country"] = forms.CharField(
            required=False, label="Country", max_length=2, widget=forms.TextInput({"size": 3})
        )
        self.fields["owner"] = _select("Owner", owners)
        self.fields["team"] = _select("Owner's team", teams)
