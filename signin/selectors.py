"""Reads of the signin app: who is locked, who must use a second factor, who has one."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import roles
from portal.models import User

from .models import SigninFailure


def lockout_window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.SIGNIN_LOCKOUT_WINDOW_MINUTES)


def failures_counted(*, user: User) -> int:
    """Failures of this account that count towards the lockout: within the window and since
    the last successful sign-in or unlock."""
    return SigninFailure.objects.filter(
        user=user, cleared_at__isnull=True, at__gte=timezone.now() - lockout_window()
    ).count()


def users_locked() -> QuerySet[User]:
    return (
        User.objects.filter(locked_at__isnull=False)
        .select_related("organisation", "division")
        .order_by("-locked_at", "username")
    )


def second_factor_required(user: Any) -> bool:
    """METI staff and administrators when the setting says so (production); an exporter when
    their organisation's administrator requires it."""
    if roles.is_meti_staff(user) or roles.is_administrator(user):
        return bool(settings.SECOND_FACTOR_REQUIRED_FOR_STAFF)
    if roles.is_exporter(user):
        return bool(user.organisation.second_factor_required)
    return False


def has_second_factor(user: Any) -> bool:
    """A confirmed device of any kind (an authenticator app or backup codes)."""
    return user_has_device(user, confirmed=True)


def totp_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def backup_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def users_with_second_factor() -> QuerySet[User]:
    with_totp = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    with_codes = StaticDevice.objects.filter(confirmed=True).values("user_id")
    return (
        User.objects.filter(Q(pk__in=with_totp) | Q(pk__in=with_codes))
        .select_related("organisation", "division")
        .order_by("username")
    )
