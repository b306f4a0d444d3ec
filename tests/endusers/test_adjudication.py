"""Adjudication: by officers of the responsible division, with a reason, audited, once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from endusers import selectors, services
from endusers.models import Match
from portal.errors import InvalidTransition
from portal.models import AuditRecord
from tests.concurrency import needs_row_locks, run_together
from tests.reports.helpers import submitted_report

from .helpers import apply_list, sample_bytes


def _matched_report(people, administrator):
    apply_list(administrator, sample_bytes())
    report = submitted_report(people.exporter)
    from endusers import tasks

    tasks.sweep_unscreened()
    return report, Match.objects.get(report=report)


@pytest.mark.django_db
def test_an_officer_adjudicates_with_a_reason_and_it_is_audited(people, administrator):
    report, match = _matched_report(people, administrator)
    services.match_adjudicate(
        actor=people.officer2,
        match_id=match.pk,
        decision="false_match",
        reason="Different registration number; the listed company is in Xuhui, ours in Pudong.",
    )
    match.refresh_from_db()
    assert (match.decision, match.adjudicated_by) == ("false_match", people.officer2)
    assert match.adjudicated_at is not None
    record = AuditRecord.objects.get(verb="enduser.adjudicate")
    assert record.actor == people.officer2
    assert record.target_id == str(match.pk)
    assert record.payload["decision"] == "false_match"
    assert record.payload["report"] == report.reference
    assert record.payload["reason"].startswith("Different registration number")


@pytest.mark.django_db
def test_who_may_adjudicate_and_see_matches(people, administrator):
    report, match = _matched_report(people, administrator)
    for outsider in (people.exporter, people.other_officer, people.other_supervisor, administrator):
        with pytest.raises(PermissionDenied):
            services.match_adjudicate(
                actor=outsider, match_id=match.pk, decision="true_match", reason="x"
            )
        assert selectors.matches_of_report(outsider, report) == []
    assert selectors.matches_of_report(people.supervisor, report) == [match]
    match.refresh_from_db()
    assert match.decision == "pending"
    assert not AuditRecord.objects.filter(verb="enduser.adjudicate").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("decision", "reason", "field"),
    [
        ("maybe", "a reason", "decision"),
        ("true_match", "   ", "reason"),
        ("true_match", "x" * 2001, "reason"),
    ],
)
def test_bad_input_changes_nothing(people, administrator, decision, reason, field):
    _report, match = _matched_report(people, administrator)
    with pytest.raises(ValidationError) as caught:
        services.match_adjudicate(
            actor=people.officer, match_id=match.pk, decision=decision, reason=reason
        )
    assert field in caught.value.message_dict
    match.refresh_from_db()
    assert match.decision == "pending"


@pytest.mark.django_db
def test_an_adjudication_stands(people, administrator):
    _report, match = _matched_report(people, administrator)
    services.match_adjudicate(
        actor=people.officer, match_id=match.pk, decision="true_match", reason="Same address."
    )
    with pytest.raises(InvalidTransition):
        services.match_adjudicate(
            actor=people.officer2, match_id=match.pk, decision="false_match", reason="No."
        )
    match.refresh_from_db()
    assert (match.decision, match.adjudicated_by) == ("true_match", people.officer)


@pytest.mark.django_db(transaction=True)
@needs_row_locks
def test_two_officers_at_once_give_one_adjudication(people, administrator):
    _report, match = _matched_report(people, administrator)
    outcomes = run_together(
        lambda: services.match_adjudicate(
            actor=people.officer, match_id=match.pk, decision="true_match", reason="Same address."
        ),
        lambda: services.match_adjudicate(
            actor=people.officer2,
            match_id=match.pk,
            decision="false_match",
            reason="Other company.",
        ),
    )
    assert sum(isinstance(o, Match) for o in outcomes) == 1
    assert sum(isinstance(o, InvalidTransition) for o in outcomes) == 1
    assert AuditRecord.objects.filter(verb="enduser.adjudicate").count() == 1


@pytest.mark.django_db(transaction=True)
@needs_row_locks
def test_two_workers_screening_at_once_record_each_match_once(people, administrator):
    from endusers import screening

    version = apply_list(administrator, sample_bytes())
    reports = [submitted_report(people.exporter) for _ in range(3)]
    Match.objects.all().delete()
    from endusers.models import ScreeningRun

    ScreeningRun.objects.all().delete()
    ids = [r.pk for r in reports]
    outcomes = run_together(
        lambda: screening.reports_screen(version_id=version.pk, report_ids=ids),
        lambda: screening.reports_screen(version_id=version.pk, report_ids=list(reversed(ids))),
    )
    assert sorted(outcomes) == [0, 3]
    assert Match.objects.count() == 3
