from rest_framework import serializers

from catalog.models import Technology, TransactionType
from reports import limits
from reports.models import (
    ProvisionMethod,
    Relationship,
    Report,
    ReportRevision,
    ReportTransition,
    TechnologyScope,
)
from reports.screening import not_in_force_on
from reports.services import EDITABLE_FIELDS

TECHNOLOGY_CODE_MAX_LENGTH = Technology._meta.get_field("code").max_length
# The types are catalog data with effective dates, so the schema gives no fixed enum.
TRANSACTION_TYPE_HELP = (
    "A code of a transaction type in force on planned_contract_date, as listed by "
    "GET /api/v1/transaction-types/?on=YYYY-MM-DD (e.g. subsidiary_transfer)."
)


class ReportSerializer(serializers.ModelSerializer):
    """The report as api.md gives it; writes are parsed here and validated by the services."""

    technology = serializers.CharField(
        source="technology.code",
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=TECHNOLOGY_CODE_MAX_LENGTH,
        error_messages={"max_length": limits.TOO_LONG_MESSAGE},
    )
    # Always present: null while a draft has no technology yet.
    technology_name_ja = serializers.CharField(
        source="technology.name_ja", read_only=True, allow_null=True
    )
    technology_name_en = serializers.CharField(
        source="technology.name_en", read_only=True, allow_null=True
    )
    technology_scope = serializers.ChoiceField(
        choices=TechnologyScope.choices, required=False, allow_blank=True
    )
    transaction_type = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text=TRANSACTION_TYPE_HELP
    )
    counterparty_country = serializers.CharField(
        source="counterparty_country_id",
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=2,
    )
    counterparty_relationship = serializers.ChoiceField(
        choices=Relationship.choices, required=False, allow_blank=True
    )
    ownership_percent = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
        coerce_to_string=False,
    )
    provision_methods = serializers.ListField(
        child=serializers.ChoiceField(choices=ProvisionMethod.choices), required=False
    )
    technology_summary = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=limits.TECHNOLOGY_SUMMARY_MAX_LENGTH,
        error_messages={"max_length": limits.TOO_LONG_MESSAGE},
    )
    assigned_officer = serializers.CharField(
        source="assigned_officer.username", read_only=True, allow_null=True
    )
    organisation = serializers.CharField(source="organisation.name_ja", read_only=True)
    responsible_division = serializers.CharField(
        source="responsible_division.code", read_only=True, allow_null=True
    )

    class Meta:
        model = Report
        read_only_fields = [
            "id",
            "reference",
            "status",
            "revision",
            "received_at",
            "decision_due_at",
            "late",
            "withdrawal_reason",
            "outcome_summary",
            "agreed_measures",
            "not_subject_rule",
            "not_subject_reason",
            "created_at",
            "updated_at",
        ]
        # What the exporter writes is the services' list; the rest is read-only or derived.
        fields = [
            *read_only_fields[:4],
            "organisation",
            "technology_name_ja",
            "technology_name_en",
            "assigned_officer",
            "responsible_division",
            *EDITABLE_FIELDS,
            *read_only_fields[4:],
        ]
        # One message for a text too long, in pages and the API alike (reports.limits).
        extra_kwargs = {
            name: {"error_messages": {"max_length": limits.TOO_LONG_MESSAGE}}
            for name in (
                "counterparty_name",
                "counterparty_other_names",
                "counterparty_address",
                "management_measures",
                "contact_name",
                "contact_department",
                "contact_phone",
                "contact_email",
                "late_reason",
            )
        }

    def validate(self, attrs):
        # As in the report form: a transaction type in force on the planned contract date
        # (the one sent, else the draft's), any known type while there is no date yet.
        code = attrs.get("transaction_type")
        if code:
            day = attrs.get("planned_contract_date") or getattr(
                self.instance, "planned_contract_date", None
            )
            refusal = not_in_force_on(TransactionType, code, day)
            if refusal:
                raise serializers.ValidationError({"transaction_type": [refusal]})
        return attrs

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None:
            from reports.selectors import status_seen_by

            data["status"] = status_seen_by(request.user, instance)
        return data

    def to_service_data(self) -> dict:
        """The validated input flattened to the services' field names."""
        data = dict(self.validated_data)
        if "technology" in data:
            data["technology"] = (data.pop("technology") or {}).get("code")
        if "counterparty_country_id" in data:
            data["counterparty_country"] = data.pop("counterparty_country_id")
        return data


class TransitionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_name")

    class Meta:
        model = ReportTransition
        fields = ["transition", "from_status", "to_status", "actor", "at", "reason", "details"]


class RevisionSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username")

    class Meta:
        model = ReportRevision
        fields = ["number", "content", "note", "created_by", "created_at"]
