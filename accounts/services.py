"""Writes of the accounts app: organisation applications, invitations, members and METI staff.

Every service owns its transaction and writes its audit row. E-mails to people who have no
account yet (an applicant, an invitee) and secret links (set-password) are sent once the
transaction commits and never make the action fail; everything else goes through the
notification outbox (portal.services.notify).
"""

from __future__ import annotations

import datetime
import functools
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from portal import roles
from portal.models import Division, Organisation, OrganisationRole, Role, User
from portal.services import audit_record, notify
from portal.text import lazy_format
from signin.services import second_factor_reset, user_unlock

from . import selectors, tokens
from .models import ApplicationStatus, Invitation, InvitationStatus, OrganisationApplication

logger = logging.getLogger(__name__)

STAFF_ROLES = selectors.STAFF_ROLES

ALREADY_REGISTERED = _(
    "This company is already registered. Ask its administrator for an invitation."
)
ALREADY_REGISTERED_AT_APPROVAL = _(
    "An organisation with this corporate number is already registered, so this application "
    "cannot be approved. Reject it and tell the applicant to ask that organisation's "
    "administrator for an invitation."
)
USERNAME_TAKEN = _("This user name is already taken. Choose another.")
USERNAME_TAKEN_AT_APPROVAL = _(
    "The user name the applicant chose has been taken since they applied, so this "
    "application cannot be approved. Reject it and ask them to apply with another user name."
)
LAST_ADMINISTRATOR = _(
    "%(name)s is the organisation's last active administrator and must stay one. "
    "Make another member an administrator first."
)
LAST_METI_ADMINISTRATOR = _(
    "%(name)s is the last active METI administrator and must stay one. "
    "Make another person an administrator first."
)


# --- e-mail to people without an account, and links --------------------------------------


def _absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _in_both_languages(text: Any) -> tuple[str, str]:
    with translation.override("ja"):
        ja = str(text)
    with translation.override("en"):
        en = str(text)
    return ja, en


def mail_send(*, to: str, subject: str, body: str) -> bool:
    """Send one e-mail now. Never raises: the action that asked for it has committed."""
    try:
        send_mail(subject, body, None, [to])
    except Exception:
        logger.warning("e-mail to %s could not be sent", to, exc_info=True)
        return False
    return True


def _mail_on_commit(*, to: str, subject: Any, body: Any) -> None:
    """E-mail `to` in Japanese then English, once (and only if) the caller commits."""
    subject_ja, subject_en = _in_both_languages(subject)
    body_ja, body_en = _in_both_languages(body)
    transaction.on_commit(
        functools.partial(
            mail_send,
            to=to,
            subject=f"{subject_ja} / {subject_en}",
            body=f"{body_ja}\n\n----------------------------------------\n\n{body_en}\n",
        )
    )


def _paragraphs(*parts: Any) -> Any:
    """Lazy text of several paragraphs (each a one-line translatable string, or a link)."""
    params = {f"p{i}": part for i, part in enumerate(parts)}
    return lazy_format("\n\n".join(f"%({name})s" for name in params), params)


def _validate_password(password: str, *, username: str, email: str, first: str, last: str):
    """Django's password validators, with the person's names for the similarity check."""
    probe = User(username=username, email=email, first_name=first, last_name=last)
    try:
        password_validation.validate_password(password, user=probe)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from exc


def _check_username_free(username: str) -> None:
    """Not taken by an account, nor by an application waiting for METI (its account-to-be)."""
    if (
        User.objects.filter(username__iexact=username).exists()
        or selectors.applications_awaiting(username__iexact=username).exists()
    ):
        raise ValidationError({"username": USERNAME_TAKEN})


# --- organisation applications ------------------------------------------------------------

APPLICATION_FIELDS = (
    "name_ja",
    "name_en",
    "corporate_number",
    "address",
    "last_name",
    "first_name",
    "department",
    "email",
    "phone",
    "username",
)


class TooManyApplications(Exception):
    """More applications from one address in an hour than the setting allows."""


def _application_rate_key(ip: str) -> str:
    return f"accounts:applications:{ip}:{timezone.now():%Y%m%d%H}"


