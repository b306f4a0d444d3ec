import threading

import pytest
from django.db import connection

from dialogue import services
from dialogue.models import Message
from portal.errors import InvalidTransition
from reports.models import Report, Status

from .helpers import make_submitted_report

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL; CI runs on it"
    ),
]


def _race(*actions):
    barrier = threading.Barrier(len(actions))
    outcomes: list = [None] * len(actions)

    def run(i, action):
        try:
            barrier.wait()
            outcomes[i] = action()
        except Exception as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_two_officers_starting_the_dialogue_at_once_give_one_owner(people):
    report = make_submitted_report(people.exporter)
    outcomes = _race(
        lambda: services.report_start_dialogue(actor=people.officer, report_id=report.pk),
        lambda: services.report_start_dialogue(actor=people.officer2, report_id=report.pk),
    )
    winners = [o for o in outcomes if isinstance(o, Report)]
    assert len(winners) == 1
    assert sum(isinstance(o, InvalidTransition) for o in outcomes) == 1
    report.refresh_from_db()
    assert report.assigned_officer == winners[0].assigned_officer
    assert report.transitions.filter(transition="start_dialogue").count() == 1


def test_a_message_racing_the_conclusion_is_either_in_before_it_or_refused(people):
    report = make_submitted_report(people.exporter)
    services.report_start_dialogue(actor=people.officer, report_id=report.pk)
    outcomes = _race(
        lambda: services.report_conclude(
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
