"""Pages of the gbizid app: the way to gBizID and back, and the account page's link.

Going to gBizID is a link (GET) answered by a redirect, never a form: the Content-Security-
Policy lets forms post to the portal only (form-action 'self'), and browsers apply that to the
redirects that follow a form too.
"""

from __future__ import annotations

from typing import Any, cast

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal.models import User
from portal.roles import exporter_required
from signin.http import client_ip, safe_next

from . import selectors, services
from .claims import GbizidIdentity, identity_from_claims
from .client import GbizidProtocolError, authorize_redirect, claims_from_callback, is_configured

BACKEND = "gbizid.backends.GbizidBackend"
# What the person went to gBizID for: {"action": "signin", "next": url} or
# {"action": "link", "user": pk}. The state, nonce and PKCE verifier are Authlib's, beside it.
SESSION_INTENT = "gbizid_intent"


def _signed_in(request: HttpRequest) -> User:
    """The signed-in user of a page behind exporter_required."""
    return cast(User, request.user)


def _require_configured() -> None:
    if not is_configured():
        raise Http404


def _failed(request: HttpRequest, reason: str, *, status: int) -> HttpResponse:
    return render(request, "gbizid/failed.html", {"reason": reason}, status=status)


def _to_gbizid(request: HttpRequest, intent: dict[str, Any]) -> HttpResponse:
    redirect_uri = request.build_absolute_uri(reverse("gbizid:callback"))
    try:
        response = authorize_redirect(request, redirect_uri)
    except GbizidProtocolError as exc:
        user = request.user if request.user.is_authenticated else None
        services.gbizid_failure_record(
            reason=exc.reason, detail=exc.detail, ip=client_ip(request), user=user
        )
        return _failed(request, "unavailable", status=502)
    request.session[SESSION_INTENT] = intent
    return response


@require_GET
@never_cache
def signin(request: HttpRequest) -> HttpResponse:
    """The sign-in page's gBizID button: off to gBizID's sign-in page."""
    _require_configured()
    next_url = safe_next(request, reverse("home"))
    if request.user.is_authenticated:
        return redirect(next_url)
    return _to_gbizid(request, {"action": "signin", "next": next_url})


@require_GET
@exporter_required
@never_cache
def link(request: HttpRequest) -> HttpResponse:
    """The account page's "Link your gBizID": the person signs in at gBizID to prove it is theirs."""
    _require_configured()
    return _to_gbizid(request, {"action": "link", "user": request.user.pk})


def _refused(
    request: HttpRequest, refused: services.GbizidRefused, identity: GbizidIdentity, action: str
) -> HttpResponse:
    return render(
        request,
        "gbizid/refused.html",
        {
            "reason": refused.reason,
            "action": action,
            "identity": identity,
            "organisation": refused.organisation,
        },
        status=403,
    )


@require_GET
@never_cache
def callback(request: HttpRequest) -> HttpResponse:
    """Where gBizID sends the person back (the redirect URI registered with gBizID)."""
    _require_configured()
    intent = request.session.get(SESSION_INTENT) or {}
    ip = client_ip(request)
    signed_in = request.user if request.user.is_authenticated else None
    try:
        claims = claims_from_callback(request)
    except GbizidProtocolError as exc:
        services.gbizid_failure_record(reason=exc.reason, detail=exc.detail, ip=ip, user=signed_in)
        status = 400 if exc.reason in ("state", "denied") else 502
        return _failed(request, exc.reason, status=status)
    request.session.pop(SESSION_INTENT, None)
    identity = identity_from_claims(claims, issuer=settings.GBIZID_ISSUER)

    if intent.get("action") == "link":
        if signed_in is None or signed_in.pk != intent.get("user"):
            # Signed out, or someone else signed in, since the link was asked for.
            services.gbizid_failure_record(
                reason="state", detail="link for another session user", ip=ip, user=signed_in
            )
            return _failed(request, "state", status=400)
        try:
            services.gbizid_link(user=signed_in, identity=identity, ip=ip)
        except services.GbizidRefused as refused:
            return _refused(request, refused, identity, "link")
        messages.success(
            request, _("Your gBizID is linked. You can now sign in with gBizID or your password.")
        )
        return redirect("gbizid:account")

    try:
        result = services.gbizid_signin(identity=identity, ip=ip)
    except services.GbizidRefused as refused:
        return _refused(request, refused, identity, "signin")
    login(request, result.user, backend=BACKEND)
    # gBizID Prime and Member sign in with gBizID's own second factor (models.GbizidSessionDevice).
    django_otp.login(request, result.device)
    organisation = result.user.organisation
    if result.organisation_created:
        messages.success(
            request,
            _(
                "%(company)s is registered on the portal with the corporate number from gBizID. "
                "You are its administrator: invite colleagues from the Members page."
            )
            % {"company": organisation},
        )
    elif result.joined:
        messages.success(request, _("You joined %(company)s.") % {"company": organisation})
    return redirect(intent.get("next") or reverse("home"))


@exporter_required
def account(request: HttpRequest) -> HttpResponse:
    """The person's gBizID: linked or not, and how they signed in this time."""
    return render(
        request,
        "gbizid/account.html",
        {
            "link": selectors.link_of(request.user),
            "configured": is_configured(),
            "signed_in_with_gbizid": request.session.get(BACKEND_SESSION_KEY) == BACKEND,
            "has_password": _signed_in(request).has_usable_password(),
        },
    )


@require_POST
@exporter_required
def unlink(request: HttpRequest) -> HttpResponse:
    try:
        removed = services.gbizid_unlink(user=_signed_in(request))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if removed:
            messages.success(request, _("Your gBizID is no longer linked."))
        else:
            messages.info(request, _("Your account has no gBizID linked."))
    return redirect("gbizid:account")
