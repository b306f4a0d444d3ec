"""The 30-day decision clock (domain.md): Japan time, the day of receipt not counted (初日不算入)."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings

JST = ZoneInfo("Asia/Tokyo")


def end_of_day_jst(last_day: datetime.date) -> datetime.datetime:
    """The midnight (JST) that ends `last_day`: the moment a decision is due."""
    return datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time(), JST)


def decision_due_at_for(received_at: datetime.datetime) -> datetime.datetime:
    """Received on day D (JST, any hour): the 30 days are D+1 .. D+30, due at the end of D+30."""
    received_day = received_at.astimezone(JST).date()
    return end_of_day_jst(received_day + datetime.timedelta(days=settings.DECISION_PERIOD_DAYS))


def last_day_of(due_at: datetime.datetime) -> datetime.date:
    """The last day (JST) on which a decision may still be made."""
    return (due_at.astimezone(JST) - datetime.timedelta(microseconds=1)).date()


def jst_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(JST).date()


def days_remaining(due_at: datetime.datetime | None, now: datetime.datetime) -> int | None:
    """Whole JST calendar days from today to the last day of the decision period.

    The day of receipt is not counted (初日不算入), so a report received today has 30 days
    left however late in the day it came; the last day itself has 0 ("N days left" means N
    more days after today); 0 also once the deadline has passed; None without a deadline.
    An extended deadline counts to its new last day.
    """
    if due_at is None:
        return None
    return max(0, (last_day_of(due_at) - jst_date(now)).days)


def latest_due_at_with_days_remaining(days: int, now: datetime.datetime) -> datetime.datetime:
    """The latest deadline that has `days` or fewer days_remaining at `now` (for filters)."""
    return end_of_day_jst(jst_date(now) + datetime.timedelta(days=days))
