"""Writes on reports that change no state: drafts, amendments and deadline extensions.
Every state change is in reports.lifecycle."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Country, Technology
from catalog.selectors import technology_for_code_on
from portal.models import User
from portal.selectors import organisation_members
from portal.services import audit_record, notify
from portal.text import lazy_format

from . import clock, lifecycle, limits
from .models import (
    DeadlineExtension,
    ProvisionMethod,
    Report,
    ReportRevision,
)

# Fields an exporter writes, in the order of the paper form (api.md, "Report fields").
EDITABLE_FIELDS = (
    "technology",
    "technology_scope",
    "technology_summary",
    "transaction_type",
    "counterparty_name",
    "counterparty_other_names",
    "counterparty_country",
    "counterparty_address",
    "counterparty_relationship",
    "ownership_percent",
    "planned_contract_date",
    "provision_methods",
    "management_measures",
    "contact_name",
    "contact_department",
    "contact_phone",
    "contact_email",
    "declaration",
    "late_reason",
)
# --- field handling -----------------------------------------------------------------------


def _resolve_technology(code: str, day: datetime.date | None) -> Technology | None:
    """The version of `code` in force on `day` (today without a date), else its latest."""
    found = technology_for_code_on(code, day or timezone.localdate())
    if found is None:
        found = Technology.objects.filter(code=code).order_by("-effective_from").first()
    return found


def _apply_fields(report: Report, data: dict[str, Any]) -> dict[str, list[str]]:
    """Write the given fields onto `report`; return field errors (nothing is saved here)."""
    errors: dict[str, list[str]] = {}

    def error(field: str, message: Any) -> None:
        errors.setdefault(field, []).append(str(message))

    unknown = set(data) - set(EDITABLE_FIELDS)
    for field in sorted(unknown):
        error(field, _("This field cannot be written."))
    simple = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}

    if "planned_contract_date" in simple:
        report.planned_contract_date = simple.pop("planned_contract_date") or None
    if "technology" in simple:
        code = simple.pop("technology") or ""
        if not code:
            report.technology = None
        else:
            tech = _resolve_technology(code, report.planned_contract_date)
            if tech is None:
                error("technology", _("“%(code)s” is not a notified technology.") % {"code": code})
            else:
                report.technology = tech
    elif "planned_contract_date" in data and report.technology is not None:
        # A new date may fall in another version of the same technology.
        report.technology = _resolve_technology(
            report.technology.code, report.planned_contract_date
        )
    if "counterparty_country" in simple:
        code = (simple.pop("counterparty_country") or "").upper()
        if not code:
            report.counterparty_country = None
        elif code == "JP":
            error(
                "counterparty_country",
                _("The counterparty must be abroad: Japan (JP) is not a foreign destination."),
            )
        else:
            country = Country.objects.filter(pk=code).first()
            if country is None:
                error(
                    "counterparty_country",
                    _("“%(code)s” is not an ISO 3166-1 country code.") % {"code": code},
                )
            report.counterparty_country = country
    if "provision_methods" in simple:
        methods = simple.pop("provision_methods") or []
        if not isinstance(methods, list | tuple) or not all(isinstance(m, str) for m in methods):
            error("provision_methods", _("Give a list of provision methods."))
        else:
            bad = [m for m in methods if m not in ProvisionMethod.values]
            if bad:
                error(
                    "provision_methods",
                    _("Unknown provision method: %(bad)s.") % {"bad": ", ".join(bad)},
                )
            else:
                # Keep the form's order and drop repeats.
                report.provision_methods = [m for m in ProvisionMethod.values if m in methods]
    if "ownership_percent" in simple:
        value = simple.pop("ownership_percent")
        if value in (None, ""):
            report.ownership_percent = None
        else:
            try:
                report.ownership_percent = Decimal(str(value))
            except InvalidOperation:
                error("ownership_percent", _("Enter a number between 0 and 100."))
    if "declaration" in simple:
        report.declaration = bool(simple.pop("declaration"))
    for field, value in simple.items():
        setattr(report, field, "" if value is None else value)

    try:
        report.full_clean(
            exclude=["organisation", "created_by", "status", "reference"], validate_unique=False
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                if field not in errors:
                    error(field, message)
    return errors


# --- services -----------------------------------------------------------------------------


def _require_exporter_of(report: Report, actor: User) -> None:
    from portal import roles

    if not roles.is_member_of_organisation(actor, report.organisation_id):
        raise PermissionDenied(_("Only the reporting organisation can do this."))


# --- services -----------------------------------------------------------------------------


@transaction.atomic
def report_create(*, actor: User, data: dict[str, Any]) -> Report:
    """Create a draft for the actor's organisation; partial content is allowed."""
    from portal import roles

    if not roles.is_exporter(actor):
        raise PermissionDenied(_("Only exporters file reports."))
    report = Report(organisation_id=actor.organisation_id, created_by=actor)
    if not data.get("contact_name") and not data.get("contact_email"):
        report.contact_name = actor.display_name
        report.contact_email = actor.email
    errors = _apply_fields(report, data)
    if errors:
        raise ValidationError(errors)
    report.save()
    audit_record(actor=actor, verb="report.create", target=report, payload={"fields": sorted(data)})
    return report


