import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dialogue import selectors, services
from reports import lifecycle
from reports.models import Status

from .helpers import make_submitted_report

pytestmark = pytest.mark.django_db


def _submitted_days_ago(days: int, exporter, **overrides):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=days), tick=False):
        return make_submitted_report(exporter, **overrides)


@pytest.fixture
def queue(people):
    """Five elec reports (due in about 5, 16 and 31 days, one closed, one assigned to officer2)
    and one mat report, which elec officers never see."""
    p = people
    reports = {
        "due_soon": _submitted_days_ago(26, p.exporter, counterparty_name="Hanoi Parts"),
        "middle": _submitted_days_ago(
            15,
            p.other_exporter,
            technology="saw_baw_filter",
            counterparty_name="Filter Works",
            counterparty_country="VN",
        ),
        "new": make_submitted_report(p.exporter, counterparty_name="Shenzhen Caps"),
        "closed": _submitted_days_ago(20, p.exporter, counterparty_name="Closed Co."),
        "mine": _submitted_days_ago(10, p.exporter, counterparty_name="Assigned Co."),
        "mat": make_submitted_report(p.exporter, technology="carbon_fiber"),
    }
    lifecycle.report_start_dialogue(actor=p.officer, report_id=reports["closed"].pk)
    lifecycle.report_conclude(
        actor=p.officer, report_id=reports["closed"].pk, summary="s", agreed_measures="m"
    )
    lifecycle.report_start_dialogue(actor=p.officer2, report_id=reports["mine"].pk)
    return reports


def _refs(qs):
    return [r.reference for r in qs]


def test_default_queue_is_the_division_open_reports_by_deadline(people, queue):
    got = list(selectors.queue_for(people.officer, {}))
    assert [r.pk for r in got] == [
        queue["due_soon"].pk,
        queue["middle"].pk,
        queue["mine"].pk,
        queue["new"].pk,
    ]
    dues = [r.decision_due_at for r in got]
    assert dues == sorted(dues)
    assert queue["mat"].pk not in [r.pk for r in selectors.queue_for(people.supervisor, {})]
    assert _refs(selectors.queue_for(people.other_officer, {})) == [queue["mat"].reference]


def test_exporters_have_no_queue(people, queue):
    assert not selectors.queue_for(people.exporter, {}).exists()


def test_status_filter(people, queue):
    closed = selectors.queue_for(people.officer, {"status": Status.CLOSED_NO_INFORM})
    assert _refs(closed) == [queue["closed"].reference]
    everything = selectors.queue_for(people.officer, {"status": "all"})
    assert len(everything) == 5
    under = selectors.queue_for(people.officer, {"status": Status.UNDER_DIALOGUE})
    assert _refs(under) == [queue["mine"].reference]


def test_technology_and_country_filters(people, queue):
    assert _refs(selectors.queue_for(people.officer, {"technology": "saw_baw_filter"})) == [
        queue["middle"].reference
    ]
    assert _refs(selectors.queue_for(people.officer, {"country": "vn"})) == [
        queue["middle"].reference
    ]


def test_assigned_to_me(people, queue):
    assert _refs(selectors.queue_for(people.officer2, {"assigned_to_me": True})) == [
        queue["mine"].reference
    ]
    assert not selectors.queue_for(people.officer, {"assigned_to_me": True}).exists()


def test_due_within_7_days(people, queue):
    assert _refs(selectors.queue_for(people.officer, {"due_soon": True})) == [
        queue["due_soon"].reference
    ]


def test_due_soon_boundary_matches_days_remaining(people, queue):
    from reports import clock

    report = queue["due_soon"]
    # Find the moments where 8 and 7 days remain, and check the filter agrees with the clock.
    last_day = clock.last_day_of(report.decision_due_at)
    # 7 days are left from the midnight that starts the 7th day before the last day.
    seven_left = clock.end_of_day_jst(last_day - datetime.timedelta(days=8))
    eight_left = seven_left - datetime.timedelta(microseconds=1)
    assert clock.days_remaining(report.decision_due_at, eight_left) == 8
    assert clock.days_remaining(report.decision_due_at, seven_left) == 7
    due = selectors.queue_for(people.officer, {"due_soon": True, "now": eight_left})
    assert report not in list(due)
    due = selectors.queue_for(people.officer, {"due_soon": True, "now": seven_left})
    assert report in list(due)


