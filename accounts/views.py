"""Accounts pages: a company registers, METI reviews it, the organisation's administrator
manages its people, METI administrators manage staff accounts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.models import Role, User
from portal.roles import administrator_required, organisation_administrator_required
from signin.http import client_ip

from . import selectors, services, tokens
from .forms import (
    InvitationAcceptForm,
    InvitationForm,
    MemberRoleForm,
    RegistrationForm,
    RejectionForm,
    SecondFactorForm,
    StaffCreateForm,
    StaffEditForm,
)
from .models import ApplicationStatus, Invitation, OrganisationApplication

APPLICATION_STATUS_LABELS = {
    ApplicationStatus.PENDING.value: gettext_lazy("Waiting for review"),
    ApplicationStatus.APPROVED.value: gettext_lazy("Approved"),
    ApplicationStatus.REJECTED.value: gettext_lazy("Rejected"),
}


def _submit(form: Any, action: Callable[[dict], Any]) -> Any:
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


def _run(request: HttpRequest, action: Callable[[], Any]) -> Any:
    """Run a one-button action; a refusal becomes an error message on the next page."""
    try:
        return action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return None


def _form_page(request: HttpRequest, form: Any, **context: Any) -> HttpResponse:
    return render(request, "accounts/form.html", {"form": form, **context})


def _link_problem(exc: tokens.LinkError, *, kind: str) -> str:
    """What to tell someone whose confirmation (kind "confirm") or invitation link fails."""
    if isinstance(exc, tokens.LinkExpired):
        if kind == "confirm":
            return _("This link has expired. Please apply again.")
        return _(
            "This invitation has expired. Ask your organisation's administrator to send it again."
        )
    if isinstance(exc, tokens.LinkUsed):
        if kind == "confirm":
            return _(
                "This link has already been used: your e-mail address is confirmed and the "
                "application is with METI. You will hear from us by e-mail."
            )
        return _("This invitation has already been accepted. Sign in with your user name.")
    if isinstance(exc, tokens.LinkRevoked):
        return _("This invitation was withdrawn by your organisation's administrator.")
    if kind == "confirm":
        return _("This link is not valid. Check that you copied all of it from the e-mail.")
    return _(
        "This invitation link is not valid. It may have been replaced by a newer one: use the "
        "link in the latest e-mail."
    )


# --- registration (public) ------------------------------------------------------------------


def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = _submit(
                form,
                lambda data: services.application_submit(
                    data={**data, "password": data["password1"]}, ip=client_ip(request)
                ),
            )
        except services.TooManyApplications:
            form.add_error(
                None,
                _(
                    "Too many applications were sent from your network in the last hour. "
                    "Nothing was sent this time: try again in an hour, or contact METI."
                ),
            )
            return render(request, "accounts/register.html", {"form": form}, status=429)
        if application is not None:
            request.session["accounts_applied_email"] = application.email
            return redirect("accounts:register_sent")
    return render(request, "accounts/register.html", {"form": form})


def register_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/register_sent.html",
        {"email": request.session.get("accounts_applied_email", "")},
    )


def register_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation e-mail: GET shows a button, POST confirms (once)."""
    if request.method == "POST":
        try:
            services.application_confirm_email(token=token)
        except tokens.LinkError as exc:
            return render(
                request,
                "accounts/register_confirm.html",
                {"problem": _link_problem(exc, kind="confirm")},
            )
        messages.success(request, _("Thank you: your e-mail address is confirmed."))
        return redirect("accounts:register_confirm", token=token)
    try:
        application = selectors.application_for_token(token)
    except tokens.LinkError as exc:
        return render(
            request,
            "accounts/register_confirm.html",
            {
                "problem": _link_problem(exc, kind="confirm"),
                "used": isinstance(exc, tokens.LinkUsed),
            },
        )
    return render(request, "accounts/register_confirm.html", {"application": application})


# --- applications (METI administrators) -----------------------------------------------------


@administrator_required
def application_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", ApplicationStatus.PENDING)
    if status not in APPLICATION_STATUS_LABELS:
        status = ApplicationStatus.PENDING
    page = Paginator(selectors.applications(status), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/application_list.html",
        {"page": page, "status": status, "statuses": APPLICATION_STATUS_LABELS.items()},
    )


def _application(pk: int) -> OrganisationApplication:
    # Unconfirmed applications are not METI's business until the applicant confirms.
    return get_object_or_404(
        OrganisationApplication.objects.exclude(status=ApplicationStatus.UNCONFIRMED), pk=pk
    )


@administrator_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(pk)
    return render(
        request,
        "accounts/application_detail.html",
        {
            "application": application,
            "registered": selectors.organisation_by_corporate_number(application.corporate_number),
            "same_number": selectors.applications_for_same_number(application),
        },
    )


