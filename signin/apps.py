from django.apps import AppConfig


class SigninConfig(AppConfig):
    """Signing in safely: lockout, second factor, session timeouts, sign-in audit."""

    name = "signin"
    default_auto_field = "django.db.models.BigAutoField"
