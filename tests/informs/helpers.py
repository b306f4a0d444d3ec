"""Test data for informs: reports filed through the real services and moved along the
lifecycle by its services."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from informs import services as inform_services
from informs.models import Inform
from portal.models import User
from reports import lifecycle
from reports.models import Report
from tests import factories
from tests.reports.helpers import submitted_report as make_submitted_report


def start_dialogue(report: Report, officer: User) -> Report:
    return lifecycle.report_start_dialogue(actor=officer, report_id=report.pk)


def make_report_under_dialogue(exporter: User, officer: User, **overrides) -> Report:
    return start_dialogue(make_submitted_report(exporter, **overrides), officer)


def propose(report: Report, officer: User, conditions: list[str] | None = None) -> Inform:
    return inform_services.inform_propose(
        actor=officer,
        report_id=report.pk,
        grounds="懸念が解消されなかったため。",
        licence_conditions=["再移転の禁止", "年次報告"] if conditions is None else conditions,
    )


@dataclass
class People:
    exporter: User
    colleague: User  # same organisation as exporter
    other_exporter: User
    officer: User
    supervisor: User
    supervisor2: User
    other_officer: User  # another division
    other_supervisor: User  # another division


@pytest.fixture
def people(catalog) -> People:
    exporter = factories.ExporterFactory()
    return People(
        exporter=exporter,
        colleague=factories.ExporterFactory(organisation=exporter.organisation),
        other_exporter=factories.ExporterFactory(),
        officer=factories.OfficerFactory(division=catalog["elec"]),
        supervisor=factories.SupervisorFactory(division=catalog["elec"]),
        supervisor2=factories.SupervisorFactory(division=catalog["elec"]),
        other_officer=factories.OfficerFactory(division=catalog["mat"]),
        other_supervisor=factories.SupervisorFactory(division=catalog["mat"]),
    )
