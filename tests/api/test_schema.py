"""The OpenAPI schema tells the truth: real responses of the main endpoints validate against
the response the generated schema declares for their operation and status (fields, types,
required and nullable), and files are served as one of the content types declared."""

from __future__ import annotations

import datetime
import functools
from typing import Any

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator

from dialogue import services as dialogue_services
from dialogue import threads as dialogue_threads
from reports import clock
from reports import services as report_services
from tests.conftest import api_as
from tests.dialogue.helpers import PDF_BYTES, PNG_BYTES, upload
from tests.informs.helpers import (  # noqa: F401 - the `people` fixture
    make_report_under_dialogue,
    people,
    propose,
)
from tests.reports.helpers import complete_data, submitted_report

pytestmark = pytest.mark.django_db

# OpenAPI 3.0 keywords that JSON Schema (draft 4, which 3.0 schema objects follow) lacks.
_OPENAPI_ONLY = {"nullable", "readOnly", "writeOnly", "example", "discriminator", "xml"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@functools.cache
def openapi() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _json_schema(node: Any, *, strict: bool = True) -> Any:
    """An OpenAPI 3.0 schema object as JSON Schema: `nullable` becomes "or null", and an
    object with declared properties allows no other (an undeclared field is a disagreement)."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in _OPENAPI_ONLY:
            continue
        if key == "properties":
            out[key] = {name: _json_schema(prop) for name, prop in value.items()}
        else:
            out[key] = _json_schema(value)
    if strict and "properties" in node and "additionalProperties" not in node:
        out["additionalProperties"] = False
    if node.get("nullable"):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def _operation(method: str, path: str) -> dict:
    paths = openapi()["paths"]
    assert path in paths, f"{path} is not in the schema"
    assert method in paths[path], f"{method.upper()} {path} is not in the schema"
    return paths[path][method]


def check(response, method: str, path: str, *, status: int | None = None) -> Any:
    """Validate a JSON response against what the schema declares for it; return its data."""
    status = status or response.status_code
    assert response.status_code == status, response.content
    declared = _operation(method, path)["responses"]
    assert str(status) in declared, f"{method.upper()} {path} does not declare {status}"
    content = declared[str(status)].get("content", {})
    assert "application/json" in content, (method, path, status, list(content))
    data = response.json()
    schema = {
        **_json_schema(content["application/json"]["schema"]),
        "components": {"schemas": _json_schema(openapi()["components"]["schemas"])},
    }
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(
        f"{method.upper()} {path} {status} at {list(e.path)}: {e.message}" for e in errors[:10]
    )
    return data


def check_error(response, method: str, path: str) -> None:
    """An error body matches the schema where the operation declares that status."""
    declared = _operation(method, path)["responses"]
    if str(response.status_code) in declared:
        check(response, method, path)


def check_file(response, method: str, path: str) -> None:
    """A file is served as one of the content types the operation declares for 200."""
    assert response.status_code == 200, response.content
    content = _operation(method, path)["responses"]["200"].get("content", {})
    served = response["Content-Type"].split(";")[0].strip()
    assert served in content, f"{path} serves {served}, declares {sorted(content)}"
    assert content[served]["schema"] == {"type": "string", "format": "binary"}


# --- reports --------------------------------------------------------------------------------

REPORTS = "/api/v1/reports/"
REPORT = "/api/v1/reports/{id}/"


def test_a_draft_without_technology_matches_the_schema(people):
    exporter = api_as(people.exporter)
    data = check(exporter.post(REPORTS, {}, format="json"), "post", REPORTS, status=201)
    # Always present, null until a technology is chosen (not absent).
    assert data["technology"] is None
    assert data["technology_name_ja"] is None and data["technology_name_en"] is None
    assert data["reference"] is None and data["assigned_officer"] is None
    url = f"/api/v1/reports/{data['id']}/"
    check(exporter.get(url), "get", REPORT)
    data = check(exporter.patch(url, {"counterparty_name": "Demo"}, format="json"), "patch", REPORT)
    assert data["technology_name_ja"] is None
    data = check(exporter.patch(url, {"technology": "mlcc"}, format="json"), "patch", REPORT)
    assert data["technology_name_ja"] and data["technology_name_en"]
    check(exporter.get(REPORTS), "get", REPORTS)


def test_report_errors_match_the_schema(people):
    exporter = api_as(people.exporter)
    check_error(
        exporter.post(REPORTS, {"ownership_percent": "abc"}, format="json"), "post", REPORTS
    )
    report = submitted_report(people.exporter)
    response = exporter.patch(f"/api/v1/reports/{report.pk}/", {}, format="json")
    assert response.status_code == 409
    check_error(response, "patch", REPORT)
    check_error(exporter.get("/api/v1/reports/?status=bogus"), "get", REPORTS)
    check_error(exporter.get("/api/v1/reports/999999/"), "get", REPORT)


def test_a_report_through_its_lifecycle_matches_the_schema(people):
    draft = report_services.report_create(actor=people.exporter, data=complete_data())
    exporter, officer = api_as(people.exporter), api_as(people.officer)
    supervisor = api_as(people.supervisor)
    url = f"/api/v1/reports/{draft.pk}/"
    check(exporter.post(url + "submit/", {}, format="json"), "post", REPORT + "submit/")
    for client in (exporter, officer):
        check(client.get(url), "get", REPORT)
        check(client.get(REPORTS), "get", REPORTS)
        check(client.get(url + "history/"), "get", REPORT + "history/")
        check(client.get(url + "revisions/"), "get", REPORT + "revisions/")
    check(
        officer.post(url + "start-dialogue/", {}, format="json"), "post", REPORT + "start-dialogue/"
    )
    check(
        exporter.post(
            url + "amend/", {"note": "住所", "counterparty_address": "蘇州市"}, format="json"
        ),
        "post",
        REPORT + "amend/",
    )
    report = report_services.Report.objects.get(pk=draft.pk)
    new_day = clock.last_day_of(report.decision_due_at) + datetime.timedelta(days=3)
    check(
        supervisor.post(
            url + "extend-deadline/",
            {"new_due_date": new_day.isoformat(), "reason": "追加資料の確認"},
            format="json",
        ),
        "post",
        REPORT + "extend-deadline/",
    )
    data = check(
        officer.post(url + "conclude/", {"summary": "s", "agreed_measures": "m"}, format="json"),
        "post",
        REPORT + "conclude/",
    )
    assert data["status"] == "closed_no_inform"
    check_file(exporter.get(url + "pdf/"), "get", REPORT + "pdf/")


def test_withdrawn_and_not_subject_reports_match_the_schema(people):
    exporter, officer = api_as(people.exporter), api_as(people.officer)
    first = submitted_report(people.exporter)
    check(
        exporter.post(f"/api/v1/reports/{first.pk}/withdraw/", {"reason": "r"}, format="json"),
        "post",
        REPORT + "withdraw/",
    )
    second = submitted_report(people.exporter)
    check(
        officer.post(
            f"/api/v1/reports/{second.pk}/not-subject/",
            {"rule": "GOODS_ONLY", "reason": "r"},
            format="json",
        ),
        "post",
        REPORT + "not-subject/",
    )


def test_screening_matches_the_schema(people):
    client = api_as(people.exporter)
    body = {
        "technology": "mlcc",
        "transaction_type": "subsidiary_transfer",
        "destination_country": "CN",
        "goods_only": False,
        "publicly_known": False,
        "planned_contract_date": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
    }
    assert check(
        client.post("/api/v1/screening/", body, format="json"), "post", "/api/v1/screening/"
    )["report_required"]
    body["technology"] = None
    check(client.post("/api/v1/screening/", body, format="json"), "post", "/api/v1/screening/")
    check_error(client.post("/api/v1/screening/", {}, format="json"), "post", "/api/v1/screening/")


def test_technologies_match_the_schema(people):
    client = api_as(people.exporter)
    check(client.get("/api/v1/technologies/"), "get", "/api/v1/technologies/")


# --- dialogue -------------------------------------------------------------------------------

MESSAGES = "/api/v1/reports/{id}/messages/"
ATTACHMENTS = "/api/v1/reports/{id}/attachments/"
ATTACHMENT = "/api/v1/attachments/{id}/"


def test_messages_and_attachments_match_the_schema(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    exporter, officer = api_as(people.exporter), api_as(people.officer)
    messages_url = f"/api/v1/reports/{report.pk}/messages/"
    posted = check(
        officer.post(messages_url, {"kind": "advice", "body": "助言"}, format="json"),
        "post",
        MESSAGES,
        status=201,
    )
    dialogue_services.message_post(
        actor=people.exporter,
        report_id=report.pk,
        kind="question",
        body="質問",
        files=[upload("drawing.png", PNG_BYTES, "image/png")],
    )
    attachments_url = f"/api/v1/reports/{report.pk}/attachments/"
    uploaded = check(
        officer.post(
            attachments_url,
            {"file": upload("memo.pdf", PDF_BYTES), "message": posted["id"]},
            format="multipart",
        ),
        "post",
        ATTACHMENTS,
        status=201,
    )
    check(
        officer.post(
            attachments_url,
            {"file": upload("notes.txt", "打ち合わせメモ\n".encode(), "text/plain")},
            format="multipart",
        ),
        "post",
        ATTACHMENTS,
        status=201,
    )
    for client in (exporter, officer):
        page = check(client.get(messages_url), "get", MESSAGES)
        assert any(m["attachments"] for m in page["results"])
        listed = check(client.get(attachments_url), "get", ATTACHMENTS)
        for attachment in listed:
            check_file(client.get(attachment["download_url"]), "get", ATTACHMENT)
    assert uploaded["message"] == posted["id"]
    check_error(
        officer.post(messages_url, {"kind": "bogus", "body": ""}, format="json"),
        "post",
        MESSAGES,
    )


# --- informs --------------------------------------------------------------------------------

REPORT_INFORMS = "/api/v1/reports/{report_id}/informs/"
INFORM = "/api/v1/informs/{id}/"


def test_informs_match_the_schema(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    officer, supervisor = api_as(people.officer), api_as(people.supervisor)
    exporter = api_as(people.exporter)
    url = f"/api/v1/reports/{report.pk}/informs/"
    proposed = check(
        officer.post(
            url, {"grounds": "根拠", "licence_conditions": ["再移転の禁止"]}, format="json"
        ),
        "post",
        REPORT_INFORMS,
        status=201,
    )
    assert proposed["number"] is None and proposed["approved_by"] is None
    check(officer.get(url), "get", REPORT_INFORMS)
    check(officer.get(f"/api/v1/informs/{proposed['id']}/"), "get", INFORM)
    check_file(officer.get(f"/api/v1/informs/{proposed['id']}/pdf/"), "get", INFORM + "pdf/")
    returned = check(
        supervisor.post(
            f"/api/v1/informs/{proposed['id']}/return/", {"reason": "根拠不足"}, format="json"
        ),
        "post",
        INFORM + "return/",
    )
    assert returned["status"] == "returned"
    inform = propose(report_services.Report.objects.get(pk=report.pk), people.officer)
    issued = check(
        supervisor.post(f"/api/v1/informs/{inform.pk}/approve/", {}, format="json"),
        "post",
        INFORM + "approve/",
    )
    assert issued["number"]
    check(exporter.get(url), "get", REPORT_INFORMS)
    check(
        exporter.post(f"/api/v1/informs/{inform.pk}/acknowledge/", {}, format="json"),
        "post",
        INFORM + "acknowledge/",
    )
    check_file(exporter.get(f"/api/v1/informs/{inform.pk}/pdf/"), "get", INFORM + "pdf/")
    check_error(
        officer.post(url, {"grounds": "g", "licence_conditions": ["c"] * 21}, format="json"),
        "post",
        REPORT_INFORMS,
    )


def test_the_schema_documents_files_by_their_real_types():
    paths = openapi()["paths"]
    attachment = paths[ATTACHMENT]["get"]["responses"]["200"]["content"]
    assert set(attachment) == set(dialogue_threads.ALLOWED_CONTENT_TYPES)
    assert "application/octet-stream" not in attachment
    for path in (REPORT + "pdf/", INFORM + "pdf/"):
        assert set(paths[path]["get"]["responses"]["200"]["content"]) == {"application/pdf"}
