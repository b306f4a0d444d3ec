"""Consultation pages: the lists, opening one, its page with the thread, and its actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dialogue import threads
from dialogue.views import attachment_response
from portal import confirm, roles
from portal.errors import InvalidTransition
from portal.models import Division
from portal.services import notification_mark_read
from portal.text import by_language

from . import lifecycle, selectors, services
from .forms import (
    AttachmentForm,
    CloseForm,
    ConsultationForm,
    GeneralDeskForm,
    LinkReportForm,
    ListFilterForm,
    MessageForm,
    TransferForm,
)
from .models import Consultation, Outcome

participant_required = roles.role_required(lambda u: roles.is_exporter(u) or roles.is_meti_staff(u))


def _back(consultation: Consultation) -> HttpResponse:
    return redirect("consultations:detail", consultation.pk)


def _add_errors(form, exc: ValidationError, fields: dict[str, str] | None = None) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            field = (fields or {}).get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _run(form, action: Callable[[], Any], fields: dict[str, str] | None = None) -> tuple[Any, int]:
    """Call a service for a page; its refusals become errors on the form, with the status the
    API would answer (400 field errors, 413 too large, 409 wrong state)."""
    try:
        return action(), 200
    except threads.AttachmentTooLarge as exc:
        _add_errors(form, exc, fields)
        return None, 413
    except ValidationError as exc:
        _add_errors(form, exc, fields)
        return None, 400
    except InvalidTransition as exc:
        form.add_error(None, str(exc.message))
        return None, 409


# --- lists --------------------------------------------------------------------------------------


@participant_required
def consultation_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = ListFilterForm(request.GET)
    filters.is_valid()
    show = filters.cleaned_data.get("show") or ""
    page = Paginator(selectors.consultation_list(user, show=show), 25).get_page(
        filters.cleaned_data.get("page")
    )
    now = timezone.now()
    unread = threads.thread_unread_counts(
        user,
        [c.thread_id for c in page],
        include_internal=roles.is_meti_staff(user),
    )
    rows = [
        {
            "consultation": c,
            "waiting_days": selectors.waiting_working_days(c, now) if c.is_open else None,
            "unread": unread.get(c.thread_id, 0),
        }
        for c in page
    ]
    return render(
        request,
        "consultations/list.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "is_staff": roles.is_meti_staff(user),
            "show": show,
        },
        status=400 if filters.errors else 200,
    )


@roles.exporter_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    form = ConsultationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            consultation, status = _run(
                form,
                lambda: services.consultation_create(
                    actor=request.user,
                    subject=data["subject"],
                    description=data["description"],
                    technology=data["technology"] or "",
                    counterparty_country=data["counterparty_country"] or "",
                    planned_contract_date=data["planned_contract_date"],
                ),
            )
            if consultation is not None:
                messages.success(
                    request,
                    _("Consultation %(reference)s was sent to %(division)s.")
                    % {
                        "reference": consultation.reference,
                        "division": consultation.responsible_division.name,
                    },
                )
                return _back(consultation)
        else:
            status = 400
    return render(request, "consultations/create.html", {"form": form}, status=status)


# --- the consultation's page --------------------------------------------------------------------


@participant_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    consultation = selectors.consultation_for_user(user, pk)
    actions = selectors.available_actions(user, consultation)
    thread = list(selectors.messages_for(user, consultation).prefetch_related("attachments"))
    last_read = threads.thread_last_read(user, consultation.thread_id)
    for message in thread:
        message.is_unread = message.pk > last_read and message.author_id != user.pk
    if thread:
        threads.thread_mark_read(
            user=user, thread_id=consultation.thread_id, up_to_message_id=max(m.pk for m in thread)
        )
    kinds = sorted(services.allowed_kinds(user))
    is_member = roles.is_member_of_organisation(user, consultation.organisation_id)
    context = {
        "consultation": consultation,
        "actions": actions,
        "is_member": is_member,
        "is_officer": selectors.can_see_internal(user, consultation),
        "thread_messages": thread,
        "unread": sum(1 for m in thread if m.is_unread),
        "attachment_url_name": "consultations:attachment_download",
        "owner_pk": consultation.pk,
        "loose_attachments": [
            a for a in selectors.attachments_for(user, consultation) if a.message_id is None
        ],
        "message_form": MessageForm(
            allowed_kinds=kinds,
            initial={"kind": "question" if is_member else "advice"},
            auto_id="cs-msg-%s",
        ),
        "attachment_form": AttachmentForm(auto_id="cs-file-%s"),
        "linked_reports": selectors.linked_reports(user, consultation),
        "history": selectors.history(consultation),
        "waiting_days": selectors.waiting_working_days(consultation, timezone.now()),
    }
    notification_mark_read(user=user, url=consultation.get_absolute_url())
    return render(request, "consultations/detail.html", context)


def _form_page(request, consultation, form, *, title: str, template: str, status: int = 200):
    return render(
        request,
        template,
        {"consultation": consultation, "form": form, "title": title},
        status=status,
    )


@participant_required
@require_http_methods(["GET", "POST"])
def message_post(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_for_user(request.user, pk)
    form = MessageForm(
        request.POST or None,
        request.FILES or None,
        allowed_kinds=services.allowed_kinds(request.user),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            files = [data["attachment"]] if data.get("attachment") else []
            result, status = _run(
                form,
                lambda: services.consultation_post_message(
                    actor=request.user,
                    consultation_id=consultation.pk,
                    kind=data["kind"],
                    body=data["body"],
                    files=files,
                ),
                fields={"file": "attachment"},
            )
            if result is not None:
                messages.success(request, _("Your message was posted."))
                return _back(consultation)
        else:
            status = 400
    return _form_page(
        request,
        consultation,
        form,
        title=_("Post a message"),
        template="consultations/upload_form.html",
        status=status,
    )


@participant_required
@require_http_methods(["GET", "POST"])
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_for_user(request.user, pk)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result, status = _run(
                form,
                lambda: services.consultation_attach(
                    actor=request.user,
                    consultation_id=consultation.pk,
                    file=form.cleaned_data["file"],
                ),
            )
            if result is not None:
                messages.success(request, _("The file was added."))
                return _back(consultation)
        else:
            status = 400
    return _form_page(
        request,
        consultation,
        form,
        title=_("Add a file"),
        template="consultations/upload_form.html",
        status=status,
    )


@participant_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    return attachment_response(selectors.attachment_for_user(request.user, pk, attachment_pk))


# --- the officers' actions ----------------------------------------------------------------------


def _confirmed_action(
    request: HttpRequest,
    consultation: Consultation,
    *,
    name: str,
    form: Any,
    title: str,
    template: str,
    action: Callable[[dict], Any],
    success: str,
    confirmation: Callable[[Any], dict[str, Any]],
) -> HttpResponse:
    """The form, a confirmation of what was entered and what it does, then the service."""

    def form_page(form: Any, status: int) -> HttpResponse:
        return _form_page(
            request, consultation, form, title=title, template=template, status=status
        )

    def confirm_page(form: Any) -> HttpResponse:
        return render(
            request,
            "portal/confirm.html",
            {
                "form": form,
                "answers": confirm.answers(form),
                "action_url": request.path,
                "cancel_url": consultation.get_absolute_url(),
                "title": title,
                **confirmation(form),
            },
        )

    def act(form: Any) -> HttpResponse | None:
        result, status = _run(form, lambda: action(form.cleaned_data))
        if result is None:
            return form_page(form, status)
        messages.success(request, success)
        return _back(consultation)

    return confirm.two_steps(
        request,
        form=form,
        form_page=form_page,
        confirm_page=confirm_page,
        act=act,
        invalid_status=400,
        refusal=lambda: lifecycle.state_refusal(consultation, request.user, name),
        leave_to=consultation.get_absolute_url(),
    )


def _company(consultation: Consultation) -> str:
    return str(by_language(consultation.organisation.name_ja, consultation.organisation.name_en))


@roles.staff_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_for_user(request.user, pk)
    lifecycle.require_actor(consultation, request.user, "close")

    def effects(form: Any) -> dict[str, Any]:
        outcome = Outcome(form.cleaned_data["outcome"])
        lines = [
            _("The consultation is closed with the outcome “%(outcome)s”.")
            % {"outcome": outcome.label},
            _("%(company)s is told and reads your summary.") % {"company": _company(consultation)},
            _("Nothing more can be posted in the consultation."),
        ]
        if outcome == Outcome.REPORT_NEEDED:
            lines.append(_("The company can then file the prior report from the consultation."))
        return {"effects": lines, "irreversible": True, "confirm_label": _("Close")}

    return _confirmed_action(
        request,
        consultation,
        name="close",
        form=CloseForm(request.POST or None, auto_id="close-%s"),
        title=_("Close consultation %(reference)s") % {"reference": consultation.reference},
        template="consultations/close.html",
        action=lambda data: lifecycle.consultation_close(
            actor=request.user,
            consultation_id=consultation.pk,
            outcome=data["outcome"],
            rule=data["rule"],
            summary=data["summary"],
        ),
        success=_("The consultation was closed."),
        confirmation=effects,
    )


@roles.staff_required
@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_for_user(request.user, pk)
    lifecycle.require_actor(consultation, request.user, "transfer")
    divisions = selectors.transfer_divisions(consultation)

    def effects(form: Any) -> dict[str, Any]:
        target = Division.objects.filter(pk=form.cleaned_data["division"]).first()
        return {
            "effects": [
                _("The consultation moves to %(division)s, whose officers are told.")
                % {"division": target.name if target else "—"},
                _("Your division no longer sees it, its messages or its files."),
                _("%(company)s is told which division now handles it (not your reason).")
                % {"company": _company(consultation)},
            ],
            "confirm_label": _("Transfer"),
        }

    return _confirmed_action(
        request,
        consultation,
        name="transfer",
        form=TransferForm(request.POST or None, divisions=divisions, auto_id="transfer-%s"),
        title=_("Transfer consultation %(reference)s") % {"reference": consultation.reference},
        template="consultations/transfer.html",
        action=lambda data: services.consultation_transfer(
            actor=request.user,
            consultation_id=consultation.pk,
            division_id=data["division"],
            reason=data["reason"],
        ),
        success=_("The consultation was transferred."),
        confirmation=effects,
    )


# --- the company's reports ----------------------------------------------------------------------


@roles.exporter_required
@require_http_methods(["POST"])
def file_report(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_for_user(request.user, pk)
    try:
        report = services.consultation_file_report(
            actor=request.user, consultation_id=consultation.pk
        )
    except ValidationError as exc:
        messages.error(request, " ".join(str(m) for m in exc.messages))
        return _back(consultation)
    messages.success(
        request,
        _("A draft report was started from consultation %(reference)s and linked to it.")
        % {"reference": consultation.reference},
    )
    return redirect("reports:edit", report.pk)


LINKABLE_ON_PAGE = 100


@roles.exporter_required
@require_http_methods(["GET", "POST"])
def link_report(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_for_user(request.user, pk)
    lifecycle.require_actor(consultation, request.user, "link_report")
    # The organisation's most recent reports only, so the page stays small; the API links
    # any of them by id.
    recent = selectors.linkable_reports(request.user, consultation)[:LINKABLE_ON_PAGE]
    form = LinkReportForm(request.POST or None, reports=recent)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result, status = _run(
                form,
                lambda: services.consultation_link_report(
                    actor=request.user,
                    consultation_id=consultation.pk,
                    report_id=form.cleaned_data["report"],
                ),
            )
            if result is not None:
                messages.success(request, _("The report was linked to the consultation."))
                return _back(consultation)
        else:
            status = 400
    return _form_page(
        request,
        consultation,
        form,
        title=_("Link a report to %(reference)s") % {"reference": consultation.reference},
        template="consultations/link_report.html",
        status=status,
    )


# --- the general desk ---------------------------------------------------------------------------


@roles.administrator_required
@require_http_methods(["GET", "POST"])
def general_desk(request: HttpRequest) -> HttpResponse:
    current = selectors.general_desk_division()
    divisions = Division.objects.order_by("code")
    form = GeneralDeskForm(
        request.POST or None,
        divisions=divisions,
        initial={"division": current.pk if current else None},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result, status = _run(
                form,
                lambda: services.general_desk_set(
                    actor=request.user, division_id=form.cleaned_data["division"]
                ),
            )
            if result is not None:
                messages.success(request, _("The general desk was changed."))
                return redirect("consultations:general_desk")
        else:
            status = 400
    return render(
        request,
        "consultations/general_desk.html",
        {"form": form, "current": current},
        status=status,
    )


def report_panel_context(request: HttpRequest, report: Any) -> dict[str, Any]:
    """For templates/consultations/_report_panel.html on the report page."""
    return {"linked_consultations": selectors.consultations_for_report(request.user, report)}
