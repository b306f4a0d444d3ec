from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog import selectors as catalog_selectors
from catalog.forms import CountryField
from catalog.models import InForcePeriod, Technology, TransactionType

from . import limits
from .lifecycle import REQUIRED_AT_SUBMIT
from .models import ProvisionMethod, Relationship, Report, Status, TechnologyScope
from .screening import QUESTION_ANSWERS, not_in_force_on
from .services import EDITABLE_FIELDS

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
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
            error_messages={
                "max_length": limits.TOO_LONG_MESSAGE,
                **kwargs.pop("error_messages", {}),
            },
            **kwargs,
        )

    def to_python(self, value):
        # A browser counts a line break as one character against `maxlength` but sends it as
        # CR LF: count it as the browser did, so that a text it let through is not refused.
        return super().to_python(value).replace("\r\n", "\n")


def _label(entry: InForcePeriod) -> str:
    """An offered technology or type; one only announced says from when it is in force."""
    name = entry.name  # type: ignore[attr-defined]
    if getattr(entry, "announced", False):
        return gettext("%(name)s (from %(date)s)") % {
            "name": name,
            "date": entry.effective_from.isoformat(),
        }
    return name


def _choices(
    model: type[models.Model], offered: Iterable, extra_codes: Iterable[str | None]
) -> list[tuple[str, str]]:
    """The versions in force today or announced (queried per request, so that each appears
    on its date), and any other code the form holds that the catalog knows (a draft's retired
    technology, a date-checked choice), so that the form can say why it no longer fits."""
    choices = [(entry.code, _label(entry)) for entry in offered]
    known = {code for code, _name in choices}
    for code in extra_codes:
        if not code or code in known:
            continue
        version = catalog_selectors.latest_version(model, code)  # type: ignore[type-var]
        if version is not None:
            choices.append((code, version.name))
            known.add(code)
    return choices


def _technology_choices(*extra_codes: str | None) -> list[tuple[str, str]]:
    return _choices(Technology, catalog_selectors.technologies_offered(), extra_codes)


def _transaction_type_choices(*extra_codes: str | None) -> list[tuple[str, str]]:
    return _choices(TransactionType, catalog_selectors.transaction_types_offered(), extra_codes)


def _check_in_force_on_planned_date(form: forms.Form, *, technology: bool) -> None:
    """The technology (when asked) and the transaction type must be in force on the planned
    contract date, which may be later than today: what is announced counts from its date."""
    day = form.cleaned_data.get("planned_contract_date")
    if not day:
        return
    checks: list[tuple[str, type[InForcePeriod]]] = [("transaction_type", TransactionType)]
    if technology:
        checks.append(("technology", Technology))
    for name, model in checks:
        code = form.cleaned_data.get(name)
        refusal = not_in_force_on(model, code, day) if code else None
        if refusal:
            form.add_error(name, refusal)


def _held(form: forms.Form, name: str, *extra: str | None) -> list[str | None]:
    """The codes the form holds for field `name`: sent, initial, and any given."""
    return [form.data.get(form.add_prefix(name)), form.initial.get(name), *extra]


def _rule_dates(rule) -> str:
    """When an exclusion rule that is not open-ended applies, for its question's help."""
    if getattr(rule, "announced", False):
        return gettext("This rule applies to contracts planned from %(date)s on.") % {
            "date": rule.effective_from.isoformat()
        }
    if rule.effective_to is not None:
        return gettext("This rule applies to contracts planned until %(date)s.") % {
            "date": rule.effective_to.isoformat()
        }
    return ""


