"""Compliance case pages: the list, opening a case, the case page with its thread, every
action of compliance.lifecycle, the order notice PDF, and the notices' wording (administrators)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dialogue import threads
from dialogue.forms import AttachmentForm, MessageForm
from dialogue.models import EXPORTER_KINDS, MessageKind
from dialogue.views import attachment_response
from portal import confirm, roles
from portal.errors import InvalidTransition
from portal.services import notification_mark_read
from portal.text import by_language
from reports.selectors import report_for_user

from . import lifecycle, selectors, services
from .forms import (
    CaseCreateForm,
    CloseForm,
    DiscardForm,
    GuidanceForm,
    ProposeOrderForm,
    ReturnOrderForm,
    WordingForm,
)
from .lifecycle import CaseStatus
from .models import ComplianceCase, NoticeWording
from .pdf import order_notice_pdf

participant_required = roles.role_required(lambda u: roles.is_exporter(u) or roles.is_meti_staff(u))

PAGE_SIZE = 25


def _detail(case: ComplianceCase) -> HttpResponse:
    return redirect("compliance:detail", case.pk)


def _add_errors(form: Any, exc: ValidationError, fields: dict[str, str] | None = None) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            name = (fields or {}).get(field, field)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _form_page(
    request: HttpRequest, case: ComplianceCase | None, form: Any, status: int = 200, **context
) -> HttpResponse:
    return render(
        request,
        "compliance/form.html",
        {
            "case": case,
            "form": form,
            "cancel_url": case.get_absolute_url() if case else reverse("compliance:list"),
            **context,
        },
        status=status,
    )


def _refused_before_form(request: HttpRequest, case: ComplianceCase, action: str):
    """A form page for an act the case's state refuses now: the reason, on the case page."""
    problem = lifecycle.refusal(case, request.user, action)
    if isinstance(problem, PermissionDenied):
        raise problem
    if problem is None:
        return None
    messages.error(request, str(problem.message))  # type: ignore[attr-defined]
    return _detail(case)


# --- the list and opening a case -------------------------------------------------------------


