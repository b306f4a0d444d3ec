"""Real concurrent transactions on PostgreSQL: threads with their own connections start
together at a barrier, so the row locks (not mocks) decide who wins."""

import datetime

import pytest
import time_machine

from compliance import services
from compliance.clock import compliance_due_dates_sweep
from compliance.lifecycle import CaseStatus
from compliance.models import CaseReminder, ComplianceCase
from portal.errors import InvalidTransition
from portal.models import Notification, Sequence
from reports import clock
from tests.concurrency import needs_row_locks, run_together

from .helpers import guided_case, proposed_case, today

pytestmark = [pytest.mark.django_db(transaction=True), needs_row_locks]


def _outcomes(*actions):
    out = []
    for result in run_together(*actions):
        if isinstance(result, InvalidTransition):
            out.append(("conflict", result.status))
        elif isinstance(result, Exception):
            out.append(("error", repr(result)))
        else:
            out.append(("ok", result))
    return out


@time_machine.travel(datetime.datetime(2026, 6, 2, 10, 0, tzinfo=clock.JST))
def test_two_supervisors_approving_at_once_issue_one_numbered_order(people):
    case = proposed_case(people.officer, people.exporter)
    outcomes = _outcomes(
        lambda: services.case_approve_order(actor=people.supervisor, case_id=case.pk).order_number,
        lambda: services.case_approve_order(actor=people.supervisor2, case_id=case.pk).order_number,
    )
    assert sorted(kind for kind, _ in outcomes) == ["conflict", "ok"], outcomes
    number = next(value for kind, value in outcomes if kind == "ok")
    assert number == "IO-2026-0001"
    assert next(v for k, v in outcomes if k == "conflict") == CaseStatus.ORDER_ISSUED
    case.refresh_from_db()
    assert case.order_number == number
    assert case.transitions.filter(transition="approve_order").count() == 1
    # The loser took no number: the series has no gap.
    assert Sequence.objects.get(key="IO-2026").last == 1


@time_machine.travel(datetime.datetime(2026, 6, 2, 10, 0, tzinfo=clock.JST))
def test_orders_approved_at_once_on_different_cases_never_share_a_number(people):
    cases = [proposed_case(people.officer, people.exporter) for _ in range(3)]
    outcomes = _outcomes(
        *[
            (
                lambda c=c: (
                    services.case_approve_order(actor=people.supervisor, case_id=c.pk).order_number
                )
            )
            for c in cases
        ]
    )
    numbers = sorted(value for kind, value in outcomes if kind == "ok")
    assert numbers == ["IO-2026-0001", "IO-2026-0002", "IO-2026-0003"], outcomes
    assert ComplianceCase.objects.filter(order_number__isnull=False).count() == 3


def test_concurrent_sweeps_remind_and_mark_once(people):
    due = today() + datetime.timedelta(days=5)
    cases = [guided_case(people.officer, people.exporter, answer_due=due) for _ in range(3)]
    reminder_time = datetime.datetime.combine(due, datetime.time(9), clock.JST)
    outcomes = _outcomes(
        lambda: compliance_due_dates_sweep(now=reminder_time).reminders,
        lambda: compliance_due_dates_sweep(now=reminder_time).reminders,
    )
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    assert sum(value for _, value in outcomes) == 3
    assert CaseReminder.objects.filter(event="reminder").count() == 3
    assert (
        Notification.objects.filter(
            recipient=people.exporter, verb="compliance.reminder_answer"
        ).count()
        == 3
    )
    late = reminder_time + datetime.timedelta(days=1)
    outcomes = _outcomes(
        lambda: compliance_due_dates_sweep(now=late).overdue,
        lambda: compliance_due_dates_sweep(now=late).overdue,
    )
    assert sum(value for _, value in outcomes) == 3, outcomes
    assert all(
        c.answer_overdue_at is not None
        for c in ComplianceCase.objects.filter(pk__in=[c.pk for c in cases])
    )


def test_two_officers_opening_a_case_on_one_late_report_at_once_open_one(people):
    from .helpers import late_report

    report = late_report(people.exporter)

    def create(officer):
        return services.case_create(
            actor=officer,
            report_id=report.pk,
            facts="遅延した報告",
            transfer_date=today() - datetime.timedelta(days=1),
        ).reference

    outcomes = _outcomes(lambda: create(people.officer), lambda: create(people.supervisor))
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    created = next(v for k, v in outcomes if k == "ok")
    # The refusal names the case the other officer opened (in the thread's language).
    assert "ValidationError" in next(v for k, v in outcomes if k == "error")
    assert created in next(v for k, v in outcomes if k == "error")
    assert ComplianceCase.objects.filter(report=report).count() == 1
