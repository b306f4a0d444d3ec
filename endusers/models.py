"""METI's End User List (外国ユーザーリスト) as data: its versions and entries, and the candidate
matches of reports' counterparties against it with their adjudication."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

REASON_MAX_LENGTH = 2000


class VersionStatus(models.TextChoices):
    # Uploaded and parsed, shown to the administrator as a preview; not yet used for screening.
    PREVIEW = "preview", _("Preview (not applied)")
    APPLIED = "applied", _("Applied")
    DISCARDED = "discarded", _("Discarded")


class ListVersion(models.Model):
    """One upload of the list. The version in force is the applied one with the highest number;
    every version stays, with its parsed rows, the file's name and digest, who and when."""

    status = models.CharField(
        _("status"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.PREVIEW
    )
    # Given when applied, one more than the last applied version (gap-free, under a row lock).
    number = models.PositiveIntegerField(_("version"), null=True, blank=True, unique=True)
    source_name = models.CharField(_("file name"), max_length=255)
    source_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    # The rows the importer could not read: [{"row": n, "message": "..."}].
    problems = models.JSONField(_("unreadable rows"), default=list, blank=True)
    entry_count = models.PositiveIntegerField(_("entries"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    # What applying it changed against the version then in force: {"added", "removed", "changed"}.
    change_counts = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("End User List version")
        verbose_name_plural = _("End User List versions")
        indexes = [
            # The version in force: the applied one with the highest number.
            models.Index(
                fields=["-number"],
                name="enduser_version_applied",
                condition=models.Q(status="applied"),
            ),
        ]

    def __str__(self) -> str:
        if self.number:
            return f"End User List v{self.number}"
        return f"End User List upload #{self.pk}"


class Entry(models.Model):
    """One company or organisation on one version of the list."""

    version = models.ForeignKey(ListVersion, on_delete=models.CASCADE, related_name="entries")
    row_number = models.PositiveIntegerField(_("row"))
    country = models.ForeignKey(
        "catalog.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("company or organisation"), max_length=500)
    aka_names = models.JSONField(_("also known as"), default=list, blank=True)
    concern = models.CharField(_("type of concern"), max_length=200, blank=True)
    # endusers.normalise.normalise_name of the name and of each also-known-as name, in that
    # order, computed at import so that screening compares without normalising the list again.
    normalised_names = models.JSONField(default=list)
    # normalise_name(name) and the country: what identifies the entry from one version to the
    # next, for the differences shown before a version is applied.
    key = models.CharField(max_length=600)

    class Meta:
        ordering = ["version", "row_number"]
        verbose_name = _("End User List entry")
        verbose_name_plural = _("End User List entries")
        indexes = [
            # Screening loads one version's entries for the countries of the reports screened.
            models.Index(fields=["version", "country"], name="enduser_entry_version_country"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country_id})"


class ScreeningRun(models.Model):
    """A report's counterparty was screened against a version: the mark that makes screening
    idempotent, and lets the sweep find open reports not yet screened against the version in
    force, or whose counterparty was amended since (another name or country, another digest)."""

    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(ListVersion, on_delete=models.PROTECT, related_name="+")
    # md5 of the counterparty's country, name and other names as screened
    # (endusers.screening.names_digest).
    names_digest = models.CharField(max_length=32)
    # The screening call that made the mark: the claim reads back its own marks by it.
    claim = models.UUIDField(null=True, blank=True, editable=False)
    screened_at = models.DateTimeField(auto_now_add=True)
    match_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "report", "names_digest"], name="enduser_screened_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.version_id}"


class Adjudication(models.TextChoices):
    PENDING = "pending", _("Not yet adjudicated")
    TRUE_MATCH = "true_match", _("True match")
    FALSE_MATCH = "false_match", _("False match")


class Match(models.Model):
    """A candidate: the report's counterparty is like an entry of a version of the list.
    Officers of the responsible division adjudicate it; exporters never see it."""

    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="end_user_matches"
    )
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="matches")
    version = models.ForeignKey(ListVersion, on_delete=models.PROTECT, related_name="matches")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    # Which of the report's names matched which of the entry's (as written).
    counterparty_name = models.CharField(_("counterparty name"), max_length=500)
    entry_name = models.CharField(_("name on the list"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    decision = models.CharField(
        _("adjudication"),
        max_length=20,
        choices=Adjudication.choices,
        default=Adjudication.PENDING,
    )
    reason = models.TextField(
        _("reason"),
        blank=True,
        max_length=REASON_MAX_LENGTH,
        validators=[MaxLengthValidator(REASON_MAX_LENGTH)],
    )
    adjudicated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    adjudicated_at = models.DateTimeField(_("adjudicated at"), null=True, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("End User List match")
        verbose_name_plural = _("End User List matches")
        constraints = [
            # Screening twice (a retried task, a sweep after the on-submit screen) adds nothing.
            models.UniqueConstraint(
                fields=["report", "entry", "version"], name="enduser_match_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id} ~ {self.entry_id} ({self.score})"
