from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import roles
from portal.api.renderers import PDFRenderer
from portal.errors import InvalidTransition
from reports import selectors, services
from reports.models import Status, TransactionType
from reports.pdf import report_pdf
from reports.screening import Answers, screen

from .serializers import ReportSerializer, RevisionSerializer, TransitionSerializer


class ScreeningInputSerializer(serializers.Serializer):
    technology = serializers.CharField(allow_null=True, allow_blank=True, required=False)
    transaction_type = serializers.ChoiceField(choices=TransactionType.choices)
    destination_country = serializers.CharField(max_length=2, min_length=2)
    goods_only = serializers.BooleanField()
    publicly_known = serializers.BooleanField()
    planned_contract_date = serializers.DateField()

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


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, required=False, default="", max_length=2000)


class AmendSerializer(ReportSerializer):
    note = serializers.CharField(max_length=2000)

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "note"]


class ExtendSerializer(serializers.Serializer):
    new_due_date = serializers.DateField()
    reason = serializers.CharField(max_length=2000)


class ReportViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ReportSerializer
    permission_classes = [roles.IsExporterOrMetiStaff]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        qs = selectors.reports_visible_to(self.request.user).select_related("responsible_division")
        params = self.request.query_params
        if params.get("status"):
            qs = selectors.filter_by_status(qs, self.request.user, params["status"])
        if params.get("technology"):
            qs = qs.filter(technology__code=params["technology"])
        if params.get("country"):
            qs = qs.filter(counterparty_country_id=params["country"].upper())
        if roles.is_meti_staff(self.request.user):
            return qs.order_by("decision_due_at", "id")
        return qs.order_by("-created_at", "-id")

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
        if not roles.is_exporter(request.user):
            return Response(
                {"detail": "Only the reporting organisation edits a draft."}, status=403
            )
        if report.status != Status.DRAFT:
            raise InvalidTransition(
                selectors.status_seen_by(request.user, report),
                _("Only a draft can be edited. File an amendment instead."),
            )
        serializer = ReportSerializer(report, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        report = services.report_update_draft(
            actor=request.user, report_id=report.pk, data=serializer.to_service_data()
        )
        return self._answer(report)

    @extend_schema(request=None, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = services.report_submit(actor=request.user, report_id=self.get_object().pk)
        return self._answer(report)

    @extend_schema(request=WithdrawSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        body = WithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = services.report_withdraw(
            actor=request.user, report_id=self.get_object().pk, reason=body.validated_data["reason"]
        )
        return self._answer(report)

    @extend_schema(request=AmendSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        report = self.get_object()
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

    @extend_schema(responses={(200, "application/pdf"): bytes})
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
