from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InformsConfig(AppConfig):
    name = "informs"
    verbose_name = _("Informs")
