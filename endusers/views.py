"""End User List pages: the administrators' versions, upload, preview and confirmation; the
officers' adjudication; and the staff-only panel of matches and precedents on a report page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal import confirm, roles
from portal.errors import InvalidTransition
from reports.models import Report
from reports.precedents import precedents_for

from . import selectors, services
from .forms import AdjudicateForm, ListUploadForm
from .models import Adjudication, Match, VersionStatus

DIFF_ROWS_SHOWN = 200


def panel_context(request: HttpRequest, report: Report) -> dict[str, Any]:
    """What templates/endusers/_panel.html needs (staff of the responsible division only; the
    report page does not include the panel for anyone else)."""
    user = request.user
    same_tech, same_tech_rows = precedents_for(
        user, report, same_destination=False, page=request.GET.get("precedents")
    )
    same_dest, same_dest_rows = precedents_for(
        user, report, same_destination=True, page=request.GET.get("precedents_destination")
    )
    return {
        "enduser_panel": {
            "matches": selectors.matches_of_report(user, report),
            "can_adjudicate": selectors.can_see_matches(user, report),
            "precedents": {"page": same_tech, "rows": same_tech_rows},
            "precedents_destination": {"page": same_dest, "rows": same_dest_rows},
        }
    }


def shows_panel(user: Any, report: Report) -> bool:
    """Matches and precedents are for METI staff of the report's division, never exporters."""
    return report.status != "draft" and selectors.can_see_matches(user, report)


# --- administrators: the list's versions -------------------------------------------------------


@roles.administrator_required
def version_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.versions_all(), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "endusers/version_list.html",
        {"page": page, "in_force": selectors.version_in_force()},
    )


@roles.administrator_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ListUploadForm(request.POST, request.FILES)
    else:
        form = ListUploadForm()
    if form.is_bound and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            version = services.list_version_upload(
                actor=request.user,
                file_name=uploaded.name,
                content=uploaded.read(services.UPLOAD_MAX_BYTES + 1),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("endusers:version_detail", version.pk)
    return render(
        request,
        "endusers/upload.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@roles.administrator_required
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A version: its unreadable rows, the differences from the version in force (a preview's
    confirmation starts here), and its entries."""
    version = selectors.version_get(pk)
    in_force = selectors.version_in_force()
    diff = None
    if version.status == VersionStatus.PREVIEW:
        diff = selectors.version_diff(version, in_force)
    entries = Paginator(selectors.entries_of(version), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "endusers/version_detail.html",
        {
            "version": version,
            "in_force": in_force,
            "diff": diff,
            "diff_limit": DIFF_ROWS_SHOWN,
            "page": entries,
        },
    )


@roles.administrator_required
@require_http_methods(["GET", "POST"])
def version_apply(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.version_get(pk)
    if request.method == "GET":
        if version.status != VersionStatus.PREVIEW:
            messages.error(request, _("Only a version in preview can be applied."))
            return redirect("endusers:version_detail", version.pk)
        in_force = selectors.version_in_force()
        counts = selectors.version_diff(version, in_force).counts()
        return render(
            request,
            "portal/confirm.html",
            {
                "title": _("Apply the End User List from %(file)s") % {"file": version.source_name},
                "lead": _("Check the differences before you confirm."),
                "effects": [
                    _(
                        "The list in force changes: %(added)s added, %(removed)s removed, "
                        "%(changed)s changed."
                    )
                    % counts,
                    _("Every open report's counterparty is screened again against it."),
                    _("The version in force until now is kept on record."),
                ],
                "irreversible": False,
                "action_url": reverse("endusers:version_apply", args=[version.pk]),
                "confirm_label": _("Apply this version"),
                "cancel_url": reverse("endusers:version_detail", args=[version.pk]),
            },
        )
    try:
        version = services.list_version_apply(actor=request.user, version_id=version.pk)
    except InvalidTransition as exc:
        messages.error(request, exc.message)
        return redirect("endusers:version_detail", version.pk)
    messages.success(
        request,
        _("Version %(number)s of the End User List is in force. Open reports are being screened.")
        % {"number": version.number},
    )
    return redirect("endusers:version_list")


@roles.administrator_required
@require_POST
def version_discard(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.version_get(pk)
    try:
        services.list_version_discard(actor=request.user, version_id=version.pk)
    except InvalidTransition as exc:
        messages.error(request, exc.message)
        return redirect("endusers:version_detail", version.pk)
    messages.success(request, _("The upload was discarded; the list in force is unchanged."))
    return redirect("endusers:version_list")


# --- officers: adjudicating a match --------------------------------------------------------------


def _report_matches_url(match: Match) -> str:
    return reverse("reports:detail", args=[match.report_id]) + "#end-user-matches"


@roles.staff_required
@require_http_methods(["GET", "POST"])
def adjudicate(request: HttpRequest, pk: int) -> HttpResponse:
    """Adjudicate a candidate: the form, then a confirmation, then the record (audited)."""
    match = selectors.match_for_user(request.user, pk)
    context = {"match": match, "report": match.report}
    if match.decision != Adjudication.PENDING:
        messages.error(request, _("This match has already been adjudicated."))
        return redirect(_report_matches_url(match))

    def form_page(form: AdjudicateForm, status: int) -> HttpResponse:
        return render(request, "endusers/adjudicate.html", {**context, "form": form}, status=status)

    def confirm_page(form: AdjudicateForm) -> HttpResponse:
        return render(
            request,
            "portal/confirm.html",
            {
                **context,
                "title": _("Adjudicate the match for %(reference)s")
                % {"reference": match.report.reference},
                "details_template": "endusers/_match_details.html",
                "effects": [
                    _("The adjudication is recorded with your name and the reason, and audited."),
                    _("Supervisors see it when they decide on an inform for this report."),
                    _("It cannot be changed afterwards."),
                ],
                "irreversible": True,
                "answers": confirm.answers(form),
                "form": form,
                "action_url": reverse("endusers:adjudicate", args=[match.pk]),
                "confirm_label": _("Record the adjudication"),
                "cancel_url": _report_matches_url(match),
            },
        )

    def act(form: AdjudicateForm) -> HttpResponse | None:
        try:
            services.match_adjudicate(
                actor=request.user,
                match_id=match.pk,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return None
        except InvalidTransition as exc:
            messages.error(request, exc.message)
            return redirect(_report_matches_url(match))
        messages.success(request, _("The adjudication was recorded."))
        return redirect(_report_matches_url(match))

    return confirm.two_steps(
        request,
        form=AdjudicateForm(request.POST or None),
        form_page=form_page,
        confirm_page=confirm_page,
        act=act,
        invalid_status=400,
    )
