"""Real concurrent transactions on PostgreSQL: threads with their own connections start
together at a barrier, so the row locks (not mocks) decide who wins."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from informs import services
from informs.models import Inform, InformStatus
from portal.errors import InvalidTransition
from portal.models import Sequence
from reports import clock
from reports.models import Report, Status
from reports.sweep import lapse_due_reports
from tests.concurrency import needs_row_locks, run_together

from .helpers import make_report_under_dialogue, propose

pytestmark = [
    pytest.mark.django_db(transaction=True),
    needs_row_locks,
]


def _run_together(*actions):
    """Outcomes as ("ok", result), ("conflict", status) or ("error", repr)."""
    outcomes = []
    for result in run_together(*actions):
        if isinstance(result, InvalidTransition):
            outcomes.append(("conflict", result.status))
        elif isinstance(result, Exception):
            outcomes.append(("error", repr(result)))
        else:
            outcomes.append(("ok", result))
    return outcomes


def _year(inform: Inform) -> int:
    """The JST year the inform was issued in, whatever the year is when the test runs."""
    return clock.jst_date(inform.issued_at).year


# Two numbers in a row: at a fixed date, so that a run across New Year cannot split them.
@time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0, tzinfo=clock.JST))
def test_two_supervisors_approving_at_once_issue_one_inform(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)

    outcomes = _run_together(
        lambda: services.inform_approve(actor=people.supervisor, inform_id=inform.pk).number,
        lambda: services.inform_approve(actor=people.supervisor2, inform_id=inform.pk).number,
    )

    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["conflict", "ok"], outcomes
    number = next(value for kind, value in outcomes if kind == "ok")
    assert next(value for kind, value in outcomes if kind == "conflict") == Status.INFORMED
    inform.refresh_from_db()
    assert inform.status == InformStatus.ISSUED and inform.number == number
    assert number == f"INF-{_year(inform)}-0001" == "INF-2025-0001"
    report.refresh_from_db()
    assert report.status == Status.INFORMED
    assert report.transitions.filter(transition="issue_inform").count() == 1
    # The loser took no number: the next inform gets the very next one.
    assert Sequence.objects.get(key=f"INF-{_year(inform)}").last == 1
    next_report = make_report_under_dialogue(people.exporter, people.officer)
    next_inform = propose(next_report, people.officer)
    issued = services.inform_approve(actor=people.supervisor2, inform_id=next_inform.pk)
    assert issued.number == f"INF-{_year(issued)}-0002" == "INF-2025-0002"


def test_approval_racing_the_clock_at_the_deadline_has_exactly_one_outcome(people):
    rounds = 10
    seen = set()
    for _ in range(rounds):
        report = make_report_under_dialogue(people.exporter, people.officer)
        inform = propose(report, people.officer)
        # Both are eligible when they start: the approval runs before the deadline, the clock
        # runs as if it were exactly the deadline.
        due = timezone.now() + datetime.timedelta(seconds=2)
        Report.objects.filter(pk=report.pk).update(decision_due_at=due)

        approve, lapse = _run_together(
            lambda inform=inform: (
                services.inform_approve(actor=people.supervisor, inform_id=inform.pk).number
            ),
            # The clock through its real path: the sweep claims due rows, skipping locked ones.
            lambda due=due: lapse_due_reports(now=due),
        )

        report.refresh_from_db()
        inform.refresh_from_db()
        names = set(report.transitions.values_list("transition", flat=True))
        assert approve[0] != "error" and lapse[0] != "error", (approve, lapse)
        if report.status == Status.INFORMED:
            seen.add("informed")
            assert approve == ("ok", inform.number)
            assert lapse == ("ok", 0)  # the clock found it locked or decided and did nothing
            assert inform.status == InformStatus.ISSUED and inform.number
            assert "lapse" not in names and "issue_inform" in names
        else:
            seen.add("lapsed")
            assert report.status == Status.LAPSED
            assert approve == ("conflict", Status.LAPSED)
            assert lapse == ("ok", 1)
            assert inform.status == InformStatus.PROPOSED and inform.number is None
            assert "issue_inform" not in names and "lapse" in names

    # Never a half-written inform, and the numbers have no gaps.
    assert (
        not Inform.objects.filter(number__isnull=False)
        .exclude(report__status=Status.INFORMED)
        .exists()
    )
    issued = Inform.objects.filter(status=InformStatus.ISSUED).count()
    # Counted over every year's sequence, since the rounds may run across New Year.
    numbered = Sequence.objects.filter(key__startswith="INF-").values_list("last", flat=True)
    assert sum(numbered) == issued
    assert seen  # at least one round ran; which outcome wins each round is up to the locks
