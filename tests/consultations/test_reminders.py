"""The reminder: a division hears of a company left unanswered for more than N working days,
counted in Japan time without weekends, public holidays or the year-end closure."""

import datetime

import pytest
import time_machine

from consultations import lifecycle, services
from consultations.models import ConsultationReminder
from consultations.tasks import remind_unanswered_consultations
from portal.models import Notification
from portal.workdays import JST

from .helpers import open_consultation

pytestmark = pytest.mark.django_db

# Tuesday 28 April 2026, before Golden Week: 29 April, 2-6 May are not working days.
POSTED = datetime.datetime(2026, 4, 28, 15, 0, tzinfo=JST)


def reminded() -> list[str]:
    return sorted(
        Notification.objects.filter(verb="consultation.reminder").values_list(
            "recipient__username", flat=True
        )
    )


def opened_at(moment, exporter, **overrides):
    with time_machine.travel(moment, tick=False):
        return open_consultation(exporter, **overrides)


def test_no_reminder_until_more_than_three_working_days_have_passed(people):
    opened_at(POSTED, people.exporter)
    # Working days after 28 April: 30 April, 1 May, 7 May. On 7 May only two have ended.
    assert services.consultations_remind(now=datetime.datetime(2026, 5, 7, 23, 59, tzinfo=JST)) == 0
    assert reminded() == []
    assert services.consultations_remind(now=datetime.datetime(2026, 5, 8, 0, 0, tzinfo=JST)) == 1
    assert reminded() == sorted([people.officer.username, people.supervisor.username])


def test_calendar_days_alone_are_not_enough(people):
    # Nine calendar days after 28 April, but only two working days have ended by 6 May.
    opened_at(POSTED, people.exporter)
    assert services.consultations_remind(now=datetime.datetime(2026, 5, 6, 18, 0, tzinfo=JST)) == 0


def test_the_setting_changes_the_number_of_days(people, settings):
    settings.CONSULTATION_REMINDER_WORKING_DAYS = 1
    opened_at(POSTED, people.exporter)
    # One working day (30 April) has ended from 1 May 00:00 JST.
    assert services.consultations_remind(now=datetime.datetime(2026, 4, 30, 23, 0, tzinfo=JST)) == 0
    assert services.consultations_remind(now=datetime.datetime(2026, 5, 1, 0, 0, tzinfo=JST)) == 1


def test_running_twice_reminds_once_per_unanswered_message(people):
    c = opened_at(POSTED, people.exporter)
    later = datetime.datetime(2026, 5, 11, 9, 0, tzinfo=JST)
    assert services.consultations_remind(now=later) == 1
    assert services.consultations_remind(now=later) == 0
    assert services.consultations_remind(now=later + datetime.timedelta(days=3)) == 0
    assert ConsultationReminder.objects.filter(consultation=c).count() == 1
    assert len(reminded()) == 2

    # METI answers, then the company asks again: the new wait is reminded once more.
    with time_machine.travel(datetime.datetime(2026, 5, 11, 10, 0, tzinfo=JST), tick=False):
        services.consultation_post_message(
            actor=people.officer, consultation_id=c.pk, kind="advice", body="回答"
        )
    with time_machine.travel(datetime.datetime(2026, 5, 11, 11, 0, tzinfo=JST), tick=False):
        services.consultation_post_message(
            actor=people.exporter, consultation_id=c.pk, kind="question", body="追加質問"
        )
    assert services.consultations_remind(now=datetime.datetime(2026, 5, 14, 23, 0, tzinfo=JST)) == 0
    assert services.consultations_remind(now=datetime.datetime(2026, 5, 15, 0, 0, tzinfo=JST)) == 1
    assert ConsultationReminder.objects.filter(consultation=c).count() == 2


def test_answered_internal_noted_and_closed_consultations(people):
    answered = opened_at(POSTED, people.exporter, subject="回答済み")
    noted = opened_at(POSTED, people.exporter, subject="メモのみ")
    closed = opened_at(POSTED, people.exporter, subject="終了")
    with time_machine.travel(POSTED + datetime.timedelta(hours=1), tick=False):
        services.consultation_post_message(
            actor=people.officer, consultation_id=answered.pk, kind="advice", body="回答"
        )
        services.consultation_post_message(
            actor=people.officer, consultation_id=noted.pk, kind="internal_note", body="メモ"
        )
        lifecycle.consultation_close(
            actor=people.officer, consultation_id=closed.pk, outcome="other", summary="終了"
        )
    assert services.consultations_remind(now=datetime.datetime(2026, 5, 12, tzinfo=JST)) == 1
    assert list(ConsultationReminder.objects.values_list("consultation_id", flat=True)) == [
        noted.pk
    ]


def test_a_transferred_consultation_reminds_its_new_division(people):
    c = opened_at(POSTED, people.exporter)
    later = datetime.datetime(2026, 5, 11, 9, 0, tzinfo=JST)
    assert services.consultations_remind(now=later) == 1
    services.consultation_transfer(
        actor=people.officer, consultation_id=c.pk, division_id=people.mat.pk, reason="所管外"
    )
    assert services.consultations_remind(now=later) == 1
    assert people.other_officer.username in reminded()


def test_the_year_end_closure_counts_as_no_working_days(people):
    # Friday 25 December 2026: 28 December, then 4 and 5 January 2027.
    opened_at(datetime.datetime(2026, 12, 25, 10, 0, tzinfo=JST), people.exporter)
    assert services.consultations_remind(now=datetime.datetime(2027, 1, 5, 23, 0, tzinfo=JST)) == 0
    assert services.consultations_remind(now=datetime.datetime(2027, 1, 6, 0, 0, tzinfo=JST)) == 1


def test_the_beat_task_runs_the_sweep(people):
    opened_at(POSTED, people.exporter)
    with time_machine.travel(datetime.datetime(2026, 5, 12, 9, 0, tzinfo=JST), tick=False):
        assert remind_unanswered_consultations.delay().get() == 1
        assert remind_unanswered_consultations.delay().get() == 0


def test_beat_runs_the_reminder_every_hour():
    from portal.celery import app

    entry = app.conf.beat_schedule["remind-unanswered-consultations"]
    assert entry["task"] == remind_unanswered_consultations.name
    assert entry["schedule"].minute == {5} and len(entry["schedule"].hour) == 24
