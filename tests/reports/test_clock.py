import datetime
from zoneinfo import ZoneInfo

import pytest

from reports.clock import days_remaining, decision_due_at_for, end_of_day_jst, last_day_of

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
    due = at(2025, 4, 3)
    assert days_remaining(due, at(2025, 4, 2, 23, 0)) == 1
    assert days_remaining(due, at(2025, 3, 27, 8, 0)) == 7
    assert days_remaining(due, at(2025, 4, 3, 0, 0)) == 0
    assert days_remaining(None, at(2025, 4, 3)) is None
