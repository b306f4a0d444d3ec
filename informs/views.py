"""Inform pages: the panel on the report page, the action endpoints, the notice PDF and the
supervisors' approval queue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal import confirm, roles
from portal.errors import InvalidTransition
from portal.text import by_language
from reports import clock, lifecycle
from reports.models import Report
from reports.selectors import clock_overview, report_for_user

from . import selectors, services
from .forms import InformProposeForm, InformReturnForm
from .limits import RETURN_REASON_MAX_LENGTH
from .models import Inform, InformStatus
from .pdf import inform_notice_pdf


def panel_context(request: HttpRequest, report: Report) -> dict[str, Any]:
    """What templates/informs/_panel.html needs, under one key so it cannot clash with the
    report page's own context. Exporters get only the issued inform (the selector sees to it)."""
    user = request.user
    informs = list(selectors.informs_of_report(user, report))
    staff = roles.is_officer_of_division(user, report.responsible_division_id)
    actions = lifecycle.available_actions(report, user)
    current = next((i for i in informs if i.status == InformStatus.PROPOSED), None)
    issued = next((i for i in informs if i.status == InformStatus.ISSUED), None)
    # A proposal is pending while its report waits on it; the lifecycle says who may decide.
    pending = current is not None and lifecycle.proposer_id(report) is not None
    own = current is not None and current.proposed_by_id == user.pk
    return {
        "inform_panel": {
            "report": report,
            "is_staff": staff,
            "current": current,
            # A proposal left `proposed` when its report lapsed: shown, but nobody can act on it.
            "current_stale": current is not None and not pending,
            "issued": issued,
            "returned": [i for i in informs if i.status == InformStatus.RETURNED],
            "propose_form": InformProposeForm() if "propose_inform" in actions else None,
            "can_decide": pending and "issue_inform" in actions,
            "return_reason_max_length": RETURN_REASON_MAX_LENGTH,
            "own_proposal": pending and own,
            "can_acknowledge": (
                issued is not None
                and issued.acknowledged_at is None
                and roles.is_member_of_organisation(user, report.organisation_id)
            ),
        }
    }


def _report_detail(report_id: int) -> str:
    return reverse("reports:detail", args=[report_id])


