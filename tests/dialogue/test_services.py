import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dialogue import services
from dialogue.models import Message, MessageKind
from portal.errors import InvalidTransition
from portal.models import AuditRecord, Notification
from reports import lifecycle
from reports.models import Report, ReportTransition, Status

from .helpers import make_submitted_report

pytestmark = pytest.mark.django_db


def _set_status(report: Report, status: str) -> Report:
    # The FSM field is protected; tests reach other states directly with a queryset update.
    Report.objects.filter(pk=report.pk).update(status=status)
    return Report.objects.get(pk=report.pk)


def _started(people) -> Report:
    report = make_submitted_report(people.exporter)
    return lifecycle.report_start_dialogue(actor=people.officer, report_id=report.pk)


# --- starting the dialogue ----------------------------------------------------------------


def test_start_dialogue_assigns_the_officer_and_notifies_every_member(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    report = make_submitted_report(people.exporter)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = lifecycle.report_start_dialogue(actor=people.officer, report_id=report.pk)
    assert report.status == Status.UNDER_DIALOGUE
    assert report.assigned_officer == people.officer
    history = ReportTransition.objects.get(report=report, transition="start_dialogue")
    assert history.actor == people.officer
    notified = set(
        Notification.objects.filter(verb="dialogue.started").values_list("recipient", flat=True)
    )
    assert notified == {people.exporter.pk, people.exporter2.pk}
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [people.exporter.email, people.exporter2.email]
    )
    # Stored in both languages, whatever the language of the officer's request.
    note = Notification.objects.filter(verb="dialogue.started").first()
    assert people.officer.division.name_ja in note.body_ja
    assert people.officer.division.name_en in note.body_en


def test_a_supervisor_of_the_division_may_start_the_dialogue(people):
    report = make_submitted_report(people.exporter)
    report = lifecycle.report_start_dialogue(actor=people.supervisor, report_id=report.pk)
    assert report.assigned_officer == people.supervisor


def test_start_dialogue_refusals(people):
    report = make_submitted_report(people.exporter)
    with pytest.raises(PermissionDenied):
        lifecycle.report_start_dialogue(actor=people.exporter, report_id=report.pk)
    with pytest.raises(PermissionDenied):
        lifecycle.report_start_dialogue(actor=people.other_officer, report_id=report.pk)
    lifecycle.report_start_dialogue(actor=people.officer, report_id=report.pk)
    with pytest.raises(InvalidTransition) as exc:
        lifecycle.report_start_dialogue(actor=people.officer2, report_id=report.pk)
    assert exc.value.status == Status.UNDER_DIALOGUE


# --- messages -----------------------------------------------------------------------------


def test_exporter_may_ask_before_the_dialogue_starts_and_the_division_hears(people):
    report = make_submitted_report(people.exporter)
    message = services.message_post(
        actor=people.exporter, report_id=report.pk, kind="question", body="  When?  "
    )
    assert message.body == "When?"
    assert message.author_role == "exporter"
    notified = set(
        Notification.objects.filter(verb="dialogue.message").values_list("recipient", flat=True)
    )
    # Nobody is assigned yet: every officer and supervisor of the division.
    assert notified == {people.officer.pk, people.officer2.pk, people.supervisor.pk}


def test_exporter_message_goes_to_the_assigned_officer_only(people):
    report = _started(people)
    services.message_post(actor=people.exporter, report_id=report.pk, kind="answer", body="A")
    notified = list(
        Notification.objects.filter(verb="dialogue.message").values_list("recipient", flat=True)
    )
    assert notified == [people.officer.pk]


def test_staff_message_notifies_every_member_by_app_and_mail(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    report = _started(people)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(
            actor=people.officer2, report_id=report.pk, kind="advice", body="Consider X"
        )
    notes = Notification.objects.filter(verb="dialogue.message")
    assert {n.recipient_id for n in notes} == {people.exporter.pk, people.exporter2.pk}
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [people.exporter.email, people.exporter2.email]
    )
    assert all(report.reference in m.subject for m in mailoutbox)


