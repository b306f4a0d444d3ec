"""Writes on reports: drafts, submit, amend, withdraw, deadline extension, and the shared
transition runner every lifecycle service (here, in dialogue and in informs) goes through."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed, has_transition_perm

from catalog.models import Country, Technology
from catalog.selectors import technology_for_code_on
from portal.errors import InvalidTransition
from portal.models import User
from portal.selectors import division_staff, organisation_members
from portal.services import audit_record, notify, sequence_next
from portal.text import by_language, lazy_format

from . import clock, limits
from .models import (
    OPEN_STATUSES,
    DeadlineExtension,
    ProvisionMethod,
    Relationship,
    Report,
    ReportRevision,
    ReportTransition,
    Status,
    TransactionType,
)

# Fields an exporter writes, in the order of the paper form (api.md, "Report fields").
EDITABLE_FIELDS = (
    "technology",
    "technology_scope",
    "technology_summary",
    "transaction_type",
    "counterparty_name",
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
REQUIRED_AT_SUBMIT = (
    "technology",
    "technology_scope",
    "technology_summary",
    "transaction_type",
    "counterparty_name",
    "counterparty_country",
    "counterparty_address",
    "counterparty_relationship",
    "planned_contract_date",
    "management_measures",
    "contact_name",
    "contact_department",
    "contact_phone",
    "contact_email",
)
OWNERSHIP_RELATIONSHIPS = (Relationship.SUBSIDIARY, Relationship.JOINT_VENTURE)
# One extension moves the deadline by at most this much; a longer delay takes another one.
MAX_EXTENSION_DAYS = 90


# --- the transition runner ----------------------------------------------------------------


def _transition_permission(report: Report, name: str):
    meta = getattr(type(report), name)._django_fsm
    return next(iter(meta.transitions.values())).permission


def apply_transition(
    *,
    report_id: int,
    actor: User | None,
    name: str,
    reason: str = "",
    details: dict | None = None,
    changes: dict[str, Any] | None = None,
) -> Report:
    """Lock the report, check role then state, run transition `name`, save, record history
    and audit. Must be called inside the calling service's transaction.atomic().

    `changes` are field values written in the same save (e.g. the assigned officer).
    Raises PermissionDenied (403) for a role that may never do this, InvalidTransition (409)
    when the current state does not allow it.
    """
    report = Report.objects.select_for_update().get(pk=report_id)
    method = getattr(report, name)
    permission = _transition_permission(report, name)
    if permission is not None and not permission(report, actor):
        raise PermissionDenied(_("You may not do this on this report."))
    allowed = has_transition_perm(method, actor)  # type: ignore[arg-type]
    if not can_proceed(method) or not allowed:
        raise InvalidTransition(report.status)
    if (
        name not in ("lapse", "submit")
        and report.status in OPEN_STATUSES
        and report.decision_due_at is not None
        and timezone.now() >= report.decision_due_at
    ):
        # Past the deadline the only outcome is the lapse (domain.md, "the clock"); the
        # sweep may not have run yet, but nobody may decide in its place.
        raise InvalidTransition(
            report.status,
            _("The decision deadline has passed: the report lapses and can no longer change."),
        )
    from_status = report.status
    method()
    for field, value in (changes or {}).items():
        setattr(report, field, value)
    report.save()
    ReportTransition.objects.create(
        report=report,
        transition=name,
        from_status=from_status,
        to_status=report.status,
        actor=actor,
        reason=reason,
        details=details or {},
    )
    audit_record(
        actor=actor,
        verb=f"report.{name}",
        target=report,
        payload={"from": from_status, "to": report.status, "reason": reason, **(details or {})},
    )
    return report


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


def submit_problems(report: Report, today: datetime.date) -> dict[str, list[str]]:
    """Everything that keeps a report from being filed, by field (empty: ready to submit)."""
    errors: dict[str, list[str]] = {}

    def error(field: str, message: Any) -> None:
        errors.setdefault(field, []).append(str(message))

    for field in REQUIRED_AT_SUBMIT:
        if getattr(report, field) in (None, "", []):
            error(field, _("This field is required to submit the report."))
    if not report.provision_methods:
        error("provision_methods", _("Choose at least one provision method."))
    if report.transaction_type == TransactionType.LICENCE_WITHOUT_GUIDANCE:
        error(
            "transaction_type",
            _(
                "A licence without direct technical guidance is not subject to prior reporting "
                "(rule LICENCE_NO_GUIDANCE), so it cannot be filed as a report."
            ),
        )
    if (
        report.counterparty_relationship in OWNERSHIP_RELATIONSHIPS
        and report.ownership_percent is None
    ):
        error(
            "ownership_percent",
            _("Give the ownership percentage for a subsidiary or a joint venture."),
        )
    if report.technology and report.planned_contract_date:
        if not report.technology.in_force_on(report.planned_contract_date):
            error(
                "technology",
                _(
                    "%(name)s is not a notified technology in force on the planned contract "
                    "date (%(date)s)."
                )
                % {"name": report.technology.name, "date": report.planned_contract_date},
            )
    if report.planned_contract_date and today >= report.planned_contract_date:
        if not report.late_reason.strip():
            error(
                "late_reason",
                _(
                    "The report is due before the contract. Explain why it is filed on or "
                    "after the planned contract date."
                ),
            )
    if not report.declaration:
        error("declaration", _("Tick the declaration to submit the report."))
    return errors


def report_content(report: Report) -> dict[str, Any]:
    """The report's filed content as plain JSON, for revisions and their comparison."""
    return {
        "technology": report.technology.code if report.technology else None,
        "technology_scope": report.technology_scope,
        "technology_summary": report.technology_summary,
        "transaction_type": report.transaction_type,
        "counterparty_name": report.counterparty_name,
        "counterparty_country": report.counterparty_country_id,
        "counterparty_address": report.counterparty_address,
        "counterparty_relationship": report.counterparty_relationship,
        "ownership_percent": (
            str(Decimal(report.ownership_percent).quantize(Decimal("0.01")))
            if report.ownership_percent is not None
            else None
        ),
        "planned_contract_date": (
            report.planned_contract_date.isoformat() if report.planned_contract_date else None
        ),
        "provision_methods": list(report.provision_methods),
        "management_measures": report.management_measures,
        "contact_name": report.contact_name,
        "contact_department": report.contact_department,
        "contact_phone": report.contact_phone,
        "contact_email": report.contact_email,
        "late_reason": report.late_reason,
    }


