"""Writing one parsed row: find the record by its key, then create or update it through the
services of its app. Each function returns "created", "updated" or "unchanged", and raises
RowRejected or InvalidInput for a row that cannot be written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from smarketing.deals import services as deals
from smarketing.deals.models import CLOSED_STAGES, Deal, DealStage
from smarketing.handoff import services as handoff
from smarketing.handoff.models import Activity
from smarketing.lifecycle import services as lifecycle
from smarketing.org.models import User
from smarketing.people import services as people
from smarketing.people.models import Account, Contact
from smarketing.people.queries import contact_by_email


class RowRejected(Exception):
    def __init__(self, field_name: str, reason: str) -> None:
        self.field_name, self.reason = field_name, reason
        super().__init__(reason)


@dataclass
class Context:
    """What every row of one run shares: who and what is importing, and a cache of owners."""

    by_rule: str
    by_user: Any = None
    # A rep importing from their own tools: every activity is theirs (see activity_upsert).
    own_activities_only: bool = False
    users: dict[str, User | None] = field(default_factory=dict)
    accounts_created: int = 0

    def user(self, ref: str, field_name: str) -> User:
        if ref not in self.users:
            self.users[ref] = _user_find(ref)
        user = self.users[ref]
        if user is None:
            what = "email" if "@" in ref else "name"
            raise RowRejected(field_name, f"no active user with the {what} {ref!r}")
        return user


def _user_find(ref: str) -> User | None:
    active = User.objects.filter(is_active=True)
    if "@" in ref:
        return active.filter(email__iexact=ref).first()
    found = list(active.filter(full_name__iexact=ref)[:2])
    return found[0] if len(found) == 1 else None


def _changes(obj: models.Model, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields whose value differs from the record's (foreign keys compared by id)."""
    changed = {}
    for name, value in fields.items():
        if isinstance(value, models.Model):
            if getattr(obj, f"{name}_id") != value.pk:
                changed[name] = value
        elif getattr(obj, name) != value:
            changed[name] = value
    return changed


