"""The compliance pages: every act through its page, refusals, and who sees what."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from compliance.lifecycle import CaseStatus
from compliance.models import ComplianceCase, NoticeKind, NoticeWording
from dialogue.models import MessageKind

from .helpers import (
    draft_case,
    evidence,
    guided_case,
    issued_case,
    late_report,
    opened_case,
    proposed_case,
    today,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def _detail(case):
    return reverse("compliance:detail", args=[case.pk])


def test_the_report_page_offers_a_case_to_the_division_on_a_late_report_only(people):
    report = late_report(people.exporter)
    url = reverse("reports:detail", args=[report.pk])
    page = client_for(people.officer).get(url)
    assert b'data-testid="open-compliance-case"' in page.content
    assert b'data-testid="open-compliance-case"' not in client_for(people.exporter).get(url).content
    from tests.reports.helpers import submitted_report

    on_time = submitted_report(people.exporter)
    page = client_for(people.officer).get(reverse("reports:detail", args=[on_time.pk]))
    assert b'data-testid="open-compliance-case"' not in page.content


def test_an_officer_creates_a_case_from_the_late_report_and_the_report_links_to_it(people):
    report = late_report(people.exporter)
    client = client_for(people.officer)
    create = reverse("compliance:create") + f"?report={report.pk}"
    form = client.get(create)
    assert form.status_code == 200 and report.reference.encode() in form.content
    bad = client.post(create, {"report": report.pk, "transfer_date": "", "facts": ""})
    assert bad.status_code == 400 and b"error-summary" in bad.content
    assert not ComplianceCase.objects.exists()
    done = client.post(
        create,
        {"report": report.pk, "transfer_date": today().isoformat(), "facts": "契約後に報告。"},
    )
    case = ComplianceCase.objects.get()
    assert done.status_code == 302 and done["Location"] == _detail(case)
    assert case.report == report and case.status == CaseStatus.DRAFT
    page = client.get(reverse("reports:detail", args=[report.pk]))
    assert case.reference.encode() in page.content


def test_another_divisions_officer_cannot_create_from_the_report(people):
    report = late_report(people.exporter)
    response = client_for(people.other_officer).get(
        reverse("compliance:create") + f"?report={report.pk}"
    )
    assert response.status_code == 404


def test_a_standalone_case_offers_only_the_divisions_technologies(people):
    client = client_for(people.officer)
    page = client.get(reverse("compliance:create"))
    assert b"(MLCC)" in page.content and b"Carbon fiber" not in page.content
    from catalog.models import Technology

    mlcc = Technology.objects.filter(code="mlcc").first()
    unknown = client.post(
        reverse("compliance:create"),
        {
            "organisation": "1234567890123",
            "technology": mlcc.pk,
            "transfer_date": (today() - datetime.timedelta(days=3)).isoformat(),
            "facts": "税関情報により判明。",
        },
    )
    assert unknown.status_code == 400 and not ComplianceCase.objects.exists()
    # As people copy it: full-width digits and hyphens.
    number = people.exporter.organisation.corporate_number
    typed = "－".join([number[:1], number[1:5], number[5:9], number[9:]]).translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    done = client.post(
        reverse("compliance:create"),
        {
            "organisation": typed,
            "technology": mlcc.pk,
            "transfer_date": (today() - datetime.timedelta(days=3)).isoformat(),
            "facts": "税関情報により判明。",
        },
    )
    assert done.status_code == 302
    assert ComplianceCase.objects.get().organisation == people.exporter.organisation


def test_a_draft_is_404_for_the_organisation_and_opening_it_needs_a_confirmation(people):
    case = draft_case(people.officer, people.exporter)
    assert client_for(people.exporter).get(_detail(case)).status_code == 404
    officer = client_for(people.officer)
    confirm_page = officer.get(reverse("compliance:open", args=[case.pk]))
    assert b'data-testid="confirm-panel"' in confirm_page.content
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT
    officer.post(reverse("compliance:open", args=[case.pk]))
    case.refresh_from_db()
    assert case.status == CaseStatus.OPENED
    page = client_for(people.exporter).get(_detail(case))
    assert page.status_code == 200 and case.facts.encode() in page.content


def test_guidance_is_issued_after_the_confirmation_page(people):
    case = opened_case(people.officer, people.exporter)
    url = reverse("compliance:issue_guidance", args=[case.pk])
    client = client_for(people.officer)
    data = {
        "measures": "社内規程の整備",
        "answer_due": (today() + datetime.timedelta(days=10)).isoformat(),
    }
    page = client.post(url, data)
    assert b'data-testid="confirm-answers"' in page.content
    case.refresh_from_db()
    assert case.status == CaseStatus.OPENED
    past = client.post(url, {**data, "answer_due": today().isoformat(), "confirm": "1"})
    assert past.status_code == 400
    done = client.post(url, {**data, "confirm": "1"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.GUIDANCE_ISSUED


def test_the_company_answers_with_evidence_and_downloads_it_while_others_cannot(people):
    case = guided_case(people.officer, people.exporter)
    company = client_for(people.exporter)
    response = company.post(
        reverse("compliance:message_post", args=[case.pk]),
        {"kind": MessageKind.ANSWER, "body": "規程を改定しました。", "attachment": evidence()},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.guidance_answered_at is not None
    attachment = case.thread.attachments.get()
    url = reverse("compliance:attachment_download", args=[case.pk, attachment.pk])
    assert client_for(people.officer).get(url).status_code == 200
    assert company.get(url).status_code == 200
    assert client_for(people.other_exporter).get(url).status_code == 404
    assert client_for(people.other_officer).get(url).status_code == 404


def test_an_internal_note_file_is_404_for_the_company(people):
    from compliance import services

    case = guided_case(people.officer, people.exporter)
    note = services.case_message_post(
        actor=people.officer,
        case_id=case.pk,
        kind=MessageKind.INTERNAL_NOTE,
        body="内部メモ",
        files=[evidence("memo.pdf")],
    )
    url = reverse("compliance:attachment_download", args=[case.pk, note.attachments.get().pk])
    assert client_for(people.exporter).get(url).status_code == 404
    assert client_for(people.supervisor).get(url).status_code == 200
    page = client_for(people.exporter).get(_detail(case))
    assert "内部メモ".encode() not in page.content


def test_the_proposer_gets_403_and_a_second_supervisor_issues_the_order(people):
    case = proposed_case(people.supervisor, people.exporter)
    url = reverse("compliance:approve_order", args=[case.pk])
    assert client_for(people.supervisor).get(url).status_code == 403
    assert client_for(people.supervisor).post(url).status_code == 403
    assert client_for(people.officer).post(url).status_code == 403
    assert client_for(people.other_supervisor).post(url).status_code == 404
    second = client_for(people.supervisor2)
    preview = second.get(url)
    wording = NoticeWording.objects.get(kind=NoticeKind.ORDER).legal_basis
    assert wording.encode() in preview.content
    second.post(url)
    case.refresh_from_db()
    assert case.status == CaseStatus.ORDER_ISSUED and case.order_number


def test_the_company_sees_a_pending_proposal_as_guidance_and_no_order(people):
    case = proposed_case(people.officer, people.exporter)
    with translation.override("en"):
        page = client_for(people.exporter).get(_detail(case))
    assert b'data-testid="order-proposal"' not in page.content
    assert b"Guidance issued" in page.content
    pdf = reverse("compliance:order_pdf", args=[case.pk])
    assert client_for(people.exporter).get(pdf).status_code == 404
    assert client_for(people.officer).get(pdf).status_code == 200


def test_return_then_acknowledge_and_close_through_the_pages(people):
    case = proposed_case(people.officer, people.exporter)
    supervisor = client_for(people.supervisor)
    url = reverse("compliance:return_order", args=[case.pk])
    supervisor.post(url, {"reason": "具体化を", "confirm": "1"})
    case.refresh_from_db()
    assert case.status == CaseStatus.GUIDANCE_ISSUED
    issued = issued_case(people.officer, people.supervisor, people.other_exporter)
    # The other organisation's case: 404 to this exporter, receipt by its own.
    ack = reverse("compliance:acknowledge", args=[issued.pk])
    assert client_for(people.exporter).post(ack).status_code == 404
    client_for(people.other_exporter).post(ack)
    issued.refresh_from_db()
    assert issued.status == CaseStatus.ORDER_ACKNOWLEDGED
    close = reverse("compliance:close", args=[issued.pk])
    client_for(people.officer).post(
        close, {"outcome": "referred", "summary": "命令に従わないため。", "confirm": "1"}
    )
    issued.refresh_from_db()
    assert issued.status == CaseStatus.REFERRED


def test_a_refused_state_is_said_on_the_case_page(people):
    case = guided_case(people.officer, people.exporter)
    response = client_for(people.officer).get(reverse("compliance:open", args=[case.pk]))
    assert response.status_code == 302 and response["Location"] == _detail(case)


def test_lists_show_each_side_its_own_cases(people):
    mine = opened_case(people.officer, people.exporter)
    draft = draft_case(people.officer, people.exporter)
    theirs = opened_case(people.officer, people.other_exporter)
    exporter_list = client_for(people.exporter).get(reverse("compliance:list")).content
    assert mine.reference.encode() in exporter_list
    assert draft.reference.encode() not in exporter_list
    assert theirs.reference.encode() not in exporter_list
    officer_list = client_for(people.officer).get(reverse("compliance:list")).content
    assert all(c.reference.encode() in officer_list for c in (mine, draft, theirs))
    assert (
        mine.reference.encode()
        not in client_for(people.other_officer).get(reverse("compliance:list")).content
    )


def test_an_administrator_changes_the_wording_after_a_confirmation(administrator):
    client = client_for(administrator)
    wording = NoticeWording.objects.get(kind=NoticeKind.GUIDANCE)
    assert client.get(reverse("compliance:wording_list")).status_code == 200
    url = reverse("compliance:wording_edit", args=[wording.pk])
    client.post(url, {"legal_basis": "改訂後の文言"})
    wording.refresh_from_db()
    assert wording.legal_basis != "改訂後の文言"
    client.post(url, {"legal_basis": "改訂後の文言", "confirm": "1"})
    wording.refresh_from_db()
    assert wording.legal_basis == "改訂後の文言" and wording.updated_by == administrator


def test_a_draft_is_discarded_after_a_confirmation_page(people):
    case = draft_case(people.officer, people.exporter)
    client = client_for(people.officer)
    assert b'data-testid="discard-link"' in client.get(_detail(case)).content
    url = reverse("compliance:discard", args=[case.pk])
    assert client.get(url).status_code == 200
    page = client.post(url, {"reason": "誤って作成した"})
    assert page.status_code == 200 and b'data-testid="confirm-panel"' in page.content
    assert ComplianceCase.objects.get(pk=case.pk).status == CaseStatus.DRAFT
    done = client.post(url, {"reason": "誤って作成した", "confirm": "1"})
    assert done.status_code == 302
    detail = client.get(_detail(case)).content.decode()
    assert 'data-testid="discard-reason"' in detail and "誤って作成した" in detail
    assert b'data-testid="discard-link"' not in client.get(_detail(case)).content
    assert client_for(people.exporter).get(_detail(case)).status_code == 404