def _applications_from(ip: str | None) -> int:
    if not ip:
        return 0
    try:
        return int(cache.get(_application_rate_key(ip), 0))
    except Exception:
        # The limit protects mailboxes; an unreachable cache must not stop companies applying.
        logger.warning("registration limit: cache unavailable", exc_info=True)
        return 0


def _count_application_from(ip: str | None) -> None:
    if not ip:
        return
    key = _application_rate_key(ip)
    try:
        if not cache.add(key, 1, timeout=3600):
            cache.incr(key)
    except Exception:
        logger.warning("registration limit: cache unavailable", exc_info=True)


def application_submit(*, data: dict[str, Any], ip: str | None = None) -> OrganisationApplication:
    """Record a company's application and e-mail the applicant a link to confirm the address."""
    if _applications_from(ip) >= settings.ACCOUNTS_APPLICATIONS_PER_ADDRESS_PER_HOUR:
        raise TooManyApplications
    values = {name: (data.get(name) or "").strip() for name in APPLICATION_FIELDS}
    values["email"] = User.objects.normalize_email(values["email"])
    application = OrganisationApplication(**values)
    application.full_clean(exclude=["password_hash"])
    if selectors.organisation_by_corporate_number(values["corporate_number"]) is not None:
        raise ValidationError({"corporate_number": ALREADY_REGISTERED})
    _check_username_free(values["username"])
    password = data.get("password") or ""
    _validate_password(
        password,
        username=values["username"],
        email=values["email"],
        first=values["first_name"],
        last=values["last_name"],
    )
    with transaction.atomic():
        application.password_hash = make_password(password)
        application.save()
        audit_record(
            actor=None,
            verb="organisation_application.submit",
            target=application,
            payload={"corporate_number": application.corporate_number, "email": application.email},
        )
        link = _absolute(
            reverse(
                "accounts:register_confirm",
                kwargs={"token": tokens.application_confirmation_token(application.pk)},
            )
        )
        _mail_on_commit(
            to=application.email,
            subject=_("Confirm your e-mail address"),
            body=_paragraphs(
                lazy_format(
                    _(
                        "Thank you for applying to register %(company)s on the pre-transfer "
                        "report portal."
                    ),
                    {"company": application.name_ja},
                ),
                lazy_format(
                    _(
                        "To confirm your e-mail address and send the application to METI, open "
                        "this link within %(days)s days:"
                    ),
                    {"days": settings.ACCOUNTS_CONFIRMATION_MAX_AGE_DAYS},
                ),
                link,
                _("If you did not apply, ignore this e-mail."),
            ),
        )
    _count_application_from(ip)
    return application


def applications_unconfirmed_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete applications whose confirmation link expired long ago; returns how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(
        days=settings.ACCOUNTS_CONFIRMATION_MAX_AGE_DAYS
        + settings.ACCOUNTS_UNCONFIRMED_PURGE_AFTER_DAYS
    )
    with transaction.atomic():
        stale = list(
            OrganisationApplication.objects.select_for_update(skip_locked=True)
            .filter(status=ApplicationStatus.UNCONFIRMED, submitted_at__lt=cutoff)
            .order_by("pk")[:1000]
        )
        for application in stale:
            audit_record(
                actor=None,
                verb="organisation_application.purge",
                target=application,
                payload={"submitted_at": application.submitted_at.isoformat()},
            )
        OrganisationApplication.objects.filter(pk__in=[a.pk for a in stale]).delete()
    return len(stale)


def application_confirm_email(*, token: str) -> OrganisationApplication:
    """Confirm the applicant's address (once) and put the application before METI."""
    application_id = tokens.application_id_from_token(token)
    with transaction.atomic():
        application = (
            OrganisationApplication.objects.select_for_update().filter(pk=application_id).first()
        )
        if application is None:
            raise tokens.LinkInvalid
        if application.status != ApplicationStatus.UNCONFIRMED:
            raise tokens.LinkUsed(application)
        application.status = ApplicationStatus.PENDING
        application.confirmed_at = timezone.now()
        application.save(update_fields=["status", "confirmed_at"])
        audit_record(
            actor=None,
            verb="organisation_application.confirm",
            target=application,
            payload={"email": application.email},
        )
        notify(
            recipients=selectors.meti_administrators(),
            verb="organisation_application.confirmed",
            title=lazy_format(
                _("New organisation application: %(company)s"), {"company": application.name_ja}
            ),
            body=_("An application to register an organisation is waiting for review."),
            url=reverse("accounts:application_detail", kwargs={"pk": application.pk}),
        )
    return application


