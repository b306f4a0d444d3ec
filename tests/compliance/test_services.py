"""Every transition of a compliance case, by every actor, and every refusal (service level)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from compliance import lifecycle, selectors, services
from compliance.lifecycle import CaseStatus
from compliance.models import ComplianceCase, NoticeKind, NoticeWording
from dialogue.models import MessageKind
from portal.errors import InvalidTransition
from portal.models import AuditRecord, Notification
from tests import factories

from .helpers import (
    answer,
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


def _statuses(case):
    return list(case.transitions.values_list("transition", "from_status", "to_status"))


# --- opening a case ---------------------------------------------------------------------------


def test_an_officer_opens_a_draft_from_a_late_report(people):
    report = late_report(people.exporter)
    assert report.late
    case = services.case_create(
        actor=people.officer,
        report_id=report.pk,
        facts="契約日当日の報告。契約前に技術資料が送付されていた。",
        transfer_date=today(),
    )
    assert case.status == CaseStatus.DRAFT
    assert case.organisation_id == people.exporter.organisation_id
    assert case.technology_id == report.technology_id
    assert case.responsible_division_id == report.responsible_division_id
    assert case.report_id == report.pk and case.assigned_officer == people.officer
    assert case.reference.startswith("CC-") and case.thread_id is not None
    assert AuditRecord.objects.filter(verb="compliance.create", target_id=str(case.pk)).exists()


def test_a_second_case_on_a_late_report_waits_until_the_first_is_closed(people):
    report = late_report(people.exporter)

    def create():
        return services.case_create(
            actor=people.officer,
            report_id=report.pk,
            facts="遅延した報告",
            transfer_date=today() - datetime.timedelta(days=1),
        )

    first = create()
    with pytest.raises(ValidationError) as error:
        create()
    assert error.value.message_dict == {
        "report": [f"Case {first.reference} is already open for this report."]
    }
    assert ComplianceCase.objects.filter(report=report).count() == 1
    services.case_discard(actor=people.officer, case_id=first.pk, reason="重複")
    assert create().reference != first.reference


def test_a_report_that_was_not_late_starts_no_case(people):
    from tests.reports.helpers import submitted_report

    report = submitted_report(people.exporter)
    with pytest.raises(ValidationError) as error:
        services.case_create(
            actor=people.officer, report_id=report.pk, facts="事実", transfer_date=today()
        )
    assert "report" in error.value.message_dict
    assert not ComplianceCase.objects.exists()


def test_another_divisions_report_is_not_found(people):
    report = late_report(people.exporter)
    with pytest.raises(Http404):
        services.case_create(
            actor=people.other_officer, report_id=report.pk, facts="事実", transfer_date=today()
        )


def test_standalone_case_checks_every_field_and_writes_nothing_on_error(people, catalog):
    from catalog.models import Technology

    fiber = Technology.objects.filter(code="carbon_fiber").first()  # the mat division's
    with pytest.raises(ValidationError) as error:
        services.case_create(
            actor=people.officer,
            organisation_id=None,
            technology_id=fiber.pk,
            facts="  ",
            transfer_date=today() + datetime.timedelta(days=1),
        )
    assert set(error.value.message_dict) == {"organisation", "technology", "facts", "transfer_date"}
    assert not ComplianceCase.objects.exists()


def test_only_meti_staff_open_cases(people):
    with pytest.raises(PermissionDenied):
        draft_case(people.exporter, people.exporter)


def test_case_references_are_numbered_in_order(people):
    first = draft_case(people.officer, people.exporter)
    second = draft_case(people.officer, people.other_exporter)
    assert int(second.reference[-5:]) == int(first.reference[-5:]) + 1


# --- who sees a case --------------------------------------------------------------------------


def test_a_draft_is_invisible_to_the_organisation_until_opened(people):
    case = draft_case(people.officer, people.exporter)
    with pytest.raises(Http404):
        selectors.case_for_user(people.exporter, case.pk)
    assert not selectors.case_list(people.exporter).exists()
    services.case_open(actor=people.officer, case_id=case.pk)
    assert selectors.case_for_user(people.exporter, case.pk) == case
    assert selectors.case_for_user(people.colleague, case.pk) == case


@pytest.mark.parametrize("who", ["other_exporter", "other_officer", "other_supervisor"])
def test_outsiders_never_see_a_case(people, who):
    case = issued_case(people.officer, people.supervisor, people.exporter)
    with pytest.raises(Http404):
        selectors.case_for_user(getattr(people, who), case.pk)
    assert not selectors.case_list(getattr(people, who)).exists()


def test_administrators_see_no_case(people, administrator):
    case = opened_case(people.officer, people.exporter)
    with pytest.raises(Http404):
        selectors.case_for_user(administrator, case.pk)


# --- open -------------------------------------------------------------------------------------


def test_open_notifies_the_organisation_and_records_history(people):
    case = draft_case(people.officer, people.exporter)
    case = services.case_open(actor=people.supervisor, case_id=case.pk)
    assert case.status == CaseStatus.OPENED and case.opened_at is not None
    assert _statuses(case) == [("open", "draft", "opened")]
    assert Notification.objects.filter(
        recipient=people.colleague, verb="compliance.opened"
    ).exists()
    assert AuditRecord.objects.filter(verb="compliance.open", target_id=str(case.pk)).exists()


@pytest.mark.parametrize("who", ["exporter", "other_officer", "other_exporter"])
def test_only_the_division_opens(people, who):
    case = draft_case(people.officer, people.exporter)
    with pytest.raises(PermissionDenied):
        services.case_open(actor=getattr(people, who), case_id=case.pk)
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT


def test_opening_twice_is_a_conflict(people):
    case = opened_case(people.officer, people.exporter)
    with pytest.raises(InvalidTransition) as error:
        services.case_open(actor=people.officer, case_id=case.pk)
    assert error.value.status == CaseStatus.OPENED


# --- guidance ---------------------------------------------------------------------------------


def test_guidance_records_measures_due_date_and_the_current_legal_wording(people):
    wording = NoticeWording.objects.get(kind=NoticeKind.GUIDANCE)
    case = guided_case(people.officer, people.exporter)
    assert case.status == CaseStatus.GUIDANCE_ISSUED
    assert case.guidance_legal_basis == wording.legal_basis and "第55条の8" in wording.legal_basis
    assert case.guidance_issued_by == people.officer
    assert Notification.objects.filter(
        recipient=people.exporter, verb="compliance.guidance"
    ).exists()
    # A later change of the wording does not rewrite guidance already given.
    services.notice_wording_update(
        actor=factories.AdministratorFactory(), wording_id=wording.pk, legal_basis="新しい文言"
    )
    case.refresh_from_db()
    assert case.guidance_legal_basis != "新しい文言"


def test_guidance_refuses_bad_input_and_changes_nothing(people):
    case = opened_case(people.officer, people.exporter)
    with pytest.raises(ValidationError) as error:
        services.case_issue_guidance(
            actor=people.officer, case_id=case.pk, measures=" ", answer_due=today()
        )
    assert set(error.value.message_dict) == {"measures", "answer_due"}
    case.refresh_from_db()
    assert case.status == CaseStatus.OPENED and case.guidance_answer_due is None


def test_guidance_on_a_draft_is_a_conflict_and_exporters_are_refused(people):
    case = draft_case(people.officer, people.exporter)
    due = today() + datetime.timedelta(days=7)
    with pytest.raises(InvalidTransition):
        services.case_issue_guidance(
            actor=people.officer, case_id=case.pk, measures="措置", answer_due=due
        )
    services.case_open(actor=people.officer, case_id=case.pk)
    with pytest.raises(PermissionDenied):
        services.case_issue_guidance(
            actor=people.exporter, case_id=case.pk, measures="措置", answer_due=due
        )


# --- the order: proposal, four eyes, return ----------------------------------------------------


def test_an_order_cannot_be_proposed_before_guidance(people):
    case = opened_case(people.officer, people.exporter)
    with pytest.raises(InvalidTransition) as error:
        services.case_propose_order(
            actor=people.officer,
            case_id=case.pk,
            measures="改善",
            compliance_due=today() + datetime.timedelta(days=30),
        )
    assert error.value.status == CaseStatus.OPENED


def test_a_proposal_asks_the_divisions_supervisors_and_stays_hidden_from_the_company(people):
    case = proposed_case(people.officer, people.exporter)
    assert case.status == CaseStatus.ORDER_PROPOSED
    assert case.order_legal_basis == NoticeWording.objects.get(kind="order").legal_basis
    for supervisor in (people.supervisor, people.supervisor2):
        assert Notification.objects.filter(
            recipient=supervisor, verb="compliance.order_proposed"
        ).exists()
    assert not Notification.objects.filter(recipient=people.other_supervisor).exists()
    assert not Notification.objects.filter(
        recipient=people.exporter, verb__startswith="compliance.order"
    ).exists()
    assert lifecycle.status_seen_by(people.exporter, case.status) == CaseStatus.GUIDANCE_ISSUED
    seen = [row.transition for row in selectors.case_history(people.exporter, case)]
    assert seen == ["open", "issue_guidance"]
    assert "approve_order" not in lifecycle.available_actions(case, people.exporter)


def test_the_proposer_cannot_approve_their_own_order(people):
    case = proposed_case(people.supervisor, people.exporter)
    with pytest.raises(PermissionDenied):
        services.case_approve_order(actor=people.supervisor, case_id=case.pk)
    with pytest.raises(PermissionDenied):
        services.case_return_order(actor=people.supervisor, case_id=case.pk, reason="自分で")
    assert lifecycle.available_actions(case, people.supervisor) >= {"discuss"}
    assert "approve_order" not in lifecycle.available_actions(case, people.supervisor)
    case.refresh_from_db()
    assert case.status == CaseStatus.ORDER_PROPOSED and case.order_number is None


@pytest.mark.parametrize("who", ["officer", "other_supervisor", "exporter"])
def test_only_a_supervisor_of_the_division_approves(people, who):
    case = proposed_case(people.officer, people.exporter)
    with pytest.raises(PermissionDenied):
        services.case_approve_order(actor=getattr(people, who), case_id=case.pk)


def test_a_second_supervisor_issues_a_numbered_order(people):
    case = proposed_case(people.supervisor, people.exporter)
    case = services.case_approve_order(actor=people.supervisor2, case_id=case.pk)
    year = today().year
    assert case.status == CaseStatus.ORDER_ISSUED
    assert case.order_number == f"IO-{year}-0001"
    assert case.order_approved_by == people.supervisor2 and case.order_issued_at
    assert Notification.objects.filter(
        recipient=people.exporter, verb="compliance.order_issued"
    ).exists()
    assert Notification.objects.filter(
        recipient=people.supervisor, verb="compliance.order_approved"
    ).exists()
    with pytest.raises(InvalidTransition) as error:
        services.case_approve_order(actor=people.supervisor, case_id=case.pk)
    assert error.value.status == CaseStatus.ORDER_ISSUED
    other = issued_case(people.officer, people.supervisor, people.other_exporter)
    assert other.order_number == f"IO-{year}-0002"


def test_a_return_needs_a_reason_and_sends_the_case_back_to_the_guidance(people):
    case = proposed_case(people.officer, people.exporter)
    with pytest.raises(ValidationError):
        services.case_return_order(actor=people.supervisor, case_id=case.pk, reason=" ")
    case = services.case_return_order(
        actor=people.supervisor, case_id=case.pk, reason="改善内容を具体的に。"
    )
    assert case.status == CaseStatus.GUIDANCE_ISSUED
    assert case.order_proposed_by is None and case.order_measures == ""
    row = case.transitions.get(transition="return_order")
    assert row.reason == "改善内容を具体的に。"
    assert row.details["measures"] == "技術管理体制を改善し、その結果を報告すること。"
    assert Notification.objects.filter(
        recipient=people.officer, verb="compliance.order_returned"
    ).exists()
    # Proposed again, the officer who proposed first may not decide, the supervisor may.
    case = services.case_propose_order(
        actor=people.officer,
        case_id=case.pk,
        measures="具体的な改善内容",
        compliance_due=today() + datetime.timedelta(days=20),
    )
    services.case_approve_order(actor=people.supervisor, case_id=case.pk)


def test_returning_when_nothing_is_proposed_is_a_conflict(people):
    case = guided_case(people.officer, people.exporter)
    with pytest.raises(InvalidTransition):
        services.case_return_order(actor=people.supervisor, case_id=case.pk, reason="理由")


# --- acknowledgement and closing --------------------------------------------------------------


def test_the_company_acknowledges_once(people):
    case = issued_case(people.officer, people.supervisor, people.exporter)
    for who in ("officer", "supervisor", "other_exporter"):
        with pytest.raises(PermissionDenied):
            services.case_acknowledge_order(actor=getattr(people, who), case_id=case.pk)
    case = services.case_acknowledge_order(actor=people.colleague, case_id=case.pk)
    assert case.status == CaseStatus.ORDER_ACKNOWLEDGED
    assert case.order_acknowledged_by == people.colleague
    assert Notification.objects.filter(
        recipient=people.officer, verb="compliance.order_acknowledged"
    ).exists()
    with pytest.raises(InvalidTransition):
        services.case_acknowledge_order(actor=people.exporter, case_id=case.pk)


def test_acknowledging_before_the_order_is_issued_is_a_conflict_seen_as_guidance(people):
    case = proposed_case(people.officer, people.exporter)
    with pytest.raises(InvalidTransition) as error:
        services.case_acknowledge_order(actor=people.exporter, case_id=case.pk)
    assert error.value.status == CaseStatus.GUIDANCE_ISSUED  # the proposal stays hidden


@pytest.mark.parametrize(
    ("outcome", "status"), [("resolved", "resolved"), ("referred", "referred")]
)
def test_closing_records_the_outcome(people, outcome, status):
    case = issued_case(people.officer, people.supervisor, people.exporter)
    services.case_acknowledge_order(actor=people.exporter, case_id=case.pk)
    case = services.case_close(
        actor=people.officer, case_id=case.pk, outcome=outcome, summary="経緯のまとめ"
    )
    assert case.status == status and case.closing_summary == "経緯のまとめ"
    assert case.closed_by == people.officer and case.closed_at
    assert case.transitions.last().reason == "経緯のまとめ"
    with pytest.raises(InvalidTransition):
        services.case_close(actor=people.officer, case_id=case.pk, outcome="resolved", summary="x")


def test_closing_refuses_bad_input_the_wrong_actor_and_the_wrong_state(people):
    case = opened_case(people.officer, people.exporter)
    with pytest.raises(ValidationError) as error:
        services.case_close(actor=people.officer, case_id=case.pk, outcome="forgiven", summary="")
    assert set(error.value.message_dict) == {"outcome", "summary"}
    with pytest.raises(PermissionDenied):
        services.case_close(actor=people.exporter, case_id=case.pk, outcome="resolved", summary="s")
    draft = draft_case(people.officer, people.exporter)
    with pytest.raises(InvalidTransition):
        services.case_close(actor=people.officer, case_id=draft.pk, outcome="resolved", summary="s")
    proposed = proposed_case(people.officer, people.other_exporter)
    with pytest.raises(InvalidTransition):
        services.case_close(
            actor=people.officer, case_id=proposed.pk, outcome="referred", summary="s"
        )
    case = services.case_close(
        actor=people.officer, case_id=case.pk, outcome="resolved", summary="事実誤認"
    )
    assert case.status == CaseStatus.RESOLVED


def test_a_draft_is_discarded_with_a_reason_history_and_audit_never_seen_by_the_company(people):
    case = draft_case(people.officer, people.exporter)
    with pytest.raises(ValidationError) as error:
        services.case_discard(actor=people.officer, case_id=case.pk, reason="  ")
    assert set(error.value.message_dict) == {"reason"}
    with pytest.raises(Http404):
        selectors.case_for_user(people.exporter, case.pk)
    with pytest.raises(PermissionDenied):
        services.case_discard(actor=people.other_officer, case_id=case.pk, reason="x")
    assert ComplianceCase.objects.get(pk=case.pk).status == CaseStatus.DRAFT
    case = services.case_discard(actor=people.supervisor, case_id=case.pk, reason="誤って作成した")
    assert case.status == CaseStatus.DISCARDED and not case.is_active
    assert _statuses(case)[-1] == ("discard", "draft", "discarded")
    assert case.transitions.last().reason == "誤って作成した"
    assert AuditRecord.objects.filter(verb="compliance.discard").count() == 1
    assert not Notification.objects.filter(recipient=people.exporter).exists()
    with pytest.raises(Http404):
        selectors.case_for_user(people.exporter, case.pk)
    assert case in selectors.cases_visible_to(people.officer)
    # Nothing more: no opening, no messages.
    with pytest.raises(InvalidTransition):
        services.case_open(actor=people.officer, case_id=case.pk)
    with pytest.raises(InvalidTransition):
        services.case_message_post(
            actor=people.officer, case_id=case.pk, kind=MessageKind.INTERNAL_NOTE, body="x"
        )


def test_only_a_draft_is_discarded(people):
    case = opened_case(people.officer, people.exporter)
    with pytest.raises(InvalidTransition):
        services.case_discard(actor=people.officer, case_id=case.pk, reason="誤り")
    assert ComplianceCase.objects.get(pk=case.pk).status == CaseStatus.OPENED


# --- the thread -------------------------------------------------------------------------------


def test_the_company_answers_guidance_with_evidence(people):
    case = guided_case(people.officer, people.exporter)
    services.case_message_post(
        actor=people.exporter, case_id=case.pk, kind=MessageKind.QUESTION, body="質問です"
    )
    case.refresh_from_db()
    assert case.guidance_answered_at is None  # a question is not the answer
    message = services.case_message_post(
        actor=people.exporter,
        case_id=case.pk,
        kind=MessageKind.ANSWER,
        body="規程を改定しました。",
        files=[evidence()],
    )
    case.refresh_from_db()
    assert case.guidance_answered_at == message.created_at
    assert message.attachments.get().original_name == "evidence.pdf"
    assert Notification.objects.filter(recipient=people.officer, verb="compliance.message").exists()
    services.case_attach(actor=people.exporter, case_id=case.pk, file=evidence("more.pdf"))
    names = [a.original_name for a in selectors.case_attachments(people.officer, case)]
    assert names == ["evidence.pdf", "more.pdf"]


def test_an_answer_after_the_order_is_recorded_as_the_report_on_compliance(people):
    case = issued_case(people.officer, people.supervisor, people.exporter)
    answer(people.exporter, case)
    case.refresh_from_db()
    assert case.order_answered_at is not None


def test_internal_notes_stay_inside_the_division(people):
    case = guided_case(people.officer, people.exporter)
    services.case_message_post(
        actor=people.supervisor,
        case_id=case.pk,
        kind=MessageKind.INTERNAL_NOTE,
        body="内部メモ",
        files=[evidence("memo.pdf")],
    )
    assert [m.body for m in selectors.case_messages(people.officer, case)] == ["内部メモ"]
    assert not selectors.case_messages(people.exporter, case).exists()
    assert not selectors.case_attachments(people.exporter, case).exists()
    assert not Notification.objects.filter(recipient=people.exporter, verb="compliance.message")
    with pytest.raises(PermissionDenied):
        services.case_message_post(
            actor=people.exporter, case_id=case.pk, kind=MessageKind.INTERNAL_NOTE, body="x"
        )


def test_a_draft_takes_internal_notes_only(people):
    case = draft_case(people.officer, people.exporter)
    services.case_message_post(
        actor=people.officer, case_id=case.pk, kind=MessageKind.INTERNAL_NOTE, body="調査メモ"
    )
    with pytest.raises(PermissionDenied):
        services.case_message_post(
            actor=people.officer, case_id=case.pk, kind=MessageKind.ADVICE, body="助言"
        )
    with pytest.raises(ValidationError):
        services.case_attach(actor=people.officer, case_id=case.pk, file=evidence())
    with pytest.raises(PermissionDenied):
        answer(people.exporter, case)


def test_a_closed_case_takes_no_messages(people):
    case = opened_case(people.officer, people.exporter)
    services.case_close(actor=people.officer, case_id=case.pk, outcome="resolved", summary="終結")
    with pytest.raises(InvalidTransition):
        answer(people.exporter, case)
    with pytest.raises(InvalidTransition):
        services.case_attach(actor=people.officer, case_id=case.pk, file=evidence())


def test_outsiders_cannot_post(people):
    case = guided_case(people.officer, people.exporter)
    for who in ("other_exporter", "other_officer"):
        with pytest.raises(PermissionDenied):
            answer(getattr(people, who), case)


# --- the notices' wording ---------------------------------------------------------------------


def test_only_administrators_change_the_wording_and_it_is_audited(people, administrator):
    wording = NoticeWording.objects.get(kind=NoticeKind.ORDER)
    with pytest.raises(PermissionDenied):
        services.notice_wording_update(
            actor=people.supervisor, wording_id=wording.pk, legal_basis="x"
        )
    with pytest.raises(ValidationError):
        services.notice_wording_update(actor=administrator, wording_id=wording.pk, legal_basis="")
    before = wording.legal_basis
    services.notice_wording_update(
        actor=administrator, wording_id=wording.pk, legal_basis="同法第55条の8に基づき命ずる。"
    )
    wording.refresh_from_db()
    assert wording.legal_basis == "同法第55条の8に基づき命ずる。"
    record = AuditRecord.objects.get(verb="compliance.wording_update")
    assert record.payload == {"kind": "order", "before": before, "after": wording.legal_basis}
    case = proposed_case(people.officer, people.exporter)
    assert case.order_legal_basis == "同法第55条の8に基づき命ずる。"
