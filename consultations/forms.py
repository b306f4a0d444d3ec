from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog import selectors as catalog_selectors
from catalog.forms import CountryField
from catalog.rules import RuleCode
from dialogue.forms import AttachmentForm, MessageForm  # noqa: F401 - the thread's forms, shared
from reports.forms import LimitedTextField, page_number_field

from .models import (
    DESCRIPTION_MAX_LENGTH,
    OUTCOME_SUMMARY_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    TRANSFER_REASON_MAX_LENGTH,
    Outcome,
)
from .selectors import LIST_ALL

BLANK = [("", "---------")]


class ConsultationForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=SUBJECT_MAX_LENGTH,
        help_text=_("A short title, e.g. “Licensing MLCC know-how to a joint venture”."),
    )
    description = LimitedTextField(
        label=_("The planned transfer and your question"),
        max_length=DESCRIPTION_MAX_LENGTH,
        rows=8,
        help_text=_("What you plan to provide, to whom, how, and what you would like to know."),
    )
    technology = forms.ChoiceField(
        label=_("Technology"),
        required=False,
        help_text=_(
            "Leave “I don't know which technology” if you are not sure: a general desk takes "
            "the consultation and passes it on."
        ),
    )
    counterparty_country = CountryField(label=_("Counterparty country (optional)"), required=False)
    planned_contract_date = forms.DateField(
        label=_("Planned contract date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technology"].choices = [("", _("I don't know which technology"))] + [
            (t.code, t.name) for t in catalog_selectors.technologies_offered()
        ]


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the outcome of the consultation.")},
    )
    rule = forms.ChoiceField(
        label=_("Screening rule (when no report is needed)"),
        required=False,
        help_text=_("Only for “No prior report is needed”: the rule that excludes the transfer."),
    )
    summary = LimitedTextField(
        label=_("Summary for the company"),
        max_length=OUTCOME_SUMMARY_MAX_LENGTH,
        rows=6,
        help_text=_("The company reads this with the outcome."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form so that the labels are in the language of the request.
        self.fields["rule"].choices = BLANK + list(RuleCode.choices)


class TransferForm(forms.Form):
    division = forms.TypedChoiceField(
        label=_("Transfer to"),
        coerce=int,
        error_messages={"required": _("Choose the division to transfer the consultation to.")},
    )
    reason = LimitedTextField(label=_("Reason"), max_length=TRANSFER_REASON_MAX_LENGTH)

    def __init__(self, *args, divisions: Iterable = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].choices = BLANK + [(d.pk, d.name) for d in divisions]


class LinkReportForm(forms.Form):
    report = forms.TypedChoiceField(
        label=_("Report"),
        coerce=int,
        error_messages={"required": _("Choose one of your organisation's reports.")},
    )

    def __init__(self, *args, reports: Iterable = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].choices = BLANK + [
            (r.pk, r.reference or _("Draft #%(pk)s") % {"pk": r.pk}) for r in reports
        ]


class GeneralDeskForm(forms.Form):
    division = forms.TypedChoiceField(label=_("General desk division"), coerce=int)

    def __init__(self, *args, divisions: Iterable = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].choices = BLANK + [(d.pk, d.name) for d in divisions]


class ListFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("", _("Open, longest waiting first")), (LIST_ALL, _("All, newest first"))],
    )
    page = page_number_field()
