"""The screening rules' codes (domain.md, "Which transactions must be reported").

One enum for screening's answers, the catalog's data and the officers' "not subject" decision.
It lives in the catalog so that every app can import it while the catalog imports none of them.
The codes are part of the API: add, never rename.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleCode(models.TextChoices):
    GOODS_ONLY = "GOODS_ONLY", _("Only goods are transferred, no technology")
    TECH_NOT_NOTIFIED = (
        "TECH_NOT_NOTIFIED",
        _("Not a notified technology in force on the planned contract date"),
    )
    TRANSACTION_TYPE = "TRANSACTION_TYPE", _("Not a reportable transaction type")
    LICENCE_NO_GUIDANCE = (
        "LICENCE_NO_GUIDANCE",
        _("A licence without direct technical guidance"),
    )
    PUBLIC_OR_BASIC_RESEARCH = (
        "PUBLIC_OR_BASIC_RESEARCH",
        _("Technology already public, or basic scientific research"),
    )
    DESTINATION_EXEMPT = "DESTINATION_EXEMPT", _("Exempt destination")


# Which part of the catalog decides each rule:
# - TECH_NOT_NOTIFIED: the technologies and their effective dates;
# - TRANSACTION_TYPE_RULES: the transaction types; a type that is not reportable names one;
# - EXCLUSION_RULE_CODES: the exclusion rules, which administrators add and retire by date
#   (DESTINATION_EXEMPT also reads the countries' exempt flags).
TRANSACTION_TYPE_RULES = (RuleCode.TRANSACTION_TYPE, RuleCode.LICENCE_NO_GUIDANCE)
EXCLUSION_RULE_CODES = (
    RuleCode.GOODS_ONLY,
    RuleCode.PUBLIC_OR_BASIC_RESEARCH,
    RuleCode.DESTINATION_EXEMPT,
)
# The exclusion rules screening asks about with a yes/no question; "yes" excludes.
QUESTION_RULE_CODES = (RuleCode.GOODS_ONLY, RuleCode.PUBLIC_OR_BASIC_RESEARCH)


def choices_of(codes: tuple[RuleCode, ...]) -> list[tuple[str, str]]:
    return [(code.value, code.label) for code in codes]
