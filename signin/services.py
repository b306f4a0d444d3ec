"""Writes of the signin app: failed and successful sign-ins, the lockout, the second factor.

The lockout is written here rather than taken from django-axes. Axes has one cool-off period
that both bounds the window in which failures are counted and ends the lockout by itself (or,
without one, counts failures forever). The portal's rule is different: 5 failures for one account
within 15 minutes lock it, and it stays locked, whatever the password, until an administrator
unlocks it. A table of failures (SigninFailure), `User.locked_at` and a backend that refuses
locked accounts (signin.backends) say exactly that.

No password, TOTP code or backup code is ever written to the audit trail or the failure table.
"""

from __future__ import annotations

import time
from binascii import unhexlify
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from portal import roles
from portal.models import Role, User
from portal.services import audit_record, notify
from portal.text import lazy_format

from . import selectors
from .models import SigninFailure, Stage

# --- failures and the lockout ---------------------------------------------------------------


def _failure_add(*, username: str, user: User | None, ip: str | None, stage: str) -> None:
    SigninFailure.objects.create(username=username[:150], user=user, ip=ip, stage=stage)


def _lock_if_due(*, user: User, ip: str | None) -> bool:
    """Lock the (row-locked) account if enough failures count; True if it is now locked."""
    failures = selectors.failures_counted(user=user)
    if failures < settings.SIGNIN_LOCKOUT_FAILURES:
        return False
    user.locked_at = timezone.now()
    user.save(update_fields=["locked_at"])
    audit_record(
        actor=None,
        verb="signin.locked",
        target=user,
        payload={
            "failures": failures,
            "window_minutes": settings.SIGNIN_LOCKOUT_WINDOW_MINUTES,
            "ip": ip,
        },
    )
    notify(
        recipients=[user],
        verb="signin.locked",
        title=_("Your account is locked after repeated failed sign-ins"),
        body=_("Ask an administrator to unlock it. If the attempts were not yours, tell them so."),
    )
    notify(
        recipients=User.objects.filter(role=Role.ADMINISTRATOR, is_active=True),
        verb="signin.locked",
        title=lazy_format(
            _("The account %(username)s is locked after repeated failed sign-ins"),
            {"username": user.username},
        ),
        body=_("It stays locked until an administrator unlocks it on the locked accounts page."),
        url=reverse("signin:locked_list"),
        exclude=user,
    )
    return True


def signin_failure_record(*, username: str, ip: str | None) -> User | None:
    """Record a refused sign-in and lock the account at the threshold; returns the account the
    username names, if any (its `locked_at` says whether it is locked now)."""
    with transaction.atomic():
        # The row lock makes concurrent failures count one after another: exactly one of them
        # locks the account and writes `signin.locked`.
        user = User.objects.select_for_update().filter(username=username).first()
        already_locked = user is not None and user.locked_at is not None
        _failure_add(username=username, user=user, ip=ip, stage=Stage.PASSWORD)
        audit_record(
            actor=None,
            verb="signin.failed",
            target=user,
            payload={"username": username[:150], "ip": ip, "account_locked": already_locked},
        )
        if user is not None and not already_locked:
            _lock_if_due(user=user, ip=ip)
    return user


def signin_success_record(*, user: User, ip: str | None) -> None:
    """A successful sign-in (the password step): earlier failures stop counting."""
    SigninFailure.objects.filter(user=user, cleared_at__isnull=True).update(
        cleared_at=timezone.now()
    )
    audit_record(actor=user, verb="signin.succeeded", target=user, payload={"ip": ip})


def _unlock(*, actor: User | None, user: User, payload: dict) -> bool:
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.locked_at is None:
            return False
        payload = {"locked_at": locked.locked_at.isoformat(), **payload}
        locked.locked_at = None
        locked.save(update_fields=["locked_at"])
        SigninFailure.objects.filter(user=locked, cleared_at__isnull=True).update(
            cleared_at=timezone.now()
        )
        audit_record(actor=actor, verb="signin.unlocked", target=locked, payload=payload)
    user.locked_at = None
    return True


def user_unlock(*, actor: User, user: User) -> bool:
    """Unlock an account locked after failed sign-ins (METI administrators); True if it was
    locked."""
    if not roles.is_administrator(actor):
        raise PermissionDenied(_("Only an administrator may unlock an account."))
    return _unlock(actor=actor, user=user, payload={})


def user_unlock_by_operator(*, username: str) -> bool:
    """Unlock from the server's shell (`manage.py unlock_account`), for when every
    administrator is locked out; audited with no actor."""
    user = User.objects.get(username=username)
    return _unlock(actor=None, user=user, payload={"by": "manage.py unlock_account"})


def session_expired_record(*, user: User, reason: str, ip: str | None) -> None:
    """A session ended by an idle or absolute timeout."""
    audit_record(
        actor=user, verb="signin.session_expired", target=user, payload={"reason": reason, "ip": ip}
    )


# --- the second factor ----------------------------------------------------------------------


def totp_key_new() -> str:
    """A fresh TOTP secret (hex, 20 random bytes) for an enrolment that is not confirmed yet."""
    return random_hex(20)