def _locked_pending_application(actor: User, application_id: int) -> OrganisationApplication:
    if not roles.is_administrator(actor):
        raise PermissionDenied
    application = OrganisationApplication.objects.select_for_update().get(pk=application_id)
    if application.status != ApplicationStatus.PENDING:
        raise ValidationError(_("This application has already been decided."))
    return application


def application_approve(*, actor: User, application_id: int) -> OrganisationApplication:
    """Create the organisation and its first administrator from a confirmed application."""
    with transaction.atomic():
        application = _locked_pending_application(actor, application_id)
        if selectors.organisation_by_corporate_number(application.corporate_number):
            raise ValidationError(ALREADY_REGISTERED_AT_APPROVAL)
        if User.objects.filter(username__iexact=application.username).exists():
            raise ValidationError(USERNAME_TAKEN_AT_APPROVAL)
        try:
            # The unique corporate number and user name decide a race the checks above lost:
            # of two approvals for one number, the second fails here and creates nothing.
            with transaction.atomic():
                organisation = Organisation.objects.create(
                    name_ja=application.name_ja,
                    # Pages and PDFs in English show name_en: without an English name, the
                    # Japanese one is the company's name in every language.
                    name_en=application.name_en or application.name_ja,
                    address=application.address,
                    corporate_number=application.corporate_number,
                )
                user = User(
                    username=application.username,
                    email=application.email,
                    last_name=application.last_name,
                    first_name=application.first_name,
                    department=application.department,
                    phone=application.phone,
                    role=Role.EXPORTER,
                    organisation=organisation,
                    organisation_role=OrganisationRole.ADMINISTRATOR,
                    is_active=True,
                    password=application.password_hash,
                )
                user.save()
        except IntegrityError as exc:
            if selectors.organisation_by_corporate_number(application.corporate_number):
                raise ValidationError(ALREADY_REGISTERED_AT_APPROVAL) from exc
            raise ValidationError(USERNAME_TAKEN_AT_APPROVAL) from exc
        application.status = ApplicationStatus.APPROVED
        application.decided_at = timezone.now()
        application.decided_by = actor
        application.organisation = organisation
        application.user = user
        application.password_hash = ""  # the account holds it now
        application.save()
        audit_record(
            actor=actor,
            verb="organisation_application.approve",
            target=application,
            payload={
                "organisation": organisation.pk,
                "corporate_number": organisation.corporate_number,
                "user": user.pk,
                "username": user.username,
            },
        )
        notify(
            recipients=[user],
            verb="organisation_application.approved",
            title=lazy_format(
                _("%(company)s is registered on the portal"), {"company": organisation.name_ja}
            ),
            body=_paragraphs(
                lazy_format(
                    _(
                        "METI approved your application. Sign in with the user name "
                        "%(username)s and the password you chose:"
                    ),
                    {"username": user.username},
                ),
                _absolute(reverse("login")),
                _(
                    "As your organisation's administrator you can invite colleagues from the "
                    "Members page."
                ),
            ),
            url=reverse("accounts:member_list"),
        )
    return application


