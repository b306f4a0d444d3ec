"""Reads of the portal app: who should hear about what."""

from django.db.models import QuerySet

from .models import Role, User


def organisation_members(organisation_id: int) -> QuerySet[User]:
    return User.objects.filter(organisation_id=organisation_id, role=Role.EXPORTER, is_active=True)


def division_staff(division_id: int) -> QuerySet[User]:
    """Officers and supervisors of a division."""
    return User.objects.filter(
        division_id=division_id, role__in=[Role.OFFICER, Role.SUPERVISOR], is_active=True
    )


def division_officers(division_id: int) -> QuerySet[User]:
    return User.objects.filter(division_id=division_id, role=Role.OFFICER, is_active=True)


def division_supervisors(division_id: int) -> QuerySet[User]:
    return User.objects.filter(division_id=division_id, role=Role.SUPERVISOR, is_active=True)
