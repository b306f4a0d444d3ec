"""Screening counterparties against the End User List version in force.

A report is screened once per version (ScreeningRun, unique on version and report): on submit,
for every open report when a new version is applied, and by the sweep for any open report the
first two missed (broker down, worker restarted). The claim of a report for a version and its
matches are written in one transaction, so a rerun or a second worker adds nothing.
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz, process

from portal.services import notify_many
from portal.text import lazy_format
from reports.lifecycle import OPEN_STATUSES, DivisionStaff, report_url
from reports.models import Report

from .models import Entry, ListVersion, Match, ScreeningRun
from .normalise import compact, normalise_name
from .selectors import version_in_force

logger = logging.getLogger(__name__)

BATCH_SIZE = 500


def match_threshold() -> float:
    """The lowest score that makes a candidate (settings.END_USER_MATCH_THRESHOLD, 0–100)."""
    return float(settings.END_USER_MATCH_THRESHOLD)


@dataclass(frozen=True)
class Candidate:
    entry_id: int
    score: float
    counterparty_name: str
    entry_name: str


class CountryList:
    """One version's entries of one country, ready for rapidfuzz: every name of every entry
    (normalised at import) in one list, and the same without spaces."""

    def __init__(self, entries: Iterable[tuple[int, str, list[str], list[str]]]):
        self.names: list[str] = []
        self.compact_names: list[str] = []
        self.owner: list[tuple[int, str]] = []  # (entry id, the name as written)
        for entry_id, name, akas, normalised in entries:
            # normalised_names is aligned with [name, *akas] (endusers.importer).
            for written, normal in zip([name, *akas], normalised, strict=False):
                self.names.append(normal)
                self.compact_names.append(compact(normal))
                self.owner.append((entry_id, written))

    def candidates(self, names: Sequence[str], threshold: float) -> list[Candidate]:
        """The entries whose best score against any of `names` (as written) reaches the
        threshold, best first."""
        best: dict[int, Candidate] = {}
        for written in names:
            query = normalise_name(written)
            if not query:
                continue
            hits = process.extract(
                query, self.names, scorer=fuzz.token_sort_ratio, score_cutoff=threshold, limit=None
            )
            hits += process.extract(
                compact(query),
                self.compact_names,
                scorer=fuzz.ratio,
                score_cutoff=threshold,
                limit=None,
            )
            for _choice, score, index in hits:
                entry_id, entry_name = self.owner[index]
                known = best.get(entry_id)
                if known is None or score > known.score:
                    best[entry_id] = Candidate(entry_id, float(score), written, entry_name)
        return sorted(best.values(), key=lambda c: (-c.score, c.entry_id))


# A worker keeps the version in force's entries, by country, between tasks: a version's entries
# never change once uploaded (nothing edits them), so they are read from the database once per
# version and worker process, not once per report. Only the latest version is kept.
_loaded: dict[int, dict[str, CountryList]] = {}


class Screener:
    """A version's entries loaded once per country, for many reports."""

    def __init__(self, version: ListVersion):
        self.version = version
        self.threshold = match_threshold()
        if version.pk not in _loaded:
            _loaded.clear()
            _loaded[version.pk] = {}
        self._countries = _loaded[version.pk]

    def load(self, country_codes: Iterable[str]) -> None:
        missing = {c for c in country_codes if c and c not in self._countries}
        if not missing:
            return
        rows: dict[str, list] = {code: [] for code in missing}
        for entry_id, country, name, akas, normalised in Entry.objects.filter(
            version=self.version, country_id__in=missing
        ).values_list("id", "country_id", "name", "aka_names", "normalised_names"):
            rows[country].append((entry_id, name, akas or [], normalised))
        for code, entries in rows.items():
            self._countries[code] = CountryList(entries)

    def candidates(self, country_code: str | None, names: Sequence[str]) -> list[Candidate]:
        """The country must agree: only that country's entries are compared."""
        if not country_code:
            return []
        self.load([country_code])
        return self._countries[country_code].candidates(names, self.threshold)


# Between the counterparty's other names as the exporter writes them (report form help text).
_OTHER_NAMES_SEPARATORS = re.compile(r"[;；、\r\n]+")
# A comma may separate two names or sit inside one ("Example Co., Ltd."): both are screened.
_COMMAS = re.compile(r"[,，]+")


def split_other_names(text: str) -> list[str]:
    """The names in the counterparty's other names: split on semicolons (half- and full-width),
    the ideographic comma and line breaks; a part with a comma is screened whole and also as
    its comma-separated pieces. In order, without repeats."""
    names: list[str] = []
    for part in _OTHER_NAMES_SEPARATORS.split(text or ""):
        pieces = [part, *_COMMAS.split(part)] if _COMMAS.search(part) else [part]
        for piece in pieces:
            piece = piece.strip()
            if piece and piece not in names:
                names.append(piece)
    return names


def counterparty_names(report: Report) -> list[str]:
    """The names screened: the counterparty's name and each of its other names."""
    names = [report.counterparty_name.strip()] if report.counterparty_name.strip() else []
    names += [n for n in split_other_names(report.counterparty_other_names) if n not in names]
    return names


def names_digest(country_code: str | None, name: str, other_names: str = "") -> str:
    """What was screened: the counterparty's country, name and other names. An amendment that
    changes any of them changes the digest, and the report is screened again
    (ScreeningRun.names_digest). Without other names, the digest is that of marks made before
    the report had the field."""
    text = f"{country_code or ''}|{name or ''}"
    if other_names:
        text += f"|{other_names}"
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def report_names_digest(report: Report) -> str:
    return names_digest(
        report.counterparty_country_id, report.counterparty_name, report.counterparty_other_names
    )


