from django.contrib import admin

from .models import Invitation, OrganisationApplication


@admin.register(OrganisationApplication)
class OrganisationApplicationAdmin(admin.ModelAdmin):
    """Read-only: applications are decided on the portal's pages, which audit the decision."""

    list_display = ("name_ja", "corporate_number", "email", "status", "submitted_at")
    list_filter = ("status",)
    search_fields = ("name_ja", "name_en", "corporate_number", "email")
    exclude = ("password_hash",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are managed by organisation administrators on the portal."""

    list_display = ("email", "organisation", "status", "sent_at", "expires_at")
    list_filter = ("status",)
    search_fields = ("email", "organisation__name_ja")
    exclude = ("token_hash",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
