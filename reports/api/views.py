from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Country, Technology, TransactionType
from portal import roles
from portal.api.renderers import PDFRenderer
from reports import lifecycle, limits, selectors, services
from reports.forms import PAGE_NUMBER_MESSAGE
from reports.models import Status
from reports.pdf import report_pdf
from reports.screening import Answers, not_in_force_on, screen

from .serializers import (
    TECHNOLOGY_CODE_MAX_LENGTH,
    TRANSACTION_TYPE_HELP,
    ReportSerializer,
    RevisionSerializer,
    TransitionSerializer,
)


class PageNumberPaginationStrict(PageNumberPagination):
    """DRF's page numbers, with a malformed `?page=` a 400 naming the parameter (DRF answers
    404 "Invalid page." for it). A page past the last is still 404."""

    def get_page_number(self, request, paginator):
        value = request.query_params.get(self.page_query_param) or 1
        if value in self.last_page_strings:
            return paginator.num_pages
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if number < 1:
            raise serializers.ValidationError({self.page_query_param: [PAGE_NUMBER_MESSAGE]})
        return number

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters


def _shown(value: str) -> str:
    """A rejected value as quoted back in a message: never more than a few dozen characters."""
    return value if len(value) <= 40 else value[:40] + "…"


class ReportListFilterSerializer(serializers.Serializer):
    """The list's query parameters (api.md, "Reports"); a malformed one is a 400 naming it."""

    status = serializers.ChoiceField(
        choices=Status.choices, required=False, allow_blank=True, help_text="A state code."
    )
    technology = serializers.CharField(
        required=False, allow_blank=True, help_text="A technology code (any version)."
    )
    country = serializers.CharField(
        required=False, allow_blank=True, help_text="The counterparty's ISO 3166-1 alpha-2 code."
    )

    def validate_technology(self, value: str) -> str:
        if value and not Technology.objects.filter(code=value).exists():
            raise serializers.ValidationError(
                _("“%(code)s” is not a notified technology.") % {"code": _shown(value)}
            )
        return value

    def validate_country(self, value: str) -> str:
        value = value.upper()
        if value and not (len(value) == 2 and Country.objects.filter(pk=value).exists()):
            raise serializers.ValidationError(
                _("“%(code)s” is not an ISO 3166-1 country code.") % {"code": _shown(value)}
            )
        return value


class ScreeningInputSerializer(serializers.Serializer):
    technology = serializers.CharField(
        allow_null=True,
        allow_blank=True,
        required=False,
        max_length=TECHNOLOGY_CODE_MAX_LENGTH,
        error_messages={"max_length": limits.TOO_LONG_MESSAGE},
    )
    transaction_type = serializers.CharField(max_length=40, help_text=TRANSACTION_TYPE_HELP)
    destination_country = serializers.CharField(max_length=2, min_length=2)
    goods_only = serializers.BooleanField()
    publicly_known = serializers.BooleanField()
    planned_contract_date = serializers.DateField()

    def validate(self, attrs):
        refusal = not_in_force_on(
            TransactionType, attrs["transaction_type"], attrs["planned_contract_date"]
        )
        if refusal:
            raise serializers.ValidationError({"transaction_type": [refusal]})
        return attrs

    def validate_destination_country(self, value: str) -> str:
        from catalog.models import Country

        value = value.upper()
        if value == "JP":
            raise serializers.ValidationError(
                "Japan (JP) is not a foreign destination: the scheme covers transfers abroad."
            )
        if not Country.objects.filter(pk=value).exists():
            raise serializers.ValidationError(f"“{value}” is not an ISO 3166-1 country code.")
        return value


class ScreeningReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    excludes = serializers.BooleanField()


class ScreeningResultSerializer(serializers.Serializer):
    report_required = serializers.BooleanField()
    reasons = ScreeningReasonSerializer(many=True)


class ScreeningView(APIView):
    @extend_schema(request=ScreeningInputSerializer, responses=ScreeningResultSerializer)
    def post(self, request):
        data = ScreeningInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answers = dict(data.validated_data)
        answers["technology"] = answers.get("technology") or None
        result = screen(Answers(**answers))
        return Response(ScreeningResultSerializer(result).data)


