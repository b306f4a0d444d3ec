"""Every report figure against the hand-built reports of tests/insight/helpers.py."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insight import selectors
from insight.selectors import StatisticsFilter

from .helpers import APRIL, MARCH, build_reports

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(catalog):
    return build_reports(catalog)


def figures(**filters):
    return selectors.report_statistics(
        filters=StatisticsFilter(month_from=MARCH, month_to=APRIL, **filters)
    )


def test_received_per_month_stacked_by_outcome(world):
    stats = figures()
    march, april = stats.months
    assert (march.month, april.month) == (MARCH, APRIL)
    assert march.counts == {
        "informed": 1,
        "closed_no_inform": 2,
        "not_subject": 0,
        "lapsed": 1,
        "withdrawn": 0,
        "open": 0,
    }
    assert april.counts == {
        "informed": 0,
        "closed_no_inform": 0,
        "not_subject": 1,
        "lapsed": 0,
        "withdrawn": 1,
        "open": 1,
    }
    assert (march.received, march.decided, march.due, march.within_period, march.late) == (
        4,
        3,
        4,
        2,
        0,
    )
    assert (april.received, april.decided, april.due, april.within_period, april.late) == (
        3,
        1,
        1,
        1,
        1,
    )


def test_days_to_decision_per_month(world):
    march, april = figures().months
    # March's decisions took 10, 17 and 36 days: the 90th percentile lies 0.8 of the way
    # from 17 to 36 (percentile_cont's interpolation).
    assert march.median_days == 17
    assert march.p90_days == pytest.approx(32.2)
    assert (april.median_days, april.p90_days) == (2, 2)
    assert march.share_within_period == pytest.approx(0.5)


def test_outcomes_with_their_days(world):
    rows = {row.outcome: row for row in figures().outcomes}
    assert [row.outcome for row in figures().outcomes] == list(selectors.OUTCOMES)
    assert (rows["informed"].count, rows["informed"].median_days) == (1, 17)
    assert rows["closed_no_inform"].count == 2
    assert rows["closed_no_inform"].median_days == 23
    assert rows["closed_no_inform"].p90_days == pytest.approx(33.4)
    assert (rows["not_subject"].count, rows["not_subject"].median_days) == (1, 2)
    assert (rows["lapsed"].count, rows["lapsed"].median_days, rows["lapsed"].p90_days) == (
        1,
        31,
        31,
    )
    assert (rows["withdrawn"].count, rows["withdrawn"].median_days) == (1, 2)
    assert (rows["open"].count, rows["open"].median_days, rows["open"].p90_days) == (1, None, None)


def test_summary_shares_extensions_and_late_reports(world):
    s = figures().summary
    assert (s.received, s.decided, s.due, s.within_period) == (7, 4, 5, 3)
    assert (s.lapsed, s.withdrawn, s.open, s.late) == (1, 1, 1, 1)
    assert s.share_within_period == pytest.approx(0.6)
    assert s.share_lapsed == pytest.approx(0.2)
    assert (s.extensions, s.extended_reports) == (1, 1)
    # decisions in 2, 10, 17 and 36 days
    assert s.median_days == pytest.approx(13.5)
    assert s.p90_days == pytest.approx(30.3)


def test_technologies_and_destinations(world):
    stats = figures()
    assert [(t.code, t.count) for t in stats.technologies] == [("mlcc", 6), ("carbon_fiber", 1)]
    assert [(d.code, d.count) for d in stats.destinations] == [
        ("CN", 3),
        ("US", 2),
        ("KR", 1),
        ("TW", 1),
    ]


def test_consultations_and_those_followed_by_a_report(world):
    c = figures().consultations
    assert (c["opened"], c["followed_by_report"]) == (2, 1)
    assert c["months"] == [
        {"month": MARCH, "opened": 1, "followed_by_report": 1},
        {"month": APRIL, "opened": 1, "followed_by_report": 0},
    ]
    assert figures(country_code="KR").consultations["opened"] == 1
    assert figures(division_id=world["divisions"]["mat"].pk).consultations["opened"] == 0


def test_compliance_cases_by_stage(world):
    c = figures().compliance
    assert (c["recorded"], c["opened"]) == (2, 1)
    stages = {s["stage"]: s["count"] for s in c["stages"]}
    assert stages["draft"] == 1 and stages["opened"] == 1
    assert sum(stages.values()) == 2
    # a case has a country only through its late report (KR)
    assert figures(country_code="KR").compliance["recorded"] == 1
    assert figures(division_id=world["divisions"]["mat"].pk).compliance["recorded"] == 0


def test_filters_division_technology_and_country(world):
    elec = figures(division_id=world["divisions"]["elec"].pk)
    assert elec.summary.received == 6
    assert (elec.summary.decided, elec.summary.due, elec.summary.within_period) == (3, 4, 2)
    assert elec.summary.median_days == 17
    assert figures(technology_code="carbon_fiber").summary.received == 1
    us = figures(country_code="US")
    assert (us.summary.received, us.summary.extensions) == (2, 1)
    # one each: ties in code order
    assert [(t.code, t.count) for t in us.technologies] == [("carbon_fiber", 1), ("mlcc", 1)]


def test_months_are_japan_time_and_the_period_bounds_hold(world):
    # `fiber` came at 00:30 JST on 1 March (28 February in UTC): March, not February.
    only_march = selectors.report_statistics(
        filters=StatisticsFilter(month_from=MARCH, month_to=MARCH)
    )
    assert only_march.summary.received == 4
    february = selectors.report_statistics(
        filters=StatisticsFilter(
            month_from=datetime.date(2025, 2, 1), month_to=datetime.date(2025, 2, 1)
        )
    )
    assert february.summary.received == 1
    assert february.months[0].counts["lapsed"] == 1


def test_an_empty_period_has_zero_months_and_no_percentiles(world):
    stats = selectors.report_statistics(
        filters=StatisticsFilter(
            month_from=datetime.date(2024, 1, 1), month_to=datetime.date(2024, 3, 1)
        )
    )
    assert [m.received for m in stats.months] == [0, 0, 0]
    assert stats.summary.median_days is None
    assert stats.summary.share_within_period is None
    assert stats.technologies == [] and stats.destinations == []


def test_the_number_of_queries_does_not_grow_with_the_reports(world, catalog):
    def count():
        with CaptureQueriesContext(connection) as captured:
            figures()
        return len(captured.captured_queries)

    before = count()
    build_reports(catalog)
    assert count() == before


def test_one_part_at_a_time_gives_the_same_figures(world):
    """A chart's image asks for its part only, the page for all of them (on SQLite one query
    per part): both give the same numbers."""
    together = figures()
    f = StatisticsFilter(month_from=MARCH, month_to=APRIL)
    for part, attribute in (
        (selectors.PART_MONTHS, "months"),
        (selectors.PART_OUTCOMES, "outcomes"),
        (selectors.PART_SUMMARY, "summary"),
        (selectors.PART_TECHNOLOGIES, "technologies"),
        (selectors.PART_DESTINATIONS, "destinations"),
    ):
        alone = selectors.report_statistics(filters=f, parts={part})
        assert getattr(alone, attribute) == getattr(together, attribute), part


def _interpolated(values, fraction):
    values = sorted(values)
    position = fraction * (len(values) - 1)
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (position - low) * (values[high] - values[low])


def test_percentiles_of_a_histogram_are_percentile_cont():
    import random

    rng = random.Random(16)
    assert selectors.percentile_cont({}, 0.5) is None
    assert selectors.percentile_cont({7: 1}, 0.9) == 7
    # 10, 17, 36: the 90th percentile lies 0.8 of the way from 17 to 36
    assert selectors.percentile_cont({10: 1, 17: 1, 36: 1}, 0.9) == pytest.approx(32.2)
    for _ in range(200):
        values = [rng.randrange(0, 60) for _ in range(rng.randrange(1, 40))]
        histogram = {}
        for v in values:
            histogram[v] = histogram.get(v, 0) + 1
        for fraction in (0.5, 0.9):
            assert selectors.percentile_cont(histogram, fraction) == pytest.approx(
                _interpolated(values, fraction)
            )
