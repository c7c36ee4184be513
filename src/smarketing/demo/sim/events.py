"""Web visits, form fills, email opens and clicks, downloads and webinars for each contact.

Interest comes first and the scoring engine judges it: the journey (sim/journey.py) asks for a
contact's background activity (the visit and form that brought it, webinars, case studies,
newsletters) and for its interest episodes (a demo request, an evaluation of pricing and
customers), then lets sim/qualify.py decide whether and when that makes an MQL. Sales' own
stages add what buyers do then (an SQL reads the security overview).
"""

from __future__ import annotations

import datetime as dt
import random

from smarketing.demo.sim import catalogue, marketing
from smarketing.demo.sim.touch import form_name
from smarketing.demo.timeline import SimContact, SimEvent, Timeline

DAY = dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)
P_NEWSLETTER_OPEN = 0.25
P_NEWSLETTER_CLICK = 0.2  # of opens
ENGAGED_OPENS = 1.6  # interested contacts open more newsletters
P_SECOND_SESSION = 0.55  # an evaluation comes back to pricing another day …
P_THIRD_SESSION = 0.35  # … and another
P_EVALUATION_DOWNLOAD = 0.3  # grabs the security overview while evaluating
NEWSLETTER_KINDS = frozenset({"email_open", "email_click", "page_view"})


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

    def add(self, i: int, at: dt.datetime, kind: str, path: str, **more: object) -> None:
        if self.tl.start <= at < self.tl.now:
            if kind == "form_submit" and "form" not in more:
                more["form"] = form_name(path, newsletter=False)
            self.out.append(SimEvent(i, at, kind, path, **more))  # type: ignore[arg-type]

    def take(self) -> list[SimEvent]:
        out, self.out = self.out, []
        return out

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

    def background(self, i: int, *, subscriber: bool, engaged: bool) -> list[SimEvent]:
        """What the contact does whatever becomes of it: the visit and form that brought it, its
        webinar, a case study, the newsletters (cut at a disqualification by `collect`)."""
        c = self.tl.contacts[i]
        self.rng = rng = random.Random(f"{self.tl.seed}:events:{c.serial}")
        # Imported and prospected contacts were not on the site before they became known.
        if c.entry not in ("outbound", "list_import"):
            first_visit = c.created_at - DAY * rng.uniform(0.01, 20)
            browse = rng.sample(marketing.PAGES_BROWSE, rng.randint(0, 2))
            self.session(i, first_visit, [self.landing(c), *browse], anonymous=True, **self.utm(c))
        self.arrival(i, c, subscriber=subscriber)
        if c.webinar is not None:
            self.webinar(i, c)
        if c.case_study_at:
            asset = rng.choice(
                [a for a in self.case_studies if self.tl.assets[a].created_at <= c.case_study_at]
            )
            url = self.tl.assets[asset].url.removeprefix(catalogue.SITE)
            self.add(i, c.case_study_at, "form_submit", url)
            self.add(i, c.case_study_at + MINUTE, "content_download", url, asset=asset)
        self.newsletters(i, c, engaged=engaged)
        return self.take()

    def arrival(self, i: int, c: SimContact, *, subscriber: bool) -> None:
        """The form fill that made the contact known (none for imports and prospecting)."""
        at = c.created_at
        if c.entry in ("outbound", "list_import", "webinar"):
            return  # no form, or the webinar registration (see webinar()) is the form
        if c.entry == "newsletter" or c.source_campaign is None:
            landing = self.landing(c)
            self.add(i, at, "form_submit", landing, form=form_name(landing, newsletter=subscriber))
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

    def newsletters(self, i: int, c: SimContact, *, engaged: bool) -> None:
        """Monthly sends from sign-up until the year ends."""
        if c.entry == "outbound":
            return
        p_open = P_NEWSLETTER_OPEN * (ENGAGED_OPENS if engaged else 1)
        campaign = self.tl.campaigns[self.newsletter]
        send = c.created_at + DAY * self.rng.uniform(1, 30)
        while send < self.tl.now:
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

    # Interest episodes and sales-stage activity, drawn from the journey's own stream.

    def hand_raise(self, i: int, at: dt.datetime, rng: random.Random) -> list[SimEvent]:
        """A demo request: the form page, then the form a minute or two later."""
        self.add(i, at - MINUTE * rng.uniform(0.5, 3), "page_view", "/demo-request")
        self.add(i, at, "form_submit", "/demo-request")
        return self.take()

    def evaluation(self, i: int, at: dt.datetime, rng: random.Random) -> list[SimEvent]:
        """Looking at pricing and customers, in one to three sessions days apart; sometimes
        the security overview too."""
        self.rng = rng
        sessions = 1 + (rng.random() < P_SECOND_SESSION) + (rng.random() < P_THIRD_SESSION)
        for _ in range(sessions):
            rest = rng.sample(marketing.PAGES_EVALUATE[1:], rng.randint(0, 2))
            self.session(i, at, ["/pricing", *rest])
            if rng.random() < P_EVALUATION_DOWNLOAD:
                self.security_download(i, at + MINUTE * rng.uniform(5, 40))
            at += DAY * rng.uniform(0.2, 6)
        return self.take()

    def sql_session(self, i: int, at: dt.datetime, rng: random.Random) -> list[SimEvent]:
        """An SQL checks pricing, security and integrations, and often the security overview."""
        self.rng = rng
        pages = ["/pricing", "/security", "/product/integrations"]
        self.session(i, at + DAY * rng.uniform(0.1, 4), pages[: rng.randint(1, 3)])
        if rng.random() < 0.35:
            self.security_download(i, at + DAY * rng.uniform(1, 5))
        return self.take()

    def security_download(self, i: int, at: dt.datetime) -> None:
        sheet = self.asset_index["sheet-security"]
        self.add(i, at, "content_download", "/resources/security-overview", asset=sheet)


def collect(timeline: Timeline, events: list[list[SimEvent]]) -> None:
    """Every contact's events in time order; newsletters stop at a disqualification."""
    newsletter = next(i for i, c in enumerate(timeline.campaigns) if c.spec.entry == "newsletter")
    stops: dict[int, dt.datetime] = {}
    for t in timeline.transitions:
        if t.to_stage == "disqualified":
            stops.setdefault(t.contact, t.at)
    out: list[SimEvent] = []
    for i, mine in enumerate(events):
        stop = stops.get(i)
        out.extend(
            e
            for e in mine
            if stop is None
            or e.at < stop
            or not (e.campaign == newsletter and e.kind in NEWSLETTER_KINDS)
        )
    out.sort(key=lambda e: e.at)
    timeline.events = out
