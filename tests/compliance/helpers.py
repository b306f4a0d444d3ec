"""Test data for compliance cases: late reports filed through the real services, and cases
moved along their lifecycle by the compliance services."""

from __future__ import annotations

import datetime

from django.utils import timezone

from compliance import services
from compliance.models import ComplianceCase
from dialogue.models import MessageKind
from portal.models import User
from reports import clock
from tests.dialogue.helpers import PDF_BYTES, upload
from tests.reports.helpers import submitted_report


def evidence(name: str = "evidence.pdf"):
    return upload(name, PDF_BYTES)


def today() -> datetime.date:
    return clock.jst_date(timezone.now())


def late_report(exporter: User):
    """A report filed on its planned contract date: flagged late."""
    return submitted_report(
        exporter, planned_contract_date=timezone.localdate(), late_reason="社内手続の遅れ"
    )


def draft_case(officer: User, exporter: User, **overrides) -> ComplianceCase:
    from catalog.models import Technology

    data = {
        "organisation_id": exporter.organisation_id,
        "technology_id": Technology.objects.filter(code="mlcc").first().pk,
        "transfer_date": today() - datetime.timedelta(days=40),
        "facts": "報道により、事前報告なしに製造技術が海外子会社へ提供されたことが判明した。",
    }
    data.update(overrides)
    return services.case_create(actor=officer, **data)


def opened_case(officer, exporter, **overrides) -> ComplianceCase:
    case = draft_case(officer, exporter, **overrides)
    return services.case_open(actor=officer, case_id=case.pk)


def guided_case(officer, exporter, *, answer_due=None, **overrides) -> ComplianceCase:
    case = opened_case(officer, exporter, **overrides)
    return services.case_issue_guidance(
        actor=officer,
        case_id=case.pk,
        measures="社内規程を見直し、事前報告の手続を整備すること。",
        answer_due=answer_due or today() + datetime.timedelta(days=14),
    )


def proposed_case(officer, exporter, *, compliance_due=None, **overrides) -> ComplianceCase:
    case = guided_case(officer, exporter, **overrides)
    return services.case_propose_order(
        actor=officer,
        case_id=case.pk,
        measures="技術管理体制を改善し、その結果を報告すること。",
        compliance_due=compliance_due or today() + datetime.timedelta(days=30),
    )


def issued_case(officer, supervisor, exporter, **overrides) -> ComplianceCase:
    case = proposed_case(officer, exporter, **overrides)
    return services.case_approve_order(actor=supervisor, case_id=case.pk)


def answer(exporter, case, body="回答します。証跡を添付します。"):
    return services.case_message_post(
        actor=exporter, case_id=case.pk, kind=MessageKind.ANSWER, body=body
    )
