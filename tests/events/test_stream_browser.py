"""The event stream in Chromium: new events appear without reloading, within the chosen source."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_ui import log_in
from tests.events.live import one_at_a_time_fixture  # noqa: F401
from tests.events.rows import raw_event, write_key

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POLL_WAIT = 15_000  # ms: the page polls every 5 s


def test_stream_when_events_arrive_shows_them_without_reloading(
    live_server,
    page,
    marketer,
    one_at_a_time,
):
    with one_at_a_time:
        website, backend = write_key("website"), write_key("backend")
        raw_event(website, type="track", event="Already There")
    log_in(page, live_server.url, marketer.email)
    page.click("nav.mainnav >> text=Events")
    expect(page.locator("h1")).to_have_text("Event stream")
    events = page.locator("#latest-events")
    expect(events).to_contain_text("Already There")
    page.evaluate("window.loadedOnce = true")  # gone if the page were reloaded

    with one_at_a_time:
        raw_event(website, type="track", event="Arrived Later")
    expect(events).to_contain_text("Arrived Later", timeout=POLL_WAIT)

    # Choosing a source swaps the live part; its polling keeps to that source.
    with page.expect_response(lambda r: "source=" in r.url):
        page.select_option("#id_source", label="backend")
    expect(events).not_to_contain_text("Already There")
    assert f"source={backend.pk}" in page.url
    with one_at_a_time:
        raw_event(website, type="track", event="Website Again")
        raw_event(backend, type="track", event="From Backend")
    expect(events).to_contain_text("From Backend", timeout=POLL_WAIT)
    expect(events).not_to_contain_text("Website Again")
    assert page.evaluate("window.loadedOnce") is True
