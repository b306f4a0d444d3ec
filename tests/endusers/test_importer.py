"""The importer: encodings and formats, unreadable rows with their numbers, the diff, confirm."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from openpyxl import Workbook

from endusers import selectors, services
from endusers.models import Entry, ListVersion, VersionStatus
from portal.errors import InvalidTransition
from portal.models import AuditRecord

from .helpers import HEADER, apply_list, sample_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalog_in_english(catalog):
    with translation.override("en"):
        yield catalog


def test_the_sample_reads_whole(administrator):
    version = upload(administrator, sample_bytes(), "end_user_list_sample.csv")
    assert version.status == VersionStatus.PREVIEW
    assert version.problems == []
    assert version.entry_count == 12
    entry = Entry.objects.get(version=version, row_number=2)
    assert (entry.country_id, entry.name) == ("CN", "Shanghai Demo Electronics Co.，Ltd.")
    assert entry.aka_names == ["上海演示电子有限公司"]
    assert entry.concern == "Missile, Nuclear"
    assert entry.normalised_names == ["shanghai demo electronics", "上海演示电子"]
    # The list's country names, not ISO's: Iran, North Korea, Russia, Syria, Taiwan.
    assert set(Entry.objects.filter(version=version).values_list("country_id", flat=True)) >= {
        "IR",
        "KP",
        "RU",
        "SY",
        "TW",
        "AE",
        "HK",
    }


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: text.encode("utf-8-sig"),
        lambda text: text.encode("cp932"),
    ],
    ids=["utf-8", "utf-8 with BOM", "shift_jis"],
)
def test_csv_encodings(administrator, encode):
    text = "国名,企業名,別名,懸念区分\n中国,株式会社サンプル商事,サンプル・トレーディング、見本商事,ミサイル\n"
    version = upload(administrator, encode(text))
    entry = version.entries.get()
    assert (entry.country_id, entry.name) == ("CN", "株式会社サンプル商事")
    assert entry.aka_names == ["サンプル・トレーディング", "見本商事"]
    assert entry.concern == "ミサイル"


def test_xlsx_with_a_title_row_and_columns_in_another_order(administrator):
    book = Workbook()
    sheet = book.active
    sheet.append(["外国ユーザーリスト (sample)"])
    sheet.append(["Type of WMD", "Company or Organization", "Country or Region", "Also Known As"])
    sheet.append(["Missile", "Example Rocket Works", "Iran", "ERW\nRocket Works Example"])
    sheet.append([None, None, None, None])
    sheet.append(["Nuclear", "Example Isotope Centre", "Pakistan", None])
    buffer = io.BytesIO()
    book.save(buffer)
    version = upload(administrator, buffer.getvalue(), "list.xlsx")
    assert version.problems == []
    rows = list(version.entries.values_list("row_number", "country_id", "name", "aka_names"))
    assert rows == [
        (3, "IR", "Example Rocket Works", ["ERW", "Rocket Works Example"]),
        (5, "PK", "Example Isotope Centre", []),
    ]


def test_a_damaged_file_reports_each_unreadable_row_by_number(administrator):
    text = (
        HEADER
        + "China,Good Row Example Co.,,Missile\n"  # row 2
        + "Atlantis,Sunken Example Ltd,,Nuclear\n"  # row 3: unknown country
        + ",Countryless Example,,Nuclear\n"  # row 4: no country
        + "Iran,,,Missile\n"  # row 5: no name
        + "China,GOOD ROW EXAMPLE CO LTD,,Missile\n"  # row 6: the same as row 2
        + "Pakistan,Second Good Example,,Nuclear\n"  # row 7
    )
    version = upload(administrator, text)
    assert version.entry_count == 2
    assert [(p["row"], p["message"]) for p in version.problems] == [
        (3, "“Atlantis” is not a country the portal knows."),
        (4, "The country is missing."),
        (5, "The company or organisation name is missing."),
        (6, "The same company and country as row 2."),
    ]
    audit = AuditRecord.objects.get(verb="enduserlist.upload")
    assert audit.payload["unreadable_rows"] == [3, 4, 5, 6]


def _xlsx_without_its_sheet() -> bytes:
    """A zip that says it is a workbook but lost its worksheet (a damaged download)."""
    import zipfile

    book = Workbook()
    whole = io.BytesIO()
    book.save(whole)
    damaged = io.BytesIO()
    with zipfile.ZipFile(whole) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            if "worksheets/" not in item.filename:
                dst.writestr(item, src.read(item.filename))
    return damaged.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("list.csv", b"just,some,words\n1,2,3\n", "No header row found"),
        ("list.xlsx", b"not a spreadsheet at all", "is not a spreadsheet"),
        ("list.xlsx", _xlsx_without_its_sheet(), "cannot be opened"),
        ("list.csv", b"\xff\xfe\x00\x81\x00", "neither UTF-8 nor Shift_JIS"),
        ("list.csv", b"", "empty"),
        ("list.csv", (HEADER + "Atlantis,Nowhere Ltd,,\n").encode(), "row 2"),
    ],
    ids=["no header", "not xlsx", "damaged xlsx", "not text", "empty", "no readable row"],
)
def test_an_unreadable_file_is_refused_and_nothing_is_kept(administrator, name, content, message):
    with pytest.raises(ValidationError) as caught:
        upload(administrator, content, name)
    assert message in caught.value.message_dict["file"][0]
    assert not ListVersion.objects.exists()
    assert not Entry.objects.exists()


def test_preview_diff_against_the_version_in_force_then_apply_on_confirm(administrator):
    first = apply_list(
        administrator,
        HEADER
        + "China,Kept Example Co.,,Missile\n"
        + "China,Removed Example Co.,,Missile\n"
        + "Iran,Changed Example Co.,,Missile\n",
    )
    assert (first.number, first.status) == (1, VersionStatus.APPLIED)
    preview = upload(
        administrator,
        HEADER
        + "China,Kept Example Co.,,Missile\n"
        + 'Iran,CHANGED EXAMPLE CO LTD,CEC,"Missile, Nuclear"\n'
        + "Pakistan,Added Example Ltd,,Nuclear\n",
    )
    # Nothing changes until it is confirmed: the first version is still in force.
    assert selectors.version_in_force() == first
    diff = selectors.version_diff(preview, first)
    assert [e["name"] for e in diff.added] == ["Added Example Ltd"]
    assert [e["name"] for e in diff.removed] == ["Removed Example Co."]
    assert [(c["old"]["name"], c["new"]["name"], c["fields"]) for c in diff.changed] == [
        ("Changed Example Co.", "CHANGED EXAMPLE CO LTD", ["name", "aka_names", "concern"])
    ]
    applied = services.list_version_apply(actor=administrator, version_id=preview.pk)
    assert applied.number == 2
    assert applied.change_counts == {"added": 1, "removed": 1, "changed": 1}
    assert selectors.version_in_force() == applied
    record = AuditRecord.objects.get(verb="enduserlist.apply", payload__number=2)
    assert record.actor == administrator
    assert record.payload == {"number": 2, "replaces": 1, "added": 1, "removed": 1, "changed": 1}
    # Every version stays, with its rows.
    assert Entry.objects.filter(version=first).count() == 3


def test_a_version_is_applied_once(administrator):
    preview = upload(administrator, sample_bytes())
    services.list_version_apply(actor=administrator, version_id=preview.pk)
    with pytest.raises(InvalidTransition):
        services.list_version_apply(actor=administrator, version_id=preview.pk)
    assert ListVersion.objects.get().number == 1


def test_discarded_preview_cannot_be_applied(administrator):
    preview = upload(administrator, sample_bytes())
    services.list_version_discard(actor=administrator, version_id=preview.pk)
    with pytest.raises(InvalidTransition):
        services.list_version_apply(actor=administrator, version_id=preview.pk)
    assert selectors.version_in_force() is None


def test_only_administrators_change_the_list(catalog):
    from django.core.exceptions import PermissionDenied

    from tests import factories

    officer = factories.OfficerFactory()
    with pytest.raises(PermissionDenied):
        upload(officer, sample_bytes())
    assert not ListVersion.objects.exists()