class ScreeningForm(forms.Form):
    technology = forms.ChoiceField(
        label=_("Which technology is transferred?"),
        help_text=_(
            "Choose “none of these” if it is not one of the notified technologies. Announced "
            "technologies are listed with the day they come into force."
        ),
    )
    transaction_type = forms.ChoiceField(label=_("What kind of transaction is it?"))
    destination_country = CountryField(label=_("Where is the counterparty?"))
    # Labelled with the questions of the exclusion rules (catalog data), and left out when
    # the rule is retired.
    # No answer is chosen in advance: each has legal consequences, so the person answers it.
    goods_only = forms.ChoiceField(
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer yes or no.")},
    )
    publicly_known = forms.ChoiceField(
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer yes or no.")},
    )
    planned_contract_date = forms.DateField(
        label=_("Planned contract date"),
        help_text=_("The rules and the catalog in force on this day decide the answer."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technology"].choices = (
            BLANK
            + _technology_choices(*_held(self, "technology"))
            + [("none", str(_("None of these")))]
        )
        self.fields["transaction_type"].choices = BLANK + _transaction_type_choices(
            *_held(self, "transaction_type")
        )
        rules = catalog_selectors.exclusion_rules_offered()
        for code, name in QUESTION_ANSWERS.items():
            rule = rules.get(code)
            if rule is None or not rule.question:
                # Not applied to any contract from today on: its answer would change nothing.
                del self.fields[name]
                continue
            field = self.fields[name]
            field.label = rule.question
            field.help_text = " ".join(filter(None, [rule.description, _rule_dates(rule)]))

    def clean_goods_only(self) -> bool:
        return self.cleaned_data["goods_only"] == "yes"

    def clean_publicly_known(self) -> bool:
        return self.cleaned_data["publicly_known"] == "yes"

    def clean_technology(self) -> str | None:
        value = self.cleaned_data["technology"]
        return None if value == "none" else value

    def clean(self):
        cleaned = super().clean()
        for name in QUESTION_ANSWERS.values():
            cleaned.setdefault(name, False)
        # A technology not in force on the planned date is an answer (TECH_NOT_NOTIFIED, with
        # its date); a transaction type must be one in force on that date, as in the API.
        _check_in_force_on_planned_date(self, technology=False)
        return cleaned


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
                "counterparty_other_names",
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

    technology = forms.ChoiceField(
        label=_("Notified technology"),
        required=False,
        help_text=_(
            "Announced technologies are listed with the day they come into force: choose one "
            "only for a contract planned from that day on."
        ),
    )
    technology_scope = forms.ChoiceField(
        label=_("Technology provided"), choices=BLANK + TechnologyScope.choices, required=False
    )
    technology_summary = LimitedTextField(
        label=_("What exactly is provided"),
        max_length=limits.TECHNOLOGY_SUMMARY_MAX_LENGTH,
        required=False,
        rows=5,
    )
    transaction_type = forms.ChoiceField(label=_("Transaction type"), required=False)
    counterparty_name = forms.CharField(
        label=_("Counterparty name"), max_length=200, required=False
    )
    counterparty_other_names = LimitedTextField(
        label=_("Other names of the counterparty"),
        max_length=Report._meta.get_field("counterparty_other_names").max_length,
        required=False,
        rows=2,
        help_text=Report._meta.get_field("counterparty_other_names").help_text,
    )
    counterparty_country = CountryField(label=_("Counterparty country"), required=False)
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
        self.fields["technology"].choices = BLANK + _technology_choices(
            *_held(self, "technology", current_technology)
        )
        self.fields["transaction_type"].choices = BLANK + _transaction_type_choices(
            *_held(self, "transaction_type")
        )
        # Optional for a draft, required to submit: marked as required (portal/_field.html).
        for name in (*REQUIRED_AT_SUBMIT, "provision_methods", "declaration"):
            if name in self.fields:
                self.fields[name].marked_required = True  # type: ignore[attr-defined]
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length is not None:
                # One message for a text too long, in pages and the API alike.
                field.error_messages["max_length"] = limits.TOO_LONG_MESSAGE

    def clean(self):
        cleaned = super().clean()
        # Drafts may be partial; once a planned contract date is given, the technology and the
        # type must be in force on it (submit checks again: reports.lifecycle.submit_problems).
        _check_in_force_on_planned_date(self, technology=True)
        return cleaned

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
        error_messages={"required": _("Give the reason for withdrawing.")},
    )

    def __init__(self, *args, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Once filed, METI reads the reason (reports.lifecycle.report_withdraw requires it).
        self.fields["reason"].required = reason_required


class ExtendDeadlineForm(forms.Form):
    new_due_date = forms.DateField(
        label=_("New last day for the decision"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = LimitedTextField(
        label=_("Reason for the extension"),
        max_length=limits.EXTENSION_REASON_MAX_LENGTH,
        rows=3,
    )

    def __init__(self, *args, current_day=None, latest_day=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_day, self.latest_day = current_day, latest_day

    def clean_new_due_date(self):
        """The service's limits, checked before the confirmation shows the new date
        (reports.services.report_extend_deadline checks them again)."""
        day = self.cleaned_data["new_due_date"]
        if self.latest_day is not None and day > self.latest_day:
            raise forms.ValidationError(
                gettext("An extension may move the deadline by at most %(n)s days (to %(day)s).")
                % {"n": (self.latest_day - self.current_day).days, "day": self.latest_day}
            )
        if self.current_day is not None and day <= self.current_day:
            raise forms.ValidationError(
                gettext("The new date must be later than the current last day (%(day)s).")
                % {"day": self.current_day}
            )
        return day


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
