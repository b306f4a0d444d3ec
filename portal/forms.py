"""Forms of the portal app."""

from django import forms
from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .audit import VERB_LABELS

# The apps whose objects the audit trail names (`target_type` is "<app>.<model>").
AUDITED_APPS = (
    "portal",
    "catalog",
    "reports",
    "dialogue",
    "informs",
    "accounts",
    "signin",
    "apitokens",
)


def _page_number_field() -> forms.IntegerField:
    """`?page=`: a whole number from 1, as reports.forms.page_number_field (which portal/ may
    not import) has it on every other list page."""
    message = _("Give the page number as a whole number from 1.")
    return forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={"invalid": message, "min_value": message},
    )


class AuditFilterForm(forms.Form):
    """/audit/ and its CSV: `?verb=`, `?target_type=`, `?who=`, `?since=`, `?until=`, `?page=`."""

    verb = forms.ChoiceField(label=_("Action"), required=False)
    target_type = forms.ChoiceField(label=_("Object type"), required=False)
    who = forms.CharField(
        label=_("Who"),
        required=False,
        max_length=150,
        help_text=_("Name or user name"),
    )
    since = forms.DateField(
        label=_("From (day)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until (day)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["page"] = _page_number_field()
        verbs = sorted(
            ((code, str(label)) for code, label in VERB_LABELS.items()), key=lambda c: c[1]
        )
        self.fields["verb"].choices = [("", _("All")), *verbs]
        models = [
            (model._meta.label_lower, capfirst(str(model._meta.verbose_name)))
            for app in AUDITED_APPS
            if _has_app(app)
            for model in apps.get_app_config(app).get_models()
        ]
        self.fields["target_type"].choices = [("", _("All")), *sorted(models, key=lambda c: c[1])]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date must be on or after the start date."))
        return cleaned


def _has_app(label: str) -> bool:
    try:
        apps.get_app_config(label)
    except LookupError:
        return False
    return True
