"""Catalog pages: the public list, and the administrators' technologies, transaction types,
exclusion rules and countries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from portal import confirm
from portal.roles import administrator_required

from . import selectors, services
from .forms import (
    CountryExemptForm,
    CountrySearchForm,
    ExclusionRuleForm,
    TechnologyCreateForm,
    TechnologyEditForm,
    TechnologyRetireForm,
    TechnologyVersionForm,
    TransactionTypeForm,
)
from .models import Country, ExclusionRule, InForcePeriod, Technology, TransactionType

STATUS_LABELS = {
    "in_force": gettext_lazy("In force"),
    "upcoming": gettext_lazy("Upcoming"),
    "retired": gettext_lazy("Retired"),
}
VERB_LABELS = {
    "technology.create": gettext_lazy("Added"),
    "technology.add_version": gettext_lazy("New version added"),
    "technology.update": gettext_lazy("Edited"),
    "technology.retire": gettext_lazy("Retired"),
    "transaction_type.create": gettext_lazy("Added"),
    "transaction_type.update": gettext_lazy("Edited"),
    "exclusion_rule.create": gettext_lazy("Added"),
    "exclusion_rule.update": gettext_lazy("Edited"),
}


def _submit(form: Any, action: Any) -> Any:
    """Run a service with the form's data; its ValidationError is shown next to the fields."""
    try:
        return action(form.cleaned_data)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None


def public(request: HttpRequest) -> HttpResponse:
    """Open to everyone: what is in force today and what has been announced."""
    today = timezone.localdate()
    return render(
        request,
        "catalog/public.html",
        {
            "today": today,
            "in_force": selectors.technologies_in_force(today),
            "upcoming": selectors.technologies_upcoming(today),
        },
    )


@administrator_required
def admin_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in STATUS_LABELS:
        status = ""
    technologies = selectors.technology_list(status=status)
    for technology in technologies:
        technology.status_label = STATUS_LABELS[technology.status]  # type: ignore[attr-defined]
    return render(
        request,
        "catalog/admin_list.html",
        {
            "technologies": technologies,
            "status": status,
            "statuses": STATUS_LABELS.items(),
            "today": timezone.localdate(),
        },
    )


def _initial(technology: Technology) -> dict[str, Any]:
    values = {name: getattr(technology, name) for name in services.CREATE_FIELDS}
    values["division"] = technology.division_id
    return values


@administrator_required
def technology_add(request: HttpRequest) -> HttpResponse:
    form = TechnologyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        technology = _submit(
            form, lambda data: services.technology_create(actor=request.user, data=data)
        )
        if technology is not None:
            messages.success(
                request, _("The technology %(name)s was added.") % {"name": technology}
            )
            return redirect("catalog:admin_list")
    return render(
        request,
        "catalog/technology_form.html",
        {"form": form, "title": _("Add a technology"), "submit_label": _("Add")},
    )


@administrator_required
def technology_edit(request: HttpRequest, pk: int) -> HttpResponse:
    technology = get_object_or_404(Technology, pk=pk)
    form = TechnologyEditForm(request.POST or None, initial=_initial(technology))
    if request.method == "POST" and form.is_valid():
        updated = _submit(
            form,
            lambda data: services.technology_update(
                actor=request.user, technology=technology, data=data
            ),
        )
        if updated is not None:
            messages.success(request, _("The technology %(name)s was saved.") % {"name": updated})
            return redirect("catalog:admin_list")
    return render(
        request,
        "catalog/technology_form.html",
        {
            "form": form,
            "technology": technology,
            "title": _("Edit %(name)s") % {"name": technology},
            "submit_label": _("Save"),
        },
    )


