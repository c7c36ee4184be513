"""Stored scores: rescoring writes the current scores and their history, moves contacts that
meet the MQL criteria to MQL by rule, and follows field edits, new versions and decay."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest
import time_machine
from django.db import connection
from huey.contrib.djhuey import HUEY

from smarketing.lifecycle.models import StageTransition
from smarketing.lifecycle.services import stage_transition
from smarketing.people import services as people
from smarketing.people.models import Contact
from smarketing.scoring.models import (
    ACCOUNT_SUMS_INDEX,
    CurrentAccountScore,
    CurrentContactScore,
    RescoringRun,
    RunStatus,
    ScoreCause,
    ScoreChange,
    Status,
)
from smarketing.scoring.refresh import (
    ACCOUNT_SUMS,
    account_score_explained,
    explanation_rows,
    rules_known,
    scores_decay,
    scores_deferred,
    scores_refresh,
    scores_refresh_soon,
    scores_sweep,
)
from smarketing.scoring.rules import ExplanationRow, RowKind
from smarketing.scoring.scores import definition_in_force
from smarketing.scoring.services import (
    definition_approve,
    definition_draft_create,
    definition_live,
    definition_propose,
)
from tests.events.rows import raw_event, touchpoint, write_key
from tests.factories import AccountFactory, ContactFactory
from tests.scoring.definition_support import stricter_yaml

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
LONG_AGO = NOW - dt.timedelta(days=200)


_serial = itertools.count()


def _touch(contact: Contact, *, at: dt.datetime = NOW, **fields) -> None:
    raw = raw_event(write_key(f"site-{next(_serial)}"), received_at=at)
    touchpoint(raw, contact=contact, occurred_at=at, **fields)


def _lead(email: str, *, employees: int | None = 200, stage: str = "lead") -> Contact:
    account = AccountFactory(employees=employees) if employees is not None else None
    contact = ContactFactory(email=email, account=account)
    reason = {"disqualified": "no-fit", "recycled": "not-ready"}.get(stage)
    if reason:
        stage_transition(contact=contact, to_stage="lead", by_rule="test", at=LONG_AGO)
    stage_transition(contact=contact, to_stage=stage, by_rule="test", reason=reason, at=LONG_AGO)
    return contact


def _hand_raiser(email: str, **kwargs) -> Contact:
    """Asked for a demo today: 40 engagement points, with the account's fit enough for MQL."""
    contact = _lead(email, **kwargs)
    _touch(contact, kind="form", form="request-demo", path="/demo")
    return contact


def test_refresh_stores_each_group_with_its_explanation_and_a_history_point():
    contact = _hand_raiser("ana@acme.example", stage="sql")

    outcome = scores_refresh(contact_ids=[contact.pk], cause=ScoreCause.EVENT, now=NOW)

    row = CurrentContactScore.objects.get(contact=contact, group="default")
    assert (row.fit, row.engagement, row.total, row.grade) == (20, 40, 60, "B2")
    assert row.is_mql and row.mql_reason == "fit ≥ 20 and engagement ≥ 30"
    assert row.version == definition_live().number and row.computed_at == NOW
    # Stored as [rule, points, occurrences]; the labels and kinds are the definition's.
    assert json.loads(row.explanation) == [["employees-50-999", 20, 1], ["demo-request", 40.0, 1]]
    _, definition = definition_in_force()
    assert explanation_rows(row.explanation, known=rules_known(definition)) == (
        ExplanationRow("employees-50-999", "Employees 50–999", 20, 1, RowKind.FIT),
        ExplanationRow("demo-request", "Demo request form", 40.0, 1, RowKind.ENGAGEMENT),
    )
    change = ScoreChange.objects.get(contact=contact)
    assert (change.total, change.cause, change.at) == (60, "event", NOW)
    assert outcome.scored == 1 and outcome.changed == 1


def test_refresh_without_a_change_writes_no_history_point():
    contact = _hand_raiser("ana@acme.example", stage="sql")
    scores_refresh(contact_ids=[contact.pk], cause=ScoreCause.EVENT, now=NOW)

    outcome = scores_refresh(contact_ids=[contact.pk], cause=ScoreCause.EVENT, now=NOW)

    assert outcome.changed == 0 and ScoreChange.objects.filter(contact=contact).count() == 1


