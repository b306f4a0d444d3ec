"""Reads of the End User List and of matches, always scoped to who may see them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from portal.models import User
from reports import lifecycle

from .importer import Diff, diff_entries
from .models import Adjudication, Entry, ListVersion, Match, VersionStatus


def version_in_force() -> ListVersion | None:
    """The applied version with the highest number, or None before the first is applied."""
    return (
        ListVersion.objects.filter(status=VersionStatus.APPLIED, number__isnull=False)
        .order_by("-number")
        .first()
    )


def versions_all() -> QuerySet[ListVersion]:
    """Every version, newest upload first (administrators' page and API)."""
    return ListVersion.objects.select_related("uploaded_by", "applied_by").order_by(
        "-uploaded_at", "-id"
    )


def version_get(version_id: int | str) -> ListVersion:
    try:
        return versions_all().get(pk=int(version_id))
    except (ListVersion.DoesNotExist, ValueError, TypeError):
        raise Http404("No such version.") from None


def _entry_dicts(version: ListVersion | None) -> list[dict[str, Any]]:
    if version is None:
        return []
    rows = (
        Entry.objects.filter(version=version)
        .order_by("row_number")
        .values("key", "country_id", "name", "aka_names", "concern", "row_number")
    )
    return [dict(row) for row in rows]


def version_diff(version: ListVersion, base: ListVersion | None) -> Diff:
    """What applying `version` changes against `base` (the version in force)."""
    return diff_entries(_entry_dicts(base), _entry_dicts(version))


def entries_of(version: ListVersion) -> QuerySet[Entry]:
    return Entry.objects.filter(version=version).select_related("country").order_by("row_number")


def can_see_matches(user: User | None, report: Any) -> bool:
    """Matches and adjudications are for the officers and supervisors of the report's
    responsible division only (lifecycle's `officer` actor); never for the company."""
    return bool(lifecycle.officer(report, user))


def matches_of_report(user: User | None, report: Any) -> list[Match]:
    """The report's candidate matches, pending first and best score first; nothing for anyone
    who may not see them."""
    if not can_see_matches(user, report):
        return []
    return sorted(matches_queryset(report), key=lambda m: m.decision != Adjudication.PENDING)


def matches_queryset(report: Any) -> QuerySet[Match]:
    """The report's matches, latest list version and best score first; callers check
    `can_see_matches` first."""
    return (
        Match.objects.filter(report_id=report.pk)
        .select_related("entry", "entry__country", "version", "adjudicated_by")
        .order_by("-version__number", "-score", "id")
    )


def match_for_user(user: User | None, match_id: int | str) -> Match:
    """A match whose report the user may see the matches of; 404 otherwise."""
    try:
        match = Match.objects.select_related("report", "entry", "version").get(pk=int(match_id))
    except (Match.DoesNotExist, ValueError, TypeError):
        raise Http404("No such match.") from None
    if not can_see_matches(user, match.report):
        raise Http404("No such match.")
    return match
