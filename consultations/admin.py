from django.contrib import admin

from .models import Consultation, GeneralDesk


class _ReadOnly(admin.ModelAdmin):
    """Read-only: every change goes through the services (lifecycle, history, audit); the
    general desk is kept at /consultations/desk/."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GeneralDesk)
class GeneralDeskAdmin(_ReadOnly):
    list_display = ["division", "updated_at"]


@admin.register(Consultation)
class ConsultationAdmin(_ReadOnly):
    list_display = ["reference", "subject", "organisation", "responsible_division", "status"]
    list_filter = ["status", "responsible_division"]
    search_fields = ["reference", "subject"]
    list_select_related = ["organisation", "responsible_division"]
