"""The SLA policy pages: the live policy in words, versions, the draft editor and sign-off."""

from __future__ import annotations

import pytest
from django.test import Client

from smarketing.handoff.sla import services
from smarketing.handoff.sla.models import PolicyApproval, PolicyVersion, Status
from smarketing.handoff.sla.policy import DEFAULT_POLICY_TEXT

pytestmark = pytest.mark.django_db
HOME = "/sla/"

BAD_STEP = DEFAULT_POLICY_TEXT.replace("{day: 3, actions: [call]}", "{day: 3, actions: [fax]}")
FASTER = DEFAULT_POLICY_TEXT.replace("accept_within_hours: 4", "accept_within_hours: 2")
WITH_SEGMENTS = (
    FASTER.replace(
        "  recycle:\n    reason: no-response\n    within_hours: 8\n",
        "  recycle:\n    reason: no-response\n    within_hours: 8\n"
        "  segments:\n    - {name: enterprise, min_employees: 1000, first_touch_within_hours: 4}\n",
    )
    + "  segments:\n    - {name: enterprise, min_employees: 1000, mqls_per_month: 20}\n"
)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_overview_shows_the_live_policy_in_words(rep, live_policy):
    page = logged_in(rep).get(HOME)

    assert page.status_code == 200
    text = page.content.decode()
    assert f"v{live_policy.number} live" in text
    assert "Accept or reject each MQL within 4 business hours of its assignment." in text
    assert "within 8 business hours" in text
    assert (
        "at least 3 calls and 3 emails within 10 business days (day 1: call and email; "
        "day 3: call; day 5: email; day 7: call; day 10: email)" in text
    )
    assert "reason “no-response” within 8 business hours after the cadence ends" in text
    assert "Deliver 100 MQLs a month." in text and "at least 60% of them" in text
    assert "Publish 4 content items a month." in text
    assert "New draft" not in text  # a rep may not propose
    assert ">SLA</a>" in text  # the navigation entry


def test_overview_shows_segments_of_the_live_policy(marketing_leader, sales_leader):
    draft = services.policy_draft_create(by_user=sales_leader, text=WITH_SEGMENTS)
    services.policy_propose(version=draft, by_user=sales_leader)
    services.policy_approve(version=draft, user=sales_leader)
    services.policy_approve(version=draft, user=marketing_leader)

    text = logged_in(marketing_leader).get(HOME).content.decode()

    assert "1,000 employees or more" in text
    assert "first touch within 4 business hours" in text
    assert "20 MQLs a month" in text


def test_overview_without_a_live_policy_offers_the_shipped_example(sales_leader):
    client = logged_in(sales_leader)
    text = client.get(HOME).content.decode()
    assert "No SLA is live yet" in text
    assert "New draft from the shipped example" in text

    created = client.post(f"{HOME}new/")

    draft = PolicyVersion.objects.get()
    assert created.status_code == 302 and created["Location"] == f"{HOME}{draft.number}/"
    assert draft.status == Status.DRAFT and draft.created_by == sales_leader


def test_overview_when_logged_out_goes_to_the_login_page(db):
    response = Client().get(HOME)

    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_new_draft_by_a_rep_is_a_403(rep, live_policy):
    response = logged_in(rep).post(f"{HOME}new/")

    assert response.status_code == 403
    assert PolicyVersion.objects.count() == 1


def test_bad_edit_shows_the_field_path_and_saves_nothing(sales_leader, live_policy):
    client = logged_in(sales_leader)
    client.post(f"{HOME}new/")
    draft = PolicyVersion.objects.get(status=Status.DRAFT)
    before = (draft.text, draft.revision)

    page = client.post(f"{HOME}{draft.number}/", {"text": BAD_STEP})

    assert page.status_code == 400
    text = page.content.decode()
    assert "sales.cadence.steps[1].actions: unknown action &#x27;fax&#x27;" in text
    assert "[fax]" in text  # the text as typed stays in the editor
    draft.refresh_from_db()
    assert (draft.text, draft.revision) == before


def test_bad_yaml_shows_line_and_column_beside_the_text(sales_leader, live_policy):
    client = logged_in(sales_leader)
    draft = services.policy_draft_create(by_user=sales_leader)

    page = client.post(f"{HOME}{draft.number}/", {"text": "sales: [\n  accept"})

    assert page.status_code == 400
    assert "not valid YAML" in page.content.decode()
    assert PolicyVersion.objects.get(pk=draft.pk).revision == 1


