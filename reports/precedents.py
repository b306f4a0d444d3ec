"""Precedents: what METI decided before on reports of the same technology, and of the same
technology and destination country, for the officer deciding on a report.

Who sees what (the visibility rule):
- Only METI staff (officers and supervisors) see precedents, and only on a report they may see
  (`reports.selectors.report_for_user`: their own division's). Exporters never see them.
- A precedent whose responsible division is the viewer's own is shown in full: outcome, date of
  the decision, licence conditions (from the issued inform), reference and a link to it.
- A precedent of another division (a technology moved between divisions, or the same
  technology reported under another) shows only its outcome and date: no reference, no link,
  no licence conditions, nothing of its content. Each division's reports are its own (the
  queues and the report pages are scoped by division); what another division may learn is
  only that such a decision was taken, and when, so that decisions stay consistent.

"Decided" means closed by a decision of METI: informed, closed without inform, or not subject
to reporting. Lapsed and withdrawn reports were not decided and are not precedents.
Most recent first (by the moment the decision was recorded), paged.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator

from catalog.models import Technology
from informs.models import Inform, InformStatus
from portal import roles
from portal.models import User

from .lifecycle import Status, report_url
from .models import Report

DECIDED_STATUSES = (Status.INFORMED, Status.CLOSED_NO_INFORM, Status.NOT_SUBJECT)
PER_PAGE = 10


@dataclass(frozen=True)
class Precedent:
    outcome: str
    outcome_label: str
    decided_at: datetime.datetime
    destination: str
    # Only for the viewer's own division (None otherwise): see the module's docstring.
    full: bool
    reference: str | None
    url: str | None
    licence_conditions: list[str] | None


def precedents_queryset(report: Report, *, same_destination: bool) -> Any:
    """Decided reports of the same technology (any version of its code), and of the same
    destination if asked, other than this one; most recent decision first. Served by the
    partial indexes report_decided_technology and report_decided_tech_country."""
    if report.technology is None:
        return Report.objects.none()
    versions = list(
        Technology.objects.filter(code=report.technology.code).values_list("pk", flat=True)
    )
    qs = Report.objects.filter(technology_id__in=versions, status__in=DECIDED_STATUSES).exclude(
        pk=report.pk
    )
    if same_destination:
        if report.counterparty_country_id is None:
            return Report.objects.none()
        qs = qs.filter(counterparty_country_id=report.counterparty_country_id)
    return qs.order_by("-closed_at", "-id")


def precedents_for(
    user: User,
    report: Report,
    *,
    same_destination: bool,
    page: int | str | None = 1,
    strict: bool = False,
) -> tuple[Page, list[Precedent]]:
    """One page of precedents for `report` as `user` may see them (the module's rule). Pages
    take the nearest page for a page number out of range; `strict` (the API) raises
    EmptyPage instead."""
    if not roles.is_meti_staff(user):
        return Paginator(Report.objects.none(), PER_PAGE).get_page(1), []
    qs = precedents_queryset(report, same_destination=same_destination).only(
        "id",
        "reference",
        "status",
        "closed_at",
        "responsible_division_id",
        "counterparty_country_id",
    )
    paginator = Paginator(qs, PER_PAGE)
    paged = paginator.page(page or 1) if strict else paginator.get_page(page)
    rows = list(paged.object_list)
    own = [r.pk for r in rows if r.responsible_division_id == user.division_id]
    conditions = _licence_conditions(own)
    out = []
    for r in rows:
        full = r.responsible_division_id == user.division_id
        out.append(
            Precedent(
                outcome=r.status,
                outcome_label=str(Status(r.status).label),
                decided_at=r.closed_at,
                destination=(r.counterparty_country_id or "") if full else "",
                full=full,
                reference=r.reference if full else None,
                url=report_url(r) if full else None,
                licence_conditions=conditions.get(r.pk, []) if full else None,
            )
        )
    return paged, out


def _licence_conditions(report_ids: list[int]) -> dict[int, list[str]]:
    """The licence conditions of the issued informs of these reports, in one query."""
    if not report_ids:
        return {}
    return {
        report_id: list(conditions or [])
        for report_id, conditions in Inform.objects.filter(
            report_id__in=report_ids, status=InformStatus.ISSUED
        ).values_list("report_id", "licence_conditions")
    }
