"""The portal's authentication backend: Django's, refusing locked accounts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from . import services
from .http import client_ip


class LockoutModelBackend(ModelBackend):
    """ModelBackend that refuses an account while `locked_at` is set, even with the right
    password, and ends its open sessions (get_user asks the same question).

    The sign-in page says why: the failure handler (signin.handlers) marks the request, and
    registration/login.html shows the lockout message instead of "wrong password".
    """

    def authenticate(self, request: Any, username: Any = None, password: Any = None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            # Here rather than on user_logged_in: only a checked password is a sign-in to
            # record, not a session opened by other code (tests' force_login, for one).
            services.signin_success_record(user=user, ip=client_ip(request))
        return user

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and getattr(user, "locked_at", None) is None
