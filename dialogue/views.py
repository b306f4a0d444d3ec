"""Dialogue pages: the officers' queue, the thread panel in the report page and its actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal import confirm, roles
from portal.errors import InvalidTransition
from portal.text import by_language
from reports import clock, lifecycle
from reports.models import Report, Status
from reports.selectors import clock_overview, report_for_user

from . import selectors, services, threads
from .forms import (
    AttachmentForm,
    ConcludeForm,
    MessageForm,
    NotSubjectForm,
    QueueFilterForm,
    ReassignForm,
)
from .models import EXPORTER_KINDS, Attachment, MessageKind

participant_required = roles.role_required(lambda u: roles.is_exporter(u) or roles.is_meti_staff(u))


def _allowed_kinds(user) -> list[str]:
    if roles.is_meti_staff(user):
        return list(MessageKind.values)
    return [k for k in MessageKind.values if k in EXPORTER_KINDS]


def _back_to_report(report: Report) -> HttpResponse:
    return redirect("reports:detail", report.pk)


def _is_local_path(request: HttpRequest, url: str) -> bool:
    """`next` may only be a path on this site (not a view name `redirect()` would look up,
    nor another host)."""
    return url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _run(form, action: Callable[[], Any], fields: dict[str, str] | None = None) -> tuple[Any, int]:
    """Call a service for a page; its refusals become errors on the form, with the status the
    API would answer (400 field errors, 413 too large, 409 wrong state). `fields` maps the
    service's field names to the form's where they differ."""
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


def _add_errors(form, exc: ValidationError, fields: dict[str, str] | None = None) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            field = (fields or {}).get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- the panel on the report page ---------------------------------------------------------


def panel_context(request: HttpRequest, report: Report) -> dict[str, Any]:
    """Context for templates/dialogue/_panel.html on the report page; viewing marks it read."""
    user = request.user
    if report.status == Status.DRAFT:
        return {"dialogue_open": False, "dialogue_draft": True}
    actions = lifecycle.available_actions(report, user)
    is_member = roles.is_member_of_organisation(user, report.organisation_id)
    thread = list(selectors.thread_messages(user, report).prefetch_related("attachments"))
    last_read = selectors.last_read_message_id(user, report)
    for message in thread:
        message.is_unread = message.pk > last_read and message.author_id != user.pk
    if thread:
        services.thread_mark_read(
            user=user, report_id=report.pk, up_to_message_id=max(m.pk for m in thread)
        )
    allowed = _allowed_kinds(user)
    return {
        "dialogue_open": "discuss" in actions,
        "dialogue_draft": False,
        "dialogue_messages": thread,
        "dialogue_unread": sum(1 for m in thread if m.is_unread),
        "dialogue_report_attachments": [
            a for a in selectors.report_attachments(user, report) if a.message_id is None
        ],
        "dialogue_can_post": "discuss" in actions,
        # Distinct id prefixes: these forms share the report page with each other and the lead's.
        "dialogue_message_form": MessageForm(
            allowed_kinds=allowed,
            initial={"kind": allowed[0] if is_member else "advice"},
            auto_id="dlg-msg-%s",
        ),
        "dialogue_attachment_form": AttachmentForm(auto_id="dlg-file-%s"),
        "dialogue_is_officer": roles.is_officer_of_division(user, report.responsible_division_id),
        "dialogue_can_start": "start_dialogue" in actions,
        "dialogue_can_conclude": "conclude" in actions,
        "dialogue_can_mark_not_subject": "mark_not_subject" in actions,
        "dialogue_conclude_form": ConcludeForm(auto_id="dlg-conclude-%s"),
        "dialogue_not_subject_form": NotSubjectForm(auto_id="dlg-not-subject-%s"),
    }


@participant_required
def thread(request: HttpRequest, pk: int) -> HttpResponse:
    """The thread on its own page (the report page shows the same panel)."""
    report = report_for_user(request.user, pk)
    shown = lifecycle.status_seen_by(request.user, report.status)
    context = {
        "report": report,
        "status": shown,
        "status_label": Status(shown).label,
        **panel_context(request, report),
    }
    return render(request, "dialogue/thread.html", context)


# --- posting --------------------------------------------------------------------------------


@participant_required
@require_http_methods(["GET", "POST"])
def message_post(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_for_user(request.user, pk)
    allowed = _allowed_kinds(request.user)
    form = MessageForm(request.POST or None, request.FILES or None, allowed_kinds=allowed)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            files = [data["attachment"]] if data.get("attachment") else []
            result, status = _run(
                form,
                lambda: services.message_post(
                    actor=request.user,
                    report_id=report.pk,
                    kind=data["kind"],
                    body=data["body"],
                    files=files,
                ),
                fields={"file": "attachment"},
            )
            if result is not None:
                messages.success(request, _("Your message was posted."))
                return _back_to_report(report)
        else:
            status = 400
    return render(
        request, "dialogue/message_form.html", {"form": form, "report": report}, status=status
    )


@participant_required
@require_http_methods(["GET", "POST"])
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_for_user(request.user, pk)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result, status = _run(
                form,
                lambda: services.attachment_upload(
                    actor=request.user, report_id=report.pk, file=form.cleaned_data["file"]
                ),
            )
            if result is not None:
                messages.success(request, _("The file was added."))
                return _back_to_report(report)
        else:
            status = 400
    return render(
        request, "dialogue/attachment_form.html", {"form": form, "report": report}, status=status
    )


def attachment_response(attachment: Attachment) -> FileResponse:
    """The stored file as a download: never shown inline, never type-sniffed by the browser."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("No such attachment.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@participant_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    return attachment_response(selectors.attachment_for_user(request.user, pk))


