"""Lazy text for messages rendered later in several languages (notifications)."""

from typing import Any

from django.utils.functional import lazy


def _format(message: Any, params: dict[str, Any]) -> str:
    return str(message) % {key: str(value) for key, value in params.items()}


# `gettext_lazy("...") % params` renders at once in the active language; notify() needs the
# text in Japanese and in English, so the formatting must wait until it is rendered.
lazy_format = lazy(_format, str)


def _pick(ja: str, en: str) -> str:
    from django.utils.translation import get_language

    return en if get_language() == "en" else ja


# A name that exists in both languages (organisation, technology), chosen when rendered.
by_language = lazy(_pick, str)


def list_separator() -> str:
    """Between the items of a list in a sentence: 「、」 in Japanese, ", " in English."""
    from django.utils.translation import get_language

    return ", " if get_language() == "en" else "、"
