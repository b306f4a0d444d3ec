"""Inform endpoints (api.md, "Informs"): thin wrappers over informs.services."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.renderers import PDFRenderer
from portal.roles import IsExporter, IsExporterOrMetiStaff, IsMetiStaff
from reports import lifecycle
from reports.api.views import PageNumberPaginationStrict
from reports.selectors import report_for_user

from .. import selectors, services
from ..views import pdf_response
from .serializers import InformProposeSerializer, InformReturnSerializer, InformSerializer


class ReportInformsView(generics.ListCreateAPIView):
    """GET: the report's informs the caller may see. POST (officer): propose an inform."""

    serializer_class = InformSerializer
    pagination_class = PageNumberPaginationStrict

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsAuthenticated(), IsMetiStaff()]
        return [IsAuthenticated(), IsExporterOrMetiStaff()]

    def get_queryset(self):
        report = report_for_user(self.request.user, self.kwargs["report_id"])
        return selectors.informs_of_report(self.request.user, report)

    @extend_schema(
        summary="Propose an inform (officer)",
        request=InformProposeSerializer,
        responses={201: InformSerializer},
    )
    def post(self, request, report_id: int):
        report = report_for_user(request.user, report_id)
        body = InformProposeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        inform = services.inform_propose(
            actor=request.user,
            report_id=report.pk,
            grounds=body.validated_data["grounds"],
            licence_conditions=body.validated_data["licence_conditions"],
        )
        inform = selectors.inform_for_user(request.user, inform.pk)
        return Response(InformSerializer(inform).data, status=status.HTTP_201_CREATED)


class InformDetailView(generics.RetrieveAPIView):
    """Staff of the division see proposals too; the exporter only an issued inform."""

    serializer_class = InformSerializer
    permission_classes = [IsAuthenticated, IsExporterOrMetiStaff]

    def get_object(self):
        return selectors.inform_for_user(self.request.user, self.kwargs["pk"])


class _InformActionView(APIView):
    def respond(self, inform_id: int) -> Response:
        inform = selectors.inform_for_user(self.request.user, inform_id)
        return Response(InformSerializer(inform).data)


class InformApproveView(_InformActionView):
    permission_classes = [IsAuthenticated, IsMetiStaff]

    @extend_schema(
        summary="Approve and issue (a supervisor other than the proposer)",
        request=None,
        responses={200: InformSerializer},
    )
    def post(self, request, pk: int):
        inform = selectors.inform_for_user(request.user, pk)
        services.inform_approve(actor=request.user, inform_id=inform.pk)
        return self.respond(inform.pk)


class InformReturnView(_InformActionView):
    permission_classes = [IsAuthenticated, IsMetiStaff]

    @extend_schema(
        summary="Return the proposal to the dialogue (supervisor)",
        request=InformReturnSerializer,
        responses={200: InformSerializer},
    )
    def post(self, request, pk: int):
        inform = selectors.inform_for_user(request.user, pk)
        lifecycle.require_actor(inform.report, request.user, "return_proposal")
        body = InformReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.inform_return(
            actor=request.user, inform_id=inform.pk, reason=body.validated_data["reason"]
        )
        return self.respond(inform.pk)


class InformAcknowledgeView(_InformActionView):
    permission_classes = [IsAuthenticated, IsExporter]

    @extend_schema(
        summary="Acknowledge receipt of an issued inform (exporter)",
        request=None,
        responses={200: InformSerializer},
    )
    def post(self, request, pk: int):
        inform = selectors.inform_for_user(request.user, pk)
        services.inform_acknowledge(actor=request.user, inform_id=inform.pk)
        return self.respond(inform.pk)


class InformPdfView(APIView):
    permission_classes = [IsAuthenticated, IsExporterOrMetiStaff]
    renderer_classes = [JSONRenderer, PDFRenderer]

    @extend_schema(
        summary="The inform notice as PDF",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request, pk: int):
        return pdf_response(selectors.inform_for_user(request.user, pk))
