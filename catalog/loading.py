"""Loads fixtures/catalog.json and the ISO country list; only adds what is missing (and keeps
the countries' names as fixtures/countries.json corrects them).

Re-running never overwrites what administrators changed in the portal (names, scope, dates,
transaction types, exclusion rules, country flags): `make run` calls this on every start. A
code with any version in the database is left alone, so a retired one stays retired.
"""

from __future__ import annotations

import gettext
import json
from pathlib import Path

import pycountry
from django.conf import settings
from django.db import transaction

from portal.models import Division

from .kana import reading_of
from .models import Country, ExclusionRule, Technology, TransactionType

CATALOG_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "catalog.json"


COUNTRIES_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "countries.json"
COUNTRY_FIELDS = ("name_en", "name_ja", "name_ja_reading", "aliases")


def iso_countries(overrides: dict | None = None) -> list[dict]:
    """Every ISO 3166-1 country with its English and Japanese name from pycountry, corrected
    by `overrides` (fixtures/countries.json: names, the reading of a name with kanji, other
    names), each with its katakana reading."""
    ja = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ja"], fallback=True)
    rows = []
    for c in pycountry.countries:
        override = (overrides or {}).get(c.alpha_2, {})
        name_en = override.get("name_en") or getattr(c, "common_name", None) or c.name
        name_ja = override.get("name_ja") or ja.gettext(c.name)
        rows.append(
            {
                "code": c.alpha_2,
                "name_en": name_en,
                "name_ja": name_ja,
                "name_ja_reading": override.get("reading") or reading_of(name_ja),
                "aliases": list(override.get("aliases", [])),
            }
        )
    return rows


def country_overrides(path: Path = COUNTRIES_FIXTURE) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))["countries"]


@transaction.atomic
def load_catalog(path: Path = CATALOG_FIXTURE) -> dict[str, int]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    counts = {
        "divisions": 0,
        "technologies": 0,
        "transaction_types": 0,
        "exclusion_rules": 0,
        "countries": 0,
    }
    divisions = {}
    for row in data["divisions"]:
        division, created = Division.objects.get_or_create(code=row["code"], defaults=row)
        divisions[row["code"]] = division
        counts["divisions"] += created
    defaults = data.get("technology_defaults", {})
    for row in data["technologies"]:
        if Technology.objects.filter(code=row["code"]).exists():
            continue
        values = {**defaults, **row, "division": divisions[row["division"]]}
        Technology.objects.create(**values)
        counts["technologies"] += 1
    for model, key in ((TransactionType, "transaction_type"), (ExclusionRule, "exclusion_rule")):
        defaults = data.get(f"{key}_defaults", {})
        known = set(model.objects.values_list("code", flat=True))
        for row in data.get(f"{key}s", []):
            if row["code"] not in known:
                model.objects.create(**{**defaults, **row})
                counts[f"{key}s"] += 1
    exempt = set(data.get("exempt_countries", []))
    existing = {c.code: c for c in Country.objects.all()}
    new, renamed = [], []
    for row in iso_countries(country_overrides()):
        country = existing.get(row["code"])
        if country is None:
            new.append(Country(**row, prior_report_exempt=row["code"] in exempt))
        elif any(getattr(country, name) != row[name] for name in COUNTRY_FIELDS):
            # Names are reference data (administrators change only the exempt flag): a
            # corrected name or reading reaches databases loaded before the correction.
            for name in COUNTRY_FIELDS:
                setattr(country, name, row[name])
            renamed.append(country)
    Country.objects.bulk_create(new)
    Country.objects.bulk_update(renamed, COUNTRY_FIELDS)
    counts["countries"] = len(new)
    return counts
