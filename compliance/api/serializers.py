from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dialogue.api.serializers import MessageSerializer
from dialogue.limits import MESSAGE_BODY_MAX_LENGTH
from dialogue.models import Attachment, MessageKind
from portal import roles
from reports.limits import TOO_LONG_MESSAGE

from .. import lifecycle, limits
from ..lifecycle import CaseStatus
from ..models import CaseTransition, ComplianceCase

# The proposal's fields, which the organisation sees only once the order is issued.
_ORDER_PROPOSAL_FIELDS = (
    "order_measures",
    "order_compliance_due",
    "order_legal_basis",
    "order_proposed_at",
    "order_proposed_by",
)
# The clock's marks are for staff (the organisation is reminded, never told it is "overdue").
_STAFF_ONLY_FIELDS = ("answer_overdue_at", "compliance_overdue_at")


def _limited_text(max_length: int, **kwargs) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, error_messages={"max_length": TOO_LONG_MESSAGE}, **kwargs
    )


def _username(user) -> str | None:
    return user.username if user is not None else None


class ComplianceCaseSerializer(serializers.ModelSerializer):
    """A compliance case as its reader may see it: an exporter sees a pending order proposal as
    the guidance it still is, and no overdue marks."""

    # Named ComplianceCaseStatusEnum in the schema, apart from the reports' and informs'.
    status = serializers.ChoiceField(choices=CaseStatus.choices, read_only=True)
    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name_ja", read_only=True)
    technology = serializers.CharField(source="technology.code", read_only=True)
    responsible_division = serializers.CharField(source="responsible_division.code", read_only=True)
    report = serializers.IntegerField(source="report_id", read_only=True, allow_null=True)
    report_reference = serializers.CharField(
        source="report.reference", read_only=True, allow_null=True, default=None
    )
    assigned_officer = serializers.SerializerMethodField()
    guidance_issued_by = serializers.SerializerMethodField()
    order_proposed_by = serializers.SerializerMethodField()
    order_approved_by = serializers.SerializerMethodField()
    order_acknowledged_by = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = ComplianceCase
        fields = [
            "id",
            "reference",
            "status",
            "organisation",
            "organisation_name",
            "technology",
            "responsible_division",
            "report",
            "report_reference",
            "transfer_date",
            "facts",
            "assigned_officer",
            "opened_at",
            "guidance_measures",
            "guidance_answer_due",
            "guidance_legal_basis",
            "guidance_issued_at",
            "guidance_issued_by",
            "guidance_answered_at",
            "answer_overdue_at",
            "order_number",
            "order_measures",
            "order_compliance_due",
            "order_legal_basis",
            "order_proposed_at",
            "order_proposed_by",
            "order_issued_at",
            "order_approved_by",
            "order_acknowledged_at",
            "order_acknowledged_by",
            "order_answered_at",
            "compliance_overdue_at",
            "closing_summary",
            "closed_at",
            "created_at",
            "available_actions",
        ]
        read_only_fields = fields

    def _user(self):
        request = self.context.get("request")
        return request.user if request is not None else None

    def get_assigned_officer(self, obj: ComplianceCase) -> str | None:
        return _username(obj.assigned_officer)

    def get_guidance_issued_by(self, obj: ComplianceCase) -> str | None:
        return _username(obj.guidance_issued_by)

    def get_order_proposed_by(self, obj: ComplianceCase) -> str | None:
        return _username(obj.order_proposed_by)

    def get_order_approved_by(self, obj: ComplianceCase) -> str | None:
        return _username(obj.order_approved_by)

    def get_order_acknowledged_by(self, obj: ComplianceCase) -> str | None:
        return _username(obj.order_acknowledged_by)

    def get_available_actions(self, obj: ComplianceCase) -> list[str]:
        return sorted(lifecycle.available_actions(obj, self._user()))

    def to_representation(self, instance: ComplianceCase) -> dict:
        data = super().to_representation(instance)
        user = self._user()
        data["status"] = lifecycle.status_seen_by(user, instance.status)
        if not roles.is_officer_of_division(user, instance.responsible_division_id):
            for field in _STAFF_ONLY_FIELDS:
                data[field] = None
            if instance.order_number is None:
                for field in _ORDER_PROPOSAL_FIELDS:
                    data[field] = None if field != "order_measures" else ""
                data["order_legal_basis"] = ""
        return data


class CaseCreateSerializer(serializers.Serializer):
    """From a late report (`report`), or standalone (`organisation` and `technology`)."""

    report = serializers.IntegerField(required=False, allow_null=True)
    organisation = serializers.IntegerField(required=False, allow_null=True)
    technology = serializers.CharField(required=False, allow_null=True, max_length=60)
    transfer_date = serializers.DateField()
    facts = _limited_text(limits.FACTS_MAX_LENGTH, allow_blank=True)


class CaseGuidanceSerializer(serializers.Serializer):
    measures = _limited_text(limits.MEASURES_MAX_LENGTH, allow_blank=True)
    answer_due = serializers.DateField()


class CaseProposeOrderSerializer(serializers.Serializer):
    measures = _limited_text(limits.MEASURES_MAX_LENGTH, allow_blank=True)
    compliance_due = serializers.DateField()


class CaseReturnOrderSerializer(serializers.Serializer):
    reason = _limited_text(limits.RETURN_REASON_MAX_LENGTH, allow_blank=True)


class CaseDiscardSerializer(serializers.Serializer):
    reason = _limited_text(limits.DISCARD_REASON_MAX_LENGTH, allow_blank=True)


class CaseCloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[("resolved", "resolved"), ("referred", "referred")])
    summary = _limited_text(limits.CLOSING_SUMMARY_MAX_LENGTH, allow_blank=True)


class CaseTransitionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_name", read_only=True)

    class Meta:
        model = CaseTransition
        fields = ["transition", "from_status", "to_status", "actor", "at", "reason"]
        read_only_fields = fields


class CaseAttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    message = serializers.IntegerField(source="message_id", allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "message", "created_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str:
        return reverse("compliance-api-attachment", args=[self.context["case_pk"], attachment.pk])


class CaseMessageSerializer(MessageSerializer):
    attachments = serializers.SerializerMethodField()

    class Meta(MessageSerializer.Meta):
        pass

    @extend_schema_field(CaseAttachmentSerializer(many=True))
    def get_attachments(self, message) -> list[dict]:
        return CaseAttachmentSerializer(
            message.attachments.all(), many=True, context=self.context
        ).data


class CaseMessageCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MessageKind.choices)
    body = _limited_text(MESSAGE_BODY_MAX_LENGTH)


class CaseAttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    # One of the caller's own messages on the case (e.g. the answer the file is evidence for).
    message = serializers.IntegerField(required=False, allow_null=True)
