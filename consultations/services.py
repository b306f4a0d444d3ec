"""Writes on consultations: opening, messages and files, transfer, linking reports, the general
desk and the reminder sweep. Closing, the one state change, is in consultations.lifecycle."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Country, Technology
from catalog.selectors import technology_for_code_on
from dialogue import threads
from dialogue.models import EXPORTER_KINDS, Attachment, Message, MessageKind
from portal import roles, workdays
from portal.models import Division, Role, User
from portal.selectors import division_staff, organisation_members
from portal.services import audit_record, notify, notify_many, sequence_next
from portal.text import by_language, lazy_format
from reports import services as report_services
from reports.limits import TECHNOLOGY_SUMMARY_MAX_LENGTH, length_errors
from reports.models import Report

from . import lifecycle
from .models import (
    DESCRIPTION_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    TRANSFER_REASON_MAX_LENGTH,
    Consultation,
    ConsultationReminder,
    ConsultationReport,
    GeneralDesk,
    Status,
)


def reminder_working_days() -> int:
    """After how many working days without an answer the division is reminded."""
    return int(settings.CONSULTATION_REMINDER_WORKING_DAYS)


def _division_name(division: Division) -> Any:
    return by_language(division.name_ja, division.name_en)


# --- opening ------------------------------------------------------------------------------------


def _resolve_technology(code: str, day: datetime.date | None) -> Technology | None:
    """The version of `code` in force on `day` (today without one), else its latest."""
    found = technology_for_code_on(code, day or timezone.localdate())
    if found is None:
        found = Technology.objects.filter(code=code).order_by("-effective_from").first()
    return found


@transaction.atomic
def consultation_create(
    *,
    actor: User,
    subject: str,
    description: str,
    technology: str = "",
    counterparty_country: str = "",
    planned_contract_date: datetime.date | None = None,
) -> Consultation:
    """A company opens a consultation; it goes to the technology's division, or to the general
    desk when no technology is named."""
    if not roles.is_exporter(actor):
        raise PermissionDenied(_("Only companies open consultations."))
    subject, description = (subject or "").strip(), (description or "").strip()
    errors: dict[str, list[Any]] = {}
    if not subject:
        errors["subject"] = [_("Give the consultation a subject.")]
    if not description:
        errors["description"] = [_("Describe the planned transfer.")]
    errors.update(
        length_errors(
            subject=(subject, SUBJECT_MAX_LENGTH), description=(description, DESCRIPTION_MAX_LENGTH)
        )
    )
    tech = None
    if technology:
        tech = _resolve_technology(technology, planned_contract_date)
        if tech is None:
            errors["technology"] = [
                _("“%(code)s” is not a notified technology.") % {"code": technology[:40]}
            ]
    country = None
    code = (counterparty_country or "").upper()
    if code == "JP":
        errors["counterparty_country"] = [
            _("The counterparty must be abroad: Japan (JP) is not a foreign destination.")
        ]
    elif code:
        country = Country.objects.filter(pk=code).first()
        if country is None:
            errors["counterparty_country"] = [
                _("“%(code)s” is not an ISO 3166-1 country code.") % {"code": code[:40]}
            ]
    division_id = tech.division_id if tech is not None else None
    if division_id is None and "technology" not in errors:
        desk = GeneralDesk.objects.first()
        if desk is None:
            errors["technology"] = [
                _("Choose the technology: no general consultation desk is set up yet.")
            ]
        else:
            division_id = desk.division_id
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    year = workdays.jst_date(now).year
    consultation = Consultation(
        reference=f"CS-{year}-{sequence_next(key=f'CS-{year}'):05d}",
        organisation_id=actor.organisation_id,
        created_by=actor,
        subject=subject,
        description=description,
        technology=tech,
        counterparty_country=country,
        planned_contract_date=planned_contract_date,
        responsible_division_id=division_id,
        # The company's question is itself waiting for METI's first answer.
        awaiting_reply_since=now,
        thread=threads.thread_create(),
    )
    consultation.save()
    lifecycle.history_record(
        consultation=consultation,
        actor=actor,
        name="open",
        from_status="",
        details={
            "division": consultation.responsible_division.code,
            "technology": tech.code if tech else None,
        },
    )
    notify(
        recipients=division_staff(division_id),
        verb="consultation.opened",
        title=lazy_format(
            _("New consultation %(reference)s"), {"reference": consultation.reference}
        ),
        body=lazy_format(
            _("%(org)s asks for an early consultation. Sign in to the portal to read it."),
            {
                "org": by_language(
                    consultation.organisation.name_ja, consultation.organisation.name_en
                )
            },
        ),
        url=consultation.get_absolute_url(),
    )
    return consultation


# --- messages and files -------------------------------------------------------------------------


def allowed_kinds(user: User) -> frozenset[str]:
    """What this user may post: companies questions and answers, METI every kind."""
    if roles.is_meti_staff(user):
        return frozenset(MessageKind.values)
    return frozenset(EXPORTER_KINDS)


def _notify_other_side(
    *, consultation: Consultation, author: User, verb: str, title: Any, body: Any
) -> None:
    if roles.is_meti_staff(author):
        recipients: Any = organisation_members(consultation.organisation_id)
    else:
        recipients = division_staff(consultation.responsible_division_id)
    notify(
        recipients=recipients,
        verb=verb,
        title=title,
        body=body,
        url=consultation.get_absolute_url(),
        exclude=author,
    )


def consultation_post_message(
    *,
    actor: User,
    consultation_id: int,
    kind: str,
    body: str,
    files: Sequence[UploadedFile] = (),
) -> Message:
    """Post to the consultation's thread; keeps who is waiting for whom, tells the other side."""
    with transaction.atomic():
        consultation = lifecycle.lock(consultation_id)
        lifecycle.require_actor(consultation, actor, "discuss")
        if kind not in MessageKind.values:
            raise ValidationError({"kind": [_("Choose a kind of message.")]})
        lifecycle.require(consultation, actor, "discuss")
        message = threads.thread_post(
            thread=consultation.thread,
            actor=actor,
            kind=kind,
            body=body,
            files=files,
            allowed_kinds=allowed_kinds(actor),
            audit_target=consultation,
        )
        if kind == MessageKind.INTERNAL_NOTE:
            return message  # inside METI: nobody waits, nobody outside hears of it
        if roles.is_meti_staff(actor):
            consultation.awaiting_reply_since = None
        elif consultation.awaiting_reply_since is None:
            consultation.awaiting_reply_since = message.created_at
        consultation.save(update_fields=["awaiting_reply_since", "updated_at"])
        # Only the kind goes out: what was written stays in the portal, not in mailboxes.
        _notify_other_side(
            consultation=consultation,
            author=actor,
            verb="consultation.message",
            title=lazy_format(
                _("New message on consultation %(reference)s"),
                {"reference": consultation.reference},
            ),
            body=lazy_format(
                _("%(author)s posted a message (%(kind)s). Sign in to the portal to read it."),
                {"author": actor.display_name, "kind": MessageKind(kind).label},
            ),
        )
    return message


