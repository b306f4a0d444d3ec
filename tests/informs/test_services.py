import datetime

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from informs import services
from informs.models import Inform, InformStatus
from portal.errors import InvalidTransition
from portal.models import AuditRecord, Notification, Sequence
from reports import clock
from reports.models import ReportTransition, Status
from reports.sweep import lapse_due_reports

from .helpers import make_report_under_dialogue, make_submitted_report, propose

pytestmark = pytest.mark.django_db


def _year(inform: Inform) -> int:
    """The JST year the inform was issued in, whatever the year is when the test runs."""
    return clock.jst_date(inform.issued_at).year


# --- propose ------------------------------------------------------------------------------


def test_officer_proposes_and_supervisors_are_notified(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = services.inform_propose(
        actor=people.officer,
        report_id=report.pk,
        grounds="  懸念が解消されなかった。 ",
        licence_conditions=[" 再移転の禁止 ", "年次報告"],
    )
    report.refresh_from_db()
    assert report.status == Status.INFORM_PROPOSED
    assert inform.status == InformStatus.PROPOSED and inform.number is None
    assert inform.grounds == "懸念が解消されなかった。"
    assert inform.licence_conditions == ["再移転の禁止", "年次報告"]
    assert inform.legal_basis == settings.INFORM_LEGAL_BASIS
    assert inform.proposed_by == people.officer and inform.proposed_at is not None
    assert report.transitions.filter(transition="propose_inform").count() == 1
    assert AuditRecord.objects.filter(verb="inform.propose", target_id=str(inform.pk)).exists()
    notified = set(
        Notification.objects.filter(verb="inform.proposed").values_list("recipient", flat=True)
    )
    assert notified == {people.supervisor.pk, people.supervisor2.pk}


def test_supervisor_may_propose_and_is_not_notified_of_own_proposal(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    propose(report, people.supervisor)
    notified = set(
        Notification.objects.filter(verb="inform.proposed").values_list("recipient", flat=True)
    )
    assert notified == {people.supervisor2.pk}


def test_legal_basis_is_copied_at_proposal(people, settings):
    settings.INFORM_LEGAL_BASIS = "法第25条（試験用）"
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    settings.INFORM_LEGAL_BASIS = "変更後"
    inform.refresh_from_db()
    assert inform.legal_basis == "法第25条（試験用）"


def test_proposal_without_conditions_is_allowed(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer, conditions=[])
    assert inform.licence_conditions == []


@pytest.mark.parametrize(
    ("grounds", "conditions", "field"),
    [
        ("", ["a"], "grounds"),
        ("   ", [], "grounds"),
        ("ok", ["a", "  "], "licence_conditions"),
        ("ok", "not a list", "licence_conditions"),
        ("ok", [1, 2], "licence_conditions"),
    ],
)
def test_proposal_input_is_validated(people, grounds, conditions, field):
    report = make_report_under_dialogue(people.exporter, people.officer)
    with pytest.raises(ValidationError) as exc:
        services.inform_propose(
            actor=people.officer,
            report_id=report.pk,
            grounds=grounds,
            licence_conditions=conditions,
        )
    assert field in exc.value.message_dict
    report.refresh_from_db()
    assert report.status == Status.UNDER_DIALOGUE
    assert not Inform.objects.exists()


def test_proposal_only_while_under_dialogue(people):
    report = make_submitted_report(people.exporter)
    with pytest.raises(InvalidTransition) as exc:
        propose(report, people.officer)
    assert exc.value.status == Status.SUBMITTED


def test_second_proposal_while_one_is_pending_is_refused(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    propose(report, people.officer)
    with pytest.raises(InvalidTransition) as exc:
        propose(report, people.supervisor)
    assert exc.value.status == Status.INFORM_PROPOSED
    assert Inform.objects.count() == 1


@pytest.mark.parametrize("who", ["exporter", "other_officer", "other_supervisor"])
def test_only_officers_of_the_division_propose(people, who):
    report = make_report_under_dialogue(people.exporter, people.officer)
    with pytest.raises(PermissionDenied):
        propose(report, getattr(people, who))


# --- approve ------------------------------------------------------------------------------


def test_supervisor_approves_and_issues(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    inform = services.inform_approve(actor=people.supervisor, inform_id=inform.pk)
    report.refresh_from_db()
    assert report.status == Status.INFORMED
    assert report.closed_at is not None
    assert inform.status == InformStatus.ISSUED
    assert inform.number == f"INF-{_year(inform)}-0001"
    assert inform.approved_by == people.supervisor and inform.issued_at is not None
    issued = report.transitions.get(transition="issue_inform")
    assert issued.actor == people.supervisor and issued.details["number"] == inform.number
    assert AuditRecord.objects.filter(verb="inform.issue", target_id=str(inform.pk)).exists()
    # Every member of the exporter's organisation hears about it, and the proposer too.
    exporters = set(
        Notification.objects.filter(verb="inform.issued").values_list("recipient", flat=True)
    )
    assert exporters == {people.exporter.pk, people.colleague.pk, people.officer.pk}


@time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0, tzinfo=clock.JST))
def test_numbers_run_on_per_year(people):
    numbers = []
    for _ in range(3):
        report = make_report_under_dialogue(people.exporter, people.officer)
        inform = propose(report, people.officer)
        numbers.append(services.inform_approve(actor=people.supervisor, inform_id=inform.pk).number)
    assert numbers == ["INF-2025-0001", "INF-2025-0002", "INF-2025-0003"]


def test_number_year_is_the_jst_year_of_issue(people):
    # 2025-12-31 20:00 UTC is already 2026-01-01 in Tokyo.
    with time_machine.travel(
        datetime.datetime(2025, 12, 10, 10, 0, tzinfo=datetime.UTC), tick=False
    ):
        report = make_report_under_dialogue(people.exporter, people.officer)
        inform = propose(report, people.officer)
    with time_machine.travel(
        datetime.datetime(2025, 12, 31, 20, 0, tzinfo=datetime.UTC), tick=False
    ):
        inform = services.inform_approve(actor=people.supervisor, inform_id=inform.pk)
    assert inform.number == "INF-2026-0001"
    assert Sequence.objects.get(key="INF-2026").last == 1


def test_proposer_may_never_approve_four_eyes(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.supervisor)
    with pytest.raises(PermissionDenied):
        services.inform_approve(actor=people.supervisor, inform_id=inform.pk)
    report.refresh_from_db()
    assert report.status == Status.INFORM_PROPOSED
    # Another supervisor may.
    assert services.inform_approve(actor=people.supervisor2, inform_id=inform.pk).is_issued


@pytest.mark.parametrize("who", ["officer", "other_supervisor", "exporter"])
def test_only_supervisors_of_the_division_approve(people, who):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.supervisor)
    with pytest.raises(PermissionDenied):
        services.inform_approve(actor=getattr(people, who), inform_id=inform.pk)


def test_approving_twice_is_a_conflict_and_takes_no_number(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    services.inform_approve(actor=people.supervisor, inform_id=inform.pk)
    with pytest.raises(InvalidTransition) as exc:
        services.inform_approve(actor=people.supervisor2, inform_id=inform.pk)
    assert exc.value.status == Status.INFORMED
    assert Sequence.objects.get(key=f"INF-{_year(Inform.objects.get(pk=inform.pk))}").last == 1


def test_approval_after_the_deadline_is_refused(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    report.refresh_from_db()
    with time_machine.travel(report.decision_due_at, tick=False):
        with pytest.raises(InvalidTransition) as exc:
            services.inform_approve(actor=people.supervisor, inform_id=inform.pk)
    assert exc.value.status == Status.INFORM_PROPOSED
    inform.refresh_from_db()
    assert inform.status == InformStatus.PROPOSED and inform.number is None
    assert not Sequence.objects.filter(key__startswith="INF-").exists()
    # Just before the deadline it still works.
    with time_machine.travel(report.decision_due_at - datetime.timedelta(seconds=1), tick=False):
        assert services.inform_approve(actor=people.supervisor, inform_id=inform.pk).is_issued


def test_a_lapsed_proposal_stays_proposed_and_can_no_longer_be_approved(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    report.refresh_from_db()
    assert lapse_due_reports(now=report.decision_due_at) == 1  # the clock's real path
    # Even if the deadline were moved later by mistake, the lapsed report cannot be informed.
    type(report).objects.filter(pk=report.pk).update(
        decision_due_at=timezone.now() + datetime.timedelta(days=1)
    )
    with pytest.raises(InvalidTransition) as exc:
        services.inform_approve(actor=people.supervisor, inform_id=inform.pk)
    assert exc.value.status == Status.LAPSED
    inform.refresh_from_db()
    assert inform.status == InformStatus.PROPOSED and inform.number is None


def test_approval_first_then_the_clock_does_nothing(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    services.inform_approve(actor=people.supervisor, inform_id=inform.pk)
    report.refresh_from_db()
    assert lapse_due_reports(now=report.decision_due_at) == 0
    report.refresh_from_db()
    assert report.status == Status.INFORMED
    assert not report.transitions.filter(transition="lapse").exists()


# --- return -------------------------------------------------------------------------------


def test_supervisor_returns_with_reason_and_history_is_kept(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    first = propose(report, people.officer)
    first = services.inform_return(
        actor=people.supervisor, inform_id=first.pk, reason="根拠が不十分。"
    )
    report.refresh_from_db()
    assert report.status == Status.UNDER_DIALOGUE
    assert first.status == InformStatus.RETURNED
    assert first.returned_by == people.supervisor and first.return_reason == "根拠が不十分。"
    transition = report.transitions.get(transition="return_proposal")
    assert transition.reason == "根拠が不十分。"
    returned = Notification.objects.get(verb="inform.returned")
    assert returned.recipient == people.officer and "根拠が不十分。" in returned.body_ja

    second = propose(report, people.officer)
    services.inform_approve(actor=people.supervisor, inform_id=second.pk)
    assert list(report.informs.values_list("status", flat=True)) == ["returned", "issued"]


def test_return_needs_a_reason(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    with pytest.raises(ValidationError) as exc:
        services.inform_return(actor=people.supervisor, inform_id=inform.pk, reason="  ")
    assert "reason" in exc.value.message_dict
    report.refresh_from_db()
    assert report.status == Status.INFORM_PROPOSED


def test_return_only_by_a_supervisor_who_did_not_propose(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.supervisor)
    for actor in (people.officer, people.other_supervisor, people.supervisor):
        with pytest.raises(PermissionDenied):
            services.inform_return(actor=actor, inform_id=inform.pk, reason="x")


def test_an_issued_inform_cannot_be_returned(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    services.inform_approve(actor=people.supervisor, inform_id=inform.pk)
    with pytest.raises(InvalidTransition):
        services.inform_return(actor=people.supervisor2, inform_id=inform.pk, reason="x")


# --- acknowledge --------------------------------------------------------------------------


def _issued(people) -> Inform:
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    return services.inform_approve(actor=people.supervisor, inform_id=inform.pk)


def test_exporter_acknowledges_once(people):
    inform = _issued(people)
    inform = services.inform_acknowledge(actor=people.colleague, inform_id=inform.pk)
    assert inform.acknowledged_by == people.colleague and inform.acknowledged_at is not None
    recipients = set(
        Notification.objects.filter(verb="inform.acknowledged").values_list("recipient", flat=True)
    )
    assert recipients == {people.officer.pk, people.supervisor.pk}
    first_time = inform.acknowledged_at
    with pytest.raises(InvalidTransition):
        services.inform_acknowledge(actor=people.exporter, inform_id=inform.pk)
    inform.refresh_from_db()
    assert inform.acknowledged_at == first_time and inform.acknowledged_by == people.colleague


def test_a_proposal_cannot_be_acknowledged(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    with pytest.raises(InvalidTransition):
        services.inform_acknowledge(actor=people.exporter, inform_id=inform.pk)


@pytest.mark.parametrize("who", ["other_exporter", "officer", "supervisor"])
def test_only_the_reporting_organisation_acknowledges(people, who):
    inform = _issued(people)
    with pytest.raises(PermissionDenied):
        services.inform_acknowledge(actor=getattr(people, who), inform_id=inform.pk)


# --- database constraints -----------------------------------------------------------------


def test_database_allows_one_open_proposal_and_one_issued_inform_per_report(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    fields = {
        "report": report,
        "grounds": "g",
        "legal_basis": "l",
        "proposed_by": people.officer,
        "proposed_at": timezone.now(),
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Inform.objects.create(status=InformStatus.PROPOSED, **fields)
    services.inform_approve(actor=people.supervisor, inform_id=inform.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Inform.objects.create(
            status=InformStatus.ISSUED,
            number="INF-1999-0001",
            issued_at=timezone.now(),
            approved_by=people.supervisor,
            **fields,
        )
    # Returned proposals are history: any number of them.
    for _ in range(2):
        Inform.objects.create(
            status=InformStatus.RETURNED,
            returned_by=people.supervisor,
            returned_at=timezone.now(),
            **fields,
        )


def test_database_refuses_a_half_written_inform(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    fields = {
        "report": report,
        "grounds": "g",
        "legal_basis": "l",
        "proposed_by": people.officer,
        "proposed_at": timezone.now(),
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Inform.objects.create(status=InformStatus.ISSUED, **fields)  # no number
    with pytest.raises(IntegrityError), transaction.atomic():
        Inform.objects.create(status=InformStatus.PROPOSED, number="INF-1999-0002", **fields)


def test_history_of_the_report_records_every_step(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    first = propose(report, people.officer)
    services.inform_return(actor=people.supervisor, inform_id=first.pk, reason="r")
    second = propose(report, people.officer)
    services.inform_approve(actor=people.supervisor2, inform_id=second.pk)
    names = list(
        ReportTransition.objects.filter(report=report).values_list("transition", flat=True)
    )
    assert names == [
        "submit",
        "start_dialogue",
        "propose_inform",
        "return_proposal",
        "propose_inform",
        "issue_inform",
    ]
