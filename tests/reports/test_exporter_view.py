"""Nothing anywhere tells an exporter that an inform proposal is pending: pages, the API, the
PDF and notifications show them the dialogue as it was (reports.lifecycle.status_seen_by)."""

import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from portal.models import Notification
from tests.conftest import api_as
from tests.informs.helpers import make_report_under_dialogue, people, propose  # noqa: F401

pytestmark = pytest.mark.django_db

GROUNDS = "懸念が解消されなかったため。"
# What would give a proposal away, in either language and as codes.
TELLTALES = [
    "inform_proposed",
    "propose_inform",
    "Inform proposed",
    "インフォーム案",
    GROUNDS,
    "再移転の禁止",
]


def _exporter_sees(client, report) -> dict[str, str]:
    """Every page and API answer about the report an exporter can reach, as text."""
    api = api_as(report.created_by)
    seen = {
        "detail": client.get(reverse("reports:detail", args=[report.pk])),
        "thread": client.get(reverse("dialogue:thread", args=[report.pk])),
        "dashboard": client.get(reverse("reports:dashboard")),
        "notifications": client.get(reverse("notifications")),
        "api-detail": api.get(f"/api/v1/reports/{report.pk}/"),
        "api-list": api.get("/api/v1/reports/"),
        "api-history": api.get(f"/api/v1/reports/{report.pk}/history/"),
        "api-informs": api.get(f"/api/v1/reports/{report.pk}/informs/"),
    }
    text = {name: response.content.decode() for name, response in seen.items()}
    pdf = client.get(reverse("reports:pdf", args=[report.pk]))
    import io

    text["pdf"] = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    return text


def _actions_offered(page: str) -> list[str]:
    """The links and forms a page offers, by their target."""
    return sorted(set(re.findall(r'(?:href|action)="(/(?:reports|dialogue|informs)/[^"]*)"', page)))


def test_a_pending_proposal_is_invisible_to_the_exporter(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    client.force_login(people.exporter)
    before = _exporter_sees(client, report)
    propose(report, people.officer)
    report.refresh_from_db()
    assert report.status == "inform_proposed"
    after = _exporter_sees(client, report)

    for name, text in after.items():
        for telltale in TELLTALES:
            assert telltale not in text, f"{name} shows {telltale!r}"
    # The same buttons, links and forms as before the proposal: nothing vanished.
    assert _actions_offered(after["detail"]) == _actions_offered(before["detail"])
    assert _actions_offered(after["thread"]) == _actions_offered(before["thread"])
    assert not Notification.objects.filter(
        recipient__organisation=people.exporter.organisation, verb__startswith="inform."
    ).exists()


def test_filtering_by_the_hidden_status_finds_nothing_for_the_exporter(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    propose(report, people.officer)
    api = api_as(people.exporter)
    assert api.get("/api/v1/reports/?status=inform_proposed").json()["count"] == 0
    assert api.get("/api/v1/reports/?status=under_dialogue").json()["count"] == 1
    staff = api_as(people.officer)
    assert staff.get("/api/v1/reports/?status=inform_proposed").json()["count"] == 1


def test_a_refusal_names_the_status_the_exporter_sees(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    propose(report, people.officer)
    response = api_as(people.exporter).post(f"/api/v1/reports/{report.pk}/submit/", {})
    assert response.status_code == 409
    assert response.json()["status"] == "under_dialogue"