def consultation_attach(
    *, actor: User, consultation_id: int, file: UploadedFile, message_id: int | None = None
) -> Attachment:
    """Add a file to the consultation, or to one of the actor's own messages on it."""
    with transaction.atomic():
        consultation = lifecycle.lock(consultation_id)
        lifecycle.require(consultation, actor, "discuss")
        attachment = threads.thread_attach(
            thread=consultation.thread,
            actor=actor,
            file=file,
            audit_target=consultation,
            message_id=message_id,
        )
        if not attachment.is_internal:
            _notify_other_side(
                consultation=consultation,
                author=actor,
                verb="consultation.attachment",
                title=lazy_format(
                    _("New file on consultation %(reference)s"),
                    {"reference": consultation.reference},
                ),
                body=lazy_format(
                    _("%(author)s added a file. Sign in to the portal to download it."),
                    {"author": actor.display_name},
                ),
            )
    return attachment


# --- transfer -----------------------------------------------------------------------------------


@transaction.atomic
def consultation_transfer(
    *, actor: User, consultation_id: int, division_id: Any, reason: str
) -> Consultation:
    """An officer hands the consultation to another division, with a reason."""
    consultation = lifecycle.lock(consultation_id)
    lifecycle.require(consultation, actor, "transfer")
    reason = (reason or "").strip()
    errors: dict[str, list[Any]] = {}
    try:
        target = Division.objects.filter(pk=int(division_id)).first()
    except (TypeError, ValueError):
        target = None
    if target is None:
        errors["division"] = [_("Choose the division to transfer the consultation to.")]
    elif target.pk == consultation.responsible_division_id:
        errors["division"] = [_("The consultation is already with this division.")]
    if not reason:
        errors["reason"] = [_("Give the reason for the transfer.")]
    errors.update(length_errors(reason=(reason, TRANSFER_REASON_MAX_LENGTH)))
    if errors:
        raise ValidationError(errors)
    assert target is not None
    previous = consultation.responsible_division
    consultation.responsible_division = target
    consultation.save(update_fields=["responsible_division", "updated_at"])
    lifecycle.history_record(
        consultation=consultation,
        actor=actor,
        name="transfer",
        from_status=consultation.status,
        reason=reason,
        details={"from_division": previous.code, "to_division": target.code},
    )
    notify_many(
        [
            {
                "recipients": division_staff(target.pk),
                "verb": "consultation.transferred",
                "title": lazy_format(
                    _("Consultation %(reference)s was transferred to your division"),
                    {"reference": consultation.reference},
                ),
                "body": lazy_format(
                    _("%(officer)s (%(division)s) transferred it to you."),
                    {"officer": actor.display_name, "division": _division_name(previous)},
                ),
                "url": consultation.get_absolute_url(),
            },
            {
                "recipients": organisation_members(consultation.organisation_id),
                "verb": "consultation.transferred",
                "title": lazy_format(
                    _("Your consultation %(reference)s is now with %(division)s"),
                    {"reference": consultation.reference, "division": _division_name(target)},
                ),
                "body": _("The division that handles it has changed."),
                "url": consultation.get_absolute_url(),
            },
        ]
    )
    return consultation


