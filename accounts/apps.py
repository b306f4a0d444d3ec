from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Organisations and their people: registration, invitations, members, METI staff accounts."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"