def _back(request: HttpRequest, report_id: int) -> HttpResponse:
    """Back to where the form was (the supervisors' page or the report), never off-site."""
    target = request.POST.get("next", "")
    # Only a path: redirect() would take any other word for a view name and fail on it.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(_report_detail(report_id))


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@roles.staff_required
def propose(request: HttpRequest, report_id: int) -> HttpResponse:
    report = report_for_user(request.user, report_id)
    lifecycle.require_actor(report, request.user, "propose_inform")
    form = InformProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.inform_propose(
                actor=request.user,
                report_id=report.pk,
                grounds=form.cleaned_data["grounds"],
                licence_conditions=form.cleaned_data["licence_conditions"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except InvalidTransition as exc:
            messages.error(request, exc.message)
            return redirect(_report_detail(report.pk))
        else:
            messages.success(
                request,
                _("The inform was proposed. A supervisor of the division will decide on it."),
            )
            return redirect(_report_detail(report.pk))
    return render(request, "informs/propose.html", {"form": form, "report": report})


def _next(request: HttpRequest) -> str:
    """Where the page was opened from (the supervisors' page or the report), if on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _decision_refused(request: HttpRequest, inform: Inform, action: str) -> HttpResponse | None:
    """Before a decision page is shown: a proposal already decided, or a report no longer
    waiting on it, is said so on the report page (the service refuses the same on POST)."""
    problem = lifecycle.refusal(inform.report, request.user, action)
    if isinstance(problem, PermissionDenied):
        raise problem
    if problem is None and inform.status != InformStatus.PROPOSED:
        problem = InvalidTransition(
            inform.report.status, _("This proposal is no longer waiting for approval.")
        )
    if problem is None:
        return None
    messages.error(request, problem.message)  # type: ignore[attr-defined]
    return redirect(_report_detail(inform.report_id))


def _decision_context(inform: Inform) -> dict[str, Any]:
    report = inform.report
    return {
        "inform": inform,
        "report": report,
        "details_template": "informs/_decision_details.html",
        "last_day": clock.last_day_of(report.decision_due_at) if report.decision_due_at else None,
    }


@roles.staff_required
@require_http_methods(["GET", "POST"])
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation page of issuing an inform: the notice's grounds, conditions and legal
    basis as it will read, then one POST that issues it."""
    inform = selectors.inform_for_user(request.user, pk)
    lifecycle.require_actor(inform.report, request.user, "issue_inform")
    if request.method == "GET":
        refused = _decision_refused(request, inform, "issue_inform")
        if refused is not None:
            return refused
        report = inform.report
        company = by_language(report.organisation.name_ja, report.organisation.name_en)
        return render(
            request,
            "portal/confirm.html",
            {
                **_decision_context(inform),
                "title": _("Issue the inform for %(reference)s") % {"reference": report.reference},
                "lead": _(
                    "Read the notice as the company will receive it. Issue it only if you "
                    "agree with the grounds and the licence conditions."
                ),
                "effects": [
                    _("The inform notice is issued to %(company)s with a new inform number.")
                    % {"company": company},
                    _(
                        "The company must then apply for a licence before transferring the "
                        "technology; the report is closed as informed."
                    ),
                    _("The company and the proposing officer are notified."),
                ],
                "irreversible": True,
                "action_url": reverse("informs:approve", args=[inform.pk]),
                "confirm_label": _("Issue the inform"),
                "next": _next(request),
                "cancel_url": _next(request) or _report_detail(report.pk),
            },
        )
    try:
        inform = services.inform_approve(actor=request.user, inform_id=inform.pk)
    except InvalidTransition as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Inform %(number)s was issued. The company has been notified.")
            % {"number": inform.number},
        )
    return _back(request, inform.report_id)


@roles.staff_required
@require_http_methods(["GET", "POST"])
def return_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    """Return a proposal to the dialogue: the reason, then a confirmation showing it."""
    inform = selectors.inform_for_user(request.user, pk)
    report = inform.report
    lifecycle.require_actor(report, request.user, "return_proposal")
    if request.method == "GET":
        refused = _decision_refused(request, inform, "return_proposal")
        if refused is not None:
            return refused
    back = _next(request)
    context = {**_decision_context(inform), "next": back}

    def form_page(form: InformReturnForm, status: int) -> HttpResponse:
        return render(request, "informs/return.html", {**context, "form": form}, status=status)

    def confirm_page(form: InformReturnForm) -> HttpResponse:
        return render(
            request,
            "portal/confirm.html",
            {
                **context,
                "form": form,
                "answers": confirm.answers(form),
                "title": _("Return the inform proposal for %(reference)s")
                % {"reference": report.reference},
                "effects": [
                    _("The proposal is not issued; the report goes back to the dialogue."),
                    _("%(name)s, who proposed it, is notified with your reason.")
                    % {"name": inform.proposed_by.display_name},
                    _("The company is not told about the proposal or its return."),
                ],
                "action_url": reverse("informs:return", args=[inform.pk]),
                "confirm_label": _("Return to the dialogue"),
                "cancel_url": back or _report_detail(report.pk),
            },
        )

    def act(form: InformReturnForm) -> HttpResponse | None:
        try:
            services.inform_return(
                actor=request.user, inform_id=inform.pk, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
            return None
        except InvalidTransition as exc:
            messages.error(request, exc.message)
            return _back(request, inform.report_id)
        messages.success(request, _("The proposal was returned to the dialogue."))
        return _back(request, inform.report_id)

    return confirm.two_steps(
        request,
        form=InformReturnForm(request.POST or None),
        form_page=form_page,
        confirm_page=confirm_page,
        act=act,
        refusal=lambda: lifecycle.state_refusal(report, request.user, "return_proposal"),
        leave_to=back or _report_detail(report.pk),
    )


@require_POST
@roles.exporter_required
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    inform = selectors.inform_for_user(request.user, pk)
    try:
        services.inform_acknowledge(actor=request.user, inform_id=inform.pk)
    except InvalidTransition as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Receipt of the inform was recorded."))
    return redirect(_report_detail(inform.report_id))


def pdf_response(inform: Inform) -> HttpResponse:
    response = HttpResponse(inform_notice_pdf(inform), content_type="application/pdf")
    filename = inform.number or f"inform-proposal-{inform.pk}"
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response


@roles.role_required(lambda u: roles.is_exporter(u) or roles.is_meti_staff(u))
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return pdf_response(selectors.inform_for_user(request.user, pk))


# Proposals per page on the supervisors' page.
SUPERVISOR_PAGE_SIZE = 25


@roles.supervisor_required
def supervisor(request: HttpRequest) -> HttpResponse:
    """The division's open proposals, the nearest deadline first, a page at a time; each row
    links to where the proposal is decided."""
    now = timezone.now()
    user = request.user
    awaiting = Paginator(selectors.pending_proposals(user, own=False), SUPERVISOR_PAGE_SIZE)
    awaiting_page = awaiting.get_page(request.GET.get("page"))
    own = Paginator(selectors.pending_proposals(user, own=True), SUPERVISOR_PAGE_SIZE)
    own_page = own.get_page(request.GET.get("own_page"))
    return render(
        request,
        "informs/supervisor.html",
        {
            "page": awaiting_page,
            "awaiting": selectors.as_pending(user, awaiting_page, now),
            "own_page": own_page,
            "own": selectors.as_pending(user, own_page, now),
            **clock_overview(user, now=now),
        },
    )
