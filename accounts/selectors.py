"""Reads of the accounts app."""

from __future__ import annotations

from django.db.models import QuerySet

from portal.models import Organisation, OrganisationRole, Role, User

from . import tokens
from .models import ApplicationStatus, Invitation, InvitationStatus, OrganisationApplication

STAFF_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR)


def organisation_by_corporate_number(corporate_number: str) -> Organisation | None:
    return Organisation.objects.filter(corporate_number=corporate_number).first()


def applications(status: str = ApplicationStatus.PENDING) -> QuerySet[OrganisationApplication]:
    """Applications in one state; the pending ones in the order their e-mail was confirmed."""
    qs = OrganisationApplication.objects.filter(status=status).select_related("decided_by")
    if status == ApplicationStatus.PENDING:
        return qs.order_by("confirmed_at", "pk")
    return qs.order_by("-decided_at", "-pk")


def applications_awaiting(**filters: str) -> QuerySet[OrganisationApplication]:
    """Confirmed applications that METI has not decided yet."""
    return OrganisationApplication.objects.filter(status=ApplicationStatus.PENDING, **filters)


def applications_for_same_number(
    application: OrganisationApplication,
) -> QuerySet[OrganisationApplication]:
    """Other confirmed or decided applications for the same corporate number."""
    return (
        OrganisationApplication.objects.filter(corporate_number=application.corporate_number)
        .exclude(pk=application.pk)
        .exclude(status=ApplicationStatus.UNCONFIRMED)
        .order_by("-submitted_at")
    )


def application_for_token(token: str) -> OrganisationApplication:
    """The application a confirmation link names, if the link may still be used.

    Raises tokens.LinkInvalid, LinkExpired, or LinkUsed (with the application).
    """
    application = OrganisationApplication.objects.filter(
        pk=tokens.application_id_from_token(token)
    ).first()
    if application is None:
        raise tokens.LinkInvalid
    if application.status != ApplicationStatus.UNCONFIRMED:
        raise tokens.LinkUsed(application)
    return application


def meti_administrators() -> QuerySet[User]:
    return User.objects.filter(role=Role.ADMINISTRATOR, is_active=True)


def organisation_members(organisation: Organisation) -> QuerySet[User]:
    """Everyone of the organisation, deactivated members included."""
    return User.objects.filter(organisation=organisation, role=Role.EXPORTER)


def organisation_administrators(organisation: Organisation) -> QuerySet[User]:
    """The organisation's active administrators."""
    return organisation_members(organisation).filter(
        organisation_role=OrganisationRole.ADMINISTRATOR, is_active=True
    )


def member_list(organisation: Organisation) -> QuerySet[User]:
    """The members page: active people first, then by name."""
    return organisation_members(organisation).order_by(
        "-is_active", "last_name", "first_name", "username"
    )


def invitations_pending(organisation: Organisation) -> QuerySet[Invitation]:
    """Invitations not yet accepted or revoked, expired ones included (they can be resent)."""
    return (
        Invitation.objects.filter(organisation=organisation, status=InvitationStatus.PENDING)
        .select_related("invited_by")
        .order_by("-sent_at", "-pk")
    )


def invitation_for_token(token: str, *, lock: bool = False) -> Invitation:
    """The invitation a link names, if the link may still be used.

    Raises tokens.LinkInvalid (unknown, or replaced by a resend), LinkUsed, LinkRevoked or
    LinkExpired, each with the invitation where there is one.
    """
    qs = Invitation.objects.select_related("organisation", "invited_by")
    if lock:
        qs = qs.select_for_update(of=("self",))
    invitation = qs.filter(token_hash=tokens.invitation_token_hash(token)).first()
    if invitation is None:
        raise tokens.LinkInvalid
    if invitation.status == InvitationStatus.ACCEPTED:
        raise tokens.LinkUsed(invitation)
    if invitation.status == InvitationStatus.REVOKED:
        raise tokens.LinkRevoked(invitation)
    if invitation.is_expired:
        raise tokens.LinkExpired(invitation)
    return invitation


def staff_list(*, role: str = "", active: str = "") -> QuerySet[User]:
    """METI officers, supervisors and administrators, by role then division then name."""
    qs = User.objects.filter(role__in=STAFF_ROLES).select_related("division")
    if role in STAFF_ROLES:
        qs = qs.filter(role=role)
    if active == "yes":
        qs = qs.filter(is_active=True)
    elif active == "no":
        qs = qs.filter(is_active=False)
    return qs.order_by("role", "division__code", "last_name", "first_name", "username")
