from rest_framework import serializers

from ..models import Inform


def _username(user) -> str | None:
    return user.username if user is not None else None


class InformSerializer(serializers.ModelSerializer):
    """An inform or proposal as api.md gives it, plus its history fields."""

    report = serializers.IntegerField(source="report_id", read_only=True)
    report_reference = serializers.CharField(source="report.reference", read_only=True)
    # A plain string in the schema: a second enum for a field named "status" collides with the
    # report's (drf_spectacular.W001, which `check --deploy` treats as a failure) until
    # SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] names both.
    status = serializers.CharField(read_only=True, help_text="`proposed`, `issued` or `returned`")
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
    grounds = serializers.CharField(allow_blank=True, trim_whitespace=False)
    # Empty strings pass here so that the service gives its own message for them.
    licence_conditions = serializers.ListField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False),
        required=False,
        default=list,
    )


class InformReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, trim_whitespace=False)
