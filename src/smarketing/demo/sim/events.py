"""Web visits, form fills, email opens and clicks, downloads and webinars for each contact.

Drawn after the journeys so that they fit them: people who became MQLs looked at pricing first,
SQLs read the security overview. Kept in the Timeline; stored once the event API lands.
"""

from __future__ import annotations

import datetime as dt
import random

from smarketing.demo.sim import catalogue, marketing
from smarketing.demo.timeline import SimContact, SimEvent, Timeline

DAY = dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)
P_NEWSLETTER_OPEN = 0.25
P_NEWSLETTER_CLICK = 0.2  # of opens


class EventMaker:
    def __init__(self, timeline: Timeline) -> None:
        self.tl = timeline
        self.rng = random.Random()
        self.asset_index = {a.key: i for i, a in enumerate(timeline.assets)}
        self.case_studies = [
            i for i, a in enumerate(timeline.assets) if a.asset_type == "case_study"
        ]
        self.newsletter = next(
            i for i, c in enumerate(timeline.campaigns) if c.spec.entry == "newsletter"
        )
        self.out: list[SimEvent] = []
        # MQLs that came from asking for a demo: the form fill is what made them MQLs.
        self.demo_requests: dict[int, set[dt.datetime]] = {}
        for t in timeline.transitions:
            if t.by_rule == "demo: demo request":
                self.demo_requests.setdefault(t.contact, set()).add(t.at)

    def add(self, i: int, at: dt.datetime, kind: str, path: str, **more: object) -> None:
        if self.tl.start <= at < self.tl.now:
            self.out.append(SimEvent(i, at, kind, path, **more))  # type: ignore[arg-type]

    def session(
        self, i: int, at: dt.datetime, pages: list[str], *, anonymous: bool = False, **first: object
    ) -> None:
        """Page views a few seconds to minutes apart; the first carries the campaign tags."""
        for k, page in enumerate(pages):
            self.add(i, at, "page_view", page, anonymous=anonymous, **(first if k == 0 else {}))
            at += MINUTE * self.rng.uniform(0.3, 4)

    def utm(self, c: SimContact) -> dict[str, object]:
        if c.source_campaign is None:
            organic = next(o for o in marketing.ORGANIC if o.channel == c.source_channel)
            return {"referrer": organic.referrer}
        campaign = self.tl.campaigns[c.source_campaign]
        return {
            "campaign": c.source_campaign,
            "utm_source": campaign.spec.utm_source,
            "utm_medium": campaign.spec.utm_medium,
            "utm_campaign": campaign.utm_campaign,
        }

    def landing(self, c: SimContact) -> str:
        if c.source_campaign is None:
            return next(o.landing for o in marketing.ORGANIC if o.channel == c.source_channel)
        return self.tl.campaigns[c.source_campaign].spec.landing

    def contact(self, i: int, stages: list[tuple[str, dt.datetime]]) -> None:
        c = self.tl.contacts[i]
        self.rng = rng = random.Random(f"{self.tl.seed}:events:{c.serial}")
        # Imported and prospected contacts were not on the site before they became known.
        if c.entry not in ("outbound", "list_import"):
            first_visit = c.created_at - DAY * rng.uniform(0.01, 20)
            browse = rng.sample(marketing.PAGES_BROWSE, rng.randint(0, 2))
            self.session(i, first_visit, [self.landing(c), *browse], anonymous=True, **self.utm(c))
        self.arrival(i, c)
        if c.webinar is not None:
            self.webinar(i, c)
        if c.case_study_at:
            asset = rng.choice(
                [a for a in self.case_studies if self.tl.assets[a].created_at <= c.case_study_at]
            )
            url = self.tl.assets[asset].url.removeprefix(catalogue.SITE)
            self.add(i, c.case_study_at, "form_submit", url)
            self.add(i, c.case_study_at + MINUTE, "content_download", url, asset=asset)
        self.newsletters(i, c, stages)
        for stage, at in stages:
            if stage == "mql" and at in self.demo_requests.get(i, ()):
                self.add(i, at - MINUTE, "page_view", "/demo-request")
                self.add(i, at, "form_submit", "/demo-request")
            elif stage == "mql" and rng.random() < 0.6:
                self.session(i, at - DAY * rng.uniform(0.05, 3), ["/pricing", "/customers"])
            elif stage == "sql":
                pages = ["/pricing", "/security", "/product/integrations"]
                self.session(i, at + DAY * rng.uniform(0.1, 4), pages[: rng.randint(1, 3)])
                if rng.random() < 0.35:
                    sheet = self.asset_index["sheet-security"]
                    self.add(
                        i,
                        at + DAY * rng.uniform(1, 5),
                        "content_download",
                        "/resources/security-overview",
                        asset=sheet,
                    )

    def arrival(self, i: int, c: SimContact) -> None:
        """The form fill that made the contact known (none for imports and prospecting)."""
        at = c.created_at
        if c.entry in ("outbound", "list_import", "webinar"):
            return  # no form, or the webinar registration (see webinar()) is the form
        if c.entry == "newsletter" or c.source_campaign is None:
            self.add(i, at, "form_submit", self.landing(c))
            return
        spec = self.tl.campaigns[c.source_campaign].spec
        self.add(i, at, "form_submit", spec.landing)
        if spec.asset:
            self.add(
                i, at + MINUTE, "content_download", spec.landing, asset=self.asset_index[spec.asset]
            )

    def webinar(self, i: int, c: SimContact) -> None:
        assert c.webinar is not None
        campaign = self.tl.campaigns[c.webinar]
        assert campaign.event_at is not None
        path = campaign.spec.landing
        registered = (
            c.created_at
            if c.webinar == c.source_campaign
            else max(c.created_at, campaign.event_at - DAY * self.rng.uniform(1, 14))
        )
        tags = {
            "campaign": c.webinar,
            "utm_source": campaign.spec.utm_source,
            "utm_medium": campaign.spec.utm_medium,
            "utm_campaign": campaign.utm_campaign,
        }
        self.add(i, registered, "form_submit", path, **tags)
        self.add(i, registered + MINUTE, "webinar_registered", path, campaign=c.webinar)
        if c.attended_webinar:
            self.add(i, campaign.event_at, "webinar_attended", path, campaign=c.webinar)

    def newsletters(self, i: int, c: SimContact, stages: list[tuple[str, dt.datetime]]) -> None:
        """Monthly sends from sign-up until the contact is disqualified or the year ends."""
        if c.entry == "outbound":
            return
        stop = next((at for stage, at in stages if stage == "disqualified"), self.tl.now)
        engaged = any(stage in ("mql", "sal", "sql") for stage, _ in stages)
        p_open = P_NEWSLETTER_OPEN * (1.6 if engaged else 1)
        campaign = self.tl.campaigns[self.newsletter]
        send = c.created_at + DAY * self.rng.uniform(1, 30)
        while send < stop:
            if self.rng.random() < p_open:
                opened = send + MINUTE * self.rng.uniform(5, 2000)
                self.add(i, opened, "email_open", "", campaign=self.newsletter)
                if self.rng.random() < P_NEWSLETTER_CLICK:
                    page = self.rng.choice(marketing.ASSETS).path
                    self.add(i, opened + MINUTE, "email_click", page, campaign=self.newsletter)
                    self.session(
                        i,
                        opened + 2 * MINUTE,
                        [page],
                        campaign=self.newsletter,
                        utm_source="newsletter",
                        utm_medium="email",
                        utm_campaign=campaign.utm_campaign,
                    )
            send += DAY * 30.4


def build(timeline: Timeline) -> None:
    stages: dict[int, list[tuple[str, dt.datetime]]] = {}
    for t in timeline.transitions:
        stages.setdefault(t.contact, []).append((t.to_stage, t.at))
    maker = EventMaker(timeline)
    for i in range(len(timeline.contacts)):
        maker.contact(i, stages.get(i, []))
    maker.out.sort(key=lambda e: e.at)
    timeline.events = maker.out
