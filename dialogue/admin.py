from django.contrib import admin

from .models import Attachment, Message, ThreadRead


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    can_delete = False
    fields = ["original_name", "content_type", "size", "uploaded_by", "created_at"]
    readonly_fields = fields


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read-only: the thread is a record of the dialogue; posting goes through the portal."""

    list_display = ["id", "thread", "kind", "author", "created_at"]
    list_filter = ["kind"]
    search_fields = ["author__username"]
    list_select_related = ["author"]
    inlines = [AttachmentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["id", "thread", "original_name", "content_type", "size", "created_at"]
    search_fields = ["original_name", "sha256"]
    readonly_fields = [f.name for f in Attachment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ThreadRead)
class ThreadReadAdmin(admin.ModelAdmin):
    list_display = ["user", "thread", "last_message_id", "last_read_at"]
    list_select_related = ["user"]
