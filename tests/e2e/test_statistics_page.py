"""The statistics page in the browser: charts load as images under the policy, the filters
work, the page fits a phone and axe finds nothing serious on it or on its error summary."""

import pytest

from tests import factories
from tests.insight.helpers import build_reports

from .axe import AxeAudit, assert_no_sideways_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PERIOD = "from_month=2025-03&to_month=2025-04"


@pytest.fixture
def world(catalog):
    data = build_reports(catalog)
    factories.AdministratorFactory(username="stats_admin")
    data["supervisor"].username = "stats_sup"
    data["supervisor"].save(update_fields=["username"])
    return data


def in_english(page):
    """The labels below are the English ones: the page is Japanese first."""
    page.goto("/accounts/login/")
    page.click("text=English")
    page.wait_for_selector("html[lang=en]")


def charts_loaded(page) -> list[int]:
    return page.eval_on_selector_all(
        "figure.chart img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)"
    )


def summary_value(page, label: str) -> str:
    return page.inner_text(
        f'[data-testid="table-summary"] tr:has(th:text-is("{label}")) td'
    ).strip()


def test_administrator_filters_the_statistics_and_downloads_them(page, world):
    in_english(page)
    axe = AxeAudit(page)
    axe.sign_in("stats_admin")
    axe.check()  # the page an administrator lands on
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/statistics/?{PERIOD}")
    page.wait_for_load_state("networkidle")
    for img in page.query_selector_all("figure.chart img"):
        img.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('figure.chart img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    assert len(charts_loaded(page)) == 5 and all(charts_loaded(page))
    assert summary_value(page, "Reports received") == "7"
    assert_no_sideways_scroll(page)
    axe.check()

    page.select_option("#id_country", "US")
    page.click('[data-testid="statistics-filters"] button[type=submit]')
    page.wait_for_load_state()
    assert "country=US" in page.url
    assert summary_value(page, "Reports received") == "2"
    axe.check()

    with page.expect_download() as download:
        page.click('[data-testid="export-figures-csv"]')
    assert download.value.suggested_filename.endswith(".csv")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/statistics/?{PERIOD}")
    assert_no_sideways_scroll(page)
    axe.check()

    page.goto("/statistics/?from_month=2025-05&to_month=2025-04")
    assert page.is_visible("#error-summary")
    page.click("#error-summary a")
    axe.check()
    axe.assert_every_page_checked()


def test_supervisor_reaches_the_statistics_from_the_menu(page, world):
    axe = AxeAudit(page)
    axe.sign_in("stats_sup")
    axe.check()  # the review queue, where a supervisor lands
    page.click('nav.main-nav a[href="/statistics/"]')
    page.wait_for_load_state("networkidle")
    assert page.is_visible('[data-testid="table-summary"]')
    assert not page.is_visible("#id_division")  # their own division's figures only
    axe.check()
    axe.assert_every_page_checked()