@participant_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    status = request.GET.get("status", "")
    if status not in CaseStatus.values:
        status = ""
    page = Paginator(selectors.case_list(user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    cases = list(page.object_list)
    unread = selectors.unread_counts(user, cases)
    rows = [
        {
            "case": case,
            "status": lifecycle.status_seen_by(user, case.status),
            "status_label": CaseStatus(lifecycle.status_seen_by(user, case.status)).label,
            "unread": unread.get(case.thread_id, 0),
        }
        for case in cases
    ]
    statuses = [
        (value, label)
        for value, label in CaseStatus.choices
        if lifecycle.status_seen_by(user, value) == value
        and (roles.is_meti_staff(user) or value != CaseStatus.DRAFT)
    ]
    return render(
        request,
        "compliance/list.html",
        {
            "page": page,
            "rows": rows,
            "statuses": statuses,
            "status": status,
            "is_staff": roles.is_meti_staff(user),
        },
    )


@roles.staff_required
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    """A new draft case: standalone, or from a late report (`?report=<id>`)."""
    report_id = request.GET.get("report") or request.POST.get("report")
    report = report_for_user(request.user, report_id) if report_id else None
    form = CaseCreateForm(
        request.POST if request.method == "POST" else None,
        division_id=request.user.division_id,
        from_report=report is not None,
        initial={"transfer_date": report.planned_contract_date} if report else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_create(
                actor=request.user,
                report_id=report.pk if report else None,
                organisation_id=data["organisation"].pk if "organisation" in data else None,
                technology_id=data["technology"].pk if "technology" in data else None,
                transfer_date=data["transfer_date"],
                facts=data["facts"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Case %(reference)s was created as a draft. The organisation sees it once opened."
                )
                % {"reference": case.reference},
            )
            return _detail(case)
    return _form_page(
        request,
        None,
        form,
        status=400 if form.errors else 200,
        title=_("Open a compliance case"),
        lead=_(
            "A case is a draft for METI only until you open it to the organisation. Record what "
            "METI learned about a transfer that was not reported in time."
        ),
        report=report,
        action_url=reverse("compliance:create"),
        submit_label=_("Create the draft case"),
    )


# --- the case page ---------------------------------------------------------------------------


def _allowed_kinds(user, case: ComplianceCase) -> list[str]:
    if roles.is_exporter(user):
        return list(EXPORTER_KINDS)
    if case.status == CaseStatus.DRAFT:
        return [MessageKind.INTERNAL_NOTE]
    return list(MessageKind.values)


def _detail_context(request: HttpRequest, case: ComplianceCase, **forms) -> dict[str, Any]:
    user = request.user
    actions = lifecycle.available_actions(case, user)
    is_staff = selectors.sees_internal(user, case)
    thread_messages = list(selectors.case_messages(user, case))
    history = selectors.case_history(user, case)
    return {
        "case": case,
        "status": lifecycle.status_seen_by(user, case.status),
        "status_label": CaseStatus(lifecycle.status_seen_by(user, case.status)).label,
        "actions": actions,
        "is_staff": is_staff,
        "history": history,
        "thread_messages": thread_messages,
        "loose_files": [a for a in selectors.case_attachments(user, case) if a.message_id is None],
        "message_form": forms.get("message_form")
        or MessageForm(allowed_kinds=_allowed_kinds(user, case)),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "can_attach": "discuss" in actions and case.status != CaseStatus.DRAFT,
        # The order as the organisation may see it: only once issued.
        "order_out": case.order_number is not None,
        "order_pending": case.status == CaseStatus.ORDER_PROPOSED and is_staff,
        "own_proposal": case.status == CaseStatus.ORDER_PROPOSED
        and case.order_proposed_by_id == user.pk,
        "returns": [
            row for row in selectors.case_history(user, case) if row.transition == "return_order"
        ]
        if is_staff
        else [],
    }


@participant_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    context = _detail_context(request, case)
    if context["thread_messages"]:
        services.case_mark_read(
            user=request.user, case=case, up_to_message_id=context["thread_messages"][-1].pk
        )
    notification_mark_read(user=request.user, url=case.get_absolute_url())
    return render(request, "compliance/detail.html", context)


# --- the thread ------------------------------------------------------------------------------


def _run(form, action: Callable[[], Any], fields: dict[str, str] | None = None):
    """Call a service; field errors go on the form. (result or None, status)."""
    try:
        return action(), 200
    except threads.AttachmentTooLarge as exc:
        _add_errors(form, exc, fields)
        return None, 413
    except ValidationError as exc:
        _add_errors(form, exc, fields)
        return None, 400


@participant_required
@require_POST
def message_post(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    form = MessageForm(
        request.POST, request.FILES or None, allowed_kinds=_allowed_kinds(request.user, case)
    )
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            result, status = _run(
                form,
                lambda: services.case_message_post(
                    actor=request.user,
                    case_id=case.pk,
                    kind=data["kind"],
                    body=data["body"],
                    files=[data["attachment"]] if data.get("attachment") else [],
                ),
                fields={"file": "attachment"},
            )
        except InvalidTransition as exc:
            messages.error(request, str(exc.message))
            return _detail(case)
        if result is not None:
            messages.success(request, _("Your message was posted."))
            return _detail(case)
    return render(
        request,
        "compliance/detail.html",
        _detail_context(request, case, message_form=form),
        status=status,
    )


@participant_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES or None)
    status = 400
    if form.is_valid():
        try:
            result, status = _run(
                form,
                lambda: services.case_attach(
                    actor=request.user, case_id=case.pk, file=form.cleaned_data["file"]
                ),
            )
        except InvalidTransition as exc:
            messages.error(request, str(exc.message))
            return _detail(case)
        if result is not None:
            messages.success(request, _("The file was added."))
            return _detail(case)
    return render(
        request,
        "compliance/detail.html",
        _detail_context(request, case, attachment_form=form),
        status=status,
    )


@participant_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    case = selectors.case_for_user(request.user, pk)
    return attachment_response(selectors.case_attachment(request.user, case, attachment_pk))


# --- the officers' acts ----------------------------------------------------------------------


def _act(request: HttpRequest, case: ComplianceCase, action: Callable[[], Any], done: str):
    try:
        action()
    except InvalidTransition as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)
    return _detail(case)


def _confirm(request: HttpRequest, case: ComplianceCase, **context) -> HttpResponse:
    return render(
        request,
        "portal/confirm.html",
        {
            "case": case,
            "action_url": request.path,
            "cancel_url": case.get_absolute_url(),
            **context,
        },
    )


@roles.staff_required
@require_http_methods(["GET", "POST"])
def case_open(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    lifecycle.require_actor(case, request.user, "open")
    if request.method == "GET":
        refused = _refused_before_form(request, case, "open")
        if refused is not None:
            return refused
        company = by_language(case.organisation.name_ja, case.organisation.name_en)
        return _confirm(
            request,
            case,
            title=_("Open %(reference)s to the organisation") % {"reference": case.reference},
            effects=[
                _("%(company)s sees the case, its facts and the messages from now on.")
                % {"company": company},
                _("Its members are notified."),
            ],
            irreversible=True,
            confirm_label=_("Open to the organisation"),
        )
    return _act(
        request,
        case,
        lambda: services.case_open(actor=request.user, case_id=case.pk),
        _("The case was opened to the organisation."),
    )


def _two_step_act(
    request: HttpRequest,
    case: ComplianceCase,
    *,
    action: str,
    form: Any,
    title: str,
    lead: str,
    effects: list[str],
    confirm_label: str,
    run: Callable[[Any], Any],
    done: str,
    irreversible: bool = True,
    details_template: str = "",
) -> HttpResponse:
    """The form, then the confirmation showing what was entered, then the service."""
    lifecycle.require_actor(case, request.user, action)
    if request.method == "GET":
        refused = _refused_before_form(request, case, action)
        if refused is not None:
            return refused

    def form_page(bound: Any, status: int) -> HttpResponse:
        return _form_page(
            request,
            case,
            bound,
            status=status,
            title=title,
            lead=lead,
            action_url=request.path,
            submit_label=_("Continue"),
        )

    def confirm_page(bound: Any) -> HttpResponse:
        return _confirm(
            request,
            case,
            form=bound,
            answers=confirm.answers(bound),
            title=title,
            effects=effects,
            irreversible=irreversible,
            confirm_label=confirm_label,
            details_template=details_template,
        )

    def act(bound: Any) -> HttpResponse | None:
        try:
            run(bound.cleaned_data)
        except ValidationError as exc:
            _add_errors(bound, exc)
            return None
        except InvalidTransition as exc:
            messages.error(request, str(exc.message))
            return _detail(case)
        messages.success(request, done)
        return _detail(case)

    return confirm.two_steps(
        request,
        form=form,
        form_page=form_page,
        confirm_page=confirm_page,
        act=act,
        invalid_status=400,
        refusal=lambda: lifecycle.state_refusal(case, request.user, action),
        leave_to=case.get_absolute_url(),
    )


@roles.staff_required
@require_http_methods(["GET", "POST"])
def issue_guidance(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    return _two_step_act(
        request,
        case,
        action="issue_guidance",
        form=GuidanceForm(request.POST or None),
        title=_("Issue guidance and advice on %(reference)s") % {"reference": case.reference},
        lead=_(
            "The organisation is asked to take the measures below and to answer in the case's "
            "messages by the due date."
        ),
        effects=[
            _("The guidance is issued to the organisation with the legal basis in force."),
            _("Its members are notified and reminded before the answer is due."),
        ],
        confirm_label=_("Issue the guidance"),
        run=lambda data: services.case_issue_guidance(
            actor=request.user,
            case_id=case.pk,
            measures=data["measures"],
            answer_due=data["answer_due"],
        ),
        done=_("The guidance was issued."),
    )


@roles.staff_required
@require_http_methods(["GET", "POST"])
def propose_order(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    return _two_step_act(
        request,
        case,
        action="propose_order",
        form=ProposeOrderForm(request.POST or None),
        title=_("Propose an improvement order on %(reference)s") % {"reference": case.reference},
        lead=_(
            "A supervisor of the division other than you approves or returns the proposal. The "
            "organisation learns of the order only once it is issued."
        ),
        effects=[
            _("The division's supervisors are asked to decide on the proposal."),
            _("The organisation is not told about the proposal."),
        ],
        confirm_label=_("Propose the order"),
        irreversible=False,
        run=lambda data: services.case_propose_order(
            actor=request.user,
            case_id=case.pk,
            measures=data["measures"],
            compliance_due=data["compliance_due"],
        ),
        done=_("The improvement order was proposed. Another supervisor of the division decides."),
    )


@roles.staff_required
@require_http_methods(["GET", "POST"])
def approve_order(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation of issuing the order: the notice as it will read, then one POST."""
    case = selectors.case_for_user(request.user, pk)
    lifecycle.require_actor(case, request.user, "approve_order")
    if request.method == "GET":
        refused = _refused_before_form(request, case, "approve_order")
        if refused is not None:
            return refused
        company = by_language(case.organisation.name_ja, case.organisation.name_en)
        return _confirm(
            request,
            case,
            title=_("Issue the improvement order on %(reference)s") % {"reference": case.reference},
            lead=_("Read the order as the organisation will receive it."),
            details_template="compliance/_order_details.html",
            effects=[
                _("The improvement order is issued to %(company)s with a new order number.")
                % {"company": company},
                _("The organisation and the proposing officer are notified."),
            ],
            irreversible=True,
            confirm_label=_("Issue the order"),
        )
    return _act(
        request,
        case,
        lambda: services.case_approve_order(actor=request.user, case_id=case.pk),
        _("The improvement order was issued. The organisation has been notified."),
    )


@roles.staff_required
@require_http_methods(["GET", "POST"])
def return_order(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    proposer = case.order_proposed_by
    return _two_step_act(
        request,
        case,
        action="return_order",
        form=ReturnOrderForm(request.POST or None),
        title=_("Return the improvement order proposal on %(reference)s")
        % {"reference": case.reference},
        lead=_("The case goes back to the guidance; the proposer reads your reason."),
        effects=[
            _("The order is not issued; the case goes back to the guidance."),
            _("%(name)s, who proposed it, is notified with your reason.")
            % {"name": proposer.display_name if proposer else "—"},
        ],
        confirm_label=_("Return the proposal"),
        irreversible=False,
        details_template="compliance/_order_details.html",
        run=lambda data: services.case_return_order(
            actor=request.user, case_id=case.pk, reason=data["reason"]
        ),
        done=_("The proposal was returned."),
    )


@roles.staff_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    return _two_step_act(
        request,
        case,
        action="resolve",
        form=CloseForm(request.POST or None),
        title=_("Close %(reference)s") % {"reference": case.reference},
        lead=_(
            "Close the case as resolved, or as referred for penalty consideration. A referral "
            "is recorded here only: penalties are decided outside the portal."
        ),
        effects=[
            _("The case is closed; nothing more can be posted to it."),
            _("The organisation is notified with your summary."),
        ],
        confirm_label=_("Close the case"),
        run=lambda data: services.case_close(
            actor=request.user, case_id=case.pk, outcome=data["outcome"], summary=data["summary"]
        ),
        done=_("The case was closed."),
    )


@roles.staff_required
@require_http_methods(["GET", "POST"])
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    return _two_step_act(
        request,
        case,
        action="discard",
        form=DiscardForm(request.POST or None),
        title=_("Discard the draft %(reference)s") % {"reference": case.reference},
        lead=_("Discard a draft opened by mistake or on facts that did not hold."),
        effects=[
            _("The draft is never opened to the organisation; nothing more can be added."),
            _("It stays in the division's list and history, with your reason."),
        ],
        confirm_label=_("Discard the draft"),
        run=lambda data: services.case_discard(
            actor=request.user, case_id=case.pk, reason=data["reason"]
        ),
        done=_("The draft was discarded."),
    )


@roles.exporter_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    return _act(
        request,
        case,
        lambda: services.case_acknowledge_order(actor=request.user, case_id=case.pk),
        _("Receipt of the improvement order was recorded."),
    )


def order_pdf_response(case: ComplianceCase) -> HttpResponse:
    response = HttpResponse(order_notice_pdf(case), content_type="application/pdf")
    filename = case.order_number or f"{case.reference}-order-draft"
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    # A legal notice to one company: never kept by a shared cache or the browser's disk.
    response["Cache-Control"] = "private, no-store"
    return response


@participant_required
def order_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return order_pdf_response(selectors.order_case_for_user(request.user, pk))


# --- the notices' wording (administrators) ---------------------------------------------------


@roles.administrator_required
def wording_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "compliance/wording_list.html", {"wordings": selectors.notice_wordings()}
    )


@roles.administrator_required
@require_http_methods(["GET", "POST"])
def wording_edit(request: HttpRequest, pk: int) -> HttpResponse:
    wording = get_object_or_404(NoticeWording, pk=pk)
    back = reverse("compliance:wording_list")
    title = _("Legal basis of the %(notice)s notice") % {"notice": wording}

    def form_page(form: WordingForm, status: int) -> HttpResponse:
        return render(
            request,
            "compliance/form.html",
            {
                "form": form,
                "title": title,
                "lead": _(
                    "The wording is printed on every notice of this kind issued from now on."
                ),
                "action_url": request.path,
                "submit_label": _("Continue"),
                "cancel_url": back,
            },
            status=status,
        )

    def confirm_page(form: WordingForm) -> HttpResponse:
        return render(
            request,
            "portal/confirm.html",
            {
                "form": form,
                "answers": confirm.answers(form),
                "title": title,
                "effects": [
                    _("Notices of this kind issued from now on carry the new wording."),
                    _("Notices already issued keep the wording they were issued with."),
                ],
                "action_url": request.path,
                "confirm_label": _("Save the wording"),
                "cancel_url": back,
            },
        )

    def act(form: WordingForm) -> HttpResponse | None:
        try:
            services.notice_wording_update(
                actor=request.user,
                wording_id=wording.pk,
                legal_basis=form.cleaned_data["legal_basis"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
            return None
        messages.success(request, _("The wording was saved."))
        return redirect(back)

    return confirm.two_steps(
        request,
        form=WordingForm(request.POST or None, initial={"legal_basis": wording.legal_basis}),
        form_page=form_page,
        confirm_page=confirm_page,
        act=act,
        invalid_status=400,
    )