# --- the officers' actions ----------------------------------------------------------------


@roles.staff_required
@require_http_methods(["POST"])
def start_dialogue(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_for_user(request.user, pk)
    try:
        lifecycle.report_start_dialogue(actor=request.user, report_id=report.pk)
    except InvalidTransition as exc:
        messages.error(request, str(exc.message))
        return render(
            request,
            "dialogue/action_refused.html",
            {"report": report, "message": exc.message},
            status=409,
        )
    messages.success(request, _("The dialogue has started; the report is assigned to you."))
    return _back_to_report(report)


def _officer_form_page(
    request: HttpRequest,
    pk: int,
    name: str,
    form_class: type,
    template: str,
    action: Callable[[Report, dict], Any],
    success: str,
    confirmation: Callable[[Report], dict[str, Any]],
) -> HttpResponse:
    """Conclude and not-subject alike: the form, a confirmation showing what was entered and
    what closing the report means, then the service."""
    report = report_for_user(request.user, pk)
    lifecycle.require_actor(report, request.user, name)

    def form_page(form: Any, status: int) -> HttpResponse:
        return render(request, template, {"form": form, "report": report}, status=status)

    def confirm_page(form: Any) -> HttpResponse:
        return render(
            request,
            "portal/confirm.html",
            {
                "report": report,
                "form": form,
                "answers": confirm.answers(form),
                "action_url": request.path,
                "cancel_url": reverse("reports:detail", args=[report.pk]),
                "irreversible": True,
                **confirmation(report),
            },
        )

    def act(form: Any) -> HttpResponse | None:
        result, status = _run(form, lambda: action(report, form.cleaned_data))
        if result is None:
            return form_page(form, status)
        messages.success(request, success)
        return _back_to_report(report)

    return confirm.two_steps(
        request,
        form=form_class(request.POST or None),
        form_page=form_page,
        confirm_page=confirm_page,
        act=act,
        invalid_status=400,
        refusal=lambda: lifecycle.state_refusal(report, request.user, name),
        leave_to=reverse("reports:detail", args=[report.pk]),
    )


def _company(report: Report) -> str:
    return by_language(report.organisation.name_ja, report.organisation.name_en)


@roles.staff_required
@require_http_methods(["GET", "POST"])
def conclude(request: HttpRequest, pk: int) -> HttpResponse:
    return _officer_form_page(
        request,
        pk,
        "conclude",
        ConcludeForm,
        "dialogue/conclude.html",
        lambda report, data: lifecycle.report_conclude(
            actor=request.user,
            report_id=report.pk,
            summary=data["summary"],
            agreed_measures=data["agreed_measures"],
        ),
        _("The dialogue was concluded without an inform."),
        lambda report: {
            "title": _("Conclude the dialogue on %(reference)s without an inform")
            % {"reference": report.reference},
            "effects": [
                _("The report is closed: no inform is issued and the decision is final."),
                _(
                    "%(company)s is told that the dialogue ended without an inform, with the "
                    "summary and the agreed management measures below."
                )
                % {"company": _company(report)},
                _("The dialogue thread is closed."),
            ],
            "confirm_label": _("Conclude without an inform"),
        },
    )


@roles.staff_required
@require_http_methods(["GET", "POST"])
def not_subject(request: HttpRequest, pk: int) -> HttpResponse:
    return _officer_form_page(
        request,
        pk,
        "mark_not_subject",
        NotSubjectForm,
        "dialogue/not_subject.html",
        lambda report, data: lifecycle.report_mark_not_subject(
            actor=request.user, report_id=report.pk, rule=data["rule"], reason=data["reason"]
        ),
        _("The report was closed as not subject to reporting."),
        lambda report: {
            "title": _("Close %(reference)s as not subject to reporting")
            % {"reference": report.reference},
            "effects": [
                _("The report is closed: the transaction did not need a prior report."),
                _("%(company)s is told why, with the reason below.")
                % {"company": _company(report)},
                _("The dialogue thread is closed."),
            ],
            "confirm_label": _("Close as not subject to reporting"),
            "danger": True,
        },
    )


# --- the queue ----------------------------------------------------------------------------


@roles.staff_required
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = QueueFilterForm(request.GET or None, division_id=user.division_id)
    # A malformed filter is answered 400 with its error next to it; the valid ones still apply.
    filters: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        filters = form.cleaned_data
    page = Paginator(selectors.queue_for(user, filters), 25).get_page(filters.get("page"))
    unread = selectors.unread_message_counts(user, [r.pk for r in page])
    now = timezone.now()
    rows = []
    for report in page:
        days = clock.days_remaining(report.decision_due_at, now) if report.is_open else None
        rows.append(
            {
                "report": report,
                "days_remaining": days,
                "due_soon": days is not None and days <= selectors.DUE_SOON_DAYS,
                "unread": unread.get(report.pk, 0),
            }
        )
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "rows": rows,
        **clock_overview(user, now=now),
    }
    if roles.is_supervisor(user):
        workload = list(selectors.division_workload(user.division_id))
        context.update(
            {
                "workload": workload,
                "unassigned": selectors.unassigned_open_count(user.division_id),
                "reassign_choices": workload,
            }
        )
    return render(request, "dialogue/queue.html", context, status=400 if form.errors else 200)


@roles.supervisor_required
@require_http_methods(["GET", "POST"])
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_for_user(request.user, pk)
    staff = selectors.division_workload(report.responsible_division_id)
    form = ReassignForm(request.POST or None, staff=staff)
    status = 200
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST":
        if form.is_valid():
            result, status = _run(
                form,
                lambda: services.report_reassign(
                    actor=request.user,
                    report_id=report.pk,
                    officer_id=form.cleaned_data["officer"],
                ),
            )
            if result is not None:
                messages.success(
                    request,
                    _("%(reference)s was assigned to %(officer)s.")
                    % {
                        "reference": report.reference,
                        "officer": result.assigned_officer.display_name,
                    },
                )
                if _is_local_path(request, next_url):
                    return HttpResponseRedirect(next_url)
                return _back_to_report(report)
        else:
            status = 400
    return render(
        request,
        "dialogue/reassign.html",
        {"form": form, "report": report, "next": next_url},
        status=status,
    )
