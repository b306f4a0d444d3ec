from __future__ import annotations

import datetime
import itertools
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from compliance import selectors as compliance_selectors
from consultations import selectors as consultation_selectors
from dialogue.selectors import unread_message_counts
from dialogue.views import panel_context as dialogue_panel
from endusers.views import panel_context as enduser_panel
from endusers.views import shows_panel as enduser_panel_shown
from informs.views import panel_context as informs_panel
from portal import confirm, roles
from portal.errors import InvalidTransition
from portal.services import notification_mark_read
from portal.text import list_separator

from . import clock, lifecycle, selectors, services
from .forms import (
    AmendmentForm,
    DashboardFilterForm,
    ExtendDeadlineForm,
    ReportForm,
    ScreeningForm,
    WithdrawForm,
)
from .models import ProvisionMethod, Report, Status
from .pdf import report_pdf
from .screening import Answers, screen


def _put_errors(form, errors: dict) -> None:
    for field, msgs in errors.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


@roles.role_required(lambda u: roles.is_exporter(u) or roles.is_meti_staff(u))
def screening(request: HttpRequest) -> HttpResponse:
    result = None
    start_url = None
    form = ScreeningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        result = screen(Answers(**d))
        if result.report_required and roles.is_exporter(request.user):
            start_url = "?".join(
                [
                    "/reports/new/",
                    urlencode(
                        {
                            "technology": d["technology"] or "",
                            "transaction_type": d["transaction_type"],
                            "counterparty_country": d["destination_country"],
                            "planned_contract_date": d["planned_contract_date"].isoformat(),
                        }
                    ),
                ]
            )
    return render(
        request, "reports/screening.html", {"form": form, "result": result, "start_url": start_url}
    )


@roles.exporter_required
def dashboard(request: HttpRequest) -> HttpResponse:
    reports = selectors.dashboard_reports(request.user)
    # A malformed filter is answered 400 with its error next to it; the valid ones still apply.
    filters = DashboardFilterForm(request.GET)
    filters.is_valid()
    status = filters.cleaned_data.get("status") or ""
    if status:
        reports = selectors.filter_by_status(reports, request.user, status)
    page = Paginator(reports, 25).get_page(filters.cleaned_data.get("page"))
    unread = unread_message_counts(request.user, [r.pk for r in page])
    # The consultations each report was linked to (one query for the page).
    consulted = consultation_selectors.consultations_by_report(request.user, [r.pk for r in page])
    now = timezone.now()
    rows = [
        {
            "report": r,
            "consultations": consulted.get(r.pk, []),
            "status": lifecycle.status_seen_by(request.user, r.status),
            "status_label": Status(lifecycle.status_seen_by(request.user, r.status)).label,
            "unread": unread.get(r.pk, 0),
            "days_remaining": clock.days_remaining(r.decision_due_at, now) if r.is_open else None,
        }
        for r in page
    ]
    return render(
        request,
        "reports/dashboard.html",
        {
            "page": page,
            "rows": rows,
            # Only the statuses this user can be shown (no "inform proposed" for exporters).
            "statuses": [
                (value, label)
                for value, label in Status.choices
                if lifecycle.status_seen_by(request.user, value) == value
            ],
            "status": status,
            "filters": filters,
            # The company's open consultations (事前相談), beside its reports.
            "open_consultations": consultation_selectors.open_consultations_for_dashboard(
                request.user
            ),
        },
        status=400 if filters.errors else 200,
    )


def _report_form_page(request, form, report=None, *, title):
    return render(
        request, "reports/form.html", {"form": form, "report": report, "page_title": title}
    )


@roles.exporter_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        initial = {
            k: v
            for k, v in request.GET.items()
            if k
            in ("technology", "transaction_type", "counterparty_country", "planned_contract_date")
        }
        initial.setdefault("contact_name", request.user.display_name)
        initial.setdefault("contact_email", request.user.email)
        form = ReportForm(initial=initial)
        return _report_form_page(request, form, title=_("New prior report"))
    form = ReportForm(request.POST)
    if not form.is_valid():
        return _report_form_page(request, form, title=_("New prior report"))
    try:
        report = services.report_create(actor=request.user, data=form.service_data())
    except ValidationError as exc:
        _put_errors(form, exc.message_dict)
        return _report_form_page(request, form, title=_("New prior report"))
    return _after_save(request, report, form)


