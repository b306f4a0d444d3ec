"""Django's sign-in signals, connected in SigninConfig.ready: failures (audit and the
lockout) and the session clocks."""

from __future__ import annotations

from typing import Any

from . import services
from .http import client_ip
from .middleware import session_started


def on_user_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # The success itself is recorded by the backend (signin.backends), where the password was
    # checked; every new session starts its idle and absolute clocks here.
    if request is not None and hasattr(request, "session"):
        session_started(request)


def on_user_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any):
    # `credentials` has the password masked by Django; only the username is kept.
    username = str(credentials.get("username") or "")
    if not username:
        return
    user = services.signin_failure_record(username=username, ip=client_ip(request))
    if request is not None and user is not None and user.locked_at is not None:
        # registration/login.html shows the lockout message instead of "wrong password".
        request.signin_locked = True
