"""The compliance cases' clock, run by Celery beat: a reminder to the officer in charge and to
the organisation N days before each due date (the answer to guidance, compliance with an
order), and, once a date has passed without an answer, the case marked overdue for staff.

It never moves a case: what follows a missed date is the officer's decision. Safe to run twice,
concurrently, late or after downtime: each reminder and each overdue mark is a unique
(case, kind, due date, event) row written in the same transaction as its notifications, under
the case's row lock (rows locked by an officer acting right now are skipped until the next
run); a reminder whose date has already passed is not sent late, the overdue mark is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from portal.selectors import organisation_members
from portal.services import notify_many
from portal.text import lazy_format
from reports import clock

from .lifecycle import CaseStatus
from .models import CaseReminder, ComplianceCase, DueDateKind

BATCH_SIZE = 250
REMINDER = "reminder"
OVERDUE = "overdue"


def reminder_days_before() -> int:
    """How many days before a due date the reminder goes out (portal.settings)."""
    return settings.COMPLIANCE_REMINDER_DAYS_BEFORE


@dataclass(frozen=True)
class DueDate:
    kind: str
    date_field: str  # the last day (JST)
    answered_field: str  # the company's answer that stops the clock
    overdue_field: str
    statuses: tuple[str, ...]  # the states in which the date is running


DUE_DATES = (
    DueDate(
        DueDateKind.ANSWER,
        "guidance_answer_due",
        "guidance_answered_at",
        "answer_overdue_at",
        (CaseStatus.GUIDANCE_ISSUED, CaseStatus.ORDER_PROPOSED),
    ),
    DueDate(
        DueDateKind.COMPLIANCE,
        "order_compliance_due",
        "order_answered_at",
        "compliance_overdue_at",
        (CaseStatus.ORDER_ISSUED, CaseStatus.ORDER_ACKNOWLEDGED),
    ),
)


@dataclass
class SweepResult:
    reminders: int = 0
    overdue: int = 0


def _running(due: DueDate, event: str, now: datetime.datetime) -> models.QuerySet:
    """Cases whose `due` date calls for `event` at `now` and have not had it yet."""
    today = clock.jst_date(now)
    qs = ComplianceCase.objects.filter(
        status__in=list(due.statuses),
        **{f"{due.answered_field}__isnull": True, f"{due.date_field}__isnull": False},
    )
    if event == OVERDUE:
        # Due at the end of the date (JST): overdue from the next day on.
        qs = qs.filter(**{f"{due.date_field}__lt": today})
    else:
        # From N days before the end of the date until it passes.
        soon = clock.jst_date(now + datetime.timedelta(days=reminder_days_before()))
        qs = qs.filter(**{f"{due.date_field}__gte": today, f"{due.date_field}__lt": soon})
    done = CaseReminder.objects.filter(
        case=models.OuterRef("pk"),
        kind=due.kind,
        event=event,
        due_date=models.OuterRef(due.date_field),
    )
    return qs.filter(~models.Exists(done))


def _message(case: ComplianceCase, due: DueDate, event: str, day: datetime.date) -> list[dict]:
    url = case.get_absolute_url()
    officer = [case.assigned_officer]
    if event == OVERDUE:
        what = (
            _("no answer to the guidance")
            if due.kind == DueDateKind.ANSWER
            else _("no report on compliance with the order")
        )
        return [
            {
                "recipients": officer,
                "verb": f"compliance.overdue_{due.kind}",
                "title": lazy_format(
                    _("%(reference)s is overdue: %(what)s by %(day)s"),
                    {"reference": case.reference, "what": what, "day": day.isoformat()},
                ),
                "body": _(
                    "The case is marked overdue. It does not move on by itself: decide what "
                    "follows."
                ),
                "url": url,
            }
        ]
    title = (
        _("%(reference)s: the answer to the guidance is due by %(day)s")
        if due.kind == DueDateKind.ANSWER
        else _("%(reference)s: compliance with the improvement order is due by %(day)s")
    )
    return [
        {
            "recipients": [*officer, *organisation_members(case.organisation_id)],
            "verb": f"compliance.reminder_{due.kind}",
            "title": lazy_format(title, {"reference": case.reference, "day": day.isoformat()}),
            "body": _("Answer in the case's messages in the portal, with evidence attached."),
            "url": url,
        }
    ]


def _sweep(due: DueDate, event: str, now: datetime.datetime, batch_size: int) -> int:
    # The ids first, without locks; then each batch is locked, re-checked and written.
    ids = list(
        _running(due, event, now).order_by(due.date_field, "id").values_list("id", flat=True)
    )
    done = 0
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            batch = list(
                _running(due, event, now)
                .select_for_update(skip_locked=True, of=("self",))
                .filter(pk__in=ids[start : start + batch_size])
                .select_related("assigned_officer")
                .order_by(due.date_field, "id")
            )
            if not batch:
                continue
            # The unique constraint is the last guard against a second reminder or mark.
            CaseReminder.objects.bulk_create(
                [
                    CaseReminder(
                        case=case,
                        kind=due.kind,
                        due_date=getattr(case, due.date_field),
                        event=event,
                    )
                    for case in batch
                ]
            )
            if event == OVERDUE:
                ComplianceCase.objects.filter(pk__in=[c.pk for c in batch]).update(
                    **{due.overdue_field: now}
                )
            notify_many(
                [
                    message
                    for case in batch
                    for message in _message(case, due, event, getattr(case, due.date_field))
                ]
            )
            done += len(batch)
    return done


def compliance_due_dates_sweep(
    *, now: datetime.datetime, batch_size: int = BATCH_SIZE
) -> SweepResult:
    """Mark what is overdue, then remind what is coming up, for both kinds of due date."""
    result = SweepResult()
    for due in DUE_DATES:
        result.overdue += _sweep(due, OVERDUE, now, batch_size)
        result.reminders += _sweep(due, REMINDER, now, batch_size)
    return result
