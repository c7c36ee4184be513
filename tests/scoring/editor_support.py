"""Reading the definition editor's form out of a rendered page, as a browser would submit it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.utils.datastructures import MultiValueDict

from smarketing.scoring import rules

RICH_YAML = """
format: 1
name: Two product lines
decay_half_life_days: 14.5
fit_rules:
  - {id: employees-50-999, label: Employees 50–999, field: account.employees, operator: range,
     min: 50, max: 1000, points: 20}
  - {label: Small, field: account.employees, operator: range, max: 10, points: -30}
  - {label: DACH, field: account.country, operator: in, value: [DE, AT, CH], points: 5}
  - {label: Exactly 42, field: account.employees, operator: equals, value: 42, points: 1.5}
  - {label: Not free-mail, field: is_freemail, operator: not_equals, value: true, points: 4}
  - {label: No title, field: title, operator: is_empty, points: -2}
engagement_rules:
  - {id: pricing, label: Pricing page, when: {kind: page_view, path: ["/pricing*", "/plans*"]},
     points: 10, cap: 30}
  - {label: Anything, points: 1, window_days: 7}
groups:
  - id: analytics
    label: Analytics line
    engagement_rules:
      - label: Analytics webinar
        when:
          kind: [webinar_registered, webinar_attended]
          channel: [email, events]
          funnel_stage: mofu
          campaign: "*analytics*"
          event: Webinar*
          form: signup
          high_intent: false
          properties: {plan: pro, seats: 5, trial: true}
        points: 15
        cap: 45
mql:
  - {fit: 20, engagement: 30}
  - {total: 80}
  - {predicted: 0.7, fit: 10}
grades:
  fit: [40, 20, 5]
  engagement: [50, 25, 5]
account_score:
  engagement_cap: null
sql_checklist:
  - {id: budget, label: Budget confirmed}
  - {label: Need confirmed}
"""


def rich_definition() -> rules.Definition:
    return rules.load(RICH_YAML)


class _FormReader(HTMLParser):
    """The values a browser submits from the form with the given id: enabled inputs, the
    selected options of each select (the first one when none is selected, for a single one)."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.values: list[tuple[str, str]] = []
        self.select: dict[str, object] | None = None
        self.option: dict[str, object] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and "disabled" not in a and a.get("name"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.values.append((a["name"] or "", a.get("value") or ""))
        elif tag == "select" and "disabled" not in a:
            multiple = "multiple" in a
            self.select = {"name": a.get("name"), "multiple": multiple, "chosen": [], "first": None}
        elif tag == "option" and self.select is not None:
            value = a.get("value") or ""
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in a:
                self.select["chosen"].append(value)  # type: ignore[union-attr]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        if tag == "select" and self.select is not None:
            chosen = list(self.select["chosen"])  # type: ignore[call-overload]
            if not chosen and not self.select["multiple"] and self.select["first"] is not None:
                chosen = [self.select["first"]]
            self.values += [(str(self.select["name"]), v) for v in chosen]
            self.select = None


def form_values(html: str, form_id: str = "editor-form") -> MultiValueDict:
    reader = _FormReader(form_id)
    reader.feed(html)
    found: MultiValueDict = MultiValueDict()
    for name, value in reader.values:
        found.appendlist(name, value)
    return found


def as_post(values: MultiValueDict) -> dict[str, list[str]]:
    return {k: values.getlist(k) for k in values}


def row_html(html: str, dom_id: str) -> str:
    """The HTML of one editor row, from its opening tag to the next row's (or the section end)."""
    start = html.index(f'id="{dom_id}"')
    rest = html[start:]
    end = re.search(r'<div class="ed-row |</section>', rest[10:])
    return rest[: end.start() + 10] if end else rest
