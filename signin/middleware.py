"""Session timeouts and the second factor, enforced on every request of a signed-in user.

Both run after django_otp's OTPMiddleware (request.user.is_verified()) and before the message
middleware, so a notice for the sign-in page is written to the message cookie here directly.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import roles

from . import selectors, services
from .http import client_ip, is_api

SESSION_STARTED = "signin_started_at"
SESSION_LAST_ACTIVITY = "signin_last_activity"
# Writing the last activity on every request would save the session on every request; a
# minute's precision is enough for a 30-minute timeout.
ACTIVITY_PRECISION_SECONDS = 60


def _now() -> int:
    return int(timezone.now().timestamp())


def session_started(request: HttpRequest) -> None:
    """Start the clocks of a new sign-in (called on user_logged_in)."""
    now = _now()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_LAST_ACTIVITY] = now


def idle_minutes(user: Any) -> int:
    if roles.is_exporter(user):
        return settings.SESSION_IDLE_MINUTES_EXPORTER
    return settings.SESSION_IDLE_MINUTES_STAFF


def _always_allowed(path: str) -> bool:
    return (
        path.startswith(("/" + settings.STATIC_URL.lstrip("/"), "/i18n/"))
        or path == reverse("healthz")
        or path in (reverse("logout"), resolve_url(settings.LOGIN_URL))
    )


class SessionTimeoutMiddleware:
    """Sign out after the idle timeout of the user's role, or at the absolute limit after
    signing in; the sign-in page then says why. API requests get a 401 in JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = _now()
            started = request.session.get(SESSION_STARTED)
            last = request.session.get(SESSION_LAST_ACTIVITY)
            if started is None or last is None:  # a session from before these clocks
                session_started(request)
            elif now - started >= settings.SESSION_ABSOLUTE_HOURS * 3600:
                hours = settings.SESSION_ABSOLUTE_HOURS
                notice = _(
                    "You were signed out %(hours)s hours after signing in. Please sign in again."
                ) % {"hours": hours}
                return self._sign_out(request, user, "absolute", notice)
            elif now - last >= idle_minutes(user) * 60:
                minutes = idle_minutes(user)
                notice = _(
                    "You were signed out after %(minutes)s minutes without activity. "
                    "Please sign in again."
                ) % {"minutes": minutes}
                return self._sign_out(request, user, "idle", notice)
            elif now - last >= ACTIVITY_PRECISION_SECONDS:
                request.session[SESSION_LAST_ACTIVITY] = now
        return self.get_response(request)

    @staticmethod
    def _sign_out(request: HttpRequest, user: Any, reason: str, notice: str) -> HttpResponse:
        services.session_expired_record(user=user, reason=reason, ip=client_ip(request))
        logout(request)
        if is_api(request):
            return JsonResponse(
                {"detail": notice}, status=401, json_dumps_params={"ensure_ascii": False}
            )
        target = resolve_url(settings.LOGIN_URL)
        if request.method == "GET" and not _always_allowed(request.path_info):
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        response = HttpResponseRedirect(target)
        # The message middleware has not run for this request: store the notice as it would.
        storage = default_storage(request)
        storage.add(messages.INFO, notice)
        storage.update(response)
        return response


class SecondFactorRequiredMiddleware:
    """A user with a second factor must pass the code step in this session; a user who must
    have one (signin.selectors.second_factor_required) and has none must set it up first.

    Until then only the step's own page, sign-out, the sign-in page, static files, the
    language switch and /healthz answer; the API answers 403 in JSON.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not _always_allowed(request.path_info)
        ):
            step = self._step(user)
            if step is not None and request.path_info != reverse(step):
                return self._send_to(request, step)
        return self.get_response(request)

    @staticmethod
    def _step(user: Any) -> str | None:
        if selectors.has_second_factor(user):
            return "signin:verify"
        if selectors.second_factor_required(user):
            return "signin:two_factor"
        return None

    @staticmethod
    def _send_to(request: HttpRequest, step: str) -> HttpResponse:
        if is_api(request):
            detail = (
                _("Enter the code of your second factor in the browser first.")
                if step == "signin:verify"
                else _("Set up a second factor in the browser first.")
            )
            return JsonResponse(
                {"detail": detail}, status=403, json_dumps_params={"ensure_ascii": False}
            )
        target = reverse(step)
        if request.method == "GET":
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        return HttpResponseRedirect(target)
