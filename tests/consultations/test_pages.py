"""The consultation pages: lists, opening, the thread, closing and transferring with a
confirmation, filing and linking the report, the general desk; 404 outside one's own."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import Consultation, GeneralDesk
from reports.models import Report
from tests.dialogue.helpers import PDF_BYTES, upload
from tests.reports.helpers import submitted_report

from .helpers import closed_consultation, open_consultation

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def test_a_company_opens_a_consultation_without_knowing_the_technology(people):
    client = client_for(people.exporter)
    assert client.get(reverse("consultations:create")).status_code == 200
    response = client.post(
        reverse("consultations:create"),
        {
            "subject": "素材の技術供与",
            "description": "どの技術に当たるか分からない素材の製法を供与したい。",
            "technology": "",
            "counterparty_country": "Korea",
            "planned_contract_date": "",
        },
    )
    c = Consultation.objects.get()
    assert response.status_code == 302 and response["Location"] == c.get_absolute_url()
    assert c.responsible_division == people.desk and c.counterparty_country_id == "KR"
    page = client.get(c.get_absolute_url())
    assert "Not known" in page.content.decode()


def test_the_form_keeps_what_was_typed_and_names_the_errors(people):
    client = client_for(people.exporter)
    response = client.post(
        reverse("consultations:create"),
        {"subject": "", "description": "説明", "technology": "mlcc", "counterparty_country": "JP"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="error-summary"' in body and "説明" in body
    assert not Consultation.objects.exists()


def test_officers_list_the_longest_waiting_first_with_their_age(people):
    older = open_consultation(people.exporter, subject="古い相談")
    newer = open_consultation(people.exporter, subject="新しい相談")
    answered = open_consultation(people.exporter, subject="回答済み")
    Consultation.objects.filter(pk=older.pk).update(
        awaiting_reply_since=timezone.now() - datetime.timedelta(days=14)
    )
    services.consultation_post_message(
        actor=people.officer, consultation_id=answered.pk, kind="advice", body="回答"
    )
    open_consultation(people.other_exporter, technology="carbon_fiber", subject="他課の相談")
    body = client_for(people.officer).get(reverse("consultations:list")).content.decode()
    assert body.index("古い相談") < body.index("新しい相談") < body.index("回答済み")
    assert "他課の相談" not in body
    assert "working days (since" in body
    closed = closed_consultation(people.exporter, people.officer)
    assert (
        closed.reference
        not in client_for(people.officer).get(reverse("consultations:list")).content.decode()
    )
    assert (
        closed.reference
        in client_for(people.officer)
        .get(reverse("consultations:list") + "?show=all")
        .content.decode()
    )
    assert (
        newer.reference
        in client_for(people.exporter).get(reverse("consultations:list")).content.decode()
    )


def test_the_list_answers_400_for_a_bad_page(people):
    assert (
        client_for(people.exporter).get(reverse("consultations:list") + "?page=x").status_code
        == 400
    )


def test_the_thread_on_the_page_hides_internal_notes_from_the_company(people):
    c = open_consultation(people.exporter)
    officer = client_for(people.officer)
    response = officer.post(
        reverse("consultations:message_post", args=[c.pk]),
        {
            "kind": "internal_note",
            "body": "課内だけのメモ",
            "attachment": upload("m.pdf", PDF_BYTES),
        },
    )
    assert response.status_code == 302
    officer.post(
        reverse("consultations:message_post", args=[c.pk]), {"kind": "advice", "body": "助言です"}
    )
    company = client_for(people.exporter).get(c.get_absolute_url()).content.decode()
    assert "助言です" in company and "課内だけのメモ" not in company and "m.pdf" not in company
    staff = officer.get(c.get_absolute_url()).content.decode()
    assert "課内だけのメモ" in staff and "m.pdf" in staff


def test_posting_a_kind_the_company_may_not_post_is_refused(people):
    c = open_consultation(people.exporter)
    response = client_for(people.exporter).post(
        reverse("consultations:message_post", args=[c.pk]), {"kind": "advice", "body": "x"}
    )
    assert response.status_code == 403


def test_files_are_downloaded_only_by_those_who_see_the_consultation(people):
    c = open_consultation(people.exporter)
    response = client_for(people.exporter).post(
        reverse("consultations:attachment_upload", args=[c.pk]),
        {"file": upload("p.pdf", PDF_BYTES)},
    )
    assert response.status_code == 302
    attachment = c.thread.attachments.get()
    url = reverse("consultations:attachment_download", args=[c.pk, attachment.pk])
    for person in (people.exporter, people.officer):
        got = client_for(person).get(url)
        assert got.status_code == 200 and b"".join(got.streaming_content) == PDF_BYTES
    for person in (people.other_exporter, people.other_officer):
        assert client_for(person).get(url).status_code == 404
    other = open_consultation(people.exporter, subject="別件")
    wrong_owner = reverse("consultations:attachment_download", args=[other.pk, attachment.pk])
    assert client_for(people.exporter).get(wrong_owner).status_code == 404


def test_closing_shows_a_confirmation_first(people):
    c = open_consultation(people.exporter)
    client = client_for(people.officer)
    url = reverse("consultations:close", args=[c.pk])
    form = {"outcome": "not_needed", "rule": "GOODS_ONLY", "summary": "貨物のみです。"}
    confirm = client.post(url, form)
    assert confirm.status_code == 200 and 'data-testid="confirm-panel"' in confirm.content.decode()
    c.refresh_from_db()
    assert c.status == "open"
    done = client.post(url, {**form, "confirm": "1"})
    assert done.status_code == 302
    c.refresh_from_db()
    assert (c.status, c.outcome, c.outcome_rule) == ("closed", "not_needed", "GOODS_ONLY")
    page = client_for(people.exporter).get(c.get_absolute_url()).content.decode()
    assert "貨物のみです。" in page and "Only goods are transferred" in page
    # Closed: the form page says so instead of confirming again.
    again = client.post(url, form)
    assert again.status_code == 302


def test_closing_without_a_rule_for_not_needed_is_an_error_on_the_form(people):
    c = open_consultation(people.exporter)
    response = client_for(people.officer).post(
        reverse("consultations:close", args=[c.pk]),
        {"outcome": "not_needed", "rule": "", "summary": "s", "confirm": "1"},
    )
    assert response.status_code == 400
    c.refresh_from_db()
    assert c.status == "open"


def test_transfer_with_a_confirmation(people):
    c = open_consultation(people.exporter)
    client = client_for(people.officer)
    url = reverse("consultations:transfer", args=[c.pk])
    assert client.get(url).status_code == 200
    form = {"division": people.mat.pk, "reason": "繊維の技術"}
    assert 'data-testid="confirm-panel"' in client.post(url, form).content.decode()
    assert client.post(url, {**form, "confirm": "1"}).status_code == 302
    c.refresh_from_db()
    assert c.responsible_division == people.mat
    assert client.get(c.get_absolute_url()).status_code == 404
    page = client_for(people.exporter).get(c.get_absolute_url()).content.decode()
    assert "繊維の技術" not in page  # the reason stays inside METI
    assert (
        "繊維の技術" in client_for(people.other_officer).get(c.get_absolute_url()).content.decode()
    )


def test_file_the_report_from_the_consultation(people):
    c = closed_consultation(people.exporter, people.officer)
    response = client_for(people.exporter).post(reverse("consultations:file_report", args=[c.pk]))
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:edit", args=[report.pk]
    )
    assert c.report_links.get().report == report


def test_link_an_existing_report_and_see_it_on_the_report_page(people):
    c = closed_consultation(people.exporter, people.officer)
    report = submitted_report(people.exporter)
    client = client_for(people.exporter)
    url = reverse("consultations:link_report", args=[c.pk])
    assert report.reference in client.get(url).content.decode()
    assert client.post(url, {"report": report.pk}).status_code == 302
    assert client.post(url, {"report": report.pk}).status_code == 400  # no longer offered
    officer_page = client_for(people.officer).get(report.get_absolute_url()).content.decode()
    assert 'data-testid="report-consultations"' in officer_page and c.reference in officer_page
    assert c.outcome_summary in officer_page


def test_the_dashboard_shows_open_consultations(people):
    c = open_consultation(people.exporter)
    closed = closed_consultation(people.exporter, people.officer, subject="終わった相談")
    body = client_for(people.exporter).get(reverse("reports:dashboard")).content.decode()
    assert 'data-testid="open-consultations"' in body
    assert c.reference in body and closed.reference not in body
    other = client_for(people.other_exporter).get(reverse("reports:dashboard")).content.decode()
    assert c.reference not in other


def test_the_administrator_sets_the_general_desk(people):
    client = client_for(people.administrator)
    url = reverse("consultations:general_desk")
    assert "Desk" in client.get(url).content.decode()
    assert client.post(url, {"division": people.mat.pk}).status_code == 302
    assert GeneralDesk.objects.get().division == people.mat
    assert client.post(url, {"division": ""}).status_code == 400
    for person in (people.officer, people.exporter):
        assert client_for(person).get(url).status_code == 403


# Who is refused by role first (403: may never do this here) rather than by object (404).
ROLE_REFUSED = {"close": "exporter", "transfer": "exporter", "link_report": "officer"}


@pytest.mark.parametrize(
    "route",
    ["detail", "message_post", "attachment_upload", "close", "transfer", "link_report"],
)
def test_other_organisations_and_divisions_get_404(people, route):
    c = open_consultation(people.exporter)
    url = reverse(f"consultations:{route}", args=[c.pk])
    for person in (people.other_exporter, people.other_officer, people.desk_officer):
        role = "exporter" if person.role == "exporter" else "officer"
        expected = 403 if ROLE_REFUSED.get(route) == role else 404
        for method in ("get", "post"):
            response = getattr(client_for(person), method)(url)
            assert response.status_code == expected, (person.username, method)


def test_file_report_for_another_organisation_is_404(people):
    c = open_consultation(people.exporter)
    response = client_for(people.other_exporter).post(
        reverse("consultations:file_report", args=[c.pk])
    )
    assert response.status_code == 404
    assert not Report.objects.exists()


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("person", ["exporter", "officer"])
def test_the_list_costs_the_same_for_3_or_12_consultations(people, person):
    for n in range(3):
        open_consultation(people.exporter, subject=f"相談{n}")
    client = client_for(getattr(people, person))
    url = reverse("consultations:list")
    few = _queries(client, url)
    for n in range(9):
        open_consultation(people.exporter, subject=f"追加{n}")
    assert _queries(client, url) == few


def test_the_dashboard_names_each_reports_linked_consultation_in_constant_queries(people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(people.exporter)
    client.get(reverse("reports:dashboard"))  # the session's first writes out of the count

    def link_one(subject: str) -> tuple[Consultation, Report]:
        c = closed_consultation(people.exporter, people.officer, subject=subject)
        report = submitted_report(people.exporter)
        services.consultation_link_report(
            actor=people.exporter, consultation_id=c.pk, report_id=report.pk
        )
        return c, report

    closed, _report = link_one("報告が必要と言われた相談")
    with CaptureQueriesContext(connection) as few:
        body = client.get(reverse("reports:dashboard")).content.decode()
    # The closed consultation is off the open panel but named on its report's row, linked.
    assert (
        closed.reference
        not in body.split('data-testid="open-consultations"')[1].split("</section>")[0]
    )
    assert (
        f'href="{reverse("consultations:detail", args=[closed.pk])}">{closed.reference}</a>' in body
    )
    for n in range(4):
        link_one(f"相談 {n}")
    with CaptureQueriesContext(connection) as more:
        body = client.get(reverse("reports:dashboard")).content.decode()
    assert body.count('data-testid="report-row-consultations"') == 5
    assert len(more.captured_queries) == len(few.captured_queries)
    other = client_for(people.other_exporter).get(reverse("reports:dashboard")).content.decode()
    assert closed.reference not in other


def test_the_link_page_offers_only_the_most_recent_reports(people, settings):
    from consultations import views

    c = closed_consultation(people.exporter, people.officer)
    oldest = submitted_report(people.exporter)
    for _ in range(3):
        submitted_report(people.exporter)
    settings_limit = views.LINKABLE_ON_PAGE
    views.LINKABLE_ON_PAGE = 3
    try:
        client = client_for(people.exporter)
        url = reverse("consultations:link_report", args=[c.pk])
        page = client.get(url).content.decode()
        offered = re.findall(r'<option value="(\d+)"', page)
        assert len(offered) == 3 and str(oldest.pk) not in offered
    finally:
        views.LINKABLE_ON_PAGE = settings_limit