def test_internal_note_reaches_no_exporter(people, mailoutbox, django_capture_on_commit_callbacks):
    report = _started(people)
    mailoutbox.clear()
    secret = "SECRET-NOTE-text about the counterparty"
    with django_capture_on_commit_callbacks(execute=True):
        # A colleague's note: the assigned officer hears of it (in METI), nobody else.
        services.message_post(
            actor=people.officer2, report_id=report.pk, kind="internal_note", body=secret
        )
        # The assigned officer's own note: nobody is notified.
        services.message_post(
            actor=people.officer, report_id=report.pk, kind="internal_note", body=secret
        )
    notes = Notification.objects.filter(verb="dialogue.message")
    assert [n.recipient_id for n in notes] == [people.officer.pk]
    assert [m.to for m in mailoutbox] == [[people.officer.email]]
    for n in Notification.objects.filter(recipient__role="exporter"):
        assert secret not in f"{n.title_ja}{n.title_en}{n.body_ja}{n.body_en}"
    for m in mailoutbox:
        assert secret not in m.body


def test_internal_note_without_assigned_officer_notifies_nobody(people):
    report = make_submitted_report(people.exporter)
    Notification.objects.all().delete()
    services.message_post(actor=people.officer, report_id=report.pk, kind="internal_note", body="n")
    assert not Notification.objects.exists()


@pytest.mark.parametrize("kind", [k for k in MessageKind.values if k not in ("question", "answer")])
def test_exporter_may_not_post_meti_kinds(people, kind):
    report = _started(people)
    with pytest.raises(PermissionDenied):
        services.message_post(actor=people.exporter, report_id=report.pk, kind=kind, body="x")
    assert not Message.objects.exists()


def test_outsiders_may_not_post(people):
    report = _started(people)
    for outsider in (people.other_exporter, people.other_officer):
        with pytest.raises(PermissionDenied):
            services.message_post(actor=outsider, report_id=report.pk, kind="question", body="x")


@pytest.mark.parametrize("body", ["", "   \n\t "])
def test_empty_message_is_refused(people, body):
    report = _started(people)
    with pytest.raises(ValidationError) as exc:
        services.message_post(actor=people.exporter, report_id=report.pk, kind="answer", body=body)
    assert "body" in exc.value.message_dict


def test_html_is_stored_as_typed(people):
    report = _started(people)
    body = "<script>alert('x')</script> & <b>bold</b>"
    message = services.message_post(
        actor=people.exporter, report_id=report.pk, kind="question", body=body
    )
    assert Message.objects.get(pk=message.pk).body == body


@pytest.mark.parametrize(
    "status",
    [Status.CLOSED_NO_INFORM, Status.LAPSED, Status.NOT_SUBJECT, Status.WITHDRAWN],
)
def test_no_message_in_a_closed_state(people, status):
    report = _set_status(make_submitted_report(people.exporter), status)
    for actor, kind in ((people.exporter, "question"), (people.officer, "advice")):
        with pytest.raises(InvalidTransition) as exc:
            services.message_post(actor=actor, report_id=report.pk, kind=kind, body="x")
        assert exc.value.status == status


def test_no_message_on_a_draft(people):
    from reports.services import report_create
    from tests.reports.helpers import complete_data as report_data

    draft = report_create(actor=people.exporter, data=report_data())
    with pytest.raises(InvalidTransition):
        services.message_post(actor=people.exporter, report_id=draft.pk, kind="question", body="x")


@pytest.mark.parametrize("status", [Status.INFORM_PROPOSED, Status.INFORMED])
def test_messages_still_allowed_while_inform_is_proposed_or_issued(people, status):
    report = _set_status(_started(people), status)
    services.message_post(actor=people.exporter, report_id=report.pk, kind="question", body="q")
    services.message_post(actor=people.officer, report_id=report.pk, kind="advice", body="a")
    assert Message.objects.filter(thread__report=report).count() == 2


def test_message_post_is_audited(people):
    report = _started(people)
    message = services.message_post(
        actor=people.officer, report_id=report.pk, kind="concern_information", body="c"
    )
    row = AuditRecord.objects.get(verb="message.post")
    assert row.payload["message"] == message.pk and row.actor == people.officer


# --- conclude and not subject -------------------------------------------------------------


