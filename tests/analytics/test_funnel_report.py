"""Conversion, cohorts, velocity, leakage and the filters on a small history counted by hand
(tests/analytics/funnel_history.py: four_contacts)."""

from __future__ import annotations

import pytest

from smarketing.analytics.funnel import report
from smarketing.analytics.funnel.filters import filters_parse
from smarketing.errors import InvalidInput
from tests.analytics.funnel_history import NOW, WINDOW, four_contacts


@pytest.fixture
def contacts(rep, marketer):
    return four_contacts(rep=rep, marketer=marketer)


def _filters(**params):
    return filters_parse({**WINDOW, **params}, today=NOW.date())


def _conversions(**params):
    return {c.stage: c for c in report.conversions(filters=_filters(**params), now=NOW)}


def test_conversions_when_stages_are_skipped_count_reaching_the_stage_or_beyond(contacts):
    rows = _conversions()
    assert (rows["subscriber"].entered, rows["subscriber"].rate("lead")) == (2, 1.0)
    assert rows["subscriber"].rate("mql") == 0.5
    lead = rows["lead"]
    assert lead.entered == 4
    assert lead.reached == {"mql": 3, "sal": 2, "sql": 2, "opportunity": 1, "customer": 1}
    assert lead.rate("customer") == 0.25
    # cat went from MQL straight to SQL: she counts as having reached SAL or beyond.
    assert (rows["mql"].entered, rows["mql"].reached["sal"]) == (3, 2)
    assert rows["sql"].rate("opportunity") == 0.5
    assert (rows["opportunity"].entered, rows["opportunity"].rate("customer")) == (1, 1.0)


def test_conversions_when_a_stage_was_entered_twice_count_the_contact_once(contacts):
    from smarketing.lifecycle.stages import Stage
    from tests.analytics.funnel_history import T0, days, history_write
    from tests.factories import ContactFactory

    eve = ContactFactory()
    moves = [
        (Stage.LEAD, T0),
        (Stage.RECYCLED, T0 + days(1)),
        (Stage.LEAD, T0 + days(2)),
        (Stage.MQL, T0 + days(3)),
    ]
    history_write(eve, moves)
    lead = _conversions()["lead"]
    assert (lead.entered, lead.reached["mql"]) == (5, 4)


def test_conversions_when_the_window_starts_later_follow_only_entries_in_it(contacts):
    rows = _conversions(**{"from": "2025-02-01"})
    # Only dan entered lead from February on, and he is still a lead.
    assert (rows["lead"].entered, rows["lead"].reached["mql"]) == (1, 0)
    assert rows["subscriber"].entered == 1


def test_entries_when_monthly_count_each_contact_once_per_stage_and_group(contacts):
    entries = report.entries(filters=_filters(), now=NOW)
    january, february = entries.periods[0], entries.periods[1]
    assert [p.label for p in entries.periods] == [f"2025-0{m}" for m in range(1, 7)]
    assert january.stages["lead"] == 3 and january.stages["mql"] == 3
    assert january.stages["recycled"] == 1 and january.stages["disqualified"] == 1
    assert january.groups == {"tofu": 3, "mofu": 3, "bofu": 2}
    assert february.groups == {"tofu": 1, "mofu": 0, "bofu": 1}
    assert entries.total.groups == {"tofu": 4, "mofu": 3, "bofu": 2}


def test_entries_when_quarterly_and_weekly_bucket_by_calendar_quarter_and_iso_week(contacts):
    quarters = report.entries(filters=_filters(period="quarter"), now=NOW).periods
    assert [(q.label, q.stages["lead"]) for q in quarters] == [("2025-Q1", 4), ("2025-Q2", 0)]
    weeks = report.entries(filters=_filters(period="week"), now=NOW).periods
    assert weeks[0].label == "2025-W01" and weeks[1].label == "2025-W02"
    assert weeks[1].stages["lead"] == 3  # ben, cat and ann became leads in the week of T0


def test_cohorts_when_leads_of_a_month_are_followed_to_now(contacts):
    cohorts = {c.label: c for c in report.cohorts(filters=_filters(), now=NOW)}
    january = cohorts["2025-01"]
    assert january.size == 3
    assert january.reached == {"mql": 3, "sal": 2, "sql": 2, "opportunity": 1, "customer": 1}
    assert (cohorts["2025-02"].size, cohorts["2025-02"].reached["mql"]) == (1, 0)
    assert cohorts["2025-03"].size == 0


