"""reports.lifecycle: who may do what, from which state, and when; what pages and the API offer."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from informs import services as inform_services
from portal.errors import InvalidTransition
from reports import lifecycle, services
from reports.lifecycle import Status
from reports.models import Report
from reports.sweep import lapse_due_reports
from tests import factories
from tests.informs.helpers import make_report_under_dialogue, people, propose  # noqa: F401

from .helpers import complete_data, submitted_report

pytestmark = pytest.mark.django_db


def _everyone(people):
    return {
        "exporter": people.exporter,
        "other_exporter": people.other_exporter,
        "officer": people.officer,
        "supervisor": people.supervisor,
        "supervisor2": people.supervisor2,
        "other_officer": people.other_officer,
        "administrator": factories.AdministratorFactory(),
    }


# --- only the clock lapses ---------------------------------------------------------------------


def test_only_the_clock_may_lapse(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    past = report.decision_due_at + datetime.timedelta(minutes=1)
    with time_machine.travel(past, tick=False):
        for who, user in _everyone(people).items():
            problem = lifecycle.refusal(report, user, "lapse")
            assert isinstance(problem, PermissionDenied), who
            assert "lapse" not in lifecycle.available_actions(report, user), who
        assert lifecycle.refusal(report, None, "lapse") is None
    report.refresh_from_db()
    assert report.status == Status.UNDER_DIALOGUE


def test_the_clock_lapses_nothing_before_the_deadline(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    before = report.decision_due_at - datetime.timedelta(seconds=1)
    assert lapse_due_reports(now=before) == 0
    assert lapse_due_reports(now=report.decision_due_at) == 1
    report.refresh_from_db()
    assert report.status == Status.LAPSED
    assert report.transitions.get(transition="lapse").actor is None


# --- what each person is offered -------------------------------------------------------------


def _offered(report, everyone):
    report = Report.objects.get(pk=report.pk)
    return {who: set(lifecycle.available_actions(report, user)) for who, user in everyone.items()}


def test_actions_offered_in_each_state(people):
    everyone = _everyone(people)
    nobody: set[str] = set()
    exporter_side = {"amend", "withdraw", "discuss"}
    officer_side = {"discuss"}

    draft = services.report_create(actor=people.exporter, data=complete_data())
    offered = _offered(draft, everyone)
    assert offered["exporter"] == {"submit", "withdraw", "edit_draft"}
    assert offered["officer"] == offered["supervisor"] == nobody

    submitted = submitted_report(people.exporter)
    offered = _offered(submitted, everyone)
    assert offered["exporter"] == exporter_side
    assert offered["officer"] == officer_side | {"start_dialogue", "mark_not_subject"}
    assert offered["supervisor"] == offered["officer"] | {"extend_deadline", "reassign"}
    for stranger in ("other_exporter", "other_officer", "administrator"):
        assert offered[stranger] == nobody

    dialogue = make_report_under_dialogue(people.exporter, people.officer)
    offered = _offered(dialogue, everyone)
    assert offered["exporter"] == exporter_side
    assert offered["officer"] == officer_side | {"propose_inform", "conclude", "mark_not_subject"}

    propose(dialogue, people.supervisor)
    offered = _offered(dialogue, everyone)
    # Four eyes: the proposer (here a supervisor) may not decide; the other supervisor may.
    assert offered["supervisor"] == {"discuss", "extend_deadline", "reassign"}
    assert offered["supervisor2"] == {
        "discuss",
        "extend_deadline",
        "reassign",
        "issue_inform",
        "return_proposal",
    }
    assert offered["officer"] == officer_side
    # The exporter is offered exactly what they were offered under dialogue.
    assert offered["exporter"] == exporter_side


def test_nothing_is_offered_after_the_deadline_but_the_thread(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    with time_machine.travel(report.decision_due_at + datetime.timedelta(seconds=1), tick=False):
        offered = _offered(report, _everyone(people))
    assert offered["exporter"] == {"discuss"}
    assert offered["officer"] == {"discuss"}
    assert offered["supervisor"] == {"discuss", "reassign"}


@pytest.mark.parametrize(
    "action",
    ["start_dialogue", "conclude", "mark_not_subject", "propose_inform", "withdraw", "amend"],
)
def test_a_refused_actor_hears_403_whatever_the_state(people, action):
    report = submitted_report(people.exporter)
    stranger = people.other_officer if action not in ("withdraw", "amend") else people.officer
    with pytest.raises(PermissionDenied):
        lifecycle.require(report, stranger, action)


# --- amendments -----------------------------------------------------------------------------------


def test_an_amendment_recomputes_the_late_flag(people):
    report = submitted_report(people.exporter)
    assert report.late is False
    received = lifecycle.report_content(report)["planned_contract_date"]
    assert received is not None
    day_of_receipt = report.received_at.astimezone(lifecycle.clock.JST).date()
    with pytest.raises(ValidationError) as refused:
        services.report_amend(
            actor=people.exporter,
            report_id=report.pk,
            data={"planned_contract_date": day_of_receipt},
            note="契約日の前倒し",
        )
    assert "late_reason" in refused.value.message_dict  # now late: the reason is required
    report = services.report_amend(
        actor=people.exporter,
        report_id=report.pk,
        data={"planned_contract_date": day_of_receipt, "late_reason": "先方の都合で前倒し"},
        note="契約日の前倒し",
    )
    assert report.late is True
    later = day_of_receipt + datetime.timedelta(days=40)
    report = services.report_amend(
        actor=people.exporter,
        report_id=report.pk,
        data={"planned_contract_date": later},
        note="契約日を元に戻した",
    )
    assert Report.objects.get(pk=report.pk).late is False


def test_an_amendment_after_the_deadline_is_refused_before_the_sweep(people):
    report = submitted_report(people.exporter)
    with (
        time_machine.travel(report.decision_due_at + datetime.timedelta(minutes=5), tick=False),
        pytest.raises(InvalidTransition),
    ):
        services.report_amend(
            actor=people.exporter,
            report_id=report.pk,
            data={"counterparty_address": "新住所"},
            note="住所変更",
        )
    assert Report.objects.get(pk=report.pk).revision == 1


def test_an_amendment_while_a_proposal_waits_is_accepted(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    propose(report, people.officer)
    amended = services.report_amend(
        actor=people.exporter,
        report_id=report.pk,
        data={"counterparty_address": "上海市浦東新区2号"},
        note="住所の訂正",
    )
    assert amended.revision == 2 and amended.status == Status.INFORM_PROPOSED


# --- the extension cap ----------------------------------------------------------------------------


def test_the_extension_cap_is_a_setting_and_the_page_shows_it(people, settings, client):
    settings.DEADLINE_EXTENSION_MAX_DAYS = 10
    report = submitted_report(people.exporter)
    last_day = lifecycle.clock.last_day_of(report.decision_due_at)
    with pytest.raises(ValidationError) as refused:
        services.report_extend_deadline(
            actor=people.supervisor,
            report_id=report.pk,
            new_last_day=last_day + datetime.timedelta(days=11),
            reason="追加調査",
        )
    assert "10" in str(refused.value.message_dict["new_due_date"])
    services.report_extend_deadline(
        actor=people.supervisor,
        report_id=report.pk,
        new_last_day=last_day + datetime.timedelta(days=10),
        reason="追加調査",
    )
    client.force_login(people.supervisor)
    page = client.get(reverse("reports:extend_deadline", args=[report.pk])).content.decode()
    latest = (last_day + datetime.timedelta(days=20)).isoformat()
    assert 'data-testid="extension-cap"' in page and latest in page


# --- proposals and decisions ----------------------------------------------------------------------


def test_a_supervisor_who_proposed_may_neither_approve_nor_return(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.supervisor)
    with pytest.raises(PermissionDenied):
        inform_services.inform_approve(actor=people.supervisor, inform_id=inform.pk)
    with pytest.raises(PermissionDenied):
        inform_services.inform_return(actor=people.supervisor, inform_id=inform.pk, reason="r")
    assert inform_services.inform_approve(actor=people.supervisor2, inform_id=inform.pk).number
