"""Does this transaction need a prior report? One function decides, for pages and the API.

Rule codes and their sources are those of domain.md ("Which transactions must be reported"),
one enum for all (catalog.rules.RuleCode). What each rule holds is catalog data, read for the
planned contract date: the technologies, the transaction types (whether each must be
reported), the exclusion rules in force (their questions, and the countries' exempt flags).
Nothing here names a technology, a type or a country.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _

from catalog.models import Country, InForcePeriod, Technology
from catalog.rules import RuleCode
from catalog.selectors import (
    exclusion_rules_in_force,
    latest_version,
    technology_for_code_on,
    transaction_type_for_code_on,
    version_on,
    versions_around,
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
    """One rule's answer: `message` is the plain sentence a person reads; `code` and `source`
    (where the rule comes from: a notice, the scheme's document) are for reference."""

    code: RuleCode
    excludes: bool
    message: str
    source: str = ""


@dataclass
class ScreeningResult:
    report_required: bool
    reasons: list[Reason] = field(default_factory=list)


def _technology(answers: Answers) -> Reason:
    day = answers.planned_contract_date
    code = RuleCode.TECH_NOT_NOTIFIED
    technology = technology_for_code_on(answers.technology, day) if answers.technology else None
    if technology is not None:
        return Reason(
            code,
            False,
            _("%(name)s is a notified technology in force on %(date)s.")
            % {"name": technology.name, "date": day.isoformat()},
            technology.notice_reference,
        )
    before, after = versions_around(Technology, answers.technology or "", day)
    if after is not None:
        # Announced but not yet in force on the planned date (告示から施行まで): no duty yet,
        # but a contract planned from that day on will need a report.
        message = _(
            "%(name)s comes into force on %(start)s, after the planned contract date "
            "(%(date)s): a contract planned from %(start)s on needs a prior report."
        ) % {"name": after.name, "start": after.effective_from.isoformat(), "date": day.isoformat()}
    elif before is not None and before.effective_to is not None:
        message = _(
            "%(name)s was a notified technology until %(end)s, before the planned contract "
            "date (%(date)s)."
        ) % {"name": before.name, "end": before.effective_to.isoformat(), "date": day.isoformat()}
    else:
        message = _(
            "The technology is not one of the notified technologies in force on the planned "
            "contract date (%(date)s)."
        ) % {"date": day.isoformat()}
    known = after or before
    return Reason(code, True, message, known.notice_reference if known else "")


def _transaction_type(answers: Answers) -> Reason:
    transaction_type = transaction_type_for_code_on(
        answers.transaction_type, answers.planned_contract_date
    )
    if transaction_type is None:
        # Callers refuse such a code; kept so that screen() never answers "required" for it.
        return Reason(
            RuleCode.TRANSACTION_TYPE,
            True,
            _("The transaction is not one of the reportable types."),
        )
    if transaction_type.reportable:
        return Reason(
            RuleCode.TRANSACTION_TYPE,
            False,
            _("“%(type)s” is a transaction type that must be reported.")
            % {"type": transaction_type.name},
        )
    if transaction_type.rule == RuleCode.LICENCE_NO_GUIDANCE:
        message = _("A licence without direct technical guidance is outside the scheme.")
    else:
        message = _("“%(type)s” is not a transaction type that must be reported.") % {
            "type": transaction_type.name
        }
    return Reason(transaction_type.rule, True, message)


def _goods_only(answers: Answers) -> Reason:
    if answers.goods_only:
        return Reason(
            RuleCode.GOODS_ONLY,
            True,
            _("Only goods are exported, no technology: goods are outside the scheme."),
        )
    return Reason(RuleCode.GOODS_ONLY, False, _("Technology is transferred, not only goods."))


def _public_or_basic_research(answers: Answers) -> Reason:
    if answers.publicly_known:
        return Reason(
            RuleCode.PUBLIC_OR_BASIC_RESEARCH,
            True,
            _(
                "Technology already made public, or basic scientific research, is outside the "
                "scheme."
            ),
        )
    return Reason(
        RuleCode.PUBLIC_OR_BASIC_RESEARCH,
        False,
        _("The technology is neither public nor basic scientific research."),
    )


def _destination(answers: Answers) -> Reason:
    country = Country.objects.filter(pk=answers.destination_country.upper()).first()
    if country is not None and country.prior_report_exempt:
        return Reason(
            RuleCode.DESTINATION_EXEMPT,
            True,
            _("Transfers to %(country)s need no prior report: it is an exempt destination.")
            % {"country": country.name},
        )
    name = country.name if country else answers.destination_country
    return Reason(
        RuleCode.DESTINATION_EXEMPT,
        False,
        _("Transfers to %(country)s are covered by prior reporting.") % {"country": name},
    )


# The exclusion rules screening asks about, and the answer (api.md's screening body) each reads.
QUESTION_ANSWERS = {
    RuleCode.GOODS_ONLY: "goods_only",
    RuleCode.PUBLIC_OR_BASIC_RESEARCH: "publicly_known",
}

# How each exclusion rule is decided. A rule applies only when a version of it is in force on
# the planned contract date (catalog.ExclusionRule): retiring it stops screening applying it.
EXCLUSIONS = {
    RuleCode.GOODS_ONLY: _goods_only,
    RuleCode.PUBLIC_OR_BASIC_RESEARCH: _public_or_basic_research,
    RuleCode.DESTINATION_EXEMPT: _destination,
}


def screen(answers: Answers) -> ScreeningResult:
    """Apply every rule in force on the planned contract date; a report is required only when
    no rule excludes the transaction.

    When it is not required, the reasons are the rules that excluded it; when it is, the
    reasons are every rule applied, each saying why it holds. Invalid answers (unknown
    transaction type or country, Japan as destination) are refused earlier, by the caller's
    validation. The messages are plain text for people; the code says which rule it is.
    """
    rules = exclusion_rules_in_force(answers.planned_contract_date)
    reasons: list[Reason] = []

    def exclusion(code: RuleCode) -> None:
        if code in rules:
            reason = EXCLUSIONS[code](answers)
            reasons.append(replace(reason, source=rules[code].source))

    exclusion(RuleCode.GOODS_ONLY)
    reasons.append(_technology(answers))
    reasons.append(_transaction_type(answers))
    exclusion(RuleCode.PUBLIC_OR_BASIC_RESEARCH)
    exclusion(RuleCode.DESTINATION_EXEMPT)

    excluded = [r for r in reasons if r.excludes]
    if excluded:
        return ScreeningResult(report_required=False, reasons=excluded)
    return ScreeningResult(report_required=True, reasons=reasons)


def not_in_force_on(model: type[InForcePeriod], code: str, day: datetime.date | None) -> str | None:
    """Why the technology or transaction type `code` cannot be chosen for a contract planned
    on `day` (any version will do without a day), for the forms and the API to show next to
    the field; None when it can be chosen."""
    if day is None:
        before, after = latest_version(model, code), None
        if before is not None:
            return None
    elif version_on(model, code, day) is not None:
        return None
    else:
        before, after = versions_around(model, code, day)
    if after is not None:
        return _(
            "%(name)s applies to contracts planned from %(start)s on: choose another, or "
            "check the planned contract date."
        ) % {"name": after.name, "start": after.effective_from.isoformat()}
    if before is not None and before.effective_to is not None:
        return _(
            "%(name)s applied only to contracts planned until %(end)s: choose another, or "
            "check the planned contract date."
        ) % {"name": before.name, "end": before.effective_to.isoformat()}
    return _("“%(code)s” is not in the catalog.") % {"code": code[:40]}