def _totp_check(key_hex: str, code: str) -> int | None:
    """The time step the code matches (now, or one step either side), or None."""
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = TOTP(unhexlify(key_hex.encode()))
    totp.time = time.time()
    if not totp.verify(int(code), tolerance=1):
        return None
    return totp.t()


def _backup_codes_new(device: StaticDevice) -> list[str]:
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.SECOND_FACTOR_BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def second_factor_enrol(*, user: User, key_hex: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm an authenticator app with a code it shows; returns the device and a fresh set of
    backup codes, which are shown once."""
    matched_t = _totp_check(key_hex, code)
    if matched_t is None:
        raise ValidationError(
            _("That code does not match. Enter the 6-digit code your app shows now."),
            code="wrong_code",
        )
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        if selectors.totp_device(user) is not None:
            raise ValidationError(
                _("A second factor is already set up for this account."), code="enrolled"
            )
        # last_t: the code just used for enrolment cannot be used again to sign in.
        device = TOTPDevice.objects.create(
            user=user, name="authenticator", key=key_hex, confirmed=True, last_t=matched_t
        )
        backup, _created = StaticDevice.objects.get_or_create(
            user=user, name="backup", defaults={"confirmed": True}
        )
        codes = _backup_codes_new(backup)
        audit_record(
            actor=user,
            verb="signin.second_factor_enrolled",
            target=user,
            payload={"device": device.persistent_id, "backup_codes": len(codes)},
        )
    return device, codes


def backup_codes_regenerate(*, user: User) -> list[str]:
    """Replace the user's backup codes with a new set (the old ones stop working)."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        if selectors.totp_device(user) is None:
            raise ValidationError(_("Set up an authenticator app first."), code="not_enrolled")
        backup, _created = StaticDevice.objects.get_or_create(
            user=user, name="backup", defaults={"confirmed": True}
        )
        codes = _backup_codes_new(backup)
        audit_record(
            actor=user,
            verb="signin.backup_codes_regenerated",
            target=user,
            payload={"backup_codes": len(codes)},
        )
    return codes


class SecondFactorRefused(Exception):
    """The code was not accepted; `locked` says whether the account is now locked."""

    def __init__(self, message: Any, *, locked: bool = False, throttled: bool = False):
        super().__init__(message)
        self.message = message
        self.locked = locked
        self.throttled = throttled


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def second_factor_verify(*, user: User, code: str, ip: str | None) -> Any:
    """Check the second sign-in step: a 6-digit code from the app or an unused backup code.

    Returns the device that accepted it (for django_otp.login). A wrong code counts towards the
    lockout like a wrong password; raises SecondFactorRefused.
    """
    code = _normalise(code)
    is_totp = code.isdigit() and len(code) == 6
    devices = (
        list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
        if is_totp
        else list(StaticDevice.objects.devices_for_user(user, confirmed=True))
    )
    # django-otp's own throttle (1 s, 2 s, 4 s … after each wrong code) comes first: a code sent
    # while it holds is not tried and does not count.
    if devices and not any(device.verify_is_allowed()[0] for device in devices):
        audit_record(
            actor=user,
            verb="signin.second_factor_failed",
            target=user,
            payload={"reason": "throttled", "ip": ip},
        )
        raise SecondFactorRefused(
            _("Too many wrong codes in a row. Wait a few seconds and try again."), throttled=True
        )
    for device in devices:
        accepted = verify_token(user, device.persistent_id, code)
        if accepted is None:
            continue
        if isinstance(accepted, StaticDevice):
            audit_record(
                actor=user,
                verb="signin.backup_code_used",
                target=user,
                payload={"backup_codes_left": selectors.backup_codes_left(user), "ip": ip},
            )
        audit_record(
            actor=user,
            verb="signin.second_factor_verified",
            target=user,
            payload={"device": accepted.persistent_id, "ip": ip},
        )
        return accepted
    with transaction.atomic():
        locked_user = User.objects.select_for_update().get(pk=user.pk)
        _failure_add(username=user.username, user=locked_user, ip=ip, stage=Stage.SECOND_FACTOR)
        audit_record(
            actor=user,
            verb="signin.second_factor_failed",
            target=user,
            payload={"reason": "wrong_code", "kind": "totp" if is_totp else "backup", "ip": ip},
        )
        locked = locked_user.locked_at is not None or _lock_if_due(user=locked_user, ip=ip)
    raise SecondFactorRefused(
        _("That code is not right. Check the code in your app, or use a backup code."),
        locked=locked,
    )


def second_factor_reset(*, actor: User, user: User) -> int:
    """Remove every second-factor device of an account (lost phone): the user sets one up again
    at the next sign-in if it is required. METI administrators only; returns how many."""
    if not roles.is_administrator(actor):
        raise PermissionDenied(_("Only an administrator may reset a second factor."))
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        removed = 0
        for model in (TOTPDevice, StaticDevice):
            removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
        audit_record(
            actor=actor,
            verb="signin.second_factor_reset",
            target=user,
            payload={"devices_removed": removed},
        )
        notify(
            recipients=[user],
            verb="signin.second_factor_reset",
            title=_("Your second factor was reset"),
            body=_(
                "A METI administrator removed your authenticator app and backup codes. "
                "Set up a new one at your next sign-in."
            ),
            url=reverse("signin:two_factor"),
        )
    return removed
