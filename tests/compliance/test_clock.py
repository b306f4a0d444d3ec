"""The compliance clock: reminders before each due date and the overdue mark after it, each
once; it never moves a case."""

import datetime

import pytest

from compliance import services
from compliance.clock import compliance_due_dates_sweep
from compliance.lifecycle import CaseStatus
from compliance.models import CaseReminder
from portal.models import Notification
from reports import clock

from .helpers import answer, guided_case, issued_case, today

pytestmark = pytest.mark.django_db


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    """A moment on a JST day."""
    return datetime.datetime.combine(day, datetime.time(hour), clock.JST)


def _notified(user, verb: str) -> int:
    return Notification.objects.filter(recipient=user, verb=verb).count()


def test_the_answer_reminder_goes_to_the_officer_and_the_company_once(people, settings):
    settings.COMPLIANCE_REMINDER_DAYS_BEFORE = 3
    due = today() + datetime.timedelta(days=10)
    case = guided_case(people.officer, people.exporter, answer_due=due)
    # Three days before the end of the due date is the start of due - 2 (JST).
    assert compliance_due_dates_sweep(now=at(due - datetime.timedelta(days=3), 23)).reminders == 0
    result = compliance_due_dates_sweep(now=at(due - datetime.timedelta(days=2), 0))
    assert result.reminders == 1 and result.overdue == 0
    for user in (people.officer, people.exporter, people.colleague):
        assert _notified(user, "compliance.reminder_answer") == 1
    assert _notified(people.other_exporter, "compliance.reminder_answer") == 0
    again = compliance_due_dates_sweep(now=at(due))
    assert again.reminders == 0
    assert _notified(people.exporter, "compliance.reminder_answer") == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.GUIDANCE_ISSUED and case.answer_overdue_at is None


def test_a_missed_answer_is_marked_overdue_for_staff_once_and_the_case_stays(people):
    due = today() + datetime.timedelta(days=5)
    case = guided_case(people.officer, people.exporter, answer_due=due)
    assert compliance_due_dates_sweep(now=at(due, 23)).overdue == 0  # still the due date
    moment = at(due + datetime.timedelta(days=1), 0)
    result = compliance_due_dates_sweep(now=moment)
    assert result.overdue == 1
    case.refresh_from_db()
    assert case.answer_overdue_at == moment
    assert case.status == CaseStatus.GUIDANCE_ISSUED  # never moved on
    assert _notified(people.officer, "compliance.overdue_answer") == 1
    assert _notified(people.exporter, "compliance.overdue_answer") == 0
    assert compliance_due_dates_sweep(now=moment + datetime.timedelta(days=3)).overdue == 0
    assert CaseReminder.objects.filter(case=case, event="overdue").count() == 1


def test_after_downtime_only_the_overdue_mark_is_sent_not_a_stale_reminder(people):
    due = today() + datetime.timedelta(days=5)
    guided_case(people.officer, people.exporter, answer_due=due)
    result = compliance_due_dates_sweep(now=at(due + datetime.timedelta(days=4)))
    assert (result.reminders, result.overdue) == (0, 1)
    assert _notified(people.exporter, "compliance.reminder_answer") == 0


def test_an_answer_in_time_stops_the_clock(people):
    due = today() + datetime.timedelta(days=5)
    case = guided_case(people.officer, people.exporter, answer_due=due)
    answer(people.exporter, case)
    result = compliance_due_dates_sweep(now=at(due + datetime.timedelta(days=1)))
    assert (result.reminders, result.overdue) == (0, 0)


def test_the_compliance_due_date_of_an_order_is_watched_until_the_company_reports(people):
    case = issued_case(people.officer, people.supervisor, people.exporter)
    due = case.order_compliance_due
    assert compliance_due_dates_sweep(now=at(due - datetime.timedelta(days=1))).reminders == 1
    assert _notified(people.exporter, "compliance.reminder_compliance") == 1
    services.case_acknowledge_order(actor=people.exporter, case_id=case.pk)
    result = compliance_due_dates_sweep(now=at(due + datetime.timedelta(days=1)))
    assert result.overdue == 1
    case.refresh_from_db()
    assert case.compliance_overdue_at is not None
    assert case.status == CaseStatus.ORDER_ACKNOWLEDGED
    # An answer to the old guidance date does not count for the order's.
    assert case.answer_overdue_at is None


