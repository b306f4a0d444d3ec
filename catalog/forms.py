"""Administrator forms; they only parse input, the rules live in catalog.services."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.core.validators import RegexValidator
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .models import Country, ExclusionRule, Technology, TransactionType
from .selectors import country_from_text, destination_countries
from .services import CODE_MESSAGE


def _date_widget() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _model_field(name: str, model: type[models.Model] = Technology, **kwargs: Any) -> forms.Field:
    model_field = cast(models.Field, model._meta.get_field(name))
    field = model_field.formfield(**kwargs)
    assert field is not None
    return field


def _code_field(model: type[models.Model], help_text: Any) -> forms.Field:
    """A technology's or transaction type's code: lower-case letters, digits and underscores,
    refused with the help text's own words (not Django's message about a "slug")."""
    field = _model_field("code", model, help_text=help_text)
    field.validators = [RegexValidator(r"^[a-z0-9_]+\Z", message=CODE_MESSAGE)]
    return field


class TechnologyEditForm(forms.Form):
    """Code, names, scope, category, division, notice and first day of one version."""

    code = _code_field(
        Technology, _("Lower-case letters, digits and underscores, e.g. carbon_fiber.")
    )
    name_ja = _model_field("name_ja")
    name_en = _model_field("name_en")
    category = _model_field("category")
    division = _model_field("division")
    scope_ja = _model_field("scope_ja", widget=forms.Textarea(attrs={"rows": 3}))
    scope_en = _model_field("scope_en", widget=forms.Textarea(attrs={"rows": 3}))
    notice_reference = _model_field(
        "notice_reference", help_text=_("The notice (告示) that designates the technology.")
    )
    effective_from = _model_field(
        "effective_from",
        widget=_date_widget(),
        help_text=_("From this day on, screening and the report form offer the technology."),
    )


class TechnologyCreateForm(TechnologyEditForm):
    effective_to = _model_field(
        "effective_to",
        widget=_date_widget(),
        help_text=_("Leave empty unless the end of the period is already known."),
    )


class TechnologyVersionForm(TechnologyCreateForm):
    """A new version keeps the code of the technology it follows."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["code"]


