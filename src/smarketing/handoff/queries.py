"""Reads of sales activities, a rep's open leads and feedback. `activities_visible_to` is the
one scoping helper for activities; contacts are scoped by people.queries."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from smarketing.campaigns.models import Channel
from smarketing.errors import InvalidInput
from smarketing.events.models import Touchpoint
from smarketing.handoff.models import Activity, LeadFeedback, SqlQualification
from smarketing.handoff.review import (
    FeedbackFact,
    Review,
    content_by_contact,
    month_parse,
    review_build,
    size_band,
)
from smarketing.lifecycle.stages import Stage
from smarketing.org import permissions
from smarketing.people.models import Contact
from smarketing.scoring.queries import contacts_with_scores

CHANNEL_LABELS = dict(Channel.choices)


def activities_visible_to(user: Any) -> QuerySet[Activity]:
    if not permissions.can(user, "activity.view"):
        return Activity.objects.none()
    return Activity.objects.select_related("contact", "user")


def activities_filter(
    qs: QuerySet[Activity],
    *,
    contact_id: int | None = None,
    user_id: int | None = None,
    kind: str = "",
) -> QuerySet[Activity]:
    if contact_id:
        qs = qs.filter(contact_id=contact_id)
    if user_id:
        qs = qs.filter(user_id=user_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


OPEN_STAGES = (Stage.MQL.value, Stage.SAL.value)


def leads_open(*, user: Any, team: bool = False) -> QuerySet[Contact]:
    """The user's open MQLs and SALs (a leader's `team`: everyone's in their team), newest move
    first, with the stored score and grade of the default group."""
    qs = Contact.objects.filter(lifecycle_stage__in=OPEN_STAGES)
    if team and user.team_id is not None:
        qs = qs.filter(owner__team_id=user.team_id)
    else:
        qs = qs.filter(owner=user)
    qs = contacts_with_scores(qs.select_related("account", "owner"))
    return qs.order_by(F("lifecycle_stage_at").desc(nulls_last=True), "-pk")


def feedback_of(*, contact: Contact) -> QuerySet[LeadFeedback]:
    return (
        LeadFeedback.objects.filter(contact=contact)
        .select_related("user", "reason")
        .order_by("-at", "-id")
    )


def sql_qualifications_of(*, contact: Contact) -> QuerySet[SqlQualification]:
    return (
        SqlQualification.objects.filter(contact=contact)
        .select_related("user", "definition_version")
        .order_by("-at", "-id")
    )


def lead_quality_review(*, month: str) -> Review:
    """Every feedback given in `month` (YYYY-MM, UTC), summed by source channel, campaign,
    content consumed, company size band and industry. Two queries."""
    try:
        start, end = month_parse(month)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="month") from None
    rows = list(
        LeadFeedback.objects.filter(at__gte=start, at__lt=end).values_list(
            "contact_id",
            "kind",
            "rating",
            "reason__label",
            "contact__source_channel",
            "contact__source_campaign__name",
            "contact__account__employees",
            "contact__account__industry",
        )
    )
    content = content_by_contact(
        Touchpoint.objects.filter(
            contact_id__in={r[0] for r in rows}, content__isnull=False
        ).values_list("contact_id", "content__title")
    )
    facts = [
        FeedbackFact(
            kind=kind,
            rating=rating,
            reason=reason or "",
            channel=CHANNEL_LABELS.get(channel, channel or ""),
            campaign=campaign or "",
            content=content.get(contact_id, ()),
            size=size_band(employees),
            industry=industry or "",
        )
        for contact_id, kind, rating, reason, channel, campaign, employees, industry in rows
    ]
    return review_build(facts, month=month)
