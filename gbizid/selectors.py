"""Reads of the gbizid app."""

from __future__ import annotations

from typing import Any

from .models import GbizidLink


def link_of(user: Any) -> GbizidLink | None:
    """The gBizID account linked to this portal account, if any."""
    if not getattr(user, "pk", None):
        return None
    return GbizidLink.objects.filter(user_id=user.pk).first()


def link_for_account(*, issuer: str, subject: str) -> GbizidLink | None:
    return (
        GbizidLink.objects.select_related("user", "user__organisation")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