def test_velocity_when_stays_end_forward_gives_median_and_p75_days(contacts):
    rows = {v.stage: v.days for v in report.velocity(filters=_filters(), now=NOW)}
    assert (rows["subscriber"].n, rows["subscriber"].median, rows["subscriber"].p75) == (
        2,
        6.0,
        8.0,
    )
    # dan is still a lead: only ann's, ben's and cat's stays (2, 6 and 2 days) count.
    assert (rows["lead"].n, rows["lead"].median, rows["lead"].p75) == (3, 2.0, 4.0)
    # ben was recycled from MQL: not a forward move, so not measured.
    assert (rows["mql"].n, rows["mql"].median, rows["mql"].p75) == (2, 5.5, 7.75)
    assert (rows["sql"].n, rows["sql"].median) == (1, 10.0)
    assert (rows["opportunity"].n, rows["opportunity"].median) == (1, 30.0)


def test_leakage_when_contacts_stop_gives_furthest_stage_status_and_reasons(contacts):
    leakage = report.leakage(filters=_filters(), now=NOW)
    assert (leakage.population, leakage.customers) == (4, 1)
    leaks = {leak.stage: leak for leak in leakage.leaks}
    assert (leaks["lead"].open, leaks["lead"].stopped) == (1, 1)
    assert (leaks["mql"].recycled, leaks["mql"].stopped) == (1, 1)
    assert (leaks["sql"].disqualified, leaks["sql"].stopped) == (1, 1)
    assert leaks["sal"].stopped == leaks["subscriber"].stopped == 0
    reasons = {(r.code, r.kind, r.from_stage, r.to_stage): r.contacts for r in leakage.reasons}
    assert reasons == {
        ("no-budget", "reject", "mql", "recycled"): 1,
        ("no-fit", "disqualify", "sql", "disqualified"): 1,
    }


def test_report_when_now_is_earlier_leaves_out_later_moves(contacts):
    from tests.analytics.funnel_history import T0, days

    leakage = report.leakage(filters=_filters(), now=T0 + days(7))
    # A week in: ann is an SAL, ben an MQL, cat an MQL; dan has not appeared yet.
    assert (leakage.population, leakage.customers) == (3, 0)
    assert {leak.stage: leak.open for leak in leakage.leaks}["mql"] == 2


@pytest.mark.parametrize(
    ("params", "who"),
    [
        ({"channel": "email"}, {"ann", "cat"}),
        ({"campaign": "Spring webinar"}, {"ann", "cat"}),
        ({"size": "1-9"}, {"ann"}),
        ({"size": "50-249"}, {"ben", "cat"}),
        ({"industry": "software"}, {"ann", "cat"}),
        # ann and ben carry their account's country; cat's own (US) wins over her account's.
        ({"country": "de"}, {"ann"}),
        ({"country": "FR"}, {"ben"}),
        ({"owner": "sam@example.com"}, {"ann", "cat"}),
        ({"team": "Sales"}, {"ann", "cat"}),
        ({"team": "Marketing"}, {"ben"}),
    ],
)
def test_filters_when_given_count_only_the_matching_contacts(contacts, params, who):
    leads = report.conversions(filters=_filters(**params), now=NOW)[1]
    assert leads.stage == "lead" and leads.entered == len(who)
    population = report.leakage(filters=_filters(**params), now=NOW).population
    assert population == len(who)


def test_filters_when_campaign_owner_team_given_by_id_match_by_name(contacts, rep):
    campaign = contacts["ann"].source_campaign
    by_id = _filters(campaign=str(campaign.pk), owner=str(rep.pk), team=str(rep.team_id))
    assert (by_id.campaign, by_id.owner, by_id.team) == (campaign, rep, rep.team)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2025-07-01", "until": "2025-01-01"}, "until"),
        ({"from": "2025-07-01", "until": "2025-07-01"}, "until"),
        ({"from": "July"}, "from"),
        ({"until": "2025-13-01"}, "until"),
        ({"period": "day"}, "period"),
        ({"channel": "carrier-pigeon"}, "channel"),
        ({"size": "huge"}, "size"),
        ({"country": "Germany"}, "country"),
        ({"campaign": "No such campaign"}, "campaign"),
        ({"owner": "nobody@example.com"}, "owner"),
        ({"team": "999999"}, "team"),
    ],
)
def test_filters_when_a_value_is_wrong_name_it(db, params, field):
    with pytest.raises(InvalidInput) as caught:
        filters_parse(params, today=NOW.date())
    assert set(caught.value.errors) == {field}


def test_filters_when_several_values_are_wrong_name_each(db):
    with pytest.raises(InvalidInput) as caught:
        filters_parse({"period": "day", "size": "huge", "from": "x"}, today=NOW.date())
    assert set(caught.value.errors) == {"period", "size", "from"}


def test_filters_when_no_window_given_cover_this_month_and_the_eleven_before(db):
    filters = filters_parse({}, today=NOW.date().replace(day=15))
    assert f"{filters.since:%Y-%m-%d}" == "2024-08-01"
    assert f"{filters.until:%Y-%m-%d}" == "2025-07-16"