@pytest.mark.parametrize(
    ("term", "key"),
    [("hanoi", "due_soon"), ("Filter Works", "middle"), ("PR-", None)],
)
def test_search_by_counterparty_and_reference(people, queue, term, key):
    found = _refs(selectors.queue_for(people.officer, {"q": term}))
    if key is None:
        assert len(found) == 4
    else:
        assert found == [queue[key].reference]


def test_search_by_company_name_in_either_language(people, queue):
    org = people.other_exporter.organisation
    assert _refs(selectors.queue_for(people.officer, {"q": org.name_ja})) == [
        queue["middle"].reference
    ]
    assert _refs(selectors.queue_for(people.officer, {"q": org.name_en.upper()})) == [
        queue["middle"].reference
    ]
    assert _refs(selectors.queue_for(people.officer, {"q": queue["new"].reference})) == [
        queue["new"].reference
    ]


def test_workload_counts_open_reports_per_officer(people, queue):
    rows = {
        u.username: u.open_reports for u in selectors.division_workload(people.officer.division_id)
    }
    # officer's only report was concluded; officer2 holds "mine".
    assert rows == {
        people.officer.username: 0,
        people.officer2.username: 1,
        people.supervisor.username: 0,
    }
    assert selectors.unassigned_open_count(people.officer.division_id) == 3


# --- the page -----------------------------------------------------------------------------


def test_queue_page_shows_days_left_and_highlights_7_or_fewer(client, people, queue):
    client.force_login(people.officer)
    response = client.get(reverse("dialogue:queue"))
    assert response.status_code == 200
    html = response.content.decode()
    order = [html.index(queue[k].reference) for k in ("due_soon", "middle", "mine", "new")]
    assert order == sorted(order)
    assert queue["mat"].reference not in html and queue["closed"].reference not in html
    assert html.count('data-testid="due-soon"') == 1
    rows = response.context["rows"]
    assert rows[0]["due_soon"] and rows[0]["days_remaining"] <= 7
    assert not rows[1]["due_soon"] and rows[1]["days_remaining"] > 7
    assert "queue_extra" not in html  # the block is there, empty, for the lead's section
    assert 'data-testid="workload"' not in html  # officers do not see the workload


def test_queue_page_filters_from_the_query_string(client, people, queue):
    client.force_login(people.officer2)
    html = client.get(reverse("dialogue:queue"), {"assigned_to_me": "on"}).content.decode()
    assert queue["mine"].reference in html and queue["new"].reference not in html
    html = client.get(
        reverse("dialogue:queue"), {"status": "all", "q": "closed co"}
    ).content.decode()
    assert queue["closed"].reference in html and queue["mine"].reference not in html
    html = client.get(reverse("dialogue:queue"), {"due_soon": "on"}).content.decode()
    assert queue["due_soon"].reference in html and queue["middle"].reference not in html