def test_a_closed_case_is_left_alone(people):
    due = today() + datetime.timedelta(days=5)
    case = guided_case(people.officer, people.exporter, answer_due=due)
    services.case_close(actor=people.officer, case_id=case.pk, outcome="resolved", summary="終結")
    result = compliance_due_dates_sweep(now=at(due + datetime.timedelta(days=1)))
    assert (result.reminders, result.overdue) == (0, 0)


def test_a_returned_proposal_does_not_repeat_the_answer_reminder(people):
    due = today() + datetime.timedelta(days=5)
    case = guided_case(people.officer, people.exporter, answer_due=due)
    compliance_due_dates_sweep(now=at(due))
    assert CaseReminder.objects.filter(case=case, event="reminder").count() == 1
    # An order proposed and returned keeps the same guidance date: still one reminder.
    services.case_propose_order(
        actor=people.officer,
        case_id=case.pk,
        measures="改善",
        compliance_due=today() + datetime.timedelta(days=30),
    )
    services.case_return_order(actor=people.supervisor, case_id=case.pk, reason="再考を")
    compliance_due_dates_sweep(now=at(due, 12))
    assert CaseReminder.objects.filter(case=case, event="reminder").count() == 1


def _page(user, url: str) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client.get(url).content.decode()


def test_a_late_answer_ends_the_overdue_mark_and_shows_as_answered_late(people):
    from django.urls import reverse
    from django.utils import timezone

    from compliance.models import ComplianceCase

    case = guided_case(people.officer, people.exporter)
    due = today() - datetime.timedelta(days=2)
    ComplianceCase.objects.filter(pk=case.pk).update(guidance_answer_due=due)
    assert compliance_due_dates_sweep(now=timezone.now()).overdue == 1
    case.refresh_from_db()
    assert case.is_overdue and case.answer_overdue
    detail = _page(people.officer, reverse("compliance:detail", args=[case.pk]))
    assert 'data-testid="answer-overdue"' in detail
    answer(people.exporter, case)
    case.refresh_from_db()
    assert case.answer_overdue_at is None
    assert not case.answer_overdue and not case.is_overdue and case.guidance_answered_late
    detail = _page(people.officer, reverse("compliance:detail", args=[case.pk]))
    assert "no answer to the guidance" not in detail
    assert 'data-testid="answer-overdue"' not in detail
    assert f"Answered late on {today().isoformat()} (due {due.isoformat()})." in detail
    listing = _page(people.officer, reverse("compliance:list"))
    assert case.reference in listing and 'data-testid="overdue"' not in listing
    # The company is never told it was late.
    assert "Answered late" not in _page(
        people.exporter, reverse("compliance:detail", args=[case.pk])
    )


def test_an_old_answer_mark_does_not_outlive_the_answer_into_the_order_stage(people):
    from django.utils import timezone

    from compliance.models import ComplianceCase

    case = guided_case(people.officer, people.exporter)
    answer(people.exporter, case)
    # A mark written before the answer (by an earlier version) counts no more once answered.
    ComplianceCase.objects.filter(pk=case.pk).update(answer_overdue_at=timezone.now())
    case = issued_case_from(case, people)
    assert case.answer_overdue_at is not None and not case.is_overdue


def issued_case_from(case, people):
    services.case_propose_order(
        actor=people.officer,
        case_id=case.pk,
        measures="改善",
        compliance_due=today() + datetime.timedelta(days=30),
    )
    return services.case_approve_order(actor=people.supervisor, case_id=case.pk)


def test_a_late_report_on_compliance_ends_the_compliance_mark(people):
    from django.utils import timezone

    from compliance.models import ComplianceCase

    case = issued_case(people.officer, people.supervisor, people.exporter)
    ComplianceCase.objects.filter(pk=case.pk).update(
        order_compliance_due=today() - datetime.timedelta(days=1)
    )
    assert compliance_due_dates_sweep(now=timezone.now()).overdue == 1
    case.refresh_from_db()
    assert case.compliance_overdue and case.is_overdue
    answer(people.exporter, case, body="改善を完了しました。")
    case.refresh_from_db()
    assert case.compliance_overdue_at is None and not case.is_overdue
    assert case.order_answered_late


def test_the_reminder_lead_is_a_setting_of_the_portal(settings):
    from compliance.clock import reminder_days_before

    # Defined in portal.settings (3 unless the environment says otherwise), read from there.
    assert settings.COMPLIANCE_REMINDER_DAYS_BEFORE == 3 == reminder_days_before()
    settings.COMPLIANCE_REMINDER_DAYS_BEFORE = 5
    assert reminder_days_before() == 5
