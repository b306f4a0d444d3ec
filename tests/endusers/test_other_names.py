"""The counterparty's other names (former names, names in other languages or scripts): written
on the report form and in the API, and screened against the End User List with the name."""

import pytest

from endusers import tasks
from endusers.models import Match, ScreeningRun
from endusers.screening import split_other_names
from reports import services as report_services
from reports.models import Report
from tests.conftest import api_as
from tests.reports.helpers import complete_data, submitted_report

from .helpers import apply_list, sample_bytes

pytestmark = pytest.mark.django_db

NOT_LISTED = "Quiet Harbour Trading Co., Ltd."
LISTED_FORMER_NAME = "Northern Lantern Materials Research Institute"


def form_data(**overrides) -> dict:
    data = complete_data(**overrides)
    out = {k: v for k, v in data.items() if v not in (None, False)}
    out["planned_contract_date"] = data["planned_contract_date"].isoformat()
    out["declaration"] = "on" if data["declaration"] else ""
    return out


def test_other_names_are_split_on_semicolons_ideographic_commas_and_lines():
    assert split_other_names("旧 A 社；B Corp; C 有限公司、D GmbH\r\nE Ltd\n\n") == [
        "旧 A 社",
        "B Corp",
        "C 有限公司",
        "D GmbH",
        "E Ltd",
    ]
    # A comma inside a name: the whole and its pieces.
    assert split_other_names("Example Co., Ltd.; F, G") == [
        "Example Co., Ltd.",
        "Example Co.",
        "Ltd.",
        "F, G",
        "F",
        "G",
    ]
    assert split_other_names("") == []


def test_an_other_name_on_the_list_matches(
    people, administrator, django_capture_on_commit_callbacks
):
    version = apply_list(administrator, sample_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        report = submitted_report(
            people.exporter,
            counterparty_name=NOT_LISTED,
            counterparty_other_names=f"旧社名：静港貿易；{LISTED_FORMER_NAME.upper()}",
        )
    match = Match.objects.get(report=report)
    assert (match.version, match.entry.name) == (version, LISTED_FORMER_NAME)
    assert match.counterparty_name == LISTED_FORMER_NAME.upper()
    # Without the other name, the same counterparty matches nothing.
    with django_capture_on_commit_callbacks(execute=True):
        plain = submitted_report(people.exporter, counterparty_name=NOT_LISTED)
    assert ScreeningRun.objects.filter(report=plain, version=version).exists()
    assert not Match.objects.filter(report=plain).exists()


def test_an_other_name_in_another_country_does_not_match(
    people, administrator, django_capture_on_commit_callbacks
):
    apply_list(administrator, sample_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        report = submitted_report(
            people.exporter,
            counterparty_name=NOT_LISTED,
            counterparty_country="SG",
            counterparty_other_names=LISTED_FORMER_NAME,
        )
    assert not Match.objects.filter(report=report).exists()


def test_other_names_amended_are_screened_again(people, administrator):
    version = apply_list(administrator, sample_bytes())
    report = submitted_report(people.exporter, counterparty_name=NOT_LISTED)
    assert tasks.sweep_unscreened() == 1
    assert tasks.sweep_unscreened() == 0
    assert not Match.objects.filter(report=report).exists()

    report_services.report_amend(
        actor=people.exporter,
        report_id=report.pk,
        data={"counterparty_other_names": f"Lantern Institute No. 7\n{LISTED_FORMER_NAME}"},
        note="The counterparty's former names.",
    )
    assert tasks.sweep_unscreened() == 1
    assert list(Match.objects.filter(report=report).values_list("version", "entry__name")) == [
        (version.pk, LISTED_FORMER_NAME)
    ]
    assert tasks.sweep_unscreened() == 0
    # The amendment is in the revision's content.
    latest = report.revisions.order_by("-number").first()
    assert latest.content["counterparty_other_names"].endswith(LISTED_FORMER_NAME)


def test_through_the_api_the_field_round_trips_and_its_match_is_listed(people, administrator):
    apply_list(administrator, sample_bytes())
    exporter = api_as(people.exporter)
    body = {
        **complete_data(counterparty_name=NOT_LISTED),
        "counterparty_other_names": f"静港貿易\n{LISTED_FORMER_NAME}",
    }
    body["planned_contract_date"] = body["planned_contract_date"].isoformat()
    created = exporter.post("/api/v1/reports/", body, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["counterparty_other_names"] == body["counterparty_other_names"]
    assert exporter.post(f"/api/v1/reports/{pk}/submit/", {}, format="json").status_code == 200
    got = exporter.get(f"/api/v1/reports/{pk}/").json()
    assert got["counterparty_other_names"] == body["counterparty_other_names"]
    tasks.sweep_unscreened()
    response = api_as(people.officer).get(f"/api/v1/reports/{pk}/end-user-matches/")
    [row] = response.json()["results"]
    assert row["entry"]["name"] == LISTED_FORMER_NAME


def test_the_api_refuses_other_names_over_300_characters(people):
    report = report_services.report_create(actor=people.exporter, data=complete_data())
    exporter = api_as(people.exporter)
    url = f"/api/v1/reports/{report.pk}/"
    response = exporter.patch(url, {"counterparty_other_names": "名" * 301}, format="json")
    assert response.status_code == 400
    [message] = response.json()["counterparty_other_names"]
    assert "301" in message and "300" in message
    assert Report.objects.get(pk=report.pk).counterparty_other_names == ""
    response = exporter.patch(url, {"counterparty_other_names": "名" * 300}, format="json")
    assert response.status_code == 200
    assert Report.objects.get(pk=report.pk).counterparty_other_names == "名" * 300


def test_the_form_round_trips_the_field_and_shows_it(client, people, english):
    client.force_login(people.exporter)
    client.cookies["django_language"] = "en"
    other_names = "静港貿易有限公司\nQuiet Port Trading"
    response = client.post(
        "/reports/new/", {**form_data(), "counterparty_other_names": other_names, "save": "1"}
    )
    report = Report.objects.get()
    assert response.status_code == 302
    assert report.counterparty_other_names == other_names
    page = client.get(f"/reports/{report.pk}/edit/").content.decode()
    assert 'name="counterparty_other_names"' in page and "静港貿易有限公司" in page
    assert "separated by semicolons or new lines" in page
    response = client.post(
        f"/reports/{report.pk}/edit/",
        {**form_data(), "counterparty_other_names": other_names, "submit": "1"},
    )
    assert response["Location"] == f"/reports/{report.pk}/check/"
    check = client.get(f"/reports/{report.pk}/check/").content.decode()
    assert "Other names of the counterparty" in check and "Quiet Port Trading" in check
    client.post(f"/reports/{report.pk}/check/")
    detail = client.get(f"/reports/{report.pk}/").content.decode()
    assert "Other names of the counterparty" in detail and "Quiet Port Trading" in detail
    # Too long: refused on the page, nothing saved.
    response = client.post(
        "/reports/new/", {**form_data(), "counterparty_other_names": "x" * 301, "save": "1"}
    )
    assert response.status_code == 200 and Report.objects.count() == 1


def test_a_report_without_other_names_shows_no_row(client, people, english):
    report = submitted_report(people.exporter)
    client.force_login(people.exporter)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert report.reference in page and "Other names of the counterparty" not in page