def _after_save(request, report: Report, form) -> HttpResponse:
    """Saved: back to the draft, or (`submit`) on to check the answers before submitting,
    once nothing keeps the report from being filed."""
    if "submit" not in request.POST:
        messages.success(request, _("The draft was saved."))
        return redirect("reports:edit", report.pk)
    problems = lifecycle.submit_problems(report, clock.jst_date(timezone.now()))
    if problems:
        _put_errors(form, problems)
        messages.error(
            request, _("The draft was saved, but it cannot be submitted yet. See below.")
        )
        return _report_form_page(request, form, report, title=_("Edit draft"))
    return redirect("reports:check", report.pk)


def check_answers(report: Report) -> list[dict]:
    """Every answer of the report as it will be filed, by the form's groups, each with the
    anchor of its field on the form (for the "Change" links)."""
    labels = {name: field.label for name, field in ReportForm.base_fields.items()}
    values = {
        "technology": report.technology.name if report.technology else "",
        "technology_scope": report.get_technology_scope_display(),
        "technology_summary": report.technology_summary,
        "transaction_type": report.get_transaction_type_display(),
        "counterparty_name": report.counterparty_name,
        "counterparty_other_names": report.counterparty_other_names,
        "counterparty_country": (
            report.counterparty_country.name if report.counterparty_country else ""
        ),
        "counterparty_address": report.counterparty_address,
        "counterparty_relationship": report.get_counterparty_relationship_display(),
        "ownership_percent": (
            f"{report.ownership_percent.normalize():f}%"
            if report.ownership_percent is not None
            else ""
        ),
        "planned_contract_date": (
            report.planned_contract_date.isoformat() if report.planned_contract_date else ""
        ),
        "late_reason": report.late_reason,
        "provision_methods": list_separator().join(
            str(ProvisionMethod(code).label)
            for code in report.provision_methods
            if code in ProvisionMethod.values
        ),
        "management_measures": report.management_measures,
        "contact_name": report.contact_name,
        "contact_department": report.contact_department,
        "contact_phone": report.contact_phone,
        "contact_email": report.contact_email,
        "declaration": _("Yes") if report.declaration else _("No"),
    }
    long_texts = {"technology_summary", "late_reason", "management_measures"}
    groups = []
    for title, names in ReportForm.GROUPS:
        rows = [
            {
                "name": name,
                "label": labels[name],
                "value": values[name],
                "multiline": name in long_texts,
            }
            for name in names
            # Only asked in some cases: left out when it does not apply and is empty.
            if values[name] or name not in ("ownership_percent", "late_reason")
        ]
        groups.append({"title": title, "rows": rows})
    return groups


@roles.exporter_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, pk: int) -> HttpResponse:
    """Check your answers: the whole report as it will be filed, a "Change" link to each
    field, then "Submit"."""
    report = selectors.report_for_user(request.user, pk)
    if lifecycle.refusal(report, request.user, "edit_draft") is not None:
        return redirect("reports:detail", report.pk)
    problems: dict = {}
    if request.method == "POST":
        try:
            report = lifecycle.report_submit(actor=request.user, report_id=report.pk)
        except ValidationError as exc:
            problems = exc.message_dict
        except InvalidTransition as exc:
            messages.error(request, str(exc.message))
            return redirect("reports:detail", report.pk)
        else:
            messages.success(
                request,
                _("Report %(reference)s was submitted. METI decides by %(day)s.")
                % {
                    "reference": report.reference,
                    "day": clock.last_day_of(report.decision_due_at),
                },
            )
            return redirect("reports:detail", report.pk)
    else:
        problems = lifecycle.submit_problems(report, clock.jst_date(timezone.now()))
    labels = {name: field.label for name, field in ReportForm.base_fields.items()}
    return render(
        request,
        "reports/check.html",
        {
            "report": report,
            "groups": check_answers(report),
            "problems": [
                {"name": name, "label": labels.get(name, ""), "message": message}
                for name, messages_ in problems.items()
                for message in messages_
            ],
        },
        status=400 if request.method == "POST" and problems else 200,
    )


def _initial_from(report: Report) -> dict:
    data = lifecycle.report_content(report)
    data["declaration"] = report.declaration
    return data


