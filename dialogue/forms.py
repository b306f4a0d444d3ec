from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Technology
from catalog.selectors import destination_countries
from reports import limits
from reports.forms import LimitedTextField, page_number_field
from reports.models import Status

from .limits import MESSAGE_BODY_MAX_LENGTH
from .models import MessageKind, NotSubjectRule
from .selectors import QUEUE_ALL, QUEUE_OPEN

BLANK = [("", "---------")]


class MessageForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of message"), choices=MessageKind.choices)
    body = LimitedTextField(label=_("Message"), max_length=MESSAGE_BODY_MAX_LENGTH, rows=6)
    # Not `file`: the upload form shares the report page, and field ids derive from names.
    attachment = forms.FileField(
        label=_("Attach a file (optional)"),
        required=False,
        help_text=_(
            "PDF, Word, Excel, PowerPoint, PNG, JPEG, GIF, WebP or plain text; 20 MB at most."
        ),
    )

    def __init__(self, *args, allowed_kinds: Iterable[str] = MessageKind.values, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = set(allowed_kinds)
        # The field accepts every kind so that the service, not the form, refuses a kind the
        # role may not post (403, as in the API); the menu offers only the allowed ones.
        self.fields["kind"].widget.choices = [
            (value, label) for value, label in MessageKind.choices if value in allowed
        ]


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "PDF, Word, Excel, PowerPoint, PNG, JPEG, GIF, WebP or plain text; 20 MB at most."
        ),
    )


class ConcludeForm(forms.Form):
    summary = LimitedTextField(
        label=_("Summary of the dialogue"), max_length=limits.OUTCOME_SUMMARY_MAX_LENGTH, rows=5
    )
    agreed_measures = LimitedTextField(
        label=_("Agreed technology management measures"),
        max_length=limits.AGREED_MEASURES_MAX_LENGTH,
        rows=5,
    )


class NotSubjectForm(forms.Form):
    rule = forms.ChoiceField(
        label=_("Why is the transaction not subject to reporting?"),
        error_messages={"required": _("Choose why the transaction is not subject to reporting.")},
    )
    reason = LimitedTextField(label=_("Reason"), max_length=limits.NOT_SUBJECT_REASON_MAX_LENGTH)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form so that the labels are in the language of the request.
        self.fields["rule"].choices = BLANK + list(NotSubjectRule.choices)


class ReassignForm(forms.Form):
    officer = forms.TypedChoiceField(label=_("Assign to"), coerce=int)

    def __init__(self, *args, staff: Iterable = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = BLANK + [
            (u.pk, f"{u.display_name} ({u.get_role_display()})") for u in staff
        ]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    technology = forms.ChoiceField(label=_("Technology"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    assigned_to_me = forms.BooleanField(label=_("Assigned to me"), required=False)
    due_soon = forms.BooleanField(label=_("Due within 7 days"), required=False)
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Reference, company or counterparty"),
        error_messages={"max_length": limits.TOO_LONG_MESSAGE},
    )
    page = page_number_field()

    def __init__(self, *args, division_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (QUEUE_OPEN, _("Open (undecided)")),
            (QUEUE_ALL, _("All")),
        ] + [(v, label) for v, label in Status.choices if v != Status.DRAFT]
        techs = Technology.objects.filter(division_id=division_id).order_by(
            "code", "-effective_from"
        )
        seen: dict[str, str] = {}
        for t in techs:
            seen.setdefault(t.code, t.name)
        self.fields["technology"].choices = [("", _("All")), *seen.items()]
        self.fields["country"].choices = [("", _("All"))] + [
            (c.code, f"{c.name} ({c.code})") for c in destination_countries()
        ]
