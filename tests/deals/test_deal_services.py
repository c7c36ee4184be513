"""Deal services: closing, loss reasons, customers."""

import pytest

from smarketing.deals import services as deals
from smarketing.errors import InvalidInput
from smarketing.lifecycle.models import StageTransition
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


def test_winning_twice_moves_nobody_twice(rep):
    account = AccountFactory()
    ContactFactory(account=account)
    deal = deals.deal_create(name="Acme", account=account, amount=10, stage="won")
    deals.deal_update(deal=deal, amount=20)
    assert StageTransition.objects.filter(to_stage="customer").count() == 1


def test_lost_deal_needs_a_reason():
    deal = deals.deal_create(name="Acme", account=AccountFactory(), amount=10)
    with pytest.raises(InvalidInput) as exc:
        deals.deal_close(deal=deal, won=False)
    assert list(exc.value.errors) == ["loss_reason"]
    deals.deal_close(deal=deal, won=False, loss_reason="price")
    assert deal.closed_at is not None and deal.close_date is not None


def test_primary_contact_must_work_at_the_deal_account():
    with pytest.raises(InvalidInput) as exc:
        deals.deal_create(name="X", account=AccountFactory(), primary_contact=ContactFactory())
    assert list(exc.value.errors) == ["primary_contact"]


def test_reopening_a_won_deal_clears_closed_at():
    deal = deals.deal_create(name="Acme", account=AccountFactory(), amount=10, stage="won")
    assert deal.closed_at is not None
    deals.deal_update(deal=deal, stage="negotiation")
    deal.refresh_from_db()
    assert deal.closed_at is None
