from django.contrib import admin

from .models import ComplianceCase, NoticeWording


class _ReadOnly(admin.ModelAdmin):
    """Read-only: every change goes through the services (lifecycle, four eyes, audit); the
    notices' wording is kept at /compliance/wording/."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ComplianceCase)
class ComplianceCaseAdmin(_ReadOnly):
    list_display = ("reference", "organisation", "responsible_division", "status", "order_number")
    list_filter = ("status",)
    search_fields = ("reference", "order_number", "organisation__name_ja")
    list_select_related = ("organisation", "responsible_division")


@admin.register(NoticeWording)
class NoticeWordingAdmin(_ReadOnly):
    list_display = ("kind", "updated_at", "updated_by")
