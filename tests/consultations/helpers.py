"""Test data for consultations: the people around them and consultations in each state."""

from __future__ import annotations

from dataclasses import dataclass

from consultations import lifecycle, services
from consultations.models import Consultation, GeneralDesk
from portal.models import Division, User
from tests import factories


@dataclass
class People:
    exporter: User
    colleague: User  # the same organisation
    other_exporter: User  # another organisation
    officer: User  # elec: mlcc's division
    supervisor: User  # elec
    other_officer: User  # mat
    desk_officer: User  # the general desk's division
    administrator: User
    elec: Division
    mat: Division
    desk: Division


def make_people(catalog) -> People:
    desk = factories.DivisionFactory(code="desk", name_ja="技術管理相談窓口", name_en="Desk")
    GeneralDesk.objects.update_or_create(pk=1, defaults={"division": desk})
    exporter = factories.ExporterFactory()
    return People(
        exporter=exporter,
        colleague=factories.ExporterFactory(organisation=exporter.organisation),
        other_exporter=factories.ExporterFactory(),
        officer=factories.OfficerFactory(division=catalog["elec"]),
        supervisor=factories.SupervisorFactory(division=catalog["elec"]),
        other_officer=factories.OfficerFactory(division=catalog["mat"]),
        desk_officer=factories.OfficerFactory(division=desk),
        administrator=factories.AdministratorFactory(),
        elec=catalog["elec"],
        mat=catalog["mat"],
        desk=desk,
    )


def open_consultation(exporter, **overrides) -> Consultation:
    data = {
        "subject": "子会社への製造技術移転について",
        "description": "中国の子会社にMLCCの焼成技術を移転する計画です。報告が必要か相談したい。",
        "technology": "mlcc",
        "counterparty_country": "CN",
    }
    data.update(overrides)
    return services.consultation_create(actor=exporter, **data)


def closed_consultation(exporter, officer, outcome="report_needed", **overrides) -> Consultation:
    consultation = open_consultation(exporter, **overrides)
    return lifecycle.consultation_close(
        actor=officer,
        consultation_id=consultation.pk,
        outcome=outcome,
        rule="GOODS_ONLY" if outcome == "not_needed" else "",
        summary="事前報告が必要です。",
    )
