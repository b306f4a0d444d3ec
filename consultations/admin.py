from django.contrib import admin

from .models import Consultation, GeneralDesk


@admin.register(GeneralDesk)
class GeneralDeskAdmin(admin.ModelAdmin):
    list_display = ["division", "updated_at"]


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["reference", "subject", "organisation", "responsible_division", "status"]
    list_filter = ["status", "responsible_division"]
    search_fields = ["reference", "subject"]
    readonly_fields = ["status", "awaiting_reply_since"]