# --- services -----------------------------------------------------------------------------


def _require_exporter_of(report: Report, actor: User) -> None:
    from portal import roles

    if not roles.is_member_of_organisation(actor, report.organisation_id):
        raise PermissionDenied(_("Only the reporting organisation can do this."))


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
    _require_exporter_of(report, actor)
    if report.status != Status.DRAFT:
        raise InvalidTransition(
            report.status, _("Only a draft can be edited. File an amendment instead.")
        )
    errors = _apply_fields(report, data)
    if errors:
        raise ValidationError(errors)
    report.save()
    audit_record(actor=actor, verb="report.update", target=report, payload={"fields": sorted(data)})
    return report


def _report_url(report: Report) -> str:
    from django.urls import reverse

    return reverse("reports:detail", args=[report.pk])


@transaction.atomic
def report_submit(*, actor: User, report_id: int) -> Report:
    """File a draft: reference, receipt time, decision deadline; notify the division."""
    report = Report.objects.select_for_update().get(pk=report_id)
    _require_exporter_of(report, actor)
    if report.status != Status.DRAFT:
        raise InvalidTransition(report.status, _("This report has already been submitted."))
    now = timezone.now()
    problems = submit_problems(report, clock.jst_date(now))
    if problems:
        raise ValidationError(problems)
    year = clock.jst_date(now).year
    number = sequence_next(key=f"PR-{year}")
    assert report.technology is not None and report.planned_contract_date is not None
    report = apply_transition(
        report_id=report.pk,
        actor=actor,
        name="submit",
        changes={
            "reference": f"PR-{year}-{number:06d}",
            "received_at": now,
            "decision_due_at": clock.decision_due_at_for(now),
            "late": clock.jst_date(now) >= report.planned_contract_date,
            "responsible_division_id": report.technology.division_id,
            "revision": 1,
        },
    )
    ReportRevision.objects.create(
        report=report, number=1, content=report_content(report), created_by=actor
    )
    assert report.technology is not None and report.decision_due_at is not None
    notify(
        recipients=division_staff(report.responsible_division_id),
        verb="report.submitted",
        title=lazy_format(_("New prior report %(reference)s"), {"reference": report.reference}),
        body=lazy_format(
            _("%(org)s filed a prior report on %(technology)s. Decision due by %(due)s."),
            {
                "org": by_language(report.organisation.name_ja, report.organisation.name_en),
                "technology": by_language(report.technology.name_ja, report.technology.name_en),
                "due": clock.last_day_of(report.decision_due_at),
            },
        ),
        url=_report_url(report),
    )
    return report


