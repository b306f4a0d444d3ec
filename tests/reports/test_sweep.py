import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from portal.errors import InvalidTransition
from portal.models import Notification
from reports import lifecycle, services
from reports.models import ReminderSent, Report, Status
from reports.sweep import deadlines_sweep, lapse_due_reports
from tests import factories
from tests.concurrency import needs_row_locks, run_together

from .helpers import submitted_report

JST = ZoneInfo("Asia/Tokyo")
RECEIVED = datetime.datetime(2025, 3, 3, 10, 0, tzinfo=JST)
DUE = datetime.datetime(2025, 4, 3, 0, 0, tzinfo=JST)  # domain.md's example


@pytest.fixture
def people(catalog):
    exporter = factories.ExporterFactory()
    return {
        "exporter": exporter,
        "colleague": factories.ExporterFactory(organisation=exporter.organisation),
        "officer": factories.OfficerFactory(division=catalog["elec"]),
        "officer2": factories.OfficerFactory(division=catalog["elec"]),
        "supervisor": factories.SupervisorFactory(division=catalog["elec"]),
        "other_division": factories.OfficerFactory(division=catalog["mat"]),
    }


def file_report(people, **overrides):
    with time_machine.travel(RECEIVED, tick=False):
        report = submitted_report(
            people["exporter"], planned_contract_date=datetime.date(2025, 6, 1), **overrides
        )
    assert report.decision_due_at == DUE
    return report


def reminders_for(report):
    return sorted(ReminderSent.objects.filter(report=report).values_list("days_before", flat=True))


def notified(verb_prefix):
    return sorted(
        Notification.objects.filter(verb__startswith=verb_prefix).values_list(
            "recipient__username", flat=True
        )
    )


@pytest.mark.django_db
def test_reminders_7_3_1_each_sent_once_to_officers_and_supervisors(people):
    report = file_report(people)
    Notification.objects.all().delete()
    assert deadlines_sweep(now=DUE - datetime.timedelta(days=8)).reminders == 0
    at_7 = DUE - datetime.timedelta(days=7)
    assert deadlines_sweep(now=at_7).reminders == 1
    assert deadlines_sweep(now=at_7 + datetime.timedelta(minutes=15)).reminders == 0
    assert reminders_for(report) == [7]
    # unassigned: every officer of the division and its supervisors, nobody else
    assert notified("report.reminder_7d") == sorted(
        [people["officer"].username, people["officer2"].username, people["supervisor"].username]
    )
    with time_machine.travel(DUE - datetime.timedelta(days=5), tick=False):
        lifecycle.report_start_dialogue(actor=people["officer"], report_id=report.pk)
    assert deadlines_sweep(now=DUE - datetime.timedelta(days=3)).reminders == 1
    assert notified("report.reminder_3d") == sorted(
        [people["officer"].username, people["supervisor"].username]
    )
    assert deadlines_sweep(now=DUE - datetime.timedelta(days=1)).reminders == 1
    assert deadlines_sweep(now=DUE - datetime.timedelta(hours=1)).reminders == 0
    assert reminders_for(report) == [1, 3, 7]


@pytest.mark.django_db
def test_lapse_at_deadline_once_with_system_actor_and_notifications(people):
    report = file_report(people)
    assert deadlines_sweep(now=DUE - datetime.timedelta(seconds=1)).lapsed == 0
    assert deadlines_sweep(now=DUE).lapsed == 1
    assert deadlines_sweep(now=DUE).lapsed == 0
    report.refresh_from_db()
    assert report.status == Status.LAPSED
    (t,) = report.transitions.filter(transition="lapse")
    assert t.actor is None and t.actor_name == "system"
    lapse_notes = Notification.objects.filter(verb="report.lapsed")
    exporter_side = {people["exporter"].username, people["colleague"].username}
    assert exporter_side <= set(lapse_notes.values_list("recipient__username", flat=True))
    note = lapse_notes.get(recipient=people["exporter"])
    assert "contract may proceed" in note.body_en
    # stored in both languages, each rendered in its own
    assert report.reference in note.title_ja and report.reference in note.title_en
    assert note.title_ja != note.title_en and "インフォーム" in note.title_ja
    assert people["supervisor"].username in set(
        lapse_notes.values_list("recipient__username", flat=True)
    )


@pytest.mark.django_db
def test_after_downtime_lapses_once_and_sends_no_stale_reminders(people):
    report = file_report(people)
    result = deadlines_sweep(now=DUE + datetime.timedelta(days=3))
    assert (result.lapsed, result.reminders) == (1, 0)
    assert reminders_for(report) == []
    assert not Notification.objects.filter(verb__startswith="report.reminder").exists()
    assert deadlines_sweep(now=DUE + datetime.timedelta(days=3, minutes=15)).lapsed == 0


