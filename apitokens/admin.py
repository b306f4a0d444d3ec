from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: tokens are made and revoked through apitokens.services, which audit."""

    list_display = ("name", "prefix", "user", "origin", "created_at", "last_used_at", "revoked_at")
    list_filter = ("origin",)
    search_fields = ("name", "prefix", "user__username")
    fields = ("user", "name", "prefix", "origin", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
