"""How much free text people may write on a report and its decisions.

Each limit is defined here once and used by the model field, the page form (the browser's
`maxlength` and the help text), the API serializer (400, and `maxLength` in the OpenAPI
schema) and the service, so that every path refuses the same text with the same message.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.text import lazy_format

# A reason or a note is a paragraph or two: 2,000 characters is about one A4 page of Japanese
# at the notices' 10.5 pt, and a longer explanation belongs in an attachment to the dialogue.
REASON_MAX_LENGTH = 2000
# Summaries and measures are the record of a decision that the company keeps to: up to about
# two A4 pages, still read in one sitting.
SUMMARY_MAX_LENGTH = 4000

TECHNOLOGY_SUMMARY_MAX_LENGTH = 2000  # api.md, "Report fields"
MANAGEMENT_MEASURES_MAX_LENGTH = SUMMARY_MAX_LENGTH
LATE_REASON_MAX_LENGTH = REASON_MAX_LENGTH
AMENDMENT_NOTE_MAX_LENGTH = REASON_MAX_LENGTH
WITHDRAWAL_REASON_MAX_LENGTH = REASON_MAX_LENGTH
EXTENSION_REASON_MAX_LENGTH = REASON_MAX_LENGTH
# Written by the dialogue's officers (dialogue.services) but kept on the report.
OUTCOME_SUMMARY_MAX_LENGTH = SUMMARY_MAX_LENGTH
AGREED_MEASURES_MAX_LENGTH = SUMMARY_MAX_LENGTH
NOT_SUBJECT_REASON_MAX_LENGTH = REASON_MAX_LENGTH

# The parameters are those of Django's MaxLengthValidator, which forms and DRF serializers
# both run, so the one message serves pages, the API and the services.
TOO_LONG_MESSAGE = _(
    "This text has %(show_value)s characters; at most %(limit_value)s are allowed."
)


def too_long_message(text: str, limit: int) -> str:
    return str(TOO_LONG_MESSAGE % {"show_value": len(text), "limit_value": limit})


def length_errors(**texts: tuple[str, int]) -> dict[str, list[str]]:
    """{field: [message]} for each `field=(text, limit)` whose text is over its limit."""
    return {
        field: [too_long_message(text, limit)]
        for field, (text, limit) in texts.items()
        if len(text or "") > limit
    }


def limit_help(limit: int):
    """The limit as a form's help text, e.g. "At most 4,000 characters."."""
    return lazy_format(_("At most %(limit)s characters."), {"limit": f"{limit:,}"})
