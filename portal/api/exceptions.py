from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.errors import InvalidTransition


def exception_handler(exc, context):
    """DRF's handler, plus the portal's domain errors mapped to the contract's status codes.

    Errors are always JSON, also on endpoints that answer a file (PDF, attachment).
    """
    response = _handle(exc, context)
    request = context.get("request")
    if response is not None and request is not None:
        renderer = getattr(request, "accepted_renderer", None)
        if renderer is None or renderer.format not in ("json", "api"):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
    return response


def _handle(exc, context):
    if isinstance(exc, InvalidTransition):
        # The service names the state as the caller may see it (reports.lifecycle).
        return Response(
            {"detail": str(exc.message), "status": exc.status}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            data = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
        else:
            data = {"non_field_errors": [str(m) for m in exc.messages]}
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        return Response(
            {"detail": str(exc) or "You do not have permission to perform this action."},
            status=status.HTTP_403_FORBIDDEN,
        )
    response = drf_exception_handler(exc, context)
    if (
        response is not None
        and response.status_code == 400
        and isinstance(response.data, dict)
        and set(response.data) != {"detail"}  # an unreadable body: {"detail": "..."} stays
    ):
        response.data = {field: _flat(messages) for field, messages in response.data.items()}
    return response


def _flat(messages) -> list[str]:
    """api.md's 400 shape is {"field": ["message", ...]}: flatten DRF's per-item errors
    ({"0": [...]} for a list field) into that list."""
    if isinstance(messages, dict):
        return [m for key, value in messages.items() for m in _prefixed(key, _flat(value))]
    if isinstance(messages, list):
        return [m for item in messages for m in _flat(item)]
    return [str(messages)]


def _prefixed(key, messages: list[str]) -> list[str]:
    return [f"{key}: {m}" if str(key).isdigit() else m for m in messages]
