"""The website snippet in headless Chromium, on a company website of its own origin.

The website (https://www.acme-tools.example) is played by the test: Playwright answers its pages,
so they never touch the network. They embed /st.js from the live Smarketing server with a real
write key, as a customer's site would: a cross-origin page, sending to Smarketing only.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from smarketing.events.models import PagePattern, RawEvent
from smarketing.events.processing.run import events_process
from smarketing.events.services import writekey_create
from smarketing.people.models import Contact
from smarketing.people.timeline import contact_timeline
from tests.events.live import one_at_a_time_fixture  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SITE = "https://www.acme-tools.example"
LANDING = (
    f"{SITE}/pricing?utm_source=google&utm_medium=cpc&utm_campaign=spring-launch"
    "&utm_term=crm+software&utm_content=ad-1"
)
FORM = """
<form id="demo-request" name="demo" action="/thanks" method="post">
  <input type="email" name="work_email" value="">
  <input name="first_name"><input name="contact[last_name]">
  <input name="company"><input name="job-title"><input type="tel" name="phone">
  <input type="password" name="password" value="secret">
  <textarea name="message"></textarea>
  <button type="submit">Book a demo</button>
</form>
<form id="search" action="/search"><input name="q"><button type="submit">Search</button></form>
<form id="login" action="/login" data-smarketing-ignore>
  <input type="email" name="email"><button type="submit">Log in</button>
</form>
"""


@dataclass
class Website:
    """The company website in a browser tab: the pages the test serves for it, and every request
    the tab made."""

    snippet: str
    lock: threading.Lock
    page: Any = None
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    # What went wrong on the way to the server, for a failure's message: failed requests and
    # answers other than 2xx. A beacon sent by a page being left shows as net::ERR_ABORTED to
    # the page even when it is delivered.
    trouble: list[str] = field(default_factory=list)

    def html(self, title: str, body: str = "") -> str:
        return (
            f"<!doctype html><html><head><title>{title}</title></head><body>"
            f"<h1>{title}</h1>{body}{self.snippet}</body></html>"
        )

    def page_for(self, path: str) -> str:
        pages = {
            "/pricing": self.html("Pricing"),
            "/demo": self.html("Book a demo", FORM),
            "/thanks": self.html("Thank you"),
            "/search": self.html("Search"),
            "/login": self.html("Welcome back"),
        }
        return pages.get(path, "")

    def wait_until(self, condition: Callable[[], object], what: str, timeout: float = 10.0) -> None:
        """Wait until the live server has stored what the browser sent. Waiting through the page
        lets Playwright run the route handler, which passes the browser's requests on."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                if condition():
                    return
            if time.monotonic() > deadline:
                pytest.fail(
                    f"not stored within {timeout} s: {what}; "
                    f"trouble on the way: {self.trouble or 'none seen'}"
                )
            self.page.wait_for_timeout(50)


@pytest.fixture
def write_key(db) -> str:
    return writekey_create(name="website", by_user=None)[1]


@pytest.fixture
def website(browser, live_server, write_key, one_at_a_time) -> Iterator[Website]:
    """A browser tab whose requests are all seen: the website's are answered by the test, the
    live server's pass, anything else is blocked and recorded."""
    tag = f'<script src="{live_server.url}/st.js" data-key="{write_key}" async></script>'
    site = Website(snippet=tag, lock=one_at_a_time)
    server = urlsplit(live_server.url).netloc
    context = browser.new_context()
    # Chromium asks before a public page reaches a loopback address; a real Smarketing server is
    # public, so this stands in for the test server being on 127.0.0.1, and changes nothing else.
    context.grant_permissions(["local-network-access"])

    def handle(route: Any) -> None:
        url = route.request.url
        site.requests.append(url)
        if urlsplit(url).netloc == server:
            route.continue_()
        elif url.startswith(SITE):
            html = site.page_for(urlsplit(url).path)
            status = 200 if html else 404
            route.fulfill(status=status, content_type="text/html", body=html or "not found")
        else:
            site.blocked.append(url)
            route.abort()

    context.route("**/*", handle)
    site.page = context.new_page()
    site.page.on("requestfailed", lambda r: site.trouble.append(f"{r.method} {r.url}: {r.failure}"))
    site.page.on(
        "response",
        lambda r: r.ok or site.trouble.append(f"{r.request.method} {r.url}: {r.status}"),
    )
    site.page.set_default_timeout(15_000)
    yield site
    context.close()


def events(kind: str, **filters: object) -> list[RawEvent]:
    return list(RawEvent.objects.filter(type=kind, **filters).order_by("id"))