def application_reject(*, actor: User, application_id: int, reason: str) -> OrganisationApplication:
    """Refuse an application with a reason that is e-mailed to the applicant."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    with transaction.atomic():
        application = _locked_pending_application(actor, application_id)
        application.status = ApplicationStatus.REJECTED
        application.decided_at = timezone.now()
        application.decided_by = actor
        application.rejection_reason = reason
        application.password_hash = ""
        application.save()
        audit_record(
            actor=actor,
            verb="organisation_application.reject",
            target=application,
            payload={"reason": reason},
        )
        _mail_on_commit(
            to=application.email,
            subject=_("Your application to the pre-transfer report portal"),
            body=_paragraphs(
                lazy_format(
                    _(
                        "METI could not approve the application to register %(company)s "
                        "(corporate number %(number)s)."
                    ),
                    {"company": application.name_ja, "number": application.corporate_number},
                ),
                _("Reason:"),
                reason,
            ),
        )
    return application


# --- invitations ----------------------------------------------------------------------------


def _require_organisation_administrator(actor: User, organisation_id: int | None = None) -> int:
    """The id of the organisation the actor administers (of this one, if given)."""
    if not roles.is_organisation_administrator(actor, organisation_id) or not (
        actor.organisation_id
    ):
        raise PermissionDenied
    return actor.organisation_id


def _invitation_mail(invitation: Invitation, token: str) -> None:
    link = _absolute(reverse("accounts:invitation_accept", kwargs={"token": token}))
    _mail_on_commit(
        to=invitation.email,
        subject=lazy_format(
            _("Invitation to %(company)s on the pre-transfer report portal"),
            {"company": invitation.organisation.name_ja},
        ),
        body=_paragraphs(
            lazy_format(
                _(
                    "%(inviter)s invites you to join %(company)s on METI's pre-transfer report "
                    "portal, where the company files prior reports (FEFTA Art. 55-8)."
                ),
                {
                    "inviter": invitation.invited_by.display_name,
                    "company": invitation.organisation.name_ja,
                },
            ),
            lazy_format(
                _("To create your account, open this link by %(until)s:"),
                {"until": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d %H:%M")},
            ),
            link,
            _("If you did not expect this invitation, ignore this e-mail."),
        ),
    )


def _invitation_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.ACCOUNTS_INVITATION_VALID_DAYS)


def invitation_send(*, actor: User, email: str) -> tuple[Invitation, str]:
    """Invite a colleague into the actor's organisation; returns the invitation and its token."""
    organisation = Organisation.objects.get(pk=_require_organisation_administrator(actor))
    email = User.objects.normalize_email((email or "").strip()).lower()
    if (
        selectors.organisation_members(organisation)
        .filter(email__iexact=email, is_active=True)
        .exists()
    ):
        raise ValidationError({"email": _("A member of your organisation uses this address.")})
    already_invited = _(
        "This address has an open invitation already: resend it from the members page."
    )
    if selectors.invitations_pending(organisation).filter(email__iexact=email).exists():
        raise ValidationError({"email": already_invited})
    token, token_hash = tokens.invitation_token_new()
    invitation = Invitation(
        organisation=organisation,
        email=email,
        token_hash=token_hash,
        invited_by=actor,
        expires_at=_invitation_expiry(),
    )
    invitation.full_clean(exclude=["token_hash"])
    try:
        with transaction.atomic():
            invitation.save()
            audit_record(
                actor=actor,
                verb="invitation.send",
                target=invitation,
                payload={"email": email, "organisation": organisation.pk},
            )
            _invitation_mail(invitation, token)
    except IntegrityError as exc:  # the same address invited twice at once
        raise ValidationError({"email": already_invited}) from exc
    return invitation, token


def _locked_pending_invitation(actor: User, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
    _require_organisation_administrator(actor, invitation.organisation_id)
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("This invitation was already accepted or revoked."))
    return invitation


def invitation_resend(*, actor: User, invitation_id: int) -> tuple[Invitation, str]:
    """Send a new link for a pending invitation; the previous link stops working."""
    with transaction.atomic():
        invitation = _locked_pending_invitation(actor, invitation_id)
        token, invitation.token_hash = tokens.invitation_token_new()
        invitation.sent_at = timezone.now()
        invitation.expires_at = _invitation_expiry()
        invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
        audit_record(
            actor=actor,
            verb="invitation.resend",
            target=invitation,
            payload={"email": invitation.email},
        )
        _invitation_mail(invitation, token)
    return invitation, token


def invitation_revoke(*, actor: User, invitation_id: int) -> Invitation:
    """Withdraw a pending invitation; its link stops working."""
    with transaction.atomic():
        invitation = _locked_pending_invitation(actor, invitation_id)
        invitation.status = InvitationStatus.REVOKED
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["status", "revoked_at"])
        audit_record(
            actor=actor,
            verb="invitation.revoke",
            target=invitation,
            payload={"email": invitation.email},
        )
    return invitation


