"""The draft editor's htmx partials: a row drawn again when its field or operator changes, rows
added and removed, the live preview of a sample contact's score and the contact search."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from smarketing.errors import InvalidInput
from smarketing.people.queries import contacts_visible_to
from smarketing.scoring import editor, editor_rows, rules
from smarketing.scoring.preview import (
    definition_read,
    preview_contact,
    preview_contacts_search,
    preview_default_contact,
)
from smarketing.scoring.views import version_or_404
from smarketing.web.guard import guarded

_FIT_ROW = re.compile(r"fit_rules\[\d+\]")
_ADDABLE = re.compile(
    r"fit_rules|engagement_rules|groups(\[\d+\]\.engagement_rules)?|mql|sql_checklist"
)
_SOURCES = ("editor-form", "file-form")
ROW_TEMPLATES = {
    "fit_rules": "scoring/_editor_fit_row.html",
    "engagement_rules": "scoring/_editor_engagement_row.html",
    "mql": "scoring/_editor_mql_row.html",
    "sql_checklist": "scoring/_editor_sql_row.html",
}


@require_POST
@guarded("definition.propose")
def editor_row(request: HttpRequest, number: int) -> HttpResponse:
    """`row=fit_rules[3]`: that row drawn again from the form (its field or operator changed);
    `add=<section>`: a new empty row (or score group) after the form's last one;
    `remove=1`: nothing, as the row is taken out of the page, and the preview told to refresh."""
    version = version_or_404(number)
    context = {"version": version}
    if request.POST.get("remove"):
        return HttpResponse("", headers={"HX-Trigger": "editor-changed"})
    row_path = request.POST.get("row", "")
    if _FIT_ROW.fullmatch(row_path):
        rule = editor.fit_rule_from_form(request.POST, row_path)
        context["row"] = editor_rows.fit_row(rule, row_path, fix_operator=True)
        return render(request, ROW_TEMPLATES["fit_rules"], context)
    section = request.POST.get("add", "")
    if not _ADDABLE.fullmatch(section):
        return HttpResponseBadRequest("give row=fit_rules[N], add=<section> or remove=1")
    path = editor.next_row_path(request.POST, section)
    if section == "groups":
        context["group"] = editor_rows.new_group(path)
        return render(request, "scoring/_editor_group.html", context)
    context["row"] = editor_rows.new_row(section, path)
    return render(request, ROW_TEMPLATES[section.rsplit(".", 1)[-1]], context)


@require_POST
@guarded("definition.view")
def editor_preview(request: HttpRequest, number: int) -> HttpResponse:
    """The sample contact's scores under the edited (unsaved) draft beside the live version's.
    The draft comes from the editor's rows, or from `text` when the file view is open."""
    version = version_or_404(number)
    contacts = contacts_visible_to(request.user)
    chosen = request.POST.get("pick") or request.POST.get("preview_contact") or ""
    contact = contacts.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    contact = contact or preview_default_contact(contacts)
    errors: list[str] = []
    definition = None
    if "text" in request.POST:
        try:
            definition = definition_read(text=request.POST["text"])
        except InvalidInput as exc:
            errors = [
                reason if field == "text" else f"{field}: {reason}"
                for field, reasons in exc.errors.items()
                for reason in reasons
            ]
    else:
        data = editor.data_from_form(request.POST)
        try:
            definition = rules.definition_from_dict(data)
        except rules.DefinitionError as exc:
            errors = editor_rows.editor_from_data(data, errors=exc.errors).messages()
    context = {"version": version, "contact": contact, "errors": errors, "preview": None}
    if contact is not None:
        context["preview"] = preview_contact(
            definition=definition, contact=contact, now=timezone.now()
        )
    return render(request, "scoring/_preview.html", context)


@require_GET
@guarded("contact.view")
def editor_contacts(request: HttpRequest, number: int) -> HttpResponse:
    """Contacts matching the search box, each a button that previews it."""
    version = version_or_404(number)
    source = request.GET.get("source", "")
    if source not in _SOURCES:
        return HttpResponseBadRequest(f"source must be one of {', '.join(_SOURCES)}")
    q = request.GET.get("q", "").strip()
    context = {
        "version": version,
        "q": q,
        "source": source,
        "matches": preview_contacts_search(contacts_visible_to(request.user), q=q),
    }
    return render(request, "scoring/_preview_matches.html", context)
