"""Forms of the accounts pages; they parse input, the rules live in accounts.services."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from portal.models import Division, OrganisationRole, Role
from portal.text import lazy_format
from portal.validators import validate_corporate_number


def _text(label: Any, *, required: bool = True, max_length: int = 200, **attrs: str):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.TextInput(attrs=attrs) if attrs else None,
    )


def _username_field() -> forms.CharField:
    return forms.CharField(
        label=_("User name"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("You sign in with it. Letters, digits and @ . + - _ only."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )


def _password_help_text() -> str:
    return " ".join(password_validation.password_validators_help_texts())


_password_help = lazy(_password_help_text, str)


def _password_fields() -> tuple[forms.CharField, forms.CharField]:
    first = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_password_help(),
    )
    second = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    return first, second


class _PasswordPairMixin:
    """Two password fields that must match; the validators run in the service."""

    cleaned_data: dict[str, Any]

    def clean_password2(self) -> str:
        first = self.cleaned_data.get("password1")
        second = self.cleaned_data.get("password2", "")
        if first and second and first != second:
            raise forms.ValidationError(_("The two passwords differ."))
        return second


class RegistrationForm(_PasswordPairMixin, forms.Form):
    """The company and its applicant, who becomes the organisation's first administrator."""

    name_ja = _text(_("Company name (Japanese)"), autocomplete="organization")
    name_en = _text(_("Company name (English)"), required=False, autocomplete="organization")
    corporate_number = forms.CharField(
        label=_("Corporate number (法人番号)"),
        max_length=20,
        help_text=_("13 digits, as published by the National Tax Agency."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    address = _text(_("Address"), max_length=300, autocomplete="street-address")
    last_name = _text(_("Your last name"), max_length=150, autocomplete="family-name")
    first_name = _text(_("Your first name"), max_length=150, autocomplete="given-name")
    department = _text(_("Your department"), autocomplete="organization-title")
    email = forms.EmailField(
        label=_("Your e-mail"),
        help_text=_("We send a link to this address to confirm it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = _text(_("Your phone"), max_length=40, autocomplete="tel")
    username = _username_field()
    password1, password2 = _password_fields()

    COMPANY_FIELDS = ("name_ja", "name_en", "corporate_number", "address")

    def company_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.COMPANY_FIELDS]

    def applicant_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.COMPANY_FIELDS]

    def clean_corporate_number(self) -> str:
        # Full-width digits, spaces and hyphens as people copy them from the NTA's site.
        value = unicodedata.normalize("NFKC", self.cleaned_data["corporate_number"])
        value = "".join(value.split()).replace("-", "")
        validate_corporate_number(value)
        return value


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Colleague's e-mail"),
        help_text=lazy_format(
            _("They receive a link, valid for %(days)s days, to create their account."),
            {"days": settings.ACCOUNTS_INVITATION_VALID_DAYS},
        ),
    )


class InvitationAcceptForm(_PasswordPairMixin, forms.Form):
    last_name = _text(_("Last name"), max_length=150, autocomplete="family-name")
    first_name = _text(_("First name"), max_length=150, autocomplete="given-name")
    department = _text(_("Department"), autocomplete="organization-title")
    phone = _text(_("Phone"), max_length=40, autocomplete="tel")
    username = _username_field()
    password1, password2 = _password_fields()


class MemberRoleForm(forms.Form):
    organisation_role = forms.ChoiceField(
        label=_("Role in the organisation"),
        choices=OrganisationRole.choices,
        widget=forms.RadioSelect,
        help_text=_("Administrators invite and manage the organisation's members."),
    )


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the rejection"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The applicant receives it by e-mail."),
    )


class SecondFactorForm(forms.Form):
    second_factor_required = forms.BooleanField(
        label=_("Every member must sign in with a second factor (authenticator app)"),
        required=False,
    )


STAFF_ROLE_CHOICES = [
    (Role.OFFICER.value, Role.OFFICER.label),
    (Role.SUPERVISOR.value, Role.SUPERVISOR.label),
    (Role.ADMINISTRATOR.value, Role.ADMINISTRATOR.label),
]


class StaffEditForm(forms.Form):
    last_name = _text(_("Last name"), max_length=150)
    first_name = _text(_("First name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)
    division = forms.ModelChoiceField(
        label=_("Division"),
        queryset=Division.objects.all(),
        required=False,
        help_text=_("Officers and supervisors only; administrators belong to no division."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") in (Role.OFFICER, Role.SUPERVISOR) and not data.get("division"):
            self.add_error("division", _("An officer or supervisor belongs to a division."))
        return data


class StaffCreateForm(StaffEditForm):
    username = _username_field()
    field_order = ["username", "last_name", "first_name", "email", "role", "division"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].help_text = _("They sign in with it.")
        self.fields["email"].help_text = _("The set-password link is sent to this address.")
