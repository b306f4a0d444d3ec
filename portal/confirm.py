"""Confirmation pages for acts with legal or irreversible effect (issuing an inform, closing a
report, withdrawing, extending a deadline, changing the catalog).

An act without typed input shows what will happen and a confirm button (one POST). An act with
typed input has two steps on one URL: the form, then a page that shows what was entered and
what will happen, carrying the entries in hidden fields; "Confirm" posts them with `confirm`,
"Go back and change" with `change`, which shows the form again with everything kept. The
service is called only on the confirmed POST, and it checks everything again.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .text import list_separator

CONFIRM = "confirm"
CHANGE = "change"


def _display(bound: forms.BoundField, value: Any) -> str:
    field = bound.field
    if isinstance(field, forms.MultipleChoiceField):
        labels = dict(field.choices)
        return list_separator().join(str(labels.get(v, v)) for v in value or [])
    if isinstance(field, forms.ChoiceField):
        raw = bound.data
        return str(dict(field.choices).get(raw, raw or ""))
    if isinstance(field, forms.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "\n".join(str(v) for v in value)
    if hasattr(field, "display"):  # e.g. catalog.fields.CountryField: the name, not the code
        return str(field.display(value))
    return "" if value is None else str(value)


def answers(form: forms.Form) -> list[dict[str, Any]]:
    """What a valid form holds, as people read it: label, value, and whether it is long text."""
    rows = []
    for bound in form.visible_fields():
        value = form.cleaned_data.get(bound.name)
        rows.append(
            {
                "name": bound.name,
                "label": bound.label,
                "value": _display(bound, value) or "—",
                "multiline": isinstance(bound.field.widget, forms.Textarea),
            }
        )
    return rows


def is_confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and CONFIRM in request.POST and CHANGE not in request.POST


def two_steps(
    request: HttpRequest,
    *,
    form: forms.Form,
    form_page: Callable[[forms.Form, int], HttpResponse],
    confirm_page: Callable[[forms.Form], HttpResponse],
    act: Callable[[forms.Form], HttpResponse | None],
    invalid_status: int = 200,
    refusal: Callable[[], Any] | None = None,
    leave_to: str = "",
) -> HttpResponse:
    """The form, then the confirmation, then the act (None from `act`: its errors were put on
    the form, which is shown again with everything typed).

    `refusal` says why the act cannot be done now (a state, a passed deadline), or None: then
    the confirmation is not offered; the message is shown at `leave_to` instead."""
    if request.method != "POST":
        return form_page(form, 200)
    if not form.is_valid():
        return form_page(form, invalid_status)
    if CHANGE in request.POST:
        return form_page(form, 200)
    if CONFIRM not in request.POST:
        problem = refusal() if refusal is not None else None
        if problem is not None:
            messages.error(request, str(problem))
            return redirect(leave_to)
        return confirm_page(form)
    done = act(form)
    if done is None:
        return form_page(form, invalid_status)
    return done
