"""The README's two screenshots (the officer's queue and a report page), from demo-like data.

Skipped unless SCREENSHOTS=1 so that `make test` leaves docs/ alone: `make screenshots`
writes docs/queue.png and docs/report.png.
"""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from dialogue import services as dialogue_services
from portal.models import Organisation
from reports.models import Report
from tests import factories
from tests.informs.helpers import start_dialogue
from tests.reports.helpers import submitted_report

from .axe import assert_no_sideways_scroll
from .conftest import sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("SCREENSHOTS"), reason="SCREENSHOTS=1 (make screenshots) writes docs/"
    ),
]

DOCS = Path(__file__).resolve().parents[2] / "docs"

COMPANIES = [
    ("デモ電子工業株式会社", "Demo Electronics Industries Co., Ltd."),
    ("霞が関精密株式会社", "Kasumigaseki Precision Co., Ltd."),
    ("サンプル部品株式会社", "Sample Components Co., Ltd."),
]

# technology, counterparty, country, days until the deadline
REPORTS = [
    ("mlcc", "Shanghai Demo Electronics Co., Ltd.", "CN", 3),
    ("saw_baw_filter", "Hanoi Filter Manufacturing JSC", "VN", 9),
    ("electrolytic_copper_foil", "Penang Copper Works Sdn. Bhd.", "MY", 16),
    ("dielectric_film", "Bangkok Film Industries Co., Ltd.", "TH", 22),
    ("barium_titanate_powder", "Suzhou Advanced Ceramics Co., Ltd.", "CN", 27),
    ("electron_microscope", "Bengaluru Imaging Pvt. Ltd.", "IN", 30),
]


def test_readme_screenshots(page, catalog):
    officer = factories.OfficerFactory(
        username="suzuki", last_name="鈴木", first_name="一郎", division=catalog["elec"]
    )
    factories.OfficerFactory(
        username="ito", last_name="伊藤", first_name="舞", division=catalog["elec"]
    )
    factories.SupervisorFactory(
        username="tanaka", last_name="田中", first_name="誠", division=catalog["elec"]
    )
    exporters = []
    for i, (name_ja, name_en) in enumerate(COMPANIES):
        exporter = factories.ExporterFactory(
            username=f"exporter{i}", last_name="山田", first_name="花子"
        )
        Organisation.objects.filter(pk=exporter.organisation_id).update(
            name_ja=name_ja, name_en=name_en
        )
        exporters.append(exporter)
    reports = []
    for i, (technology, counterparty, country, days) in enumerate(REPORTS):
        report = submitted_report(
            exporters[i % len(exporters)],
            technology=technology,
            counterparty_name=counterparty,
            counterparty_country=country,
        )
        if i % 2 == 0:
            report = start_dialogue(report, officer)
        Report.objects.filter(pk=report.pk).update(
            decision_due_at=timezone.now() + datetime.timedelta(days=days)
        )
        reports.append(report)
    shown = reports[0]
    dialogue_services.message_post(
        actor=officer,
        report_id=shown.pk,
        kind="question",
        body="相手方における技術情報の管理体制（アクセス権限の範囲）をご説明ください。",
    )
    dialogue_services.message_post(
        actor=exporters[0],
        report_id=shown.pk,
        kind="answer",
        body="技術資料は専用サーバーに置き、閲覧は指名した技術者5名に限ります。",
    )
    dialogue_services.message_post(
        actor=officer, report_id=shown.pk, kind="internal_note", body="回答は妥当。課長に報告済み。"
    )

    DOCS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 960})
    sign_in(page, "suzuki")
    page.wait_for_url("**/dialogue/queue/**")
    assert_no_sideways_scroll(page)
    page.screenshot(path=str(DOCS / "queue.png"), full_page=True)
    page.goto(f"/reports/{shown.pk}/")
    assert_no_sideways_scroll(page)
    page.screenshot(path=str(DOCS / "report.png"))