# --- reports ------------------------------------------------------------------------------------


def _link(*, consultation: Consultation, report: Report, actor: User, verb: str) -> None:
    ConsultationReport.objects.create(consultation=consultation, report=report, linked_by=actor)
    audit_record(
        actor=actor,
        verb=verb,
        target=consultation,
        payload={"report": report.pk, "reference": report.reference},
    )
    notify(
        recipients=division_staff(consultation.responsible_division_id),
        verb="consultation.report_linked",
        title=lazy_format(
            _("A report was linked to consultation %(reference)s"),
            {"reference": consultation.reference},
        ),
        body=_("The company linked a prior report to the consultation."),
        url=consultation.get_absolute_url(),
    )


@transaction.atomic
def consultation_file_report(*, actor: User, consultation_id: int) -> Report:
    """Start the prior report from a consultation: a draft with what the consultation knows,
    linked to it."""
    consultation = lifecycle.lock(consultation_id)
    lifecycle.require(consultation, actor, "file_report")
    data: dict[str, Any] = {}
    if consultation.technology_id is not None:
        data["technology"] = consultation.technology.code
    if consultation.counterparty_country_id:
        data["counterparty_country"] = consultation.counterparty_country_id
    if consultation.planned_contract_date:
        data["planned_contract_date"] = consultation.planned_contract_date
    if len(consultation.description) <= TECHNOLOGY_SUMMARY_MAX_LENGTH:
        data["technology_summary"] = consultation.description
    report = report_services.report_create(actor=actor, data=data)
    _link(consultation=consultation, report=report, actor=actor, verb="consultation.file_report")
    return report


