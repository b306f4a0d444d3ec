"""Writes of the gbizid app: signing in with gBizID, linking and unlinking a portal account.

gBizID has verified a Prime holder (seal certificate or My Number card) and the Prime holder
has created each Member, and gBizID gives the company's corporate number itself. So a Prime
holder's first sign-in registers the company without METI's review, and a Member joins the
company their Prime holder registered. Entry accounts are self-declared: they, and anyone
without a corporate number, apply through the portal's own registration.

Every sign-in, refusal and failure is in the audit trail. A refusal is recorded after its
transaction has rolled back, so that nothing of the refused sign-in stays but the record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import selectors as account_selectors
from portal import roles
from portal.models import Organisation, OrganisationRole, Role, User
from portal.services import audit_record, notify
from portal.text import lazy_format
from signin.services import signin_success_record

from .claims import GbizidIdentity
from .models import AccountType, GbizidLink, GbizidSessionDevice

# Why a gBizID sign-in or link was refused; templates/gbizid/refused.html explains each.
REGISTER = "register"  # an Entry account, or no corporate number: the portal's registration
PRIME_FIRST = "prime_first"  # a Member whose company nobody has registered yet
CORPORATE_NUMBER_MISMATCH = "corporate_number_mismatch"
METI_STAFF = "meti_staff"
INACTIVE = "inactive"
LOCKED = "locked"
ENTRY_LINK = "entry_link"  # an Entry account's company is not verified: it cannot be linked
LINKED_TO_ANOTHER = "linked_to_another"  # this gBizID account signs in another portal account
ALREADY_LINKED = "already_linked"  # this portal account has another gBizID account

VERIFIED_ACCOUNT_TYPES = (AccountType.PRIME, AccountType.MEMBER)
# The person's details that every sign-in copies from gBizID (an empty claim changes nothing).
UPDATED_FIELDS = ("last_name", "first_name", "department", "email")


class GbizidRefused(Exception):
    """gBizID said who the person is, and the portal does not let them in (see `reason`)."""

    def __init__(
        self,
        reason: str,
        *,
        user: User | None = None,
        organisation: Organisation | None = None,
    ):
        super().__init__(reason)
        self.reason = reason
        self.user = user
        self.organisation = organisation


@dataclass
class SigninResult:
    user: User
    # Marks the session as past a second factor (gbizid.models.GbizidSessionDevice).
    device: GbizidSessionDevice
    joined: bool  # the first sign-in: the account was created now
    organisation_created: bool


# --- the person's details -------------------------------------------------------------------


def _email(identity: GbizidIdentity) -> str:
    email = User.objects.normalize_email(identity.email)
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email


def _claimed_person(identity: GbizidIdentity) -> dict[str, str]:
    """The person's details as gBizID gives them, cut to the portal's field lengths."""
    return {
        "last_name": identity.last_name[:150],
        "first_name": identity.first_name[:150],
        "department": identity.department[:200],
        "phone": identity.phone[:40],
        "email": _email(identity),
    }


def _person_update(user: User, identity: GbizidIdentity) -> dict[str, dict[str, str]]:
    """Copy the name, department and e-mail from gBizID; returns what changed."""
    claimed = _claimed_person(identity)
    changes = {}
    for name in UPDATED_FIELDS:
        value = claimed[name]
        if value and value != getattr(user, name):
            changes[name] = {"before": getattr(user, name), "after": value}
            setattr(user, name, value)
    if changes:
        user.save(update_fields=list(changes))
    return changes


def _username_free(username: str) -> bool:
    return not (
        User.objects.filter(username__iexact=username).exists()
        or account_selectors.applications_awaiting(username__iexact=username).exists()
    )


def _username_for(identity: GbizidIdentity) -> str:
    """`gbizid-<account>`; the person signs in with gBizID and never types it."""
    base = "gbizid-" + (re.sub(r"[^\w.@+-]", "", identity.subject)[:120] or "account")
    candidate, n = base, 1
    while not _username_free(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# --- refusals and failures ------------------------------------------------------------------


def _refusal_record(
    refused: GbizidRefused, *, identity: GbizidIdentity, action: str, ip: str | None
) -> None:
    payload: dict[str, Any] = {"reason": refused.reason, "action": action, "ip": ip}
    payload.update(identity.audit())
    if refused.organisation is not None:
        payload["organisation"] = refused.organisation.pk
        payload["organisation_corporate_number"] = refused.organisation.corporate_number
    audit_record(actor=None, verb="gbizid.refused", target=refused.user, payload=payload)


def gbizid_failure_record(
    *, reason: str, detail: str, ip: str | None, user: User | None = None
) -> None:
    """A sign-in with gBizID that failed before the portal knew who it was (cancelled, expired,
    a check of the provider's answer failed). It does not count towards any lockout: nobody
    tried a password of the portal's."""
    audit_record(
        actor=user,
        verb="gbizid.failed",
        target=user,
        payload={"reason": reason, "detail": detail[:200], "ip": ip},
    )


# --- signing in -----------------------------------------------------------------------------


def _check_may_sign_in(user: User, identity: GbizidIdentity) -> None:
    """A linked account signs in if it is an active, unlocked exporter of the organisation
    whose corporate number gBizID gives now."""
    if user.role != Role.EXPORTER:
        raise GbizidRefused(METI_STAFF, user=user)
    if not user.is_active:
        raise GbizidRefused(INACTIVE, user=user)
    if user.locked_at is not None:
        raise GbizidRefused(LOCKED, user=user)
    organisation = user.organisation
    if organisation is None or identity.corporate_number != organisation.corporate_number:
        # The company changed (a merger, a new number) or the account is another company's:
        # never move the person or their organisation's reports; METI or the organisation's
        # administrator decides.
        raise GbizidRefused(CORPORATE_NUMBER_MISMATCH, user=user, organisation=organisation)


def _organisation_for_prime(identity: GbizidIdentity) -> tuple[Organisation, bool]:
    """The organisation with the Prime holder's corporate number, registered now if need be."""
    organisation = Organisation.objects.filter(corporate_number=identity.corporate_number).first()
    if organisation is not None:
        return organisation, False
    name_ja = (identity.company_name or identity.corporate_number)[:200]
    organisation = Organisation(
        name_ja=name_ja,
        # Pages and PDFs in English show name_en: without one, the Japanese name serves.
        name_en=(identity.company_name_en or name_ja)[:200],
        address=identity.company_address[:300],
        corporate_number=identity.corporate_number,
    )
    # The unique corporate number decides a race between two first sign-ins of one company:
    # the loser's transaction fails here and gbizid_signin tries once more, joining instead.
    organisation.save()
    return organisation, True


def _user_create(
    identity: GbizidIdentity, organisation: Organisation, organisation_role: str
) -> User:
    user = User(
        username=_username_for(identity),
        role=Role.EXPORTER,
        organisation=organisation,
        organisation_role=organisation_role,
        is_active=True,
        **_claimed_person(identity),
    )
    # No portal password: the account signs in with gBizID (a password can be set later
    # through "Forgot your password?" only if it has one, so it stays gBizID-only).
    user.set_unusable_password()
    user.save()
    return user


def _session_device(user: User) -> GbizidSessionDevice:
    device, _created = GbizidSessionDevice.objects.get_or_create(
        user=user, defaults={"name": "gBizID", "confirmed": True}
    )
    return device


def _joined_notify(user: User, organisation: Organisation) -> None:
    notify(
        recipients=account_selectors.organisation_administrators(organisation),
        verb="gbizid.joined",
        title=lazy_format(
            _("%(name)s joined %(company)s by signing in with gBizID"),
            {"name": user.display_name, "company": organisation.name_ja},
        ),
        body=lazy_format(
            _("Their role in the organisation: %(role)s. You can change it on the Members page."),
            {"role": OrganisationRole(user.organisation_role).label},
        ),
        url=reverse("accounts:member_detail", kwargs={"pk": user.pk}),
        exclude=user,
    )


def _signin(identity: GbizidIdentity, ip: str | None) -> SigninResult:
    with transaction.atomic():
        link = (
            GbizidLink.objects.select_for_update()
            .filter(issuer=identity.issuer, subject=identity.subject)
            .first()
        )
        if link is not None:
            user = (
                User.objects.select_for_update(of=("self",))
                .select_related("organisation")
                .get(pk=link.user_id)
            )
            _check_may_sign_in(user, identity)
            joined = organisation_created = False
        else:
            if identity.account_type not in VERIFIED_ACCOUNT_TYPES or not identity.corporate_number:
                raise GbizidRefused(REGISTER)
            if identity.account_type == AccountType.PRIME:
                organisation, organisation_created = _organisation_for_prime(identity)
                organisation_role = OrganisationRole.ADMINISTRATOR
            else:
                found = Organisation.objects.filter(
                    corporate_number=identity.corporate_number
                ).first()
                if found is None:
                    raise GbizidRefused(PRIME_FIRST)
                organisation, organisation_created = found, False
                organisation_role = OrganisationRole.MEMBER
            user = _user_create(identity, organisation, organisation_role)
            link = GbizidLink(
                user=user,
                issuer=identity.issuer,
                subject=identity.subject,
                account_type=identity.account_type,
            )
            joined = True
            if organisation_created:
                audit_record(
                    actor=user,
                    verb="gbizid.organisation_create",
                    target=organisation,
                    payload={"corporate_number": organisation.corporate_number, **identity.audit()},
                )
            audit_record(
                actor=user,
                verb="gbizid.join",
                target=user,
                payload={
                    "organisation": organisation.pk,
                    "organisation_role": organisation_role,
                    "username": user.username,
                    **identity.audit(),
                },
            )
            _joined_notify(user, organisation)
        changes = _person_update(user, identity)
        if identity.account_type in VERIFIED_ACCOUNT_TYPES:
            link.account_type = identity.account_type
        link.last_signin_at = timezone.now()
        link.save()
        signin_success_record(user=user, ip=ip)
        audit_record(
            actor=user,
            verb="gbizid.signin",
            target=user,
            payload={"ip": ip, "changes": changes, **identity.audit()},
        )
        device = _session_device(user)
    return SigninResult(
        user=user, device=device, joined=joined, organisation_created=organisation_created
    )


def gbizid_signin(*, identity: GbizidIdentity, ip: str | None) -> SigninResult:
    """Sign in the portal account linked to this gBizID account, creating it (and for a Prime
    holder, the organisation) at the first sign-in; raises GbizidRefused."""
    try:
        try:
            return _signin(identity, ip)
        except IntegrityError:
            # Another first sign-in of the same account or company committed meanwhile: this
            # one now finds its link or organisation.
            return _signin(identity, ip)
    except GbizidRefused as refused:
        _refusal_record(refused, identity=identity, action="signin", ip=ip)
        raise


# --- linking --------------------------------------------------------------------------------


def _link(user_id: int, identity: GbizidIdentity, ip: str | None) -> GbizidLink:
    with transaction.atomic():
        user = (
            User.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=user_id)
        )
        if not roles.is_exporter(user):
            raise GbizidRefused(METI_STAFF, user=user)
        if identity.account_type not in VERIFIED_ACCOUNT_TYPES:
            raise GbizidRefused(ENTRY_LINK, user=user)
        organisation = user.organisation
        assert organisation is not None  # an exporter's (roles.is_exporter)
        if identity.corporate_number != organisation.corporate_number:
            raise GbizidRefused(CORPORATE_NUMBER_MISMATCH, user=user, organisation=organisation)
        link = GbizidLink.objects.select_for_update().filter(user=user).first()
        if link is not None and (link.issuer, link.subject) != (identity.issuer, identity.subject):
            raise GbizidRefused(ALREADY_LINKED, user=user)
        other = (
            GbizidLink.objects.filter(issuer=identity.issuer, subject=identity.subject)
            .exclude(user=user)
            .exists()
        )
        if other:
            raise GbizidRefused(LINKED_TO_ANOTHER, user=user)
        created = link is None
        if link is None:
            link = GbizidLink(user=user, issuer=identity.issuer, subject=identity.subject)
        link.account_type = identity.account_type
        link.save()
        changes = _person_update(user, identity)
        audit_record(
            actor=user,
            verb="gbizid.link",
            target=user,
            payload={"ip": ip, "again": not created, "changes": changes, **identity.audit()},
        )
    return link