@roles.exporter_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for_user(request.user, pk)
    if lifecycle.refusal(report, request.user, "edit_draft") is not None:
        messages.info(request, _("This report was submitted; file an amendment to change it."))
        return redirect("reports:detail", report.pk)
    current = report.technology.code if report.technology else None
    if request.method == "GET":
        form = ReportForm(initial=_initial_from(report), current_technology=current)
        return _report_form_page(request, form, report, title=_("Edit draft"))
    form = ReportForm(request.POST, current_technology=current)
    if not form.is_valid():
        return _report_form_page(request, form, report, title=_("Edit draft"))
    try:
        report = services.report_update_draft(
            actor=request.user, report_id=report.pk, data=form.service_data()
        )
    except ValidationError as exc:
        _put_errors(form, exc.message_dict)
        return _report_form_page(request, form, report, title=_("Edit draft"))
    except InvalidTransition as exc:
        messages.error(request, str(exc.message))
        return redirect("reports:detail", report.pk)
    return _after_save(request, report, form)


def _panels(request, report) -> dict:
    """The dialogue's and the informs' parts of the report page."""
    panels = {
        **dialogue_panel(request, report),
        **informs_panel(request, report),
        "panels": ["dialogue/_panel.html", "informs/_panel.html"],
    }
    # End User List matches and precedents: staff of the responsible division only.
    if enduser_panel_shown(request.user, report):
        panels.update(enduser_panel(request, report))
        panels["panels"].append("endusers/_panel.html")
    return panels


def _revision_changes(report: Report) -> list[dict]:
    """What each amendment changed, revision by revision, for officers and the exporter."""
    revisions = list(report.revisions.select_related("created_by"))
    labels = {name: field.label for name, field in ReportForm.base_fields.items()}
    out = []
    for previous, current in itertools.pairwise(revisions):
        changed = [
            {
                "field": labels.get(key, key),
                "old": previous.content.get(key),
                "new": current.content.get(key),
            }
            for key in current.content
            if previous.content.get(key) != current.content.get(key)
        ]
        out.append({"revision": current, "changes": changed})
    return out


@roles.role_required(lambda u: roles.is_exporter(u) or roles.is_meti_staff(u))
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for_user(request.user, pk)
    user = request.user
    now = timezone.now()
    context = {
        "report": report,
        "transitions": selectors.transitions_visible_to(user, report),
        "status_label": Status(lifecycle.status_seen_by(user, report.status)).label,
        "extensions": report.extensions.select_related("actor"),
        "amendments": _revision_changes(report),
        "days_remaining": clock.days_remaining(report.decision_due_at, now)
        if report.is_open
        else None,
        "last_day": clock.last_day_of(report.decision_due_at) if report.decision_due_at else None,
        "actions": lifecycle.available_actions(report, user),
        # Compliance cases opened from this report, and the button to open one (staff of the
        # division, on a report flagged late).
        "compliance_cases": compliance_selectors.cases_of_report(user, report),
        "can_open_compliance_case": compliance_selectors.can_open_from_report(user, report),
    }
    context.update(_panels(request, report))
    # Consultations linked to this report, shown to whoever sees the report.
    context["linked_consultations"] = consultation_selectors.consultations_for_report(user, report)
    # What the bell announced about this report has now been seen.
    notification_mark_read(user=user, url=report.get_absolute_url())
    return render(request, "reports/detail.html", context)


def _run_action(request, report: Report, form, action, success: str) -> HttpResponse | None:
    """Call a service with a valid form; on success or a state conflict, back to the report.

    Field errors go back on the form (None is returned so the caller re-renders it with
    everything typed kept).
    """
    try:
        action()
    except ValidationError as exc:
        _put_errors(form, exc.message_dict)
        return None
    except InvalidTransition as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, success)
    return redirect("reports:detail", report.pk)


@roles.exporter_required
@require_http_methods(["GET", "POST"])
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for_user(request.user, pk)
    current = report.technology.code if report.technology else None
    title = _("Amend %(reference)s") % {"reference": report.reference}
    if request.method == "GET":
        form = AmendmentForm(initial=_initial_from(report), current_technology=current)
        return _report_form_page(request, form, report, title=title)
    form = AmendmentForm(request.POST, current_technology=current)
    if form.is_valid():
        done = _run_action(
            request,
            report,
            form,
            lambda: services.report_amend(
                actor=request.user,
                report_id=report.pk,
                data=form.service_data(),
                note=form.cleaned_data["note"],
            ),
            _("The amendment was filed."),
        )
        if done:
            return done
    return _report_form_page(request, form, report, title=title)


