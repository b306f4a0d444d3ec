from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from catalog.models import Country
from catalog.selectors import technologies_in_force

from . import limits
from .models import ProvisionMethod, Relationship, Status, TechnologyScope, TransactionType
from .services import EDITABLE_FIELDS

YES_NO = [("no", _("No")), ("yes", _("Yes"))]
BLANK = [("", "---------")]
PAGE_NUMBER_MESSAGE = _("Give the page number as a whole number from 1.")


class LimitedTextField(forms.CharField):
    """Free text with a maximum length (reports.limits): the browser's `maxlength`, the limit
    in the help text, and the message the API and the services give for a text too long."""

    def __init__(self, *, max_length: int, help_text="", rows: int = 4, **kwargs):
        limit = limits.limit_help(max_length)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(
            max_length=max_length,
            help_text=format_lazy("{} {}", help_text, limit) if help_text else limit,
            error_messages={"max_length": limits.TOO_LONG_MESSAGE},
            **kwargs,
        )

    def to_python(self, value):
        # A browser counts a line break as one character against `maxlength` but sends it as
        # CR LF: count it as the browser did, so that a text it let through is not refused.
        return super().to_python(value).replace("\r\n", "\n")


def _technology_choices(extra_code: str | None = None) -> list[tuple[str, str]]:
    """Technologies in force today, queried per request so new ones appear on their date."""
    techs = list(technologies_in_force(timezone.localdate()))
    choices = [(t.code, t.name) for t in techs]
    if extra_code and extra_code not in {t.code for t in techs}:
        choices.append((extra_code, extra_code))
    return choices


def _country_choices() -> list[tuple[str, str]]:
    return [(c.code, f"{c.name} ({c.code})") for c in Country.objects.exclude(code="JP")]


