"""The one place that says what each role may do; views, API views and services all ask here."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from .models import OrganisationRole, Role


def _active(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_exporter(user: Any) -> bool:
    return _active(user) and user.role == Role.EXPORTER and user.organisation_id is not None


def is_meti_staff(user: Any) -> bool:
    """An officer or a supervisor (of some division)."""
    return (
        _active(user)
        and user.role in (Role.OFFICER, Role.SUPERVISOR)
        and user.division_id is not None
    )


def is_supervisor(user: Any) -> bool:
    return is_meti_staff(user) and user.role == Role.SUPERVISOR


def is_administrator(user: Any) -> bool:
    return _active(user) and (user.role == Role.ADMINISTRATOR or user.is_superuser)


def is_organisation_administrator(user: Any, organisation_id: int | None = None) -> bool:
    """An exporter who manages their organisation's people (of this organisation, if given)."""
    return (
        is_exporter(user)
        and user.organisation_role == OrganisationRole.ADMINISTRATOR
        and (organisation_id is None or user.organisation_id == organisation_id)
    )


def is_member_of_organisation(user: Any, organisation_id: int | None) -> bool:
    return (
        is_exporter(user)
        and organisation_id is not None
        and user.organisation_id == organisation_id
    )


def is_officer_of_division(user: Any, division_id: int | None) -> bool:
    """An officer or supervisor of this division: "officer" in domain.md's lifecycle table."""
    return is_meti_staff(user) and division_id is not None and user.division_id == division_id


def is_supervisor_of_division(user: Any, division_id: int | None) -> bool:
    return is_supervisor(user) and user.division_id == division_id


# --- page views -----------------------------------------------------------------------------


def role_required(check: Callable[[Any], bool]) -> Callable:
    """Page decorator: sign-in first (redirect), then the role check (403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


exporter_required = role_required(is_exporter)
staff_required = role_required(is_meti_staff)
supervisor_required = role_required(is_supervisor)
administrator_required = role_required(is_administrator)
organisation_administrator_required = role_required(is_organisation_administrator)


# --- API permissions ------------------------------------------------------------------------


class IsExporter(BasePermission):
    def has_permission(self, request, view) -> bool:
        return is_exporter(request.user)


class IsMetiStaff(BasePermission):
    def has_permission(self, request, view) -> bool:
        return is_meti_staff(request.user)


class IsExporterOrMetiStaff(BasePermission):
    def has_permission(self, request, view) -> bool:
        return is_exporter(request.user) or is_meti_staff(request.user)


class IsAdministrator(BasePermission):
    def has_permission(self, request, view) -> bool:
        return is_administrator(request.user)