@pytest.mark.django_db
def test_late_start_sends_only_the_most_urgent_reminder(people):
    report = file_report(people)
    assert deadlines_sweep(now=DUE - datetime.timedelta(days=2)).reminders == 1
    assert reminders_for(report) == [3, 7]
    assert Notification.objects.filter(verb="report.reminder_3d").exists()
    assert not Notification.objects.filter(verb="report.reminder_7d").exists()


@pytest.mark.django_db
def test_extension_before_deadline_holds_and_after_is_refused(people):
    report = file_report(people)
    with time_machine.travel(DUE - datetime.timedelta(days=2), tick=False):
        report = services.report_extend_deadline(
            actor=people["supervisor"],
            report_id=report.pk,
            new_last_day=datetime.date(2025, 4, 16),
            reason="追加資料の確認のため",
        )
    new_due = datetime.datetime(2025, 4, 17, tzinfo=JST)
    assert report.decision_due_at == new_due
    assert deadlines_sweep(now=DUE + datetime.timedelta(hours=1)).lapsed == 0
    # reminders follow the new deadline
    assert deadlines_sweep(now=new_due - datetime.timedelta(days=7)).reminders == 1
    ext = report.extensions.get()
    assert (ext.old_due_at, ext.new_due_at) == (DUE, new_due)
    assert Notification.objects.filter(
        verb="report.deadline_extended", recipient=people["exporter"]
    ).exists()
    with time_machine.travel(new_due + datetime.timedelta(minutes=1), tick=False):
        with pytest.raises(InvalidTransition):
            services.report_extend_deadline(
                actor=people["supervisor"],
                report_id=report.pk,
                new_last_day=datetime.date(2025, 5, 1),
                reason="too late",
            )
    report.refresh_from_db()
    assert report.decision_due_at == new_due
    assert deadlines_sweep(now=new_due).lapsed == 1


@pytest.mark.django_db
def test_extension_refusals(people):
    from django.core.exceptions import PermissionDenied, ValidationError

    report = file_report(people)
    with time_machine.travel(RECEIVED + datetime.timedelta(days=1), tick=False):
        with pytest.raises(PermissionDenied):
            services.report_extend_deadline(
                actor=people["officer"],
                report_id=report.pk,
                new_last_day=datetime.date(2025, 4, 20),
                reason="x",
            )
        with pytest.raises(ValidationError) as exc:
            services.report_extend_deadline(
                actor=people["supervisor"],
                report_id=report.pk,
                new_last_day=datetime.date(2025, 4, 2),
                reason="",
            )
        assert set(exc.value.message_dict) == {"new_due_date", "reason"}
    report.refresh_from_db()
    assert report.decision_due_at == DUE


