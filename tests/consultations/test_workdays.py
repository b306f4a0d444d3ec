"""Working days of Japanese government offices: weekends, public holidays, the year-end."""

import datetime

import pytest

from portal import workdays

JST = workdays.JST


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-05-01", True),  # a Friday between Showa Day and Golden Week
        ("2026-04-29", False),  # Showa Day (Wednesday)
        ("2026-05-02", False),  # Saturday
        ("2026-05-04", False),  # Greenery Day (Monday)
        ("2026-05-05", False),  # Children's Day
        ("2026-05-06", False),  # substitute holiday for Constitution Day on a Sunday
        ("2026-05-07", True),
        ("2026-09-22", False),  # a weekday between two holidays (国民の休日)
        ("2026-12-28", True),  # the last working day of the year
        ("2026-12-29", False),  # year-end closure, not a public holiday
        ("2027-01-02", False),
        ("2027-01-04", True),  # the first working day of the year (Monday)
    ],
)
def test_is_working_day(day, working):
    assert workdays.is_working_day(d(day)) is working


def test_add_working_days_skips_golden_week():
    # From Tuesday 28 April 2026: Thursday 30 April, Friday 1 May, then Thursday 7 May.
    assert workdays.add_working_days(d("2026-04-28"), 1) == d("2026-04-30")
    assert workdays.add_working_days(d("2026-04-28"), 3) == d("2026-05-07")
    assert workdays.add_working_days(d("2026-04-28"), 0) == d("2026-04-28")


def test_add_working_days_skips_the_year_end():
    assert workdays.add_working_days(d("2026-12-25"), 2) == d("2027-01-04")


def test_working_days_between_counts_after_the_start_up_to_the_end():
    assert workdays.working_days_between(d("2026-04-27"), d("2026-05-08")) == 5
    assert workdays.working_days_between(d("2026-05-08"), d("2026-05-08")) == 0
    assert workdays.working_days_between(d("2026-05-08"), d("2026-05-01")) == 0


def test_working_days_since_counts_only_days_that_have_ended():
    monday = datetime.datetime(2026, 6, 1, 17, 0, tzinfo=JST)
    assert workdays.working_days_since(monday, monday.replace(day=2, hour=23)) == 0
    assert workdays.working_days_since(monday, monday.replace(day=3, hour=0)) == 1


def test_more_than_n_working_days_after_a_message_before_golden_week():
    # Posted on Tuesday 28 April 2026 (any hour): 3 working days are 30 April, 1 May and
    # 7 May, so more than 3 have passed from 8 May 00:00 JST.
    posted = datetime.datetime(2026, 4, 28, 23, 30, tzinfo=JST)
    assert workdays.more_than_working_days_after(posted, 3) == datetime.datetime(
        2026, 5, 8, tzinfo=JST
    )


def test_cutoff_is_the_inverse_of_the_wait():
    now = datetime.datetime(2026, 5, 8, 9, 0, tzinfo=JST)
    cutoff = workdays.more_than_working_days_cutoff(now, 3)
    # Posted on Showa Day (29 April): 30 April, 1 May and 7 May have ended by 8 May, so it
    # is overdue; posted on 30 April, the third working day is 8 May itself.
    assert cutoff == datetime.datetime(2026, 4, 30, tzinfo=JST)
    for moment in (cutoff - datetime.timedelta(seconds=1), cutoff):
        overdue = workdays.more_than_working_days_after(moment, 3) <= now
        assert overdue is (moment < cutoff)


def test_cutoff_on_a_holiday_morning():
    # On 6 May 2026 (a holiday): a message of Monday 27 April has waited 28, 30 April and
    # 1 May, all ended; one of 28 April has waited 2 working days only (7 May is to come).
    now = datetime.datetime(2026, 5, 6, 12, 0, tzinfo=JST)
    cutoff = workdays.more_than_working_days_cutoff(now, 3)
    assert cutoff == datetime.datetime(2026, 4, 28, tzinfo=JST)
