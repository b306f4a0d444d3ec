"""The statistics filters: `?from_month=YYYY-MM&to_month=YYYY-MM&division=&technology=&country=`."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from catalog.models import Country, Technology
from portal import roles
from portal.models import Division

from .selectors import MAX_MONTHS, StatisticsFilter, default_period, months_between

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(forms.CharField):
    """A month as YYYY-MM (the browser's month picker), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})
    default_error_messages = {"invalid": _("Give the month as YYYY-MM, for example 2025-04.")}

    def to_python(self, value: Any) -> datetime.date | None:  # type: ignore[override]
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        match = _MONTH.match(text)
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return datetime.date(int(match[1]), int(match[2]), 1)

    def prepare_value(self, value: Any) -> Any:
        return value.strftime("%Y-%m") if isinstance(value, datetime.date) else value


class PlainSelect(forms.Select):
    """A select rendered in one pass: the country list has some 250 options, and the widget's
    template per option was most of the page's rendering time (bench/pages.py)."""

    def render(self, name, value, attrs=None, renderer=None):  # type: ignore[no-untyped-def]
        attrs = self.build_attrs(self.attrs, attrs)
        attrs["name"] = name
        selected = "" if value is None else str(value)
        # Every value and label escaped; joined as plain strings, which is what makes it quick.
        options = "".join(
            f'<option value="{escape(code)}"{" selected" if str(code) == selected else ""}>'
            f"{escape(label)}</option>"
            for code, label in self.choices
        )
        return format_html("<select{}>{}</select>", flatatt(attrs), mark_safe(options))


def technology_choices() -> list[tuple[str, str]]:
    """Every technology code ever notified, by its latest name (one query)."""
    names: dict[str, str] = {}
    for version in Technology.objects.order_by("code", "-effective_from").only(
        "code", "name_ja", "name_en"
    ):
        names.setdefault(version.code, version.name)
    return sorted(names.items(), key=lambda item: item[1])


def country_choices() -> list[tuple[str, str]]:
    english = get_language() == "en"
    countries = Country.objects.exclude(code="JP").values_list("code", "name_ja", "name_en")
    return sorted(
        ((code, f"{en if english else ja} ({code})") for code, ja, en in countries),
        key=lambda item: item[1],
    )


class StatisticsFilterForm(forms.Form):
    """Supervisors see their own division's figures; administrators any division or all."""

    from_month = MonthField(label=_("From (month)"), required=False)
    to_month = MonthField(label=_("To (month)"), required=False)
    division = forms.ModelChoiceField(
        label=_("Division"), queryset=Division.objects.none(), required=False, to_field_name="code"
    )
    technology = forms.ChoiceField(label=_("Technology"), required=False, widget=PlainSelect)
    country = forms.ChoiceField(label=_("Destination country"), required=False, widget=PlainSelect)

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        self.user = user
        if roles.is_administrator(user):
            division = self.fields["division"]
            division.queryset = Division.objects.order_by("code")  # type: ignore[attr-defined]
            division.empty_label = _("All divisions")  # type: ignore[attr-defined]
        else:
            # A supervisor's figures are their division's: the filter is fixed, not offered.
            del self.fields["division"]
        technology = self.fields["technology"]
        country = self.fields["country"]
        assert isinstance(technology, forms.ChoiceField) and isinstance(country, forms.ChoiceField)
        technology.choices = [("", _("All technologies")), *technology_choices()]
        country.choices = [("", _("All countries")), *country_choices()]
        first, last = default_period(timezone.localdate())
        self.fields["from_month"].help_text = _("Month of receipt (JST). Default: %(month)s") % {
            "month": first.strftime("%Y-%m")
        }
        self.fields["to_month"].help_text = _("Default: %(month)s") % {
            "month": last.strftime("%Y-%m")
        }
        self.default_first, self.default_last = first, last

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first = data.get("from_month") or self.default_first
        last = data.get("to_month") or self.default_last
        if "from_month" in self.errors or "to_month" in self.errors:
            return data
        if first > last:
            self.add_error("to_month", _("The last month must not come before the first."))
        elif len(months_between(first, last)) > MAX_MONTHS:
            self.add_error(
                "from_month",
                _("Choose a period of at most %(n)s months.") % {"n": MAX_MONTHS},
            )
        data["from_month"], data["to_month"] = first, last
        return data

    def choice_label(self, name: str) -> str:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        choices = dict(field.choices)  # type: ignore[arg-type]
        return str(choices.get(self.cleaned_data.get(name) or "", ""))

    def division_code(self) -> str | None:
        if roles.is_administrator(self.user):
            division = self.cleaned_data.get("division")
            return division.code if division else None
        return self.user.division.code

    def division_name(self) -> str:
        if roles.is_administrator(self.user):
            division = self.cleaned_data.get("division")
            return division.name if division else str(_("All divisions"))
        return self.user.division.name

    def statistics_filter(self) -> StatisticsFilter:
        """The filters of a valid form."""
        data = self.cleaned_data
        if roles.is_administrator(self.user):
            division_id = data["division"].pk if data.get("division") else None
        else:
            division_id = self.user.division_id
        return StatisticsFilter(
            month_from=data["from_month"],
            month_to=data["to_month"],
            division_id=division_id,
            technology_code=data.get("technology") or "",
            country_code=data.get("country") or "",
        )
