"""/analytics/funnel/: every role sees it in the navigation and reads it; tables, charts, CSV
downloads; bad input is a 400 naming the field; the query count does not grow with the data."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

import pytest

from smarketing.analytics.models import ReportSnapshot
from tests.analytics.funnel_history import WINDOW, four_contacts

URL = "/analytics/funnel/"
QUERY = urlencode(WINDOW)


@pytest.fixture
def contacts(rep, marketer):
    return four_contacts(rep=rep, marketer=marketer)


def test_funnel_page_when_any_role_opens_it_shows_it_in_the_navigation(client, cast):
    for user in cast.values():
        client.force_login(user)
        response = client.get(f"{URL}?{QUERY}")
        assert response.status_code == 200, user.role
        html = response.content.decode()
        assert f'href="{URL}" class="active"' in html, user.role


def test_funnel_page_when_opened_shows_charts_tables_and_csv_links(client, marketer, contacts):
    client.force_login(marketer)
    html = client.get(f"{URL}?{QUERY}&period=quarter").content.decode()
    assert html.count('<svg role="img"') == 2
    for key in ("entries", "conversions", "cohorts", "velocity", "leakage", "reasons"):
        assert f'id="table-{key}"' in html
        assert f"/analytics/funnel/{key}.csv?from=2025-01-01&amp;until=2025-07-01" in html
    assert "2025-Q1" in html and "No budget" in html
    assert "4 contacts entered the funnel" in html
    assert "3 (75%)" in html  # leads that reached MQL


def test_funnel_page_when_empty_shows_zeros_not_an_error(client, rep):
    client.force_login(rep)
    response = client.get(URL)
    assert response.status_code == 200
    assert "0 contacts entered the funnel" in response.content.decode()


def test_funnel_page_when_htmx_asks_swaps_only_the_results(client, marketer, contacts):
    client.force_login(marketer)
    response = client.get(f"{URL}?{QUERY}", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="funnel-results">') and "<html" not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2025-07-01&until=2025-01-01", "until: must be after from (2025-07-01)"),
        ("period=day", "period: must be one of week, month, quarter, not &#x27;day&#x27;"),
    ],
)
def test_funnel_page_when_input_is_wrong_answers_400_naming_the_field(
    client, marketer, query, message
):
    client.force_login(marketer)
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_funnel_page_when_htmx_input_is_wrong_shows_the_error_in_place(client, marketer):
    client.force_login(marketer)
    response = client.get(f"{URL}?period=day", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="funnel-errors"' in response.content.decode()


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_funnel_csv_when_downloaded_gives_the_table_with_shares(client, rep, contacts):
    client.force_login(rep)
    response = client.get(f"{URL}conversions.csv?{QUERY}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    disposition = response["Content-Disposition"]
    assert 'filename="funnel-conversions-2025-01-01-2025-07-01.csv"' in disposition
    header, *rows = _rows(response)
    assert header[:4] == ["From stage", "Entered", "Reached Lead", "Reached Lead share"]
    lead = next(r for r in rows if r[0] == "Lead")
    assert lead[1] == "4" and lead[header.index("Reached MQL share")] == "0.75"


def test_funnel_csv_when_each_table_downloaded_has_a_header_and_rows(client, rep, contacts):
    client.force_login(rep)
    expected = {"entries": 7, "cohorts": 6, "velocity": 6, "leakage": 7, "reasons": 2}
    for key, rows in expected.items():
        header, *body = _rows(client.get(f"{URL}{key}.csv?{QUERY}"))
        assert header and len(body) == rows, key
    leakage = _rows(client.get(f"{URL}leakage.csv?{QUERY}"))
    assert leakage[-1][:3] == ["Became customers", "1", "0.25"]


def test_funnel_csv_when_table_unknown_or_input_wrong_refuses(client, rep):
    client.force_login(rep)
    assert client.get(f"{URL}pipeline.csv").status_code == 404
    response = client.get(f"{URL}entries.csv?size=huge")
    assert response.status_code == 400
    assert response.content.decode().startswith("size: unknown size band 'huge'")


def test_funnel_page_when_logged_out_sends_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


# Session and user; the filter form's campaigns, owners and teams; the snapshot's lookup, the
# installation's size, its insert (in a savepoint), data version and store; the report: entries
# (2), conversion, cohorts, velocity, leakage (2); the header's unread count and the user's team.
PAGE_QUERIES = 2 + 3 + 2 + 3 + 2 + 7 + 2


def test_funnel_page_when_data_grows_keeps_its_query_count(
    client, marketer, rep, contacts, django_assert_num_queries
):
    client.force_login(marketer)
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(f"{URL}?{QUERY}").status_code == 200
    four_contacts(rep=rep, marketer=marketer)
    ReportSnapshot.objects.all().delete()  # computed again, not served from the first
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(f"{URL}?{QUERY}").status_code == 200
