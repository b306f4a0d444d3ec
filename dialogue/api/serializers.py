from django.urls import reverse
from rest_framework import serializers

from dialogue.models import Attachment, Message, MessageKind, NotSubjectRule


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    message = serializers.IntegerField(source="message_id", allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "message", "created_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str:
        return reverse("dialogue-api-attachment", args=[attachment.pk])


class MessageSerializer(serializers.ModelSerializer):
    """A message as api.md gives it; `attachments` and `author_name` are additions."""

    author = serializers.CharField(source="author.username")
    author_name = serializers.CharField(source="author.display_name")
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "kind",
            "body",
            "author",
            "author_name",
            "author_role",
            "created_at",
            "attachments",
        ]
        read_only_fields = fields


class MessageCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MessageKind.choices)
    body = serializers.CharField(max_length=Message._meta.get_field("body").max_length)


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    message = serializers.IntegerField(required=False, allow_null=True)


class ConcludeSerializer(serializers.Serializer):
    summary = serializers.CharField()
    agreed_measures = serializers.CharField()


class NotSubjectSerializer(serializers.Serializer):
    rule = serializers.ChoiceField(choices=NotSubjectRule.choices)
    reason = serializers.CharField()
