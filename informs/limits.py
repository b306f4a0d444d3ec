"""How much an officer may write in an inform proposal and a supervisor in its return.

Defined once for the model, the page forms, the API serializers (and so the OpenAPI schema)
and the services. The notice PDF prints the grounds and every licence condition: a usual
notice is one or two A4 pages, and with every text at its limit it is about 11 numbered pages
(13 if written in short lines), where 1,000 conditions made 32 (tests/api/test_limits.py).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.text import lazy_format
from reports.limits import REASON_MAX_LENGTH, SUMMARY_MAX_LENGTH

GROUNDS_MAX_LENGTH = SUMMARY_MAX_LENGTH
RETURN_REASON_MAX_LENGTH = REASON_MAX_LENGTH
# A licence condition is one obligation in a sentence or two (no re-transfer, a yearly
# report, access control …): 500 characters leave room for a precise one. Twenty are more than
# a licence needs; beyond that the list is a contract, and the notice stops being read.
LICENCE_CONDITIONS_MAX_COUNT = 20
LICENCE_CONDITION_MAX_LENGTH = 500

# Parameters as Django's MaxLengthValidator gives them, so DRF's ListField can use it too.
TOO_MANY_CONDITIONS_MESSAGE = _(
    "Give at most %(limit_value)s licence conditions (there are %(show_value)s)."
)
CONDITION_TOO_LONG_MESSAGE = _(
    "Licence condition %(number)s has %(show_value)s characters; at most %(limit_value)s are "
    "allowed."
)


def licence_conditions_help():
    return lazy_format(
        _("At most %(count)s conditions of %(limit)s characters each."),
        {"count": LICENCE_CONDITIONS_MAX_COUNT, "limit": LICENCE_CONDITION_MAX_LENGTH},
    )


def licence_condition_problems(conditions: list[str]) -> list[str]:
    """Messages for too many conditions or for each one too long (numbered from 1)."""
    problems = []
    if len(conditions) > LICENCE_CONDITIONS_MAX_COUNT:
        problems.append(
            str(
                TOO_MANY_CONDITIONS_MESSAGE
                % {"limit_value": LICENCE_CONDITIONS_MAX_COUNT, "show_value": len(conditions)}
            )
        )
    for number, condition in enumerate(conditions, start=1):
        if len(condition) > LICENCE_CONDITION_MAX_LENGTH:
            problems.append(
                str(
                    CONDITION_TOO_LONG_MESSAGE
                    % {
                        "number": number,
                        "show_value": len(condition),
                        "limit_value": LICENCE_CONDITION_MAX_LENGTH,
                    }
                )
            )
    return problems


def validate_licence_conditions(value: Any) -> None:
    """Model validator of Inform.licence_conditions: a list within the limits."""
    if not isinstance(value, list):
        return  # the service refuses other shapes with its own message
    problems = licence_condition_problems([str(c) for c in value])
    if problems:
        raise ValidationError(problems)
