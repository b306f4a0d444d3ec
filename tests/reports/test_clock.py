import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from reports.clock import (
    days_remaining,
    decision_due_at_for,
    end_of_day_jst,
    last_day_of,
    latest_due_at_with_days_remaining,
)

from .helpers import submitted_report

JST = ZoneInfo("Asia/Tokyo")


def at(*args):
    return datetime.datetime(*args, tzinfo=JST)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # domain.md's example: received 2025-03-03 (any hour), due by the end of 2025-04-02.
        (at(2025, 3, 3, 9, 0), at(2025, 4, 3)),
        (at(2025, 3, 3, 0, 0), at(2025, 4, 3)),
        # across a month end (January has 31 days, February 28 in 2025)
        (at(2025, 1, 31, 15, 0), at(2025, 3, 3)),
        (at(2025, 2, 28, 10, 0), at(2025, 3, 31)),
        # across a year end
        (at(2025, 12, 15, 10, 0), at(2026, 1, 15)),
        (at(2025, 12, 31, 12, 0), at(2026, 1, 31)),
        # 23:59 and 00:01 JST: the JST calendar day decides, not UTC
        (at(2025, 3, 3, 23, 59), at(2025, 4, 3)),
        (at(2025, 3, 4, 0, 1), at(2025, 4, 4)),
    ],
)
def test_decision_due_at(received, due):
    assert decision_due_at_for(received) == due


def test_utc_input_is_counted_in_japan_time():
    # 2025-03-03T15:30Z is 2025-03-04 00:30 JST: the day of receipt is the 4th.
    received = datetime.datetime(2025, 3, 3, 15, 30, tzinfo=datetime.UTC)
    assert decision_due_at_for(received) == at(2025, 4, 4)


def test_last_day_and_end_of_day_are_inverse():
    assert last_day_of(at(2025, 4, 3)) == datetime.date(2025, 4, 2)
    assert end_of_day_jst(datetime.date(2025, 4, 2)) == at(2025, 4, 3)


def test_days_remaining():
    due = at(2025, 4, 3)  # last day 2025-04-02
    assert days_remaining(due, at(2025, 3, 27, 8, 0)) == 6
    assert days_remaining(due, at(2025, 4, 1, 23, 59)) == 1
    assert days_remaining(None, at(2025, 4, 3)) is None


@pytest.mark.parametrize(
    ("received", "now", "left"),
    [
        # Received at 23:58 JST: the day of receipt is not counted, so all 30 days are ahead
        # (the page once said 31 here), and still 30 a minute later, just past midnight UTC+9
        (at(2025, 3, 3, 23, 58), at(2025, 3, 3, 23, 58), 30),
        (at(2025, 3, 3, 23, 58), at(2025, 3, 3, 23, 59, 59), 30),
        # the next JST day starts: one day of the period used
        (at(2025, 3, 3, 23, 58), at(2025, 3, 4, 0, 1), 29),
        # received at 00:01 JST: the same 30 days for the whole day of receipt
        (at(2025, 3, 4, 0, 1), at(2025, 3, 4, 0, 1), 30),
        (at(2025, 3, 4, 0, 1), at(2025, 3, 4, 23, 59), 30),
        # the last day (2025-04-02 for a report received on 03-03) and the day after
        (at(2025, 3, 3, 23, 58), at(2025, 4, 2, 0, 0), 0),
        (at(2025, 3, 3, 23, 58), at(2025, 4, 2, 23, 59), 0),
        (at(2025, 3, 3, 23, 58), at(2025, 4, 1, 12, 0), 1),
        (at(2025, 3, 3, 23, 58), at(2025, 4, 3, 0, 0), 0),
        (at(2025, 3, 3, 23, 58), at(2025, 4, 3, 9, 0), 0),
        # a UTC clock: 2025-03-03T15:30Z is already the 4th in Japan
        (at(2025, 3, 3, 10, 0), datetime.datetime(2025, 3, 3, 15, 30, tzinfo=datetime.UTC), 29),
    ],
)
def test_days_remaining_counts_whole_jst_days_to_the_last_day(received, now, left):
    due = decision_due_at_for(received)
    assert days_remaining(due, now) == left


def test_days_remaining_never_exceeds_the_period_for_an_unextended_report():
    received = at(2025, 3, 3, 0, 0)
    due = decision_due_at_for(received)
    moments = [received + datetime.timedelta(minutes=7 * i) for i in range(0, 32 * 24 * 60 // 7)]
    counts = [days_remaining(due, moment) for moment in moments]
    assert max(counts) == settings.DECISION_PERIOD_DAYS == 30
    assert counts == sorted(counts, reverse=True) and min(counts) == 0
    # Each count from 30 down to 0 is shown for exactly one JST calendar day.
    for left in range(0, 31):
        days = {
            moment.astimezone(JST).date()
            for moment, n in zip(moments, counts, strict=True)
            if n == left
        }
        assert len(days) == 1 or left == 0, (left, days)


def test_days_remaining_counts_to_an_extended_last_day():
    received = at(2025, 3, 3, 23, 58)
    extended = end_of_day_jst(datetime.date(2025, 4, 16))  # two weeks more than 04-02
    assert days_remaining(extended, at(2025, 3, 3, 23, 59)) == 44
    assert days_remaining(extended, at(2025, 4, 2, 10, 0)) == 14
    assert days_remaining(extended, at(2025, 4, 16, 23, 0)) == 0
    assert days_remaining(extended, at(2025, 4, 17, 0, 0)) == 0
    assert decision_due_at_for(received) < extended


def test_due_soon_moment_agrees_with_days_remaining():
    now = at(2025, 3, 10, 15, 0)
    cutoff = latest_due_at_with_days_remaining(7, now)
    assert cutoff == at(2025, 3, 18)  # last day 03-17 is 7 days after 03-10
    assert days_remaining(cutoff, now) == 7
    assert days_remaining(cutoff + datetime.timedelta(days=1), now) == 8


@pytest.mark.django_db
def test_submit_at_new_years_eve_jst_takes_that_years_number_and_a_jst_deadline(exporter, catalog):
    # 2025-12-31 23:59:30 JST is 14:59:30 UTC: the year and the day are Japan's.
    received = at(2025, 12, 31, 23, 59, 30)
    with time_machine.travel(received, tick=False):
        report = submitted_report(exporter, planned_contract_date=datetime.date(2026, 3, 2))
        assert days_remaining(report.decision_due_at, timezone.now()) == 30
    assert re.fullmatch(r"PR-2025-\d{6}", report.reference)
    assert report.received_at == received
    # Received on 12-31 (not counted): the 30 days are 01-01 .. 01-30, due at the end of 01-30.
    assert last_day_of(report.decision_due_at) == datetime.date(2026, 1, 30)
    assert report.decision_due_at == at(2026, 1, 31)
    assert report.decision_due_at.astimezone(JST).isoformat() == "2026-01-31T00:00:00+09:00"


@pytest.mark.django_db
def test_report_page_after_a_2358_submission_shows_30_days_left(client, exporter, catalog):
    with time_machine.travel(at(2025, 3, 3, 23, 58), tick=False):
        report = submitted_report(exporter, planned_contract_date=datetime.date(2025, 6, 2))
    client.force_login(exporter)
    with time_machine.travel(at(2025, 3, 3, 23, 59), tick=False):
        page = client.get(f"/reports/{report.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "残り 30 日" in page and "残り 31 日" not in page
    assert "2025-04-02" in page  # the last day, by whose end METI decides
    with time_machine.travel(at(2025, 4, 2, 9, 0), tick=False):
        page = client.get(f"/reports/{report.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "残り 0 日" in page