def test_a_lead_meeting_the_criteria_becomes_an_mql_by_rule_with_the_version():
    contact = _hand_raiser("ana@acme.example")

    outcome = scores_refresh(contact_ids=[contact.pk], cause=ScoreCause.EVENT, now=NOW)

    contact.refresh_from_db()
    move = StageTransition.objects.filter(contact=contact).order_by("-at", "-id").first()
    assert contact.lifecycle_stage == "mql" and outcome.promoted == 1
    version = definition_live().number
    assert move.by_rule == f"definition v{version}: fit ≥ 20 and engagement ≥ 30"
    assert (move.from_stage, move.at, move.by_user) == ("lead", NOW, None)


@pytest.mark.parametrize("stage", ["sal", "sql", "customer", "disqualified"])
def test_a_contact_sales_took_further_or_disqualified_keeps_its_stage(stage):
    contact = _hand_raiser("ana@acme.example", stage=stage)

    outcome = scores_refresh(contact_ids=[contact.pk], cause=ScoreCause.EVENT, now=NOW)

    contact.refresh_from_db()
    assert contact.lifecycle_stage == stage and outcome.promoted == 0


@pytest.mark.parametrize("stage", ["subscriber", "recycled"])
def test_subscribers_and_recycled_leads_meeting_the_criteria_become_mqls(stage):
    contact = _hand_raiser("ana@acme.example", stage=stage)

    scores_refresh(contact_ids=[contact.pk], cause=ScoreCause.EVENT, now=NOW)

    contact.refresh_from_db()
    assert contact.lifecycle_stage == "mql"


def test_a_small_company_lead_does_not_qualify_on_the_same_behaviour():
    contact = _hand_raiser("bo@tiny.example", employees=5)

    scores_refresh(contact_ids=[contact.pk], cause=ScoreCause.EVENT, now=NOW)

    contact.refresh_from_db()
    row = CurrentContactScore.objects.get(contact=contact)
    assert contact.lifecycle_stage == "lead" and not row.is_mql and row.fit == -30


def test_without_promote_the_stage_is_left_alone():
    contact = _hand_raiser("ana@acme.example")

    scores_refresh(contact_ids=[contact.pk], cause=ScoreCause.RESCORE, now=NOW, promote=False)

    contact.refresh_from_db()
    assert contact.lifecycle_stage == "lead"
    assert CurrentContactScore.objects.get(contact=contact).is_mql


def test_a_contact_whose_last_move_is_dated_after_now_stays_where_it_is():
    contact = _lead("ana@acme.example")  # a lead since LONG_AGO
    before = LONG_AGO - dt.timedelta(days=2)
    _touch(contact, kind="form", form="request-demo", path="/demo", at=before)

    outcome = scores_refresh(
        contact_ids=[contact.pk], cause=ScoreCause.EVENT, now=before + dt.timedelta(days=1)
    )

    contact.refresh_from_db()
    assert CurrentContactScore.objects.get(contact=contact).is_mql
    assert outcome.promoted == 0 and contact.lifecycle_stage == "lead"


def test_the_account_score_adds_up_its_contacts_engagement():
    account = AccountFactory(employees=200)
    first, second = (ContactFactory(account=account) for _ in range(2))
    _touch(first, kind="form", form="request-demo", path="/demo")
    _touch(second, kind="page_view", path="/pricing")

    scores_refresh(contact_ids=[first.pk, second.pk], cause=ScoreCause.EVENT, now=NOW)

    row = CurrentAccountScore.objects.get(account=account, group="default")
    assert (row.fit, row.engagement, row.total) == (20, 50, 70)
    explained = account_score_explained(account_id=account.pk).default
    assert {r.rule_id: r.points for r in explained.explanation} == {
        "employees-50-999": 20,
        "demo-request": 40,
        "pricing-page": 10,
    }
    assert (explained.fit, explained.engagement) == (row.fit, row.engagement)


def test_the_account_engagement_is_held_within_the_account_cap():
    account = AccountFactory(employees=200)
    contacts = [ContactFactory(account=account) for _ in range(6)]
    for contact in contacts:
        _touch(contact, kind="form", form="request-demo", path="/demo")

    scores_refresh(contact_ids=[c.pk for c in contacts], cause=ScoreCause.EVENT, now=NOW)

    row = CurrentAccountScore.objects.get(account=account)
    assert (row.engagement, row.total) == (200, 220)  # 6 x 40 = 240, capped at 200
    explained = account_score_explained(account_id=account.pk).default
    assert explained.engagement == 200 and explained.explanation[-1].points == -40


