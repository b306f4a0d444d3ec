"""Writes of the catalog: technologies, transaction types, exclusion rules and country flags,
each change audited with before/after."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from portal.models import User
from portal.services import audit_record

from . import selectors
from .models import Country, ExclusionRule, InForcePeriod, Technology, TransactionType
from .rules import QUESTION_RULE_CODES

Entry = TypeVar("Entry", bound=InForcePeriod)

# What an administrator may edit on an existing version; `effective_to` changes only by retiring.
EDITABLE_FIELDS = (
    "code",
    "name_ja",
    "name_en",
    "category",
    "division",
    "scope_ja",
    "scope_en",
    "notice_reference",
    "effective_from",
)
CREATE_FIELDS = (*EDITABLE_FIELDS, "effective_to")
# Transaction types and exclusion rules: everything but the code may be edited (reports and
# screening answers cite the code), the period included, as long as no past day changes.
TRANSACTION_TYPE_FIELDS = (
    "code",
    "name_ja",
    "name_en",
    "reportable",
    "exclusion_rule",
    "order",
    "effective_from",
    "effective_to",
)
EXCLUSION_RULE_FIELDS = (
    "code",
    "name_ja",
    "name_en",
    "description_ja",
    "description_en",
    "question_ja",
    "question_en",
    "source",
    "effective_from",
    "effective_to",
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def snapshot(entry: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The audited values of a catalog entry (dates as ISO strings, a division by its code)."""
    values: dict[str, Any] = {}
    for name in fields:
        if name == "division":
            values[name] = entry.division.code if entry.division_id else None  # type: ignore[attr-defined]
        else:
            values[name] = _jsonable(getattr(entry, name))
    return values


def technology_snapshot(technology: Technology) -> dict[str, Any]:
    """The audited values of a technology version (dates as ISO strings, division by code)."""
    return snapshot(technology, CREATE_FIELDS)


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    changed = [name for name in after if before.get(name) != after[name]]
    return {
        "before": {name: before.get(name) for name in changed},
        "after": {name: after[name] for name in changed},
    }


# Codes of technologies and transaction types: what the forms' help texts say (Django's slug
# check would also take upper case and hyphens, and its message names the field type).
CODE_PATTERN = re.compile(r"[a-z0-9_]+")
CODE_MESSAGE = _lazy("Use lower-case letters, digits and underscores only, e.g. carbon_fiber.")


def _clean_fields(entry: models.Model) -> None:
    """Field-level checks (required, lengths, choices, types); raises a field dict whose
    messages name no Django field type."""
    errors: dict[str, list[Any]] = {}
    code = getattr(entry, "code", "")
    if (
        isinstance(entry, Technology | TransactionType)
        and code
        and not CODE_PATTERN.fullmatch(code)
    ):
        errors["code"] = [CODE_MESSAGE]
    try:
        entry.clean_fields(exclude=list(errors))
    except ValidationError as exc:
        errors = {**exc.message_dict, **errors}
    if errors:
        raise ValidationError(errors)


def _check_period(entry: InForcePeriod) -> None:
    if entry.effective_to is not None and entry.effective_to < entry.effective_from:
        raise ValidationError(
            {"effective_to": _("The last day in force cannot be before the first day in force.")}
        )


def _check_no_overlap(entry: InForcePeriod) -> None:
    code = entry.code
    # Lock the other versions of the code so that two administrators cannot both add a
    # version for the same days (a no-op on SQLite, which serialises writers anyway).
    list(type(entry)._default_manager.select_for_update().filter(code=code))
    other = selectors.overlapping_version(
        type(entry),
        code=code,
        effective_from=entry.effective_from,
        effective_to=entry.effective_to,
        exclude_pk=entry.pk,
    )
    if other is None:
        return
    if isinstance(entry, Technology):
        message = _(
            "Another version of “%(code)s” is in force during this period "
            "(from %(start)s until %(end)s). Two versions of one technology cannot "
            "be in force on the same day."
        )
    else:
        message = _(
            "Another version of “%(code)s” is in force during this period "
            "(from %(start)s until %(end)s). Two versions of one code cannot be in force "
            "on the same day: set the last day of the other version first."
        )
    raise ValidationError(
        {
            "effective_from": message
            % {
                "code": code,
                "start": other.effective_from.isoformat(),
                "end": other.effective_to.isoformat() if other.effective_to else "—",
            }
        }
    )


def _check_start_not_past(day: datetime.date) -> None:
    if day < timezone.localdate():
        raise ValidationError(
            {
                "effective_from": _(
                    "The first day in force cannot be in the past: the reporting duty applies "
                    "only from the day the technology comes into force."
                )
            }
        )


