"""Reads of the portal app: who should hear about what."""

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from .models import EmailState, Notification, Role, User


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
