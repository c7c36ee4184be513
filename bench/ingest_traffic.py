"""The traffic of bench/ingest.py: realistic Segment batches, and the load generator that posts
them to /v1/batch over a few keep-alive connections (plain Python, no Django).

The messages are what a B2B website and its tools send: mostly page views from analytics.js
(with UTM parameters on campaign landings), email opens and clicks from the email tool, content
downloads and webinar sign-ups, and now and then a form fill (the snippet sends `track Form
Submitted` and `identify` together) or a backend identify. Each is about 1 KB of JSON.
"""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import itertools
import json
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

SITE = "https://www.acmeflow.example"
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
)
PAGES = (
    ("/", "AcmeFlow: one pipeline for marketing and sales"),
    ("/product", "Product overview | AcmeFlow"),
    ("/product/integrations", "Integrations: CRM, email, ads | AcmeFlow"),
    ("/pricing", "Pricing and plans | AcmeFlow"),
    ("/customers", "Customer stories | AcmeFlow"),
    ("/blog/sales-marketing-alignment", "Seven habits of aligned revenue teams | AcmeFlow blog"),
    ("/blog/lead-scoring-guide", "A practical guide to lead scoring | AcmeFlow blog"),
    ("/resources/ebook-pipeline-playbook", "The pipeline playbook (ebook) | AcmeFlow"),
    ("/webinars/q3-pipeline-review", "Webinar: Q3 pipeline review | AcmeFlow"),
    ("/demo-request", "Book a demo | AcmeFlow"),
    ("/contact-sales", "Talk to sales | AcmeFlow"),
    ("/docs/getting-started", "Getting started | AcmeFlow docs"),
)
REFERRERS = (
    "",
    "",
    "https://www.google.com/",
    "https://www.bing.com/",
    "https://www.linkedin.com/",
    "https://news.ycombinator.com/",
    "https://www.g2.com/products/acmeflow/reviews",
)
CAMPAIGNS = (  # utm_source, utm_medium, utm_campaign
    ("google", "cpc", "brand-search-2025"),
    ("google", "cpc", "competitor-terms-emea"),
    ("bing", "cpc", "brand-search-2025"),
    ("linkedin", "paid_social", "abm-enterprise-q3"),
    ("linkedin", "social", "founder-posts"),
    ("facebook", "paid_social", "retargeting-pricing"),
    ("newsletter", "email", "monthly-digest-october"),
    ("partner-acme", "referral", "partner-webinar-series"),
    ("capterra", "display", "category-banner-q3"),
)
FIRST = ("Lena", "Tomas", "Aisha", "Kenji", "Marta", "Oliver", "Priya", "Samuel", "Ines", "Noah")
LAST = ("Schmidt", "Okafor", "Haddad", "Tanaka", "Kowalska", "Brown", "Iyer", "Costa", "Nilsen")
TITLES = ("Head of Marketing", "VP Sales", "Demand Generation Manager", "SDR", "RevOps Lead")
FREEMAIL = ("gmail.com", "outlook.com", "yahoo.com")
# Draws per kind of traffic; a form fill is two events (track, then identify).
MIX = {"page": 70, "email": 15, "content": 8, "form": 3, "identify": 2}


def mix_parse(text: str) -> dict[str, float]:
    """'page=70,form=3' → weights; kinds left out get 0. ValueError names what is wrong."""
    mix = dict.fromkeys(MIX, 0.0)
    for part in filter(None, (p.strip() for p in text.split(","))):
        kind, _, weight = part.partition("=")
        if kind.strip() not in MIX:
            raise ValueError(f"unknown kind {kind.strip()!r} (one of {', '.join(MIX)})")
        try:
            mix[kind.strip()] = float(weight)
        except ValueError:
            raise ValueError(f"{part!r}: the weight is not a number") from None
        if mix[kind.strip()] < 0:
            raise ValueError(f"{part!r}: a weight cannot be negative")
    if not any(mix.values()):
        raise ValueError("the mix needs at least one kind with a weight above 0")
    return mix


@dataclass
class Person:
    anonymous_id: str
    user_agent: str
    ip: str
    first: str
    last: str
    email: str
    company: str
    landing: tuple[str, str, str] | None  # the campaign that brought them, if any