def _check_past_unchanged(before: dict[str, Any], after: dict[str, Any]) -> None:
    """A change of period may not alter any day before today: screening answered by those
    days, so they stay as they were (ISO dates compare in date order)."""
    today = timezone.localdate().isoformat()
    errors: dict[str, str] = {}
    old, new = before.get("effective_from"), after["effective_from"]
    if new != old:
        if new < today:
            errors["effective_from"] = _(
                "The first day in force cannot be in the past (today is %(today)s)."
            ) % {"today": today}
        elif old is not None and old < today:
            errors["effective_from"] = _(
                "This version has been in force since %(day)s, so its first day can no longer "
                "be changed. Set its last day and add a new version instead."
            ) % {"day": old}
    old, new = before.get("effective_to"), after["effective_to"]
    if new != old:
        if new is not None and new < today:
            errors["effective_to"] = _(
                "The last day in force cannot be in the past (today is %(today)s)."
            ) % {"today": today}
        elif old is not None and old < today:
            errors["effective_to"] = _(
                "This version ended on %(day)s, so its last day can no longer be changed. "
                "Add a new version instead."
            ) % {"day": old}
    if errors:
        raise ValidationError(errors)


def _entry_create(
    *,
    actor: User,
    entry: Entry,
    fields: tuple[str, ...],
    verb: str,
    check: Callable[[Entry], None] | None = None,
) -> Entry:
    """Save a new catalog entry (a new code, or a new version of one) and audit it."""
    _clean_fields(entry)
    _check_period(entry)
    if check is not None:
        check(entry)
    _check_past_unchanged({}, snapshot(entry, ("effective_from", "effective_to")))
    with transaction.atomic():
        _check_no_overlap(entry)
        entry.save()
        audit_record(
            actor=actor,
            verb=verb,
            target=entry,
            payload={"before": {}, "after": snapshot(entry, fields)},
        )
    return entry


def _entry_update(
    *,
    actor: User,
    entry: Entry,
    data: dict[str, Any],
    fields: tuple[str, ...],
    verb: str,
    check: Callable[[Entry], None] | None = None,
) -> Entry:
    """Save the changes to a catalog entry (never its code) and audit them, before and after."""
    with transaction.atomic():
        entry = type(entry)._default_manager.select_for_update().get(pk=entry.pk)
        before = snapshot(entry, fields)
        for name, value in data.items():
            if name in fields and name != "code":
                setattr(entry, name, value)
        _clean_fields(entry)
        _check_period(entry)
        if check is not None:
            check(entry)
        after = snapshot(entry, fields)
        _check_past_unchanged(before, after)
        payload = _changes(before, after)
        if not payload["after"]:
            return entry
        if {"effective_from", "effective_to"} & set(payload["after"]):
            _check_no_overlap(entry)
        entry.save()
        audit_record(actor=actor, verb=verb, target=entry, payload=payload)
    return entry


def technology_create(*, actor: User, data: dict[str, Any]) -> Technology:
    """Add a technology with a code not used before; it is offered from `effective_from` on."""
    technology = Technology(**{k: v for k, v in data.items() if k in CREATE_FIELDS})
    _clean_fields(technology)
    _check_period(technology)
    _check_start_not_past(technology.effective_from)
    with transaction.atomic():
        if Technology.objects.select_for_update().filter(code=technology.code).exists():
            raise ValidationError(
                {
                    "code": _(
                        "A technology with the code “%(code)s” already exists. To change its "
                        "scope from a date, add a new version of it instead."
                    )
                    % {"code": technology.code}
                }
            )
        technology.save()
        audit_record(
            actor=actor,
            verb="technology.create",
            target=technology,
            payload={"before": {}, "after": technology_snapshot(technology)},
        )
    return technology


def technology_add_version(
    *, actor: User, technology: Technology, data: dict[str, Any]
) -> Technology:
    """Add a new version of an existing code, in force for days no other version covers."""
    values = {k: v for k, v in data.items() if k in CREATE_FIELDS and k != "code"}
    version = Technology(code=technology.code, **values)
    _clean_fields(version)
    _check_period(version)
    _check_start_not_past(version.effective_from)
    with transaction.atomic():
        _check_no_overlap(version)
        version.save()
        audit_record(
            actor=actor,
            verb="technology.add_version",
            target=version,
            payload={
                "before": {},
                "after": technology_snapshot(version),
                "previous_version": technology.pk,
            },
        )
    return version


def technology_update(*, actor: User, technology: Technology, data: dict[str, Any]) -> Technology:
    """Edit a version's code, names, scope, category, division, notice or start date."""
    with transaction.atomic():
        technology = Technology.objects.select_for_update().get(pk=technology.pk)
        before = technology_snapshot(technology)
        for name, value in data.items():
            if name in EDITABLE_FIELDS:
                setattr(technology, name, value)
        _clean_fields(technology)
        _check_period(technology)
        after = technology_snapshot(technology)
        code_changed = after["code"] != before["code"]
        start_changed = after["effective_from"] != before["effective_from"]
        if (code_changed or start_changed) and selectors.technology_in_use(technology):
            # Reports point at this version: its code and period are part of what they filed.
            raise ValidationError(
                {
                    "code" if code_changed else "effective_from": _(
                        "Reports already use this technology, so its code and first day in "
                        "force can no longer be changed. Retire it from a date and add a new "
                        "technology instead."
                    )
                }
            )
        if code_changed and Technology.objects.filter(code=technology.code).exists():
            raise ValidationError(
                {
                    "code": _("A technology with the code “%(code)s” already exists.")
                    % {"code": technology.code}
                }
            )
        if start_changed:
            _check_start_not_past(technology.effective_from)
            _check_no_overlap(technology)
        payload = _changes(before, after)
        if not payload["after"]:
            return technology
        technology.save()
        audit_record(actor=actor, verb="technology.update", target=technology, payload=payload)
    return technology


