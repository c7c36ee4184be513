"""The routing page's forms and the contact page's reassignment form."""

from __future__ import annotations

from typing import Any

from django import forms

from smarketing.handoff.routing.models import Region, RuleKind
from smarketing.org.models import Team, TeamKind, User


def _active() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(queryset=User.objects.filter(is_active=True), required=False)


class RuleForm(forms.Form):
    name = forms.CharField(max_length=100, required=False, help_text="Default: the team's name.")
    kind = forms.ChoiceField(choices=RuleKind.choices)
    countries = forms.CharField(required=False, help_text="Two-letter codes, e.g. DE, AT, CH.")
    region = forms.ModelChoiceField(queryset=Region.objects.all(), required=False)
    industries = forms.CharField(required=False, help_text="Separated by ;")
    employees_min = forms.IntegerField(min_value=0, required=False, label="Employees from")
    employees_max = forms.IntegerField(min_value=0, required=False, label="Employees to")
    user = _active()
    team = forms.ModelChoiceField(
        queryset=Team.objects.filter(kind=TeamKind.SALES), required=False, label="Team"
    )
    position = forms.IntegerField(min_value=1, required=False, help_text="Default: last.")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].label = "Owner (territory)"


class RegionForm(forms.Form):
    name = forms.CharField(max_length=100)
    countries = forms.CharField(help_text="Two-letter codes, e.g. DE, AT, CH.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own element ids: the rule form on the same page also has "name" and "countries".
        kwargs.setdefault("auto_id", "id_region_%s")
        super().__init__(*args, **kwargs)


class SettingsForm(forms.Form):
    fallback_user = _active()
    default_capacity = forms.IntegerField(
        min_value=0, required=False, help_text="Most open MQLs and SALs a rep holds."
    )


class AwayForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.filter(is_active=True), label="Rep")
    first_day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own element ids: the rule form on the same page also has "user".
        kwargs.setdefault("auto_id", "id_away_%s")
        super().__init__(*args, **kwargs)


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(min_value=0, required=False)


class PreviewForm(forms.Form):
    email = forms.EmailField(label="Contact's email")


class ReassignForm(forms.Form):
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("email"), label="New owner"
    )
    note = forms.CharField(required=False, widget=forms.TextInput(), label="Why")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own element ids: the contact page also has the stage form's "note".
        kwargs.setdefault("auto_id", "id_assign_%s")
        super().__init__(*args, **kwargs)
