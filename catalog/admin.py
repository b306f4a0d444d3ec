from django.contrib import admin

from .models import Country, ExclusionRule, Technology, TransactionType


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read-only: changes go through the portal's catalog pages, which check and audit them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Technology)
class TechnologyAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_ja", "name_en", "division", "effective_from", "effective_to")
    list_filter = ("category", "division")
    search_fields = ("code", "name_ja", "name_en")


@admin.register(Country)
class CountryAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_ja", "name_en", "prior_report_exempt")
    list_filter = ("prior_report_exempt",)
    search_fields = ("code", "name_ja", "name_en")


@admin.register(TransactionType)
class TransactionTypeAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_ja", "name_en", "reportable", "effective_from", "effective_to")
    search_fields = ("code", "name_ja", "name_en")


@admin.register(ExclusionRule)
class ExclusionRuleAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_ja", "name_en", "effective_from", "effective_to")