# The columns screening reads of a report (the claim, the compare and the notification).
_REPORT_FIELDS = (
    "id",
    "reference",
    "status",
    "counterparty_name",
    "counterparty_other_names",
    "counterparty_country_id",
    "responsible_division_id",
    "assigned_officer_id",
)


def _claim(version_id: int, reports: list[Report]) -> dict[int, int]:
    """Mark these reports as screened against the version with their counterparty as read;
    {report id: run id} of the marks this call made (a report already screened so is left
    out). The marks are inserted with a token of this call, conflicts on the unique (version,
    report, names digest) ignored, and read back by the token. On PostgreSQL a concurrent
    claim of the same report waits until the first commits, then finds it taken, so two
    workers never both screen it; SQLite writes one transaction at a time."""
    if not reports:
        return {}
    token = uuid.uuid4()
    ScreeningRun.objects.bulk_create(
        [
            ScreeningRun(
                version_id=version_id,
                report_id=report.pk,
                names_digest=report_names_digest(report),
                claim=token,
            )
            # In report order, so that concurrent claims take their row locks in one order.
            for report in sorted(reports, key=lambda r: r.pk)
        ],
        ignore_conflicts=True,
    )
    return dict(
        ScreeningRun.objects.filter(
            version_id=version_id, report_id__in=[r.pk for r in reports], claim=token
        ).values_list("report_id", "id")
    )


@transaction.atomic
def reports_screen(*, version_id: int, report_ids: Sequence[int]) -> int:
    """Screen these reports (the open ones not yet screened against this version) against it;
    record each candidate as a Match and tell the division. Returns the matches recorded."""
    version = version_in_force()
    if version is None or version.pk != version_id:
        return 0  # not applied, or a newer version was applied since: its screening covers it
    reports = list(
        Report.objects.filter(pk__in=sorted(set(report_ids)), status__in=OPEN_STATUSES)
        .order_by("pk")
        .only(*_REPORT_FIELDS)
    )
    claimed = _claim(version.pk, reports)
    if not claimed:
        return 0
    # Screened as read: the names screened are those the claim's digest was made of.
    reports = [r for r in reports if r.pk in claimed]
    screener = Screener(version)
    screener.load({r.counterparty_country_id for r in reports if r.counterparty_country_id})
    matches: list[Match] = []
    found: dict[int, int] = {}
    for report in reports:
        for c in screener.candidates(report.counterparty_country_id, counterparty_names(report)):
            matches.append(
                Match(
                    report_id=report.pk,
                    entry_id=c.entry_id,
                    version=version,
                    score=Decimal(str(round(c.score, 2))),
                    counterparty_name=c.counterparty_name[:500],
                    entry_name=c.entry_name[:500],
                )
            )
            found[report.pk] = found.get(report.pk, 0) + 1
    # An amended counterparty may match an entry it matched before: that record stays as is.
    Match.objects.bulk_create(matches, ignore_conflicts=True, batch_size=1000)
    for report_id, count in found.items():
        ScreeningRun.objects.filter(pk=claimed[report_id]).update(match_count=count)
    _tell_divisions([r for r in reports if r.pk in found], found, version)
    return len(matches)


def _tell_divisions(reports: list[Report], found: dict[int, int], version: ListVersion) -> None:
    """The division's deciders hear of new candidates; the company never does."""
    if not reports:
        return
    staff = DivisionStaff({r.responsible_division_id for r in reports})
    notify_many(
        {
            "recipients": staff.deciders(report),
            "verb": "enduser.match",
            "title": lazy_format(
                _("%(reference)s: possible End User List match"),
                {"reference": report.reference},
            ),
            "body": lazy_format(
                _(
                    "Candidates found: %(count)s (End User List version %(version)s). "
                    "Adjudicate each on the report page."
                ),
                {"count": found[report.pk], "version": version.number},
            ),
            "url": report_url(report) + "#end-user-matches",
        }
        for report in reports
    )


def open_report_ids_unscreened(version: ListVersion, limit: int, chunk: int = 2000) -> list[int]:
    """Open reports not yet screened against this version with their counterparty as it is
    now (never screened, or amended since), oldest first: open reports are read a chunk at a
    time and their digests compared with the version's marks of that chunk."""
    found: list[int] = []
    after = 0
    while len(found) < limit:
        rows = list(
            Report.objects.filter(status__in=OPEN_STATUSES, pk__gt=after)
            .order_by("pk")
            .values_list(
                "pk", "counterparty_country_id", "counterparty_name", "counterparty_other_names"
            )[:chunk]
        )
        if not rows:
            break
        after = rows[-1][0]
        screened = set(
            ScreeningRun.objects.filter(
                version=version, report_id__in=[row[0] for row in rows]
            ).values_list("report_id", "names_digest")
        )
        found.extend(
            pk
            for pk, country, name, others in rows
            if (pk, names_digest(country, name, others)) not in screened
        )
    return found[:limit]


def open_report_ids() -> list[int]:
    return list(
        Report.objects.filter(status__in=OPEN_STATUSES).order_by("pk").values_list("pk", flat=True)
    )


def batches(ids: Sequence[int], size: int = BATCH_SIZE) -> list[list[int]]:
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]
