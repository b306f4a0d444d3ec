from django.contrib import admin

from .models import Inform


@admin.register(Inform)
class InformAdmin(admin.ModelAdmin):
    """Read-only: proposals, approvals and returns go through the services (four eyes, audit)."""

    list_display = ("__str__", "report", "status", "proposed_by", "approved_by", "issued_at")
    list_filter = ("status",)
    search_fields = ("number", "report__reference")
    list_select_related = ("report", "proposed_by", "approved_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
