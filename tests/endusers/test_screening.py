"""Screening: on submit, after a new version, by the sweep; idempotent; country must agree."""

import pytest
from django.db import transaction

from endusers import services, tasks
from endusers.models import Match, ScreeningRun
from portal.models import Notification
from reports import lifecycle
from tests.portal.test_outbox_outage import DEAD_BROKER, broker_at
from tests.reports.helpers import submitted_report

from .helpers import HEADER, apply_list, sample_bytes

pytestmark = pytest.mark.django_db


def test_a_report_is_screened_on_submit(people, administrator, django_capture_on_commit_callbacks):
    version = apply_list(administrator, sample_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        report = submitted_report(
            people.exporter, counterparty_name="SHANGHAI DEMO ELECTRONICS LIMITED"
        )
    match = Match.objects.get(report=report)
    assert match.version == version
    assert match.entry.name == "Shanghai Demo Electronics Co.，Ltd."
    assert match.score == 100
    assert match.decision == "pending"
    assert ScreeningRun.objects.filter(report=report, version=version, match_count=1).exists()
    # The division hears of it; the company does not.
    told = Notification.objects.filter(verb="enduser.match")
    assert set(told.values_list("recipient", flat=True)) == {
        people.officer.pk,
        people.officer2.pk,
        people.supervisor.pk,
    }
    assert not told.filter(recipient__role="exporter").exists()


def test_full_width_names_and_other_legal_forms_match(
    people, administrator, django_capture_on_commit_callbacks
):
    apply_list(administrator, sample_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        report = submitted_report(
            people.exporter,
            counterparty_name="ＨＡＲＢＯＵＲ　ＦＡＢＬＥ　ＣＯＭＰＯＮＥＮＴＳ　Co., Ltd.",
            counterparty_country="HK",
        )
    assert [m.entry_name for m in Match.objects.filter(report=report)] == [
        "Harbour Fable Components Limited"
    ]


def test_an_also_known_as_name_on_the_list_matches(
    people, administrator, django_capture_on_commit_callbacks
):
    apply_list(administrator, sample_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        report = submitted_report(people.exporter, counterparty_name="上海演示电子有限公司")
    match = Match.objects.get(report=report)
    assert match.entry_name == "上海演示电子有限公司"
    assert match.entry.name == "Shanghai Demo Electronics Co.，Ltd."


def test_the_same_name_in_another_country_does_not_match(
    people, administrator, django_capture_on_commit_callbacks
):
    apply_list(administrator, sample_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        report = submitted_report(
            people.exporter,
            counterparty_name="Shanghai Demo Electronics Co., Ltd.",
            counterparty_country="SG",
        )
    assert not Match.objects.filter(report=report).exists()
    # Screened all the same: the sweep will not screen it again.
    assert ScreeningRun.objects.filter(report=report, match_count=0).exists()


def test_a_different_company_does_not_match(
    people, administrator, django_capture_on_commit_callbacks
):
    apply_list(administrator, sample_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        report = submitted_report(
            people.exporter, counterparty_name="Beijing Quiet Capacitor Co., Ltd."
        )
    assert not Match.objects.filter(report=report).exists()


def test_the_threshold_is_a_setting(
    people, administrator, settings, django_capture_on_commit_callbacks
):
    apply_list(administrator, sample_bytes())
    name = "Shanghai Demo Electrics"  # one word misspelt: about 96
    settings.END_USER_MATCH_THRESHOLD = 99
    with django_capture_on_commit_callbacks(execute=True):
        strict = submitted_report(people.exporter, counterparty_name=name)
    settings.END_USER_MATCH_THRESHOLD = 90
    with django_capture_on_commit_callbacks(execute=True):
        lenient = submitted_report(people.exporter, counterparty_name=name)
    assert not Match.objects.filter(report=strict).exists()
    assert Match.objects.filter(report=lenient).count() == 1


def test_a_new_version_rescreens_open_reports_and_twice_adds_nothing(
    people, administrator, django_capture_on_commit_callbacks
):
    # Filed before any list exists: nothing to screen against.
    report = submitted_report(
        people.exporter, counterparty_name="Gulf Example Trading", counterparty_country="AE"
    )
    closed = submitted_report(
        people.exporter, counterparty_name="Gulf Example Trading", counterparty_country="AE"
    )
    lifecycle.report_withdraw(actor=people.exporter, report_id=closed.pk, reason="cancelled")
    assert not Match.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        version = apply_list(administrator, sample_bytes())
    assert list(Match.objects.values_list("report_id", "entry__name")) == [
        (report.pk, "Gulf Example Trading FZE")
    ]
    # The same task again (a retried message), the batch task and the sweep: no duplicates.
    tasks.rescreen_open_reports(version.pk)
    tasks.screen_reports(version.pk, [report.pk, closed.pk])
    tasks.sweep_unscreened()
    assert Match.objects.count() == 1
    assert ScreeningRun.objects.filter(version=version).count() == 1
    assert Notification.objects.filter(verb="enduser.match").count() == 3  # once per person

    # A later version: screened again, the new candidate recorded against that version.
    with django_capture_on_commit_callbacks(execute=True):
        newer = apply_list(
            administrator, HEADER + "United Arab Emirates,Gulf Example Trading L.L.C.,,Missile\n"
        )
    assert list(Match.objects.filter(version=newer).values_list("report_id", "entry__name")) == [
        (report.pk, "Gulf Example Trading L.L.C.")
    ]
    assert Match.objects.count() == 2
    # A batch queued for the old version after the new one was applied does nothing.
    assert tasks.screen_reports(version.pk, [report.pk]) == 0


def test_broker_down_never_fails_submit_and_the_sweep_catches_up(
    people, administrator, real_broker, django_capture_on_commit_callbacks
):
    version = apply_list(administrator, sample_bytes())

    # The publisher points at a port nothing listens on: the real failure, not a stand-in.
    with broker_at(DEAD_BROKER), django_capture_on_commit_callbacks(execute=True):
        report = submitted_report(people.exporter)
    assert report.status == "submitted"
    assert not ScreeningRun.objects.filter(report=report).exists()

    assert tasks.sweep_unscreened() == 1
    assert Match.objects.filter(report=report, version=version).count() == 1
    assert tasks.sweep_unscreened() == 0


def test_apply_with_the_broker_down_still_applies(people, administrator, real_broker):
    report = submitted_report(people.exporter)

    with broker_at(DEAD_BROKER):
        with transaction.atomic():
            version = apply_list(administrator, sample_bytes())
        assert services.list_rescreen_enqueue(version_id=version.pk) is False
    tasks.sweep_unscreened()
    assert Match.objects.filter(report=report).count() == 1


def test_an_amended_counterparty_is_screened_again_by_the_sweep(people, administrator):
    from reports import services as report_services

    version = apply_list(administrator, sample_bytes())
    report = submitted_report(people.exporter, counterparty_name="Quiet Harbour Trading Co., Ltd.")
    tasks.sweep_unscreened()
    assert not Match.objects.filter(report=report).exists()
    assert tasks.sweep_unscreened() == 0

    report_services.report_amend(
        actor=people.exporter,
        report_id=report.pk,
        data={"counterparty_name": "Northern Lantern Materials Research Institute"},
        note="The counterparty is the institute, not the trading company.",
    )
    assert tasks.sweep_unscreened() == 1
    assert list(Match.objects.filter(report=report).values_list("version", "entry__name")) == [
        (version.pk, "Northern Lantern Materials Research Institute")
    ]
    assert tasks.sweep_unscreened() == 0
    assert ScreeningRun.objects.filter(report=report, version=version).count() == 2


def test_the_sweep_reads_open_reports_chunk_by_chunk_oldest_first(people, administrator):
    from endusers import screening

    version = apply_list(administrator, sample_bytes())
    reports = [submitted_report(people.exporter) for _ in range(5)]
    closed = submitted_report(people.exporter)
    lifecycle.report_withdraw(actor=people.exporter, report_id=closed.pk, reason="cancelled")
    screening.reports_screen(version_id=version.pk, report_ids=[reports[1].pk, reports[3].pk])
    ids = [r.pk for r in reports]
    unscreened = [ids[0], ids[2], ids[4]]
    assert screening.open_report_ids_unscreened(version, limit=10, chunk=2) == unscreened
    assert screening.open_report_ids_unscreened(version, limit=2, chunk=2) == unscreened[:2]
    assert screening.open_report_ids_unscreened(version, limit=10, chunk=1) == unscreened
