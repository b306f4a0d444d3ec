from django import forms
from django.utils.translation import gettext_lazy as _

from reports.forms import LimitedTextField

from .models import REASON_MAX_LENGTH, Adjudication


class ListUploadForm(forms.Form):
    file = forms.FileField(
        label=_("The End User List file"),
        help_text=_(
            "METI's published list as Excel (.xlsx) or CSV (UTF-8 or Shift_JIS), 10 MB at most. "
            "Nothing changes until you have checked the differences and confirmed."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class AdjudicateForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Adjudication"),
        choices=[
            (Adjudication.TRUE_MATCH, Adjudication.TRUE_MATCH.label),
            (Adjudication.FALSE_MATCH, Adjudication.FALSE_MATCH.label),
        ],
        widget=forms.RadioSelect,
    )
    reason = LimitedTextField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        help_text=_(
            "What shows that the counterparty is, or is not, the listed company (address, "
            "registration number, ownership). Supervisors read this when they approve an inform."
        ),
    )
