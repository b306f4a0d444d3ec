from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.rules import RuleCode
from dialogue.api.serializers import AttachmentUploadSerializer, MessageCreateSerializer
from dialogue.models import Attachment, Message
from reports import limits

from ..models import (
    DESCRIPTION_MAX_LENGTH,
    OUTCOME_SUMMARY_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    TRANSFER_REASON_MAX_LENGTH,
    Consultation,
    ConsultationTransition,
    Outcome,
)

__all__ = [
    "AttachmentUploadSerializer",
    "MessageCreateSerializer",
]


def _limited_text(max_length: int, **kwargs) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, error_messages={"max_length": limits.TOO_LONG_MESSAGE}, **kwargs
    )


class ConsultationAttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    message = serializers.IntegerField(source="message_id", allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "message", "created_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str:
        return reverse(
            "consultation-api-attachment", args=[self.context["consultation_id"], attachment.pk]
        )


class ConsultationMessageSerializer(serializers.ModelSerializer):
    """A message as in a report's thread (api.md, "Dialogue"), files included."""

    author = serializers.CharField(source="author.username")
    author_name = serializers.CharField(source="author.display_name")
    attachments = ConsultationAttachmentSerializer(many=True, read_only=True)

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


class LinkedReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(allow_null=True)


class ConsultationSerializer(serializers.ModelSerializer):
    technology = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    counterparty_country = serializers.CharField(
        source="counterparty_country_id", read_only=True, allow_null=True
    )
    division = serializers.CharField(source="responsible_division.code", read_only=True)
    organisation = serializers.CharField(source="organisation.name_ja", read_only=True)
    reports = serializers.SerializerMethodField()

    class Meta:
        model = Consultation
        fields = [
            "id",
            "reference",
            "status",
            "subject",
            "description",
            "technology",
            "counterparty_country",
            "planned_contract_date",
            "organisation",
            "division",
            "awaiting_reply_since",
            "outcome",
            "outcome_rule",
            "outcome_summary",
            "closed_at",
            "created_at",
            "reports",
        ]
        read_only_fields = fields

    @extend_schema_field(LinkedReportSerializer(many=True))
    def get_reports(self, consultation: Consultation) -> list[dict]:
        """Linked reports the caller may open: METI staff never see a company's drafts."""
        request = self.context.get("request")
        from portal import roles

        staff = request is not None and roles.is_meti_staff(request.user)
        return [
            {"id": link.report_id, "reference": link.report.reference}
            for link in consultation.report_links.all()
            if not (staff and link.report.reference is None)
        ]


class ConsultationCreateSerializer(serializers.Serializer):
    subject = _limited_text(SUBJECT_MAX_LENGTH)
    description = _limited_text(DESCRIPTION_MAX_LENGTH)
    technology = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=60,
        help_text="A technology code, or null when the company does not know which one.",
    )
    counterparty_country = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=2
    )
    planned_contract_date = serializers.DateField(required=False, allow_null=True)


class TransferSerializer(serializers.Serializer):
    division = serializers.CharField(max_length=50, help_text="The code of the division.")
    reason = _limited_text(TRANSFER_REASON_MAX_LENGTH)


class CloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    rule = serializers.ChoiceField(
        choices=RuleCode.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when the outcome is `not_needed`; empty otherwise.",
    )
    summary = _limited_text(OUTCOME_SUMMARY_MAX_LENGTH)


class LinkReportSerializer(serializers.Serializer):
    report = serializers.IntegerField(help_text="The id of one of the organisation's reports.")


class ConsultationTransitionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_name")

    class Meta:
        model = ConsultationTransition
        fields = ["transition", "from_status", "to_status", "actor", "at", "reason", "details"]
        read_only_fields = fields
