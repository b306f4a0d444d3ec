"""Reads of the portal app: who should hear about what; the audit trail as filtered."""

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from .models import AuditRecord, EmailState, Notification, Role, User


def _people(role_in: list[str], **membership: int | None) -> QuerySet[User]:
    if any(value is None for value in membership.values()):
        return User.objects.none()
    return User.objects.filter(role__in=role_in, is_active=True, **membership)


def organisation_members(organisation_id: int | None) -> QuerySet[User]:
    return _people([Role.EXPORTER], organisation_id=organisation_id)


def division_staff(division_id: int | None) -> QuerySet[User]:
    """Officers and supervisors of a division."""
    return _people([Role.OFFICER, Role.SUPERVISOR], division_id=division_id)


def division_supervisors(division_id: int | None) -> QuerySet[User]:
    return _people([Role.SUPERVISOR], division_id=division_id)


def outbox_backlog() -> dict[str, Any]:
    """E-mails still pending past the backlog age (the partial index on pending rows)."""
    cutoff = timezone.now() - datetime.timedelta(minutes=settings.EMAIL_OUTBOX_BACKLOG_MINUTES)
    return Notification.objects.filter(
        email_state=EmailState.PENDING, created_at__lt=cutoff
    ).aggregate(count=Count("pk"), oldest=Min("created_at"))


def audit_records(
    *,
    verb: str = "",
    target_type: str = "",
    who: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditRecord]:
    """The audit trail, newest first, filtered as on /audit/ (days are JST days)."""
    records = AuditRecord.objects.select_related("actor")
    if verb:
        records = records.filter(verb=verb)
    if target_type:
        records = records.filter(target_type=target_type)
    if who:
        records = records.filter(
            Q(actor_label__icontains=who)
            | Q(actor__last_name__icontains=who)
            | Q(actor__first_name__icontains=who)
        )
    tz = timezone.get_default_timezone()
    if since:
        records = records.filter(at__gte=datetime.datetime.combine(since, datetime.time(), tz))
    if until:
        next_day = until + datetime.timedelta(days=1)
        records = records.filter(at__lt=datetime.datetime.combine(next_day, datetime.time(), tz))
    return records
