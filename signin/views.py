"""Pages of the signin app: the second factor (set up, backup codes, the code step) and the
administrators' pages for locked accounts and second-factor resets."""

from __future__ import annotations

import re
from base64 import b32encode
from binascii import unhexlify

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import User
from portal.roles import administrator_required

from . import selectors, services
from .forms import EnrolmentCodeForm, SecondFactorForm
from .http import client_ip, safe_next

# The secret of an enrolment not yet confirmed lives in the session, not the database: a page
# that is only looked at writes nothing, and each new sign-in starts a fresh secret.
SESSION_ENROLMENT_KEY = "signin_totp_key"
# The backup codes just made, shown once by backup_codes() and then forgotten.
SESSION_BACKUP_CODES = "signin_backup_codes"
# The same words as registration/login.html shows for a locked account.
LOCKED_MESSAGE = gettext_lazy(
    "This account is locked after repeated failed sign-ins. Ask an administrator to unlock it."
)


def _qr_svg(text: str, label: str) -> str:
    """The QR code as inline SVG markup: no data: URI and no style attribute (CSP)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10)
    svg = image.to_string(encoding="unicode")
    return re.sub(
        r'width="[^"]*" height="[^"]*"',
        f'width="240" height="240" role="img" aria-label="{escape(label)}"',
        svg,
        count=1,
    )


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


@login_required
@never_cache
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app; once set up, the page shows its state and backup codes."""
    user = request.user
    next_url = safe_next(request, reverse("home"))
    if selectors.totp_device(user) is not None:
        return render(
            request,
            "signin/two_factor_status.html",
            {"backup_codes_left": selectors.backup_codes_left(user)},
        )
    key = request.session.get(SESSION_ENROLMENT_KEY)
    if not key:
        key = services.totp_key_new()
        request.session[SESSION_ENROLMENT_KEY] = key
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.second_factor_enrol(
                user=user, key_hex=key, code=form.cleaned_data["code"].strip()
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            django_otp.login(request, device)
            del request.session[SESSION_ENROLMENT_KEY]
            request.session[SESSION_BACKUP_CODES] = codes
            return redirect(_with_next(reverse("signin:backup_codes"), next_url))
    unsaved = TOTPDevice(user=user, key=key)
    secret = b32encode(unhexlify(key)).decode()
    return render(
        request,
        "signin/two_factor_enrol.html",
        {
            "form": form,
            "qr_svg": mark_safe(_qr_svg(unsaved.config_url, _("QR code to scan"))),
            "secret": _grouped(secret),
            "required": selectors.second_factor_required(user),
            "next": next_url,
        },
    )


@login_required
@never_cache
def backup_codes(request: HttpRequest) -> HttpResponse:
    """The backup codes just made, shown this once."""
    codes = request.session.pop(SESSION_BACKUP_CODES, None)
    if not codes:
        return redirect("signin:two_factor")
    return render(
        request,
        "signin/backup_codes.html",
        {"codes": codes, "next": safe_next(request, reverse("home"))},
    )


@require_POST
@login_required
def backup_codes_regenerate(request: HttpRequest) -> HttpResponse:
    if selectors.totp_device(request.user) is None:
        return redirect("signin:two_factor")
    request.session[SESSION_BACKUP_CODES] = services.backup_codes_regenerate(user=request.user)
    return redirect("signin:backup_codes")


@login_required
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """The second sign-in step."""
    user = request.user
    next_url = safe_next(request, reverse("home"))
    if user.is_verified() or not selectors.has_second_factor(user):
        return redirect(next_url)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.second_factor_verify(
                user=user, code=form.cleaned_data["code"], ip=client_ip(request)
            )
        except services.SecondFactorRefused as refused:
            if refused.locked:
                logout(request)
                messages.error(request, LOCKED_MESSAGE)
                return redirect("login")
            form.add_error("code", refused.message)
        else:
            # A new session key for the session that now has both factors.
            request.session.cycle_key()
            django_otp.login(request, device)
            return redirect(next_url)
    return render(request, "signin/verify.html", {"form": form, "next": next_url})


# --- administrators -------------------------------------------------------------------------


@administrator_required
def locked_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "signin/locked_list.html",
        {
            "users": selectors.users_locked(),
            "failures": settings.SIGNIN_LOCKOUT_FAILURES,
            "window": settings.SIGNIN_LOCKOUT_WINDOW_MINUTES,
        },
    )


@require_POST
@administrator_required
def unlock(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    if services.user_unlock(actor=request.user, user=user):
        messages.success(
            request, _("%(username)s can sign in again.") % {"username": user.username}
        )
    else:
        messages.info(request, _("%(username)s was not locked.") % {"username": user.username})
    return redirect("signin:locked_list")


@administrator_required
def second_factor_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "signin/second_factor_list.html", {"users": selectors.users_with_second_factor()}
    )


@require_POST
@administrator_required
def second_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    services.second_factor_reset(actor=request.user, user=user)
    messages.success(
        request,
        _("The second factor of %(username)s is removed. They set up a new one at next sign-in.")
        % {"username": user.username},
    )
    return redirect("signin:second_factor_list")
