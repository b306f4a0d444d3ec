from django.apps import AppConfig


class GbizidConfig(AppConfig):
    """Signing in with gBizID: companies identified by their corporate number (法人番号)."""

    name = "gbizid"
    verbose_name = "gBizID"
    default_auto_field = "django.db.models.BigAutoField"
