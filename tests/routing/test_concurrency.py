"""Two workers routing MQLs into the same team at once on PostgreSQL: the team's pointer row is
locked while the turn is taken, so they never hand out the same turn."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from smarketing.handoff.models import Assignment
from smarketing.handoff.routing.models import RoundRobinPointer
from smarketing.lifecycle.services import stage_transition
from tests.routing.conftest import lead

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only"),
    pytest.mark.django_db(transaction=True),
]


def test_two_workers_when_routing_at_once_take_different_turns(org, rules):
    contacts = [lead(), lead()]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(contact) -> None:
        try:
            with transaction.atomic():
                start.wait(30)
                stage_transition(contact=contact, to_stage="mql", by_rule="score")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(c,)) for c in contacts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    owners = sorted(Assignment.objects.values_list("owner__email", flat=True))
    assert owners == ["anna@seller.example", "ben@seller.example"]
    assert RoundRobinPointer.objects.get(team=org["emea"]).turns == 2
