from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EndUsersConfig(AppConfig):
    """METI's End User List (外国ユーザーリスト) and counterparties screened against it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "endusers"
    verbose_name = _("End User List")
