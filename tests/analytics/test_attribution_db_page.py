"""/analytics/attribution/: every model side by side from the stored result, the recompute,
the stale warning, the CSV download and the tab."""

from __future__ import annotations

import csv
import io

import pytest
from huey.contrib.djhuey import HUEY

from smarketing.analytics.attribution_report.models import AttributionRun
from tests.analytics.attribution_db_history import WINDOW, build_history, day, touch

pytestmark = pytest.mark.django_db
PAGE = "/analytics/attribution/"


@pytest.fixture
def history():
    return build_history()


@pytest.fixture
def queue_immediate():
    previous = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = previous


def test_page_computes_once_and_shows_every_model_side_by_side(history, client, marketer):
    client.force_login(marketer)
    html = client.get(PAGE, WINDOW).content.decode()
    assert "Conversions credited" in html and "Revenue credited (USD)" in html
    for label in ("First touch", "W-shaped", "Markov chain", "Shapley value"):
        assert label in html
    assert "<svg" in html and "Events &amp; webinars" in html
    assert "1 deal won in EUR" in html  # the left-out currency, said
    assert 'href="/analytics/attribution/"' in html and ">Attribution</a>" in html  # the tab
    assert AttributionRun.objects.filter(status="done").count() == 1
    client.get(PAGE, WINDOW)  # read back, not computed again
    assert AttributionRun.objects.count() == 1


def test_page_says_when_the_data_changed_and_recomputes(
    history, client, rep, queue_immediate, django_capture_on_commit_callbacks
):
    client.force_login(rep)
    assert 'id="attribution-stale"' not in client.get(PAGE, WINDOW).content.decode()
    touch(history["cy"], "email", day(6, 10))
    html = client.get(PAGE, WINDOW).content.decode()
    assert 'id="attribution-stale"' in html and "Recompute" in html
    params = {**WINDOW, "level": "contact", "lookback": "90", "order": "1", "half_life": "7"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{PAGE}recompute/", params)
    assert response.status_code == 302
    assert AttributionRun.objects.filter(status="done").count() == 2
    assert 'id="attribution-stale"' not in client.get(PAGE, WINDOW).content.decode()


def test_large_data_waits_for_the_queue_instead_of_computing_in_the_page(
    history, client, marketer, settings
):
    settings.SMARKETING_ATTRIBUTION_INLINE_TOUCHPOINTS = 0
    client.force_login(marketer)
    html = client.get(PAGE, WINDOW).content.decode()
    assert 'id="attribution-missing"' in html and ">Compute</button>" in html
    assert not AttributionRun.objects.exists()
    client.post(f"{PAGE}recompute/", WINDOW)
    html = client.get(PAGE, WINDOW).content.decode()
    assert 'id="attribution-pending"' in html and "hx-trigger" in html


def test_csv_downloads_both_tables(history, client, marketer):
    client.force_login(marketer)
    response = client.get(f"{PAGE}attribution.csv", {**WINDOW, "level": "account"})
    assert response.status_code == 200
    assert (
        "attribution-account-channel-2026-01-01-2026-07-01.csv" in (response["Content-Disposition"])
    )
    rows = {r["Channel"]: r for r in csv.DictReader(io.StringIO(response.content.decode()))}
    assert rows["Email"]["First touch conversions"] == "2.00"
    assert rows["Email"]["Linear conversions"] == "1.25"
    assert rows["Email"]["Linear revenue USD"] == "4250.00"
    assert rows["Total"]["Markov chain conversions"] == "2.00"


def test_bad_parameters_are_shown_beside_their_field(client, marketer):
    client.force_login(marketer)
    response = client.get(PAGE, {"from": "2026-05-01", "until": "2026-04-01", "order": "4"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "must be after from" in html and "must be from 1 to 3, not 4" in html
    response = client.get(f"{PAGE}attribution.csv", {"lookback": "-5"})
    assert response.status_code == 400 and b"lookback: must be from 1 to 730" in response.content


def test_recompute_needs_a_post_and_a_login(client, marketer):
    assert client.post(f"{PAGE}recompute/").status_code == 302  # to the login page
    client.force_login(marketer)
    assert client.get(f"{PAGE}recompute/").status_code == 405
