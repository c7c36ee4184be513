"""Forms parse and validate the shape of input; business rules stay in the services."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms

from smarketing.campaigns.models import Campaign, Channel
from smarketing.deals.models import DealStage
from smarketing.handoff.models import ActivityKind, CallOutcome
from smarketing.lifecycle.models import TransitionReason
from smarketing.lifecycle.stages import (
    ALLOWED,
    LABELS,
    REASON_KINDS,
    REJECTABLE_FROM,
    STAGE_CHOICES,
    ReasonKind,
    Stage,
)
from smarketing.org.models import User
from smarketing.scoring.queries import SORT_LABELS, score_groups_live

WEEKDAYS = [
    ("1", "Mon"),
    ("2", "Tue"),
    ("3", "Wed"),
    ("4", "Thu"),
    ("5", "Fri"),
    ("6", "Sat"),
    ("7", "Sun"),
]


# A fit letter alone matches every grade with it; a full grade one.
GRADE_CHOICES = [
    (value, f"{value} (any engagement)" if len(value) == 1 else value)
    for letter in "ABCD"
    for value in (letter, *(f"{letter}{digit}" for digit in "1234"))
]


def _any(label: str, choices: Any) -> list[tuple[str, str]]:
    return [("", label), *choices]


class ContactFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=200)
    stage = forms.ChoiceField(required=False, choices=_any("Any stage", STAGE_CHOICES))
    owner = forms.ModelChoiceField(
        required=False, queryset=User.objects.filter(is_active=True), empty_label="Any owner"
    )
    source_channel = forms.ChoiceField(
        required=False, label="Source", choices=_any("Any source", Channel.choices)
    )
    campaign = forms.ModelChoiceField(
        required=False, queryset=Campaign.objects.order_by("name"), empty_label="Any campaign"
    )
    grade = forms.ChoiceField(required=False, choices=_any("Any grade", GRADE_CHOICES))
    min_score = forms.FloatField(required=False, label="Score from")
    max_score = forms.FloatField(required=False, label="to")
    mql = forms.ChoiceField(
        required=False,
        label="MQL criteria",
        choices=[("", "Met or not"), ("yes", "Met"), ("no", "Not met")],
    )
    score_group = forms.ChoiceField(required=False, label="Score group")
    sort = forms.ChoiceField(required=False, choices=list(SORT_LABELS.items()))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = score_groups_live()
        self.fields["score_group"].choices = groups
        if len(groups) == 1:
            # One score group: nothing to choose.
            self.fields["score_group"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("min_score"), data.get("max_score")
        if low is not None and high is not None and low > high:
            self.add_error("max_score", "must not be below the lower bound")
        return data


class AccountFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=200)
    industry = forms.CharField(required=False, max_length=100)
    country = forms.CharField(required=False, max_length=2, label="Country (ISO code)")
    min_employees = forms.IntegerField(required=False, min_value=0, label="Employees from")
    max_employees = forms.IntegerField(required=False, min_value=0, label="to")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("min_employees"), data.get("max_employees")
        if low is not None and high is not None and low > high:
            self.add_error("max_employees", "must not be below the lower bound")
        return data


class DealFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=200)
    stage = forms.ChoiceField(required=False, choices=_any("Any stage", DealStage.choices))


class CampaignFilterForm(forms.Form):
    channel = forms.ChoiceField(required=False, choices=_any("Any channel", Channel.choices))


def reason_kinds_for(current: Stage | None, target: Stage | None) -> set[ReasonKind]:
    """Kinds of reason that can fit a move from `current` (to `target`, or to any allowed)."""
    targets = [target] if target else list(ALLOWED[current])
    kinds: set[ReasonKind] = set()
    for stage in targets:
        kinds |= REASON_KINDS.get(stage, frozenset())
    if current not in REJECTABLE_FROM:
        kinds.discard(ReasonKind.REJECT)
    return kinds


class StageForm(forms.Form):
    """Move a contact: only the stages allowed from where it is, only reasons that can fit."""

    to_stage = forms.ChoiceField(label="Move to")
    reason = forms.ModelChoiceField(
        required=False, queryset=TransitionReason.objects.none(), empty_label="No reason"
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, current: str, target: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = Stage(current) if current else None
        order = {stage: i for i, stage in enumerate(Stage)}
        allowed = sorted(ALLOWED[self.current], key=order.__getitem__)
        self.fields["to_stage"].choices = _any(
            "Choose a stage", [(s.value, LABELS[s]) for s in allowed]
        )
        chosen = Stage(target) if target in {s.value for s in allowed} else None
        kinds = reason_kinds_for(self.current, chosen)
        self.fields["reason"].queryset = TransitionReason.objects.filter(
            active=True, kind__in=[k.value for k in kinds]
        ).order_by("kind", "label")
        self.needs_reason = bool(kinds)

    @property
    def has_moves(self) -> bool:
        return len(self.fields["to_stage"].choices) > 1


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(choices=ActivityKind.choices)
    subject = forms.CharField(required=False, max_length=300)
    body = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.ChoiceField(required=False, choices=_any("— (calls only)", CallOutcome.choices))
    occurred_at = forms.DateTimeField(
        required=False,
        label="When (empty: now)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class TeamForm(forms.Form):
    name = forms.CharField(max_length=100)
    # Free text, so the service's own check names an unknown zone in its message.
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

    @staticmethod
    def timezones() -> list[str]:
        return sorted(zoneinfo.available_timezones())

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["workdays"] = "".join(sorted(data["workdays"]))
        return data


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, required=False, help_text="What the token is for, e.g. “CRM sync”."
    )
