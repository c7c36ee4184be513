"""The preferences form: the shape of the input; the rules are in notify.preferences."""

from __future__ import annotations

from typing import Any

from django import forms

from smarketing.notify.models import AlertKind, EmailMode


class PreferenceForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        required=False,
        choices=AlertKind.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Tell me beyond the app about",
        help_text="Unticked alerts still appear on the notifications page, marked read.",
    )
    email = forms.BooleanField(required=False, label="By email")
    email_mode = forms.ChoiceField(choices=EmailMode.choices, label="Email")
    slack_url = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        label="Slack-compatible incoming webhook URL",
    )
    webhook_url = forms.URLField(
        required=False, max_length=500, assume_scheme="https", label="Signed JSON webhook URL"
    )
    quiet_start = forms.TimeField(
        required=False, label="Quiet from", widget=forms.TimeInput(attrs={"type": "time"})
    )
    quiet_end = forms.TimeField(
        required=False, label="until", widget=forms.TimeInput(attrs={"type": "time"})
    )

    @classmethod
    def initial_from(cls, pref: Any) -> dict[str, Any]:
        return {
            "kinds": [k for k in AlertKind.values if k not in pref.muted_kinds],
            "email": pref.email,
            "email_mode": pref.email_mode,
            "slack_url": pref.slack_url,
            "webhook_url": pref.webhook_url,
            "quiet_start": pref.quiet_start,
            "quiet_end": pref.quiet_end,
        }

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        chosen = set(data.pop("kinds"))
        data["muted_kinds"] = [k for k in AlertKind.values if k not in chosen]
        return data
