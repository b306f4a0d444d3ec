"""Precedents (reports.precedents): same technology, same destination, paged, newest first,
and what staff of another division may see."""

import datetime

import pytest
from django.utils import timezone

from informs import services as informs
from reports import lifecycle
from reports.models import Report
from reports.precedents import precedents_for, precedents_queryset
from tests.reports.helpers import submitted_report

pytestmark = pytest.mark.django_db


def _informed(people, **overrides):
    report = submitted_report(people.exporter, **overrides)
    lifecycle.report_start_dialogue(actor=people.officer, report_id=report.pk)
    inform = informs.inform_propose(
        actor=people.officer,
        report_id=report.pk,
        grounds="Concern of diversion to military use.",
        licence_conditions=["No re-transfer to third parties", "Annual audit of access logs"],
    )
    informs.inform_approve(actor=people.supervisor, inform_id=inform.pk)
    return Report.objects.get(pk=report.pk)


def _concluded(people, officer=None, **overrides):
    officer = officer or people.officer
    report = submitted_report(people.exporter, **overrides)
    lifecycle.report_start_dialogue(actor=officer, report_id=report.pk)
    return lifecycle.report_conclude(
        actor=officer,
        report_id=report.pk,
        summary="Agreed.",
        agreed_measures="Access control.",
    )


def _not_subject(people, **overrides):
    report = submitted_report(people.exporter, **overrides)
    return lifecycle.report_mark_not_subject(
        actor=people.officer,
        report_id=report.pk,
        rule="PUBLIC_OR_BASIC_RESEARCH",
        reason="Published.",
    )


def _decided_at(report, days_ago):
    Report.objects.filter(pk=report.pk).update(
        closed_at=timezone.now() - datetime.timedelta(days=days_ago)
    )


def test_same_technology_and_same_destination_newest_first(people):
    informed = _informed(people, counterparty_country="CN")
    concluded = _concluded(people, counterparty_country="VN")
    not_subject = _not_subject(people, counterparty_country="CN")
    other_technology = _concluded(
        people, people.other_officer, technology="photoresist", counterparty_country="CN"
    )
    withdrawn = submitted_report(people.exporter)
    lifecycle.report_withdraw(actor=people.exporter, report_id=withdrawn.pk, reason="cancelled")
    still_open = submitted_report(people.exporter, counterparty_country="CN")
    _decided_at(informed, 3)
    _decided_at(concluded, 2)
    _decided_at(not_subject, 1)
    assert other_technology.pk  # photoresist: never a precedent for mlcc

    _page, rows = precedents_for(people.officer, still_open, same_destination=False)
    assert [(r.reference, r.outcome) for r in rows] == [
        (not_subject.reference, "not_subject"),
        (concluded.reference, "closed_no_inform"),
        (informed.reference, "informed"),
    ]
    assert rows[2].licence_conditions == [
        "No re-transfer to third parties",
        "Annual audit of access logs",
    ]
    assert rows[2].url == f"/reports/{informed.pk}/"
    _page, rows = precedents_for(people.supervisor, still_open, same_destination=True)
    assert [r.reference for r in rows] == [not_subject.reference, informed.reference]


def test_another_division_sees_only_outcomes_and_dates(people):
    informed = _informed(people)
    current = submitted_report(people.exporter)
    # The technology moved to the materials division after the first report was decided.
    Report.objects.filter(pk=current.pk).update(responsible_division=people.other_officer.division)
    current.refresh_from_db()

    _page, rows = precedents_for(people.other_officer, current, same_destination=False)
    [row] = rows
    assert (row.outcome, row.decided_at) == (
        "informed",
        Report.objects.get(pk=informed.pk).closed_at,
    )
    assert (row.full, row.reference, row.url, row.licence_conditions, row.destination) == (
        False,
        None,
        None,
        None,
        "",
    )
    # The officer of its own division sees it in full.
    _page, rows = precedents_for(people.officer, current, same_destination=False)
    assert rows[0].full and rows[0].reference == informed.reference


def test_exporters_never_see_precedents(people):
    _informed(people)
    current = submitted_report(people.exporter)
    page, rows = precedents_for(people.exporter, current, same_destination=False)
    assert rows == [] and page.paginator.count == 0


def test_paged_with_constant_queries(people, django_assert_max_num_queries):
    for _ in range(12):
        _not_subject(people)
    current = submitted_report(people.exporter)
    with django_assert_max_num_queries(4):
        page, rows = precedents_for(people.officer, current, same_destination=False)
    assert (page.paginator.count, len(rows), page.has_next()) == (12, 10, True)
    page, rows = precedents_for(people.officer, current, same_destination=False, page=2)
    assert len(rows) == 2


@pytest.mark.parametrize(
    ("same_destination", "index"),
    [(False, "report_decided_technology"), (True, "report_decided_tech_country")],
)
def test_the_query_has_its_index(people, same_destination, index):
    from django.db import connection

    current = submitted_report(people.exporter)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = precedents_queryset(current, same_destination=same_destination).explain()
    if connection.vendor == "postgresql":
        assert index in plan
    else:  # SQLite's planner, without statistics, may take the technology's own index
        assert "SEARCH reports_report USING INDEX" in plan, plan
