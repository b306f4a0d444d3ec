import pytest

from dialogue import services
from dialogue.models import Message
from portal.errors import InvalidTransition
from reports import lifecycle
from reports.models import Report, Status
from tests.concurrency import needs_row_locks, run_together

from .helpers import make_submitted_report

pytestmark = [
    pytest.mark.django_db(transaction=True),
    needs_row_locks,
]


def test_two_officers_starting_the_dialogue_at_once_give_one_owner(people):
    report = make_submitted_report(people.exporter)
    outcomes = run_together(
        lambda: lifecycle.report_start_dialogue(actor=people.officer, report_id=report.pk),
        lambda: lifecycle.report_start_dialogue(actor=people.officer2, report_id=report.pk),
    )
    winners = [o for o in outcomes if isinstance(o, Report)]
    assert len(winners) == 1
    assert sum(isinstance(o, InvalidTransition) for o in outcomes) == 1
    report.refresh_from_db()
    assert report.assigned_officer == winners[0].assigned_officer
    assert report.transitions.filter(transition="start_dialogue").count() == 1


def test_a_message_racing_the_conclusion_is_either_in_before_it_or_refused(people):
    report = make_submitted_report(people.exporter)
    lifecycle.report_start_dialogue(actor=people.officer, report_id=report.pk)
    outcomes = run_together(
        lambda: lifecycle.report_conclude(
            actor=people.officer, report_id=report.pk, summary="s", agreed_measures="m"
        ),
        lambda: services.message_post(
            actor=people.exporter, report_id=report.pk, kind="answer", body="late answer"
        ),
    )
    report.refresh_from_db()
    assert report.status == Status.CLOSED_NO_INFORM
    posted = outcomes[1]
    if isinstance(posted, Message):
        assert posted.created_at <= report.closed_at
    else:
        assert isinstance(posted, InvalidTransition)
