"""Reading METI's End User List from the file an administrator uploads (xlsx or CSV).

Tolerant by design: a row that cannot be read is reported with its row number and left out;
the rest is kept. Headers are found by name (English or Japanese, as METI publishes both),
in any column order, on any of the first rows. CSV may be UTF-8 (with or without a BOM) or
Shift_JIS/cp932, which Japanese Excel writes.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pycountry
from django.utils.translation import gettext_lazy as _

from .normalise import normalise_name

# Header words that name each column (compared after NFKC and casefold, as substrings).
COLUMN_HEADERS = {
    "country": ("country", "国名", "国・地域", "国/地域", "国"),
    "name": ("company", "organization", "organisation", "企業名", "組織名", "名称"),
    "aka": ("also known as", "aka", "別名"),
    "concern": ("type of wmd", "type of concern", "concern", "懸念区分", "懸念"),
}
# Also-known-as names in one cell are separated by these (the published list uses ", " and
# "/" in English and "、" in Japanese; some cells put one name per line).
AKA_SEPARATORS = ("\n", ";", "；", "、", "/", "／", "|")
# Names the published list uses that neither ISO nor the catalog gives.
LIST_COUNTRY_NAMES = {"UAE": "AE", "U.A.E.": "AE", "Republic of Korea": "KR"}
HEADER_SEARCH_ROWS = 10
MAX_ROWS = 20_000
NAME_MAX_LENGTH = 500


class ListFileError(Exception):
    """The file as a whole cannot be read (not xlsx nor CSV, no header row)."""


@dataclass
class ParsedEntry:
    row_number: int
    country_code: str
    name: str
    aka_names: list[str]
    concern: str
    normalised_names: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.country_code}:{self.normalised_names[0]}"

    def content(self) -> dict[str, Any]:
        """What a change between versions compares."""
        return {"name": self.name, "aka_names": self.aka_names, "concern": self.concern}


@dataclass
class ParseResult:
    entries: list[ParsedEntry]
    problems: list[dict[str, Any]]


def _fold(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip().casefold()


def country_lookup() -> dict[str, str]:
    """Every way the catalog names a country (code, English and Japanese names, other names),
    folded, to its code."""
    from catalog.models import Country

    names: dict[str, str] = {}
    for code, name_en, name_ja, aliases in Country.objects.values_list(
        "code", "name_en", "name_ja", "aliases"
    ):
        iso = pycountry.countries.get(alpha_2=code)
        # ISO's short names ("Iran, Islamic Republic of") are not how the list writes them.
        common = (getattr(iso, "common_name", ""), getattr(iso, "official_name", ""))
        for name in (code, name_en, name_ja, *(aliases or []), *common):
            if name:
                names.setdefault(_fold(name), code)
    for name, code in LIST_COUNTRY_NAMES.items():
        if code in names.values():
            names.setdefault(_fold(name), code)
    return names


def _rows_from_xlsx(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    # openpyxl raises many kinds of error for a damaged workbook, while opening or reading.
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    except Exception as exc:
        raise ListFileError(
            _("The spreadsheet cannot be opened: %(error)s") % {"error": exc.__class__.__name__}
        ) from exc


def _decode_csv(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp932")
    except UnicodeDecodeError as exc:
        raise ListFileError(
            _("The CSV file is neither UTF-8 nor Shift_JIS; save it again as UTF-8 CSV.")
        ) from exc


def _rows_from_csv(content: bytes) -> Iterator[list[Any]]:
    text = _decode_csv(content)
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise ListFileError(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for position, cell in enumerate(row):
            text = _fold(cell)
            if not text:
                continue
            for column, words in COLUMN_HEADERS.items():
                if column not in columns and any(w in text for w in words):
                    columns[column] = position
                    break
        if "country" in columns and "name" in columns:
            return index, columns
    return None


def split_aka(value: Any) -> list[str]:
    text = str(value or "").strip()
    if not text:
        return []
    for separator in AKA_SEPARATORS:
        text = text.replace(separator, "\n")
    names = []
    for part in text.split("\n"):
        part = part.strip().strip(",").strip()
        if part and part not in names:
            names.append(part)
    return names


def _cell(row: list[Any], position: int | None) -> Any:
    if position is None or position >= len(row):
        return None
    return row[position]


def parse_rows(rows: Iterable[list[Any]], countries: dict[str, str]) -> ParseResult:
    """Entries and problems from the file's rows (row numbers as the spreadsheet shows them)."""
    rows = list(rows)
    header = _find_header(rows)
    if header is None:
        raise ListFileError(
            _(
                "No header row found: the first rows must name at least the country and the "
                "company or organisation columns."
            )
        )
    header_index, columns = header
    entries: list[ParsedEntry] = []
    problems: list[dict[str, Any]] = []
    seen: dict[str, int] = {}

    def problem(row_number: int, message: Any) -> None:
        problems.append({"row": row_number, "message": str(message)})

    for index in range(header_index + 1, len(rows)):
        row_number = index + 1
        row = rows[index]
        if not any(str(c or "").strip() for c in row):
            continue  # blank lines between blocks are not errors
        if len(entries) >= MAX_ROWS:
            problem(
                row_number,
                _("The file has more rows than the importer reads (%(max)s).") % {"max": MAX_ROWS},
            )
            break
        country_text = str(_cell(row, columns["country"]) or "").strip()
        name = " ".join(str(_cell(row, columns["name"]) or "").split())
        if not name:
            problem(row_number, _("The company or organisation name is missing."))
            continue
        if len(name) > NAME_MAX_LENGTH:
            problem(
                row_number,
                _("The name is longer than %(max)s characters.") % {"max": NAME_MAX_LENGTH},
            )
            continue
        if not country_text:
            problem(row_number, _("The country is missing."))
            continue
        code = countries.get(_fold(country_text))
        if code is None:
            problem(
                row_number,
                _("“%(country)s” is not a country the portal knows.")
                % {"country": country_text[:60]},
            )
            continue
        akas = [a[:NAME_MAX_LENGTH] for a in split_aka(_cell(row, columns.get("aka")))]
        concern = " ".join(str(_cell(row, columns.get("concern")) or "").split())[:200]
        entry = ParsedEntry(row_number, code, name, [a for a in akas if a != name], concern)
        # One per name, in the order [name, *aka_names], so that screening tells which
        # written name matched by position.
        entry.normalised_names = [normalise_name(n) for n in [name, *entry.aka_names]]
        if entry.key in seen:
            problem(
                row_number,
                _("The same company and country as row %(row)s.") % {"row": seen[entry.key]},
            )
            continue
        seen[entry.key] = row_number
        entries.append(entry)
    return ParseResult(entries, problems)


