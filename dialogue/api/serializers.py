from django.urls import reverse
from rest_framework import serializers

from dialogue.limits import MESSAGE_BODY_MAX_LENGTH
from dialogue.models import Attachment, Message, MessageKind, NotSubjectRule
from reports import limits


def _limited_text(max_length: int) -> serializers.CharField:
    """Required free text with its limit: 400 with the pages' message, `maxLength` in the
    schema."""
    return serializers.CharField(
        max_length=max_length, error_messages={"max_length": limits.TOO_LONG_MESSAGE}
    )


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
    body = _limited_text(MESSAGE_BODY_MAX_LENGTH)


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    message = serializers.IntegerField(required=False, allow_null=True)


class ConcludeSerializer(serializers.Serializer):
    summary = _limited_text(limits.OUTCOME_SUMMARY_MAX_LENGTH)
    agreed_measures = _limited_text(limits.AGREED_MEASURES_MAX_LENGTH)


class NotSubjectSerializer(serializers.Serializer):
    rule = serializers.ChoiceField(choices=NotSubjectRule.choices)
    reason = _limited_text(limits.NOT_SUBJECT_REASON_MAX_LENGTH)