class ScreeningForm(forms.Form):
    technology = forms.ChoiceField(
        label=_("Which technology is transferred?"),
        help_text=_("Choose “none of these” if it is not one of the notified technologies."),
    )
    transaction_type = forms.ChoiceField(
        label=_("What kind of transaction is it?"), choices=BLANK + TransactionType.choices
    )
    destination_country = forms.ChoiceField(label=_("Where is the counterparty?"))
    goods_only = forms.ChoiceField(
        label=_("Are only goods exported, with no technology provided?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        initial="no",
    )
    publicly_known = forms.ChoiceField(
        label=_("Is the technology already public, or basic scientific research?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        initial="no",
    )
    planned_contract_date = forms.DateField(
        label=_("Planned contract date"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technology"].choices = (
            BLANK + _technology_choices() + [("none", str(_("None of these")))]
        )
        self.fields["destination_country"].choices = BLANK + _country_choices()

    def clean_goods_only(self) -> bool:
        return self.cleaned_data["goods_only"] == "yes"

    def clean_publicly_known(self) -> bool:
        return self.cleaned_data["publicly_known"] == "yes"

    def clean_technology(self) -> str | None:
        value = self.cleaned_data["technology"]
        return None if value == "none" else value


class ReportForm(forms.Form):
    """The one-page form; every field optional here so that drafts save at any time.

    Completeness is checked by reports.services.submit_problems at submit, and its errors are
    put back on these fields.
    """

    GROUPS = [
        (_("Technology"), ["technology", "technology_scope", "technology_summary"]),
        (_("Transaction"), ["transaction_type"]),
        (
            _("Counterparty"),
            [
                "counterparty_name",
                "counterparty_country",
                "counterparty_address",
                "counterparty_relationship",
                "ownership_percent",
            ],
        ),
        (_("Schedule"), ["planned_contract_date", "late_reason"]),
        (_("How the technology is provided"), ["provision_methods"]),
        (_("Technology management measures"), ["management_measures"]),
        (_("Contact"), ["contact_name", "contact_department", "contact_phone", "contact_email"]),
        (_("Declaration"), ["declaration"]),
    ]

    technology = forms.ChoiceField(label=_("Notified technology"), required=False)
    technology_scope = forms.ChoiceField(
        label=_("Technology provided"), choices=BLANK + TechnologyScope.choices, required=False
    )
    technology_summary = LimitedTextField(
        label=_("What exactly is provided"),
        max_length=limits.TECHNOLOGY_SUMMARY_MAX_LENGTH,
        required=False,
        rows=5,
    )
    transaction_type = forms.ChoiceField(
        label=_("Transaction type"), choices=BLANK + TransactionType.choices, required=False
    )
    counterparty_name = forms.CharField(
        label=_("Counterparty name"), max_length=200, required=False
    )
    counterparty_country = forms.ChoiceField(label=_("Counterparty country"), required=False)
    counterparty_address = forms.CharField(
        label=_("Counterparty address"), max_length=300, required=False
    )
    counterparty_relationship = forms.ChoiceField(
        label=_("Relationship with the counterparty"),
        choices=BLANK + Relationship.choices,
        required=False,
    )
    ownership_percent = forms.DecimalField(
        label=_("Ownership (%)"),
        help_text=_("Required for a subsidiary or a joint venture: 0 to 100."),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        required=False,
    )
    planned_contract_date = forms.DateField(
        label=_("Planned contract date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    late_reason = LimitedTextField(
        label=_("Reason for reporting on or after the contract date"),
        help_text=_("Only when the report is filed on or after the planned contract date."),
        max_length=limits.LATE_REASON_MAX_LENGTH,
        required=False,
        rows=3,
    )
    provision_methods = forms.MultipleChoiceField(
        label=_("Provision methods"),
        help_text=_("Choose at least one."),
        choices=ProvisionMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    management_measures = LimitedTextField(
        label=_("Planned technology management measures"),
        max_length=limits.MANAGEMENT_MEASURES_MAX_LENGTH,
        required=False,
        rows=5,
    )
    contact_name = forms.CharField(label=_("Contact name"), max_length=100, required=False)
    contact_department = forms.CharField(label=_("Department"), max_length=200, required=False)
    contact_phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    contact_email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    declaration = forms.BooleanField(
        label=_(
            "I declare that the contents of this report are true, and that the transaction "
            "will not be concluded before the report is filed."
        ),
        required=False,
    )

    def __init__(self, *args, current_technology: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technology"].choices = BLANK + _technology_choices(current_technology)
        self.fields["counterparty_country"].choices = BLANK + _country_choices()
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length is not None:
                # One message for a text too long, in pages and the API alike.
                field.error_messages["max_length"] = limits.TOO_LONG_MESSAGE

    def groups(self):
        for title, names in self.GROUPS:
            yield title, [self[name] for name in names]

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k in EDITABLE_FIELDS}
        data["technology"] = data.get("technology") or None
        return data


class AmendmentForm(ReportForm):
    note = LimitedTextField(
        label=_("What does this amendment change, and why?"),
        max_length=limits.AMENDMENT_NOTE_MAX_LENGTH,
        rows=3,
    )

    GROUPS = [(_("Amendment"), ["note"]), *ReportForm.GROUPS[:-1]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["declaration"]


class WithdrawForm(forms.Form):
    reason = LimitedTextField(
        label=_("Reason for withdrawing"),
        max_length=limits.WITHDRAWAL_REASON_MAX_LENGTH,
        required=False,
    )


class ExtendDeadlineForm(forms.Form):
    new_due_date = forms.DateField(
        label=_("New last day for the decision"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = LimitedTextField(
        label=_("Reason for the extension"),
        max_length=limits.EXTENSION_REASON_MAX_LENGTH,
        rows=3,
    )


def page_number_field() -> forms.IntegerField:
    """`?page=` of a list page: a whole number from 1 (past the last page shows the last)."""
    return forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={"invalid": PAGE_NUMBER_MESSAGE, "min_value": PAGE_NUMBER_MESSAGE},
    )


class DashboardFilterForm(forms.Form):
    """The exporter's list of reports: `?status=` and `?page=`."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    page = page_number_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *Status.choices]
