"""The administrators' pages, the report page's staff panel, adjudication and the inform page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from endusers import tasks
from endusers.models import ListVersion, Match
from informs import services as informs
from reports import lifecycle
from tests.reports.helpers import submitted_report

from .helpers import HEADER, apply_list, sample_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def en_client(client):
    client.cookies["django_language"] = "en"
    return client


def _file(content: bytes, name: str = "list.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_upload_preview_confirm_apply(en_client, administrator, catalog):
    apply_list(administrator, HEADER + "China,Removed Example Co.,,Missile\n")
    en_client.force_login(administrator)
    text = sample_bytes() + b"13,Atlantis,Sunken Example Ltd,,Nuclear\n"
    response = en_client.post(reverse("endusers:upload"), {"file": _file(text)})
    preview = ListVersion.objects.get(status="preview")
    assert response.status_code == 302
    assert response["Location"] == reverse("endusers:version_detail", args=[preview.pk])

    page = en_client.get(response["Location"]).content.decode()
    assert "Differences from the version in force (v1)" in page
    assert "12 added, 1 removed, 0 changed." in page
    assert "Removed Example Co." in page
    # The unreadable row, by its number in the file.
    assert (
        '<td data-label="Row">14</td><td data-label="Problem">“Atlantis” is not a country' in page
    )

    confirm = en_client.get(reverse("endusers:version_apply", args=[preview.pk])).content.decode()
    assert "The list in force changes: 12 added, 1 removed, 0 changed." in confirm
    preview.refresh_from_db()
    assert preview.status == "preview"  # nothing applied by looking

    response = en_client.post(
        reverse("endusers:version_apply", args=[preview.pk]), {"confirm": "1"}
    )
    assert response.status_code == 302
    preview.refresh_from_db()
    assert (preview.status, preview.number) == ("applied", 2)
    listing = en_client.get(reverse("endusers:version_list")).content.decode()
    assert "In force: version 2" in listing


def test_a_damaged_file_is_shown_back_with_its_error(en_client, administrator, catalog):
    en_client.force_login(administrator)
    response = en_client.post(
        reverse("endusers:upload"), {"file": _file(b"nothing,useful\n", "x.csv")}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error-summary"' in page and "No header row found" in page
    assert not ListVersion.objects.exists()


@pytest.mark.parametrize("name", ["version_list", "upload"])
def test_list_pages_are_for_administrators(client, people, name):
    for user in (people.exporter, people.officer, people.supervisor):
        client.force_login(user)
        assert client.get(reverse(f"endusers:{name}")).status_code == 403


def _matched(people, administrator):
    apply_list(administrator, sample_bytes())
    report = submitted_report(people.exporter)
    tasks.sweep_unscreened()
    return report, Match.objects.get(report=report)


def test_the_report_page_shows_matches_to_the_division_only(en_client, people, administrator):
    report, match = _matched(people, administrator)
    url = reverse("reports:detail", args=[report.pk])
    en_client.force_login(people.officer)
    page = en_client.get(url).content.decode()
    assert 'data-testid="end-user-matches"' in page
    assert "Shanghai Demo Electronics Co.，Ltd." in page
    assert reverse("endusers:adjudicate", args=[match.pk]) in page
    assert 'data-testid="precedents"' in page

    en_client.force_login(people.exporter)
    page = en_client.get(url).content.decode()
    assert "End User List" not in page and "Precedents" not in page
    assert "Shanghai Demo Electronics Co.，Ltd." not in page

    en_client.force_login(people.other_officer)
    assert en_client.get(url).status_code == 404
    assert en_client.get(reverse("endusers:adjudicate", args=[match.pk])).status_code == 404
    en_client.force_login(people.exporter)
    assert en_client.get(reverse("endusers:adjudicate", args=[match.pk])).status_code == 403


def test_adjudication_in_two_steps_then_shown_to_the_approving_supervisor(
    en_client, people, administrator
):
    report, match = _matched(people, administrator)
    url = reverse("endusers:adjudicate", args=[match.pk])
    en_client.force_login(people.officer)
    response = en_client.post(url, {"decision": "true_match", "reason": ""})
    assert response.status_code == 400 and "has-error" in response.content.decode()
    response = en_client.post(url, {"decision": "true_match", "reason": "Same address in Pudong."})
    assert (
        response.status_code == 200 and 'data-testid="confirm-panel"' in response.content.decode()
    )
    match.refresh_from_db()
    assert match.decision == "pending"
    response = en_client.post(
        url, {"decision": "true_match", "reason": "Same address in Pudong.", "confirm": "1"}
    )
    assert response.status_code == 302
    match.refresh_from_db()
    assert (match.decision, match.adjudicated_by) == ("true_match", people.officer)

    lifecycle.report_start_dialogue(actor=people.officer, report_id=report.pk)
    inform = informs.inform_propose(
        actor=people.officer, report_id=report.pk, grounds="Listed end user.", licence_conditions=[]
    )
    en_client.force_login(people.supervisor)
    page = en_client.get(reverse("informs:approve", args=[inform.pk])).content.decode()
    assert 'data-testid="end-user-adjudications"' in page
    assert "True match" in page and "Same address in Pudong." in page


def test_the_report_page_reads_matches_and_precedents_in_constant_queries(
    client, people, administrator
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report, _match = _matched(people, administrator)
    url = reverse("reports:detail", args=[report.pk])
    client.force_login(people.officer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    def decide_one():
        other = submitted_report(people.exporter)
        lifecycle.report_mark_not_subject(
            actor=people.officer, report_id=other.pk, rule="GOODS_ONLY", reason="Goods only."
        )

    decide_one()
    few = queries()
    for _ in range(11):
        decide_one()
    assert queries() == few


def test_a_long_diff_is_cut_and_says_so(en_client, administrator, catalog, monkeypatch):
    from endusers import views

    monkeypatch.setattr(views, "DIFF_ROWS_SHOWN", 3)
    preview = ListVersion.objects.get(pk=_upload_preview(administrator).pk)
    en_client.force_login(administrator)
    page = en_client.get(reverse("endusers:version_detail", args=[preview.pk])).content.decode()
    assert "12 added, 0 removed, 0 changed." in page
    assert "Each list below shows its first 3 rows" in page
    diff = page[page.index('data-testid="diff"') : page.index("Discard this upload")]
    assert diff.count('class="diff-new"') == 3


def _upload_preview(administrator):
    from endusers import services

    return services.list_version_upload(
        actor=administrator, file_name="list.csv", content=sample_bytes()
    )