class TechnologyRetireForm(forms.Form):
    effective_to = forms.DateField(
        label=_("Last day in force"),
        widget=_date_widget(),
        help_text=_(
            "Today or a later date, and not before the planned contract date of any report "
            "that uses the technology."
        ),
    )

    def __init__(self, *args: Any, last_use: datetime.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_use = last_use

    def clean_effective_to(self) -> datetime.date:
        """The service's limits, checked before the confirmation shows the date
        (catalog.services.technology_retire checks them again)."""
        day = self.cleaned_data["effective_to"]
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError(
                gettext(
                    "The last day in force cannot be in the past (today is %(today)s): "
                    "retire the technology from today or a later date."
                )
                % {"today": today.isoformat()}
            )
        if self.last_use is not None and day < self.last_use:
            raise forms.ValidationError(
                gettext(
                    "A report using this technology plans its contract on %(day)s: "
                    "the last day in force cannot be before that date."
                )
                % {"day": self.last_use.isoformat()}
            )
        return day


def _period_field(name: str, model: type[models.Model]) -> forms.Field:
    """`effective_from` or `effective_to` of a transaction type or an exclusion rule."""
    if name == "effective_from":
        help_text = _(
            "Screening and the report form apply it to contracts planned from this day on. "
            "It cannot be in the past."
        )
    else:
        help_text = _(
            "Leave empty while it stays in force. After this day screening and the report "
            "form no longer apply it."
        )
    return _model_field(name, model, widget=_date_widget(), help_text=help_text)


class _VersionForm(forms.Form):
    """A form whose code is given when adding and fixed afterwards: reports and screening
    answers cite it."""

    def __init__(self, *args: Any, adding: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not adding:
            del self.fields["code"]


class TransactionTypeForm(_VersionForm):
    """A transaction type version."""

    code = _code_field(
        TransactionType,
        _("Lower-case letters, digits and underscores, e.g. subsidiary_transfer."),
    )
    name_ja = _model_field("name_ja", TransactionType)
    name_en = _model_field("name_en", TransactionType)
    reportable = _model_field("reportable", TransactionType)
    exclusion_rule = _model_field("exclusion_rule", TransactionType)
    order = _model_field("order", TransactionType)
    effective_from = _period_field("effective_from", TransactionType)
    effective_to = _period_field("effective_to", TransactionType)


class ExclusionRuleForm(_VersionForm):
    """An exclusion rule version."""

    code = _model_field("code", ExclusionRule)
    name_ja = _model_field("name_ja", ExclusionRule)
    name_en = _model_field("name_en", ExclusionRule)
    description_ja = _model_field(
        "description_ja", ExclusionRule, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = _model_field(
        "description_en", ExclusionRule, widget=forms.Textarea(attrs={"rows": 3})
    )
    question_ja = _model_field("question_ja", ExclusionRule)
    question_en = _model_field("question_en", ExclusionRule)
    source = _model_field("source", ExclusionRule)
    effective_from = _period_field("effective_from", ExclusionRule)
    effective_to = _period_field("effective_to", ExclusionRule)


class CountryExemptForm(forms.Form):
    """The exempt flag an administrator wants for a country, and why."""

    exempt = forms.TypedChoiceField(
        choices=[("1", _("Exempt")), ("0", _("Not exempt"))],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Kept in the audit trail, e.g. the notice or decision the change follows. "
            "1,000 characters at most."
        ),
        error_messages={"required": _("Give the reason for the change.")},
    )


class CountrySearchForm(forms.Form):
    q = forms.CharField(label=_("Code or name"), required=False, max_length=100)
    exempt = forms.ChoiceField(
        label=_("Prior reports"),
        required=False,
        choices=[
            ("", _("All countries")),
            ("yes", _("Exempt")),
            ("no", _("Not exempt")),
        ],
    )


def _picker_entry(country: Country) -> str:
    """What the picker puts in the box for a country: its name in the reader's language and
    its code, e.g. "中国 (CN)"."""
    return f"{country.name} ({country.code})"


class CountryPicker(forms.TextInput):
    """A text box with the destination countries as suggestions (`<input list>` and a
    `<datalist>`): browsers offer type-ahead on what is typed, and without suggestions the
    text is still understood by the server (CountryField)."""

    template_name = "catalog/widgets/country_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        # A code (initial data, a saved draft) shows as its entry; typed text as typed.
        if isinstance(value, str) and len(value) == 2 and value.isalpha():
            country = Country.objects.filter(code=value.upper()).first()
            if country is not None:
                return _picker_entry(country)
        return super().format_value(value)

    def _render(self, template_name: str, context: dict, renderer: Any = None) -> str:
        # With the project's templates (templates/catalog/widgets/), not only the form
        # renderer's built-in ones.
        return mark_safe(render_to_string(template_name, context))

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict:
        context = super().get_context(name, value, attrs)
        list_id = f"{context['widget']['attrs'].get('id') or name}-countries"
        context["widget"]["attrs"]["list"] = list_id
        context["widget"]["list_id"] = list_id
        other = "name_ja" if get_language() == "en" else "name_en"
        context["widget"]["options"] = [
            (_picker_entry(c), " / ".join([getattr(c, other), *c.aliases]))
            for c in destination_countries()
        ]
        return context


class CountryField(forms.CharField):
    """A destination country typed or picked as its Japanese or English name, another name it
    goes by, or its ISO code; cleaned to the ISO code."""

    widget = CountryPicker

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text",
            _(
                "Type the country's name in Japanese or English, or its two-letter code (中国, China or CN)."
            ),
        )
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text:
            return ""
        country = country_from_text(text)
        if country is None:
            raise forms.ValidationError(
                _(
                    "No country is called “%(text)s”. Type its name in Japanese or English, or its two-letter code."
                ),
                params={"text": text[:60]},
            )
        if country.code == "JP":
            raise forms.ValidationError(
                _("Choose the country abroad where the technology goes, not Japan.")
            )
        return country.code

    def display(self, code: str) -> str:
        """The country's entry, for confirmation pages (portal.confirm)."""
        country = Country.objects.filter(code=code).first() if code else None
        return _picker_entry(country) if country else code
