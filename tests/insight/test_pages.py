"""The statistics page: who sees it, what it shows, its filters and its chart images."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import translation

from tests import factories

from .helpers import build_reports

pytestmark = pytest.mark.django_db

PERIOD = "from_month=2025-03&to_month=2025-04"


@pytest.fixture
def world(catalog):
    return build_reports(catalog)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


class _Tables(HTMLParser):
    """The page's tables as {testid: [[cell text, ...], ...]} (header row included)."""

    def __init__(self):
        super().__init__()
        self.tables, self.current, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and (attrs.get("data-testid") or "").startswith("table-"):
            self.current = self.tables.setdefault(attrs["data-testid"][6:], [])
        elif tag == "tr" and self.current is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.current.append(self.row)
            self.row = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def page_tables(html: str) -> dict:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def row_of(table, first_cell):
    return next(row for row in table if row[0] == first_cell)


def test_only_supervisors_and_administrators_see_the_statistics(world, catalog):
    assert client_for(world["officer"]).get("/statistics/").status_code == 403
    assert client_for(world["exporter"]).get("/statistics/").status_code == 403
    assert client_for(world["supervisor"]).get("/statistics/").status_code == 200
    assert client_for(factories.AdministratorFactory()).get("/statistics/").status_code == 200
    assert Client().get("/statistics/").status_code == 302


def test_the_administrator_sees_every_division_with_the_hand_counted_figures(world):
    response = client_for(factories.AdministratorFactory()).get(f"/statistics/?{PERIOD}")
    tables = page_tables(response.content.decode())
    summary = tables["summary"]
    assert row_of(summary, "Reports received")[1] == "7"
    assert row_of(summary, "Share decided within 30 days")[1] == "60.0%"
    assert row_of(summary, "Share lapsed")[1] == "20.0%"
    assert row_of(summary, "Deadline extensions granted")[1] == "1"
    assert row_of(summary, "Days from receipt to decision: median")[1] == "13.5"
    months = tables["months"]
    assert months[0][:8] == [
        "Month of receipt",
        "Informed",
        "Closed without inform",
        "Not subject",
        "Lapsed",
        "Withdrawn",
        "Still open",
        "Received",
    ]
    assert row_of(months, "2025-03")[1:8] == ["1", "2", "0", "1", "0", "0", "4"]
    assert row_of(months, "2025-04")[1:9] == ["0", "0", "1", "0", "1", "1", "3", "1"]
    assert row_of(tables["days"], "2025-03")[1:] == ["3", "17.0", "32.2"]
    assert row_of(tables["outcomes"], "Still open")[1:] == ["1", "—", "—"]
    assert row_of(tables["outcomes"], "Closed without inform")[1:] == ["2", "23.0", "33.4"]
    assert [row[2] for row in tables["technologies"][1:]] == ["6", "1"]
    assert tables["consultations"][1:] == [
        ["2025-03", "1", "1"],
        ["2025-04", "1", "0"],
        ["Total", "2", "1"],
    ]
    assert row_of(tables["compliance"], "All cases recorded")[1] == "2"
    assert row_of(tables["compliance"], "Opened to the organisation")[1] == "1"
    assert [row[1:] for row in tables["destinations"][1:]] == [
        ["CN", "3"],
        ["US", "2"],
        ["KR", "1"],
        ["TW", "1"],
    ]


def test_a_supervisor_sees_their_own_division_only(world, catalog):
    client = client_for(world["supervisor"])
    # a division in the query is not theirs to choose: the figures stay the division's
    response = client.get(f"/statistics/?{PERIOD}&division={catalog['mat'].pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="division"' not in html
    assert row_of(page_tables(html)["summary"], "Reports received")[1] == "6"
    mat = client_for(world["mat_supervisor"]).get(f"/statistics/?{PERIOD}")
    assert row_of(page_tables(mat.content.decode())["summary"], "Reports received")[1] == "1"


def test_filters_by_technology_and_country(world):
    client = client_for(factories.AdministratorFactory())
    html = client.get(f"/statistics/?{PERIOD}&technology=carbon_fiber").content.decode()
    assert row_of(page_tables(html)["summary"], "Reports received")[1] == "1"
    html = client.get(f"/statistics/?{PERIOD}&country=US").content.decode()
    assert row_of(page_tables(html)["summary"], "Reports received")[1] == "2"


@pytest.mark.parametrize(
    "query, field",
    [
        ("from_month=2025-13", "from_month"),
        ("from_month=March", "from_month"),
        ("from_month=2025-05&to_month=2025-04", "to_month"),
        ("from_month=2000-01&to_month=2025-04", "from_month"),
        ("technology=nonsense", "technology"),
    ],
)
def test_bad_filters_are_answered_400_with_the_error_next_to_the_field(world, query, field):
    client = client_for(factories.AdministratorFactory())
    response = client.get(f"/statistics/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert f'href="#id_{field}"' in html
    assert 'data-testid="table-summary"' not in html
    assert client.get(f"/statistics/figures.csv?{query}").status_code == 400
    assert client.get(f"/statistics/charts/months.svg?{query}").status_code == 400


def test_the_default_period_is_the_last_twelve_months(world):
    html = client_for(factories.AdministratorFactory()).get("/statistics/").content.decode()
    assert len(page_tables(html)["months"]) == 1 + 12


def test_charts_are_svg_images_without_script_and_carry_the_numbers(world):
    client = client_for(factories.AdministratorFactory())
    html = client.get(f"/statistics/?{PERIOD}").content.decode()
    sources = re.findall(r'<img src="([^"]+)"', html)
    assert len(sources) == 5
    for source in sources:
        response = client.get(source.replace("&amp;", "&"))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        body = response.content.decode()
        assert body.startswith("<svg") and "<script" not in body
        assert (
            "script-src" not in response["Content-Security-Policy"]
            or "'unsafe-inline'"
            not in (response["Content-Security-Policy"].split("script-src")[1].split(";")[0])
        )
    months = client.get(f"/statistics/charts/months.svg?{PERIOD}").content.decode()
    for label in ("Informed", "Closed without inform", "Lapsed", "Withdrawn", "Still open"):
        assert label in months
    assert "insight-stripes" in months  # the pattern that tells withdrawn apart in grey
    ranking = client.get(f"/statistics/charts/destinations.svg?{PERIOD}").content.decode()
    assert "China" in ranking
    assert client.get("/statistics/charts/nonsense.svg").status_code == 404


def test_the_page_is_japanese_by_default(world):
    client = client_for(factories.AdministratorFactory())
    client.cookies.pop("django_language")
    with translation.override("ja"):
        html = client.get(f"/statistics/?{PERIOD}").content.decode()
    assert 'lang="ja"' in html
    # headings in the reader's language (this one is translated already)
    assert '<th scope="col">技術</th>' in html
    assert '<th scope="col">Technology</th>' not in html


def test_the_filter_lists_escape_catalog_names_and_keep_the_choice(world):
    from catalog.models import Technology

    Technology.objects.filter(code="carbon_fiber").update(name_en="Carbon <b>fibre</b> & co")
    client = client_for(factories.AdministratorFactory())
    html = client.get(f"/statistics/?{PERIOD}&technology=carbon_fiber&country=US").content.decode()
    assert "Carbon &lt;b&gt;fibre&lt;/b&gt; &amp; co" in html
    assert "<b>fibre</b>" not in html
    assert '<option value="carbon_fiber" selected>' in html
    assert '<option value="US" selected>' in html
