"""The audit trail as people read it: who (a name), what (a sentence), the target, and what
changed, for the /audit/ page and its CSV export. The stored rows stay as written (verb codes
and JSON payloads); only their presentation is here."""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditRecord

# Every verb written by audit_record(), in words. A verb not listed (a new one) is shown as
# its code, so nothing is hidden; tests/portal/test_audit_page.py checks the list is complete.
VERB_LABELS = {
    "report.create": gettext_lazy("Started a report draft"),
    "report.update": gettext_lazy("Saved a report draft"),
    "report.submit": gettext_lazy("Submitted a report"),
    "report.amend": gettext_lazy("Filed an amendment"),
    "report.withdraw": gettext_lazy("Withdrew a report"),
    "report.start_dialogue": gettext_lazy("Started the dialogue"),
    "report.conclude": gettext_lazy("Concluded without an inform"),
    "report.mark_not_subject": gettext_lazy("Marked a report not subject to reporting"),
    "report.propose_inform": gettext_lazy("Moved a report to inform proposed"),
    "report.return_proposal": gettext_lazy("Moved a report back to the dialogue"),
    "report.issue_inform": gettext_lazy("Moved a report to informed"),
    "report.lapse": gettext_lazy("Lapsed at the deadline"),
    "report.extend_deadline": gettext_lazy("Extended the decision deadline"),
    "report.reassign": gettext_lazy("Reassigned a report"),
    "message.post": gettext_lazy("Posted a message"),
    "attachment.upload": gettext_lazy("Uploaded a file"),
    "inform.propose": gettext_lazy("Proposed an inform"),
    "inform.issue": gettext_lazy("Approved and issued an inform"),
    "inform.return": gettext_lazy("Returned an inform proposal"),
    "inform.acknowledge": gettext_lazy("Acknowledged receipt of an inform"),
    "technology.create": gettext_lazy("Added a technology"),
    "technology.add_version": gettext_lazy("Added a version of a technology"),
    "technology.update": gettext_lazy("Edited a technology"),
    "technology.retire": gettext_lazy("Retired a technology"),
    "transaction_type.create": gettext_lazy("Added a transaction type"),
    "transaction_type.update": gettext_lazy("Edited a transaction type"),
    "exclusion_rule.create": gettext_lazy("Added an exclusion rule"),
    "exclusion_rule.update": gettext_lazy("Edited an exclusion rule"),
    "country.set_exempt": gettext_lazy("Changed a country's exempt flag"),
    "organisation_application.submit": gettext_lazy("Applied to register a company"),
    "organisation_application.confirm": gettext_lazy("Confirmed the applicant's e-mail"),
    "organisation_application.approve": gettext_lazy("Approved a company's application"),
    "organisation_application.purge": gettext_lazy("Deleted an application never confirmed"),
    "organisation_application.reject": gettext_lazy("Rejected a company's application"),
    "organisation.second_factor_required": gettext_lazy("Changed the second-factor requirement"),
    "invitation.send": gettext_lazy("Invited a colleague"),
    "invitation.resend": gettext_lazy("Sent an invitation again"),
    "invitation.revoke": gettext_lazy("Revoked an invitation"),
    "invitation.accept": gettext_lazy("Accepted an invitation"),
    "member.set_role": gettext_lazy("Changed a member's role"),
    "member.deactivate": gettext_lazy("Deactivated a member"),
    "member.reactivate": gettext_lazy("Reactivated a member"),
    "staff.create": gettext_lazy("Created a METI staff account"),
    "staff.update": gettext_lazy("Edited a METI staff account"),
    "staff.deactivate": gettext_lazy("Deactivated a METI staff account"),
    "staff.reactivate": gettext_lazy("Reactivated a METI staff account"),
    "staff.password_link_send": gettext_lazy("Sent a set-password link"),
    "apitokens.create": gettext_lazy("Created an API token"),
    "apitokens.revoke": gettext_lazy("Revoked an API token"),
    "signin.succeeded": gettext_lazy("Signed in"),
    "signin.failed": gettext_lazy("Failed to sign in"),
    "signin.locked": gettext_lazy("Account locked after failed sign-ins"),
    "signin.unlocked": gettext_lazy("Unlocked an account"),
    "signin.session_expired": gettext_lazy("Session expired"),
    "signin.second_factor_enrolled": gettext_lazy("Set up a second factor"),
    "signin.second_factor_verified": gettext_lazy("Entered a second-factor code"),
    "signin.second_factor_failed": gettext_lazy("Entered a wrong second-factor code"),
    "signin.second_factor_reset": gettext_lazy("Reset a second factor"),
    "signin.backup_code_used": gettext_lazy("Used a backup code"),
    "signin.backup_codes_regenerated": gettext_lazy("Made new backup codes"),
    "gbizid.signin": gettext_lazy("Signed in with gBizID"),
    "gbizid.join": gettext_lazy("Joined an organisation by signing in with gBizID"),
    "gbizid.organisation_create": gettext_lazy("Registered a company with gBizID Prime"),
    "gbizid.link": gettext_lazy("Linked a gBizID account"),
    "gbizid.unlink": gettext_lazy("Unlinked a gBizID account"),
    "gbizid.refused": gettext_lazy("Refused a sign-in with gBizID"),
    "gbizid.failed": gettext_lazy("Sign-in with gBizID did not complete"),
    "consultation.open": gettext_lazy("Opened a consultation"),
    "consultation.transfer": gettext_lazy("Transferred a consultation to another division"),
    "consultation.close": gettext_lazy("Closed a consultation"),
    "consultation.file_report": gettext_lazy("Filed a report from a consultation"),
    "consultation.link_report": gettext_lazy("Linked a report to a consultation"),
    "consultation.general_desk": gettext_lazy("Changed the general desk for consultations"),
    "compliance.create": gettext_lazy("Created a compliance case (draft)"),
    "compliance.open": gettext_lazy("Opened a compliance case to the organisation"),
    "compliance.issue_guidance": gettext_lazy("Issued guidance and advice"),
    "compliance.propose_order": gettext_lazy("Proposed an improvement order"),
    "compliance.return_order": gettext_lazy("Returned an improvement order proposal"),
    "compliance.approve_order": gettext_lazy("Approved and issued an improvement order"),
    "compliance.acknowledge_order": gettext_lazy("Acknowledged receipt of an improvement order"),
    "compliance.resolve": gettext_lazy("Closed a compliance case as resolved"),
    "compliance.refer": gettext_lazy(
        "Closed a compliance case, referred for penalty consideration"
    ),
    "compliance.discard": gettext_lazy("Discarded a draft compliance case"),
    "compliance.wording_update": gettext_lazy("Changed the legal wording of compliance notices"),
    "enduserlist.upload": gettext_lazy("Uploaded an End User List for checking"),
    "enduserlist.apply": gettext_lazy("Applied a version of the End User List"),
    "enduserlist.discard": gettext_lazy("Discarded an End User List upload"),
    "enduser.adjudicate": gettext_lazy("Adjudicated an End User List match"),
}

