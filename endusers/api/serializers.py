from rest_framework import serializers

from endusers.models import REASON_MAX_LENGTH, Adjudication, ListVersion, Match
from reports.limits import TOO_LONG_MESSAGE


class MatchSerializer(serializers.ModelSerializer):
    report = serializers.IntegerField(source="report_id", read_only=True)
    list_version = serializers.IntegerField(source="version.number", read_only=True)
    entry = serializers.SerializerMethodField()
    score = serializers.FloatField(read_only=True)
    adjudicated_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Match
        fields = [
            "id",
            "report",
            "list_version",
            "entry",
            "score",
            "counterparty_name",
            "entry_name",
            "decision",
            "reason",
            "adjudicated_by",
            "adjudicated_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_entry(self, match: Match) -> dict:
        entry = match.entry
        return {
            "id": entry.pk,
            "country": entry.country_id,
            "name": entry.name,
            "aka_names": entry.aka_names,
            "concern": entry.concern,
        }


class AdjudicateSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[Adjudication.TRUE_MATCH, Adjudication.FALSE_MATCH],
        help_text="`true_match` or `false_match`.",
    )
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH, error_messages={"max_length": TOO_LONG_MESSAGE}
    )


class PrecedentSerializer(serializers.Serializer):
    outcome = serializers.CharField(help_text="The report's final state code.")
    decided_at = serializers.DateTimeField()
    full = serializers.BooleanField(
        help_text="False for another division's report: only outcome and date are given."
    )
    reference = serializers.CharField(allow_null=True)
    destination = serializers.CharField(allow_blank=True)
    licence_conditions = serializers.ListField(child=serializers.CharField(), allow_null=True)
    url = serializers.CharField(allow_null=True, help_text="The report page (own division only).")


class ListVersionSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    applied_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    unreadable_rows = serializers.JSONField(source="problems", read_only=True)

    class Meta:
        model = ListVersion
        fields = [
            "id",
            "number",
            "status",
            "source_name",
            "source_sha256",
            "entry_count",
            "unreadable_rows",
            "change_counts",
            "uploaded_by",
            "uploaded_at",
            "applied_by",
            "applied_at",
        ]
        read_only_fields = fields