@transaction.atomic
def report_update_draft(*, actor: User, report_id: int, data: dict[str, Any]) -> Report:
    """Save changes to a draft (partial drafts allowed); 409 once it is submitted."""
    report = Report.objects.select_for_update().get(pk=report_id)
    lifecycle.require(report, actor, "edit_draft")
    errors = _apply_fields(report, data)
    if errors:
        raise ValidationError(errors)
    report.save()
    audit_record(actor=actor, verb="report.update", target=report, payload={"fields": sorted(data)})
    return report


@transaction.atomic
def report_amend(*, actor: User, report_id: int, data: dict[str, Any], note: str = "") -> Report:
    """File an amendment: a new revision of a submitted report; the clock does not restart."""
    report = Report.objects.select_for_update().get(pk=report_id)
    lifecycle.require(report, actor, "amend")
    if not note.strip():
        raise ValidationError({"note": [str(_("Say briefly what the amendment changes."))]})
    too_long = limits.length_errors(note=(note, limits.AMENDMENT_NOTE_MAX_LENGTH))
    if too_long:
        raise ValidationError(too_long)
    old_technology = report.technology.code if report.technology else None
    errors = _apply_fields(report, {k: v for k, v in data.items() if k != "declaration"})
    if report.technology and report.technology.code != old_technology:
        errors.setdefault("technology", []).append(
            str(_("The technology cannot be changed by an amendment: withdraw and file anew."))
        )
    if not errors:
        # Held to the submit guard on the day of receipt: a date moved to or before it makes
        # the report late, and then it needs its reason like a late filing.
        errors = lifecycle.submit_problems(report, clock.jst_date(report.received_at))
    if errors:
        raise ValidationError(errors)
    previous = report.revisions.order_by("-number").first()
    content = lifecycle.report_content(report)
    report.late = lifecycle.is_late(report)
    if previous is not None and previous.content == content:
        raise ValidationError({"note": [str(_("The amendment changes nothing."))]})
    report.revision += 1
    report.save()
    ReportRevision.objects.create(
        report=report, number=report.revision, content=content, note=note, created_by=actor
    )
    audit_record(
        actor=actor,
        verb="report.amend",
        target=report,
        payload={"revision": report.revision, "note": note},
    )
    notify(
        recipients=lifecycle.staff_to_notify(report),
        verb="report.amended",
        title=lazy_format(_("Amendment to %(reference)s"), {"reference": report.reference}),
        body=note,
        url=report.get_absolute_url(),
    )
    return report


@transaction.atomic
def report_extend_deadline(
    *, actor: User, report_id: int, new_last_day: datetime.date, reason: str
) -> Report:
    """A supervisor moves the decision deadline later, before it passes, with a reason."""
    report = Report.objects.select_for_update().get(pk=report_id)
    lifecycle.require(report, actor, "extend_deadline")
    assert report.decision_due_at is not None  # an open report has its deadline
    errors: dict[str, list[str]] = {}
    cap = lifecycle.extension_cap_days()
    latest = clock.last_day_of(report.decision_due_at) + datetime.timedelta(days=cap)
    if new_last_day > latest:
        raise ValidationError(
            {
                "new_due_date": [
                    str(
                        _("An extension may move the deadline by at most %(n)s days (to %(day)s).")
                        % {"n": cap, "day": latest.isoformat()}
                    )
                ]
            }
        )
    new_due_at = clock.end_of_day_jst(new_last_day)
    if new_due_at <= report.decision_due_at:
        errors["new_due_date"] = [
            str(_("The new date must be later than the current last day (%(day)s)."))
            % {"day": clock.last_day_of(report.decision_due_at)}
        ]
    if not reason.strip():
        errors["reason"] = [str(_("Give the reason for the extension."))]
    errors.update(limits.length_errors(reason=(reason, limits.EXTENSION_REASON_MAX_LENGTH)))
    if errors:
        raise ValidationError(errors)
    old_due_at = report.decision_due_at
    report.decision_due_at = new_due_at
    report.save(update_fields=["decision_due_at", "updated_at"])
    DeadlineExtension.objects.create(
        report=report, old_due_at=old_due_at, new_due_at=new_due_at, reason=reason, actor=actor
    )
    audit_record(
        actor=actor,
        verb="report.extend_deadline",
        target=report,
        payload={
            "before": old_due_at.isoformat(),
            "after": new_due_at.isoformat(),
            "reason": reason,
        },
    )
    notify(
        recipients=organisation_members(report.organisation_id),
        verb="report.deadline_extended",
        title=lazy_format(
            _("Decision deadline of %(reference)s extended"), {"reference": report.reference}
        ),
        body=lazy_format(
            _("The new last day for METI's decision is %(day)s. Reason: %(reason)s"),
            {"day": new_last_day.isoformat(), "reason": reason},
        ),
        url=report.get_absolute_url(),
    )
    return report
