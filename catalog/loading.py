"""Loads fixtures/catalog.json and the ISO country list; only adds what is missing.

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

from .models import Country, ExclusionRule, Technology, TransactionType

CATALOG_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "catalog.json"


def iso_countries(overrides: dict | None = None) -> list[dict]:
    """Every ISO 3166-1 country with its English and Japanese name, from pycountry."""
    ja = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ja"], fallback=True)
    rows = []
    for c in pycountry.countries:
        name_en = getattr(c, "common_name", None) or c.name
        row = {"code": c.alpha_2, "name_en": name_en, "name_ja": ja.gettext(c.name)}
        row.update((overrides or {}).get(c.alpha_2, {}))
        rows.append(row)
    return rows


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
    existing = set(Country.objects.values_list("code", flat=True))
    new = [
        Country(**row, prior_report_exempt=row["code"] in exempt)
        for row in iso_countries(data.get("country_name_overrides"))
        if row["code"] not in existing
    ]
    Country.objects.bulk_create(new)
    counts["countries"] = len(new)
    return counts
