from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from reports.forms import LimitedTextField

from . import limits


class InformProposeForm(forms.Form):
    grounds = LimitedTextField(
        label=_("Grounds for the inform"),
        max_length=limits.GROUNDS_MAX_LENGTH,
        help_text=_("Why the concern could not be resolved in the dialogue."),
        rows=8,
    )
    licence_conditions = forms.CharField(
        label=_("Licence conditions"),
        required=False,
        # A bound on the whole text only (a condition per line, perhaps a blank line between);
        # the number of conditions and each one's length are checked below.
        widget=forms.Textarea(
            attrs={
                "rows": 5,
                "maxlength": limits.LICENCE_CONDITIONS_MAX_COUNT
                * (limits.LICENCE_CONDITION_MAX_LENGTH + 2),
            }
        ),
        help_text=format_lazy(
            "{} {}",
            _("One condition per line; leave empty for none."),
            limits.licence_conditions_help(),
        ),
    )

    def clean_licence_conditions(self) -> list[str]:
        text = self.cleaned_data.get("licence_conditions", "")
        conditions = [line.strip() for line in text.splitlines() if line.strip()]
        problems = limits.licence_condition_problems(conditions)
        if problems:
            raise forms.ValidationError(problems)
        return conditions


class InformReturnForm(forms.Form):
    reason = LimitedTextField(
        label=_("Reason for returning"),
        max_length=limits.RETURN_REASON_MAX_LENGTH,
        help_text=_("The proposer reads this and continues the dialogue."),
    )
