import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from portal.errors import InvalidTransition
from portal.models import AuditRecord, Notification
from reports import lifecycle, services
from reports.models import Report, ReportRevision, Status
from tests import factories
from tests.concurrency import needs_row_locks, run_together

from .helpers import complete_data, submitted_report

JST = ZoneInfo("Asia/Tokyo")
pytestmark = pytest.mark.django_db


@pytest.fixture
def officers(catalog):
    return [
        factories.OfficerFactory(division=catalog["elec"]),
        factories.SupervisorFactory(division=catalog["elec"]),
    ]


def test_partial_draft_saves(exporter, catalog):
    report = services.report_create(actor=exporter, data={"counterparty_name": "途中まで"})
    assert report.status == Status.DRAFT and report.reference is None
    report = services.report_update_draft(
        actor=exporter, report_id=report.pk, data={"technology": "carbon_fiber"}
    )
    assert report.technology.code == "carbon_fiber"
    assert report.counterparty_name == "途中まで"


def test_submit_gives_reference_clock_and_notifies_division(
    exporter, officers, catalog, django_capture_on_commit_callbacks
):
    other_division_officer = factories.OfficerFactory(division=catalog["mat"])
    with time_machine.travel(datetime.datetime(2025, 3, 3, 10, 0, tzinfo=JST), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            report = submitted_report(exporter, planned_contract_date=datetime.date(2025, 5, 1))
    assert re.fullmatch(r"PR-2025-\d{6}", report.reference)
    assert report.status == Status.SUBMITTED
    assert report.received_at == datetime.datetime(2025, 3, 3, 10, 0, tzinfo=JST)
    assert report.decision_due_at == datetime.datetime(2025, 4, 3, tzinfo=JST)
    assert report.late is False
    assert report.responsible_division == officers[0].division
    assert report.revisions.count() == 1
    notified = set(
        Notification.objects.filter(verb="report.submitted").values_list("recipient", flat=True)
    )
    assert notified == {o.pk for o in officers}
    assert other_division_officer.pk not in notified
    assert {m.to[0] for m in mail.outbox} == {o.email for o in officers}
    t = report.transitions.get()
    assert (t.transition, t.from_status, t.to_status, t.actor) == (
        "submit",
        "draft",
        "submitted",
        exporter,
    )
    assert AuditRecord.objects.filter(verb="report.submit", target_id=str(report.pk)).exists()


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (
            datetime.datetime(2025, 3, 3, 23, 59, tzinfo=JST),
            datetime.datetime(2025, 4, 3, tzinfo=JST),
        ),
        (
            datetime.datetime(2025, 3, 4, 0, 1, tzinfo=JST),
            datetime.datetime(2025, 4, 4, tzinfo=JST),
        ),
        (
            datetime.datetime(2025, 12, 31, 23, 59, tzinfo=JST),
            datetime.datetime(2026, 1, 31, tzinfo=JST),
        ),
    ],
)
def test_submit_near_midnight_jst(exporter, catalog, received, due):
    with time_machine.travel(received, tick=False):
        report = submitted_report(exporter, planned_contract_date=datetime.date(2026, 6, 1))
    assert report.decision_due_at == due
    assert report.reference.startswith(f"PR-{received.year}-")


def test_references_are_sequential(exporter, catalog):
    first = submitted_report(exporter)
    second = submitted_report(exporter)
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


