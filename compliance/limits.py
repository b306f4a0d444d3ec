"""How much staff may write on a compliance case, defined once for the model, the forms, the
API serializers and the services (as reports.limits does for reports)."""

from __future__ import annotations

from reports.limits import REASON_MAX_LENGTH, SUMMARY_MAX_LENGTH

# The facts of an unreported transfer as METI learned them: up to about two A4 pages.
FACTS_MAX_LENGTH = SUMMARY_MAX_LENGTH
# Requested measures and ordered improvements are printed on the notices.
MEASURES_MAX_LENGTH = SUMMARY_MAX_LENGTH
RETURN_REASON_MAX_LENGTH = REASON_MAX_LENGTH
CLOSING_SUMMARY_MAX_LENGTH = SUMMARY_MAX_LENGTH
# The legal-basis wording of a notice: a sentence or a short paragraph citing the Act.
LEGAL_BASIS_MAX_LENGTH = REASON_MAX_LENGTH
# Why a draft was discarded (kept as its closing summary, for the division only).
DISCARD_REASON_MAX_LENGTH = REASON_MAX_LENGTH
