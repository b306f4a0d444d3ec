"""The portal's 403, 404 and 500 responses: pages in the reader's language, and JSON
({"detail": ...}) for anything under /api/, whatever went wrong."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from rest_framework import exceptions as api_exceptions

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _reason(exception: BaseException | None) -> str:
    """The refusal the service gave (`PermissionDenied(_("…"))`); empty for a bare one."""
    return str(exception or "").strip()


def permission_denied(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    reason = _reason(exception)
    if _is_api(request):
        # The same words portal.api.exceptions gives for a refusal raised inside a DRF view.
        detail = reason or str(api_exceptions.PermissionDenied.default_detail)
        return JsonResponse({"detail": detail}, status=403)
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    # The exception's text ("No such report.") is for developers and never shown: a report
    # outside the user's scope is a 404 precisely so that its existence does not leak.
    if _is_api(request):
        return JsonResponse({"detail": str(api_exceptions.NotFound.default_detail)}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Self-contained: no database, no context processors, no URL or static lookups that may
    fail, because whatever broke the request may be broken still."""
    # The error may have come before JapaneseFirstLocaleMiddleware ran; choose as it does.
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        if _is_api(request):
            detail = str(api_exceptions.APIException.default_detail)
            return JsonResponse({"detail": detail}, status=500)
        try:
            page = loader.get_template("500.html").render(
                {
                    "stylesheet": _or_default(
                        lambda: static("portal.css"), f"{settings.STATIC_URL}portal.css"
                    ),
                    "home_url": _or_default(lambda: reverse("home"), "/"),
                    "request_id": getattr(request, "request_id", ""),
                }
            )
        except Exception:
            logger.exception("The 500 page itself could not be rendered.")
            page = "<!DOCTYPE html><title>500</title><h1>Server Error (500)</h1>"
    return HttpResponse(page, status=500)


def _or_default(lookup, default: str) -> str:
    # ManifestStaticFilesStorage raises for a missing manifest entry; a broken URLconf
    # raises on reverse(). Neither may cost the user the error page.
    try:
        return lookup()
    except Exception:
        return default


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form whose security token is missing or stale: say what to do, in the portal's style."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext

    return permission_denied(
        request,
        PermissionDenied(
            gettext(
                "The form could not be accepted because its security check failed, for example "
                "after a long pause. Open the page again and send the form again."
            )
        ),
    )
