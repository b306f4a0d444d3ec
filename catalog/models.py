"""The catalog: notified technologies (重要管理対象技術), transaction types and exclusion rules,
each with effective dates, and destination countries."""

from __future__ import annotations

import datetime
from typing import Self

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.models import Division

from .rules import EXCLUSION_RULE_CODES, TRANSACTION_TYPE_RULES, RuleCode, choices_of


class Category(models.TextChoices):
    ELECTRONIC_COMPONENTS = "electronic_components", _("Electronic components")
    FIBERS = "fibers", _("Fibers")
    SEMICONDUCTOR_MATERIALS = "semiconductor_materials", _("Semiconductor materials")
    ELECTRON_MICROSCOPES = "electron_microscopes", _("Electron microscopes")
    OTHER = "other", _("Other")


class InForceQuerySet(models.QuerySet):
    def in_force_on(self, day: datetime.date) -> Self:
        return self.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=day), effective_from__lte=day
        )

    def upcoming(self, today: datetime.date | None = None) -> Self:
        return self.filter(effective_from__gt=today or timezone.localdate())

    def offered(self, today: datetime.date | None = None) -> Self:
        """In force today, or announced for a later day (what screening and forms offer)."""
        today = today or timezone.localdate()
        return self.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))


class InForcePeriod(models.Model):
    """A catalog entry in force from `effective_from` to `effective_to` (the last day, inclusive;
    empty: open-ended). Entries with the same code are its versions, never in force on the same
    day (checked by catalog.services). Each kind of entry declares its own `code`."""

    code = models.CharField(_("code"), max_length=60)
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until (last day)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InForceQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="%(class)s_code_from"),
            models.CheckConstraint(
                name="%(class)s_period_ordered",
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
            ),
        ]

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


def _in_language(ja: str, en: str) -> str:
    return en if get_language() == "en" else ja


class Technology(InForcePeriod):
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

    class Meta(InForcePeriod.Meta):
        ordering = ["effective_from", "id"]
        verbose_name = _("notified technology")
        verbose_name_plural = _("notified technologies")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def name(self) -> str:
        return _in_language(self.name_ja, self.name_en)

    @property
    def scope(self) -> str:
        return _in_language(self.scope_ja, self.scope_en)


class TransactionType(InForcePeriod):
    """One version of a transaction type (取引の行為類型). The seed limits reporting to transfers
    that enable manufacturing or product development abroad "for the time being" and says the
    types will be reviewed as cases arise (今後…見直し), so they are data, not code.

    Reports store the code (api.md), so a code is never changed; a new version changes the
    names or whether the type is reportable from a date.
    """

    code = models.SlugField(
        _("code"),
        max_length=40,
        help_text=_("Lower-case letters, digits and underscores, e.g. subsidiary_transfer."),
    )
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    reportable = models.BooleanField(
        _("must be reported"),
        default=True,
        help_text=_(
            "Transactions of this type need a prior report when no other rule excludes them."
        ),
    )
    exclusion_rule = models.CharField(
        _("rule when not reportable"),
        max_length=40,
        choices=choices_of(TRANSACTION_TYPE_RULES),
        default=RuleCode.TRANSACTION_TYPE,
        help_text=_("The rule screening names for a type that does not need a report."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Position in the lists of the forms.")
    )

    class Meta(InForcePeriod.Meta):
        ordering = ["order", "code", "effective_from"]
        verbose_name = _("transaction type")
        verbose_name_plural = _("transaction types")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def name(self) -> str:
        return _in_language(self.name_ja, self.name_en)

    @property
    def rule(self) -> RuleCode:
        """The rule screening names for this type: TRANSACTION_TYPE when it is reportable."""
        if self.reportable:
            return RuleCode.TRANSACTION_TYPE
        return RuleCode(self.exclusion_rule)


class ExclusionRule(InForcePeriod):
    """One version of a rule that takes a transaction out of the scheme (domain.md). The
    secondary ones must stay data, so administrators add and retire every exclusion by date;
    screening applies a rule only on the days it is in force."""

    code = models.CharField(_("rule"), max_length=40, choices=choices_of(EXCLUSION_RULE_CODES))
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    question_ja = models.CharField(
        _("question (Japanese)"),
        max_length=300,
        blank=True,
        help_text=_("For a rule screening asks about: a yes/no question, where yes excludes."),
    )
    question_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("Where the rule comes from: the seed document, a notice, a commentary."),
    )

    class Meta(InForcePeriod.Meta):
        ordering = ["code", "effective_from"]
        verbose_name = _("exclusion rule")
        verbose_name_plural = _("exclusion rules")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def name(self) -> str:
        return _in_language(self.name_ja, self.name_en)

    @property
    def description(self) -> str:
        return _in_language(self.description_ja, self.description_en)

    @property
    def question(self) -> str:
        return _in_language(self.question_ja, self.question_en)


class Country(models.Model):
    """A destination (ISO 3166-1 alpha-2); names come from pycountry's ISO data, corrected to
    Japanese official usage by fixtures/countries.json (with readings and other names)."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    # In katakana: lists in Japanese are in 五十音 order of the reading (catalog.kana).
    name_ja_reading = models.CharField(_("reading (Japanese)"), max_length=200, blank=True)
    # Other names people type for it (韓国 for 大韓民国, UK, USA): the country picker accepts them.
    aliases = models.JSONField(_("other names"), default=list, blank=True)
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
        return _in_language(self.name_ja, self.name_en)
