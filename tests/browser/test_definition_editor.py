"""A leader edits a draft's rule as a row, watches the preview of a sample contact change, and
saves."""

from __future__ import annotations

import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from smarketing.scoring import rules, services
from smarketing.scoring.models import DefinitionVersion
from tests.browser.test_ui import htmx_settled, log_in
from tests.factories import AccountFactory, ContactFactory
from tests.scoring.definition_support import stricter_yaml

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_edit_a_row_see_the_preview_change_and_save(live_server, page, marketing_leader):
    ContactFactory(
        email="tiny@small.example",
        first_name="Tia",
        lifecycle_stage="mql",
        lifecycle_stage_at=timezone.now(),
        account=AccountFactory(employees=5),
    )
    draft = services.definition_draft_create(by_user=marketing_leader)
    index = [r.id for r in rules.load(draft.text).fit_rules].index("employees-under-10")
    base = live_server.url
    log_in(page, base, marketing_leader.email)

    page.goto(f"{base}/scoring/definition/{draft.number}/")
    total = page.locator('#preview-body [data-draft="total"]')
    expect(page.locator("#preview-body")).to_contain_text("tiny@small.example")
    expect(total).to_have_text("-30")  # the newest MQL, under-10 employees

    with page.expect_response(lambda r: "/editor/preview/" in r.url):
        page.fill(f'[name="fit_rules[{index}].points"]', "-45")
    expect(total).to_have_text("-45")
    expect(page.locator('#preview-body tr[data-rule="employees-under-10"]')).to_have_class(
        "changed"
    )
    if os.environ.get("SMK_SCREENSHOTS"):
        page.screenshot(
            path=os.environ["SMK_SCREENSHOTS"] + "/definition-editor.png", full_page=True
        )

    page.click("#editor-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Draft saved (revision 2)")
    assert DefinitionVersion.objects.get(pk=draft.pk).text == stricter_yaml(-45)

    # A removed row leaves the preview at once, before any save.
    expect(total).to_have_text("-45")
    page.locator(f"#row-fit_rules-{index} button", has_text="Remove").click()
    expect(total).to_have_text("0")
    assert DefinitionVersion.objects.get(pk=draft.pk).revision == 2


def test_change_a_rows_field_offers_its_operators_and_a_mistake_is_shown(
    live_server, page, marketing_leader
):
    draft = services.definition_draft_create(by_user=marketing_leader)
    base = live_server.url
    log_in(page, base, marketing_leader.email)
    page.goto(f"{base}/scoring/definition/{draft.number}/")

    rows = page.locator(".ed-row.fit")
    before = rows.count()
    with page.expect_response(lambda r: "/editor/row/" in r.url):
        page.click("text=+ Add fit rule")
    expect(rows).to_have_count(before + 1)
    htmx_settled(page)  # the new row's selects send nothing until htmx has set them up
    new = rows.last
    with page.expect_response(lambda r: "/editor/row/" in r.url):
        new.locator("select[name$='.field']").select_option("account.employees")
    htmx_settled(page)
    expect(new.locator("select[name$='.operator'] option[value=range]")).to_have_count(1)
    # The operator re-renders the row (range enables min and max): wait for it, as a person
    # would, or what is typed meanwhile is replaced.
    with page.expect_response(lambda r: "/editor/row/" in r.url):
        new.locator("select[name$='.operator']").select_option("range")
    htmx_settled(page)
    new.locator("input[name$='.label']").fill("Huge")
    new.locator("input[name$='.min']").fill("5000")
    new.locator("input[name$='.max']").fill("100")
    new.locator("input[name$='.points']").fill("3")
    page.click("#editor-form button[type=submit]")

    expect(page.locator(".ed-row.fit.has-error")).to_contain_text("must be greater than min")
    assert DefinitionVersion.objects.get(pk=draft.pk).revision == 1