def test_edit_saves_a_revision_and_shows_the_diff_against_live(sales_leader, live_policy):
    client = logged_in(sales_leader)
    draft = services.policy_draft_create(by_user=sales_leader)

    saved = client.post(f"{HOME}{draft.number}/", {"text": FASTER})
    page = client.get(f"{HOME}{draft.number}/").content.decode()

    assert saved.status_code == 302
    draft.refresh_from_db()
    assert draft.revision == 2 and "accept_within_hours: 2" in draft.text
    assert "-  accept_within_hours: 4" in page and "+  accept_within_hours: 2" in page
    assert "Accept or reject each MQL within 2 business hours" in page
    assert "Propose for sign-off" in page


def test_edit_by_a_rep_is_a_403_and_shows_no_editor(rep, sales_leader, live_policy):
    draft = services.policy_draft_create(by_user=sales_leader)

    response = logged_in(rep).post(f"{HOME}{draft.number}/", {"text": FASTER})

    assert response.status_code == 403
    page = logged_in(rep).get(f"{HOME}{draft.number}/").content.decode()
    assert "textarea" not in page and "Propose for sign-off" not in page
    assert PolicyVersion.objects.get(pk=draft.pk).revision == 1


def test_live_version_is_read_only(sales_leader, live_policy):
    client = logged_in(sales_leader)
    page = client.get(f"{HOME}{live_policy.number}/").content.decode()
    assert "textarea" not in page and "accept_within_hours: 4" in page

    response = client.post(f"{HOME}{live_policy.number}/", {"text": FASTER})

    assert response.status_code == 400
    assert "is live and cannot be changed" in response.content.decode()
    assert PolicyVersion.objects.get(pk=live_policy.pk).text == live_policy.text


def test_approve_by_both_leaders_makes_it_live(marketing_leader, sales_leader, live_policy):
    draft = services.policy_draft_create(by_user=sales_leader, text=FASTER)
    sales = logged_in(sales_leader)
    sales.post(f"{HOME}{draft.number}/propose/")
    sales.post(f"{HOME}{draft.number}/approve/")

    page = sales.get(f"{HOME}{draft.number}/").content.decode()
    assert "Waiting for the marketing leader" in page
    assert "Approve revision" not in page  # this leader has approved
    marketing = logged_in(marketing_leader)
    before = marketing.get(f"{HOME}{draft.number}/").content.decode()
    assert "Approve revision 1" in before and "your approval makes this version live" in before

    marketing.post(f"{HOME}{draft.number}/approve/")

    draft.refresh_from_db()
    live_policy.refresh_from_db()
    assert draft.status == Status.LIVE and live_policy.status == Status.RETIRED
    page = marketing.get(f"{HOME}{draft.number}/").content.decode()
    assert "Live since" in page
    assert page.count("approved revision 1 on") == 2  # the history
    overview = marketing.get(HOME).content.decode()
    assert f"v{draft.number} live" in overview
    assert "within 2 business hours" in overview


def test_edit_after_an_approval_voids_it_in_the_history(
    marketing_leader, sales_leader, live_policy
):
    draft = services.policy_draft_create(by_user=sales_leader, text=FASTER)
    client = logged_in(sales_leader)
    client.post(f"{HOME}{draft.number}/propose/")
    client.post(f"{HOME}{draft.number}/approve/")
    client.post(
        f"{HOME}{draft.number}/",
        {"text": FASTER.replace("mqls_per_month: 100", "mqls_per_month: 90")},
    )

    page = client.get(f"{HOME}{draft.number}/").content.decode()

    assert "voided by a later edit" in page
    assert "Approve revision 2" in page
    assert PolicyApproval.objects.filter(version=draft).count() == 1


def test_propose_without_changes_shows_the_reason(sales_leader, live_policy):
    draft = services.policy_draft_create(by_user=sales_leader)
    client = logged_in(sales_leader)

    response = client.post(f"{HOME}{draft.number}/propose/", follow=True)

    assert "changes nothing against the live version" in response.content.decode()
    assert PolicyVersion.objects.get(pk=draft.pk).proposed_at is None


def test_approve_by_a_marketer_is_a_403(marketer, sales_leader, live_policy):
    draft = services.policy_draft_create(by_user=sales_leader, text=FASTER)
    services.policy_propose(version=draft, by_user=sales_leader)

    response = logged_in(marketer).post(f"{HOME}{draft.number}/approve/")

    assert response.status_code == 403
    assert not PolicyApproval.objects.filter(version=draft).exists()


def test_unknown_version_is_a_404(rep):
    assert logged_in(rep).get(f"{HOME}99/").status_code == 404