@dataclass
class Traffic:
    """The batches to send, as request bodies, and what they hold."""

    bodies: list[bytes]
    events: int
    kinds: Counter[str]  # event type or track event name → count
    touchpoints: int  # page and track events: each makes one touchpoint
    emails: set[str]
    event_bytes: int  # the messages' compact JSON size, summed


def traffic_build(
    *,
    events: int,
    batch_size: int,
    seed: int,
    now: dt.datetime,
    mix: dict[str, float] | None = None,
) -> Traffic:
    """`events` messages in batches of `batch_size`, deterministic for a seed and mix."""
    rng = random.Random(seed)
    people = [_person(rng, i) for i in range(max(50, events // 8))]
    kinds, weights = zip(*(mix or MIX).items(), strict=True)
    messages: list[dict[str, Any]] = []
    start = now - dt.timedelta(hours=2)
    step = dt.timedelta(hours=2) / max(events, 1)
    while len(messages) < events:
        person = rng.choice(people)
        kind = rng.choices(kinds, weights)[0]
        for message in _messages(rng, kind, person):
            message["messageId"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            message["timestamp"] = _iso(start + step * len(messages))
            messages.append(message)
    del messages[events:]
    sent_at = _iso(now)
    bodies = [
        json.dumps(
            {"batch": messages[i : i + batch_size], "sentAt": sent_at}, separators=(",", ":")
        ).encode()
        for i in range(0, events, batch_size)
    ]
    return Traffic(
        bodies=bodies,
        events=events,
        kinds=Counter(m.get("event") or m["type"] for m in messages),
        touchpoints=sum(m["type"] in ("page", "track") for m in messages),
        emails={e for m in messages if m["type"] == "identify" and (e := m["traits"]["email"])},
        event_bytes=sum(len(json.dumps(m, separators=(",", ":"))) for m in messages),
    )


def _person(rng: random.Random, i: int) -> Person:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    company = f"{rng.choice(('north', 'blue', 'bright', 'iron', 'clear'))}{i % 400}"
    domain = rng.choice(FREEMAIL) if rng.random() < 0.15 else f"{company}.example"
    return Person(
        anonymous_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        user_agent=rng.choice(USER_AGENTS),
        ip=f"203.0.{rng.randrange(256)}.{rng.randrange(1, 255)}",
        first=first,
        last=last,
        email=f"{first}.{last}{i}@{domain}".lower(),
        company=company.title(),
        landing=rng.choice(CAMPAIGNS) if rng.random() < 0.4 else None,
    )


def _context(person: Person, path: str, title: str, *, referrer: str = "") -> dict[str, Any]:
    url = SITE + path
    query = ""
    context: dict[str, Any] = {
        "library": {"name": "analytics.js", "version": "npm:next-1.72.0"},
        "userAgent": person.user_agent,
        "ip": person.ip,
        "locale": "en-US",
        "timezone": "Europe/Berlin",
        "screen": {"width": 1920, "height": 1080, "density": 1},
    }
    if person.landing:
        source, medium, campaign = person.landing
        query = f"utm_source={source}&utm_medium={medium}&utm_campaign={campaign}"
        url = f"{url}?{query}"
        context["campaign"] = {"source": source, "medium": medium, "name": campaign}
    context["page"] = {
        "path": path,
        "referrer": referrer,
        "search": f"?{query}" if query else "",
        "title": title,
        "url": url,
    }
    return context


def _messages(rng: random.Random, kind: str, person: Person) -> list[dict[str, Any]]:
    path, title = rng.choice(PAGES)
    anon = {"anonymousId": person.anonymous_id}
    if kind == "page":
        context = _context(person, path, title, referrer=rng.choice(REFERRERS))
        page = {"type": "page", **anon, "name": title, "properties": context["page"]}
        return [{**page, "context": context}]
    if kind == "email":
        event = rng.choice(("Email Opened", "Email Link Clicked"))
        source, medium, campaign = CAMPAIGNS[6]
        properties = {
            "email_id": f"em-{rng.randrange(10**6)}",
            "email_subject": "October digest: pipeline reviews that sales and marketing both trust",
            "campaign_name": campaign,
            "list_name": "Newsletter subscribers",
        }
        if event == "Email Link Clicked":
            properties["link_url"] = f"{SITE}{path}?utm_source={source}&utm_medium={medium}"
        context = {
            "library": {"name": "esp-connector", "version": "3.2.1"},
            "traits": {"email": person.email},
            "campaign": {"source": source, "medium": medium, "name": campaign},
        }
        sender = {"type": "track", "userId": person.email, "event": event}
        return [{**sender, "properties": properties, "context": context}]
    if kind == "content":
        event = rng.choice(("Content Downloaded", "Webinar Registered", "CTA Clicked"))
        properties = {"asset": title, "url": SITE + path, "cta": "primary", "position": "hero"}
        context = _context(person, path, title)
        return [
            {"type": "track", **anon, "event": event, "properties": properties, "context": context}
        ]
    traits = {
        "email": person.email,
        "firstName": person.first,
        "lastName": person.last,
        "company": person.company,
        "title": rng.choice(TITLES),
    }
    if kind == "identify":  # the product's backend, once the person signs up
        library = {"name": "analytics-python", "version": "2.3.3"}
        user = {"type": "identify", "userId": f"usr_{person.anonymous_id[:12]}", **anon}
        return [{**user, "traits": traits, "context": {"library": library, "ip": person.ip}}]
    context = _context(person, "/demo-request", "Book a demo | AcmeFlow")
    form = {"form_id": "demo-request", "form_name": "Book a demo", **traits}
    submitted = {"type": "track", **anon, "event": "Form Submitted", "properties": form}
    return [
        {**submitted, "context": context},
        {"type": "identify", **anon, "traits": traits, "context": context},
    ]


def _iso(value: dt.datetime) -> str:
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class LoadResult:
    """What the load generator saw."""

    seconds: float = 0.0
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    accepted: int = 0  # the `accepted` counts in 200 responses
    duplicates: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)  # connection errors, first few
    latencies: list[float] = field(default_factory=list)  # seconds, per request
    unsent: int = 0  # batches left when the time limit was reached


def load_run(
    *, port: int, write_key: str, bodies: list[bytes], connections: int, max_seconds: float
) -> LoadResult:
    """Post every body to 127.0.0.1:`port`/v1/batch from `connections` threads, each on its own
    keep-alive connection, one request in flight per connection; stops early at `max_seconds`."""
    headers = {
        "Authorization": "Basic " + base64.b64encode(f"{write_key}:".encode()).decode(),
        "Content-Type": "application/json",
    }
    result = LoadResult()
    lock = threading.Lock()
    order = itertools.count()  # next() on a count is atomic under the GIL
    began = time.perf_counter()
    deadline = began + max_seconds

    def sender() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            while (i := next(order)) < len(bodies):
                if time.perf_counter() > deadline:
                    with lock:
                        result.unsent += 1
                    continue
                _post(conn, bodies[i], headers, result, lock)
        finally:
            conn.close()

    threads = [threading.Thread(target=sender, name=f"load-{n}") for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - began
    return result


def _post(
    conn: http.client.HTTPConnection,
    body: bytes,
    headers: dict[str, str],
    result: LoadResult,
    lock: threading.Lock,
) -> None:
    sent = time.perf_counter()
    try:
        conn.request("POST", "/v1/batch", body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
    except (OSError, http.client.HTTPException) as exc:
        conn.close()  # the next request opens a new connection
        with lock:
            result.requests += 1
            result.statuses[0] += 1
            if len(result.errors) < 5:
                result.errors.append(f"{type(exc).__name__}: {exc}")
        return
    latency = time.perf_counter() - sent
    counts = json.loads(data) if response.status == 200 else {}
    with lock:
        result.requests += 1
        result.statuses[response.status] += 1
        result.latencies.append(latency)
        result.accepted += counts.get("accepted", 0)
        result.duplicates += counts.get("duplicates", 0)
        result.rejected += counts.get("rejected", 0)
        if response.status != 200 and len(result.errors) < 5:
            result.errors.append(f"HTTP {response.status}: {data[:200]!r}")
