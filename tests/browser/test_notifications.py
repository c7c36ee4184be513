"""A rep sees their unread alerts on the bell, reads them on the notifications page, and mutes
an alert kind in their notification settings."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from smarketing.notify.models import NotificationPreference
from smarketing.notify.services import notify
from tests.browser.test_ui import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bell_counts_unread_and_reading_them_clears_it(live_server, page, rep):
    mql = notify(user=rep, kind="mql_assigned", title="New MQL: Lena Tester", url="/contacts/")
    breach = notify(user=rep, kind="sla_breached", title="SLA breached: first touch for Omar")
    base = live_server.url
    log_in(page, base, rep.email)

    bell = page.locator(".topbar #bell")
    expect(bell.locator(".bell-count")).to_have_text("2")
    expect(bell).to_have_attribute("aria-label", "Notifications, 2 unread")

    bell.click()
    page.wait_for_url(f"{base}/notifications/")
    expect(page.locator("h1")).to_have_text("Notifications")
    expect(page.locator(".inbox li.unread .n-title")).to_have_text(
        ["SLA breached: first touch for Omar", "New MQL: Lena Tester"]  # newest first
    )
    expect(page.locator(".inbox .n-title a")).to_have_attribute("href", "/contacts/")

    page.locator(f"#notification-{breach.pk}").get_by_role("button", name="Mark read").click()
    expect(bell.locator(".bell-count")).to_have_text("1")
    expect(page.locator(f"#notification-{breach.pk}")).not_to_have_class("unread")
    expect(page.locator(f"#notification-{mql.pk}")).to_have_class("unread")
    expect(page.locator(".page-head")).to_contain_text("1 unread.")

    page.get_by_role("button", name="Mark all read").click()
    expect(page.locator(".page-head")).to_contain_text("0 unread.")
    expect(page.locator(".inbox li.unread")).to_have_count(0)
    expect(page.get_by_role("button", name="Mark all read")).to_have_count(0)

    page.reload()
    expect(bell.locator(".bell-count")).to_have_count(0)
    expect(bell).to_have_attribute("aria-label", "Notifications, 0 unread")
    expect(page.locator(".inbox li")).to_have_count(2)  # read, still listed


def test_muting_an_alert_kind_is_saved_and_keeps_it_off_the_bell(live_server, page, rep):
    base = live_server.url
    log_in(page, base, rep.email)

    page.locator(".topbar details.menu summary").click()
    page.locator(".menu-items").get_by_role("link", name="Notifications").click()
    page.wait_for_url(f"{base}/settings/notifications/")
    breached = page.get_by_label("SLA breached", exact=True)
    expect(breached).to_be_checked()  # every kind is on until the rep changes it
    breached.uncheck()
    page.get_by_label("By email").uncheck()
    page.get_by_label("Email", exact=True).select_option("hourly")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Notification settings saved.")

    page.reload()
    expect(page.get_by_label("SLA breached", exact=True)).not_to_be_checked()
    expect(page.get_by_label("SLA due soon", exact=True)).to_be_checked()
    expect(page.get_by_label("By email")).not_to_be_checked()
    expect(page.get_by_label("Email", exact=True)).to_have_value("hourly")
    pref = NotificationPreference.objects.get(user=rep)
    assert (pref.muted_kinds, pref.email) == (["sla_breached"], False)

    # A muted kind is still listed, but does not ring the bell.
    notify(user=rep, kind="sla_breached", title="SLA breached: first touch for Priya")
    page.goto(f"{base}/notifications/")
    expect(page.locator(".inbox .n-title")).to_have_text(["SLA breached: first touch for Priya"])
    expect(page.locator("#bell .bell-count")).to_have_count(0)
    expect(page.locator(".page-head")).to_contain_text("0 unread.")
