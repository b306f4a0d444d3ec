"""Lazy text for messages rendered later in several languages (notifications)."""

from typing import Any

from django.utils.functional import lazy


def _format(message: Any, params: dict[str, Any]) -> str:
    return str(message) % {key: str(value) for key, value in params.items()}


# `gettext_lazy("...") % params` renders at once in the active language; notify() needs the
# text in Japanese and in English, so the formatting must wait until it is rendered.
lazy_format = lazy(_format, str)
