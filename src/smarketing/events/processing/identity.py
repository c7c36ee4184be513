"""Who an event is about: the identity graph of one batch.

Anonymous ids, user ids (Identity rows) and emails (Contact.email) map to contacts. A Resolver is
loaded for a whole batch in one or two queries, answers from memory while identify, alias and
merges change the graph, and writes back once (`flush`): new identity links, then stitching —
earlier touchpoints of a newly linked id get the contact and its account in one UPDATE per
contact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Q
from django.db.models.functions import Lower

from smarketing.events.models import Identity, IdentityKind, RawEvent, Touchpoint
from smarketing.people.models import Account, Contact

ANON = IdentityKind.ANONYMOUS.value
USER = IdentityKind.USER.value
Key = tuple[str, str]

# How many of the newest touchpoints the sweep re-checks for links made by another worker while
# they were being written (see `stitch_recent`).
RECENT_WINDOW = 20_000
# Raw event ids per stitching UPDATE (SQLite builds before 3.32 take at most 999 parameters).
STITCH_CHUNK = 900


@dataclass(frozen=True)
class Ids:
    """The ways one event names its person."""

    anonymous_id: str = ""
    user_id: str = ""
    email: str = ""

    def as_keys(self) -> list[Key]:
        found = []
        if self.user_id:
            found.append((USER, self.user_id))
        if self.anonymous_id:
            found.append((ANON, self.anonymous_id))
        return found


class Resolver:
    """The batch's identity graph in memory, by contact id; plus the contact and account rows
    identify events wrote, so repeated identifies of one person in a batch read nothing."""

    def __init__(self) -> None:
        self.stored: dict[Key, int] = {}  # links as the database has them
        self.links: dict[Key, int] = {}  # links as they are now
        self.emails: dict[str, int] = {}
        self.accounts: dict[int, int | None] = {}
        self.redirect: dict[int, int] = {}  # merged away → kept
        self.touched: set[int] = set()  # contacts whose touchpoints or source may have changed
        self.account_set: set[int] = set()  # contacts that got an account in this batch
        self.objects: dict[int, Contact] = {}
        self.domains: dict[str, Account] = {}
        self._loaded_keys: set[Key] = set()
        self._loaded_emails: set[str] = set()

    # Loading ---------------------------------------------------------------------------------

    def load(self, *, keys: Iterable[Key] = (), emails: Iterable[str] = ()) -> None:
        """Read the links of `keys` and the contacts of `emails` not read yet (≤ 2 queries)."""
        new_keys = set(keys) - self._loaded_keys
        new_emails = {e for e in emails if e} - self._loaded_emails
        if new_keys:
            self._loaded_keys |= new_keys
            anon = [v for k, v in new_keys if k == ANON]
            user = [v for k, v in new_keys if k == USER]
            rows = Identity.objects.filter(
                Q(kind=ANON, value__in=anon) | Q(kind=USER, value__in=user)
            ).values_list("kind", "value", "contact_id", "contact__account_id")
            for kind, value, contact_id, account_id in rows:
                self.stored[(kind, value)] = contact_id
                self.links.setdefault((kind, value), contact_id)
                self.accounts.setdefault(contact_id, account_id)
        if new_emails:
            self._loaded_emails |= new_emails
            rows = (
                Contact.objects.annotate(email_ci=Lower("email"))
                .filter(email_ci__in=new_emails)
                .values_list("email_ci", "id", "account_id")
            )
            for email, contact_id, account_id in rows:
                self.emails.setdefault(email, contact_id)
                self.accounts.setdefault(contact_id, account_id)

    def reload(self, *, keys: Iterable[Key] = (), emails: Iterable[str] = ()) -> None:
        """Read these again: another worker may have linked, created or deleted them."""
        keys, emails = set(keys), {e for e in emails if e}
        for key in keys:
            self.links.pop(key, None)
            self.stored.pop(key, None)
        for email in emails:
            self.emails.pop(email, None)
        self._loaded_keys -= keys
        self._loaded_emails -= emails
        self.load(keys=keys, emails=emails)

    # Answers ---------------------------------------------------------------------------------

    def final(self, contact_id: int | None) -> int | None:
        while contact_id in self.redirect:
            contact_id = self.redirect[contact_id]
        return contact_id

    def by_email(self, email: str) -> int | None:
        return self.final(self.emails.get(email)) if email else None

    def by_key(self, key: Key) -> int | None:
        return self.final(self.links.get(key))

    def contact_for(self, ids: Ids) -> int | None:
        """Email first (what the person says now), then user id, then anonymous id."""
        for found in (self.by_email(ids.email), *(self.by_key(k) for k in ids.as_keys())):
            if found is not None:
                return found
        return None

    def contact(self, contact_id: int) -> Contact:
        found = self.objects.get(contact_id)
        if found is None:
            found = self.objects[contact_id] = Contact.objects.get(pk=contact_id)
        return found

    def account_for(self, contact_id: int | None) -> int | None:
        return self.accounts.get(contact_id) if contact_id is not None else None

    def plan(self, ids: Ids) -> tuple[int | None, list[int]]:
        """For an identify: the contact it is (None: a new one, when it names a new email) and
        the other contacts its ids belong to, which turn out to be the same person and merge
        into it. A new email on a browser known as someone else is a new person who now uses
        that browser: the anonymous id moves to them and nothing merges (as HubSpot's cookie
        does); an email or user id already known names that person, so the browser's earlier
        contact merges into them."""
        email_c = self.by_email(ids.email)
        user_c = self.by_key((USER, ids.user_id)) if ids.user_id else None
        anon_c = self.by_key((ANON, ids.anonymous_id)) if ids.anonymous_id else None
        if email_c is None and user_c is None and ids.email:
            return None, []
        target = email_c or user_c or anon_c
        others = []
        for other in (user_c, anon_c):
            if other is not None and other != target and other not in others:
                others.append(other)
        return target, others

    # Changes ---------------------------------------------------------------------------------

    def contact_seen(self, contact: Contact) -> None:
        """Remember a contact just created or updated (its email and account)."""
        if contact.account_id is not None and self.accounts.get(contact.pk) != contact.account_id:
            self.account_set.add(contact.pk)
        self.accounts[contact.pk] = contact.account_id
        if contact.email:
            self.emails[contact.email.lower()] = contact.pk

    def link(self, key: Key, contact_id: int) -> None:
        self.links[key] = contact_id
        self.touched.add(contact_id)

    def link_all(self, ids: Ids, contact_id: int) -> None:
        for key in ids.as_keys():
            self.link(key, contact_id)

    def observe(self, ids: Ids) -> int | None:
        """For a touchpoint: its contact, linking any of its ids not linked yet (a user id
        seen with a new anonymous id links that browser too)."""
        contact_id = self.contact_for(ids)
        if contact_id is not None:
            for key in ids.as_keys():
                if self.by_key(key) is None:
                    self.link(key, contact_id)
        return contact_id

    def merged(self, *, keep: Contact, drop_id: int) -> None:
        """Follow a merge done in the database: drop's links now lead to keep."""
        self.redirect[drop_id] = keep.pk
        self.objects.pop(drop_id, None)
        self.accounts.pop(drop_id, None)
        self.touched.discard(drop_id)
        self.account_set.discard(drop_id)
        self.contact_seen(keep)
        self.touched.add(keep.pk)

    _STATE = ("stored", "links", "emails", "accounts", "redirect", "touched", "account_set")

    def snapshot(self) -> dict[str, Any]:
        return {name: getattr(self, name).copy() for name in self._STATE}

    def restore(self, state: dict[str, Any]) -> None:
        """Undo what an event did to the graph whose database writes were rolled back."""
        for name, value in state.items():
            setattr(self, name, value)
        # Rows a failed write may have half-changed in memory are read again.
        self.objects, self.domains = {}, {}

    # Writing back ----------------------------------------------------------------------------

    def flush(self) -> None:
        """Store new and moved links, link the browsers seen with newly linked user ids, then
        stitch earlier touchpoints onto their contacts and fill their accounts."""
        changed = self._changed_links()
        self._cooccurring_link([v for (k, v), _ in changed.items() if k == USER])
        changed = self._changed_links()
        if changed:
            new = [
                Identity(kind=k, value=v, contact_id=c)
                for (k, v), c in changed.items()
                if (k, v) not in self.stored
            ]
            Identity.objects.bulk_create(new, ignore_conflicts=True)
            for (kind, value), contact_id in changed.items():
                if (kind, value) in self.stored:
                    Identity.objects.filter(kind=kind, value=value).update(contact_id=contact_id)
            self.stored.update(changed)
        self._stitch(changed)
        for contact_id in sorted(self.account_set):
            account_id = self.accounts.get(contact_id)
            if account_id is not None:
                Touchpoint.objects.filter(contact_id=contact_id, account__isnull=True).update(
                    account_id=account_id
                )

    def _changed_links(self) -> dict[Key, int]:
        changed = {}
        for key, contact_id in self.links.items():
            now = self.final(contact_id)
            if now is not None and self.final(self.stored.get(key)) != now:
                changed[key] = now
        return changed

    def _cooccurring_link(self, user_ids: list[str]) -> None:
        """Anonymous ids that came with a user id before it was known (a backend's identify
        without an email, say) belong to the same person once it is."""
        if not user_ids:
            return
        pairs = set(
            RawEvent.objects.filter(user_id__in=user_ids)
            .exclude(anonymous_id="")
            .values_list("user_id", "anonymous_id")
            .distinct()
        )
        self.load(keys=[(ANON, anon) for _, anon in pairs])
        for user_id, anon in sorted(pairs):
            contact_id = self.by_key((USER, user_id))
            if contact_id is not None and self.by_key((ANON, anon)) is None:
                self.link((ANON, anon), contact_id)

    def _stitch(self, changed: dict[Key, int]) -> None:
        by_contact: dict[int, dict[str, list[str]]] = defaultdict(lambda: {ANON: [], USER: []})
        for (kind, value), contact_id in changed.items():
            by_contact[contact_id][kind].append(value)
        for contact_id, values in sorted(by_contact.items()):
            stitched = touchpoints_stitch(
                contact_id=contact_id,
                account_id=self.accounts.get(contact_id),
                anonymous_ids=values[ANON],
                user_ids=values[USER],
            )
            if stitched:
                self.touched.add(contact_id)


