"""The statistics as JSON: the same figures as the page (GET /api/v1/statistics/)."""

from rest_framework import serializers

from ..selectors import OUTCOMES


class StatisticsQuerySerializer(serializers.Serializer):
    """The query parameters (documentation; the page's form checks them)."""

    from_month = serializers.CharField(required=False, help_text="YYYY-MM, JST month of receipt")
    to_month = serializers.CharField(required=False, help_text="YYYY-MM, JST month of receipt")
    division = serializers.CharField(
        required=False, help_text="Division code (administrators; supervisors get their own)"
    )
    technology = serializers.CharField(required=False, help_text="Technology code")
    country = serializers.CharField(required=False, help_text="ISO 3166-1 alpha-2")


class FiltersSerializer(serializers.Serializer):
    from_month = serializers.CharField()
    to_month = serializers.CharField()
    division = serializers.CharField(allow_null=True)
    technology = serializers.CharField(allow_null=True)
    country = serializers.CharField(allow_null=True)


class SummarySerializer(serializers.Serializer):
    received = serializers.IntegerField()
    decided = serializers.IntegerField(help_text="informed, closed_no_inform or not_subject")
    due = serializers.IntegerField(help_text="decided or lapsed: METI had to decide")
    decided_within_30_days = serializers.IntegerField(source="within_period")
    share_decided_within_30_days = serializers.FloatField(
        source="share_within_period", allow_null=True, help_text="of `due`, 0..1"
    )
    lapsed = serializers.IntegerField()
    share_lapsed = serializers.FloatField(allow_null=True, help_text="of `due`, 0..1")
    withdrawn = serializers.IntegerField()
    open = serializers.IntegerField()
    late = serializers.IntegerField()
    extensions = serializers.IntegerField(help_text="deadline extensions granted")
    extended_reports = serializers.IntegerField()
    median_days = serializers.FloatField(allow_null=True, help_text="receipt to decision")
    p90_days = serializers.FloatField(allow_null=True, help_text="receipt to decision")


class OutcomeCountsSerializer(serializers.Serializer):
    def get_fields(self):
        return {outcome: serializers.IntegerField() for outcome in OUTCOMES}


class MonthSerializer(serializers.Serializer):
    month = serializers.DateField(format="%Y-%m")
    received = serializers.IntegerField()
    outcomes = OutcomeCountsSerializer(source="counts")
    late = serializers.IntegerField()
    decided = serializers.IntegerField()
    due = serializers.IntegerField()
    decided_within_30_days = serializers.IntegerField(source="within_period")
    share_decided_within_30_days = serializers.FloatField(
        source="share_within_period", allow_null=True
    )
    median_days = serializers.FloatField(allow_null=True)
    p90_days = serializers.FloatField(allow_null=True)


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=OUTCOMES)
    count = serializers.IntegerField()
    median_days = serializers.FloatField(allow_null=True, help_text="receipt to closing")
    p90_days = serializers.FloatField(allow_null=True, help_text="receipt to closing")


class NamedCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class ConsultationMonthSerializer(serializers.Serializer):
    month = serializers.DateField(format="%Y-%m")
    opened = serializers.IntegerField()
    followed_by_report = serializers.IntegerField()


class ConsultationsSerializer(serializers.Serializer):
    opened = serializers.IntegerField(help_text="consultations opened in the period")
    followed_by_report = serializers.IntegerField(help_text="with a prior report linked")
    months = ConsultationMonthSerializer(many=True)


class StageSerializer(serializers.Serializer):
    stage = serializers.CharField(help_text="a compliance case status code")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"
    count = serializers.IntegerField()


class ComplianceSerializer(serializers.Serializer):
    recorded = serializers.IntegerField(help_text="cases recorded in the period")
    opened = serializers.IntegerField(help_text="of those, opened to the organisation")
    stages = StageSerializer(many=True, help_text="where the cases are now")


class StatisticsSerializer(serializers.Serializer):
    filters = FiltersSerializer()
    summary = SummarySerializer()
    months = MonthSerializer(many=True)
    outcomes = OutcomeSerializer(many=True)
    technologies = NamedCountSerializer(many=True)
    destinations = NamedCountSerializer(many=True, help_text="the top 15")
    consultations = ConsultationsSerializer()
    compliance = ComplianceSerializer(help_text="transfers that went unreported")
