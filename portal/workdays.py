"""Working days of Japanese government offices (行政機関の休日, 行政機関の休日に関する法律 第1条).

A day is not a working day when it is a Saturday or Sunday, a national holiday (国民の祝日に関する
法律, including substitute and "sandwiched" holidays, as the `holidays` library keeps them), or
in the year-end closure from 29 December to 3 January. Days are Japan time (Asia/Tokyo).
Generic: no domain imports, so any app may count with it.
"""

from __future__ import annotations

import datetime
import functools
from zoneinfo import ZoneInfo

import holidays

JST = ZoneInfo("Asia/Tokyo")

# 12/29 - 1/3: closed by the law above (第1条第1項第3号), though not national holidays.
_YEAR_END = frozenset({(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)})


@functools.cache
def _holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("JP", years=year))


def is_working_day(day: datetime.date) -> bool:
    """Whether government offices are open on `day`."""
    if day.weekday() >= 5 or (day.month, day.day) in _YEAR_END:
        return False
    return day not in _holidays(day.year)


def jst_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(JST).date()


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The `count`-th working day after `day` (`day` itself not counted); `day` for 0."""
    if count < 0:
        raise ValueError("count must not be negative")
    current = day
    while count:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            count -= 1
    return current


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not later)."""
    days = 0
    current = start
    while current < end:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            days += 1
    return days


def working_days_since(moment: datetime.datetime, now: datetime.datetime) -> int:
    """Whole working days that have ended since `moment`, its own day not counted: a message
    of Monday has waited 1 working day on Wednesday (Tuesday has ended), 0 on Tuesday."""
    return working_days_between(jst_date(moment), jst_date(now) - datetime.timedelta(days=1))


def more_than_working_days_after(moment: datetime.datetime, count: int) -> datetime.datetime:
    """The moment (JST midnight) from which more than `count` working days have passed since
    `moment`, its own day not counted: the end of the `count`-th working day after it."""
    last = add_working_days(jst_date(moment), count)
    return datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time(), JST)


def more_than_working_days_cutoff(now: datetime.datetime, count: int) -> datetime.datetime:
    """The earliest moment that has NOT yet more than `count` working days behind it at `now`:
    everything before it has (for queries: `since__lt=cutoff`)."""
    day = jst_date(now)
    # Walk back to the last day whose wait is over; the wait only grows for earlier days.
    while (
        more_than_working_days_after(datetime.datetime.combine(day, datetime.time(), JST), count)
        > now
    ):
        day -= datetime.timedelta(days=1)
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), JST)