ACCEPT_FIELDS = ("username", "last_name", "first_name", "department", "phone")


def invitation_accept(*, token: str, data: dict[str, Any]) -> User:
    """Create the invited colleague's account (a member of the organisation); once only."""
    values = {name: (data.get(name) or "").strip() for name in ACCEPT_FIELDS}
    with transaction.atomic():
        invitation = selectors.invitation_for_token(token, lock=True)
        _check_username_free(values["username"])
        _validate_password(
            data.get("password") or "",
            username=values["username"],
            email=invitation.email,
            first=values["first_name"],
            last=values["last_name"],
        )
        user = User(
            **values,
            email=invitation.email,
            role=Role.EXPORTER,
            organisation_id=invitation.organisation_id,
            organisation_role=OrganisationRole.MEMBER,
            is_active=True,
        )
        user.set_password(data.get("password") or "")
        user.full_clean(exclude=["password"])
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:  # the same user name taken at the same moment
            raise ValidationError({"username": USERNAME_TAKEN}) from exc
        invitation.status = InvitationStatus.ACCEPTED
        invitation.accepted_at = timezone.now()
        invitation.user = user
        invitation.save(update_fields=["status", "accepted_at", "user"])
        audit_record(
            actor=user,
            verb="invitation.accept",
            target=invitation,
            payload={"user": user.pk, "username": user.username},
        )
        notify(
            recipients=selectors.organisation_administrators(invitation.organisation),
            verb="invitation.accepted",
            title=lazy_format(_("%(name)s joined your organisation"), {"name": user.display_name}),
            body=lazy_format(
                _("%(email)s accepted the invitation and can now sign in as %(username)s."),
                {"email": user.email, "username": user.username},
            ),
            url=reverse("accounts:member_list"),
            exclude=user,
        )
    return user


# --- members of an organisation ----------------------------------------------------------


def _locked_member(actor: User, member_id: int) -> tuple[Organisation, User]:
    """Lock the actor's organisation, then the member: one change to its people at a time.

    The organisation row is the lock that serialises concurrent role changes and
    deactivations, so that two administrators demoting each other cannot both succeed. The
    actor is read again under it, in case they lost the administrator role meanwhile.
    """
    organisation_id = _require_organisation_administrator(actor)
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    fresh_actor = User.objects.get(pk=actor.pk)
    _require_organisation_administrator(fresh_actor, organisation.pk)
    member = User.objects.select_for_update().get(pk=member_id)
    if member.organisation_id != organisation.pk or member.role != Role.EXPORTER:
        raise PermissionDenied
    return organisation, member


def _check_not_last_administrator(organisation: Organisation, member: User) -> None:
    """A member about to stop being an active administrator must leave another one."""
    if not (member.is_active and member.organisation_role == OrganisationRole.ADMINISTRATOR):
        return
    others = selectors.organisation_administrators(organisation).exclude(pk=member.pk)
    if not others.exists():
        raise ValidationError(lazy_format(LAST_ADMINISTRATOR, {"name": member.display_name}))


def member_set_role(*, actor: User, member_id: int, organisation_role: str) -> User:
    """Make a member an administrator of the organisation, or a plain member."""
    if organisation_role not in OrganisationRole.values:
        raise ValidationError({"organisation_role": _("Choose a role.")})
    with transaction.atomic():
        organisation, member = _locked_member(actor, member_id)
        before = member.organisation_role
        if before == organisation_role:
            return member
        if organisation_role == OrganisationRole.MEMBER:
            _check_not_last_administrator(organisation, member)
        member.organisation_role = organisation_role
        member.save(update_fields=["organisation_role"])
        audit_record(
            actor=actor,
            verb="member.set_role",
            target=member,
            payload={
                "before": {"organisation_role": before},
                "after": {"organisation_role": organisation_role},
            },
        )
        notify(
            recipients=[member],
            verb="member.role_changed",
            title=lazy_format(
                _("Your role in %(company)s is now: %(role)s"),
                {
                    "company": organisation.name_ja,
                    "role": OrganisationRole(organisation_role).label,
                },
            ),
            exclude=actor,
        )
    return member