def test_conclude_records_the_outcome_and_tells_the_members(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    report = _started(people)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = lifecycle.report_conclude(
            actor=people.officer2,
            report_id=report.pk,
            summary="Concern resolved",
            agreed_measures="Access logs kept for 5 years",
        )
    assert report.status == Status.CLOSED_NO_INFORM
    assert report.outcome_summary == "Concern resolved"
    assert report.agreed_measures == "Access logs kept for 5 years"
    assert report.closed_at is not None
    notes = Notification.objects.filter(verb="dialogue.concluded")
    assert {n.recipient_id for n in notes} == {people.exporter.pk, people.exporter2.pk}
    assert "Access logs kept for 5 years" in notes[0].body_en
    assert len(mailoutbox) == 2


def test_conclude_requires_both_texts(people):
    report = _started(people)
    with pytest.raises(ValidationError) as exc:
        lifecycle.report_conclude(
            actor=people.officer, report_id=report.pk, summary=" ", agreed_measures=""
        )
    assert set(exc.value.message_dict) == {"summary", "agreed_measures"}
    assert Report.objects.get(pk=report.pk).status == Status.UNDER_DIALOGUE


def test_conclude_refusals(people):
    report = make_submitted_report(people.exporter)
    with pytest.raises(InvalidTransition):  # the dialogue has not started
        lifecycle.report_conclude(
            actor=people.officer, report_id=report.pk, summary="s", agreed_measures="m"
        )
    lifecycle.report_start_dialogue(actor=people.officer, report_id=report.pk)
    with pytest.raises(PermissionDenied):
        lifecycle.report_conclude(
            actor=people.exporter, report_id=report.pk, summary="s", agreed_measures="m"
        )
    with pytest.raises(PermissionDenied):
        lifecycle.report_conclude(
            actor=people.other_officer, report_id=report.pk, summary="s", agreed_measures="m"
        )


@pytest.mark.parametrize("started", [False, True])
def test_mark_not_subject(people, started, mailoutbox, django_capture_on_commit_callbacks):
    report = _started(people) if started else make_submitted_report(people.exporter)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = lifecycle.report_mark_not_subject(
            actor=people.officer,
            report_id=report.pk,
            rule="PUBLIC_OR_BASIC_RESEARCH",
            reason="Published in 2019",
        )
    assert report.status == Status.NOT_SUBJECT
    assert (report.not_subject_rule, report.not_subject_reason) == (
        "PUBLIC_OR_BASIC_RESEARCH",
        "Published in 2019",
    )
    history = ReportTransition.objects.get(report=report, transition="mark_not_subject")
    assert history.details == {"rule": "PUBLIC_OR_BASIC_RESEARCH"}
    assert {m.to[0] for m in mailoutbox} == {people.exporter.email, people.exporter2.email}


def test_mark_not_subject_refusals(people):
    report = make_submitted_report(people.exporter)
    with pytest.raises(ValidationError) as exc:
        lifecycle.report_mark_not_subject(
            actor=people.officer, report_id=report.pk, rule="NOPE", reason=""
        )
    assert set(exc.value.message_dict) == {"rule", "reason"}
    with pytest.raises(PermissionDenied):
        lifecycle.report_mark_not_subject(
            actor=people.exporter, report_id=report.pk, rule="GOODS_ONLY", reason="r"
        )
    report = _set_status(report, Status.INFORM_PROPOSED)
    with pytest.raises(InvalidTransition):
        lifecycle.report_mark_not_subject(
            actor=people.officer, report_id=report.pk, rule="GOODS_ONLY", reason="r"
        )


# --- reassignment -------------------------------------------------------------------------


def test_supervisor_reassigns_and_the_new_officer_hears(people):
    report = _started(people)
    report = services.report_reassign(
        actor=people.supervisor, report_id=report.pk, officer_id=people.officer2.pk
    )
    assert report.assigned_officer == people.officer2
    row = AuditRecord.objects.get(verb="report.reassign")
    assert row.payload == {"from": people.officer.username, "to": people.officer2.username}
    assert list(
        Notification.objects.filter(verb="report.assigned").values_list("recipient", flat=True)
    ) == [people.officer2.pk]


def test_reassign_refusals(people):
    report = _started(people)
    for actor in (people.officer, people.other_supervisor, people.exporter):
        with pytest.raises(PermissionDenied):
            services.report_reassign(
                actor=actor, report_id=report.pk, officer_id=people.officer2.pk
            )
    for target in (people.other_officer, people.exporter):
        with pytest.raises(ValidationError):
            services.report_reassign(
                actor=people.supervisor, report_id=report.pk, officer_id=target.pk
            )
    report = _set_status(report, Status.CLOSED_NO_INFORM)
    with pytest.raises(InvalidTransition):
        services.report_reassign(
            actor=people.supervisor, report_id=report.pk, officer_id=people.officer2.pk
        )