def _pick(values: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {n: values[n] for n in names if n in values}


def account_resolve(ctx: Context, values: dict[str, Any], *, create: bool = True) -> Account | None:
    """The account a row names by `account_domain` or `account_name`, created when missing."""
    domain, name = values.get("account_domain"), values.get("account_name")
    if domain:
        account = Account.objects.filter(domain=domain).first()
        if account is None and name:
            account = _by_name(name, "account_name", Account.objects.filter(domain__isnull=True))
    elif name:
        account = _by_name(name, "account_name", Account.objects.all())
    else:
        return None
    if account is None and create:
        account = people.account_create(name=name or domain, domain=domain)
        ctx.accounts_created += 1
    return account


def _by_name(name: str, field_name: str, qs: models.QuerySet[Account]) -> Account | None:
    found = list(qs.filter(name__iexact=name)[:2])
    if len(found) > 1:
        raise RowRejected(
            field_name,
            f"several accounts are named {name!r}; add a domain column to tell them apart",
        )
    return found[0] if found else None


CONTACT_PLAIN = (
    "first_name",
    "last_name",
    "title",
    "seniority",
    "phone",
    "country",
    "source_channel",
    "created_at",
)


def contact_upsert(ctx: Context, values: dict[str, Any]) -> str:
    fields = _pick(values, CONTACT_PLAIN)
    if "owner_email" in values:
        fields["owner"] = ctx.user(values["owner_email"], "owner_email")
    account = account_resolve(ctx, values)
    if account is not None:
        fields["account"] = account
    contact = contact_by_email(values["email"])
    if contact is None:
        contact = people.contact_create(email=values["email"], **fields)
        outcome = "created"
    else:
        changes = _changes(contact, fields)
        if changes:
            people.contact_update(contact=contact, **changes)
        outcome = "updated" if changes else "unchanged"
    stage = values.get("lifecycle_stage")
    if stage and stage != contact.lifecycle_stage:
        lifecycle.stage_transition(
            contact=contact,
            to_stage=stage,
            by_user=ctx.by_user,
            by_rule=ctx.by_rule,
            reason=values.get("lifecycle_reason") or None,
            # A new contact's first stage dates from its creation, as the source system knew it.
            at=contact.created_at if outcome == "created" else None,
        )
        outcome = "created" if outcome == "created" else "updated"
    return outcome


ACCOUNT_PLAIN = ("name", "employees", "annual_revenue", "industry", "country", "created_at")


def account_upsert(ctx: Context, values: dict[str, Any]) -> str:
    fields = _pick(values, ACCOUNT_PLAIN)
    if "owner_email" in values:
        fields["owner"] = ctx.user(values["owner_email"], "owner_email")
    domain = values.get("domain")
    if domain:
        fields["domain"] = domain
        account = Account.objects.filter(domain=domain).first() or _by_name(
            values["name"], "name", Account.objects.filter(domain__isnull=True)
        )
    else:
        account = _by_name(values["name"], "name", Account.objects.all())
    if account is None:
        people.account_create(**fields)
        return "created"
    changes = _changes(account, fields)
    if not changes:
        return "unchanged"
    people.account_update(account=account, **changes)
    return "updated"


DEAL_PLAIN = (
    "external_id",
    "name",
    "amount",
    "currency",
    "stage",
    "close_date",
    "closed_at",
    "loss_reason",
    "created_at",
)


def deal_upsert(ctx: Context, values: dict[str, Any]) -> str:
    deal = _deal_find(values)
    fields = _pick(values, DEAL_PLAIN)
    account = account_resolve(ctx, values)
    if account is not None:
        fields["account"] = account
    if "owner_email" in values:
        fields["owner"] = ctx.user(values["owner_email"], "owner_email")
    if "primary_contact_email" in values:
        ref = values["primary_contact_email"]
        fields["primary_contact"] = _contact_find(ref, "primary_contact_email")
    _deal_close_defaults(fields, deal)
    if deal is None:
        deals.deal_create(by_user=ctx.by_user, **fields)
        return "created"
    changes = _changes(deal, fields)
    if not changes:
        return "unchanged"
    deals.deal_update(deal=deal, by_user=ctx.by_user, **changes)
    return "updated"


def _deal_find(values: dict[str, Any]) -> Deal | None:
    """By our id first (our own export), then by the source system's id. An id this installation
    does not have comes from another one: the deal is then matched by external id or created."""
    if "id" in values:
        deal = Deal.objects.filter(pk=values["id"]).first()
        if deal is not None:
            return deal
    if values.get("external_id"):
        return Deal.objects.filter(external_id=values["external_id"]).first()
    return None


def _deal_close_defaults(fields: dict[str, Any], deal: Deal | None) -> None:
    """Closed deals from another CRM often carry only a close date and a free-text reason."""
    stage = fields.get("stage", deal.stage if deal else DealStage.DISCOVERY)
    dated = "closed_at" not in fields and "close_date" in fields
    if stage in CLOSED_STAGES and dated and (deal is None or deal.closed_at is None):
        fields["closed_at"] = dt.datetime.combine(fields["close_date"], dt.time(), dt.UTC)
    no_reason = not fields.get("loss_reason") and (deal is None or not deal.loss_reason)
    if stage == DealStage.LOST and no_reason:
        fields["loss_reason"] = "other"


def _contact_find(ref: str, field_name: str) -> Contact:
    """By email; CRMs that export associations as names ('Jane Doe') are matched by full name
    when exactly one contact has it."""
    if "@" in ref:
        contact = contact_by_email(ref)
        if contact is None:
            raise RowRejected(field_name, f"no contact with the email {ref!r}")
        return contact
    first, _, last = ref.strip().partition(" ")
    found = list(Contact.objects.filter(first_name__iexact=first, last_name__iexact=last)[:2])
    if len(found) != 1:
        how = "several contacts are" if found else "no contact is"
        raise RowRejected(field_name, f"{how} named {ref!r}; name the contact by email")
    return found[0]


ACTIVITY_PLAIN = ("external_id", "kind", "occurred_at", "subject", "body", "outcome")


def activity_upsert(ctx: Context, values: dict[str, Any]) -> str:
    fields = _pick(values, ACTIVITY_PLAIN)
    fields["contact"] = _contact_find(values["contact_email"], "contact_email")
    if "user_email" in values:
        fields["user"] = ctx.user(values["user_email"], "user_email")
    if ctx.own_activities_only:
        _own_check(ctx, fields)
    if "deal_external_id" in values:
        deal = Deal.objects.filter(external_id=values["deal_external_id"]).first()
        if deal is None:
            raise RowRejected(
                "deal_external_id", f"no deal with the external id {values['deal_external_id']!r}"
            )
        fields["deal"] = deal
    activity = None
    if values.get("external_id"):
        activity = Activity.objects.filter(external_id=values["external_id"]).first()
    if activity is None:
        handoff.activity_create(**fields)
        return "created"
    changes = _changes(activity, fields)
    if not changes:
        return "unchanged"
    handoff.activity_update(activity=activity, **changes)
    return "updated"


def _own_check(ctx: Context, fields: dict[str, Any]) -> None:
    """A rep imports only their own calls, emails and meetings: an activity with no user is
    theirs, one naming someone else (or updating someone else's) is refused, since activities
    count towards the SLA of whoever did them."""
    me = ctx.by_user
    fields.setdefault("user", me)
    if fields["user"].pk != me.pk:
        raise RowRejected("user_email", f"you may import only your own activities ({me.email})")
    if fields.get("external_id"):
        theirs = Activity.objects.filter(external_id=fields["external_id"]).exclude(user=me)
        if theirs.exists():
            raise RowRejected("external_id", "an activity of someone else has this external id")


# Which of our fields (so which column) a service's error field points at, best first.
SERVICE_FIELDS: dict[str, tuple[str, ...]] = {
    "account": ("account_domain", "account_name"),
    "domain": ("domain", "account_domain"),
    "owner": ("owner_email",),
    "to_stage": ("lifecycle_stage",),
    "reason": ("lifecycle_reason", "lifecycle_stage"),
    "at": ("lifecycle_stage",),
    "primary_contact": ("primary_contact_email",),
    "contact": ("contact_email",),
    "user": ("user_email",),
    "deal": ("deal_external_id",),
}
