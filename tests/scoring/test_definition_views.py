"""The definition pages: live rules, versions, the draft editor and the sign-off page."""

from __future__ import annotations

import pytest
from django.test import Client

from smarketing.scoring import services
from smarketing.scoring.models import DefinitionVersion, Status
from tests.scoring.definition_support import BROKEN_YAML, stricter_yaml

pytestmark = pytest.mark.django_db
HOME = "/scoring/definition/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_overview_shows_the_live_rules_as_tables(rep):
    page = logged_in(rep).get(HOME)

    assert page.status_code == 200
    text = page.content.decode()
    assert "v1 live" in text
    assert "Fewer than 10 employees" in text and "account.employees &lt; 10" in text
    assert "Pricing page visit" in text and "kind page_view, path /pricing*" in text
    assert "is_freemail equals true" in text
    assert "engagement points halve every 30 days" in text
    assert "fit ≥ 20 and engagement ≥ 30" in text and "total ≥ 80" in text
    assert "New draft" not in text
    assert ">Definition</a>" in text  # the navigation entry


def test_overview_when_logged_out_goes_to_the_login_page():
    response = Client().get(HOME)

    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_new_draft_then_edit_with_a_yaml_error_shows_line_and_column(marketing_leader):
    client = logged_in(marketing_leader)
    created = client.post(f"{HOME}new/")
    assert created.status_code == 302 and created["Location"] == f"{HOME}2/"

    page = client.post(f"{HOME}2/", {"text": BROKEN_YAML})

    assert page.status_code == 400
    assert "YAML syntax error at line 4, column 4" in page.content.decode()
    assert DefinitionVersion.objects.get(number=2).revision == 1


def test_edit_saves_the_draft_and_shows_the_diff(marketing_leader):
    client = logged_in(marketing_leader)
    client.post(f"{HOME}new/")

    saved = client.post(f"{HOME}2/", {"text": stricter_yaml()})
    page = client.get(f"{HOME}2/").content.decode()

    assert saved.status_code == 302
    assert "Changed fit rule &#x27;employees-under-10&#x27;" in page
    assert "points: -30 → -40" in page
    assert "Propose for sign-off" in page


def test_edit_by_a_rep_is_a_403(rep, marketing_leader):
    draft = services.definition_draft_create(by_user=marketing_leader)

    response = logged_in(rep).post(f"{HOME}{draft.number}/", {"text": stricter_yaml()})

    assert response.status_code == 403
    assert "textarea" not in logged_in(rep).get(f"{HOME}{draft.number}/").content.decode()


def test_sign_off_page_waits_for_the_sales_leader_then_goes_live(marketing_leader, sales_leader):
    draft = services.definition_draft_create(by_user=marketing_leader, text=stricter_yaml())
    marketing = logged_in(marketing_leader)
    marketing.post(f"{HOME}{draft.number}/propose/")
    marketing.post(f"{HOME}{draft.number}/approve/")

    page = marketing.get(f"{HOME}{draft.number}/").content.decode()
    assert "Waiting for the sales leader" in page
    assert "Approve revision" not in page  # already approved by this leader

    sales = logged_in(sales_leader)
    assert "Approve revision 1" in sales.get(f"{HOME}{draft.number}/").content.decode()
    sales.post(f"{HOME}{draft.number}/approve/")

    draft.refresh_from_db()
    assert draft.status == Status.LIVE
    assert "v2 live" in sales.get(HOME).content.decode()


def test_approve_of_a_draft_not_proposed_shows_why(marketing_leader):
    draft = services.definition_draft_create(by_user=marketing_leader, text=stricter_yaml())
    client = logged_in(marketing_leader)

    page = client.post(f"{HOME}{draft.number}/approve/", follow=True).content.decode()

    assert "has not been proposed yet" in page
    assert not draft.approvals.exists()


def test_unknown_version_is_a_404(rep):
    assert logged_in(rep).get(f"{HOME}42/").status_code == 404
