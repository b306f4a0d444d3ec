"""Writes of the End User List: uploading and applying a version, adjudicating a match, and
queueing the screening that follows a submit or a new version."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import roles
from portal.errors import InvalidTransition
from portal.models import User
from portal.services import audit_record, sequence_next
from reports import lifecycle

from . import importer, selectors, tasks
from .models import REASON_MAX_LENGTH, Adjudication, Entry, ListVersion, Match, VersionStatus

logger = logging.getLogger(__name__)

UPLOAD_MAX_BYTES = 10 * 1024 * 1024


def _require_administrator(actor: User) -> None:
    if not roles.is_administrator(actor):
        raise PermissionDenied(_("Only an administrator can change the End User List."))


@transaction.atomic
def list_version_upload(*, actor: User, file_name: str, content: bytes) -> ListVersion:
    """Read an uploaded list into a preview version (not yet used); unreadable rows are kept
    as problems with their row numbers. A file that cannot be read at all is a 400."""
    _require_administrator(actor)
    if len(content) > UPLOAD_MAX_BYTES:
        raise ValidationError(
            {"file": [_("The file is larger than %(mb)s MB.") % {"mb": UPLOAD_MAX_BYTES // 2**20}]}
        )
    if not content:
        raise ValidationError({"file": [_("The file is empty.")]})
    try:
        parsed = importer.parse_file(file_name, content, importer.country_lookup())
    except importer.ListFileError as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    if not parsed.entries:
        message = str(_("No row of the file could be read."))
        if parsed.problems:
            message = (
                _("No row of the file could be read. First problem: row %(row)s: %(message)s")
                % parsed.problems[0]
            )
        raise ValidationError({"file": [message]})
    version = ListVersion.objects.create(
        source_name=file_name[:255],
        source_sha256=hashlib.sha256(content).hexdigest(),
        problems=parsed.problems,
        entry_count=len(parsed.entries),
        uploaded_by=actor,
    )
    Entry.objects.bulk_create(
        [
            Entry(
                version=version,
                row_number=e.row_number,
                country_id=e.country_code,
                name=e.name,
                aka_names=e.aka_names,
                concern=e.concern,
                normalised_names=e.normalised_names,
                key=e.key[:600],
            )
            for e in parsed.entries
        ],
        batch_size=1000,
    )
    audit_record(
        actor=actor,
        verb="enduserlist.upload",
        target=version,
        payload={
            "file": version.source_name,
            "sha256": version.source_sha256,
            "entries": version.entry_count,
            "unreadable_rows": [p["row"] for p in parsed.problems],
        },
    )
    return version


@transaction.atomic
def list_version_apply(*, actor: User, version_id: int) -> ListVersion:
    """Put a previewed version in force; every open report is then screened against it."""
    _require_administrator(actor)
    version = ListVersion.objects.select_for_update().get(pk=version_id)
    if version.status != VersionStatus.PREVIEW:
        raise InvalidTransition(version.status, _("Only a version in preview can be applied."))
    previous = selectors.version_in_force()
    diff = selectors.version_diff(version, previous)
    version.status = VersionStatus.APPLIED
    version.number = sequence_next(key="end-user-list")
    version.applied_by = actor
    version.applied_at = timezone.now()
    version.change_counts = diff.counts()
    version.save()
    audit_record(
        actor=actor,
        verb="enduserlist.apply",
        target=version,
        payload={
            "number": version.number,
            "replaces": previous.number if previous else None,
            **version.change_counts,
        },
    )
    version_id = version.pk
    transaction.on_commit(lambda: list_rescreen_enqueue(version_id=version_id))
    return version


@transaction.atomic
def list_version_discard(*, actor: User, version_id: int) -> ListVersion:
    """Set aside a previewed version that should not be applied (it stays on record)."""
    _require_administrator(actor)
    version = ListVersion.objects.select_for_update().get(pk=version_id)
    if version.status != VersionStatus.PREVIEW:
        raise InvalidTransition(version.status, _("Only a version in preview can be discarded."))
    version.status = VersionStatus.DISCARDED
    version.save(update_fields=["status"])
    audit_record(actor=actor, verb="enduserlist.discard", target=version, payload={})
    return version


@transaction.atomic
def match_adjudicate(*, actor: User, match_id: int, decision: str, reason: str) -> Match:
    """An officer of the responsible division records a candidate as a true or a false match,
    with the reason; once recorded it stands (a second adjudication is a 409)."""
    match = Match.objects.select_for_update().select_related("report").get(pk=match_id)
    if not lifecycle.officer(match.report, actor):
        raise PermissionDenied(lifecycle.officer.refusal)  # type: ignore[attr-defined]
    reason = (reason or "").strip()
    errors: dict[str, list[Any]] = {}
    if decision not in (Adjudication.TRUE_MATCH, Adjudication.FALSE_MATCH):
        errors["decision"] = [_("Choose true match or false match.")]
    if not reason:
        errors["reason"] = [_("Give the reason for the adjudication.")]
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = [
            _("Write at most %(max)s characters (now %(n)s).")
            % {"max": REASON_MAX_LENGTH, "n": len(reason)}
        ]
    if match.decision != Adjudication.PENDING:
        raise InvalidTransition(match.decision, _("This match has already been adjudicated."))
    if errors:
        raise ValidationError(errors)
    match.decision = decision
    match.reason = reason
    match.adjudicated_by = actor
    match.adjudicated_at = timezone.now()
    match.save(update_fields=["decision", "reason", "adjudicated_by", "adjudicated_at"])
    audit_record(
        actor=actor,
        verb="enduser.adjudicate",
        target=match,
        payload={
            "report": match.report.reference,
            "entry": match.entry_name,
            "score": str(match.score),
            "version": match.version_id,
            "decision": decision,
            "reason": reason,
        },
    )
    return match


def report_screen_enqueue(*, report_id: int) -> bool:
    """Queue the screening of a newly submitted report. Never raises: the submit has committed
    and must answer success; if the broker is down, the beat sweep screens the report later."""
    try:
        tasks.screen_report.delay(report_id)
    except Exception:
        logger.warning(
            "broker unavailable; report %s waits for the screening sweep", report_id, exc_info=True
        )
        return False
    return True


def list_rescreen_enqueue(*, version_id: int) -> bool:
    """Queue the screening of every open report against a newly applied version; never raises
    (the sweep catches up when the broker is back)."""
    try:
        tasks.rescreen_open_reports.delay(version_id)
    except Exception:
        logger.warning(
            "broker unavailable; version %s is screened by the sweep", version_id, exc_info=True
        )
        return False
    return True
