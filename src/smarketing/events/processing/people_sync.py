"""identify, alias, group and form events applied to contacts and accounts.

Every write goes through the people, lifecycle and merge services; the batch's Resolver is kept
current so the events after it in the batch see the change without a query.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from smarketing.events.processing import accounts
from smarketing.events.processing.identity import ANON, USER, Ids, Resolver
from smarketing.events.processing.payload import obj, text
from smarketing.lifecycle.services import stage_transition
from smarketing.lifecycle.stages import Stage
from smarketing.people import services as people
from smarketing.people.merge import contact_merge
from smarketing.people.models import Account, Contact

IDENTIFY_RULE = "event: identify"
FORM_RULE = "event: form"

# Contact field ← canonical trait, with the column's width.
CONTACT_TRAITS = {
    "first_name": 100,
    "last_name": 100,
    "title": 200,
    "phone": 40,
    "country": 2,
}


def contact_fields(traits: dict[str, str]) -> dict[str, str]:
    return {f: traits[f][:width] for f, width in CONTACT_TRAITS.items() if traits.get(f)}


def identify_apply(
    *, resolver: Resolver, ids: Ids, traits: dict[str, str], at: dt.datetime, form: bool
) -> int | None:
    """Create or update the contact an identify (or a form) names; returns its id, None when
    it names nobody we can create (no email) or know."""
    target, others = resolver.plan(ids)
    if target is None:
        if not ids.email:
            return None
        contact = _contact_create(resolver, email=ids.email, traits=traits, at=at, form=form)
        resolver.objects[contact.pk] = contact
    else:
        contact = resolver.contact(target)
        for other in others:
            contact = _merge(resolver, keep=contact, drop_id=other)
        contact = _contact_refresh(resolver, contact, email=ids.email, traits=traits, at=at)
        if form:
            _lead_ensure(contact, at=at)
    resolver.contact_seen(contact)
    resolver.link_all(ids, contact.pk)
    return contact.pk


def _account(resolver: Resolver, *, email: str, company: str, at: dt.datetime) -> Account | None:
    """The account of an email's company domain (cached for the batch)."""
    domain = accounts.company_domain(email)
    if not domain:
        return None
    account = resolver.domains.get(domain)
    if account is None or (company and account.name == account.domain != company):
        account = accounts.account_for_domain(domain=domain, name=company, at=at)
        resolver.domains[domain] = account
    return account


def _contact_create(
    resolver: Resolver, *, email: str, traits: dict[str, str], at: dt.datetime, form: bool
) -> Contact:
    account = _account(resolver, email=email, company=traits.get("company", ""), at=at)
    return people.contact_create(
        email=email,
        account=account,
        created_at=at,
        stage=Stage.LEAD if form else Stage.SUBSCRIBER,
        by_rule=FORM_RULE if form else IDENTIFY_RULE,
        stage_at=at,
        **contact_fields(traits),
    )


def _contact_refresh(
    resolver: Resolver, contact: Contact, *, email: str, traits: dict[str, str], at: dt.datetime
) -> Contact:
    """Traits overwrite what they name (Segment's identify semantics); an email that differs
    is the person's new address (the contact was found by user id)."""
    changes: dict[str, Any] = {
        f: v for f, v in contact_fields(traits).items() if getattr(contact, f) != v
    }
    if email and contact.email.lower() != email:
        changes["email"] = email
    company = traits.get("company", "")
    if contact.account_id is None or company:
        account = _account(resolver, email=email or contact.email, company=company, at=at)
        if account is not None and contact.account_id is None:
            changes["account"] = account
    if changes:
        people.contact_update(contact=contact, **changes)
    return contact


def _lead_ensure(contact: Contact, *, at: dt.datetime) -> None:
    """A form fill makes a subscriber (or a contact without a stage) a lead. History is
    append-only, so a fill dated before the contact's last move changes nothing."""
    if contact.lifecycle_stage not in ("", Stage.SUBSCRIBER.value):
        return
    if contact.lifecycle_stage_at is not None and at < contact.lifecycle_stage_at:
        return
    stage_transition(contact=contact, to_stage=Stage.LEAD, by_rule=FORM_RULE, at=at)


def _merge(resolver: Resolver, *, keep: Contact, drop_id: int) -> Contact:
    drop = Contact.objects.filter(pk=drop_id).first()
    if drop is not None:
        contact_merge(keep=keep, drop=drop)
    resolver.merged(keep=keep, drop_id=drop_id)
    return keep


def alias_apply(
    *, resolver: Resolver, payload: dict[str, Any], user_id: str, anonymous_id: str
) -> int | None:
    """alias(previousId → userId): both ids are one person; when each already had a contact,
    the previous one merges into the new id's."""
    previous = text(payload.get("previousId"))
    prev_key = (
        (USER, previous) if resolver.by_key((USER, previous)) is not None else (ANON, previous)
    )
    prev_c = resolver.by_key(prev_key) if previous else None
    new_c = resolver.by_key((USER, user_id)) if user_id else None
    if prev_c is not None and new_c is not None and prev_c != new_c:
        _merge(resolver, keep=resolver.contact(new_c), drop_id=prev_c)
    target = new_c if new_c is not None else prev_c
    if target is None:
        return None
    for key in ((USER, user_id), prev_key, (ANON, anonymous_id)):
        if key[1] and resolver.by_key(key) is None:
            resolver.link(key, target)
    return target


def group_apply(
    *, resolver: Resolver, payload: dict[str, Any], ids: Ids, at: dt.datetime
) -> int | None:
    """group(groupId, traits): the account's traits; a sender without an account joins it."""
    contact_id = resolver.contact_for(ids)
    account = accounts.group_account(
        traits=obj(payload.get("traits")),
        contact_account_id=resolver.account_for(contact_id),
        at=at,
    )
    if account is None or contact_id is None:
        return None
    if resolver.account_for(contact_id) is None:
        contact = resolver.contact(contact_id)
        if contact.account_id is None:
            people.contact_update(contact=contact, account=account)
        resolver.contact_seen(contact)
    return account.pk