def member_deactivate(*, actor: User, member_id: int) -> User:
    """Stop a member signing in or using API tokens; their reports stay with the organisation."""
    with transaction.atomic():
        organisation, member = _locked_member(actor, member_id)
        if member.pk == actor.pk:
            raise ValidationError(
                _("You cannot deactivate your own account. Ask another administrator.")
            )
        if not member.is_active:
            return member
        _check_not_last_administrator(organisation, member)
        member.is_active = False
        member.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            verb="member.deactivate",
            target=member,
            payload={"organisation": organisation.pk},
        )
    return member


def member_reactivate(*, actor: User, member_id: int) -> User:
    """Let a deactivated member sign in again."""
    with transaction.atomic():
        organisation, member = _locked_member(actor, member_id)
        if member.is_active:
            return member
        member.is_active = True
        member.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            verb="member.reactivate",
            target=member,
            payload={"organisation": organisation.pk},
        )
    return member


def organisation_second_factor_set(*, actor: User, required: bool) -> Organisation:
    """Require (or stop requiring) a second factor of every member; the signin app enforces it."""
    organisation_id = _require_organisation_administrator(actor)
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
        before = organisation.second_factor_required
        if before == required:
            return organisation
        organisation.second_factor_required = required
        organisation.save(update_fields=["second_factor_required"])
        audit_record(
            actor=actor,
            verb="organisation.second_factor_required",
            target=organisation,
            payload={
                "before": {"second_factor_required": before},
                "after": {"second_factor_required": required},
            },
        )
        if required:
            notify(
                recipients=selectors.organisation_members(organisation).filter(is_active=True),
                verb="organisation.second_factor_required",
                title=_("Your organisation now requires a second factor"),
                body=_(
                    "From your next sign-in, you will be asked to set up and use an "
                    "authenticator app."
                ),
                exclude=actor,
            )
    return organisation


# --- METI staff -----------------------------------------------------------------------------


def _require_administrator(actor: User) -> None:
    if not roles.is_administrator(actor):
        raise PermissionDenied


def _staff_membership(role: str, division: Division | None) -> Division | None:
    """The division a staff role needs (officers and supervisors) or refuses (administrators)."""
    if role not in STAFF_ROLES:
        raise ValidationError({"role": _("Choose a role.")})
    if role == Role.ADMINISTRATOR:
        return None
    if division is None:
        raise ValidationError({"division": _("An officer or supervisor belongs to a division.")})
    return division


def _staff_snapshot(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "last_name": user.last_name,
        "first_name": user.first_name,
        "email": user.email,
        "role": user.role,
        "division": user.division.code if user.division_id else None,  # type: ignore[union-attr]
        "is_active": user.is_active,
    }


