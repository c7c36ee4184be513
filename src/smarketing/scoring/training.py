"""Training data from the database: every contact that became a lead, its outcome, and its
features as of a fixed observation point (predictive/leads.py says which; docs/scoring-model.md
explains it to users).

What sales fills in after contact (rejection reasons, ratings, activities, the owner, deals) is
never read here, so the model cannot learn the outcome from sales' own notes about it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce

from smarketing.events.models import Touchpoint
from smarketing.events.processing.freemail import is_freemail
from smarketing.lifecycle.models import StageTransition
from smarketing.lifecycle.stages import Stage
from smarketing.people.models import Contact
from smarketing.people.normalize import email_domain
from smarketing.scoring import rules
from smarketing.scoring.predictive.leads import LeadHistory, lead_outcome, observation_point
from smarketing.scoring.rules import AccountFacts, ContactFacts, TouchpointFacts

# Becoming a lead is the first move into any of these; converting, the first into the last three.
LEAD_STAGES = (Stage.LEAD, Stage.MQL, Stage.SAL, Stage.SQL, Stage.OPPORTUNITY, Stage.CUSTOMER)
CONVERTED_STAGES = (Stage.SQL, Stage.OPPORTUNITY, Stage.CUSTOMER)
# Leads still open (before SQL): the contacts that get a prediction.
OPEN_STAGES = (Stage.LEAD, Stage.MQL, Stage.SAL, Stage.RECYCLED)
DEFAULT_WINDOW_DAYS = 90
DEFAULT_OBSERVE_DAYS = 7
CHUNK = 2000

_TOUCHPOINT_FIELDS = ("occurred_at", "kind", "channel", "path", "form", "high_intent", "event")


@dataclass(frozen=True)
class LeadRecord:
    """A lead as loaded: what the model sees, what the rule engine sees (fit facts with the
    stage as stored now) and its lifecycle moves, oldest first."""

    history: LeadHistory
    facts: ContactFacts
    moves: tuple[tuple[dt.datetime, str], ...]

    def stage_at(self, moment: dt.datetime) -> str:
        """The stage the contact was in just before `moment`."""
        stage = ""
        for at, to_stage in self.moves:
            if at >= moment:
                break
            stage = to_stage
        return stage


@dataclass(frozen=True)
class TrainingSet:
    """The leads whose outcome is known (window closed), oldest lead first."""

    records: list[LeadRecord]
    y: np.ndarray
    observed_at: list[dt.datetime]
    censored: int  # window still open: left out
    converted_early: int  # reached SQL or later before the observation point: left out
    now: dt.datetime
    window_days: int
    observe_days: int

    @property
    def lead_dates(self) -> list[dt.datetime]:
        return [r.history.lead_at for r in self.records]


def lead_contacts() -> QuerySet[Contact]:
    """Contacts that have ever become a lead."""
    ids = StageTransition.objects.filter(to_stage__in=LEAD_STAGES).values("contact_id")
    return Contact.objects.filter(pk__in=ids)


def open_lead_contacts() -> QuerySet[Contact]:
    return lead_contacts().filter(lifecycle_stage__in=OPEN_STAGES)


def _facts(row: dict[str, object]) -> ContactFacts:
    domain = email_domain(str(row["email"]))
    account = None
    if row["account_id"] is not None:
        revenue = row["account__annual_revenue"]
        account = AccountFacts(
            account_id=row["account_id"],  # type: ignore[arg-type]
            employees=row["account__employees"],  # type: ignore[arg-type]
            annual_revenue=float(revenue) if revenue is not None else None,  # type: ignore[arg-type]
            industry=str(row["account__industry"]),
            country=str(row["account__country"]),
        )
    return ContactFacts(
        contact_id=row["id"],  # type: ignore[arg-type]
        email_domain=domain,
        is_freemail=bool(domain) and is_freemail(domain),
        title=str(row["title"]),
        seniority=str(row["seniority"]),
        country=str(row["country"]),
        source_channel=str(row["source_channel"]),
        lifecycle_stage=str(row["lifecycle_stage"]),
        account=account,
    )


def _moves(ids: list[int]) -> dict[int, list[tuple[dt.datetime, str]]]:
    moves: dict[int, list[tuple[dt.datetime, str]]] = defaultdict(list)
    rows = (
        StageTransition.objects.filter(contact_id__in=ids)
        .order_by("contact_id", "at", "id")
        .values_list("contact_id", "at", "to_stage")
    )
    for contact_id, at, to_stage in rows:
        moves[contact_id].append((at, to_stage))
    return moves


def _touchpoints(ids: list[int]) -> dict[int, list[TouchpointFacts]]:
    found: dict[int, list[TouchpointFacts]] = defaultdict(list)
    rows = (
        Touchpoint.objects.filter(contact_id__in=ids)
        .values_list(
            "contact_id",
            *_TOUCHPOINT_FIELDS,
            "properties",
            Coalesce(F("campaign__name"), Value("")),
            Coalesce(F("content__funnel_stage"), Value("")),
        )
        .order_by()
    )
    for cid, at, kind, channel, path, form, high, event, props, campaign, stage in rows:
        found[cid].append(
            TouchpointFacts(
                occurred_at=at,
                kind=kind,
                channel=channel,
                path=path,
                form=form,
                high_intent=high,
                event=event,
                properties=props or {},
                campaign=campaign,
                funnel_stage=stage,
            )
        )
    return found


_CONTACT_VALUES = (
    "id",
    "email",
    "title",
    "seniority",
    "country",
    "source_channel",
    "lifecycle_stage",
    "account_id",
    "account__employees",
    "account__annual_revenue",
    "account__industry",
    "account__country",
)


def _record(
    row: dict[str, object], moves: list[tuple[dt.datetime, str]], touches: list[TouchpointFacts]
) -> LeadRecord | None:
    lead_at = next((at for at, stage in moves if stage in LEAD_STAGES), None)
    if lead_at is None:
        return None
    converted_at = next(
        (at for at, stage in moves if stage in CONVERTED_STAGES and at >= lead_at), None
    )
    facts = _facts(row)
    account = facts.account
    history = LeadHistory(
        contact_id=facts.contact_id,
        lead_at=lead_at,
        converted_at=converted_at,
        employees=float(account.employees) if account and account.employees is not None else None,
        annual_revenue=account.annual_revenue if account else None,
        industry=account.industry if account else "",
        account_country=account.country if account else "",
        country=facts.country,
        seniority=facts.seniority,
        title=facts.title,
        is_freemail=facts.is_freemail,
        source_channel=facts.source_channel,
        source_campaign=str(row["campaign_name"]),
        touchpoints=tuple(touches),
    )
    return LeadRecord(history=history, facts=facts, moves=tuple(moves))


def lead_records(contacts: QuerySet[Contact]) -> Iterator[LeadRecord]:
    """The leads among `contacts` with their facts, moves and touchpoints, a chunk of contacts
    at a time (three queries per chunk), in contact id order."""
    base = contacts.order_by("pk").values(
        *_CONTACT_VALUES, campaign_name=Coalesce(F("source_campaign__name"), Value(""))
    )
    last = 0
    while True:
        rows = list(base.filter(pk__gt=last)[:CHUNK])
        if not rows:
            return
        ids = [int(r["id"]) for r in rows]  # type: ignore[call-overload]
        moves, touches = _moves(ids), _touchpoints(ids)
        for row in rows:
            record = _record(row, moves.get(row["id"], []), touches.get(row["id"], []))  # type: ignore[arg-type]
            if record is not None:
                yield record
        last = ids[-1]


def training_set(
    *,
    now: dt.datetime,
    window_days: int = DEFAULT_WINDOW_DAYS,
    observe_days: int = DEFAULT_OBSERVE_DAYS,
    contacts: QuerySet[Contact] | None = None,
) -> TrainingSet:
    """Every lead whose outcome window has closed by `now`, labelled, with its observation
    point; leads still inside their window are censored (left out)."""
    kept: list[tuple[LeadRecord, int, dt.datetime]] = []
    censored = converted_early = 0
    for record in lead_records(contacts if contacts is not None else lead_contacts()):
        lead = record.history
        at = observation_point(lead_at=lead.lead_at, observe_days=observe_days)
        # Already converted when it would be observed (or it arrived at SQL or later): never an
        # open lead at that point, so not one the model is asked about.
        if lead.converted_at is not None and lead.converted_at <= at:
            converted_early += 1
            continue
        label = lead_outcome(
            lead_at=lead.lead_at, converted_at=lead.converted_at, now=now, window_days=window_days
        )
        if label is None:
            censored += 1
            continue
        kept.append((record, label, at))
    kept.sort(key=lambda item: (item[0].history.lead_at, item[0].history.contact_id))
    return TrainingSet(
        records=[r for r, _, _ in kept],
        y=np.array([label for _, label, _ in kept], dtype=np.int64),
        observed_at=[at for _, _, at in kept],
        censored=censored,
        converted_early=converted_early,
        now=now,
        window_days=window_days,
        observe_days=observe_days,
    )


def rule_totals(
    *, records: list[LeadRecord], at: list[dt.datetime], definition: rules.Definition
) -> np.ndarray:
    """Each lead's total rule score (default group) as of its observation point: its stage
    then, and only the touchpoints before it."""
    scorer = rules.scorer_for(definition)
    totals = np.empty(len(records), dtype=np.float64)
    for i, (record, moment) in enumerate(zip(records, at, strict=True)):
        facts = dataclasses.replace(record.facts, lifecycle_stage=record.stage_at(moment))
        touches = [t for t in record.history.touchpoints if t.occurred_at < moment]
        result = scorer.score_contact(contact=facts, touchpoints=touches, now=moment)
        totals[i] = result.default.total
    return totals
