"""Malformed filters, page numbers and ids in the reports, dialogue and informs views: a 400
naming what is wrong (or a 404 for an id that names nothing), never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from dialogue.models import Attachment
from dialogue.services import message_post
from reports.models import Report
from tests import factories
from tests.conftest import api_as
from tests.dialogue.helpers import PDF_BYTES, upload
from tests.informs.helpers import (  # noqa: F401 - the `people` fixture
    make_report_under_dialogue,
    people,
    propose,
)
from tests.reports.helpers import submitted_report

pytestmark = pytest.mark.django_db

HUGE = "9" * 30  # beyond any database integer
JUNK = ["bogus", "abc", HUGE, "-1", "1.5", "'; DROP TABLE reports_report; --", "x" * 3000, "[]"]


def page_as(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def reports_state() -> list:
    return list(Report.objects.order_by("pk").values())


# --- the API's list filters -----------------------------------------------------------------


@pytest.mark.parametrize("who", ["exporter", "officer", "supervisor"])
@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("status", "bogus"),
        ("status", "Submitted"),
        ("technology", "no_such_technology"),
        ("technology", "x" * 3000),
        ("country", "ZZ"),
        ("country", "japan"),
        ("country", "1"),
        ("page", "abc"),
        ("page", "0"),
        ("page", "-1"),
        ("page", "1.5"),
    ],
)
def test_report_list_answers_400_naming_the_malformed_filter(people, who, parameter, value):
    submitted_report(people.exporter)
    client = api_as(getattr(people, who))
    response = client.get("/api/v1/reports/", {parameter: value})
    assert response.status_code == 400, response.content
    messages = response.json()[parameter]
    assert messages and all(isinstance(m, str) and m for m in messages)
    # A long value is quoted back shortened, not echoed whole.
    assert all(len(m) < 300 for m in messages)


def test_report_list_filters_still_filter(people):
    submitted_report(people.exporter)
    submitted_report(people.exporter, counterparty_country="IN")
    client = api_as(people.officer)
    assert client.get("/api/v1/reports/?country=in").json()["count"] == 1
    assert client.get("/api/v1/reports/?technology=mlcc").json()["count"] == 2
    assert client.get("/api/v1/reports/?status=submitted").json()["count"] == 2
    assert client.get("/api/v1/reports/?status=draft").json()["count"] == 0
    assert client.get("/api/v1/reports/?status=&technology=&country=").json()["count"] == 2
    # a real technology of another division is a valid filter that finds nothing here
    assert client.get("/api/v1/reports/?technology=carbon_fiber").json()["count"] == 0
    assert client.get("/api/v1/reports/?page=last").status_code == 200
    # past the last page is "not found", as DRF answers it, not a malformed request
    assert client.get("/api/v1/reports/?page=99").status_code == 404


def test_every_paginated_list_refuses_a_malformed_page(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    message_post(actor=people.officer, report_id=report.pk, kind="advice", body="b")
    propose(report, people.officer)
    client = api_as(people.officer)
    for path in ("messages", "history", "revisions", "informs"):
        url = f"/api/v1/reports/{report.pk}/{path}/"
        assert client.get(url).status_code == 200, url
        for value in ("abc", "0", "-3", HUGE + "x"):
            response = client.get(url, {"page": value})
            assert response.status_code == 400, (url, value, response.content)
            assert "page" in response.json()


@pytest.mark.parametrize("value", ["abc", HUGE, "-1", "0", "1e3"])
def test_malformed_ids_in_api_paths_are_404(people, value):
    client = api_as(people.officer)
    for url in (
        f"/api/v1/reports/{value}/",
        f"/api/v1/reports/{value}/history/",
        f"/api/v1/reports/{value}/messages/",
        f"/api/v1/informs/{value}/",
        f"/api/v1/attachments/{value}/",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("value", ["abc", HUGE, "-1", "1.5"])
def test_attachment_with_a_malformed_message_id_is_400(people, value, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = submitted_report(people.exporter)
    response = api_as(people.exporter).post(
        f"/api/v1/reports/{report.pk}/attachments/",
        {"file": upload("a.pdf", PDF_BYTES), "message": value},
        format="multipart",
    )
    assert response.status_code == 400 and "message" in response.json()
    assert not Attachment.objects.filter(thread__report=report).exists()


# --- the pages' lists -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=bogus", "status"),
        ("status=" + "x" * 3000, "status"),
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page=-5", "page"),
        ("page=1.5", "page"),
    ],
)
def test_exporter_dashboard_answers_400_with_the_error(people, query, field):
    report = submitted_report(people.exporter)
    response = page_as(people.exporter).get(f"/reports/?{query}")
    assert response.status_code == 400
    assert response.context["filters"].errors[field]
    body = response.content.decode()
    assert "errorlist" in body
    assert report.reference in body  # the list is still there to work with


def test_exporter_dashboard_valid_filters(people):
    submitted_report(people.exporter)
    client = page_as(people.exporter)
    assert client.get("/reports/?status=submitted").status_code == 200
    assert client.get("/reports/?page=99").status_code == 200  # the last page


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=bogus", "status"),
        ("technology=no_such_technology", "technology"),
        ("technology=carbon_fiber", "technology"),  # another division's
        ("country=ZZ", "country"),
        ("country=" + "x" * 3000, "country"),
        ("page=abc", "page"),
        ("page=0", "page"),
        ("q=" + "あ" * 201, "q"),
    ],
)
def test_officer_queue_answers_400_with_the_error(people, query, field):
    submitted_report(people.exporter)
    response = page_as(people.supervisor).get(f"/dialogue/queue/?{query}")
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert "errorlist" in response.content.decode()


def test_officer_queue_keeps_the_valid_filters_beside_a_malformed_one(people):
    submitted_report(people.exporter)
    india = submitted_report(people.exporter, counterparty_country="IN")
    response = page_as(people.officer).get("/dialogue/queue/?country=IN&page=abc")
    assert response.status_code == 400
    assert [row["report"].pk for row in response.context["rows"]] == [india.pk]


def test_officer_queue_valid_filters(people):
    submitted_report(people.exporter)
    client = page_as(people.officer)
    for query in ("", "status=all", "status=open", "technology=mlcc", "country=CN", "page=9"):
        assert client.get(f"/dialogue/queue/?{query}").status_code == 200, query


@pytest.mark.parametrize("value", ["abc", HUGE, "-1", "", "1.5", "[]"])
def test_reassignment_to_a_malformed_officer_id_is_refused(people, value):
    report = make_report_under_dialogue(people.exporter, people.officer)
    before = reports_state()
    response = page_as(people.supervisor).post(
        f"/dialogue/reports/{report.pk}/reassign/", {"officer": value}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["officer"]
    assert reports_state() == before


def test_reassignment_to_an_officer_of_another_division_is_refused(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    before = reports_state()
    response = page_as(people.supervisor).post(
        f"/dialogue/reports/{report.pk}/reassign/", {"officer": people.other_officer.pk}
    )
    assert response.status_code == 400 and response.context["form"].errors["officer"]
    assert reports_state() == before


@pytest.mark.parametrize("target", [*JUNK, "//evil.example/", "https://evil.example/", "{}"])
def test_a_malformed_next_goes_back_to_the_report(people, target):
    """`next` that is not a path on this site falls back to the report page (it used to reach
    redirect() as a view name and fail)."""
    report = make_report_under_dialogue(people.exporter, people.officer)
    officer2 = factories.OfficerFactory(division=people.officer.division)
    response = page_as(people.supervisor).post(
        f"/dialogue/reports/{report.pk}/reassign/", {"officer": officer2.pk, "next": target}
    )
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    inform = propose(report, officer2)
    response = page_as(people.supervisor).post(
        f"/informs/{inform.pk}/return/", {"reason": "根拠が不十分", "next": target, "confirm": "1"}
    )
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"


def test_a_local_next_is_followed(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    response = page_as(people.supervisor).post(
        f"/informs/{inform.pk}/return/",
        {"reason": "根拠が不十分", "next": "/informs/supervisor/", "confirm": "1"},
    )
    assert response.status_code == 302 and response["Location"] == "/informs/supervisor/"


@pytest.mark.parametrize("value", JUNK)
def test_no_junk_in_a_page_or_form_is_a_500(people, value):
    report = make_report_under_dialogue(people.exporter, people.officer)
    exporter, supervisor = page_as(people.exporter), page_as(people.supervisor)
    for client, url in [
        (exporter, f"/reports/?status={value}&page={value}"),
        (exporter, f"/reports/new/?planned_contract_date={value}&technology={value}"),
        (supervisor, f"/dialogue/queue/?status={value}&technology={value}&country={value}"),
        (supervisor, f"/dialogue/queue/?assigned_to_me={value}&due_soon={value}&q={value}"),
        (supervisor, "/informs/supervisor/?page=" + value),
    ]:
        assert client.get(url).status_code < 500, url
    for client, url, data in [
        (
            exporter,
            "/reports/new/",
            {"ownership_percent": value, "planned_contract_date": value, "technology": value},
        ),
        (
            exporter,
            f"/reports/{report.pk}/amend/",
            {"note": "n", "ownership_percent": value, "provision_methods": value},
        ),
        (supervisor, f"/reports/{report.pk}/extend-deadline/", {"new_due_date": value}),
        (supervisor, f"/dialogue/reports/{report.pk}/not-subject/", {"rule": value}),
        (supervisor, f"/dialogue/reports/{report.pk}/messages/", {"kind": value, "body": "b"}),
        (supervisor, f"/informs/reports/{report.pk}/propose/", {"grounds": "g", "x": value}),
    ]:
        assert client.post(url, data).status_code < 500, url
