from rest_framework import serializers

from reports.limits import TOO_LONG_MESSAGE

from .. import limits
from ..models import Inform, InformStatus


def _username(user) -> str | None:
    return user.username if user is not None else None


class InformSerializer(serializers.ModelSerializer):
    """An inform or proposal as api.md gives it, plus its history fields."""

    report = serializers.IntegerField(source="report_id", read_only=True)
    report_reference = serializers.CharField(source="report.reference", read_only=True)
    # An enum of its own in the schema (InformStatusEnum): SPECTACULAR_SETTINGS
    # ["ENUM_NAME_OVERRIDES"] names it apart from the report's `status`.
    status = serializers.ChoiceField(choices=InformStatus.choices, read_only=True)
    proposed_by = serializers.SerializerMethodField()
    approved_by = serializers.SerializerMethodField()
    returned_by = serializers.SerializerMethodField()
    acknowledged_by = serializers.SerializerMethodField()
    licence_conditions = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Inform
        fields = [
            "id",
            "number",
            "report",
            "report_reference",
            "status",
            "grounds",
            "licence_conditions",
            "legal_basis",
            "proposed_by",
            "proposed_at",
            "approved_by",
            "issued_at",
            "returned_by",
            "returned_at",
            "return_reason",
            "acknowledged_by",
            "acknowledged_at",
        ]
        read_only_fields = fields

    def get_proposed_by(self, obj: Inform) -> str | None:
        return _username(obj.proposed_by)

    def get_approved_by(self, obj: Inform) -> str | None:
        return _username(obj.approved_by)

    def get_returned_by(self, obj: Inform) -> str | None:
        return _username(obj.returned_by)

    def get_acknowledged_by(self, obj: Inform) -> str | None:
        return _username(obj.acknowledged_by)


class InformProposeSerializer(serializers.Serializer):
    # Empty strings pass here so that the service gives its own message for them; the limits
    # (informs.limits) are counted on the trimmed text, as the service and the pages count.
    grounds = serializers.CharField(
        allow_blank=True,
        max_length=limits.GROUNDS_MAX_LENGTH,
        error_messages={"max_length": TOO_LONG_MESSAGE},
    )
    licence_conditions = serializers.ListField(
        child=serializers.CharField(
            allow_blank=True,
            max_length=limits.LICENCE_CONDITION_MAX_LENGTH,
            error_messages={"max_length": TOO_LONG_MESSAGE},
        ),
        required=False,
        default=list,
        max_length=limits.LICENCE_CONDITIONS_MAX_COUNT,
        error_messages={"max_length": limits.TOO_MANY_CONDITIONS_MESSAGE},
    )


class InformReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(
        allow_blank=True,
        max_length=limits.RETURN_REASON_MAX_LENGTH,
        error_messages={"max_length": TOO_LONG_MESSAGE},
    )
