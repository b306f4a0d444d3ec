from __future__ import annotations

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Technology
from portal.models import Organisation
from reports.forms import LimitedTextField

from . import limits

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganisationByNumberField(forms.ModelChoiceField):
    """An organisation named by its corporate number, typed as people copy it (full-width
    digits, spaces, hyphens)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(unicodedata.normalize("NFKC", value).split()).replace("-", "")
        return super().to_python(value)


class CaseCreateForm(forms.Form):
    """A standalone case: the organisation, the technology (one of the officer's division's),
    the transfer date and the facts. From a late report only the date and facts are asked."""

    # A corporate number rather than a list of every registered organisation: the page stays
    # small however many companies register, and the number is what METI's sources give.
    organisation = OrganisationByNumberField(
        label=_("Corporate number of the organisation concerned"),
        help_text=_("The 13-digit corporate number (法人番号) of a registered organisation."),
        queryset=Organisation.objects.none(),
        to_field_name="corporate_number",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "invalid_choice": _(
                "No registered organisation has this corporate number. Check the 13 digits."
            )
        },
    )
    technology = forms.ModelChoiceField(
        label=_("Technology transferred"), queryset=Technology.objects.none()
    )
    transfer_date = forms.DateField(
        label=_("Transfer date"),
        widget=DATE_WIDGET,
        help_text=_("The day the technology was provided (as far as known)."),
    )
    facts = LimitedTextField(
        label=_("Facts"),
        max_length=limits.FACTS_MAX_LENGTH,
        help_text=_("What METI learned, and how. The organisation reads this once opened."),
        rows=6,
    )

    def __init__(self, *args, division_id: int | None = None, from_report: bool = False, **kw):
        super().__init__(*args, **kw)
        if from_report:
            del self.fields["organisation"]
            del self.fields["technology"]
            return
        self.fields["organisation"].queryset = Organisation.objects.all()
        self.fields["technology"].queryset = Technology.objects.filter(
            division_id=division_id
        ).order_by("code", "effective_from")


class GuidanceForm(forms.Form):
    measures = LimitedTextField(
        label=_("Requested measures"),
        max_length=limits.MEASURES_MAX_LENGTH,
        help_text=_("What the company is asked to do (guidance and advice)."),
        rows=6,
    )
    answer_due = forms.DateField(
        label=_("Answer due"),
        widget=DATE_WIDGET,
        help_text=_("The last day (JST) for the company's answer."),
    )


class ProposeOrderForm(forms.Form):
    measures = LimitedTextField(
        label=_("Ordered improvements"),
        max_length=limits.MEASURES_MAX_LENGTH,
        help_text=_("What the improvement order requires of the company."),
        rows=6,
    )
    compliance_due = forms.DateField(
        label=_("Compliance due"),
        widget=DATE_WIDGET,
        help_text=_("The last day (JST) by which the company must comply and report."),
    )


class ReturnOrderForm(forms.Form):
    reason = LimitedTextField(
        label=_("Reason for returning"),
        max_length=limits.RETURN_REASON_MAX_LENGTH,
        help_text=_("The proposer reads this and may propose again."),
    )


class DiscardForm(forms.Form):
    reason = LimitedTextField(
        label=_("Reason for discarding"),
        max_length=limits.DISCARD_REASON_MAX_LENGTH,
        help_text=_("Kept in the case's history; the organisation never sees the draft."),
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        widget=forms.RadioSelect,
        choices=[
            ("resolved", _("Resolved")),
            ("referred", _("Referred for penalty consideration")),
        ],
        error_messages={"required": _("Choose how the case ends: resolved or referred.")},
    )
    summary = LimitedTextField(
        label=_("Closing summary"),
        max_length=limits.CLOSING_SUMMARY_MAX_LENGTH,
        help_text=_("The organisation reads this."),
        rows=5,
    )


class WordingForm(forms.Form):
    legal_basis = LimitedTextField(
        label=_("Legal basis"),
        max_length=limits.LEGAL_BASIS_MAX_LENGTH,
        help_text=_(
            "Printed on every notice of this kind from now on; notices already given keep theirs."
        ),
        rows=5,
    )