def gbizid_link(*, user: User, identity: GbizidIdentity, ip: str | None) -> GbizidLink:
    """Link a signed-in exporter's account to the gBizID account they just signed in with,
    when gBizID gives their organisation's corporate number; raises GbizidRefused."""
    try:
        try:
            return _link(user.pk, identity, ip)
        except IntegrityError as exc:
            # The same gBizID account was linked to another portal account at this moment.
            raise GbizidRefused(LINKED_TO_ANOTHER, user=user) from exc
    except GbizidRefused as refused:
        _refusal_record(refused, identity=identity, action="link", ip=ip)
        raise


def gbizid_unlink(*, user: User) -> bool:
    """Remove the account's gBizID link (it signs in with its password only); True if there
    was one. An account without a password keeps its link: it would have no way in."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        link = GbizidLink.objects.filter(user=locked).first()
        if link is None:
            return False
        if not locked.has_usable_password():
            raise ValidationError(
                _(
                    "Your account signs in with gBizID only: without the link it would have "
                    "no way in, so the link stays."
                )
            )
        audit_record(
            actor=user,
            verb="gbizid.unlink",
            target=locked,
            payload={"issuer": link.issuer, "subject": link.subject},
        )
        link.delete()
        GbizidSessionDevice.objects.filter(user=locked).delete()
    return True
