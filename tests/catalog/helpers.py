import datetime
import itertools
from zoneinfo import ZoneInfo

from catalog.models import Category, Technology
from portal.models import Division
from tests import factories

D = datetime.date
JST = ZoneInfo("Asia/Tokyo")


def technology_data(**overrides):
    """Valid input for technology_create: an 11th technology, announced for 2026-04-01."""
    data = {
        "code": "power_semiconductor",
        "name_ja": "パワー半導体",
        "name_en": "Power semiconductors",
        "category": Category.OTHER,
        "division": Division.objects.get(code="elec"),
        "scope_ja": "パワー半導体の設計技術及び製造技術",
        "scope_en": "Design and manufacturing technology of power semiconductors",
        "notice_reference": "テスト告示",
        "effective_from": D(2026, 4, 1),
        "effective_to": None,
    }
    data.update(overrides)
    return data


_numbers = itertools.count(900001)


def make_report(technology: Technology, planned_contract_date: datetime.date):
    """A filed report pointing at `technology` (created directly, already submitted)."""
    from reports.models import Report, Status

    exporter = factories.ExporterFactory()
    return Report.objects.create(
        organisation=exporter.organisation,
        created_by=exporter,
        technology=technology,
        planned_contract_date=planned_contract_date,
        status=Status.SUBMITTED,
        reference=f"PR-2025-{next(_numbers):06d}",  # every filed report has its reference
    )


def make_draft(technology: Technology, planned_contract_date: datetime.date):
    """A draft pointing at `technology`: it does not pin the technology version."""
    from reports.models import Report

    exporter = factories.ExporterFactory()
    return Report.objects.create(
        organisation=exporter.organisation,
        created_by=exporter,
        technology=technology,
        planned_contract_date=planned_contract_date,
    )


def jst(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """A moment in Japan time, for time_machine.travel(..., tick=False)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=JST)