def test_an_accounts_engagement_is_read_from_the_scores_index_alone():
    account = AccountFactory(employees=200)
    contact = ContactFactory(account=account)
    scores_refresh(contact_ids=[contact.pk], cause=ScoreCause.EVENT, now=NOW)
    sql = ACCOUNT_SUMS[connection.vendor]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql.format('%s')}", [1, account.pk])
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert f"USING COVERING INDEX {ACCOUNT_SUMS_INDEX}" in plan, plan
        else:
            # A few rows: left alone, the planner reads the table, as cheap at this size.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            query = sql.replace("IN ({})", "= ANY(%s::bigint[])")
            cursor.execute(f"EXPLAIN {query}", [1, [account.pk]])
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert f"Index Only Scan using {ACCOUNT_SUMS_INDEX}" in plan, plan


@time_machine.travel(NOW, tick=False)
def test_a_contact_moved_to_another_account_counts_in_its_new_account_only():
    old, new = AccountFactory(employees=200), AccountFactory(employees=200)
    mover, stayer = ContactFactory(account=old), ContactFactory(account=old)
    _touch(mover, kind="form", form="request-demo", path="/demo")
    _touch(stayer, kind="page_view", path="/pricing")
    scores_refresh(contact_ids=[mover.pk, stayer.pk], cause=ScoreCause.EVENT, now=NOW)
    assert CurrentAccountScore.objects.get(account=old).engagement == 50

    people.contact_update(contact=mover, account=new)  # rescores the contact and its account
    scores_refresh(contact_ids=[stayer.pk], cause=ScoreCause.EVENT, now=NOW)

    assert CurrentContactScore.objects.get(contact=mover).account_id == new.pk
    assert CurrentAccountScore.objects.get(account=new).engagement == 40
    assert CurrentAccountScore.objects.get(account=old).engagement == 10
    assert account_score_explained(account_id=old.pk).default.engagement == 10


def test_a_deleted_account_leaves_its_contacts_scores_without_one():
    account = AccountFactory(employees=200)
    contact = ContactFactory(account=account)
    scores_refresh(contact_ids=[contact.pk], cause=ScoreCause.EVENT, now=NOW)
    assert CurrentContactScore.objects.get(contact=contact).account_id == account.pk

    account.delete()

    assert CurrentContactScore.objects.get(contact=contact).account_id is None


def test_an_account_edit_rescores_its_contacts_at_once():
    contact = _hand_raiser("ana@acme.example", stage="sql")
    scores_refresh(contact_ids=[contact.pk], cause=ScoreCause.EVENT)

    people.account_update(account=contact.account, employees=5)

    row = CurrentContactScore.objects.get(contact=contact)
    assert row.fit == -30
    assert ScoreChange.objects.filter(contact=contact, cause="field").count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_contact_edit_rescores_it_and_can_make_it_an_mql():
    contact = _lead("ana@gmail.example", employees=None)
    _touch(contact, kind="form", form="request-demo", path="/demo")
    for minutes in range(3):
        _touch(contact, kind="page_view", path="/pricing", at=NOW - dt.timedelta(minutes=minutes))
    scores_refresh(contact_ids=[contact.pk], cause=ScoreCause.EVENT)
    contact.refresh_from_db()
    assert contact.lifecycle_stage == "lead"  # engagement 70, but fit 0 and total 70

    people.contact_update(contact=contact, seniority="vp")  # +15: total 85 ≥ 80

    contact.refresh_from_db()
    assert contact.lifecycle_stage == "mql"
    assert CurrentContactScore.objects.get(contact=contact).mql_reason == "total ≥ 80"


def test_deferred_rescoring_scores_each_contact_once_at_the_end():
    contact = _lead("ana@acme.example", stage="sql")

    with scores_deferred(cause=ScoreCause.FIELD) as pending:
        scores_refresh_soon(contact_ids=[contact.pk], cause=ScoreCause.FIELD)
        scores_refresh_soon(contact_ids=[contact.pk], cause=ScoreCause.FIELD)
        assert pending == {contact.pk}
        assert not CurrentContactScore.objects.filter(contact=contact).exists()

    assert CurrentContactScore.objects.filter(contact=contact).count() == 1


def test_decay_lowers_engagement_and_writes_a_decay_point():
    contact = _lead("ana@acme.example", stage="sql")
    _touch(contact, kind="form", form="request-demo", path="/demo", at=NOW)
    scores_refresh(contact_ids=[contact.pk], cause=ScoreCause.EVENT, now=NOW)

    outcome = scores_decay(now=NOW + dt.timedelta(days=30))

    row = CurrentContactScore.objects.get(contact=contact)
    assert row.engagement == pytest.approx(20)  # half of 40 after one half-life
    assert outcome.scored == 1
    assert ScoreChange.objects.filter(contact=contact, cause="decay").count() == 1