def test_supervisor_sees_workload_and_can_reassign(client, people, queue):
    client.force_login(people.supervisor)
    html = client.get(reverse("dialogue:queue")).content.decode()
    assert f'data-testid="workload-{people.officer2.username}">1<' in html
    assert 'data-testid="workload-unassigned">3<' in html
    response = client.post(
        reverse("dialogue:reassign", args=[queue["new"].pk]),
        {"officer": people.officer.pk, "next": reverse("dialogue:queue")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("dialogue:queue")
    queue["new"].refresh_from_db()
    assert queue["new"].assigned_officer == people.officer


def test_reassign_page_refusals(client, people, queue):
    client.force_login(people.officer)
    url = reverse("dialogue:reassign", args=[queue["new"].pk])
    assert client.post(url, {"officer": people.officer2.pk}).status_code == 403
    client.force_login(people.other_supervisor)
    assert client.post(url, {"officer": people.other_officer.pk}).status_code == 404
    client.force_login(people.supervisor)
    response = client.post(url, {"officer": people.other_officer.pk})
    assert response.status_code == 400  # not a choice: another division's officer
    closed = reverse("dialogue:reassign", args=[queue["closed"].pk])
    response = client.post(closed, {"officer": people.officer2.pk})
    assert response.status_code == 409


def test_queue_is_for_staff_only(client, people):
    client.force_login(people.exporter)
    assert client.get(reverse("dialogue:queue")).status_code == 403


def test_queue_page_paginates(client, people):
    for _ in range(27):
        make_submitted_report(people.exporter)
    client.force_login(people.officer)
    first = client.get(reverse("dialogue:queue"))
    assert len(first.context["rows"]) == 25
    second = client.get(reverse("dialogue:queue"), {"page": 2})
    assert len(second.context["rows"]) == 2


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_queue_page_queries_do_not_grow_with_the_rows(client, people):
    for _ in range(2):
        r = make_submitted_report(people.exporter)
        services.message_post(actor=people.exporter, report_id=r.pk, kind="question", body="q")
    client.force_login(people.supervisor)
    url = reverse("dialogue:queue")
    few = _count_queries(client, url)
    for _ in range(8):
        r = make_submitted_report(people.other_exporter)
        lifecycle.report_start_dialogue(actor=people.officer, report_id=r.pk)
        services.message_post(actor=people.other_exporter, report_id=r.pk, kind="answer", body="a")
    many = _count_queries(client, url)
    assert many == few


# --- unread counts ------------------------------------------------------------------------


def test_unread_counts_in_one_query_and_without_internal_notes_for_exporters(
    people, django_assert_num_queries
):
    a = make_submitted_report(people.exporter)
    b = make_submitted_report(people.exporter)
    lifecycle.report_start_dialogue(actor=people.officer, report_id=a.pk)
    services.message_post(actor=people.officer, report_id=a.pk, kind="advice", body="1")
    services.message_post(actor=people.officer, report_id=a.pk, kind="internal_note", body="n")
    services.message_post(actor=people.exporter2, report_id=a.pk, kind="answer", body="2")
    services.message_post(actor=people.exporter, report_id=b.pk, kind="question", body="own")
    with django_assert_num_queries(1):
        counts = selectors.unread_message_counts(people.exporter, [a.pk, b.pk])
    # a: the advice and a colleague's answer, not the internal note; b: only their own message.
    assert counts == {a.pk: 2, b.pk: 0}
    assert selectors.unread_message_counts(people.officer2, [a.pk, b.pk]) == {a.pk: 3, b.pk: 1}
    assert selectors.unread_message_counts(people.officer, [a.pk]) == {a.pk: 1}
    # Another organisation never learns anything about these reports.
    assert selectors.unread_message_counts(people.other_exporter, [a.pk]) == {a.pk: 0}
    assert selectors.unread_message_counts(people.exporter, []) == {}


def test_viewing_the_thread_marks_it_read(client, people):
    report = make_submitted_report(people.exporter)
    services.message_post(actor=people.officer, report_id=report.pk, kind="advice", body="1")
    assert selectors.unread_message_counts(people.exporter, [report.pk]) == {report.pk: 1}
    client.force_login(people.exporter)
    html = client.get(reverse("dialogue:thread", args=[report.pk])).content.decode()
    assert 'data-testid="dialogue-unread"' in html
    assert selectors.unread_message_counts(people.exporter, [report.pk]) == {report.pk: 0}
    # The colleague has not read it yet.
    assert selectors.unread_message_counts(people.exporter2, [report.pk]) == {report.pk: 1}
    html = client.get(reverse("dialogue:thread", args=[report.pk])).content.decode()
    assert 'data-testid="dialogue-unread"' not in html
