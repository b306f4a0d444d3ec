"""Inform proposals and issued informs (インフォーム): the notice that a transfer needs a licence."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import limits


class InformStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ISSUED = "issued", _("Issued")
    RETURNED = "returned", _("Returned")


class Inform(models.Model):
    """One inform proposal; it becomes the issued inform once a second supervisor approves it.

    Returned proposals are kept as history. A proposal whose report lapsed stays `proposed`
    (it was never decided) but can no longer be approved: the report is no longer
    `inform_proposed`.
    """

    report = models.ForeignKey(
        "reports.Report",
        verbose_name=_("report"),
        on_delete=models.PROTECT,
        related_name="informs",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InformStatus.choices,
        default=InformStatus.PROPOSED,
    )
    # Given only at issue, from a gap-free yearly sequence: INF-<JST year>-<4 digits>.
    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True)
    grounds = models.TextField(
        _("grounds"),
        max_length=limits.GROUNDS_MAX_LENGTH,
        validators=[MaxLengthValidator(limits.GROUNDS_MAX_LENGTH)],
    )
    licence_conditions = models.JSONField(
        _("licence conditions"),
        default=list,
        blank=True,
        validators=[limits.validate_licence_conditions],
    )
    # Copied at proposal so that a later change of the setting does not rewrite old notices.
    legal_basis = models.TextField(_("legal basis"))

    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.TextField(
        _("reason for returning"),
        max_length=limits.RETURN_REASON_MAX_LENGTH,
        blank=True,
        validators=[MaxLengthValidator(limits.RETURN_REASON_MAX_LENGTH)],
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        ordering = ["proposed_at", "id"]
        verbose_name = _("inform")
        verbose_name_plural = _("informs")
        # No index on status alone: the open proposal of a report, and the supervisors' page
        # (informs.selectors.proposals_for_supervisor, reports by deadline first), use the
        # partial unique index of inform_one_proposed_per_report; issued informs are found
        # through their report.
        constraints = [
            # At most one open proposal and one issued inform per report, even under races.
            models.UniqueConstraint(
                fields=["report"],
                condition=models.Q(status="proposed"),
                name="inform_one_proposed_per_report",
            ),
            models.UniqueConstraint(
                fields=["report"],
                condition=models.Q(status="issued"),
                name="inform_one_issued_per_report",
            ),
            # Never a half-written inform: a number, an approver and an issue time exactly
            # when issued.
            models.CheckConstraint(
                name="inform_issued_has_number",
                condition=(
                    models.Q(
                        status="issued",
                        number__isnull=False,
                        issued_at__isnull=False,
                        approved_by__isnull=False,
                    )
                    | (
                        ~models.Q(status="issued")
                        & models.Q(number__isnull=True, issued_at__isnull=True)
                    )
                ),
            ),
            models.CheckConstraint(
                name="inform_returned_has_reason",
                condition=~models.Q(status="returned")
                | models.Q(returned_at__isnull=False, returned_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"inform proposal #{self.pk}"

    @property
    def is_issued(self) -> bool:
        return self.status == InformStatus.ISSUED
