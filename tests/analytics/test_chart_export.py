"""Every analytics chart downloads as SVG and as PNG, for the same filters as its page."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.analytics import attribution_db_history
from tests.analytics.funnel_history import WINDOW, four_contacts
from tests.analytics.test_health import NOW
from tests.analytics.test_health import history as health_history  # noqa: F401
from tests.analytics.test_performance import WINDOW as PERFORMANCE_WINDOW
from tests.analytics.test_performance import history as performance_history  # noqa: F401

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n"


def _svg(response) -> ET.Element:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "image/svg+xml"
    return ET.fromstring(response.content)


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_funnel_charts_download_with_their_title_and_window(client, rep, marketer):
    four_contacts(rep=rep, marketer=marketer)
    client.force_login(rep)
    page = client.get("/analytics/funnel/", WINDOW).content.decode()
    assert "/analytics/funnel/chart/funnel.svg?" in page and "/groups.png?" in page
    root = _svg(client.get("/analytics/funnel/chart/funnel.svg", WINDOW))
    texts = _texts(root)
    assert texts[0] == "The funnel over the whole window"
    assert texts[1] == "2025-01-01 to 2025-06-30 (UTC), per month"
    assert "Lead" in texts
    # The white background and a bar per stage: a generator alone would always pass.
    assert len(list(root.iter("{http://www.w3.org/2000/svg}rect"))) > 1
    png = client.get("/analytics/funnel/chart/groups.png", WINDOW)
    assert png["Content-Type"] == "image/png" and png.content.startswith(PNG)
    assert 'filename="funnel-groups-2025-01-01-2025-07-01.png"' in png["Content-Disposition"]


def test_unknown_chart_format_or_bad_filters_are_refused(client, rep, marketer):
    four_contacts(rep=rep, marketer=marketer)
    client.force_login(rep)
    assert client.get("/analytics/funnel/chart/weather.svg", WINDOW).status_code == 404
    assert client.get("/analytics/funnel/chart/funnel.gif", WINDOW).status_code == 404
    bad = client.get("/analytics/funnel/chart/funnel.svg", {"until": "2020-13-01"})
    assert bad.status_code == 400 and b"until" in bad.content


def test_performance_chart_downloads(client, marketer, performance_history):  # noqa: F811
    client.force_login(marketer)
    params = {**PERFORMANCE_WINDOW, "by": "channel"}
    root = _svg(client.get("/analytics/performance/chart/revenue.svg", params))
    assert _texts(root)[0] == "Revenue won (USD), by original source channel"
    assert "Paid search" in _texts(root)


def test_health_chart_carries_its_sentence(client, marketer, health_history):  # noqa: F811
    import time_machine

    client.force_login(marketer)
    with time_machine.travel(NOW, tick=False):
        root = _svg(client.get("/analytics/health/chart/acceptance.svg", {"months": 3}))
        missing = client.get("/analytics/health/chart/weather.svg")
    texts = _texts(root)
    assert texts[0] == "MQL acceptance"
    assert texts[1].startswith("MQL acceptance was 75% in 2026-05")
    assert missing.status_code == 404


def test_attribution_chart_of_the_stored_result(client, marketer):
    attribution_db_history.build_history()
    client.force_login(marketer)
    window = attribution_db_history.WINDOW
    assert client.get("/analytics/attribution/chart/conversions.svg", window).status_code == 404
    client.get("/analytics/attribution/", window)  # a small company: computed on first view
    root = _svg(client.get("/analytics/attribution/chart/conversions.svg", window))
    assert _texts(root)[0] == "Conversions credited by model, by channel"