@pytest.mark.django_db
def test_extend_deadline_api(people):
    from tests.conftest import api_as

    report = file_report(people)
    url = f"/api/v1/reports/{report.pk}/extend-deadline/"
    with time_machine.travel(RECEIVED + datetime.timedelta(days=5), tick=False):
        body = {"new_due_date": "2025-04-20", "reason": "海外当局への照会"}
        assert api_as(people["officer"]).post(url, body, format="json").status_code == 403
        assert api_as(people["exporter"]).post(url, body, format="json").status_code == 403
        other_sup = factories.SupervisorFactory(division=people["other_division"].division)
        assert api_as(other_sup).post(url, body, format="json").status_code == 404
        response = api_as(people["supervisor"]).post(url, body, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["decision_due_at"] == "2025-04-21T00:00:00+09:00"
    with time_machine.travel(datetime.datetime(2025, 4, 22, tzinfo=JST), tick=False):
        response = api_as(people["supervisor"]).post(
            url, {"new_due_date": "2025-05-20", "reason": "x"}, format="json"
        )
        assert response.status_code == 409


@pytest.mark.django_db
def test_sweep_cost_follows_due_reports_not_all_reports(people):
    from django.test.utils import CaptureQueriesContext

    def queries_for_an_idle_sweep():
        with CaptureQueriesContext(connection) as ctx:
            result = deadlines_sweep(now=RECEIVED + datetime.timedelta(days=2))
        assert (result.lapsed, result.reminders) == (0, 0)
        return len(ctx.captured_queries)

    for _ in range(3):
        file_report(people)
    few = queries_for_an_idle_sweep()
    for _ in range(30):
        file_report(people)
    # Nothing due and nothing within the reminder horizon: the same few queries.
    assert queries_for_an_idle_sweep() == few <= 8


@pytest.mark.django_db
def test_lapse_cost_grows_by_batches_not_by_report(people):
    from django.test.utils import CaptureQueriesContext

    for _ in range(12):
        file_report(people)
    with CaptureQueriesContext(connection) as ctx:
        assert lapse_due_reports(now=DUE, batch_size=50) == 12
    assert len(ctx.captured_queries) <= 12


@pytest.mark.django_db
def test_lapse_works_in_batches(people):
    reports = [file_report(people) for _ in range(5)]
    assert lapse_due_reports(now=DUE, batch_size=2) == 5
    assert set(
        Report.objects.filter(pk__in=[r.pk for r in reports]).values_list("status", flat=True)
    ) == {"lapsed"}


@pytest.mark.django_db
def test_sweep_command_prints_what_it_did(people):
    file_report(people)
    out = StringIO()
    call_command("sweep_deadlines", "--at", "2025-03-27T00:00:00+09:00", stdout=out)
    assert "1 reminders sent, 0 reports lapsed" in out.getvalue()
    out = StringIO()
    call_command("sweep_deadlines", "--at", "2025-04-03T00:00:00+09:00", stdout=out)
    assert "0 reminders sent, 1 reports lapsed" in out.getvalue()


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_lapse_once_and_remind_once(people):
    due_reports = [file_report(people) for _ in range(6)]
    with time_machine.travel(datetime.datetime(2025, 3, 20, 10, 0, tzinfo=JST), tick=False):
        soon = [
            submitted_report(people["exporter"], planned_contract_date=datetime.date(2025, 6, 1))
            for _ in range(4)
        ]
    now = DUE + datetime.timedelta(minutes=5)
    # reports filed 2025-03-20 are due 2025-04-20: 7-day reminders are due at `now + 10d`
    remind_at = soon[0].decision_due_at - datetime.timedelta(days=7)
    results = run_together(*(lambda: deadlines_sweep(now=now) for _ in range(3)))
    assert sum(r.lapsed for r in results) == len(due_reports)
    for r in due_reports:
        assert r.transitions.filter(transition="lapse").count() == 1
    results = run_together(*(lambda: deadlines_sweep(now=remind_at) for _ in range(3)))
    assert sum(r.reminders for r in results) == len(soon)
    assert ReminderSent.objects.filter(days_before=7).count() == len(soon)


def race_sweep_against(people, action, decided: str):
    """Run the sweep (as of the deadline) and `action` at once, a few times over; each report
    must end with exactly one decision: the lapse or the action's."""
    from django.utils import timezone

    for _ in range(8):
        report = submitted_report(people["exporter"])
        # Due in a moment: people may still act, and the sweep sweeps as of the deadline.
        due = timezone.now() + datetime.timedelta(seconds=5)
        Report.objects.filter(pk=report.pk).update(decision_due_at=due)
        results = run_together(
            lambda due=due: deadlines_sweep(now=due),
            lambda report_id=report.pk: action(report_id),
        )
        if isinstance(results[1], Exception):
            assert isinstance(results[1], InvalidTransition), results[1]
        # A row the person held locked was skipped: the next sweep settles it.
        deadlines_sweep(now=due)
        report.refresh_from_db()
        decisions = [
            t.transition
            for t in report.transitions.exclude(transition__in=["submit", "start_dialogue"])
        ]
        assert decisions in (["lapse"], [decided]), decisions
        assert (report.status == Status.LAPSED) == (decisions == ["lapse"])


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_sweep_racing_a_withdrawal_gives_one_outcome(people):
    race_sweep_against(
        people,
        lambda report_id: lifecycle.report_withdraw(
            actor=people["exporter"], report_id=report_id, reason="race"
        ),
        "withdraw",
    )


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_sweep_racing_an_officers_conclude_gives_one_outcome(people):
    from reports.lifecycle import report_conclude, report_start_dialogue

    def start_then_conclude(report_id):
        report_start_dialogue(actor=people["officer"], report_id=report_id)
        return report_conclude(
            actor=people["officer"], report_id=report_id, summary="s", agreed_measures="m"
        )

    race_sweep_against(people, start_then_conclude, "conclude")


@pytest.mark.django_db
def test_extend_deadline_page(people, client):
    report = file_report(people)
    url = f"/reports/{report.pk}/extend-deadline/"
    client.force_login(people["officer"])
    assert client.get(url).status_code == 403
    client.force_login(people["supervisor"])
    with time_machine.travel(RECEIVED + datetime.timedelta(days=3), tick=False):
        response = client.post(url, {"new_due_date": "2025-04-01", "reason": "理由"})
        assert response.status_code == 200 and "has-error" in response.content.decode()
        assert "理由" in response.content.decode()  # what was typed is kept
        response = client.post(
            url, {"new_due_date": "2025-04-20", "reason": "照会中", "confirm": "1"}
        )
        assert response.status_code == 302
    report.refresh_from_db()
    assert report.decision_due_at == datetime.datetime(2025, 4, 21, tzinfo=JST)
    with time_machine.travel(datetime.datetime(2025, 4, 22, tzinfo=JST), tick=False):
        response = client.post(
            url, {"new_due_date": "2025-05-20", "reason": "遅すぎる", "confirm": "1"}
        )
        assert response.status_code == 302  # back to the report with the refusal message
    report.refresh_from_db()
    assert report.decision_due_at == datetime.datetime(2025, 4, 21, tzinfo=JST)
