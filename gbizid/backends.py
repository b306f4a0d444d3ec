"""The backend a gBizID session is attributed to (settings: AUTHENTICATION_BACKENDS)."""

from __future__ import annotations

from typing import Any

from portal import roles
from signin.backends import LockoutModelBackend


class GbizidBackend(LockoutModelBackend):
    """Authenticates nothing itself: gbizid.views signs the person in with this backend once
    gbizid.services has accepted the provider's answer.

    On every later request it answers like the password backend (a locked or deactivated
    account loses its session), and only for exporters: METI staff never hold a gBizID session.
    """

    def authenticate(self, request: Any, *args: Any, **kwargs: Any) -> None:
        return None

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and roles.is_exporter(user)
