"""Real concurrent transactions on PostgreSQL: the consultation's row lock decides who wins."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from consultations import lifecycle, services
from consultations.models import Consultation, ConsultationReminder, ConsultationTransition
from dialogue.models import Message
from portal.errors import InvalidTransition
from portal.models import Notification
from tests.concurrency import needs_row_locks, run_together

from .helpers import open_consultation

pytestmark = [pytest.mark.django_db(transaction=True), needs_row_locks]


def close(person, pk, summary="終了"):
    return lambda: lifecycle.consultation_close(
        actor=person, consultation_id=pk, outcome="other", summary=summary
    )


def test_two_officers_closing_at_once_close_it_once(people):
    c = open_consultation(people.exporter)
    outcomes = run_together(close(people.officer, c.pk, "A"), close(people.supervisor, c.pk, "B"))
    assert sum(isinstance(o, Consultation) for o in outcomes) == 1
    assert sum(isinstance(o, InvalidTransition) for o in outcomes) == 1
    assert ConsultationTransition.objects.filter(consultation=c, transition="close").count() == 1
    assert Notification.objects.filter(verb="consultation.closed").count() == 2  # two members


def test_close_racing_a_transfer_applies_exactly_one(people):
    c = open_consultation(people.exporter)
    outcomes = run_together(
        close(people.officer, c.pk),
        lambda: services.consultation_transfer(
            actor=people.supervisor, consultation_id=c.pk, division_id=people.mat.pk, reason="r"
        ),
    )
    c.refresh_from_db()
    closed, transferred = outcomes
    if isinstance(closed, Consultation):
        # Closed first: the transfer found it closed.
        assert isinstance(transferred, InvalidTransition)
        assert c.status == "closed" and c.responsible_division == people.elec
    else:
        # Transferred first: the officer of the old division may no longer close it.
        assert isinstance(closed, PermissionDenied)
        assert isinstance(transferred, Consultation)
        assert c.status == "open" and c.responsible_division == people.mat
    assert c.transitions.exclude(transition="open").count() == 1


def test_two_transfers_at_once_move_it_once(people):
    c = open_consultation(people.exporter)
    outcomes = run_together(
        lambda: services.consultation_transfer(
            actor=people.officer, consultation_id=c.pk, division_id=people.mat.pk, reason="r1"
        ),
        lambda: services.consultation_transfer(
            actor=people.supervisor, consultation_id=c.pk, division_id=people.desk.pk, reason="r2"
        ),
    )
    assert sum(isinstance(o, Consultation) for o in outcomes) == 1
    assert sum(isinstance(o, PermissionDenied) for o in outcomes) == 1
    assert c.transitions.filter(transition="transfer").count() == 1


def test_a_message_racing_the_close_is_in_before_it_or_refused(people):
    c = open_consultation(people.exporter)
    outcomes = run_together(
        close(people.officer, c.pk),
        lambda: services.consultation_post_message(
            actor=people.exporter, consultation_id=c.pk, kind="question", body="間際の質問"
        ),
    )
    c.refresh_from_db()
    assert c.status == "closed" and c.awaiting_reply_since is None
    posted = outcomes[1]
    if isinstance(posted, Message):
        assert posted.created_at <= c.closed_at
    else:
        assert isinstance(posted, InvalidTransition)


def test_two_reminder_sweeps_at_once_remind_once(people):
    c = open_consultation(people.exporter)
    now = c.awaiting_reply_since + datetime.timedelta(days=30)
    outcomes = run_together(
        lambda: services.consultations_remind(now=now),
        lambda: services.consultations_remind(now=now),
    )
    assert sorted(outcomes) == [0, 1]
    assert ConsultationReminder.objects.filter(consultation=c).count() == 1
    assert Notification.objects.filter(verb="consultation.reminder").count() == 2
