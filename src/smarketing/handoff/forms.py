"""The handoff card's forms: they parse the shape of input; the decisions judge it."""

from __future__ import annotations

from typing import Any

from django import forms

from smarketing.lifecycle.models import TransitionReason
from smarketing.scoring.rules.model import SqlItem

RATING_CHOICES = [
    ("", "No rating"),
    ("5", "5 – excellent"),
    ("4", "4 – good"),
    ("3", "3 – fair"),
    ("2", "2 – poor"),
    ("1", "1 – very poor"),
]


def _rating(required: bool) -> forms.TypedChoiceField:
    choices = RATING_CHOICES[1:] if required else RATING_CHOICES
    return forms.TypedChoiceField(
        choices=choices, coerce=int, empty_value=None, required=required, label="Lead quality"
    )


def _comment() -> forms.CharField:
    return forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AcceptForm(forms.Form):
    rating = _rating(False)
    comment = _comment()


class RatingForm(forms.Form):
    rating = _rating(True)
    comment = _comment()


class ReasonForm(forms.Form):
    """A reject, disqualify or recycle: a reason of that kind is required."""

    reason = forms.ChoiceField(label="Reason")
    comment = _comment()

    def __init__(self, *args: Any, reasons: list[TransitionReason], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", "Choose a reason…")] + [
            (r.code, r.label) for r in reasons
        ]


class ConvertForm(forms.Form):
    checklist = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="SQL checklist"
    )
    rating = _rating(False)
    comment = _comment()

    def __init__(self, *args: Any, items: tuple[SqlItem, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checklist"].choices = [(i.id, i.label) for i in items]


class DealForm(forms.Form):
    name = forms.CharField(max_length=200, label="Deal name")
    amount = forms.DecimalField(required=False, min_value=0, max_digits=14, decimal_places=2)
    currency = forms.CharField(required=False, max_length=3, initial="USD")
    close_date = forms.DateField(
        required=False, label="Expected close", widget=forms.DateInput(attrs={"type": "date"})
    )


class ReviewMonthForm(forms.Form):
    month = forms.RegexField(
        regex=r"^\d{4}-\d{2}$",
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"invalid": "a month is written YYYY-MM"},
    )
