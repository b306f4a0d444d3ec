from django import forms
from django.utils.translation import gettext_lazy as _


class InformProposeForm(forms.Form):
    grounds = forms.CharField(
        label=_("Grounds for the inform"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Why the concern could not be resolved in the dialogue."),
    )
    licence_conditions = forms.CharField(
        label=_("Licence conditions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One condition per line; leave empty for none."),
    )

    def clean_licence_conditions(self) -> list[str]:
        text = self.cleaned_data.get("licence_conditions", "")
        return [line.strip() for line in text.splitlines() if line.strip()]


class InformReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The proposer reads this and continues the dialogue."),
    )