@administrator_required
@require_POST
def application_approve(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(pk)
    approved = _run(
        request,
        lambda: services.application_approve(actor=request.user, application_id=application.pk),
    )
    if approved is None:
        return redirect("accounts:application_detail", pk=application.pk)
    messages.success(
        request,
        _("%(company)s is registered; %(username)s is its administrator.")
        % {"company": approved.organisation, "username": approved.user.username},
    )
    return redirect("accounts:application_list")


@administrator_required
def application_reject(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(pk)
    form = RejectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        rejected = _submit(
            form,
            lambda data: services.application_reject(
                actor=request.user, application_id=application.pk, reason=data["reason"]
            ),
        )
        if rejected is not None:
            messages.success(
                request,
                _("The application of %(company)s was rejected and the applicant told why.")
                % {"company": rejected.name_ja},
            )
            return redirect("accounts:application_list")
    return _form_page(
        request,
        form,
        title=_("Reject the application of %(company)s") % {"company": application.name_ja},
        submit_label=_("Reject"),
        danger=True,
        cancel_url=reverse("accounts:application_detail", kwargs={"pk": application.pk}),
    )


# --- the organisation's members (its administrators) --------------------------------------


def _member(request: HttpRequest, pk: int) -> User:
    """A member of the administrator's own organisation; anyone else's is a 404."""
    return get_object_or_404(
        User, pk=pk, role=Role.EXPORTER, organisation_id=request.user.organisation_id
    )


def _invitation(request: HttpRequest, pk: int) -> Invitation:
    return get_object_or_404(Invitation, pk=pk, organisation_id=request.user.organisation_id)


@organisation_administrator_required
def member_list(request: HttpRequest) -> HttpResponse:
    organisation = request.user.organisation
    return render(
        request,
        "accounts/member_list.html",
        {
            "organisation": organisation,
            "members": selectors.member_list(organisation),
            "invitations": selectors.invitations_pending(organisation),
        },
    )


@organisation_administrator_required
def member_invite(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sent = _submit(
            form, lambda data: services.invitation_send(actor=request.user, email=data["email"])
        )
        if sent is not None:
            messages.success(
                request, _("An invitation was sent to %(email)s.") % {"email": sent[0].email}
            )
            return redirect("accounts:member_list")
    return _form_page(
        request,
        form,
        title=_("Invite a colleague"),
        intro=_(
            "Your colleague receives an e-mail with a link to create their account as a "
            "member of %(company)s. You can make them an administrator afterwards."
        )
        % {"company": request.user.organisation},
        submit_label=_("Send the invitation"),
        cancel_url=reverse("accounts:member_list"),
    )


@organisation_administrator_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    form = MemberRoleForm(
        request.POST or None, initial={"organisation_role": member.organisation_role}
    )
    if request.method == "POST" and form.is_valid():
        updated = _submit(
            form,
            lambda data: services.member_set_role(
                actor=request.user,
                member_id=member.pk,
                organisation_role=data["organisation_role"],
            ),
        )
        if updated is not None:
            messages.success(
                request,
                _("%(name)s's role is now: %(role)s.")
                % {"name": updated.display_name, "role": updated.get_organisation_role_display()},
            )
            return redirect("accounts:member_list")
    return render(request, "accounts/member_detail.html", {"member": member, "form": form})


@organisation_administrator_required
@require_POST
def member_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    done = _run(
        request, lambda: services.member_deactivate(actor=request.user, member_id=member.pk)
    )
    if done is None:
        return redirect("accounts:member_detail", pk=member.pk)
    messages.success(
        request,
        _("%(name)s can no longer sign in. Their reports stay with the organisation.")
        % {"name": done.display_name},
    )
    return redirect("accounts:member_list")


@organisation_administrator_required
@require_POST
def member_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    done = _run(
        request, lambda: services.member_reactivate(actor=request.user, member_id=member.pk)
    )
    if done is not None:
        messages.success(request, _("%(name)s can sign in again.") % {"name": done.display_name})
    return redirect("accounts:member_list")


@organisation_administrator_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    done = _run(
        request,
        lambda: services.invitation_resend(actor=request.user, invitation_id=invitation.pk),
    )
    if done is not None:
        messages.success(
            request,
            _("A new link was sent to %(email)s; the previous one no longer works.")
            % {"email": invitation.email},
        )
    return redirect("accounts:member_list")


@organisation_administrator_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    done = _run(
        request,
        lambda: services.invitation_revoke(actor=request.user, invitation_id=invitation.pk),
    )
    if done is not None:
        messages.success(
            request,
            _("The invitation of %(email)s was withdrawn.") % {"email": invitation.email},
        )
    return redirect("accounts:member_list")


@organisation_administrator_required
def organisation_settings(request: HttpRequest) -> HttpResponse:
    organisation = request.user.organisation
    # A checkbox left unticked sends nothing: the form is bound on any POST.
    form = SecondFactorForm(
        request.POST if request.method == "POST" else None,
        initial={"second_factor_required": organisation.second_factor_required},
    )
    if request.method == "POST" and form.is_valid():
        updated = _submit(
            form,
            lambda data: services.organisation_second_factor_set(
                actor=request.user, required=data["second_factor_required"]
            ),
        )
        if updated is not None:
            if updated.second_factor_required:
                messages.success(request, _("Every member must now use a second factor."))
            else:
                messages.success(request, _("A second factor is now each member's choice."))
            return redirect("accounts:member_list")
    return _form_page(
        request,
        form,
        title=_("Sign-in settings of %(company)s") % {"company": organisation},
        intro=_(
            "With a second factor, signing in needs a code from an authenticator app as well "
            "as the password. Members without one are asked to set it up when they next sign in."
        ),
        submit_label=_("Save"),
        cancel_url=reverse("accounts:member_list"),
    )


# --- accepting an invitation (public) -------------------------------------------------------


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = selectors.invitation_for_token(token)
    except tokens.LinkError as exc:
        return render(
            request,
            "accounts/invitation_accept.html",
            {"problem": _link_problem(exc, kind="invitation")},
        )
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = _submit(
                form,
                lambda data: services.invitation_accept(
                    token=token, data={**data, "password": data["password1"]}
                ),
            )
        except tokens.LinkError as exc:  # used or revoked while the form was open
            return render(
                request,
                "accounts/invitation_accept.html",
                {"problem": _link_problem(exc, kind="invitation")},
            )
        if user is not None:
            messages.success(
                request,
                _("Your account is ready. Sign in with the user name %(username)s.")
                % {"username": user.username},
            )
            return redirect("login")
    return render(
        request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form}
    )


# --- METI staff (METI administrators) -------------------------------------------------------


STAFF_ROLE_LABELS = {
    Role.OFFICER.value: Role.OFFICER.label,
    Role.SUPERVISOR.value: Role.SUPERVISOR.label,
    Role.ADMINISTRATOR.value: Role.ADMINISTRATOR.label,
}


def _staff(pk: int) -> User:
    return get_object_or_404(
        User.objects.select_related("division"), pk=pk, role__in=selectors.STAFF_ROLES
    )


@administrator_required
def staff_list(request: HttpRequest) -> HttpResponse:
    role = request.GET.get("role", "")
    active = request.GET.get("active", "")
    page = Paginator(selectors.staff_list(role=role, active=active), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/staff_list.html",
        {"page": page, "role": role, "active": active, "roles": STAFF_ROLE_LABELS.items()},
    )


@administrator_required
def staff_create(request: HttpRequest) -> HttpResponse:
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = _submit(form, lambda data: services.staff_create(actor=request.user, data=data))
        if user is not None:
            messages.success(
                request,
                _("%(username)s was created; a link to set the password was sent to %(email)s.")
                % {"username": user.username, "email": user.email},
            )
            return redirect("accounts:staff_list")
    return _form_page(
        request,
        form,
        title=_("Add a METI staff account"),
        submit_label=_("Create the account"),
        cancel_url=reverse("accounts:staff_list"),
    )


@administrator_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _staff(pk)
    initial = {
        "last_name": person.last_name,
        "first_name": person.first_name,
        "email": person.email,
        "role": person.role,
        "division": person.division_id,
    }
    form = StaffEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        updated = _submit(
            form,
            lambda data: services.staff_update(actor=request.user, staff_id=person.pk, data=data),
        )
        if updated is not None:
            messages.success(request, _("%(username)s was saved.") % {"username": updated.username})
            return redirect("accounts:staff_list")
    return render(request, "accounts/staff_detail.html", {"person": person, "form": form})


def _staff_action(service: Callable[..., User], success: Any) -> Callable:
    """A one-button POST on a staff account: run the service, say what happened, go back."""

    @administrator_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        person = _staff(pk)
        done = _run(request, lambda: service(actor=request.user, staff_id=person.pk))
        if done is not None:
            messages.success(request, str(success) % {"username": done.username})
        return redirect("accounts:staff_detail", pk=person.pk)

    return view


staff_deactivate = _staff_action(
    services.staff_deactivate, gettext_lazy("%(username)s can no longer sign in.")
)
staff_reactivate = _staff_action(
    services.staff_reactivate, gettext_lazy("%(username)s can sign in again.")
)
staff_password_link = _staff_action(
    services.staff_password_link_send,
    gettext_lazy("A link to set the password was sent to %(username)s."),
)
staff_second_factor_reset = _staff_action(
    services.staff_second_factor_reset,
    gettext_lazy(
        "%(username)s's second factor was removed; they set up a new one when they next sign in."
    ),
)
staff_unlock = _staff_action(services.staff_unlock, gettext_lazy("%(username)s was unlocked."))
