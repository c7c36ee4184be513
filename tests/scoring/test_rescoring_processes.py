"""A full rescoring split over worker processes: every contact rescored once, as one process
would, with the run's counts added up from all of them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from smarketing.scoring import rescoring_processes as processes
from smarketing.scoring import rules
from smarketing.scoring.facts import contact_facts_many, touchpoint_facts_by_contact
from smarketing.scoring.models import (
    CurrentAccountScore,
    CurrentContactScore,
    RescoringRun,
    RunStatus,
    ScoreCause,
)
from smarketing.scoring.refresh import (
    explanation_rows,
    rescoring_processes,
    rules_known,
    scores_refresh,
)
from smarketing.scoring.rescoring_processes import id_batches, slices_of
from smarketing.scoring.scores import definition_in_force
from smarketing.scoring.services import (
    definition_approve,
    definition_draft_create,
    definition_propose,
)
from tests.events.rows import raw_event, touchpoint, write_key
from tests.factories import AccountFactory, ContactFactory
from tests.scoring.definition_support import stricter_yaml


@pytest.mark.django_db
def test_id_batches_cut_the_contacts_into_batches_of_the_size_asked():
    contacts = sorted(c.pk for c in (ContactFactory() for _ in range(10)))
    batches = id_batches(3)

    assert batches[0][0] is None and batches[-1][1] is None
    sizes = [
        len([pk for pk in contacts if (low is None or pk >= low) and (high is None or pk < high)])
        for low, high in batches
    ]
    assert sizes == [3, 3, 3, 1]
    assert id_batches(10) == [(None, None)] and id_batches(20) == [(None, None)]


def test_the_accounts_are_cut_into_a_slice_of_consecutive_ids_per_process():
    assert slices_of([1, 2, 3, 4, 5], 2) == [[1, 2, 3], [4, 5]]
    assert slices_of(list(range(7)), 3) == [[0, 1, 2], [3, 4], [5, 6]]
    # Fewer accounts than processes, or none: a process may get none.
    assert slices_of([9], 3) == [[9], [], []] and slices_of([], 2) == [[], []]


def test_small_installations_are_rescored_in_one_process(settings):
    settings.RESCORING_PARALLEL_MIN, settings.RESCORING_PROCESSES = 50_000, 4
    assert rescoring_processes(49_999) == 1
    assert rescoring_processes(1_000_000) == 4
    settings.RESCORING_PARALLEL_MIN = 1
    assert rescoring_processes(6_000) == 2  # no more processes than batches of 4,000
    assert rescoring_processes(4_000) == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the processes need the test database on disk and committed: PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_a_run_over_two_processes_rescores_everyone_as_the_engine_does(
    settings, monkeypatch, marketing_leader, sales_leader
):
    from smarketing.scoring import refresh

    settings.RESCORING_PARALLEL_MIN, settings.RESCORING_PROCESSES = 1, 2
    # Six contacts in three batches of two, written a chunk of two at a time: worth two processes.
    monkeypatch.setattr(refresh, "CHUNK", 2)
    monkeypatch.setattr(processes, "BATCH", 2)
    now = timezone.now()
    contacts = []
    for i in range(6):
        contact = ContactFactory(account=AccountFactory(employees=5 if i % 2 else 200))
        for minutes in range(i):
            at = now - dt.timedelta(minutes=minutes)
            raw = raw_event(write_key(f"site-{i}-{minutes}"), received_at=at)
            touchpoint(raw, contact=contact, occurred_at=at, path="/pricing")
        contacts.append(contact)
    scores_refresh(contact_ids=[c.pk for c in contacts], cause=ScoreCause.EVENT, promote=False)

    previous, HUEY.immediate = HUEY.immediate, True
    try:
        draft = definition_draft_create(by_user=marketing_leader, text=stricter_yaml())
        definition_propose(version=draft, by_user=marketing_leader)
        definition_approve(version=draft, user=marketing_leader)
        definition_approve(version=draft, user=sales_leader, promote=False)  # runs the task
    finally:
        HUEY.immediate = previous

    run = RescoringRun.objects.get(version=draft)
    assert (run.status, run.error) == (RunStatus.DONE, "")
    assert (run.done, run.total) == (6, 6) and rescoring_processes(run.total) == 2
    live, definition = definition_in_force()
    known = rules_known(definition)
    ids = [c.pk for c in contacts]
    stored = {s.contact_id: s for s in CurrentContactScore.objects.filter(contact_id__in=ids)}
    touchpoints = touchpoint_facts_by_contact(ids)
    for facts in contact_facts_many(ids):
        row = stored[facts.contact_id]
        again = rules.score_contact(
            definition=definition,
            contact=facts,
            touchpoints=touchpoints.get(facts.contact_id, []),
            now=row.computed_at,
        ).default
        assert row.version == live.number
        assert (row.fit, row.engagement, row.total) == (again.fit, again.engagement, again.total)
        assert explanation_rows(row.explanation, known=known) == again.explanation
    assert {s.fit for s in stored.values()} >= {-40.0}  # the stricter rule counted
    # Every account's score was written under the new version, its engagement its contacts'.
    accounts = {c.account_id: c for c in contacts}
    kept = {
        a.account_id: a for a in CurrentAccountScore.objects.filter(account_id__in=list(accounts))
    }
    assert set(kept) == set(accounts)
    for account_id, account in kept.items():
        assert account.version == live.number
        assert account.engagement == stored[accounts[account_id].pk].engagement
