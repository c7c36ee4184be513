"""The catalogue's value lists stay in step with the models they mirror."""

from __future__ import annotations

from smarketing.campaigns.models import Channel
from smarketing.content.models import FunnelStage
from smarketing.events.models import Touchpoint, TouchpointKind
from smarketing.people.models import Account, Contact, Seniority
from smarketing.scoring.rules.catalogue import (
    ACCOUNT_PREFIX,
    CHANNEL_VALUES,
    FIELDS,
    FUNNEL_STAGES,
    TOUCHPOINT_KINDS,
)
from smarketing.scoring.rules.facts import AccountFacts, ContactFacts, TouchpointFacts


def test_touchpoint_values_are_the_models_choices():
    assert set(TOUCHPOINT_KINDS) == set(TouchpointKind.values)
    assert set(CHANNEL_VALUES) == set(Channel.values)
    assert set(FUNNEL_STAGES) == set(FunnelStage.values)


def test_every_catalogue_field_is_a_fact_and_mirrors_a_model_field():
    contact_facts = set(ContactFacts.__dataclass_fields__)
    account_facts = set(AccountFacts.__dataclass_fields__)
    for name in FIELDS:
        if name.startswith(ACCOUNT_PREFIX):
            attr = name.removeprefix(ACCOUNT_PREFIX)
            assert attr in account_facts
            assert attr in {f.name for f in Account._meta.get_fields()}
        else:
            assert name in contact_facts
    model_fields = {f.name for f in Contact._meta.get_fields()}
    # email_domain and is_freemail are derived from the email address.
    assert {n for n in FIELDS if "." not in n} - model_fields == {"email_domain", "is_freemail"}


def test_seniority_description_names_every_level():
    assert all(level in FIELDS["seniority"].description for level in Seniority.values)


def test_touchpoint_facts_mirror_touchpoint_columns():
    facts = set(TouchpointFacts.__dataclass_fields__) - {"funnel_stage"}
    assert facts <= {f.name for f in Touchpoint._meta.get_fields()}