@transaction.atomic
def report_amend(*, actor: User, report_id: int, data: dict[str, Any], note: str = "") -> Report:
    """File an amendment: a new revision of a submitted report; the clock does not restart."""
    report = Report.objects.select_for_update().get(pk=report_id)
    _require_exporter_of(report, actor)
    if report.status not in (Status.SUBMITTED, Status.UNDER_DIALOGUE):
        raise InvalidTransition(
            report.status, _("An amendment can be filed only while the report is under review.")
        )
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
        errors = submit_problems(report, report.received_at.astimezone(clock.JST).date())
    if errors:
        raise ValidationError(errors)
    previous = report.revisions.order_by("-number").first()
    content = report_content(report)
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
    recipients = (
        [report.assigned_officer]
        if report.assigned_officer
        else division_staff(report.responsible_division_id)
    )
    notify(
        recipients=recipients,
        verb="report.amended",
        title=lazy_format(_("Amendment to %(reference)s"), {"reference": report.reference}),
        body=note,
        url=_report_url(report),
    )
    return report


@transaction.atomic
def report_withdraw(*, actor: User, report_id: int, reason: str = "") -> Report:
    """Withdraw a draft or a report under review; a reason is required once submitted."""
    report = Report.objects.select_for_update().get(pk=report_id)
    _require_exporter_of(report, actor)
    if report.status in (Status.SUBMITTED, Status.UNDER_DIALOGUE) and not reason.strip():
        raise ValidationError({"reason": [str(_("Give the reason for withdrawing."))]})
    too_long = limits.length_errors(reason=(reason, limits.WITHDRAWAL_REASON_MAX_LENGTH))
    if too_long:
        raise ValidationError(too_long)
    was_filed = report.status != Status.DRAFT
    report = apply_transition(
        report_id=report.pk,
        actor=actor,
        name="withdraw",
        reason=reason,
        changes={"withdrawal_reason": reason, "closed_at": timezone.now()},
    )
    if was_filed:
        notify(
            recipients=division_staff(report.responsible_division_id),
            verb="report.withdrawn",
            title=lazy_format(_("%(reference)s was withdrawn"), {"reference": report.reference}),
            body=reason,
            url=_report_url(report),
        )
    return report


