"""Consultations through their services: every transition and action, each actor, each refusal."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from consultations import lifecycle, selectors, services
from consultations.models import Consultation, ConsultationTransition, GeneralDesk, Status
from dialogue.models import Message
from portal.errors import InvalidTransition
from portal.models import AuditRecord, Notification
from reports.models import Report
from reports.models import Status as ReportStatus
from tests.dialogue.helpers import PDF_BYTES, PE_BYTES, upload
from tests.reports.helpers import submitted_report

from .helpers import closed_consultation, open_consultation

pytestmark = pytest.mark.django_db


def notified(verb: str) -> list[str]:
    return sorted(
        Notification.objects.filter(verb=verb).values_list("recipient__username", flat=True)
    )


# --- opening ----------------------------------------------------------------------------------


def test_a_consultation_goes_to_the_technologys_division(people):
    c = open_consultation(people.exporter, planned_contract_date=datetime.date(2027, 4, 1))
    assert c.status == Status.OPEN
    assert c.responsible_division == people.elec
    assert c.reference.startswith("CS-") and c.reference.endswith("00001")
    # The company's question waits for METI from the moment it is sent.
    assert abs(c.awaiting_reply_since - c.created_at) < datetime.timedelta(seconds=1)
    assert c.technology.code == "mlcc" and c.counterparty_country_id == "CN"
    row = c.transitions.get()
    assert (row.transition, row.from_status, row.to_status, row.actor) == (
        "open",
        "",
        "open",
        people.exporter,
    )
    assert AuditRecord.objects.filter(verb="consultation.open", target_id=str(c.pk)).exists()
    assert notified("consultation.opened") == sorted(
        [people.officer.username, people.supervisor.username]
    )


def test_without_a_technology_the_general_desk_takes_it(people):
    c = open_consultation(people.exporter, technology="", counterparty_country="")
    assert c.technology is None and c.counterparty_country is None
    assert c.responsible_division == people.desk
    assert notified("consultation.opened") == [people.desk_officer.username]


def test_without_a_technology_and_no_desk_the_company_is_asked_for_one(people):
    GeneralDesk.objects.all().delete()
    with pytest.raises(ValidationError) as exc:
        open_consultation(people.exporter, technology="")
    assert "technology" in exc.value.message_dict
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": "  "}, "subject"),
        ({"description": ""}, "description"),
        ({"subject": "x" * 201}, "subject"),
        ({"technology": "nonsense"}, "technology"),
        ({"counterparty_country": "JP"}, "counterparty_country"),
        ({"counterparty_country": "ZZ"}, "counterparty_country"),
    ],
)
def test_bad_input_opens_nothing(people, overrides, field):
    with pytest.raises(ValidationError) as exc:
        open_consultation(people.exporter, **overrides)
    assert field in exc.value.message_dict
    assert not Consultation.objects.exists()
    assert not Notification.objects.exists()


def test_only_companies_open_consultations(people):
    for person in (people.officer, people.administrator):
        with pytest.raises(PermissionDenied):
            open_consultation(person)


# --- visibility -------------------------------------------------------------------------------


def test_who_sees_a_consultation(people):
    c = open_consultation(people.exporter)
    for person in (people.exporter, people.colleague, people.officer, people.supervisor):
        assert selectors.consultation_for_user(person, c.pk) == c
    for person in (people.other_exporter, people.other_officer, people.desk_officer):
        with pytest.raises(Http404):
            selectors.consultation_for_user(person, c.pk)
    with pytest.raises(Http404):
        selectors.consultation_for_user(people.administrator, c.pk)


# --- messages ---------------------------------------------------------------------------------


def post(person, c, kind, body="本文", **kwargs):
    return services.consultation_post_message(
        actor=person, consultation_id=c.pk, kind=kind, body=body, **kwargs
    )


def test_who_is_waiting_follows_the_messages(people):
    c = open_consultation(people.exporter)
    opened_at = c.awaiting_reply_since
    post(people.exporter, c, "question", "補足です")
    c.refresh_from_db()
    assert c.awaiting_reply_since == opened_at  # still waiting since the first question
    post(people.officer, c, "internal_note", "課内メモ")
    c.refresh_from_db()
    assert c.awaiting_reply_since == opened_at  # a note answers nobody
    post(people.officer, c, "advice", "報告が必要になりそうです")
    c.refresh_from_db()
    assert c.awaiting_reply_since is None
    answer = post(people.exporter, c, "answer", "承知しました。追加で質問です")
    c.refresh_from_db()
    assert c.awaiting_reply_since == answer.created_at


def test_the_company_never_sees_internal_notes(people):
    c = open_consultation(people.exporter)
    note = post(people.officer, c, "internal_note", "内部メモ", files=[upload("m.pdf", PDF_BYTES)])
    assert not Notification.objects.filter(verb="consultation.message").exists()
    post(people.officer, c, "advice", "助言")
    assert [m.kind for m in selectors.messages_for(people.exporter, c)] == ["advice"]
    assert [m.kind for m in selectors.messages_for(people.officer, c)] == [
        "internal_note",
        "advice",
    ]
    attachment = note.attachments.get()
    with pytest.raises(Http404):
        selectors.attachment_for_user(people.exporter, c.pk, attachment.pk)
    assert selectors.attachment_for_user(people.supervisor, c.pk, attachment.pk) == attachment


def test_notifications_carry_the_kind_never_the_text(people):
    c = open_consultation(people.exporter)
    post(people.officer, c, "advice", "極秘の助言本文")
    rows = Notification.objects.filter(verb="consultation.message")
    assert sorted(r.recipient.username for r in rows) == sorted(
        [people.exporter.username, people.colleague.username]
    )
    for row in rows:
        assert "極秘" not in row.body_ja + row.body_en + row.title_ja + row.title_en
        assert "Advice" in row.body_en


def test_message_refusals(people):
    c = open_consultation(people.exporter)
    with pytest.raises(PermissionDenied):
        post(people.exporter, c, "advice")  # companies ask and answer only
    with pytest.raises(PermissionDenied):
        post(people.other_exporter, c, "question")
    with pytest.raises(PermissionDenied):
        post(people.other_officer, c, "advice")
    with pytest.raises(ValidationError) as exc:
        post(people.exporter, c, "question", "   ")
    assert "body" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        post(people.exporter, c, "nonsense")
    assert "kind" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        post(people.exporter, c, "question", files=[upload("x.pdf", PE_BYTES)])
    assert "file" in exc.value.message_dict
    assert not Message.objects.exists()
    lifecycle.consultation_close(
        actor=people.officer, consultation_id=c.pk, outcome="other", summary="終了"
    )
    with pytest.raises(InvalidTransition) as refused:
        post(people.exporter, c, "question")
    assert refused.value.status == "closed"


def test_files_with_and_without_a_message(people):
    c = open_consultation(people.exporter)
    loose = services.consultation_attach(
        actor=people.exporter, consultation_id=c.pk, file=upload("plan.pdf", PDF_BYTES)
    )
    assert selectors.attachment_for_user(people.officer, c.pk, loose.pk) == loose
    assert notified("consultation.attachment") == sorted(
        [people.officer.username, people.supervisor.username]
    )
    mine = post(people.exporter, c, "question")
    with pytest.raises(ValidationError):
        services.consultation_attach(
            actor=people.officer,
            consultation_id=c.pk,
            file=upload("a.pdf", PDF_BYTES),
            message_id=mine.pk,
        )
    with pytest.raises(PermissionDenied):
        services.consultation_attach(
            actor=people.other_exporter, consultation_id=c.pk, file=upload("a.pdf", PDF_BYTES)
        )


# --- transfer ---------------------------------------------------------------------------------


def test_an_officer_transfers_to_another_division(people):
    c = open_consultation(people.exporter)
    c = services.consultation_transfer(
        actor=people.officer, consultation_id=c.pk, division_id=people.mat.pk, reason="繊維の件"
    )
    assert c.responsible_division == people.mat
    row = c.transitions.get(transition="transfer")
    assert row.details == {"from_division": "elec", "to_division": "mat"}
    assert row.reason == "繊維の件" and row.from_status == row.to_status == "open"
    with pytest.raises(Http404):
        selectors.consultation_for_user(people.officer, c.pk)
    assert selectors.consultation_for_user(people.other_officer, c.pk) == c
    assert notified("consultation.transferred") == sorted(
        [people.other_officer.username, people.exporter.username, people.colleague.username]
    )
    company = Notification.objects.get(verb="consultation.transferred", recipient=people.exporter)
    assert "繊維の件" not in company.body_ja + company.title_ja


def test_transfer_refusals(people):
    c = open_consultation(people.exporter)

    def transfer(actor, division_id=people.mat.pk, reason="理由"):
        return services.consultation_transfer(
            actor=actor, consultation_id=c.pk, division_id=division_id, reason=reason
        )

    for person in (people.exporter, people.other_officer, people.desk_officer):
        with pytest.raises(PermissionDenied):
            transfer(person)
    for division_id, reason, field in (
        (people.elec.pk, "理由", "division"),
        (999999, "理由", "division"),
        ("x", "理由", "division"),
        (people.mat.pk, " ", "reason"),
    ):
        with pytest.raises(ValidationError) as exc:
            transfer(people.supervisor, division_id, reason)
        assert field in exc.value.message_dict
    c.refresh_from_db()
    assert c.responsible_division == people.elec
    lifecycle.consultation_close(
        actor=people.officer, consultation_id=c.pk, outcome="other", summary="終了"
    )
    with pytest.raises(InvalidTransition):
        transfer(people.officer)


# --- closing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "rule"),
    [("report_needed", ""), ("not_needed", "DESTINATION_EXEMPT"), ("other", "")],
)
def test_an_officer_closes_with_an_outcome(people, outcome, rule):
    c = open_consultation(people.exporter)
    c = lifecycle.consultation_close(
        actor=people.supervisor, consultation_id=c.pk, outcome=outcome, rule=rule, summary="要約"
    )
    assert (c.status, c.outcome, c.outcome_rule, c.outcome_summary) == (
        "closed",
        outcome,
        rule,
        "要約",
    )
    assert c.closed_at is not None and c.awaiting_reply_since is None
    row = ConsultationTransition.objects.get(consultation=c, transition="close")
    assert (row.from_status, row.to_status, row.actor) == ("open", "closed", people.supervisor)
    assert row.details == {"outcome": outcome, "rule": rule}
    audit = AuditRecord.objects.get(verb="consultation.close", target_id=str(c.pk))
    assert audit.payload["outcome"] == outcome
    told = Notification.objects.filter(verb="consultation.closed")
    assert sorted(n.recipient.username for n in told) == sorted(
        [people.exporter.username, people.colleague.username]
    )
    assert all("要約" not in n.body_ja for n in told)
    assert lifecycle.available_actions(c, people.officer) == frozenset()
    assert lifecycle.available_actions(c, people.exporter) == {"file_report", "link_report"}


@pytest.mark.parametrize(
    ("outcome", "rule", "summary", "field"),
    [
        ("", "", "要約", "outcome"),
        ("maybe", "", "要約", "outcome"),
        ("not_needed", "", "要約", "rule"),
        ("not_needed", "NO_SUCH_RULE", "要約", "rule"),
        ("report_needed", "GOODS_ONLY", "要約", "rule"),
        ("other", "", " ", "summary"),
        ("other", "", "x" * 4001, "summary"),
    ],
)
def test_closing_needs_a_complete_outcome(people, outcome, rule, summary, field):
    c = open_consultation(people.exporter)
    with pytest.raises(ValidationError) as exc:
        lifecycle.consultation_close(
            actor=people.officer, consultation_id=c.pk, outcome=outcome, rule=rule, summary=summary
        )
    assert field in exc.value.message_dict
    c.refresh_from_db()
    assert c.status == "open" and not c.transitions.filter(transition="close").exists()


def test_close_refusals(people):
    c = open_consultation(people.exporter)
    for person in (people.exporter, people.other_officer, people.administrator):
        with pytest.raises(PermissionDenied):
            lifecycle.consultation_close(
                actor=person, consultation_id=c.pk, outcome="other", summary="s"
            )
    lifecycle.consultation_close(
        actor=people.officer, consultation_id=c.pk, outcome="other", summary="s"
    )
    with pytest.raises(InvalidTransition) as refused:
        lifecycle.consultation_close(
            actor=people.officer, consultation_id=c.pk, outcome="other", summary="s"
        )
    assert refused.value.status == "closed"


def test_available_actions_by_actor(people):
    c = open_consultation(people.exporter)
    assert lifecycle.available_actions(c, people.exporter) == {
        "discuss",
        "file_report",
        "link_report",
    }
    assert lifecycle.available_actions(c, people.officer) == {"close", "transfer", "discuss"}
    assert lifecycle.available_actions(c, people.other_officer) == frozenset()
    assert lifecycle.available_actions(c, people.other_exporter) == frozenset()


# --- reports ----------------------------------------------------------------------------------


def test_filing_the_report_from_a_consultation(people):
    c = closed_consultation(
        people.exporter,
        people.officer,
        planned_contract_date=datetime.date.today() + datetime.timedelta(days=40),
    )
    report = services.consultation_file_report(actor=people.colleague, consultation_id=c.pk)
    assert report.status == ReportStatus.DRAFT
    assert report.organisation == people.exporter.organisation
    assert report.technology.code == "mlcc" and report.counterparty_country_id == "CN"
    assert report.planned_contract_date == c.planned_contract_date
    assert report.technology_summary == c.description
    assert list(c.report_links.values_list("report_id", flat=True)) == [report.pk]
    assert AuditRecord.objects.filter(verb="consultation.file_report").exists()
    # Officers never see a draft; once filed, the report shows the consultation.
    assert selectors.linked_reports(people.officer, c) == []
    assert selectors.linked_reports(people.exporter, c) == [report]


def test_file_report_refusals(people):
    c = open_consultation(people.exporter)
    for person in (people.officer, people.other_exporter):
        with pytest.raises(PermissionDenied):
            services.consultation_file_report(actor=person, consultation_id=c.pk)
    assert not Report.objects.exists()


def test_linking_an_existing_report(people):
    c = closed_consultation(people.exporter, people.officer)
    report = submitted_report(people.exporter)
    services.consultation_link_report(
        actor=people.exporter, consultation_id=c.pk, report_id=report.pk
    )
    assert selectors.linked_reports(people.officer, c) == [report]
    shown = selectors.consultations_for_report(people.officer, report)
    assert [(row["consultation"], row["can_open"]) for row in shown] == [(c, True)]
    # Another division's officer on the report page sees it but cannot open it.
    assert selectors.consultations_for_report(people.other_officer, report)[0]["can_open"] is False
    assert notified("consultation.report_linked") == sorted(
        [people.officer.username, people.supervisor.username]
    )
    with pytest.raises(ValidationError) as exc:
        services.consultation_link_report(
            actor=people.exporter, consultation_id=c.pk, report_id=report.pk
        )
    assert "report" in exc.value.message_dict


def test_link_refusals(people):
    c = open_consultation(people.exporter)
    theirs = submitted_report(people.other_exporter)
    with pytest.raises(ValidationError) as exc:
        services.consultation_link_report(
            actor=people.exporter, consultation_id=c.pk, report_id=theirs.pk
        )
    with translation.override("en"):
        assert "your organisation" in str(exc.value.message_dict["report"][0])
    for bad in (999999, "x", None):
        with pytest.raises(ValidationError):
            services.consultation_link_report(
                actor=people.exporter, consultation_id=c.pk, report_id=bad
            )
    mine = submitted_report(people.exporter)
    for person in (people.officer, people.other_exporter):
        with pytest.raises(PermissionDenied):
            services.consultation_link_report(actor=person, consultation_id=c.pk, report_id=mine.pk)
    assert not c.report_links.exists()


# --- the general desk -------------------------------------------------------------------------


def test_the_administrator_changes_the_general_desk(people):
    services.general_desk_set(actor=people.administrator, division_id=people.mat.pk)
    assert selectors.general_desk_division() == people.mat
    c = open_consultation(people.exporter, technology="")
    assert c.responsible_division == people.mat
    audit = AuditRecord.objects.get(verb="consultation.general_desk")
    assert audit.payload == {"before": "desk", "after": "mat"}
    for person in (people.officer, people.supervisor, people.exporter):
        with pytest.raises(PermissionDenied):
            services.general_desk_set(actor=person, division_id=people.elec.pk)
    with pytest.raises(ValidationError):
        services.general_desk_set(actor=people.administrator, division_id=999999)
    assert selectors.general_desk_division() == people.mat


def test_a_new_desk_division_leaves_open_consultations_where_they_are(people):
    c = open_consultation(people.exporter, technology="")
    services.general_desk_set(actor=people.administrator, division_id=people.mat.pk)
    c.refresh_from_db()
    assert c.responsible_division == people.desk
