"""The definition editor: rules as rows of inputs that save as the draft's file, mistakes shown
beside the row they concern with nothing saved, and the live preview of a sample contact."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.http import QueryDict
from django.test import Client
from django.utils import timezone

from smarketing.people.models import Contact
from smarketing.scoring import editor, editor_rows, rules, services
from smarketing.scoring.facts import contact_facts, touchpoint_facts
from smarketing.scoring.models import DefinitionVersion
from smarketing.scoring.templatetags.scoring_format import points
from tests.events.rows import api_client, raw_event, touchpoint, write_key
from tests.factories import AccountFactory, ContactFactory
from tests.scoring.definition_support import stricter_yaml
from tests.scoring.editor_support import (
    RICH_YAML,
    as_post,
    form_values,
    rich_definition,
    row_html,
)

pytestmark = pytest.mark.django_db
HOME = "/scoring/definition/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def draft(marketing_leader) -> DefinitionVersion:
    return services.definition_draft_create(by_user=marketing_leader)


@pytest.fixture
def leader(marketing_leader) -> Client:
    return logged_in(marketing_leader)


def _page(client: Client, number: int) -> str:
    response = client.get(f"{HOME}{number}/")
    assert response.status_code == 200
    return response.content.decode()


def _fit_index(values, rule_id: str) -> int:
    for key in values:
        if key.startswith("fit_rules[") and key.endswith(".id") and values[key] == rule_id:
            return int(key[len("fit_rules[") : key.index("]")])
    raise KeyError(rule_id)


def _unchanged(version: DefinitionVersion, text: str) -> None:
    version.refresh_from_db()
    assert (version.text, version.revision) == (text, 1)


# The form and the definition are the same thing


def test_rows_round_trip_when_a_rich_definition_is_read_back_from_the_page(
    leader, marketing_leader
):
    draft = services.definition_draft_create(by_user=marketing_leader, text=RICH_YAML)

    values = form_values(_page(leader, draft.number))

    assert rules.definition_from_dict(editor.data_from_form(values)) == rich_definition()


def test_rows_saved_unchanged_keep_the_text_and_make_a_new_revision(leader, draft):
    before = draft.text
    values = form_values(_page(leader, draft.number))

    saved = leader.post(f"{HOME}{draft.number}/", as_post(values))

    assert saved.status_code == 302
    draft.refresh_from_db()
    assert (draft.text, draft.revision) == (before, 2)


def test_rows_changed_save_the_same_text_as_the_file_would(leader, draft):
    values = form_values(_page(leader, draft.number))
    values[f"fit_rules[{_fit_index(values, 'employees-under-10')}].points"] = "-40"

    saved = leader.post(f"{HOME}{draft.number}/", as_post(values))

    assert saved.status_code == 302
    draft.refresh_from_db()
    assert draft.text == stricter_yaml(-40)
    assert "points: -30 → -40" in _page(leader, draft.number)


def test_rows_removed_and_added_are_renumbered_when_saved(leader, draft):
    values = form_values(_page(leader, draft.number))
    gone = _fit_index(values, "free-mail")
    for key in [k for k in values if k.startswith(f"fit_rules[{gone}].")]:
        del values[key]
    values.update(
        {
            "fit_rules[9].label": "Software industry",
            "fit_rules[9].field": "account.industry",
            "fit_rules[9].operator": "in",
            "fit_rules[9].value": "Software, SaaS",
            "fit_rules[9].points": "7",
        }
    )

    assert leader.post(f"{HOME}{draft.number}/", as_post(values)).status_code == 302

    fit = rules.load(DefinitionVersion.objects.get(pk=draft.pk).text).fit_rules
    assert "free-mail" not in [r.id for r in fit]
    added = fit[-1]
    assert (added.id, added.operator, added.value, added.points) == (
        "software-industry",
        rules.Operator.IN,
        ("Software", "SaaS"),
        7,
    )


def test_file_view_is_still_there_and_saves_the_same_draft(leader, draft):
    page = leader.get(f"{HOME}{draft.number}/?view=file").content.decode()
    assert 'id="file-form"' in page and "<textarea" in page and 'id="editor-form"' not in page

    leader.post(f"{HOME}{draft.number}/", {"text": stricter_yaml(-35)})

    values = form_values(_page(leader, draft.number))
    assert values[f"fit_rules[{_fit_index(values, 'employees-under-10')}].points"] == "-35"


# Bad input: shown at the row, nothing saved


def test_rule_on_an_unknown_field_is_shown_at_its_row_and_nothing_is_saved(leader, draft):
    before = draft.text
    values = form_values(_page(leader, draft.number))
    index = _fit_index(values, "student")
    values[f"fit_rules[{index}].field"] = "job_title"

    response = leader.post(f"{HOME}{draft.number}/", as_post(values))

    assert response.status_code == 400
    page = response.content.decode()
    row = row_html(page, f"row-fit_rules-{index}")
    assert "unknown field &#x27;job_title&#x27; in rule &#x27;student&#x27;" in row
    assert "job_title (unknown field)" in row  # the select keeps what was sent
    assert "Nothing was saved: 1 mistake" in page
    _unchanged(draft, before)


def test_numeric_range_on_a_text_field_is_shown_at_its_operator(leader, draft):
    before = draft.text
    values = form_values(_page(leader, draft.number))
    index = _fit_index(values, "student")
    values[f"fit_rules[{index}].operator"] = "range"
    values[f"fit_rules[{index}].min"] = "1"
    values[f"fit_rules[{index}].max"] = "5"

    response = leader.post(f"{HOME}{draft.number}/", as_post(values))

    assert response.status_code == 400
    row = row_html(response.content.decode(), f"row-fit_rules-{index}")
    assert (
        "operator &#x27;range&#x27; needs a number field, but &#x27;title&#x27; is a text field"
        in row
    )
    assert "range (not for a text field)" in row
    _unchanged(draft, before)


def test_several_mistakes_are_each_shown_beside_their_input(leader, draft):
    before = draft.text
    values = form_values(_page(leader, draft.number))
    values["engagement_rules[1].points"] = "lots"
    values["mql[0].fit"] = "twenty"
    values["grades.fit[1]"] = "50"

    response = leader.post(f"{HOME}{draft.number}/", as_post(values))

    page = response.content.decode()
    assert response.status_code == 400
    assert "expected a number, got &#x27;lots&#x27;" in row_html(page, "row-engagement_rules-1")
    assert "expected a number, got &#x27;twenty&#x27;" in row_html(page, "row-mql-0")
    assert "bounds must fall strictly" in page
    assert "Nothing was saved: 3 mistakes" in page
    _unchanged(draft, before)


def test_overlapping_ranges_are_allowed_and_both_fire_in_the_preview(leader, draft):
    values = form_values(_page(leader, draft.number))
    values.update(
        {
            "fit_rules[20].label": "Mid-size",
            "fit_rules[20].field": "account.employees",
            "fit_rules[20].operator": "range",
            "fit_rules[20].min": "100",
            "fit_rules[20].max": "500",
            "fit_rules[20].points": "7",
        }
    )
    contact = ContactFactory(email="olga@bigco.example", account=AccountFactory(employees=200))

    preview = leader.post(
        f"{HOME}{draft.number}/editor/preview/", {**as_post(values), "pick": str(contact.pk)}
    ).content.decode()

    assert 'data-rule="employees-50-999"' in preview and 'data-rule="mid-size"' in preview
    assert '<td class="num" data-draft="fit">27</td>' in preview  # 20 + 7
    saved = leader.post(f"{HOME}{draft.number}/", as_post(values))
    assert saved.status_code == 302


# The preview


def _touch(contact: Contact, **fields) -> None:
    raw = raw_event(write_key(f"site-{contact.pk}-{fields.get('path', '')}"))
    touchpoint(raw, contact=contact, occurred_at=timezone.now() - dt.timedelta(days=2), **fields)


@pytest.fixture
def frozen() -> Iterator[dt.datetime]:
    """The clock stopped, so the page and the test score with the same decay."""
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        yield now


@pytest.fixture
def buyer() -> Contact:
    contact = ContactFactory(
        email="ana@acme.example", first_name="Ana", account=AccountFactory(employees=5)
    )
    _touch(contact, kind="form", form="request-demo", path="/demo")
    _touch(contact, path="/pricing")
    return contact


def test_preview_of_a_chosen_contact_scores_the_unsaved_rows_beside_the_live_version(
    leader, draft, buyer, frozen
):
    ContactFactory(email="someone@else.example")
    values = form_values(_page(leader, draft.number))
    values[f"fit_rules[{_fit_index(values, 'employees-under-10')}].points"] = "-45"

    response = leader.post(
        f"{HOME}{draft.number}/editor/preview/", {**as_post(values), "pick": str(buyer.pk)}
    )

    html = response.content.decode()
    facts = contact_facts(Contact.objects.select_related("account").get(pk=buyer.pk))
    touches = touchpoint_facts(buyer.touchpoints.all())
    draft_total = rules.score_contact(
        definition=rules.load(stricter_yaml(-45)), contact=facts, touchpoints=touches, now=frozen
    ).default.total
    live_total = rules.score_contact(
        definition=rules.default_definition(), contact=facts, touchpoints=touches, now=frozen
    ).default.total
    assert draft_total == pytest.approx(live_total - 15)
    assert "ana@acme.example" in html
    assert f'data-draft="total"><strong>{points(draft_total)}</strong>' in html
    assert f"<strong>{points(live_total)}</strong>" not in html  # live is shown plainly
    assert f'<td class="num">{points(live_total)}</td>' in html
    assert 'data-rule="employees-under-10" class="changed"' in html
    assert 'data-rule="demo-request">' in html  # same under both: not highlighted
    assert DefinitionVersion.objects.get(pk=draft.pk).revision == 1  # nothing saved
    assert f'id="preview-contact" value="{buyer.pk}" hx-swap-oob="true"' in html


def test_preview_defaults_to_the_newest_mql(leader, draft):
    ContactFactory(
        email="lead@x.example", lifecycle_stage="lead", lifecycle_stage_at=timezone.now()
    )
    ContactFactory(
        email="mql@x.example",
        lifecycle_stage="mql",
        lifecycle_stage_at=timezone.now() - timezone.timedelta(days=3),
    )
    values = form_values(_page(leader, draft.number))

    html = leader.post(f"{HOME}{draft.number}/editor/preview/", as_post(values)).content.decode()

    assert "mql@x.example" in html


def test_preview_of_a_draft_with_a_mistake_says_what_and_shows_the_live_score(leader, draft, buyer):
    values = form_values(_page(leader, draft.number))
    values[f"fit_rules[{_fit_index(values, 'student')}].field"] = "job_title"

    html = leader.post(
        f"{HOME}{draft.number}/editor/preview/", {**as_post(values), "pick": str(buyer.pk)}
    ).content.decode()

    assert "The edited draft has 1 mistake" in html
    assert "Fit rule 4 “Title contains &quot;student&quot;”, field: unknown field" in html
    assert 'data-draft="total"><strong>—</strong>' in html


def test_preview_of_the_file_view_reads_the_text(leader, draft, buyer):
    html = leader.post(
        f"{HOME}{draft.number}/editor/preview/",
        {"text": stricter_yaml(-45), "preview_contact": str(buyer.pk)},
    ).content.decode()

    assert 'data-rule="employees-under-10" class="changed"' in html


def test_contact_search_finds_by_email_and_name(leader, draft, buyer):
    ContactFactory(email="bob@other.example", first_name="Bob")

    html = leader.get(
        f"{HOME}{draft.number}/editor/contacts/", {"q": "ana acme", "source": "editor-form"}
    ).content.decode()

    assert "ana@acme.example" in html and "bob@other.example" not in html
    assert f"&quot;pick&quot;: &quot;{buyer.pk}&quot;" in html or f'"pick": "{buyer.pk}"' in html


# The rows' htmx partials


def test_changing_a_rows_field_offers_the_operators_of_its_type(leader, draft):
    values = form_values(_page(leader, draft.number))
    index = _fit_index(values, "employees-50-999")
    values[f"fit_rules[{index}].field"] = "title"

    html = leader.post(
        f"{HOME}{draft.number}/editor/row/", {**as_post(values), "row": f"fit_rules[{index}]"}
    ).content.decode()

    assert f'id="row-fit_rules-{index}"' in html
    assert '<option value="equals" selected>' in html  # range is not for text
    assert 'value="range"' not in html and 'value="contains"' in html


def test_adding_a_row_takes_the_index_after_the_last(leader, draft):
    values = form_values(_page(leader, draft.number))
    values["fit_rules[11].label"] = "a row added before"

    html = leader.post(
        f"{HOME}{draft.number}/editor/row/", {**as_post(values), "add": "fit_rules"}
    ).content.decode()
    group = leader.post(
        f"{HOME}{draft.number}/editor/row/", {**as_post(values), "add": "groups"}
    ).content.decode()

    assert 'name="fit_rules[12].label"' in html
    assert 'name="groups[0].label"' in group and "groups[0].engagement_rules" in group


def test_row_endpoint_refuses_what_it_does_not_know(leader, draft):
    response = leader.post(f"{HOME}{draft.number}/editor/row/", {"add": "fit_rules[0].__class__"})

    assert response.status_code == 400


# Permissions


@pytest.mark.parametrize("who", ["rep", "marketer"])
def test_only_definition_propose_may_edit(request, who, draft):
    client = logged_in(request.getfixturevalue(who))
    before = draft.text
    values = form_values(_page(logged_in(draft.created_by), draft.number))

    page = _page(client, draft.number)
    saved = client.post(f"{HOME}{draft.number}/", as_post(values))
    row = client.post(f"{HOME}{draft.number}/editor/row/", {"add": "fit_rules"})

    assert 'id="editor-form"' not in page and "Fewer than 10 employees" in page  # read-only
    assert (saved.status_code, row.status_code) == (403, 403)
    _unchanged(draft, before)


def test_admin_may_edit_as_definition_propose_allows(admin_user, draft):
    client = logged_in(admin_user)
    values = form_values(_page(client, draft.number))

    assert client.post(f"{HOME}{draft.number}/", as_post(values)).status_code == 302


def test_draft_page_links_to_its_backtest(leader, draft):
    page = _page(leader, draft.number)

    assert f'href="{HOME}{draft.number}/backtest/" id="backtest-link">Backtest this draft' in page


def test_live_version_shows_its_rules_read_only(leader, draft):
    page = _page(leader, 1)

    assert 'id="editor-form"' not in page and "Fewer than 10 employees" in page


# The API


def test_api_preview_scores_text_and_data_like_the_contact_score(rep, buyer, frozen):
    client = api_client(rep)
    stricter = rules.load(stricter_yaml(-45))
    body = {"contact": buyer.pk, "text": stricter_yaml(-45)}

    by_text = client.post("/api/definitions/preview", body, content_type="application/json")
    by_data = client.post(
        "/api/definitions/preview",
        {"contact": buyer.pk, "definition": rules.definition_to_dict(stricter)},
        content_type="application/json",
    )
    score = client.get(f"/api/contacts/{buyer.pk}/score").json()

    assert by_text.status_code == 200, by_text.content
    text, data = by_text.json(), by_data.json()
    assert text["draft"]["groups"] == data["draft"]["groups"]
    assert text["draft"]["definition_version"] is None
    assert set(text["draft"]) == set(score) == set(text["live"])
    assert text["live"]["groups"] == score["groups"]
    draft_rows = {r["rule"]: r["points"] for r in text["draft"]["groups"][0]["explanation"]}
    assert draft_rows["employees-under-10"] == -45


def test_api_preview_of_a_bad_definition_is_a_400_naming_the_path(rep, buyer):
    data = rules.definition_to_dict(rules.default_definition())
    data["fit_rules"][1] = {**data["fit_rules"][1], "field": "title"}  # a range on text

    response = api_client(rep).post(
        "/api/definitions/preview",
        {"contact": buyer.pk, "definition": data},
        content_type="application/json",
    )

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == "fit_rules[1].operator"
    assert "needs a number field" in error["reason"]


def test_api_preview_needs_exactly_one_definition(rep, buyer):
    response = api_client(rep).post(
        "/api/definitions/preview", {"contact": buyer.pk}, content_type="application/json"
    )

    assert response.status_code == 400


def test_api_preview_of_an_unknown_contact_is_a_404(rep):
    response = api_client(rep).post(
        "/api/definitions/preview",
        {"contact": 999_999, "text": stricter_yaml()},
        content_type="application/json",
    )

    assert response.status_code == 404


def test_data_from_form_reads_numbers_lists_and_properties():
    form = QueryDict(mutable=True)
    form.update(
        {
            "fit_rules[0].label": "Countries",
            "fit_rules[0].field": "account.employees",
            "fit_rules[0].operator": "in",
            "fit_rules[0].value": "10, 20.5 ,x",
            "fit_rules[0].points": "3",
            "engagement_rules[0].label": "Pro",
            "engagement_rules[0].points": "2",
            "engagement_rules[0].when.properties": "plan=pro, seats=5, trial=false",
        }
    )
    form.setlist("engagement_rules[0].when.kind", ["page_view", "form"])

    data = editor.data_from_form(form)

    assert data["fit_rules"][0]["value"] == [10, 20.5, "x"]
    assert data["engagement_rules"][0]["when"] == {
        "kind": ["page_view", "form"],
        "properties": {"plan": "pro", "seats": 5, "trial": False},
    }
    with pytest.raises(rules.DefinitionError) as caught:
        rules.definition_from_dict(data)
    assert list(caught.value.errors) == ["fit_rules[0].value[2]", "mql"]


def test_rows_drawn_read_back_equal_when_decay_is_off():
    # The editor's view of a definition and its form are one: what it draws reads back equal.
    definition = dataclasses.replace(rich_definition(), decay_half_life_days=None)
    data = rules.definition_to_dict(definition)
    drawn = editor_rows.editor_from_data(data)

    form = QueryDict(mutable=True)
    for one in drawn.inputs():
        if one.disabled:
            continue
        if isinstance(one.value, list):
            form.setlist(one.name, one.value)
        elif one.kind == "select" and not one.value:
            form[one.name] = one.choices[0][0] if one.choices else ""
        else:
            form[one.name] = one.value

    assert rules.definition_from_dict(editor.data_from_form(form)) == definition