@administrator_required
def technology_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    technology = get_object_or_404(Technology, pk=pk)
    initial = _initial(technology)
    initial["effective_from"] = initial["effective_to"] = None
    form = TechnologyVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        version = _submit(
            form,
            lambda data: services.technology_add_version(
                actor=request.user, technology=technology, data=data
            ),
        )
        if version is not None:
            messages.success(
                request,
                _("A new version of %(name)s was added from %(day)s.")
                % {"name": version, "day": version.effective_from.isoformat()},
            )
            return redirect("catalog:admin_list")
    return render(
        request,
        "catalog/technology_form.html",
        {
            "form": form,
            "technology": technology,
            "title": _("New version of %(name)s") % {"name": technology},
            "intro": _(
                "A new version changes the names or scope from a date. Its period must not "
                "overlap another version of the same code: retire the current version first."
            ),
            "submit_label": _("Add version"),
        },
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def technology_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """Set a technology's last day in force: the date, a confirmation of what stops, then the
    change."""
    technology = get_object_or_404(Technology, pk=pk)
    last_use = selectors.technology_last_use_date(technology)
    form = TechnologyRetireForm(
        request.POST or None, initial={"effective_to": technology.effective_to}, last_use=last_use
    )

    def form_page(form: TechnologyRetireForm, status: int) -> HttpResponse:
        return render(
            request,
            "catalog/technology_retire.html",
            {"form": form, "technology": technology, "last_use": last_use},
            status=status,
        )

    def confirm_page(form: TechnologyRetireForm) -> HttpResponse:
        day = form.cleaned_data["effective_to"].isoformat()
        return render(
            request,
            "portal/confirm.html",
            {
                "form": form,
                "answers": confirm.answers(form),
                "title": _("Retire %(name)s") % {"name": technology},
                "effects": [
                    _(
                        "After %(day)s, screening and the report form no longer offer "
                        "%(name)s: transfers of it no longer need a prior report."
                    )
                    % {"day": day, "name": technology.name},
                    _("Reports already filed keep the technology."),
                    _(
                        "The last day can later be moved only to another day that is not in "
                        "the past."
                    ),
                ],
                "action_url": request.path,
                "cancel_url": reverse("catalog:admin_list"),
                "confirm_label": _("Retire the technology"),
                "danger": True,
            },
        )

    def act(form: TechnologyRetireForm) -> HttpResponse | None:
        retired = _submit(
            form,
            lambda data: services.technology_retire(
                actor=request.user, technology=technology, effective_to=data["effective_to"]
            ),
        )
        if retired is None:
            return None
        messages.success(
            request,
            _("%(name)s is in force until %(day)s.")
            % {"name": retired, "day": retired.effective_to.isoformat()},
        )
        return redirect("catalog:admin_list")

    return confirm.two_steps(
        request, form=form, form_page=form_page, confirm_page=confirm_page, act=act
    )


def _field_label(entry: Any, name: str) -> str:
    try:
        label = entry._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return name
    return str(label)[:1].upper() + str(label)[1:]


def _history_entries(entry: Any) -> list[dict[str, Any]]:
    """The entry's audit rows, each with its label and the (field, before, after) it changed."""
    entries = []
    for record in selectors.audit_history(entry):
        before = record.payload.get("before", {}) or {}
        after = record.payload.get("after", {}) or {}
        fields = list(dict.fromkeys([*before, *after]))
        changes = [(name, before.get(name), after.get(name)) for name in fields]
        entries.append(
            {
                "record": record,
                "label": VERB_LABELS.get(record.verb, record.verb),
                "changes": changes,
                # For people: each field by its label, never its name in the code.
                "rows": [(_field_label(entry, name), old, new) for name, old, new in changes],
            }
        )
    return entries


@administrator_required
def technology_history(request: HttpRequest, pk: int) -> HttpResponse:
    technology = get_object_or_404(Technology, pk=pk)
    return render(
        request,
        "catalog/technology_history.html",
        {
            "technology": technology,
            "entries": _history_entries(technology),
            "versions": selectors.technology_versions(technology.code),
        },
    )


# --- transaction types and exclusion rules: the same four pages for each --------------------


@dataclass(frozen=True)
class _Kind:
    """What the list, add, edit and history pages of one kind of catalog entry need."""

    model: type[InForcePeriod]
    form: type[TransactionTypeForm] | type[ExclusionRuleForm]
    fields: tuple[str, ...]
    listing: Callable[..., list]
    create: Callable[..., Any]
    update: Callable[..., Any]
    list_template: str
    url_prefix: str  # "catalog:<prefix>_list", "_add", "_edit", "_history"
    titles: dict[str, Any]


def _update_transaction_type(*, actor: Any, entry: Any, data: dict) -> Any:
    return services.transaction_type_update(actor=actor, transaction_type=entry, data=data)


def _update_exclusion_rule(*, actor: Any, entry: Any, data: dict) -> Any:
    return services.exclusion_rule_update(actor=actor, rule=entry, data=data)


TRANSACTION_TYPES = _Kind(
    model=TransactionType,
    form=TransactionTypeForm,
    fields=services.TRANSACTION_TYPE_FIELDS,
    listing=selectors.transaction_type_list,
    create=services.transaction_type_create,
    update=_update_transaction_type,
    list_template="catalog/transaction_types.html",
    url_prefix="catalog:transaction_type",
    titles={
        "add": gettext_lazy("Add a transaction type"),
        "added": gettext_lazy("The transaction type %(name)s was added."),
        "saved": gettext_lazy("The transaction type %(name)s was saved."),
        "intro": gettext_lazy(
            "To change a type from a date, set the last day of its current version and add a "
            "new version with the same code from the next day. The code never changes: reports "
            "store it."
        ),
    },
)
EXCLUSION_RULES = _Kind(
    model=ExclusionRule,
    form=ExclusionRuleForm,
    fields=services.EXCLUSION_RULE_FIELDS,
    listing=selectors.exclusion_rule_list,
    create=services.exclusion_rule_create,
    update=_update_exclusion_rule,
    list_template="catalog/exclusion_rules.html",
    url_prefix="catalog:exclusion_rule",
    titles={
        "add": gettext_lazy("Add an exclusion rule"),
        "added": gettext_lazy("The exclusion rule %(name)s was added."),
        "saved": gettext_lazy("The exclusion rule %(name)s was saved."),
        "intro": gettext_lazy(
            "Screening applies a rule to contracts planned on the days it is in force. To "
            "retire it, set its last day; to change it from a date, also add a new version "
            "with the same rule from the next day."
        ),
    },
)


def _version_list(request: HttpRequest, kind: _Kind) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in STATUS_LABELS:
        status = ""
    entries = kind.listing(status=status)
    for entry in entries:
        entry.status_label = STATUS_LABELS[entry.status]
    return render(
        request,
        kind.list_template,
        {
            "entries": entries,
            "status": status,
            "statuses": STATUS_LABELS.items(),
            "today": timezone.localdate(),
        },
    )


def _version_form_page(request: HttpRequest, kind: _Kind, form: Any, **context: Any) -> Any:
    return render(
        request,
        "catalog/technology_form.html",
        {
            "form": form,
            "intro": kind.titles["intro"],
            "cancel_url": reverse(f"{kind.url_prefix}_list"),
            **context,
        },
    )


def _version_add(request: HttpRequest, kind: _Kind) -> HttpResponse:
    initial: dict[str, Any] = {}
    copied = request.GET.get("from", "")
    if copied.isdigit():
        # "New version": the fields of the version it follows, for a period still to give.
        previous = kind.model._default_manager.filter(pk=int(copied)).first()
        if previous is not None:
            initial = {name: getattr(previous, name) for name in kind.fields}
            initial["effective_from"] = initial["effective_to"] = None
    form = kind.form(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        entry = _submit(form, lambda data: kind.create(actor=request.user, data=data))
        if entry is not None:
            messages.success(request, str(kind.titles["added"]) % {"name": entry})
            return redirect(f"{kind.url_prefix}_list")
    return _version_form_page(request, kind, form, title=kind.titles["add"], submit_label=_("Add"))


def _version_edit(request: HttpRequest, kind: _Kind, pk: int) -> HttpResponse:
    entry = get_object_or_404(kind.model, pk=pk)
    initial = {name: getattr(entry, name) for name in kind.fields}
    form = kind.form(request.POST or None, initial=initial, adding=False)
    if request.method == "POST" and form.is_valid():
        updated = _submit(
            form, lambda data: kind.update(actor=request.user, entry=entry, data=data)
        )
        if updated is not None:
            messages.success(request, str(kind.titles["saved"]) % {"name": updated})
            return redirect(f"{kind.url_prefix}_list")
    return _version_form_page(
        request,
        kind,
        form,
        title=_("Edit %(name)s") % {"name": entry},
        submit_label=_("Save"),
    )


def _version_history(request: HttpRequest, kind: _Kind, pk: int) -> HttpResponse:
    entry = get_object_or_404(kind.model, pk=pk)
    return render(
        request,
        "catalog/version_history.html",
        {
            "entry": entry,
            "entries": _history_entries(entry),
            "versions": selectors.versions_of(entry),
            "history_url": f"{kind.url_prefix}_history",
            "list_url": reverse(f"{kind.url_prefix}_list"),
        },
    )


@administrator_required
def transaction_type_list(request: HttpRequest) -> HttpResponse:
    return _version_list(request, TRANSACTION_TYPES)


@administrator_required
def transaction_type_add(request: HttpRequest) -> HttpResponse:
    return _version_add(request, TRANSACTION_TYPES)


@administrator_required
def transaction_type_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _version_edit(request, TRANSACTION_TYPES, pk)


@administrator_required
def transaction_type_history(request: HttpRequest, pk: int) -> HttpResponse:
    return _version_history(request, TRANSACTION_TYPES, pk)


@administrator_required
def exclusion_rule_list(request: HttpRequest) -> HttpResponse:
    return _version_list(request, EXCLUSION_RULES)


@administrator_required
def exclusion_rule_add(request: HttpRequest) -> HttpResponse:
    return _version_add(request, EXCLUSION_RULES)


@administrator_required
def exclusion_rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _version_edit(request, EXCLUSION_RULES, pk)


@administrator_required
def exclusion_rule_history(request: HttpRequest, pk: int) -> HttpResponse:
    return _version_history(request, EXCLUSION_RULES, pk)


@administrator_required
def countries(request: HttpRequest) -> HttpResponse:
    form = CountrySearchForm(request.GET or None)
    query = exempt = ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        exempt = form.cleaned_data["exempt"]
    page = Paginator(selectors.country_search(query=query, exempt=exempt), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "catalog/countries.html",
        {"form": form, "page": page, "next": request.get_full_path()},
    )


def _local_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return target
    return ""


@administrator_required
@require_http_methods(["GET", "POST"])
def country_set_exempt(request: HttpRequest, code: str) -> HttpResponse:
    """Change a country's exempt flag: the reason, a confirmation of what changes, then the
    change (audited with the reason)."""
    country = get_object_or_404(Country, pk=code.upper())
    back = _local_next(request)
    list_url = back or f"{reverse('catalog:countries')}?{urlencode({'q': country.code})}"
    # The wanted value is sent, not "toggle", so a double submission changes nothing twice.
    data = request.POST or None
    if data is None and request.GET.get("exempt") in ("0", "1"):
        initial = {"exempt": request.GET["exempt"]}
    else:
        initial = {"exempt": "0" if country.prior_report_exempt else "1"}
    form = CountryExemptForm(data, initial=initial)
    wanted = form["exempt"].value() == "1"
    context = {"country": country, "wanted": wanted, "next": back, "cancel_url": list_url}

    def form_page(form: CountryExemptForm, status: int) -> HttpResponse:
        return render(
            request, "catalog/country_exempt.html", {**context, "form": form}, status=status
        )

    def confirm_page(form: CountryExemptForm) -> HttpResponse:
        if wanted:
            effects = [
                _("Transfers to %(country)s no longer need a prior report.") % {"country": country},
                _(
                    "Screening answers “no prior report is required” for %(country)s from now "
                    "on, for every technology."
                )
                % {"country": country},
            ]
            title = _("Mark %(country)s exempt") % {"country": country}
        else:
            effects = [
                _("Transfers to %(country)s need a prior report again.") % {"country": country},
                _("Screening asks companies to report transfers to %(country)s from now on.")
                % {"country": country},
            ]
            title = _("Require prior reports for %(country)s") % {"country": country}
        effects.append(_("The change and your reason are kept in the audit trail."))
        return render(
            request,
            "portal/confirm.html",
            {
                **context,
                "form": form,
                "answers": confirm.answers(form),
                "title": title,
                "effects": effects,
                "action_url": request.path,
                "confirm_label": _("Change the flag"),
                "danger": wanted,
            },
        )

    def act(form: CountryExemptForm) -> HttpResponse | None:
        changed = _submit(
            form,
            lambda data: services.country_set_exempt(
                actor=request.user, country=country, exempt=data["exempt"], reason=data["reason"]
            ),
        )
        if changed is None:
            return None
        if changed.prior_report_exempt:
            message = _("%(country)s is now exempt from prior reports.")
        else:
            message = _("Transfers to %(country)s now need prior reports.")
        messages.success(request, message % {"country": changed})
        return redirect(list_url)

    return confirm.two_steps(
        request, form=form, form_page=form_page, confirm_page=confirm_page, act=act
    )