def test_the_sweep_scores_contacts_that_have_no_score_yet():
    scored = _lead("ana@acme.example", stage="sql")
    scores_refresh(contact_ids=[scored.pk], cause=ScoreCause.EVENT)
    fresh = _lead("bo@acme.example", stage="sql")

    outcome = scores_sweep()

    assert outcome.scored == 1
    assert CurrentContactScore.objects.filter(contact=fresh).exists()


def _publish_stricter(marketing_leader, sales_leader, *, promote: bool) -> None:
    draft = definition_draft_create(by_user=marketing_leader, text=stricter_yaml())
    definition_propose(version=draft, by_user=marketing_leader)
    definition_approve(version=draft, user=marketing_leader)
    definition_approve(version=draft, user=sales_leader, promote=promote)


@pytest.fixture
def queue_immediate():
    previous, HUEY.immediate = HUEY.immediate, True
    yield
    HUEY.immediate = previous


def test_a_version_going_live_rescores_everyone_in_a_run(
    marketing_leader, sales_leader, django_capture_on_commit_callbacks, queue_immediate
):
    contacts = [_lead(f"c{i}@acme.example", stage="sql") for i in range(2)]
    contacts.append(_lead("small@tiny.example", stage="sql", employees=5))
    scores_refresh(contact_ids=[c.pk for c in contacts], cause=ScoreCause.EVENT)
    old = definition_live().number

    with django_capture_on_commit_callbacks(execute=True):
        _publish_stricter(marketing_leader, sales_leader, promote=False)

    run = RescoringRun.objects.get()
    live = definition_live()
    assert live.number != old and live.status == Status.LIVE
    assert (run.status, run.version_id, run.done, run.total) == (RunStatus.DONE, live.pk, 3, 3)
    versions = set(CurrentContactScore.objects.values_list("version", flat=True))
    assert versions == {live.number}
    # Only the small company's score moved (-30 to -40): one history point, not three.
    (point,) = ScoreChange.objects.filter(cause="rescore")
    assert (point.contact_id, point.fit) == (contacts[2].pk, -40)


@time_machine.travel(NOW, tick=False)
def test_the_publishing_approval_chooses_whether_new_qualifiers_become_mqls(
    marketing_leader, sales_leader, django_capture_on_commit_callbacks, queue_immediate
):
    contact = _hand_raiser("ana@acme.example")
    scores_refresh(contact_ids=[contact.pk], cause=ScoreCause.EVENT, promote=False)

    with django_capture_on_commit_callbacks(execute=True):
        _publish_stricter(marketing_leader, sales_leader, promote=True)

    contact.refresh_from_db()
    run = RescoringRun.objects.get()
    assert contact.lifecycle_stage == "mql" and run.promoted == 1 and run.promote


@time_machine.travel(NOW, tick=False)
def test_a_run_writes_its_chunks_a_group_at_a_time_with_every_score_and_move(
    monkeypatch, marketing_leader, sales_leader, django_capture_on_commit_callbacks
):
    """A run writes what it scored once a group of chunks is scored (here chunks of two,
    groups of four): every contact gets its score and its move to MQL, whichever group it is
    in, the run's counts add up, and Python's garbage collector is back on afterwards."""
    import gc

    from django.test.utils import CaptureQueriesContext

    from smarketing.scoring import refresh, rescoring_processes
    from smarketing.scoring.refresh import rescoring_run

    monkeypatch.setattr(refresh, "CHUNK", 2)
    monkeypatch.setattr(rescoring_processes, "BATCH", 4)
    contacts = [
        _lead("l0@acme.example"),
        _hand_raiser("r0@acme.example"),
        _lead("l1@acme.example"),
        _hand_raiser("r1@acme.example"),
        _hand_raiser("r2@acme.example"),  # the second group, alone
    ]
    with django_capture_on_commit_callbacks(execute=False):
        _publish_stricter(marketing_leader, sales_leader, promote=True)

    with CaptureQueriesContext(connection) as queries:
        run = rescoring_run(run_id=RescoringRun.objects.get().pk)

    counted = [q["sql"] for q in queries.captured_queries if 'SET "done" = ' in q["sql"]]
    assert len(counted) == 2
    assert run is not None and (run.status, run.done, run.promoted) == (RunStatus.DONE, 5, 3)
    live = definition_live().number
    assert CurrentContactScore.objects.filter(version=live).count() == 5
    stages = {
        c.email: c.lifecycle_stage for c in Contact.objects.filter(pk__in=[c.pk for c in contacts])
    }
    assert [stages[c.email] for c in contacts] == ["lead", "mql", "lead", "mql", "mql"]
    assert gc.isenabled()


