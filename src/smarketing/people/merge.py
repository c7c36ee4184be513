"""Merging two contacts that turned out to be one person, keeping all of both histories."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from smarketing.errors import InvalidInput
from smarketing.lifecycle.services import stage_derive
from smarketing.people import services as people
from smarketing.people.models import Contact

# Profile fields `keep` takes from `drop` where its own are empty.
FILLED_FIELDS = ("first_name", "last_name", "title", "seniority", "phone", "country")
FILLED_RELATIONS = ("account", "owner")


def _history_relations() -> list[models.ForeignObjectRel]:
    """Every table pointing at a contact (transitions, activities, touchpoints, identities,
    deals, and whatever later apps add), so a merge cannot forget one."""
    return [
        f
        for f in Contact._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]


def _history_move(*, keep: Contact, drop: Contact) -> None:
    # A table holding one row per contact (a one-to-one, a unique per contact) fails loudly
    # here with an IntegrityError when both have a row: such a table needs its own rule.
    # Current scores and the prediction are caches of one row per contact (and group): `drop`'s
    # go; `keep` is rescored after the merge and predicted again at the next refresh.
    from smarketing.scoring.models import ContactPrediction, CurrentContactScore

    CurrentContactScore.objects.filter(contact=drop).delete()
    ContactPrediction.objects.filter(contact=drop).delete()
    for relation in _history_relations():
        name = relation.field.name
        relation.related_model._base_manager.filter(**{name: drop.pk}).update(**{name: keep.pk})


def _fills(*, keep: Contact, drop: Contact) -> dict[str, Any]:
    fields: dict[str, Any] = {
        name: getattr(drop, name)
        for name in FILLED_FIELDS
        if not getattr(keep, name) and getattr(drop, name)
    }
    for name in FILLED_RELATIONS:
        if getattr(keep, f"{name}_id") is None and getattr(drop, f"{name}_id") is not None:
            fields[f"{name}_id"] = getattr(drop, f"{name}_id")
    # Where a person came from is one fact: channel and campaign are taken together.
    if not keep.source_channel and drop.source_channel:
        fields["source_channel"] = drop.source_channel
        if keep.source_campaign_id is None:
            fields["source_campaign_id"] = drop.source_campaign_id
    if drop.created_at < keep.created_at:
        fields["created_at"] = drop.created_at  # known since the earlier of the two
    return fields


@transaction.atomic
def contact_merge(*, keep: Contact, drop: Contact) -> Contact:
    """Fold `drop` into `keep`: every row of `drop`'s history (stage transitions, activities,
    touchpoints, identities, deals it is the primary contact of) moves to `keep`, `keep`'s empty
    profile and source fields are filled from `drop`, the cached stage is re-derived from the
    merged transition history, and `drop` is deleted. `keep`'s email stays."""
    if keep.pk == drop.pk:
        raise InvalidInput("a contact cannot be merged into itself", field="drop")
    # Both rows locked in primary-key order, so two merges of one pair cannot deadlock.
    locked = {
        c.pk: c
        for c in Contact.objects.select_for_update()
        .filter(pk__in=[keep.pk, drop.pk])
        .order_by("pk")
    }
    for role, contact in (("keep", keep), ("drop", drop)):
        if contact.pk not in locked:
            raise InvalidInput(f"contact {contact.pk} no longer exists", field=role)
    fresh_keep, fresh_drop = locked[keep.pk], locked[drop.pk]
    _history_move(keep=fresh_keep, drop=fresh_drop)
    fills = _fills(keep=fresh_keep, drop=fresh_drop)
    fresh_drop.delete()
    if fills:
        people.contact_update(contact=fresh_keep, **fills)
    stage, at = stage_derive(contact=fresh_keep)
    Contact.objects.filter(pk=fresh_keep.pk).update(lifecycle_stage=stage, lifecycle_stage_at=at)
    fresh_keep.lifecycle_stage, fresh_keep.lifecycle_stage_at = stage, at
    keep.__dict__.update(
        {f.attname: getattr(fresh_keep, f.attname) for f in Contact._meta.concrete_fields}
    )
    keep._state.fields_cache.clear()
    people.contact_rescore(contact_ids=[keep.pk])
    return keep
