from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Technology
from portal.models import Organisation
from reports.forms import LimitedTextField

from . import limits

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseCreateForm(forms.Form):
    """A standalone case: the organisation, the technology (one of the officer's division's),
    the transfer date and the facts. From a late report only the date and facts are asked."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation concerned"), queryset=Organisation.objects.none()
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
        self.fields["organisation"].queryset = Organisation.objects.order_by("name_ja")
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