def _confirm_page(request, report: Report, form, **context) -> HttpResponse:
    return render(
        request,
        "portal/confirm.html",
        {
            "report": report,
            "form": form,
            "answers": confirm.answers(form),
            "action_url": request.path,
            "cancel_url": reverse("reports:detail", args=[report.pk]),
            **context,
        },
    )


def _acting(request, report: Report, form, action, success: str):
    """The confirmed step: the service, then back to the report (None: errors on the form)."""

    def act(form) -> HttpResponse | None:
        return _run_action(request, report, form, action, success)

    return act


@roles.exporter_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a filed report (a reason, then a confirmation) or discard a draft (this page
    is its confirmation)."""
    report = selectors.report_for_user(request.user, pk)
    draft = report.status == Status.DRAFT
    form = WithdrawForm(request.POST or None, reason_required=not draft)

    def form_page(form, status: int) -> HttpResponse:
        return render(
            request, "reports/withdraw.html", {"form": form, "report": report}, status=status
        )

    def confirm_page(form) -> HttpResponse:
        return _confirm_page(
            request,
            report,
            form,
            title=_("Withdraw %(reference)s") % {"reference": report.reference},
            effects=[
                _("The report is closed as withdrawn and METI stops reviewing it."),
                _("The division is told, with your reason."),
                _("If the transaction goes ahead, you must file a new report before the contract."),
            ],
            irreversible=True,
            danger=True,
            confirm_label=_("Withdraw the report"),
        )

    act = _acting(
        request,
        report,
        form,
        lambda: lifecycle.report_withdraw(
            actor=request.user, report_id=report.pk, reason=form.cleaned_data["reason"]
        ),
        _("The draft was discarded.") if draft else _("The report was withdrawn."),
    )
    if draft and request.method == "POST" and form.is_valid():
        # The page itself says what discarding does: nothing typed needs checking again.
        return act(form) or form_page(form, 200)
    return confirm.two_steps(
        request,
        form=form,
        form_page=form_page,
        confirm_page=confirm_page,
        act=act,
        refusal=lambda: lifecycle.state_refusal(report, request.user, "withdraw"),
        leave_to=reverse("reports:detail", args=[report.pk]),
    )


@roles.supervisor_required
@require_http_methods(["GET", "POST"])
def extend_deadline(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for_user(request.user, pk)
    lifecycle.require_actor(report, request.user, "extend_deadline")
    cap = lifecycle.extension_cap_days()
    current = clock.last_day_of(report.decision_due_at) if report.decision_due_at else None
    latest = current + datetime.timedelta(days=cap) if current else None
    form = ExtendDeadlineForm(request.POST or None, current_day=current, latest_day=latest)

    def form_page(form, status: int) -> HttpResponse:
        return render(
            request,
            "reports/extend.html",
            {"form": form, "report": report, "cap_days": cap, "latest_day": latest},
            status=status,
        )

    def confirm_page(form) -> HttpResponse:
        new_day = form.cleaned_data["new_due_date"]
        return _confirm_page(
            request,
            report,
            form,
            title=_("Extend the decision deadline of %(reference)s")
            % {"reference": report.reference},
            effects=[
                _("The last day for the decision moves from %(old)s to %(new)s.")
                % {"old": current.isoformat() if current else "—", "new": new_day.isoformat()},
                _("The company is told the new date and your reason."),
                _("The deadline cannot be moved earlier afterwards."),
            ],
            confirm_label=_("Extend the deadline"),
        )

    act = _acting(
        request,
        report,
        form,
        lambda: services.report_extend_deadline(
            actor=request.user,
            report_id=report.pk,
            new_last_day=form.cleaned_data["new_due_date"],
            reason=form.cleaned_data["reason"],
        ),
        _("The deadline was extended."),
    )
    return confirm.two_steps(
        request,
        form=form,
        form_page=form_page,
        confirm_page=confirm_page,
        act=act,
        refusal=lambda: lifecycle.state_refusal(report, request.user, "extend_deadline"),
        leave_to=reverse("reports:detail", args=[report.pk]),
    )


@roles.role_required(lambda u: roles.is_exporter(u) or roles.is_meti_staff(u))
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for_user(request.user, pk)
    if report.status == Status.DRAFT:
        messages.info(request, _("The PDF exists once the report is submitted."))
        return redirect("reports:edit", report.pk)
    content = report_pdf(report, translation.get_language() or "ja")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.reference}.pdf"'
    return response