def test_snippet_records_visits_and_a_form_fill_and_stitches_them_to_the_new_contact(
    website, live_server
):
    site, page = website, website.page
    # Seeded by a migration, but an earlier transactional test's flush may have removed it.
    PagePattern.objects.get_or_create(pattern="/pricing*", defaults={"label": "Pricing"})
    started = timezone.now()
    page.goto(LANDING, referer="https://www.google.com/")
    site.wait_until(lambda: len(events("page")) == 1, "the landing page view")
    landing = events("page")[0]
    context = landing.payload["context"]
    assert context["campaign"] == {
        "source": "google",
        "medium": "cpc",
        "name": "spring-launch",
        "term": "crm software",
        "content": "ad-1",
    }
    assert context["page"] == {
        "path": "/pricing",
        "referrer": "https://www.google.com/",
        "search": "?" + urlsplit(LANDING).query,
        "title": "Pricing",
        "url": LANDING,
    }
    assert landing.payload["properties"]["path"] == "/pricing"
    assert context["library"]["name"] == "smarketing-st.js"
    uuid.UUID(landing.message_id)  # a real uuid, not a placeholder
    assert landing.payload["sentAt"] and started - dt.timedelta(minutes=1) < landing.timestamp

    cookies = {c["name"]: c for c in page.context.cookies()}
    visitor = cookies["smk_aid"]
    assert visitor["value"] == landing.anonymous_id
    assert visitor["domain"] == ".acme-tools.example"  # shared by every subdomain of the site
    assert visitor["sameSite"] == "Lax"
    assert visitor["expires"] > time.time() + 360 * 24 * 3600

    page.goto(f"{SITE}/demo")
    site.wait_until(lambda: len(events("page")) == 2, "the demo page view")
    assert events("page")[1].anonymous_id == landing.anonymous_id
    page.fill("[name=work_email]", "lena.berg@acme-analytics.example")
    page.fill("[name=first_name]", "Lena")
    page.fill("[name='contact[last_name]']", "Berg")
    page.fill("[name=company]", "Acme Analytics")
    page.fill("[name=job-title]", "Head of Marketing")
    page.fill("[name=phone]", "+49 30 1234567")
    page.fill("[name=message]", "Please call me")
    with page.expect_navigation():
        page.click("#demo-request button")
    assert page.title() == "Thank you"

    site.wait_until(lambda: events("identify") and events("track"), "the form's identify and track")
    identify, submitted = events("identify")[0], events("track")[0]
    assert identify.anonymous_id == submitted.anonymous_id == landing.anonymous_id
    assert identify.payload["traits"] == {
        "email": "lena.berg@acme-analytics.example",
        "firstName": "Lena",
        "lastName": "Berg",
        "company": {"name": "Acme Analytics"},
        "title": "Head of Marketing",
        "phone": "+49 30 1234567",
    }
    assert submitted.event == "Form Submitted"
    assert submitted.payload["properties"] == {
        "form_id": "demo-request",
        "form_name": "demo",
        "action": f"{SITE}/thanks",
    }
    assert submitted.payload["context"]["page"]["path"] == "/demo"

    # Stitching: processing makes the contact and hangs the visits from before the form on it.
    site.wait_until(lambda: len(events("page")) == 3, "the thank-you page view")
    events_process(limit=100)
    lena = Contact.objects.get(email="lena.berg@acme-analytics.example")
    assert (lena.first_name, lena.last_name) == ("Lena", "Berg")
    assert lena.account is not None and lena.account.name == "Acme Analytics"
    titles = [item.title for item in contact_timeline(contact=lena) if item.kind == "touchpoint"]
    assert "Page view: /pricing" in titles and "Page view: /demo" in titles
    assert "Form submitted: demo-request" in titles
    visit = next(i for i in contact_timeline(contact=lena) if i.title == "Page view: /pricing")
    assert visit.touchpoint.channel == "paid_search"
    assert visit.touchpoint.campaign and visit.touchpoint.high_intent

    # Nothing but the website (answered by the test) and Smarketing was ever asked for.
    assert site.blocked == []
    server = urlsplit(live_server.url).netloc
    assert {urlsplit(u).netloc for u in site.requests} == {"www.acme-tools.example", server}


def test_snippet_sends_nothing_for_forms_without_email_or_marked_to_ignore(website):
    site, page = website, website.page
    page.goto(f"{SITE}/demo")
    site.wait_until(lambda: len(events("page")) == 1, "the demo page view")
    page.fill("#search [name=q]", "pricing")
    with page.expect_navigation():
        page.click("#search button")
    site.wait_until(lambda: len(events("page")) == 2, "the search page view")
    page.goto(f"{SITE}/demo")
    site.wait_until(lambda: len(events("page")) == 3, "the second demo page view")
    page.fill("#login [name=email]", "someone@acme.example")
    with page.expect_navigation():
        page.click("#login button")
    site.wait_until(lambda: len(events("page")) == 4, "the page after logging in")
    assert events("identify") == [] and events("track") == []


def test_snippet_api_tracks_and_identifies_from_the_page(website):
    site, page = website, website.page
    page.goto(f"{SITE}/pricing")
    site.wait_until(lambda: len(events("page")) == 1, "the page view")
    page.evaluate(
        """() => {
            window.smarketing.track("Pricing Calculator Used", {seats: 12});
            window.smarketing.identify("omar@acme.example", {firstName: "Omar"});
        }"""
    )
    site.wait_until(lambda: events("track") and events("identify"), "the track and identify calls")
    track, identify = events("track")[0], events("identify")[0]
    anonymous_id = page.evaluate("window.smarketing.anonymousId()")
    assert track.event == "Pricing Calculator Used"
    assert track.payload["properties"] == {"seats": 12}
    assert identify.payload["traits"] == {"firstName": "Omar", "email": "omar@acme.example"}
    assert track.anonymous_id == identify.anonymous_id == anonymous_id
