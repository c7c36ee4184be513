"""Forms of the import pages: they check shape; the services and the runner check the rest."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from smarketing.imports.mappings import FileError, overrides_parse
from smarketing.imports.models import KIND_CHOICES, ImportJob

MAPPING_CHOICES = [
    ("auto", "Detect from the column names"),
    ("smarketing", "Smarketing column names (our export)"),
    ("hubspot", "HubSpot export"),
    ("salesforce", "Salesforce export"),
    ("custom", "Custom: the JSON mapping below"),
]
ENCODING_CHOICES = [
    ("", "UTF-8 (the default)"),
    ("cp1252", "Windows-1252 / Latin-1 (older Excel)"),
    ("utf-16", "UTF-16 (Excel 'Unicode text')"),
]


class ImportOptionsForm(forms.Form):
    kind = forms.ChoiceField(choices=KIND_CHOICES, label="The rows are")
    mapping = forms.ChoiceField(choices=MAPPING_CHOICES, label="Column names")
    custom_mapping = forms.CharField(
        required=False,
        label="Custom mapping (JSON)",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='{"CSV column": "our_field", "Column to skip": null}; '
        "columns it does not name are detected as usual.",
    )
    encoding = forms.ChoiceField(choices=ENCODING_CHOICES, required=False)
    day_first = forms.BooleanField(
        required=False, label="Dates like 05/03/2024 are day/month/year (5 March)"
    )
    atomic = forms.BooleanField(
        required=False, label="All or nothing: import no row if any row is rejected"
    )

    def __init__(self, *args: Any, kinds: list[str] | None = None, **kwargs: Any) -> None:
        """`kinds`: the kinds of rows this user may import (a rep: activities only)."""
        super().__init__(*args, **kwargs)
        if kinds is not None:
            field = self.fields["kind"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(k, label) for k, label in KIND_CHOICES if k in kinds]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["overrides"] = {}
        if data.get("mapping") == "custom":
            text = (data.get("custom_mapping") or "").strip()
            if not text:
                self.add_error("custom_mapping", "write the mapping, or choose another option")
                return data
            try:
                data["overrides"] = overrides_parse(json.loads(text))
            except ValueError as exc:
                self.add_error("custom_mapping", f"not valid JSON ({exc})")
            except FileError as exc:
                self.add_error("custom_mapping", str(exc))
        return data

    def job_options(self) -> dict[str, Any]:
        data = self.cleaned_data
        mapping = "auto" if data["mapping"] == "custom" else data["mapping"]
        return {
            "kind": data["kind"],
            "mapping": mapping,
            "overrides": data["overrides"],
            "encoding": data.get("encoding") or "",
            "day_first": data["day_first"],
            "atomic": data["atomic"],
        }

    @staticmethod
    def initial_for(job: ImportJob) -> dict[str, Any]:
        return {
            "kind": job.kind,
            "mapping": "custom" if job.overrides else job.mapping,
            "custom_mapping": json.dumps(job.overrides, indent=1) if job.overrides else "",
            "encoding": job.encoding,
            "day_first": job.day_first,
            "atomic": job.atomic,
        }


class UploadForm(ImportOptionsForm):
    file = forms.FileField(label="CSV file")
    field_order = ["file", "kind", "mapping", "custom_mapping", "encoding", "day_first", "atomic"]
