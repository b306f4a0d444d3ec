from django.apps import AppConfig


class SigninConfig(AppConfig):
    """Signing in safely: lockout, second factor, session timeouts, sign-in audit."""

    name = "signin"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from . import handlers

        user_logged_in.connect(handlers.on_user_logged_in, dispatch_uid="signin.logged_in")
        user_login_failed.connect(handlers.on_user_login_failed, dispatch_uid="signin.failed")