def technology_retire(
    *, actor: User, technology: Technology, effective_to: datetime.date
) -> Technology:
    """Set the last day a technology version is in force (today or later)."""
    with transaction.atomic():
        technology = Technology.objects.select_for_update().get(pk=technology.pk)
        before = technology_snapshot(technology)
        today = timezone.localdate()
        if effective_to < today:
            raise ValidationError(
                {
                    "effective_to": _(
                        "The last day in force cannot be in the past (today is %(today)s): "
                        "retire the technology from today or a later date."
                    )
                    % {"today": today.isoformat()}
                }
            )
        technology.effective_to = effective_to
        _check_period(technology)
        last_use = selectors.technology_last_use_date(technology)
        if last_use is not None and effective_to < last_use:
            raise ValidationError(
                {
                    "effective_to": _(
                        "A report using this technology plans its contract on %(day)s: "
                        "the last day in force cannot be before that date."
                    )
                    % {"day": last_use.isoformat()}
                }
            )
        _check_no_overlap(technology)
        payload = _changes(before, technology_snapshot(technology))
        if not payload["after"]:
            return technology
        technology.save(update_fields=["effective_to", "updated_at"])
        audit_record(actor=actor, verb="technology.retire", target=technology, payload=payload)
    return technology


def transaction_type_create(*, actor: User, data: dict[str, Any]) -> TransactionType:
    """Add a transaction type, or a version of one for days no other version covers; screening
    and the report form accept it from `effective_from` on."""
    entry = TransactionType(**{k: v for k, v in data.items() if k in TRANSACTION_TYPE_FIELDS})
    return _entry_create(
        actor=actor, entry=entry, fields=TRANSACTION_TYPE_FIELDS, verb="transaction_type.create"
    )


def transaction_type_update(
    *, actor: User, transaction_type: TransactionType, data: dict[str, Any]
) -> TransactionType:
    """Edit a version's names, reportable flag, rule, order or period (its code never)."""
    return _entry_update(
        actor=actor,
        entry=transaction_type,
        data=data,
        fields=TRANSACTION_TYPE_FIELDS,
        verb="transaction_type.update",
    )


def _check_question(rule: ExclusionRule) -> None:
    errors = {}
    for name in ("question_ja", "question_en"):
        asked = rule.code in QUESTION_RULE_CODES
        if asked and not getattr(rule, name).strip():
            errors[name] = _("Screening asks about this rule: give its yes/no question.")
        elif not asked and getattr(rule, name).strip():
            errors[name] = _(
                "Screening decides this rule from the catalog, not by a question: leave it empty."
            )
    if errors:
        raise ValidationError(errors)


def exclusion_rule_create(*, actor: User, data: dict[str, Any]) -> ExclusionRule:
    """Add an exclusion rule, or a version of one for days no other version covers; screening
    applies it to contracts planned on the days it is in force."""
    entry = ExclusionRule(**{k: v for k, v in data.items() if k in EXCLUSION_RULE_FIELDS})
    return _entry_create(
        actor=actor,
        entry=entry,
        fields=EXCLUSION_RULE_FIELDS,
        verb="exclusion_rule.create",
        check=_check_question,
    )


def exclusion_rule_update(
    *, actor: User, rule: ExclusionRule, data: dict[str, Any]
) -> ExclusionRule:
    """Edit a version's texts or period (its code never); a last day retires it."""
    return _entry_update(
        actor=actor,
        entry=rule,
        data=data,
        fields=EXCLUSION_RULE_FIELDS,
        verb="exclusion_rule.update",
        check=_check_question,
    )


# The reason an administrator gives for changing a country's flag (kept in the audit trail).
COUNTRY_REASON_MAX_LENGTH = 1000


def country_set_exempt(*, actor: User, country: Country, exempt: bool, reason: str) -> Country:
    """Set whether prior reports are needed for transfers to this country, with the reason
    (audited: screening answers change from now on)."""
    with transaction.atomic():
        country = Country.objects.select_for_update().get(pk=country.pk)
        if country.prior_report_exempt == exempt:
            return country
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": _("Give the reason for the change.")})
        if len(reason) > COUNTRY_REASON_MAX_LENGTH:
            raise ValidationError(
                {
                    "reason": _("Shorten this text to %(limit)s characters at most.")
                    % {"limit": COUNTRY_REASON_MAX_LENGTH}
                }
            )
        before = country.prior_report_exempt
        country.prior_report_exempt = exempt
        country.save(update_fields=["prior_report_exempt"])
        audit_record(
            actor=actor,
            verb="country.set_exempt",
            target=country,
            payload={
                "before": {"prior_report_exempt": before},
                "after": {"prior_report_exempt": exempt},
                "reason": reason,
            },
        )
    return country