@transaction.atomic
def report_extend_deadline(
    *, actor: User, report_id: int, new_last_day: datetime.date, reason: str
) -> Report:
    """A supervisor moves the decision deadline later, before it passes, with a reason."""
    from portal import roles

    report = Report.objects.select_for_update().get(pk=report_id)
    if not roles.is_supervisor_of_division(actor, report.responsible_division_id):
        raise PermissionDenied(_("Only a supervisor of the responsible division can extend."))
    now = timezone.now()
    if report.status not in (Status.SUBMITTED, Status.UNDER_DIALOGUE, Status.INFORM_PROPOSED):
        raise InvalidTransition(report.status, _("Only an open report's deadline can be extended."))
    assert report.decision_due_at is not None
    if now >= report.decision_due_at:
        raise InvalidTransition(
            report.status, _("The deadline has passed; it can no longer be extended.")
        )
    errors: dict[str, list[str]] = {}
    latest = clock.last_day_of(report.decision_due_at) + datetime.timedelta(days=MAX_EXTENSION_DAYS)
    if new_last_day > latest:
        raise ValidationError(
            {
                "new_due_date": [
                    str(
                        _("An extension may move the deadline by at most %(n)s days (to %(day)s).")
                        % {"n": MAX_EXTENSION_DAYS, "day": latest.isoformat()}
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
        url=_report_url(report),
    )
    return report


def lapse_locked_reports(reports: list[Report], now: datetime.datetime) -> list[Report]:
    """Lapse open reports whose rows the caller holds locked (the clock, actor `system`).

    Runs the `lapse` transition of the state machine on each, then writes the batch with a
    few set-based queries (history, audit, notifications) so that a sweep's cost follows the
    number of reports due. Reports no longer open are left alone.
    """
    from portal.models import Role
    from portal.models import User as UserModel
    from portal.services import audit_record_many, notify_many

    lapsed: list[Report] = []
    history: list[ReportTransition] = []
    for report in reports:
        clock_may = has_transition_perm(report.lapse, None)  # type: ignore[arg-type]
        if not (can_proceed(report.lapse) and clock_may):
            continue
        from_status = report.status
        report.lapse()
        report.closed_at = now
        report.updated_at = now
        lapsed.append(report)
        history.append(
            ReportTransition(
                report=report,
                transition="lapse",
                from_status=from_status,
                to_status=report.status,
                actor=None,
            )
        )
    if not lapsed:
        return lapsed
    Report.objects.bulk_update(lapsed, ["status", "closed_at", "updated_at"])
    ReportTransition.objects.bulk_create(history)
    audit_record_many(
        actor=None,
        verb="report.lapse",
        entries=[
            (r, {"from": h.from_status, "to": r.status})
            for r, h in zip(lapsed, history, strict=True)
        ],
    )
    # Everyone to tell, fetched once for the whole batch.
    people = UserModel.objects.filter(is_active=True).filter(
        models.Q(role=Role.EXPORTER, organisation_id__in={r.organisation_id for r in lapsed})
        | models.Q(
            role__in=[Role.OFFICER, Role.SUPERVISOR],
            division_id__in={r.responsible_division_id for r in lapsed},
        )
    )
    members: dict[int | None, list] = {}
    supervisors: dict[int | None, list] = {}
    officers: dict[int | None, list] = {}
    by_id = {}
    for person in people:
        by_id[person.pk] = person
        if person.role == Role.EXPORTER:
            members.setdefault(person.organisation_id, []).append(person)
        elif person.role == Role.SUPERVISOR:
            supervisors.setdefault(person.division_id, []).append(person)
        else:
            officers.setdefault(person.division_id, []).append(person)
    messages = []
    for report in lapsed:
        url = _report_url(report)
        messages.append(
            {
                "recipients": members.get(report.organisation_id, []),
                "verb": "report.lapsed",
                "title": lazy_format(
                    _("%(reference)s: no inform was issued in time"),
                    {"reference": report.reference},
                ),
                "body": _(
                    "METI did not issue an inform within the decision period. Your reporting "
                    "obligation for this transaction is met and the contract may proceed."
                ),
                "url": url,
            }
        )
        division = report.responsible_division_id
        staff = list(supervisors.get(division, []))
        if report.assigned_officer_id in by_id:
            staff.append(by_id[report.assigned_officer_id])
        else:
            staff.extend(officers.get(division, []))
        messages.append(
            {
                "recipients": staff,
                "verb": "report.lapsed",
                "title": lazy_format(
                    _("%(reference)s lapsed at its deadline"), {"reference": report.reference}
                ),
                "body": _(
                    "No decision was recorded before the deadline; the report is now closed."
                ),
                "url": url,
            }
        )
    notify_many(messages)
    return lapsed


def report_lapse(*, report_id: int, now: datetime.datetime) -> Report | None:
    """The clock closes one open report whose deadline has passed (actor `system`).

    Returns None when someone decided first or the deadline moved: the row is re-read under
    lock, so a lapse racing an officer's or supervisor's action gives exactly one outcome.
    """
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.status not in OPEN_STATUSES:
            return None
        if report.decision_due_at is None or report.decision_due_at > now:
            return None
        lapsed = lapse_locked_reports([report], now)
        return lapsed[0] if lapsed else None