# Payload keys that are not a field of the target model.
KEY_LABELS = {
    "from": gettext_lazy("From"),
    "to": gettext_lazy("To"),
    "reason": gettext_lazy("Reason"),
    "note": gettext_lazy("Note"),
    "fields": gettext_lazy("Fields"),
    "message": gettext_lazy("Message"),
    "kind": gettext_lazy("Kind"),
    "attachments": gettext_lazy("Files"),
    "report": gettext_lazy("Report"),
    "number": gettext_lazy("Number"),
    "licence_conditions": gettext_lazy("Licence conditions"),
    "email": gettext_lazy("E-mail"),
    "ip": gettext_lazy("IP address"),
    "username": gettext_lazy("User name"),
    "user": gettext_lazy("User"),
    "organisation": gettext_lazy("Organisation"),
    "account_locked": gettext_lazy("Account locked"),
    "failures": gettext_lazy("Failed attempts"),
    "window_minutes": gettext_lazy("Within (minutes)"),
    "device": gettext_lazy("Device"),
    "backup_codes": gettext_lazy("Backup codes"),
    "revision": gettext_lazy("Revision"),
    "due": gettext_lazy("Decision due"),
}

EXPORT_MAX_ROWS = 100_000  # a CSV larger than this is a database job, not a page's
EXPORT_CHUNK = 2_000


@dataclass
class Change:
    label: str
    before: str | None  # None: not a change, just a value
    after: str


@dataclass
class AuditRow:
    record: AuditRecord
    who: str
    who_username: str
    what: str
    target_kind: str
    target_label: str
    target_url: str
    changes: list[Change] = field(default_factory=list)


def verb_label(verb: str) -> str:
    label = VERB_LABELS.get(verb)
    return str(label) if label is not None else verb


def _model(target_type: str) -> Any:
    try:
        return apps.get_model(target_type) if target_type else None
    except (LookupError, ValueError):
        return None


def target_kind(target_type: str) -> str:
    model = _model(target_type)
    return str(model._meta.verbose_name) if model is not None else target_type


def _key_label(key: str, model: Any) -> str:
    if key in KEY_LABELS:
        return str(KEY_LABELS[key])
    if model is not None:
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            field = None
        # A reverse relation (a payload key named like `entries`) has no verbose name.
        if field is not None and not field.auto_created:
            return str(field.verbose_name)
    return key.replace("_", " ")


# Payload keys whose values are a model field's choices ("app_label.Model", field), read
# through the app registry: portal/ imports no domain app (tests/architecture).
CHOICE_KEYS = {
    "from": ("reports.Report", "status"),
    "to": ("reports.Report", "status"),
    "kind": ("dialogue.Message", "kind"),
}


