"""Writes on compliance cases: opening one, every transition of compliance.lifecycle, the
case's thread, and the legal-basis wording of the notices."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Technology
from dialogue import threads
from dialogue.models import EXPORTER_KINDS, Attachment, Message, MessageKind
from portal import roles
from portal.models import Organisation, User
from portal.selectors import division_supervisors, organisation_members
from portal.services import audit_record, notify, sequence_next
from portal.text import by_language, lazy_format
from reports import clock
from reports.limits import length_errors
from reports.models import Report
from reports.selectors import report_for_user

from . import limits
from .lifecycle import CLOSED_STATUSES, CaseStatus, require, require_actor, run_transition
from .models import ComplianceCase, NoticeKind, NoticeWording


def _lock(case_id: int) -> ComplianceCase:
    return ComplianceCase.objects.select_for_update().get(pk=case_id)


def _today() -> datetime.date:
    return clock.jst_date(timezone.now())


def _text_errors(field: str, text: str, limit: int, missing: Any) -> dict[str, list[str]]:
    if not text:
        return {field: [str(missing)]}
    return length_errors(**{field: (text, limit)})


def _future_date_errors(field: str, day: Any, missing: Any) -> dict[str, list[str]]:
    if not isinstance(day, datetime.date):
        return {field: [str(missing)]}
    if day <= _today():
        return {field: [str(_("Give a date after today (JST)."))]}
    return {}


def _staff_to_notify(case: ComplianceCase) -> list[User]:
    return [case.assigned_officer] if case.assigned_officer.is_active else []


def _org_name(case: ComplianceCase) -> Any:
    return by_language(case.organisation.name_ja, case.organisation.name_en)


def legal_basis(kind: str) -> str:
    """The current wording for a kind of notice (seeded by migration, kept by administrators)."""
    wording = NoticeWording.objects.filter(kind=kind).values_list("legal_basis", flat=True).first()
    return wording or ""


# --- opening a case -------------------------------------------------------------------------


def case_create(
    *,
    actor: User,
    facts: str,
    transfer_date: Any,
    organisation_id: int | None = None,
    technology_id: int | None = None,
    report_id: int | None = None,
) -> ComplianceCase:
    """An officer opens a draft case: from a report flagged late (its organisation and
    technology), or standalone for a transfer METI learned of otherwise."""
    if not roles.is_meti_staff(actor):
        raise PermissionDenied(_("Only METI officers open compliance cases."))
    with transaction.atomic():
        report = None
        if report_id is not None:
            report = report_for_user(actor, report_id)  # 404 outside the officer's division
            if not report.late:
                raise ValidationError(
                    {"report": [str(_("Only a report flagged late can start a case."))]}
                )
            # One case at a time per late report: a second while one is running is refused
            # (the report's row lock makes two officers' simultaneous attempts take turns).
            Report.objects.select_for_update().filter(pk=report.pk).values_list("pk").get()
            running = (
                ComplianceCase.objects.filter(report=report)
                .exclude(status__in=sorted(CLOSED_STATUSES))
                .values_list("reference", flat=True)
                .first()
            )
            if running:
                raise ValidationError(
                    {
                        "report": [
                            str(
                                lazy_format(
                                    _("Case %(reference)s is already open for this report."),
                                    {"reference": running},
                                )
                            )
                        ]
                    }
                )
            organisation_id = report.organisation_id
            technology_id = report.technology_id
        errors: dict[str, list[str]] = {}
        organisation = (
            Organisation.objects.filter(pk=organisation_id).first() if organisation_id else None
        )
        if organisation is None:
            errors["organisation"] = [str(_("Choose the organisation concerned."))]
        technology = Technology.objects.filter(pk=technology_id).first() if technology_id else None
        if technology is None:
            errors["technology"] = [str(_("Choose the technology transferred."))]
        elif not roles.is_officer_of_division(actor, technology.division_id):
            errors["technology"] = [str(_("Choose a technology your division is responsible for."))]
        facts = (facts or "").strip()
        errors.update(
            _text_errors("facts", facts, limits.FACTS_MAX_LENGTH, _("Describe what METI learned."))
        )
        if not isinstance(transfer_date, datetime.date):
            errors["transfer_date"] = [str(_("Give the date of the transfer."))]
        elif transfer_date > _today():
            errors["transfer_date"] = [str(_("The transfer date cannot be in the future."))]
        if errors:
            raise ValidationError(errors)
        assert organisation is not None and technology is not None
        year = _today().year
        case = ComplianceCase.objects.create(
            reference=f"CC-{year}-{sequence_next(key=f'CC-{year}'):05d}",
            organisation=organisation,
            responsible_division_id=technology.division_id,
            technology=technology,
            report=report,
            transfer_date=transfer_date,
            facts=facts,
            created_by=actor,
            assigned_officer=actor,
            thread=threads.thread_create(),
        )
        audit_record(
            actor=actor,
            verb="compliance.create",
            target=case,
            payload={
                "organisation": organisation.pk,
                "technology": technology.code,
                "report": report.pk if report else None,
                "transfer_date": transfer_date.isoformat(),
            },
        )
        return case


# --- the officers' transitions ------------------------------------------------------------------


def case_open(*, actor: User, case_id: int) -> ComplianceCase:
    """Open the draft to the organisation: its members see the case from now on."""
    with transaction.atomic():
        case = run_transition(
            case_id=case_id, actor=actor, name="open", changes={"opened_at": timezone.now()}
        )
        notify(
            recipients=organisation_members(case.organisation_id),
            verb="compliance.opened",
            title=lazy_format(
                _("METI opened compliance case %(reference)s"), {"reference": case.reference}
            ),
            body=_(
                "METI has learned of a technology transfer that may have needed a prior report. "
                "Open the case in the portal to read the facts and answer."
            ),
            url=case.get_absolute_url(),
        )
        return case


def case_issue_guidance(
    *, actor: User, case_id: int, measures: str, answer_due: Any
) -> ComplianceCase:
    """Guidance and advice (指導助言): the requested measures and the date for the answer."""
    with transaction.atomic():
        case = _lock(case_id)
        require(case, actor, "issue_guidance")
        measures = (measures or "").strip()
        errors = _text_errors(
            "measures",
            measures,
            limits.MEASURES_MAX_LENGTH,
            _("Give the measures the company is asked to take."),
        )
        errors.update(
            _future_date_errors("answer_due", answer_due, _("Give the date for the answer."))
        )
        if errors:
            raise ValidationError(errors)
        case = run_transition(
            case_id=case.pk,
            actor=actor,
            name="issue_guidance",
            details={"answer_due": answer_due.isoformat()},
            changes={
                "guidance_measures": measures,
                "guidance_answer_due": answer_due,
                "guidance_legal_basis": legal_basis(NoticeKind.GUIDANCE),
                "guidance_issued_at": timezone.now(),
                "guidance_issued_by": actor,
                "guidance_answered_at": None,
                "answer_overdue_at": None,
            },
        )
        notify(
            recipients=organisation_members(case.organisation_id),
            verb="compliance.guidance",
            title=lazy_format(
                _("Guidance and advice on %(reference)s: answer by %(day)s"),
                {"reference": case.reference, "day": answer_due.isoformat()},
            ),
            body=_(
                "METI has issued guidance and advice. Read the requested measures in the "
                "portal and answer in the case's messages, with evidence attached."
            ),
            url=case.get_absolute_url(),
        )
        return case


def case_propose_order(
    *, actor: User, case_id: int, measures: str, compliance_due: Any
) -> ComplianceCase:
    """An officer proposes an improvement order (改善命令); a second supervisor decides."""
    with transaction.atomic():
        case = _lock(case_id)
        require(case, actor, "propose_order")
        measures = (measures or "").strip()
        errors = _text_errors(
            "measures",
            measures,
            limits.MEASURES_MAX_LENGTH,
            _("Give the improvements the order requires."),
        )
        errors.update(
            _future_date_errors(
                "compliance_due", compliance_due, _("Give the date by which to comply.")
            )
        )
        if errors:
            raise ValidationError(errors)
        case = run_transition(
            case_id=case.pk,
            actor=actor,
            name="propose_order",
            details={"compliance_due": compliance_due.isoformat()},
            changes={
                "order_measures": measures,
                "order_compliance_due": compliance_due,
                "order_legal_basis": legal_basis(NoticeKind.ORDER),
                "order_proposed_at": timezone.now(),
                "order_proposed_by": actor,
            },
        )
        notify(
            recipients=division_supervisors(case.responsible_division_id),
            exclude=actor,
            verb="compliance.order_proposed",
            title=lazy_format(
                _("Improvement order proposed on %(reference)s: approval needed"),
                {"reference": case.reference},
            ),
            body=lazy_format(
                _("%(name)s proposed an improvement order to %(org)s."),
                {"name": actor.display_name, "org": _org_name(case)},
            ),
            url=case.get_absolute_url(),
        )
        return case


def case_approve_order(*, actor: User, case_id: int) -> ComplianceCase:
    """A supervisor other than the proposer issues the order: numbered, the company notified."""
    with transaction.atomic():
        case = _lock(case_id)
        require(case, actor, "approve_order")
        now = timezone.now()
        year = clock.jst_date(now).year
        # Taken inside this transaction after every check: a refused or rolled-back approval
        # gives the number back, so the yearly series has no gaps and no duplicates.
        number = f"IO-{year}-{sequence_next(key=f'IO-{year}'):04d}"
        case = run_transition(
            case_id=case.pk,
            actor=actor,
            name="approve_order",
            details={"number": number},
            changes={
                "order_number": number,
                "order_issued_at": now,
                "order_approved_by": actor,
                "order_answered_at": None,
                "compliance_overdue_at": None,
            },
        )
        url = case.get_absolute_url()
        notify(
            recipients=organisation_members(case.organisation_id),
            verb="compliance.order_issued",
            title=lazy_format(
                _("Improvement order %(number)s issued on %(reference)s"),
                {"number": number, "reference": case.reference},
            ),
            body=lazy_format(
                _(
                    "METI has issued an improvement order. Read the notice in the portal, "
                    "acknowledge its receipt and report on compliance by %(day)s."
                ),
                {"day": case.order_compliance_due.isoformat() if case.order_compliance_due else ""},
            ),
            url=url,
        )
        assert case.order_proposed_by is not None
        notify(
            recipients=[case.order_proposed_by],
            exclude=actor,
            verb="compliance.order_approved",
            title=lazy_format(
                _("Your improvement order proposal on %(reference)s was approved (%(number)s)"),
                {"reference": case.reference, "number": number},
            ),
            url=url,
        )
        return case


def case_return_order(*, actor: User, case_id: int, reason: str) -> ComplianceCase:
    """A supervisor other than the proposer returns the proposal with a reason; the case goes
    back to the guidance."""
    with transaction.atomic():
        case = _lock(case_id)
        require(case, actor, "return_order")
        reason = (reason or "").strip()
        errors = _text_errors(
            "reason", reason, limits.RETURN_REASON_MAX_LENGTH, _("Give the reason for returning.")
        )
        if errors:
            raise ValidationError(errors)
        proposer = case.order_proposed_by
        assert proposer is not None
        case = run_transition(
            case_id=case.pk,
            actor=actor,
            name="return_order",
            reason=reason,
            # The returned proposal stays readable in the history.
            details={
                "proposed_by": proposer.username,
                "measures": case.order_measures,
                "compliance_due": (
                    case.order_compliance_due.isoformat() if case.order_compliance_due else None
                ),
            },
            changes={
                "order_measures": "",
                "order_compliance_due": None,
                "order_legal_basis": "",
                "order_proposed_at": None,
                "order_proposed_by": None,
            },
        )
        notify(
            recipients=[proposer],
            exclude=actor,
            verb="compliance.order_returned",
            title=lazy_format(
                _("Your improvement order proposal on %(reference)s was returned"),
                {"reference": case.reference},
            ),
            body=reason,
            url=case.get_absolute_url(),
        )
        return case


def case_acknowledge_order(*, actor: User, case_id: int) -> ComplianceCase:
    """A member of the organisation records receipt of the issued order, once."""
    with transaction.atomic():
        case = run_transition(
            case_id=case_id,
            actor=actor,
            name="acknowledge_order",
            changes={"order_acknowledged_at": timezone.now(), "order_acknowledged_by": actor},
        )
        notify(
            recipients=[u for u in (case.assigned_officer, case.order_approved_by) if u],
            verb="compliance.order_acknowledged",
            title=lazy_format(
                _("%(org)s acknowledged receipt of improvement order %(number)s"),
                {"org": _org_name(case), "number": case.order_number},
            ),
            url=case.get_absolute_url(),
        )
        return case


CLOSE_OUTCOMES = {"resolved": "resolve", "referred": "refer"}


def case_close(*, actor: User, case_id: int, outcome: str, summary: str) -> ComplianceCase:
    """Close the case as resolved, or as referred for penalty consideration (recorded only:
    penalties are decided outside the portal)."""
    with transaction.atomic():
        case = _lock(case_id)
        name = CLOSE_OUTCOMES.get(outcome)
        require_actor(case, actor, name or "resolve")
        errors: dict[str, list[str]] = {}
        if name is None:
            errors["outcome"] = [str(_("Choose how the case ends: resolved or referred."))]
        summary = (summary or "").strip()
        errors.update(
            _text_errors(
                "summary",
                summary,
                limits.CLOSING_SUMMARY_MAX_LENGTH,
                _("Summarise how the case ends."),
            )
        )
        require(case, actor, name or "resolve")
        if errors:
            raise ValidationError(errors)
        assert name is not None
        case = run_transition(
            case_id=case.pk,
            actor=actor,
            name=name,
            reason=summary,
            changes={"closing_summary": summary, "closed_at": timezone.now(), "closed_by": actor},
        )
        notify(
            recipients=organisation_members(case.organisation_id),
            verb=f"compliance.{case.status}",
            title=lazy_format(
                _("Compliance case %(reference)s was closed"), {"reference": case.reference}
            ),
            body=summary,
            url=case.get_absolute_url(),
        )
        return case


def case_discard(*, actor: User, case_id: int, reason: str) -> ComplianceCase:
    """An officer of the division discards a draft (opened by mistake, or on facts that did not
    hold), with a reason; the organisation never sees it, and nobody is notified."""
    with transaction.atomic():
        case = _lock(case_id)
        require_actor(case, actor, "discard")
        reason = (reason or "").strip()
        errors = _text_errors(
            "reason",
            reason,
            limits.DISCARD_REASON_MAX_LENGTH,
            _("Give the reason for discarding the draft."),
        )
        require(case, actor, "discard")
        if errors:
            raise ValidationError(errors)
        return run_transition(
            case_id=case.pk,
            actor=actor,
            name="discard",
            reason=reason,
            changes={"closing_summary": reason, "closed_at": timezone.now(), "closed_by": actor},
        )


# --- the case's thread ----------------------------------------------------------------------


def _allowed_kinds(case: ComplianceCase, actor: User) -> frozenset[str]:
    if roles.is_exporter(actor):
        return EXPORTER_KINDS
    if case.status == CaseStatus.DRAFT:
        # The organisation does not see a draft: nothing may be said to it before it is opened.
        return frozenset({MessageKind.INTERNAL_NOTE})
    return frozenset(MessageKind.values)


def _record_answer(case: ComplianceCase, actor: User, kind: str, now: datetime.datetime) -> None:
    """The company's first answer after guidance or after the order stops the clock's overdue
    marking for that due date (an answer posted late still counts, and is shown as late)."""
    if not roles.is_exporter(actor) or kind != MessageKind.ANSWER:
        return
    fields = []
    in_guidance = case.status in (CaseStatus.GUIDANCE_ISSUED, CaseStatus.ORDER_PROPOSED)
    if in_guidance and case.guidance_answered_at is None:
        case.guidance_answered_at = now
        case.answer_overdue_at = None  # the mark ends with the answer
        fields += ["guidance_answered_at", "answer_overdue_at"]
    in_order = case.status in (CaseStatus.ORDER_ISSUED, CaseStatus.ORDER_ACKNOWLEDGED)
    if in_order and case.order_answered_at is None:
        case.order_answered_at = now
        case.compliance_overdue_at = None
        fields += ["order_answered_at", "compliance_overdue_at"]
    if fields:
        case.save(update_fields=[*fields, "updated_at"])


def _notify_other_side(*, case: ComplianceCase, author: User, kind: str, title: Any, body: Any):
    if kind == MessageKind.INTERNAL_NOTE:
        if case.assigned_officer_id == author.pk:
            return
        recipients: Any = _staff_to_notify(case)
    elif roles.is_exporter(author):
        recipients = _staff_to_notify(case)
    else:
        recipients = organisation_members(case.organisation_id)
    notify(
        recipients=recipients,
        verb="compliance.message",
        title=title,
        body=body,
        url=case.get_absolute_url(),
        exclude=author,
    )


def case_message_post(
    *,
    actor: User,
    case_id: int,
    kind: str,
    body: str,
    files: Sequence[UploadedFile] = (),
) -> Message:
    """Post to the case's thread (with files) and notify the other side; the company's answer
    to guidance or to an order is recorded on the case."""
    with transaction.atomic():
        case = _lock(case_id)
        require(case, actor, "discuss")
        message = threads.thread_post(
            thread=case.thread,
            actor=actor,
            kind=kind,
            body=body,
            files=files,
            allowed_kinds=_allowed_kinds(case, actor),
            audit_target=case,
        )
        _record_answer(case, actor, kind, message.created_at)
        # Only the kind goes out: the content stays in the portal, not in mailboxes.
        _notify_other_side(
            case=case,
            author=actor,
            kind=kind,
            title=lazy_format(
                _("New message on compliance case %(reference)s"), {"reference": case.reference}
            ),
            body=lazy_format(
                _("%(author)s posted a message (%(kind)s). Sign in to the portal to read it."),
                {"author": actor.display_name, "kind": MessageKind(kind).label},
            ),
        )
        return message


def case_attach(
    *, actor: User, case_id: int, file: UploadedFile, message_id: int | None = None
) -> Attachment:
    """Add a file (evidence) to the case's thread, or to one of the actor's own messages on it
    (the company's answer, with its evidence), and tell the other side."""
    with transaction.atomic():
        case = _lock(case_id)
        require(case, actor, "discuss")
        if case.status == CaseStatus.DRAFT and message_id is None:
            # A loose file is seen by the organisation once the case is opened; in a draft,
            # files go with internal notes only (the only messages a draft has).
            raise ValidationError(
                {"file": [str(_("Attach files to an internal note until the case is opened."))]}
            )
        attachment = threads.thread_attach(
            thread=case.thread, actor=actor, file=file, audit_target=case, message_id=message_id
        )
        _notify_other_side(
            case=case,
            author=actor,
            kind=MessageKind.INTERNAL_NOTE if attachment.is_internal else "",
            title=lazy_format(
                _("New file on compliance case %(reference)s"), {"reference": case.reference}
            ),
            body=lazy_format(
                _("%(author)s added a file. Sign in to the portal to download it."),
                {"author": actor.display_name},
            ),
        )
        return attachment


def case_mark_read(*, user: User, case: ComplianceCase, up_to_message_id: int) -> None:
    threads.thread_mark_read(user=user, thread_id=case.thread_id, up_to_message_id=up_to_message_id)


# --- the notices' wording -------------------------------------------------------------------


def notice_wording_update(*, actor: User, wording_id: int, legal_basis: str) -> NoticeWording:
    """An administrator changes the legal-basis wording of a kind of notice; notices already
    given keep the wording they were given with."""
    if not roles.is_administrator(actor):
        raise PermissionDenied(_("Only an administrator changes the wording of notices."))
    with transaction.atomic():
        wording = NoticeWording.objects.select_for_update().get(pk=wording_id)
        text = (legal_basis or "").strip()
        errors = _text_errors(
            "legal_basis",
            text,
            limits.LEGAL_BASIS_MAX_LENGTH,
            _("Give the legal basis as it is printed on the notice."),
        )
        if errors:
            raise ValidationError(errors)
        before = wording.legal_basis
        wording.legal_basis = text
        wording.updated_by = actor
        wording.save()
        audit_record(
            actor=actor,
            verb="compliance.wording_update",
            target=wording,
            payload={"kind": wording.kind, "before": before, "after": text},
        )
        return wording