def parse_file(name: str, content: bytes, countries: dict[str, str]) -> ParseResult:
    """Parse an uploaded list; xlsx is recognised by its content (a zip), anything else is CSV."""
    rows: Iterable[list[Any]]
    if zipfile.is_zipfile(io.BytesIO(content)):
        rows = _rows_from_xlsx(content)
    elif name.lower().endswith((".xlsx", ".xlsm")):
        raise ListFileError(_("The file is named .xlsx but is not a spreadsheet."))
    else:
        rows = _rows_from_csv(content)
    return parse_rows(rows, countries)


@dataclass
class Diff:
    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    changed: list[dict[str, Any]]

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
        }


def diff_entries(old: Iterable[dict[str, Any]], new: Iterable[dict[str, Any]]) -> Diff:
    """Added, removed and changed entries between two versions; each entry a dict with `key`,
    `country`, `name`, `aka_names`, `concern`. An entry is the same from one version to the next
    when its country and normalised name are."""
    before = {e["key"]: e for e in old}
    after = {e["key"]: e for e in new}
    fields = ("name", "aka_names", "concern")
    added = [after[k] for k in after if k not in before]
    removed = [before[k] for k in before if k not in after]
    changed = []
    for key in after:
        if key in before:
            differences = [f for f in fields if before[key][f] != after[key][f]]
            if differences:
                changed.append({"old": before[key], "new": after[key], "fields": differences})
    return Diff(added, removed, changed)
