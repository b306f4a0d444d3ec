from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    """Compliance cases (報告漏れ): guidance and advice, improvement orders."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "compliance"
    verbose_name = _("Compliance cases")
