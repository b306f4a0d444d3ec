"""Who sees the statistics: supervisors (their own division) and administrators (any).

Officers do not: the figures are for reviewing how the scheme works (issue 16), a
supervisor's and an administrator's task; an officer's own work is in the review queue.
"""

from typing import Any

from rest_framework.permissions import BasePermission

from portal import roles


def can_view_statistics(user: Any) -> bool:
    return roles.is_supervisor(user) or roles.is_administrator(user)


statistics_required = roles.role_required(can_view_statistics)


class CanViewStatistics(BasePermission):
    def has_permission(self, request, view) -> bool:
        return can_view_statistics(request.user)
