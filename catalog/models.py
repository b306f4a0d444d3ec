"""Notified technologies (重要管理対象技術) with effective dates, and destination countries."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.models import Division


class Category(models.TextChoices):
    ELECTRONIC_COMPONENTS = "electronic_components", _("Electronic components")
    FIBERS = "fibers", _("Fibers")
    SEMICONDUCTOR_MATERIALS = "semiconductor_materials", _("Semiconductor materials")
    ELECTRON_MICROSCOPES = "electron_microscopes", _("Electron microscopes")
    OTHER = "other", _("Other")


class TechnologyQuerySet(models.QuerySet):
    def in_force_on(self, day: datetime.date) -> TechnologyQuerySet:
        return self.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=day), effective_from__lte=day
        )

    def in_force_today(self) -> TechnologyQuerySet:
        return self.in_force_on(timezone.localdate())

    def upcoming(self, today: datetime.date | None = None) -> TechnologyQuerySet:
        return self.filter(effective_from__gt=today or timezone.localdate())


class Technology(models.Model):
    """One version of a notified technology; `effective_to` is the last day in force (inclusive).

    A technology's scope may change over time: a new version with the same code starts the day
    after the old one's `effective_to`. Reports point at the version that was in force.
    """

    code = models.SlugField(_("code"), max_length=60)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    category = models.CharField(_("category"), max_length=40, choices=Category.choices)
    scope_ja = models.TextField(_("scope (Japanese)"), blank=True)
    scope_en = models.TextField(_("scope (English)"), blank=True)
    division = models.ForeignKey(
        Division,
        verbose_name=_("responsible division"),
        on_delete=models.PROTECT,
        related_name="technologies",
    )
    notice_reference = models.CharField(_("notice reference"), max_length=200, blank=True)
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until (last day)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TechnologyQuerySet.as_manager()

    class Meta:
        ordering = ["effective_from", "id"]
        verbose_name = _("notified technology")
        verbose_name_plural = _("notified technologies")
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="technology_code_from"),
            models.CheckConstraint(
                name="technology_period_ordered",
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_ja

    @property
    def scope(self) -> str:
        return self.scope_en if get_language() == "en" else self.scope_ja

    def in_force_on(self, day: datetime.date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def status_on(self, day: datetime.date) -> str:
        if day < self.effective_from:
            return "upcoming"
        if self.effective_to is not None and day > self.effective_to:
            return "retired"
        return "in_force"


class Country(models.Model):
    """A destination (ISO 3166-1 alpha-2); names come from pycountry's ISO data."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    prior_report_exempt = models.BooleanField(
        _("exempt from prior reports"),
        default=False,
        help_text=_(
            "By default the Group A countries (Export Trade Control Order, Appended Table 3)."
        ),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_ja