def test_late_report_needs_a_reason(exporter, catalog):
    with time_machine.travel(datetime.datetime(2025, 5, 1, 9, 0, tzinfo=JST), tick=False):
        report = services.report_create(
            actor=exporter, data=complete_data(planned_contract_date=datetime.date(2025, 5, 1))
        )
        with pytest.raises(ValidationError) as exc:
            lifecycle.report_submit(actor=exporter, report_id=report.pk)
        assert "late_reason" in exc.value.message_dict
        services.report_update_draft(
            actor=exporter, report_id=report.pk, data={"late_reason": "社内手続の遅延"}
        )
        report = lifecycle.report_submit(actor=exporter, report_id=report.pk)
    assert report.late is True


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"technology": "carbon_fiber", "planned_contract_date": datetime.date(2024, 12, 1)},
            "technology",
        ),
        (
            {"counterparty_relationship": "joint_venture", "ownership_percent": None},
            "ownership_percent",
        ),
        (
            {"counterparty_relationship": "subsidiary", "ownership_percent": None},
            "ownership_percent",
        ),
        ({"provision_methods": []}, "provision_methods"),
        ({"declaration": False}, "declaration"),
        ({"transaction_type": "licence_without_guidance"}, "transaction_type"),
        ({"counterparty_name": ""}, "counterparty_name"),
    ],
)
def test_submit_refusals_leave_the_draft_unchanged(exporter, catalog, overrides, field):
    with time_machine.travel(datetime.datetime(2024, 11, 20, 9, 0, tzinfo=JST), tick=False):
        data = complete_data(**overrides)
        if data["planned_contract_date"] < datetime.date(2024, 11, 20):
            data["planned_contract_date"] = datetime.date(2024, 12, 1)
        report = services.report_create(actor=exporter, data=data)
        with pytest.raises(ValidationError) as exc:
            lifecycle.report_submit(actor=exporter, report_id=report.pk)
    assert field in exc.value.message_dict
    report.refresh_from_db()
    assert report.status == Status.DRAFT and report.reference is None
    assert not ReportRevision.objects.filter(report=report).exists()


def test_licence_without_guidance_message_says_why(exporter, catalog):
    report = services.report_create(
        actor=exporter, data=complete_data(transaction_type="licence_without_guidance")
    )
    with pytest.raises(ValidationError) as exc:
        lifecycle.report_submit(actor=exporter, report_id=report.pk)
    message = exc.value.message_dict["transaction_type"][0]
    # The type by its name, in words: no rule code reaches the user.
    from catalog.selectors import transaction_type_name

    assert transaction_type_name("licence_without_guidance") in message
    assert "LICENCE_NO_GUIDANCE" not in message and "licence_without_guidance" not in message


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"counterparty_country": "JP"}, "counterparty_country"),
        ({"counterparty_country": "XX"}, "counterparty_country"),
        ({"ownership_percent": 101}, "ownership_percent"),
        ({"ownership_percent": -1}, "ownership_percent"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"technology_summary": "あ" * 2001}, "technology_summary"),
        ({"provision_methods": ["telepathy"]}, "provision_methods"),
        ({"technology": "no_such_tech"}, "technology"),
    ],
)
def test_bad_field_values_are_refused_and_nothing_saved(exporter, catalog, data, field):
    report = services.report_create(actor=exporter, data={"counterparty_name": "original"})
    with pytest.raises(ValidationError) as exc:
        services.report_update_draft(
            actor=exporter, report_id=report.pk, data={**data, "counterparty_name": "changed"}
        )
    assert field in exc.value.message_dict
    report.refresh_from_db()
    assert report.counterparty_name == "original"
    with pytest.raises(ValidationError):
        services.report_create(actor=exporter, data=data)
    assert Report.objects.count() == 1


def test_submit_twice_is_refused_with_one_reference(exporter, catalog):
    report = submitted_report(exporter)
    with pytest.raises(InvalidTransition) as exc:
        lifecycle.report_submit(actor=exporter, report_id=report.pk)
    assert exc.value.status == Status.SUBMITTED
    assert Report.objects.exclude(reference=None).count() == 1


def test_edit_after_submit_is_refused(exporter, catalog):
    report = submitted_report(exporter)
    with pytest.raises(InvalidTransition):
        services.report_update_draft(
            actor=exporter, report_id=report.pk, data={"counterparty_name": "x"}
        )


def test_other_organisation_cannot_touch_a_report(exporter, catalog):
    report = services.report_create(actor=exporter, data=complete_data())
    stranger = factories.ExporterFactory()
    with pytest.raises(PermissionDenied):
        lifecycle.report_submit(actor=stranger, report_id=report.pk)
    with pytest.raises(PermissionDenied):
        services.report_update_draft(actor=stranger, report_id=report.pk, data={})


