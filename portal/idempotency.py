"""`Idempotency-Key` on API POSTs: a retry with the same key gets the first answer, and
nothing is created twice (api.md; documented in the schema by portal.api.schema)."""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.settings import api_settings

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def _api_user(request: HttpRequest):
    """The caller as the API will see it (token or session), or None if not signed in."""
    drf_request = Request(
        request, authenticators=[cls() for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES]
    )
    try:
        user = drf_request.user
    except APIException:
        return None  # the view itself answers 401/403 for these credentials
    return user if user is not None and user.is_authenticated else None


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(request.get_full_path().encode())
    digest.update(b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _error(status: int, detail: str) -> JsonResponse:
    return JsonResponse(
        {"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False}
    )


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith("/api/"):
            return self.get_response(request)
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            return _error(
                400,
                _("The Idempotency-Key header must be 1 to %(max)d printable characters.")
                % {"max": MAX_KEY_LENGTH},
            )
        user = _api_user(request)
        if user is None:
            return self.get_response(request)
        fingerprint = _fingerprint(request)
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=user,
                    key=key,
                    method=request.method,
                    path=request.path[:500],
                    fingerprint=fingerprint,
                )
        except IntegrityError:
            return self._replay(user, key, fingerprint)
        try:
            response = self.get_response(request)
        except BaseException:
            IdempotencyKey.objects.filter(pk=record.pk).delete()
            raise
        if response.status_code >= 500 or response.streaming:
            # Nothing reliable to replay: let the client try again with the same key.
            IdempotencyKey.objects.filter(pk=record.pk).delete()
            return response
        IdempotencyKey.objects.filter(pk=record.pk).update(
            status_code=response.status_code,
            content_type=response.get("Content-Type", ""),
            body=response.content,
        )
        return response

    def _replay(self, user, key: str, fingerprint: str) -> HttpResponse:
        first = IdempotencyKey.objects.filter(user=user, key=key).first()
        if first is None:  # the first attempt failed and was forgotten in between
            return _error(409, _("A request with this Idempotency-Key failed; send it again."))
        if first.status_code is None:
            return _error(409, _("A request with this Idempotency-Key is still being processed."))
        if first.fingerprint != fingerprint:
            return _error(
                422,
                _("This Idempotency-Key was used for a different request; use a new key."),
            )
        response = HttpResponse(
            bytes(first.body), status=first.status_code, content_type=first.content_type or None
        )
        response["Idempotent-Replayed"] = "true"
        return response


def idempotency_keys_purge(*, older_than: datetime.timedelta | None = None) -> int:
    """Forget keys older than the retention (a day by default); run daily by beat."""
    age = older_than or datetime.timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    deleted, _rows = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - age).delete()
    return deleted
