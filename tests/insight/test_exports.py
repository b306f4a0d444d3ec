"""The CSV and xlsx exports, read back and compared with the page."""

import csv
import datetime
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from insight import exports
from insight.tables import DAYS, INT, SHARE, display
from tests import factories

from .helpers import build_reports
from .test_pages import PERIOD, page_tables

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(catalog):
    return build_reports(catalog)


def client_for(user, language="en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_sections(text: str) -> dict[str, list[list[str]]]:
    """The figures CSV: filter lines, then blocks of title, header and rows."""
    rows = list(csv.reader(io.StringIO(text)))
    sections, current = {"filters": []}, "filters"
    i = 0
    while i < len(rows):
        if rows[i] == []:
            current = rows[i + 1][0]
            sections[current] = []
            i += 2
            continue
        sections[current].append(rows[i])
        i += 1
    return sections


def page_cell(text: str) -> str:
    return "" if text == "—" else text


def test_figures_csv_matches_the_page_table_by_table(world):
    client = client_for(factories.AdministratorFactory())
    page = page_tables(client.get(f"/statistics/?{PERIOD}").content.decode())
    response = client.get(f"/statistics/figures.csv?{PERIOD}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="statistics-' in response["Content-Disposition"]
    raw = body(response)
    assert raw.startswith("\ufeff".encode())  # Excel reads UTF-8 with its byte order mark
    sections = csv_sections(raw.decode("utf-8-sig"))
    assert sections["filters"][0] == ["Period (month of receipt, JST)", "2025-03 – 2025-04"]
    titles = {
        "summary": "Summary",
        "months": "Reports received per month, by outcome",
        "days": "Days from receipt to decision, per month",
        "outcomes": "Days from receipt to closing, per outcome",
        "technologies": "Reports per technology",
        "destinations": "Top 15 destination countries",
        "consultations": "Consultations before filing, and those followed by a report",
        "compliance": "Compliance cases (transfers not reported), by stage",
    }
    for key, title in titles.items():
        assert sections[title] == [[page_cell(c) for c in row] for row in page[key]], key


def test_figures_xlsx_holds_the_same_numbers_as_numbers(world):
    client = client_for(factories.AdministratorFactory())
    page = page_tables(client.get(f"/statistics/?{PERIOD}").content.decode())
    response = client.get(f"/statistics/figures.xlsx?{PERIOD}")
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_TYPE
    book = load_workbook(io.BytesIO(body(response)))
    assert book.sheetnames[0] == "Filters"
    months = [list(r) for r in book["Reports received per month, by "].iter_rows(values_only=True)]
    assert months[0] == page["months"][0]
    march = next(r for r in months if r[0] == "2025-03")
    assert march[1:8] == [1, 2, 0, 1, 0, 0, 4]  # numbers, not text
    days = [list(r) for r in book["Days from receipt to decision, "].iter_rows(values_only=True)]
    kinds = ["month", INT, DAYS, DAYS]
    as_shown = [
        [display(v, k) if k != "month" else v for v, k in zip(row, kinds, strict=True)]
        for row in days[1:]
    ]
    assert as_shown == [[page_cell(c) for c in row] for row in page["days"][1:]]
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Reports received"] == 7
    assert display(summary["Share decided within 30 days"], SHARE) == "60.0%"
    assert summary["Days from receipt to decision: median"] == pytest.approx(13.5)
    share_cell = next(
        row[1] for row in book["Summary"].iter_rows(min_row=2) if row[0].value.startswith("Share")
    )
    assert share_cell.number_format == "0.0%"


def test_report_list_csv_is_the_filtered_reports_in_jst(world):
    client = client_for(factories.AdministratorFactory())
    response = client.get(f"/statistics/reports.csv?{PERIOD}")
    assert response.status_code == 200 and response.streaming
    raw = body(response)
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    r = world["reports"]
    expected = ["fiber", "informed", "lapsed", "extended", "late", "withdrawn", "open"]
    assert [row["Reference"] for row in rows] == [r[k].reference for k in expected]
    fiber = rows[0]
    assert fiber["Received (JST)"] == "2025-03-01 00:30"  # 28 February in UTC
    assert fiber["Outcome"] == "Closed without inform"
    assert fiber["Days from receipt to closing"] == "10"
    assert fiber["Country code"] == "US"
    extended = rows[3]
    assert (extended["Deadline extensions"], extended["Decision due (JST)"]) == (
        "1",
        "2025-04-21 00:00",
    )
    assert rows[4]["Late"] == "Yes" and rows[0]["Late"] == "No"
    assert rows[6]["Closed (JST)"] == "" and rows[6]["Outcome"] == "Still open"
    # the page counts the same reports
    page = page_tables(client.get(f"/statistics/?{PERIOD}").content.decode())
    assert next(row for row in page["summary"] if row[0] == "Reports received")[1] == str(len(rows))


def test_report_list_xlsx_has_real_dates_and_numbers(world):
    client = client_for(world["supervisor"])
    response = client.get(f"/statistics/reports.xlsx?{PERIOD}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(body(response))).active
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert len(data) == 6  # the supervisor's division only: no `fiber`
    received = header.index("Received (JST)")
    assert data[0][received] == datetime.datetime(2025, 3, 3, 10, 0)
    assert data[0][header.index("Days from receipt to closing")] == 17


def test_exports_are_japanese_by_default(world):
    client = client_for(factories.AdministratorFactory(), language="ja")
    rows = list(
        csv.reader(
            io.StringIO(body(client.get(f"/statistics/reports.csv?{PERIOD}")).decode("utf-8-sig"))
        )
    )
    # translated already: the report's reference and technology headings
    assert rows[0][0] == "受付番号" and "技術" in rows[0]


def test_a_cell_that_would_be_a_formula_is_quoted(world):
    report = world["reports"]["open"]
    type(report).objects.filter(pk=report.pk).update(counterparty_name="=HYPERLINK(1)")
    client = client_for(factories.AdministratorFactory())
    text = body(client.get(f"/statistics/reports.csv?{PERIOD}")).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text
    sheet = load_workbook(io.BytesIO(body(client.get(f"/statistics/reports.xlsx?{PERIOD}")))).active
    assert "'=HYPERLINK(1)" in [c for row in sheet.iter_rows(values_only=True) for c in row]