def test_amendment_makes_a_revision_without_restarting_the_clock(exporter, officers, catalog):
    report = submitted_report(exporter)
    due = report.decision_due_at
    with time_machine.travel(datetime.timedelta(days=3)):
        report = services.report_amend(
            actor=exporter,
            report_id=report.pk,
            data={"ownership_percent": 51, "counterparty_address": "蘇州市"},
            note="出資比率の変更",
        )
    assert report.revision == 2
    assert report.decision_due_at == due
    first, second = report.revisions.order_by("number")
    assert first.content["ownership_percent"] == "80.00"
    assert second.content["ownership_percent"] == "51.00"
    assert second.content["counterparty_address"] == "蘇州市"
    assert second.note == "出資比率の変更"


def test_amendment_refusals(exporter, catalog):
    report = submitted_report(exporter)
    with pytest.raises(ValidationError):
        services.report_amend(actor=exporter, report_id=report.pk, data={}, note="")
    with pytest.raises(ValidationError):
        services.report_amend(actor=exporter, report_id=report.pk, data={}, note="no change")
    with pytest.raises(ValidationError):
        services.report_amend(
            actor=exporter, report_id=report.pk, data={"technology": "photoresist"}, note="x"
        )
    report.refresh_from_db()
    assert report.revision == 1


def test_withdraw_needs_reason_once_submitted(exporter, officers, catalog):
    draft = services.report_create(actor=exporter, data={})
    assert lifecycle.report_withdraw(actor=exporter, report_id=draft.pk).status == Status.WITHDRAWN
    report = submitted_report(exporter)
    with pytest.raises(ValidationError):
        lifecycle.report_withdraw(actor=exporter, report_id=report.pk, reason=" ")
    report = lifecycle.report_withdraw(actor=exporter, report_id=report.pk, reason="契約中止")
    assert report.status == Status.WITHDRAWN and report.withdrawal_reason == "契約中止"
    with pytest.raises(InvalidTransition):
        lifecycle.report_withdraw(actor=exporter, report_id=report.pk, reason="again")
    assert [t.transition for t in report.transitions.all()] == ["submit", "withdraw"]


def test_officer_cannot_submit_or_withdraw(exporter, officers, catalog):
    report = services.report_create(actor=exporter, data=complete_data())
    with pytest.raises(PermissionDenied):
        lifecycle.report_submit(actor=officers[0], report_id=report.pk)
    with pytest.raises(PermissionDenied):
        lifecycle.report_withdraw(actor=officers[0], report_id=report.pk, reason="x")


def test_status_cannot_be_assigned_directly(exporter, catalog):
    report = services.report_create(actor=exporter, data={})
    with pytest.raises(AttributeError):
        report.status = Status.INFORMED


@pytest.mark.django_db(transaction=True)
@needs_row_locks
def test_concurrent_submits_give_one_reference(catalog):
    exporter = factories.ExporterFactory()
    colleague = factories.ExporterFactory(organisation=exporter.organisation)
    report = services.report_create(actor=exporter, data=complete_data())
    results = run_together(
        *(
            lambda user=user: lifecycle.report_submit(actor=user, report_id=report.pk)
            for user in [exporter, colleague] * 2
        )
    )
    conflicts = [r for r in results if isinstance(r, InvalidTransition)]
    assert len(conflicts) == 3 and sum(isinstance(r, Report) for r in results) == 1
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    assert report.transitions.count() == 1 and report.revisions.count() == 1


@pytest.mark.django_db(transaction=True)
@needs_row_locks
def test_concurrent_submits_of_different_reports_get_distinct_references(catalog):
    exporter = factories.ExporterFactory()
    reports = [services.report_create(actor=exporter, data=complete_data()) for _ in range(6)]
    results = run_together(
        *(
            lambda report_id=r.pk: lifecycle.report_submit(actor=exporter, report_id=report_id)
            for r in reports
        )
    )
    assert all(isinstance(r, Report) for r in results), results
    references = list(Report.objects.values_list("reference", flat=True))
    assert None not in references
    numbers = sorted(int(r[-6:]) for r in references)
    assert numbers == list(range(numbers[0], numbers[0] + 6))