@transaction.atomic
def consultation_link_report(*, actor: User, consultation_id: int, report_id: Any) -> Report:
    """Link one of the organisation's reports to the consultation."""
    consultation = lifecycle.lock(consultation_id)
    lifecycle.require(consultation, actor, "link_report")
    try:
        report = Report.objects.filter(
            pk=int(report_id), organisation_id=consultation.organisation_id
        ).first()
    except (TypeError, ValueError):
        report = None
    if report is None:
        # The same answer for another organisation's report as for none: nothing leaks.
        raise ValidationError({"report": [_("Choose one of your organisation's reports.")]})
    if ConsultationReport.objects.filter(consultation=consultation, report=report).exists():
        raise ValidationError({"report": [_("This report is already linked.")]})
    _link(consultation=consultation, report=report, actor=actor, verb="consultation.link_report")
    return report


# --- the general desk ---------------------------------------------------------------------------


@transaction.atomic
def general_desk_set(*, actor: User, division_id: Any) -> GeneralDesk:
    """An administrator names the division that takes consultations without a technology."""
    if not roles.is_administrator(actor):
        raise PermissionDenied(_("Only administrators change the general desk."))
    try:
        division = Division.objects.filter(pk=int(division_id)).first()
    except (TypeError, ValueError):
        division = None
    if division is None:
        raise ValidationError({"division": [_("Choose a division.")]})
    desk = GeneralDesk.objects.select_for_update().filter(pk=1).first()
    before = desk.division.code if desk else None
    desk, _created = GeneralDesk.objects.update_or_create(pk=1, defaults={"division": division})
    audit_record(
        actor=actor,
        verb="consultation.general_desk",
        target=desk,
        payload={"before": before, "after": division.code},
    )
    return desk


# --- the reminder sweep -------------------------------------------------------------------------


@transaction.atomic
def consultations_remind(*, now: datetime.datetime | None = None) -> int:
    """Remind each division of its consultations whose company has waited more than the
    configured working days for an answer; once per wait and division, so safe to run twice
    or at once (claimed rows are skipped by a concurrent run)."""
    now = now or timezone.now()
    days = reminder_working_days()
    cutoff = workdays.more_than_working_days_cutoff(now, days)
    waiting = list(
        Consultation.objects.select_for_update(skip_locked=True)
        .filter(status=Status.OPEN, awaiting_reply_since__lt=cutoff)
        .order_by("awaiting_reply_since", "id")
        .only("id", "reference", "responsible_division_id", "awaiting_reply_since")
    )
    if not waiting:
        return 0
    done = set(
        ConsultationReminder.objects.filter(consultation__in=waiting).values_list(
            "consultation_id", "division_id", "awaiting_since"
        )
    )
    due = [
        c for c in waiting if (c.pk, c.responsible_division_id, c.awaiting_reply_since) not in done
    ]
    if not due:
        return 0
    ConsultationReminder.objects.bulk_create(
        [
            ConsultationReminder(
                consultation=c,
                division_id=c.responsible_division_id,
                awaiting_since=c.awaiting_reply_since,
            )
            for c in due
        ]
    )
    staff: dict[int | None, list[User]] = {}
    for person in User.objects.filter(
        is_active=True,
        role__in=[Role.OFFICER, Role.SUPERVISOR],
        division_id__in={c.responsible_division_id for c in due},
    ):
        staff.setdefault(person.division_id, []).append(person)
    notify_many(
        [
            {
                "recipients": staff.get(c.responsible_division_id, []),
                "verb": "consultation.reminder",
                "title": lazy_format(
                    _("Consultation %(reference)s is waiting for an answer"),
                    {"reference": c.reference},
                ),
                "body": lazy_format(
                    _(
                        "The company has waited more than %(days)s working days for METI's "
                        "answer (since %(since)s)."
                    ),
                    {
                        "days": days,
                        "since": workdays.jst_date(c.awaiting_reply_since).isoformat(),
                    },
                ),
                "url": c.get_absolute_url(),
            }
            for c in due
        ]
    )
    return len(due)