def test_a_repeated_rescoring_task_does_nothing_the_second_time(
    marketing_leader, sales_leader, django_capture_on_commit_callbacks, queue_immediate
):
    from smarketing.scoring.refresh import rescoring_run

    with django_capture_on_commit_callbacks(execute=True):
        _publish_stricter(marketing_leader, sales_leader, promote=False)

    assert rescoring_run(run_id=RescoringRun.objects.get().pk) is None


def test_the_api_approval_that_publishes_passes_the_promote_choice_on(
    marketing_leader, sales_leader, django_capture_on_commit_callbacks, queue_immediate
):
    from tests.events.rows import api_client

    draft = definition_draft_create(by_user=marketing_leader, text=stricter_yaml())
    definition_propose(version=draft, by_user=marketing_leader)
    definition_approve(version=draft, user=marketing_leader)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(sales_leader).post(
            f"/api/definitions/{draft.number}/approve?promote=true"
        )

    assert response.status_code == 200 and response.json()["status"] == "live"
    assert RescoringRun.objects.get().promote is True
    runs = api_client(sales_leader).get("/api/rescoring-runs").json()
    assert (runs[0]["version"], runs[0]["status"]) == (draft.number, "done")


def test_the_publishing_leader_is_offered_the_promote_choice_on_the_page(
    client, marketing_leader, sales_leader, django_capture_on_commit_callbacks, queue_immediate
):
    draft = definition_draft_create(by_user=marketing_leader, text=stricter_yaml())
    definition_propose(version=draft, by_user=marketing_leader)
    client.force_login(marketing_leader)
    first = client.get(f"/scoring/definition/{draft.number}/").content.decode()
    client.post(f"/scoring/definition/{draft.number}/approve/")
    client.force_login(sales_leader)
    second = client.get(f"/scoring/definition/{draft.number}/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/scoring/definition/{draft.number}/approve/", {"promote": "on"})

    assert 'name="promote"' not in first and 'name="promote"' in second
    assert RescoringRun.objects.get().promote is True


def test_the_definition_page_shows_the_rescoring_progress(client, marketing_leader):
    contact = _lead("ana@acme.example", stage="sql")
    run = RescoringRun.objects.create(version=definition_live(), total=1)
    client.force_login(marketing_leader)

    queued = client.get("/scoring/definition/").content.decode()
    from smarketing.scoring.refresh import rescoring_run

    rescoring_run(run_id=run.pk)
    done = client.get("/scoring/definition/rescoring/").content.decode()

    assert 'hx-trigger="every 2s"' in queued and "Waiting for the queue" in queued
    assert "1 contacts rescored" in done and "every 2s" not in done
    assert CurrentContactScore.objects.filter(contact=contact).exists()


@time_machine.travel(NOW, tick=False)
def test_the_rescore_command_rescores_everyone_now(db):
    from typer.testing import CliRunner

    from smarketing import cli

    cli.register_plugins_once()
    contact = _hand_raiser("ana@acme.example")

    result = CliRunner().invoke(cli.app, ["definition", "rescore", "--promote"])

    contact.refresh_from_db()
    assert result.exit_code == 0, result.output
    assert "rescored 1 contacts" in result.output and "1 became MQLs" in result.output
    assert contact.lifecycle_stage == "mql"


def test_a_score_an_event_wrote_while_the_run_went_on_is_kept(
    marketing_leader, sales_leader, django_capture_on_commit_callbacks
):
    """A run scores everyone as of when it started; an event rescoring a contact meanwhile
    counts later touchpoints, so the run does not overwrite that fresher score."""
    from smarketing.scoring.refresh import rescoring_run

    busy = _hand_raiser("ana@acme.example")
    quiet = _lead("bo@acme.example")
    with django_capture_on_commit_callbacks(execute=False):
        _publish_stricter(marketing_leader, sales_leader, promote=False)  # queued, not run
    started = NOW + dt.timedelta(minutes=1)
    meanwhile = NOW + dt.timedelta(hours=1)
    scores_refresh(contact_ids=[busy.pk], cause=ScoreCause.EVENT, now=meanwhile, promote=False)

    with time_machine.travel(started, tick=False):
        rescoring_run(run_id=RescoringRun.objects.get().pk)

    assert CurrentContactScore.objects.get(contact=busy).computed_at == meanwhile
    assert CurrentContactScore.objects.get(contact=quiet).computed_at == started