def _set_password_mail(user: User, *, first: bool) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = _absolute(reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}))
    intro = (
        _("An account on METI's pre-transfer report portal was created for you.")
        if first
        else _("METI's pre-transfer report portal sends you a link to set your password.")
    )
    _mail_on_commit(
        to=user.email,
        subject=_("Set your password for the pre-transfer report portal"),
        body=_paragraphs(
            intro,
            lazy_format(_("User name: %(username)s"), {"username": user.username}),
            lazy_format(
                _("Set your password with this link (it works once, for %(days)s days):"),
                {"days": settings.PASSWORD_RESET_TIMEOUT // 86400},
            ),
            link,
        ),
    )


def staff_create(*, actor: User, data: dict[str, Any]) -> User:
    """Create a METI officer, supervisor or administrator, who gets a set-password e-mail."""
    _require_administrator(actor)
    role = data.get("role") or ""
    division = _staff_membership(role, data.get("division"))
    username = (data.get("username") or "").strip()
    _check_username_free(username)
    user = User(
        username=username,
        last_name=(data.get("last_name") or "").strip(),
        first_name=(data.get("first_name") or "").strip(),
        email=User.objects.normalize_email((data.get("email") or "").strip()),
        role=role,
        division=division,
        organisation=None,
        is_active=True,
    )
    if not user.email:
        raise ValidationError({"email": _("The set-password link is sent to this address.")})
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:
            raise ValidationError({"username": USERNAME_TAKEN}) from exc
        audit_record(
            actor=actor, verb="staff.create", target=user, payload={"after": _staff_snapshot(user)}
        )
        _set_password_mail(user, first=True)
    return user


def _locked_staff(actor: User, staff_id: int) -> User:
    _require_administrator(actor)
    user = User.objects.select_for_update(of=("self",)).select_related("division").get(pk=staff_id)
    if user.role not in STAFF_ROLES:
        raise PermissionDenied
    return user


def _check_not_last_meti_administrator(user: User) -> None:
    if not (user.is_active and user.role == Role.ADMINISTRATOR):
        return
    # Lock every active administrator so that two of them cannot remove each other at once.
    others = list(
        User.objects.select_for_update()
        .filter(role=Role.ADMINISTRATOR, is_active=True)
        .exclude(pk=user.pk)
        .values_list("pk", flat=True)
    )
    if not others:
        raise ValidationError(lazy_format(LAST_METI_ADMINISTRATOR, {"name": user.display_name}))


def staff_update(*, actor: User, staff_id: int, data: dict[str, Any]) -> User:
    """Change a METI staff member's names, e-mail, role and division."""
    with transaction.atomic():
        user = _locked_staff(actor, staff_id)
        before = _staff_snapshot(user)
        role = data.get("role") or ""
        division = _staff_membership(role, data.get("division"))
        if role != user.role:
            if user.pk == actor.pk:
                raise ValidationError({"role": _("You cannot change your own role.")})
            if user.role == Role.ADMINISTRATOR:
                _check_not_last_meti_administrator(user)
                # Django's superuser flag would keep administrator rights (roles.py).
                user.is_superuser = False
                user.is_staff = False
        user.role = role
        user.division = division
        user.last_name = (data.get("last_name") or "").strip()
        user.first_name = (data.get("first_name") or "").strip()
        user.email = User.objects.normalize_email((data.get("email") or "").strip())
        if not user.email:
            raise ValidationError({"email": _("Enter an e-mail address.")})
        user.full_clean(exclude=["password"])
        user.save()
        after = _staff_snapshot(user)
        changed = [name for name in after if before[name] != after[name]]
        if changed:
            audit_record(
                actor=actor,
                verb="staff.update",
                target=user,
                payload={
                    "before": {name: before[name] for name in changed},
                    "after": {name: after[name] for name in changed},
                },
            )
    return user


def staff_deactivate(*, actor: User, staff_id: int) -> User:
    """Stop a METI staff member signing in."""
    with transaction.atomic():
        user = _locked_staff(actor, staff_id)
        if user.pk == actor.pk:
            raise ValidationError(
                _("You cannot deactivate your own account. Ask another administrator.")
            )
        if not user.is_active:
            return user
        _check_not_last_meti_administrator(user)
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, verb="staff.deactivate", target=user, payload={})
    return user


def staff_reactivate(*, actor: User, staff_id: int) -> User:
    """Let a deactivated METI staff member sign in again."""
    with transaction.atomic():
        user = _locked_staff(actor, staff_id)
        if user.is_active:
            return user
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, verb="staff.reactivate", target=user, payload={})
    return user


def staff_password_link_send(*, actor: User, staff_id: int) -> User:
    """E-mail a staff member a new set-password link (e.g. the first one never arrived)."""
    with transaction.atomic():
        user = _locked_staff(actor, staff_id)
        audit_record(actor=actor, verb="staff.password_link_send", target=user, payload={})
        _set_password_mail(user, first=False)
    return user


def staff_second_factor_reset(*, actor: User, staff_id: int) -> User:
    """Remove a staff member's second factor so that they set up a new one (lost device).

    The signin app owns second factors; its service checks the actor and writes the audit row.
    """
    with transaction.atomic():
        user = _locked_staff(actor, staff_id)
        second_factor_reset(actor=actor, user=user)
    return user


def staff_unlock(*, actor: User, staff_id: int) -> User:
    """Clear the lock that failed sign-ins put on a staff account (audited by signin)."""
    with transaction.atomic():
        user = _locked_staff(actor, staff_id)
        user_unlock(actor=actor, user=user)
    return user
