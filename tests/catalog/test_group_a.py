"""The exempt flag ships set on exactly the Group A countries (グループA国), 輸出貿易管理令別表第3.

The list is the Export Trade Control Order's Appended Table 3 as amended in 2023, when the
Republic of Korea was added back (effective 2023-07-21): 27 countries. domain.md makes the
flag editable data (DESTINATION_EXEMPT); this is what `make run` loads before anyone edits it.
"""

import json

import pycountry
import pytest

from catalog.loading import CATALOG_FIXTURE
from catalog.models import Country

GROUP_A = {
    "AR": "Argentina",
    "AT": "Austria",
    "AU": "Australia",
    "BE": "Belgium",
    "BG": "Bulgaria",
    "CA": "Canada",
    "CH": "Switzerland",
    "CZ": "Czech Republic",
    "DE": "Germany",
    "DK": "Denmark",
    "ES": "Spain",
    "FI": "Finland",
    "FR": "France",
    "GB": "United Kingdom",
    "GR": "Greece",
    "HU": "Hungary",
    "IE": "Ireland",
    "IT": "Italy",
    "KR": "Republic of Korea",
    "LU": "Luxembourg",
    "NL": "Netherlands",
    "NO": "Norway",
    "NZ": "New Zealand",
    "PL": "Poland",
    "PT": "Portugal",
    "SE": "Sweden",
    "US": "United States",
}

# EU, EEA or OECD members and close partners that are not in Appended Table 3.
EASILY_TAKEN_FOR_GROUP_A = ("IS", "EE", "LT", "LV", "SK", "SI", "MT", "CY", "HR", "RO", "IL", "MX")
# And the destinations most reports name.
COMMON_DESTINATIONS = ("CN", "TW", "HK", "SG", "VN", "TH", "MY", "ID", "IN", "PH")


def test_group_a_has_27_countries():
    assert len(GROUP_A) == 27
    for code, name in GROUP_A.items():
        assert pycountry.countries.get(alpha_2=code) is not None, name


def test_fixture_lists_exactly_group_a():
    data = json.loads(CATALOG_FIXTURE.read_text(encoding="utf-8"))
    exempt = data["exempt_countries"]
    assert len(exempt) == len(set(exempt)) == 27
    assert set(exempt) == set(GROUP_A)


@pytest.mark.django_db
def test_loaded_catalog_flags_group_a_and_nothing_else(catalog):
    flagged = set(Country.objects.filter(prior_report_exempt=True).values_list("code", flat=True))
    assert flagged == set(GROUP_A)
    others = Country.objects.exclude(code__in=GROUP_A)
    assert others.count() == len(pycountry.countries) - 27
    assert not others.filter(prior_report_exempt=True).exists()
    for code in EASILY_TAKEN_FOR_GROUP_A + COMMON_DESTINATIONS:
        assert Country.objects.get(code=code).prior_report_exempt is False, code
