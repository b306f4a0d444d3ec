from rest_framework import serializers

from portal.models import Division

from ..models import Category, Technology, TransactionType


class TechnologySerializer(serializers.ModelSerializer):
    division: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Technology
        fields = [
            "code",
            "name_ja",
            "name_en",
            "category",
            "effective_from",
            "effective_to",
            "division",
            "scope_ja",
            "scope_en",
            "notice_reference",
        ]
        read_only_fields = fields


class TransactionTypeSerializer(serializers.ModelSerializer):
    """A transaction type: the codes `transaction_type` takes in screening and reports."""

    class Meta:
        model = TransactionType
        fields = [
            "code",
            "name_ja",
            "name_en",
            "reportable",
            "exclusion_rule",
            "effective_from",
            "effective_to",
        ]
        read_only_fields = fields


class TechnologyCreateSerializer(serializers.Serializer):
    """Parses an administrator's new technology; catalog.services.technology_create decides."""

    code = serializers.SlugField(max_length=60)
    name_ja = serializers.CharField(max_length=200)
    name_en = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=Category.choices)
    division = serializers.SlugRelatedField(slug_field="code", queryset=Division.objects.all())
    scope_ja = serializers.CharField(required=False, allow_blank=True, default="")
    scope_en = serializers.CharField(required=False, allow_blank=True, default="")
    notice_reference = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(required=False, allow_null=True, default=None)


class OnQuerySerializer(serializers.Serializer):
    on = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])
