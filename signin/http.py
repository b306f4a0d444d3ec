"""Small request helpers shared by the signin views, middleware and signal handlers."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

API_PREFIX = "/api/"


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from, as the web server saw it."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` the request names, if it stays on this site; otherwise the default."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