def _limited_text(max_length: int, **kwargs) -> serializers.CharField:
    """Free text with its limit (reports.limits): 400 with the pages' message, and
    `maxLength` in the schema."""
    return serializers.CharField(
        max_length=max_length, error_messages={"max_length": limits.TOO_LONG_MESSAGE}, **kwargs
    )


class WithdrawSerializer(serializers.Serializer):
    reason = _limited_text(
        limits.WITHDRAWAL_REASON_MAX_LENGTH, allow_blank=True, required=False, default=""
    )


class AmendSerializer(ReportSerializer):
    note = _limited_text(limits.AMENDMENT_NOTE_MAX_LENGTH)

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "note"]


class ExtendSerializer(serializers.Serializer):
    new_due_date = serializers.DateField()
    reason = _limited_text(limits.EXTENSION_REASON_MAX_LENGTH)


class ReportViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ReportSerializer
    permission_classes = [roles.IsExporterOrMetiStaff]
    pagination_class = PageNumberPaginationStrict
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        qs = selectors.reports_visible_to(self.request.user).select_related("responsible_division")
        filters = ReportListFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        params = filters.validated_data
        if params.get("status"):
            qs = selectors.filter_by_status(qs, self.request.user, params["status"])
        if params.get("technology"):
            qs = qs.filter(technology__code=params["technology"])
        if params.get("country"):
            qs = qs.filter(counterparty_country_id=params["country"])
        if roles.is_meti_staff(self.request.user):
            return qs.order_by("decision_due_at", "id")
        return qs.order_by("-created_at", "-id")

    @extend_schema(parameters=[ReportListFilterSerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_object(self):
        return selectors.report_for_user(self.request.user, self.kwargs["pk"])

    def _answer(self, report, code=status.HTTP_200_OK):
        report = selectors.report_for_user(self.request.user, report.pk)
        return Response(
            ReportSerializer(report, context={"request": self.request}).data, status=code
        )

    def create(self, request, *args, **kwargs):
        if not roles.is_exporter(request.user):
            return Response({"detail": "Only exporters file reports."}, status=403)
        serializer = ReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.report_create(actor=request.user, data=serializer.to_service_data())
        return self._answer(report, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        report = self.get_object()
        # 403, then 409, before anything about the body (api.md: PATCH only while draft).
        lifecycle.require(report, request.user, "edit_draft")
        serializer = ReportSerializer(report, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        report = services.report_update_draft(
            actor=request.user, report_id=report.pk, data=serializer.to_service_data()
        )
        return self._answer(report)

    @extend_schema(request=None, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = lifecycle.report_submit(actor=request.user, report_id=self.get_object().pk)
        return self._answer(report)

    @extend_schema(request=WithdrawSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        report = self.get_object()
        lifecycle.require_actor(report, request.user, "withdraw")
        body = WithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = lifecycle.report_withdraw(
            actor=request.user, report_id=report.pk, reason=body.validated_data["reason"]
        )
        return self._answer(report)

    @extend_schema(request=AmendSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        report = self.get_object()
        lifecycle.require_actor(report, request.user, "amend")
        body = AmendSerializer(report, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = body.to_service_data()
        note = data.pop("note", "")
        report = services.report_amend(
            actor=request.user, report_id=report.pk, data=data, note=note
        )
        return self._answer(report)

    @extend_schema(request=ExtendSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"], url_path="extend-deadline")
    def extend_deadline(self, request, pk=None):
        report = self.get_object()
        lifecycle.require_actor(report, request.user, "extend_deadline")
        body = ExtendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = services.report_extend_deadline(
            actor=request.user,
            report_id=report.pk,
            new_last_day=body.validated_data["new_due_date"],
            reason=body.validated_data["reason"],
        )
        return self._answer(report)

    @extend_schema(responses=TransitionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        rows = selectors.transitions_visible_to(request.user, self.get_object())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(TransitionSerializer(page, many=True).data)

    @extend_schema(responses=RevisionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def revisions(self, request, pk=None):
        rows = self.get_object().revisions.select_related("created_by").order_by("number")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(RevisionSerializer(page, many=True).data)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PDFRenderer])
    def pdf(self, request, pk=None):
        report = self.get_object()
        if report.status == Status.DRAFT:
            return Response(
                {"detail": "The PDF exists once the report is submitted.", "status": report.status},
                status=status.HTTP_409_CONFLICT,
            )
        content = report_pdf(report, translation.get_language() or "ja")
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{report.reference}.pdf"'
        return response
