"""Writes of the catalog: technologies and country flags, each change audited with before/after."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import User
from portal.services import audit_record

from . import selectors
from .models import Country, Technology

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


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def technology_snapshot(technology: Technology) -> dict[str, Any]:
    """The audited values of a technology version (dates as ISO strings, division by code)."""
    values: dict[str, Any] = {}
    for name in CREATE_FIELDS:
        if name == "division":
            values[name] = technology.division.code if technology.division_id else None
        else:
            values[name] = _jsonable(getattr(technology, name))
    return values


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    changed = [name for name in after if before.get(name) != after[name]]
    return {
        "before": {name: before.get(name) for name in changed},
        "after": {name: after[name] for name in changed},
    }


def _clean_fields(technology: Technology) -> None:
    """Field-level checks (required, lengths, choices, types); raises a field dict."""
    technology.clean_fields()


def _check_period(technology: Technology) -> None:
    if technology.effective_to is not None and technology.effective_to < technology.effective_from:
        raise ValidationError(
            {"effective_to": _("The last day in force cannot be before the first day in force.")}
        )


def _check_no_overlap(technology: Technology) -> None:
    # Lock the other versions of the code so that two administrators cannot both add a
    # version for the same days (a no-op on SQLite, which serialises writers anyway).
    list(Technology.objects.select_for_update().filter(code=technology.code))
    other = selectors.technology_overlapping_version(
        code=technology.code,
        effective_from=technology.effective_from,
        effective_to=technology.effective_to,
        exclude_pk=technology.pk,
    )
    if other is not None:
        raise ValidationError(
            {
                "effective_from": _(
                    "Another version of “%(code)s” is in force during this period "
                    "(from %(start)s until %(end)s). Two versions of one technology cannot "
                    "be in force on the same day."
                )
                % {
                    "code": technology.code,
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


def country_set_exempt(*, actor: User, country: Country, exempt: bool) -> Country:
    """Set whether prior reports are needed for transfers to this country."""
    with transaction.atomic():
        country = Country.objects.select_for_update().get(pk=country.pk)
        if country.prior_report_exempt == exempt:
            return country
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
            },
        )
    return country
