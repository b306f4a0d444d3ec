from django import forms
from django.utils.translation import gettext_lazy as _


class EnrolmentCodeForm(forms.Form):
    """The 6-digit code that confirms a newly added authenticator app."""

    code = forms.CharField(
        label=_("6-digit code from the app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 10}
        ),
    )


class SecondFactorForm(forms.Form):
    """The second sign-in step: a code from the app, or one of the backup codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6-digit code your authenticator app shows, or an unused backup code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "size": 12}
        ),
    )
