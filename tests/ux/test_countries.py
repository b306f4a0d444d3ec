"""The country picker: type-ahead on Japanese, English and ISO code that works without script,
五十音 order in Japanese, and names corrected to Japanese official usage as data."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from catalog.forms import CountryField
from catalog.kana import KATAKANA, gojuon_key
from catalog.loading import load_catalog
from catalog.models import Country
from catalog.selectors import country_from_text, destination_countries
from reports.forms import ReportForm, ScreeningForm

pytestmark = pytest.mark.django_db

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "countries.json"


@pytest.mark.parametrize(
    "typed", ["中国", "China", "CN", "cn", "ＣＮ", "中国 (CN)", "中華人民共和国"]
)
def test_a_country_is_understood_in_japanese_english_or_by_code(catalog, typed):
    assert CountryField().clean(typed) == "CN"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("韓国", "KR"),
        ("大韓民国", "KR"),
        ("イギリス", "GB"),
        ("UK", "GB"),
        ("米国", "US"),
        ("ジョージア", "GE"),
        ("グルジア", "GE"),
        ("Viet Nam", "VN"),
        ("ベトナム", "VN"),
    ],
)
def test_other_names_people_type(catalog, typed, code):
    assert country_from_text(typed).code == code


def test_unknown_text_and_japan_are_refused_with_a_plain_message(catalog):
    field = CountryField()
    with translation.override("en"):
        for text, words in (("Atlantis", "No country is called"), ("日本", "not Japan")):
            with pytest.raises(Exception) as refused:
                field.clean(text)
            assert words in " ".join(refused.value.messages)


def test_japanese_names_follow_official_usage(catalog):
    names = {c.code: c.name_ja for c in Country.objects.all()}
    assert names["GE"] == "ジョージア" and names["TZ"] == "タンザニア" and names["TW"] == "台湾"
    assert not [n for n in names.values() if "グルジア" in n or "タニザニア" in n]


def test_corrections_are_data_and_reach_a_database_loaded_before(catalog):
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))["countries"]
    assert data["GE"]["name_ja"] == "ジョージア"
    Country.objects.filter(code="GE").update(name_ja="グルジア", prior_report_exempt=True)
    load_catalog()
    georgia = Country.objects.get(code="GE")
    assert georgia.name_ja == "ジョージア"
    assert georgia.prior_report_exempt is True  # the administrators' flag is kept


def test_every_country_has_a_katakana_reading(catalog):
    missing = [c.code for c in Country.objects.all() if not KATAKANA.fullmatch(c.name_ja_reading)]
    assert not missing


def test_japanese_list_is_in_gojuon_order_and_english_alphabetical(catalog):
    with translation.override("ja"):
        names = [c.name_ja for c in destination_countries()]
    assert names.index("アイスランド") < names.index("アメリカ合衆国") < names.index("韓国")
    assert names.index("韓国") < names.index("中国") < names.index("ベトナム")
    assert "日本" not in names
    readings = [c.name_ja_reading for c in destination_countries()]
    assert readings == sorted(readings, key=gojuon_key)
    with translation.override("en"):
        english = [c.name_en for c in destination_countries()]
    assert english == sorted(english, key=str.casefold)


def test_gojuon_key_orders_voiced_and_long_vowels_as_a_dictionary_does():
    words = ["コスタリカ", "コートジボワール", "ガーナ", "カナダ", "ガボン"]
    assert sorted(words, key=gojuon_key) == [
        "ガーナ",
        "カナダ",
        "ガボン",
        "コートジボワール",
        "コスタリカ",
    ]


def test_the_picker_is_a_text_box_with_suggestions_and_no_script(catalog):
    with translation.override("ja"):
        html = str(ScreeningForm()["destination_country"])
    assert 'type="text"' in html and 'list="id_destination_country-countries"' in html
    assert '<datalist id="id_destination_country-countries">' in html
    assert 'value="中国 (CN)" label="China' in html and "<script" not in html
    with translation.override("ja"):
        form = ReportForm(initial={"counterparty_country": "VN"})
        assert 'value="ベトナム (VN)"' in str(form["counterparty_country"])


def test_screening_and_report_forms_clean_to_the_code(catalog):
    form = ReportForm(data={"counterparty_country": "ベトナム"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["counterparty_country"] == "VN"
    bad = ReportForm(data={"counterparty_country": "Atlantis"})
    assert not bad.is_valid() and "counterparty_country" in bad.errors
    assert bad["counterparty_country"].value() == "Atlantis"  # what was typed is kept