def touchpoints_stitch(
    *, contact_id: int, account_id: int | None, anonymous_ids: list[str], user_ids: list[str]
) -> int:
    """Give a contact the touchpoints still without one that came under its ids.

    Each step is led by an index (the touchpoints' anonymous id; the raw events' user id, then
    the touchpoints' raw event): one UPDATE with an OR across the join to raw events had
    PostgreSQL scan both tables on every call, which made processing slow down as they grew."""
    loose = Touchpoint.objects.filter(contact__isnull=True)
    stitched = 0
    if anonymous_ids:
        stitched += loose.filter(anonymous_id__in=anonymous_ids).update(
            contact_id=contact_id, account_id=account_id
        )
    if user_ids:
        raw_ids = list(RawEvent.objects.filter(user_id__in=user_ids).values_list("id", flat=True))
        for start in range(0, len(raw_ids), STITCH_CHUNK):
            stitched += loose.filter(raw_event_id__in=raw_ids[start : start + STITCH_CHUNK]).update(
                contact_id=contact_id, account_id=account_id
            )
    return stitched


def stitch_recent(*, window: int = RECENT_WINDOW) -> int:
    """Re-stitch the newest touchpoints still without a contact whose ids are linked now.

    Two workers can race: one writes a visitor's touchpoint while the other, in a transaction
    not yet visible to it, links the visitor and stitches. The periodic sweep closes that gap
    over the newest `window` touchpoints."""
    newest = Touchpoint.objects.aggregate(top=Max("id"))["top"]
    if newest is None:
        return 0
    loose = Touchpoint.objects.filter(id__gt=newest - window, contact__isnull=True)
    anons = set(loose.exclude(anonymous_id="").values_list("anonymous_id", flat=True))
    users = set(loose.exclude(raw_event__user_id="").values_list("raw_event__user_id", flat=True))
    resolver = Resolver()
    resolver.load(keys=[(ANON, a) for a in anons] + [(USER, u) for u in users])
    by_contact: dict[int, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for (kind, value), contact_id in resolver.stored.items():
        by_contact[contact_id][0 if kind == ANON else 1].append(value)
    stitched = 0
    for contact_id, (anon_ids, user_ids) in sorted(by_contact.items()):
        stitched += touchpoints_stitch(
            contact_id=contact_id,
            account_id=resolver.accounts.get(contact_id),
            anonymous_ids=anon_ids,
            user_ids=user_ids,
        )
    return stitched
