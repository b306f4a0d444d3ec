"""Does this transaction need a prior report? One function decides, for pages and the API.

Rule codes and their sources are those of domain.md ("Which transactions must be reported").
PUBLIC_OR_BASIC_RESEARCH and DESTINATION_EXEMPT come from secondary sources, so the exempt
destinations are data (catalog.Country.prior_report_exempt), never code.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from catalog.models import Country
from catalog.selectors import technology_for_code_on

from .models import TransactionType

REPORTABLE_TYPES = frozenset(
    {
        TransactionType.SUBSIDIARY_TRANSFER,
        TransactionType.JV_TRANSFER,
        TransactionType.MANUFACTURING_OUTSOURCING,
        TransactionType.LICENCE_WITH_GUIDANCE,
        TransactionType.OTHER_ENABLING,
    }
)


@dataclass(frozen=True)
class Answers:
    technology: str | None
    transaction_type: str
    destination_country: str
    goods_only: bool
    publicly_known: bool
    planned_contract_date: datetime.date


@dataclass(frozen=True)
class Reason:
    code: str
    excludes: bool
    message: str


@dataclass
class ScreeningResult:
    report_required: bool
    reasons: list[Reason] = field(default_factory=list)


def screen(answers: Answers) -> ScreeningResult:
    """Apply every rule; a report is required only when no rule excludes the transaction.

    When it is not required, the reasons are the rules that excluded it; when it is, the
    reasons are every rule, each saying why it holds. Invalid answers (unknown transaction
    type or country, Japan as destination) are refused earlier, by the caller's validation.
    """
    reasons: list[Reason] = []

    if answers.goods_only:
        reasons.append(
            Reason(
                "GOODS_ONLY",
                True,
                str(_("Only goods are exported, no technology: goods are outside the scheme.")),
            )
        )
    else:
        reasons.append(
            Reason("GOODS_ONLY", False, str(_("Technology is transferred, not only goods.")))
        )

    technology = (
        technology_for_code_on(answers.technology, answers.planned_contract_date)
        if answers.technology
        else None
    )
    if technology is None:
        reasons.append(
            Reason(
                "TECH_NOT_NOTIFIED",
                True,
                str(
                    _(
                        "The technology is not one of the notified technologies in force on the planned "
                        "contract date (%(date)s)."
                    )
                    % {"date": answers.planned_contract_date.isoformat()}
                ),
            )
        )
    else:
        reasons.append(
            Reason(
                "TECH_NOT_NOTIFIED",
                False,
                str(
                    _("%(name)s is a notified technology in force on %(date)s.")
                    % {"name": technology.name, "date": answers.planned_contract_date.isoformat()}
                ),
            )
        )

    if answers.transaction_type == TransactionType.LICENCE_WITHOUT_GUIDANCE:
        reasons.append(
            Reason(
                "LICENCE_NO_GUIDANCE",
                True,
                str(_("A licence without direct technical guidance is outside the scheme.")),
            )
        )
    elif answers.transaction_type in REPORTABLE_TYPES:
        label = TransactionType(answers.transaction_type).label
        reasons.append(
            Reason(
                "TRANSACTION_TYPE",
                False,
                str(_("“%(type)s” is a transaction type that must be reported.") % {"type": label}),
            )
        )
    else:
        reasons.append(
            Reason(
                "TRANSACTION_TYPE",
                True,
                str(_("The transaction is not one of the reportable types.")),
            )
        )

    if answers.publicly_known:
        reasons.append(
            Reason(
                "PUBLIC_OR_BASIC_RESEARCH",
                True,
                str(
                    _(
                        "Technology already made public, or basic scientific research, is outside the scheme."
                    )
                ),
            )
        )
    else:
        reasons.append(
            Reason(
                "PUBLIC_OR_BASIC_RESEARCH",
                False,
                str(_("The technology is neither public nor basic scientific research.")),
            )
        )

    country = Country.objects.filter(pk=answers.destination_country.upper()).first()
    if country is not None and country.prior_report_exempt:
        reasons.append(
            Reason(
                "DESTINATION_EXEMPT",
                True,
                str(
                    _("%(country)s is an exempt destination (Group A country).")
                    % {"country": country.name}
                ),
            )
        )
    else:
        name = country.name if country else answers.destination_country
        reasons.append(
            Reason(
                "DESTINATION_EXEMPT",
                False,
                str(_("%(country)s is not an exempt destination.") % {"country": name}),
            )
        )

    excluded = [r for r in reasons if r.excludes]
    if excluded:
        return ScreeningResult(report_required=False, reasons=excluded)
    return ScreeningResult(report_required=True, reasons=reasons)
