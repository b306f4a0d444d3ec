"""/audit/ as people read it (names, verbs in words, changes as a list) and its CSV export."""

import ast
import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from compliance import lifecycle as compliance_lifecycle
from consultations import lifecycle as consultation_lifecycle
from portal.audit import VERB_LABELS
from portal.services import audit_record
from reports.lifecycle import TRANSITION_LABELS
from tests import factories
from tests.reports.helpers import submitted_report

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


# Functions that pass their `verb` on to audit_record().
AUDITING_CALLS = {"audit_record", "audit_record_many", "_entry_create", "_entry_update"}


def _written_verbs() -> set[str]:
    """Every verb the code gives audit_record() (directly or through the catalog's helpers)."""
    # The lifecycles write f"<kind>.{name}" for each of their transitions.
    verbs = {f"report.{name}" for name in TRANSITION_LABELS}
    verbs |= {f"consultation.{name}" for name in consultation_lifecycle.TRANSITION_LABELS}
    verbs |= {f"compliance.{name}" for name in compliance_lifecycle.TRANSITION_LABELS}
    for path in ROOT.glob("*/*.py"):
        if path.parts[-2] in {"tests", "bench"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in AUDITING_CALLS:
                continue
            for keyword in node.keywords:
                if keyword.arg == "verb" and isinstance(keyword.value, ast.Constant):
                    verbs.add(keyword.value.value)
    return verbs


def test_every_verb_written_has_words():
    missing = _written_verbs() - set(VERB_LABELS)
    assert not missing, f"add these verbs to portal.audit.VERB_LABELS: {sorted(missing)}"


def _page(client, **params):
    client.force_login(factories.AdministratorFactory(last_name="監査", first_name="担当"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(reverse("audit_list"), params)


def test_rows_name_the_person_say_what_was_done_and_list_the_changes(client, catalog):
    exporter = factories.ExporterFactory(username="hanako", last_name="山田", first_name="花子")
    report = submitted_report(exporter)
    audit_record(
        actor=exporter,
        verb="country.set_exempt",
        target=report.counterparty_country,
        payload={
            "before": {"prior_report_exempt": False},
            "after": {"prior_report_exempt": True},
            "reason": "閣議決定",
        },
    )
    audit_record(
        actor=None,
        verb="report.lapse",
        target=report,
        payload={"from": "submitted", "to": "lapsed"},
    )
    response = _page(client)
    html = response.content.decode()
    assert response.status_code == 200
    assert "山田 花子" in html and "hanako" in html
    assert "Submitted a report" in html and "report.submit" in html
    assert "Changed a country&#x27;s exempt flag" in html
    assert "<del>No</del>" in html and "<ins>Yes</ins>" in html and "閣議決定" in html
    assert "<del>Submitted</del>" in html and "<ins>Lapsed (no decision in time)</ins>" in html
    assert ">METI</span><br><small>system</small>" in html  # the clock
    assert f'href="/reports/{report.pk}/"' in html
    assert "{&#x27;" not in html and "{'" not in html  # no Python dicts


def test_filters_by_action_person_object_and_day(client, catalog):
    exporter = factories.ExporterFactory(username="hanako", last_name="山田", first_name="花子")
    officer = factories.OfficerFactory(username="ichiro", last_name="佐藤", first_name="一郎")
    report = submitted_report(exporter)
    audit_record(actor=officer, verb="message.post", target=report, payload={"kind": "question"})

    def verbs(**params):
        response = _page(client, **params)
        assert response.status_code == 200, response.content
        return re.findall(r'data-verb="([a-z_.]+)"', response.content.decode())

    assert set(verbs(verb="message.post")) == {"message.post"}
    assert set(verbs(who="佐藤")) == {"message.post"}
    assert "report.submit" in verbs(who="hanako")
    assert set(verbs(target_type="reports.report")) >= {"report.submit", "message.post"}
    today = timezone.localdate()
    assert verbs(since=today.isoformat(), until=today.isoformat())
    assert verbs(until=(today - datetime.timedelta(days=1)).isoformat()) == []


def test_a_malformed_filter_is_answered_400_beside_the_field(client):
    response = _page(client, verb="no.such.verb", since="yesterday")
    assert response.status_code == 400
    assert response.content.decode().count('class="errorlist"') == 2


def test_csv_export_is_for_administrators_only(client):
    for user in (
        factories.ExporterFactory(),
        factories.OfficerFactory(),
        factories.SupervisorFactory(),
    ):
        client.force_login(user)
        assert client.get(reverse("audit_export")).status_code == 403


def test_csv_export_streams_the_filtered_rows_in_words(client, catalog):
    exporter = factories.ExporterFactory(username="hanako", last_name="山田", first_name="花子")
    report = submitted_report(exporter)
    prankster = factories.ExporterFactory(username="p", last_name="=SUM(A1)", first_name="x")
    audit_record(actor=exporter, verb="message.post", target=report, payload={"kind": "question"})
    audit_record(actor=prankster, verb="message.post", target=report, payload={})
    client.force_login(factories.AdministratorFactory())
    response = client.get(reverse("audit_export"), {"verb": "message.post"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads the Japanese as UTF-8
    header, *rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 2 and all(len(row) == len(header) for row in rows)
    prank, hanako = rows  # newest first
    assert "山田 花子" in hanako and "hanako" in hanako and "message.post" in hanako
    assert report.reference in hanako and any("質問" in cell for cell in hanako)
    # A cell a spreadsheet would run as a formula is defused.
    assert "'=SUM(A1) x" in prank
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_csv_export_of_a_malformed_filter_is_400(client):
    client.force_login(factories.AdministratorFactory())
    assert client.get(reverse("audit_export"), {"since": "soon"}).status_code == 400


def test_a_payload_key_named_like_a_reverse_relation_is_shown_as_words(catalog):
    """A payload key that is also the name of a reverse relation on the target's model (a
    report's `transitions`) has no verbose name: the row still reads, the key in words."""
    from portal.audit import readable_changes
    from portal.models import AuditRecord

    report = submitted_report(factories.ExporterFactory())
    audit_record(actor=None, verb="report.submit", target=report, payload={"transitions": 3})
    record = AuditRecord.objects.filter(verb="report.submit").latest("pk")
    labels = [str(change.label) for change in readable_changes(record)]
    assert "transitions" in labels