def _choice_labels(key: str) -> dict[str, str]:
    model_label, field_name = CHOICE_KEYS[key]
    try:
        choices = apps.get_model(model_label)._meta.get_field(field_name).choices or []
    except (LookupError, FieldDoesNotExist):
        return {}
    return {str(value): str(label) for value, label in choices}


def _text(value: Any, model: Any = None, key: str = "") -> str:
    if value is None or value == "":
        return "—"
    if key in CHOICE_KEYS and isinstance(value, str):
        return _choice_labels(key).get(value, value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key == "fields" and isinstance(value, list):
        return ", ".join(_key_label(str(v), model) for v in value)
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{_key_label(str(k), model)}: {_text(v)}" for k, v in value.items())
    if isinstance(value, str) and len(value) > 19 and value[4:5] == "-" and value[10:11] == "T":
        moment = parse_datetime(value)
        if moment is not None and timezone.is_aware(moment):
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    return str(value)


def readable_changes(record: AuditRecord) -> list[Change]:
    """The payload as a list of changes (before → after) and values, in words."""
    payload = record.payload if isinstance(record.payload, dict) else {"": record.payload}
    model = _model(record.target_type)
    changes: list[Change] = []
    rest = dict(payload)
    before, after = rest.pop("before", None), rest.pop("after", None)
    if isinstance(before, dict) or isinstance(after, dict):
        before, after = before or {}, after or {}
        for key in [*after, *(k for k in before if k not in after)]:
            label = _key_label(key, model)
            if key in before and before[key] != after.get(key):
                changes.append(
                    Change(label, _text(before[key], model, key), _text(after.get(key), model, key))
                )
            elif key not in before:
                changes.append(Change(label, None, _text(after.get(key), model, key)))
    elif before is not None or after is not None:
        changes.append(Change(_("Value"), _text(before), _text(after)))
    if "from" in rest and "to" in rest:
        statuses = _choice_labels("from")
        old, new = rest.pop("from"), rest.pop("to")
        label = _("Status") if old in statuses or new in statuses else _("Assigned officer")
        changes.append(Change(label, statuses.get(old, _text(old)), statuses.get(new, _text(new))))
    for key, value in rest.items():
        if value in ("", None, [], {}):
            continue
        changes.append(Change(_key_label(key, model), None, _text(value, model, key)))
    return changes


def _target_url(record: AuditRecord) -> str:
    if record.target_type == "reports.report" and record.target_id.isdigit():
        return reverse("reports:detail", args=[int(record.target_id)])
    return ""


def audit_rows(records: Iterable[AuditRecord]) -> list[AuditRow]:
    """Rows for the page; `records` should select_related("actor")."""
    rows = []
    for record in records:
        actor = record.actor
        rows.append(
            AuditRow(
                record=record,
                who=actor.display_name if actor is not None else _("METI"),
                who_username=actor.username if actor is not None else record.actor_label,
                what=verb_label(record.verb),
                target_kind=target_kind(record.target_type),
                target_label=record.target_label,
                target_url=_target_url(record),
                changes=readable_changes(record),
            )
        )
    return rows


# --- CSV ----------------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    """A cell a spreadsheet will not run: a leading =, +, - or @ makes a formula (CSV
    injection), so such a value is quoted with an apostrophe (OWASP's advice)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _change_text(change: Change) -> str:
    if change.before is None:
        return f"{change.label}: {change.after}"
    return f"{change.label}: {change.before} → {change.after}"


def csv_header() -> list[str]:
    return [
        _("Time (JST)"),
        _("Who"),
        _("User name"),
        _("What"),
        _("Action code"),
        _("Object type"),
        _("Object ID"),
        _("Object"),
        _("Changes"),
        _("Recorded data (JSON)"),
        _("Request ID"),
    ]


def csv_lines(records: Any) -> Iterator[str]:
    """The filtered rows as CSV lines, read in chunks (never the whole table in memory); UTF-8
    with a byte order mark so that Excel opens the Japanese text as it is."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(csv_header())
    for record in records[:EXPORT_MAX_ROWS].iterator(chunk_size=EXPORT_CHUNK):
        (row,) = audit_rows([record])
        at = timezone.localtime(record.at, datetime.timezone(datetime.timedelta(hours=9)))
        yield writer.writerow(
            [
                _cell(value)
                for value in (
                    at.strftime("%Y-%m-%d %H:%M:%S"),
                    row.who,
                    row.who_username,
                    row.what,
                    record.verb,
                    row.target_kind,
                    record.target_id,
                    record.target_label,
                    "; ".join(_change_text(c) for c in row.changes),
                    json.dumps(record.payload, ensure_ascii=False, sort_keys=True),
                    record.request_id,
                )
            ]
        )
