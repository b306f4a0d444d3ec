"""Reads of the portal app: who should hear about what."""

from django.db.models import QuerySet

from .models import Role, User


def _people(role_in: list[str], **membership: int | None) -> QuerySet[User]:
    if any(value is None for value in membership.values()):
        return User.objects.none()
    return User.objects.filter(role__in=role_in, is_active=True, **membership)


def organisation_members(organisation_id: int | None) -> QuerySet[User]:
    return _people([Role.EXPORTER], organisation_id=organisation_id)


def division_staff(division_id: int | None) -> QuerySet[User]:
    """Officers and supervisors of a division."""
    return _people([Role.OFFICER, Role.SUPERVISOR], division_id=division_id)


def division_officers(division_id: int | None) -> QuerySet[User]:
    return _people([Role.OFFICER], division_id=division_id)


def division_supervisors(division_id: int | None) -> QuerySet[User]:
    return _people([Role.SUPERVISOR], division_id=division_id)
