"""Each list costs the same number of queries whether it holds 10 rows or 200.

The timings themselves are bench/'s business (`make bench`); here only the shape is held: a
page or API list that read something per row would show it as more queries at 200 rows.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Technology
from dialogue.models import Attachment, Message, MessageKind, Thread
from informs.models import Inform, InformStatus
from portal.models import AuditRecord, Notification
from reports.models import Report, Status
from tests.conftest import api_as
from tests.dialogue.helpers import make_people, make_submitted_report

pytestmark = pytest.mark.django_db

_references = itertools.count(1)


@pytest.fixture(autouse=True)
def _session_written_once(monkeypatch):
    # The session's last-activity time is saved at most once a minute; a save falling into
    # one measurement and not the other is no query the list makes.
    monkeypatch.setattr("signin.middleware.ACTIVITY_PRECISION_SECONDS", 10**9)


@pytest.fixture
def people(catalog):
    return make_people(catalog)


@pytest.fixture
def template_report(people):
    """A submitted report filed through the services; the others are bulk copies of it."""
    return make_submitted_report(people.exporter)


def add_reports(people, template: Report, total: int) -> None:
    """Copies of `template` until the exporter's organisation has `total` reports: every
    status the lists show, three officers' assignments, two organisations, proposals by
    several people (the supervisor's own among them), and a message from each side."""
    now = timezone.now()
    have = Report.objects.filter(organisation=people.exporter.organisation).count()
    fields = {
        f.attname: getattr(template, f.attname)
        for f in Report._meta.concrete_fields
        if not f.primary_key and f.attname not in ("reference", "status")
    }
    cycle = [
        Status.SUBMITTED,
        Status.UNDER_DIALOGUE,
        Status.INFORM_PROPOSED,
        Status.LAPSED,
        Status.INFORMED,
        Status.DRAFT,
    ]
    officers = [people.officer, people.officer2, people.supervisor, None]
    new = []
    for i in range(max(0, total - have)):
        status = cycle[i % len(cycle)]
        row = dict(fields)
        row.update(
            reference=None if status == Status.DRAFT else f"PR-2099-{next(_references):06d}",
            status=status,
            assigned_officer_id=getattr(officers[i % len(officers)], "pk", None),
            decision_due_at=now + datetime.timedelta(days=1 + i % 29, hours=i % 24),
            counterparty_country_id=["CN", "VN", "TH"][i % 3],
        )
        if status == Status.LAPSED:
            row.update(decision_due_at=now - datetime.timedelta(days=1), closed_at=now)
        if status == Status.DRAFT:
            row.update(decision_due_at=None, received_at=None, responsible_division_id=None)
        new.append(Report(**row))
    # A fifth of them filed by another company: the queue shows several organisations.
    new.append(
        Report(
            **fields,
            reference=f"PR-2099-{next(_references):06d}",
            status=Status.SUBMITTED,
        )
    )
    new[-1].organisation_id = people.other_exporter.organisation_id
    created = Report.objects.bulk_create(new)
    proposers = itertools.cycle([people.supervisor, people.officer, people.officer2])
    Inform.objects.bulk_create(
        Inform(
            report=r,
            status=InformStatus.PROPOSED,
            grounds="懸念が残る。" * 50,
            legal_basis="外為法第25条",
            proposed_by=next(proposers),
            proposed_at=now,
        )
        for r in created
        if r.status == Status.INFORM_PROPOSED
    )
    discussed = [r for r in created if r.status != Status.DRAFT]
    threads = Thread.objects.bulk_create(Thread() for _ in discussed)
    for r, thread in zip(discussed, threads, strict=True):
        r.thread = thread
    Report.objects.bulk_update(discussed, ["thread"])
    messages = []
    for r in discussed:
        messages.append(
            Message(
                thread=r.thread,
                kind=MessageKind.QUESTION,
                body="質問です。",
                author=people.officer,
                author_role="officer",
            )
        )
        messages.append(
            Message(
                thread=r.thread,
                kind=MessageKind.ANSWER,
                body="回答です。",
                author=people.exporter,
                author_role="exporter",
            )
        )
    Message.objects.bulk_create(messages)


def query_count(get: Callable[[], object]) -> int:
    get()  # warm: the session's first request and per-process caches are no row's cost
    with CaptureQueriesContext(connection) as captured:
        response = get()
    assert response.status_code == 200, response
    return len(captured.captured_queries)


def same_for_10_and_200(grow: Callable[[int], None], get: Callable[[], object]) -> None:
    grow(10)
    at_10 = query_count(get)
    grow(200)
    at_200 = query_count(get)
    assert at_10 == at_200, f"{at_10} queries with 10 rows, {at_200} with 200"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- pages --------------------------------------------------------------------------------


def test_exporter_dashboard(people, template_report):
    client = signed_in(people.exporter)
    same_for_10_and_200(
        lambda n: add_reports(people, template_report, n), lambda: client.get("/reports/")
    )
    assert len(client.get("/reports/").context["rows"]) == 25


def test_officer_queue(people, template_report):
    client = signed_in(people.officer)
    same_for_10_and_200(
        lambda n: add_reports(people, template_report, n), lambda: client.get("/dialogue/queue/")
    )
    page = client.get("/dialogue/queue/?status=all")
    assert len(page.context["rows"]) == 25 and "workload" not in page.context


def test_officer_queue_search(people, template_report):
    client = signed_in(people.officer)
    same_for_10_and_200(
        lambda n: add_reports(people, template_report, n),
        lambda: client.get("/dialogue/queue/?q=shanghai&status=all"),
    )
    assert len(client.get("/dialogue/queue/?q=shanghai&status=all").context["rows"]) == 25


def test_supervisor_queue_with_workload(people, template_report):
    client = signed_in(people.supervisor)
    same_for_10_and_200(
        lambda n: add_reports(people, template_report, n), lambda: client.get("/dialogue/queue/")
    )
    page = client.get("/dialogue/queue/")
    workload = {u.username: u.open_reports for u in page.context["workload"]}
    assert workload[people.officer.username] > 0 and page.context["unassigned"] > 0


def test_supervisor_informs_page(people, template_report):
    client = signed_in(people.supervisor)
    same_for_10_and_200(
        lambda n: add_reports(people, template_report, n),
        lambda: client.get("/informs/supervisor/"),
    )
    page = client.get("/informs/supervisor/")
    awaiting = (
        Inform.objects.filter(status=InformStatus.PROPOSED).exclude(proposed_by=people.supervisor)
    ).count()
    assert awaiting > 10 and len(page.context["awaiting"]) == min(25, awaiting)
    assert page.context["own"] and all(p.own for p in page.context["own"])


def test_notifications_page(people):
    client = signed_in(people.officer)

    def grow(n: int) -> None:
        have = Notification.objects.filter(recipient=people.officer).count()
        Notification.objects.bulk_create(
            Notification(
                recipient=people.officer,
                verb="report.reminder_7d",
                title_ja=f"通知{i}",
                title_en=f"Notice {i}",
                url="/reports/1/",
                read_at=timezone.now() if i % 2 else None,
            )
            for i in range(have, n)
        )

    same_for_10_and_200(grow, lambda: client.get("/notifications/"))


def test_audit_page(people, administrator):
    client = signed_in(administrator)

    def grow(n: int) -> None:
        have = AuditRecord.objects.count()
        AuditRecord.objects.bulk_create(
            AuditRecord(
                actor=people.officer if i % 2 else None,
                actor_label=people.officer.username if i % 2 else "system",
                verb="report.lapse",
                target_type="reports.report",
                target_id=str(i),
                target_label=f"PR-2099-{i:06d}",
            )
            for i in range(have, max(have, n))
        )

    same_for_10_and_200(grow, lambda: client.get("/audit/"))


# --- the API ------------------------------------------------------------------------------


def test_api_reports_list_for_exporters_and_staff(people, template_report):
    exporter, officer = api_as(people.exporter), api_as(people.officer)
    same_for_10_and_200(
        lambda n: add_reports(people, template_report, n),
        lambda: exporter.get("/api/v1/reports/"),
    )
    same_for_10_and_200(lambda n: None, lambda: officer.get("/api/v1/reports/"))
    assert officer.get("/api/v1/reports/").json()["count"] > 100


def test_api_messages_list(people, template_report):
    client = api_as(people.officer)
    url = f"/api/v1/reports/{template_report.pk}/messages/"

    def grow(n: int) -> None:
        if template_report.thread_id is None:
            template_report.thread = Thread.objects.create()
            template_report.save(update_fields=["thread"])
        have = Message.objects.filter(thread=template_report.thread).count()
        messages = Message.objects.bulk_create(
            Message(
                thread=template_report.thread,
                kind=[MessageKind.QUESTION, MessageKind.INTERNAL_NOTE][i % 2],
                body=f"本文{i}",
                author=[people.officer, people.officer2][i % 2],
                author_role="officer",
            )
            for i in range(have, n)
        )
        Attachment.objects.bulk_create(
            Attachment(
                thread=template_report.thread,
                message=m,
                file="attachments/x",
                original_name="spec.pdf",
                content_type="application/pdf",
                size=10,
                sha256="0" * 64,
                uploaded_by=people.officer,
            )
            for m in messages[::3]
        )

    same_for_10_and_200(grow, lambda: client.get(url))


def test_api_technologies_list(people):
    client = api_as(people.exporter)
    division = people.officer.division

    def grow(n: int) -> None:
        have = Technology.objects.count()
        Technology.objects.bulk_create(
            Technology(
                code=f"bench-tech-{i}",
                name_ja=f"技術{i}",
                name_en=f"Technology {i}",
                category="other",
                division=division,
                effective_from=datetime.date(2024, 12, 30),
            )
            for i in range(have, n)
        )

    same_for_10_and_200(grow, lambda: client.get("/api/v1/technologies/"))
    assert Technology.objects.count() == 200
