"""Compliance case endpoints (issue #15, in the style of api.md): thin over compliance.services."""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Technology
from catalog.selectors import latest_version
from dialogue import threads
from dialogue.models import Message
from dialogue.views import attachment_response
from portal.api.renderers import PDFRenderer
from portal.roles import IsExporterOrMetiStaff, IsMetiStaff
from reports.api.views import PageNumberPaginationStrict

from .. import lifecycle, selectors, services
from ..lifecycle import CaseStatus
from ..models import ComplianceCase
from ..views import order_pdf_response
from .serializers import (
    CaseAttachmentSerializer,
    CaseAttachmentUploadSerializer,
    CaseCloseSerializer,
    CaseCreateSerializer,
    CaseDiscardSerializer,
    CaseGuidanceSerializer,
    CaseMessageCreateSerializer,
    CaseMessageSerializer,
    CaseProposeOrderSerializer,
    CaseReturnOrderSerializer,
    CaseTransitionSerializer,
    ComplianceCaseSerializer,
)


def _case_response(request: Request, case_id: int, code: int = status.HTTP_200_OK) -> Response:
    case = selectors.case_for_user(request.user, case_id)
    return Response(ComplianceCaseSerializer(case, context={"request": request}).data, status=code)


class CaseListView(generics.ListCreateAPIView):
    """GET: the caller's division's cases (staff) or organisation's opened cases (exporter),
    newest first, `?status=` as the caller sees statuses. POST (officer): a draft case."""

    serializer_class = ComplianceCaseSerializer
    pagination_class = PageNumberPaginationStrict

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsAuthenticated(), IsMetiStaff()]
        return [IsAuthenticated(), IsExporterOrMetiStaff()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ComplianceCase.objects.none()
        wanted = self.request.query_params.get("status", "")
        return selectors.case_list(
            self.request.user, status=wanted if wanted in CaseStatus.values else ""
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=CaseStatus.values, required=False),
        ]
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return self.list(request, *args, **kwargs)

    @extend_schema(
        summary="Open a draft compliance case (officer)",
        request=CaseCreateSerializer,
        responses={201: ComplianceCaseSerializer},
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        body = CaseCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        technology: Technology | None = None
        if data.get("technology"):
            technology = latest_version(Technology, data["technology"])
        case = services.case_create(
            actor=request.user,
            report_id=data.get("report"),
            organisation_id=data.get("organisation"),
            technology_id=technology.pk if technology else None,
            transfer_date=data["transfer_date"],
            facts=data["facts"],
        )
        return _case_response(request, case.pk, status.HTTP_201_CREATED)


class CaseDetailView(generics.RetrieveAPIView):
    serializer_class = ComplianceCaseSerializer
    permission_classes = [IsAuthenticated, IsExporterOrMetiStaff]

    def get_object(self):
        return selectors.case_for_user(self.request.user, self.kwargs["pk"])


class _CaseActionView(APIView):
    """An act on a case, answering the updated case; 403 for a role that may never do it and
    409 for a state that refuses it, before anything about the body."""

    permission_classes = [IsAuthenticated, IsExporterOrMetiStaff]
    body_serializer: type | None = None
    action_name = ""

    def perform(self, request: Request, case_id: int, data: dict) -> Any:
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        case = selectors.case_for_user(request.user, pk)
        lifecycle.require(case, request.user, self.action_name)
        data: dict = {}
        if self.body_serializer is not None:
            body = self.body_serializer(data=request.data)
            body.is_valid(raise_exception=True)
            data = body.validated_data
        self.perform(request, case.pk, data)
        return _case_response(request, case.pk)


@extend_schema(
    summary="Open the case to the organisation (officer)",
    request=None,
    responses={200: ComplianceCaseSerializer},
)
class OpenView(_CaseActionView):
    action_name = "open"

    def perform(self, request, case_id, data):
        return services.case_open(actor=request.user, case_id=case_id)


@extend_schema(
    summary="Issue guidance and advice (officer)",
    request=CaseGuidanceSerializer,
    responses={200: ComplianceCaseSerializer},
)
class IssueGuidanceView(_CaseActionView):
    action_name = "issue_guidance"
    body_serializer = CaseGuidanceSerializer

    def perform(self, request, case_id, data):
        return services.case_issue_guidance(
            actor=request.user,
            case_id=case_id,
            measures=data["measures"],
            answer_due=data["answer_due"],
        )


@extend_schema(
    summary="Propose an improvement order (officer)",
    request=CaseProposeOrderSerializer,
    responses={200: ComplianceCaseSerializer},
)
class ProposeOrderView(_CaseActionView):
    action_name = "propose_order"
    body_serializer = CaseProposeOrderSerializer

    def perform(self, request, case_id, data):
        return services.case_propose_order(
            actor=request.user,
            case_id=case_id,
            measures=data["measures"],
            compliance_due=data["compliance_due"],
        )


@extend_schema(
    summary="Approve and issue the order (a supervisor other than the proposer)",
    request=None,
    responses={200: ComplianceCaseSerializer},
)
class ApproveOrderView(_CaseActionView):
    action_name = "approve_order"

    def perform(self, request, case_id, data):
        return services.case_approve_order(actor=request.user, case_id=case_id)


@extend_schema(
    summary="Return the order proposal (a supervisor other than the proposer)",
    request=CaseReturnOrderSerializer,
    responses={200: ComplianceCaseSerializer},
)
class ReturnOrderView(_CaseActionView):
    action_name = "return_order"
    body_serializer = CaseReturnOrderSerializer

    def perform(self, request, case_id, data):
        return services.case_return_order(
            actor=request.user, case_id=case_id, reason=data["reason"]
        )


@extend_schema(
    summary="Acknowledge receipt of the issued order (the organisation)",
    request=None,
    responses={200: ComplianceCaseSerializer},
)
class AcknowledgeOrderView(_CaseActionView):
    action_name = "acknowledge_order"

    def perform(self, request, case_id, data):
        return services.case_acknowledge_order(actor=request.user, case_id=case_id)


@extend_schema(
    summary="Close as resolved or referred for penalty consideration (officer)",
    request=CaseCloseSerializer,
    responses={200: ComplianceCaseSerializer},
)
class CloseView(_CaseActionView):
    # Both outcomes have the same actor and states; the service checks the chosen one again.
    action_name = "resolve"
    body_serializer = CaseCloseSerializer

    def perform(self, request, case_id, data):
        return services.case_close(
            actor=request.user, case_id=case_id, outcome=data["outcome"], summary=data["summary"]
        )


@extend_schema(
    summary="Discard a draft never opened to the organisation, with a reason (officer)",
    request=CaseDiscardSerializer,
    responses={200: ComplianceCaseSerializer},
)
class DiscardView(_CaseActionView):
    action_name = "discard"
    body_serializer = CaseDiscardSerializer

    def perform(self, request, case_id, data):
        return services.case_discard(actor=request.user, case_id=case_id, reason=data["reason"])


class HistoryView(APIView):
    """The case's transitions, oldest first, as the caller may see them."""

    permission_classes = [IsAuthenticated, IsExporterOrMetiStaff]

    @extend_schema(responses={200: CaseTransitionSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        case = selectors.case_for_user(request.user, pk)
        rows = selectors.case_history(request.user, case)
        return Response(CaseTransitionSerializer(rows, many=True).data)


class OrderPdfView(APIView):
    permission_classes = [IsAuthenticated, IsExporterOrMetiStaff]
    renderer_classes = [JSONRenderer, PDFRenderer]

    @extend_schema(
        summary="The improvement order notice as PDF (a proposal's draft for staff only)",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, pk: int):
        return order_pdf_response(selectors.order_case_for_user(request.user, pk))


class CaseMessagesView(generics.ListCreateAPIView):
    """GET the case's thread (oldest first, paginated; reading it marks it read) or POST a
    message: the organisation answers guidance and orders here."""

    permission_classes = [IsAuthenticated, IsExporterOrMetiStaff]
    serializer_class = CaseMessageSerializer
    pagination_class = PageNumberPaginationStrict

    def get_case(self) -> ComplianceCase:
        if not hasattr(self, "_case"):
            self._case = selectors.case_for_user(self.request.user, self.kwargs["pk"])
        return self._case

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["case_pk"] = self.get_case().pk
        return context

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        return selectors.case_messages(self.request.user, self.get_case())

    def list(self, request: Request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        latest = self.get_queryset().aggregate(latest=Max("id"))["latest"]
        if latest:
            services.case_mark_read(
                user=request.user, case=self.get_case(), up_to_message_id=latest
            )
        return response

    @extend_schema(request=CaseMessageCreateSerializer, responses={201: CaseMessageSerializer})
    def post(self, request: Request, *args, **kwargs) -> Response:
        case = self.get_case()
        body = CaseMessageCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        message = services.case_message_post(
            actor=request.user,
            case_id=case.pk,
            kind=body.validated_data["kind"],
            body=body.validated_data["body"],
        )
        message = self.get_queryset().get(pk=message.pk)
        return Response(
            CaseMessageSerializer(message, context={"case_pk": case.pk}).data,
            status=status.HTTP_201_CREATED,
        )


class CaseAttachmentsView(APIView):
    """POST evidence (multipart `file`, optional `message`: one of the caller's own messages on
    the case): 413 over the limit, 400 for a type not allowed; GET
    lists the case's files the caller may download."""

    permission_classes = [IsAuthenticated, IsExporterOrMetiStaff]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: CaseAttachmentSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        case = selectors.case_for_user(request.user, pk)
        return Response(
            CaseAttachmentSerializer(
                selectors.case_attachments(request.user, case),
                many=True,
                context={"case_pk": case.pk},
            ).data
        )

    @extend_schema(
        request=CaseAttachmentUploadSerializer, responses={201: CaseAttachmentSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        case = selectors.case_for_user(request.user, pk)
        body = CaseAttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            attachment = services.case_attach(
                actor=request.user,
                case_id=case.pk,
                file=body.validated_data["file"],
                message_id=body.validated_data.get("message"),
            )
        except threads.AttachmentTooLarge as exc:
            return Response(
                {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()},
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        return Response(
            CaseAttachmentSerializer(attachment, context={"case_pk": case.pk}).data,
            status=status.HTTP_201_CREATED,
        )


class _FileRenderer(BaseRenderer):
    """Lets a client that asks for the file's own type download it; errors are still JSON."""

    media_type = "*/*"
    format = "file"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data) if isinstance(data, dict | list) else data


class CaseAttachmentDownloadView(APIView):
    """GET one of the case's files, with the case's access (404 otherwise); never an internal
    note's file for the organisation."""

    permission_classes = [IsAuthenticated, IsExporterOrMetiStaff]
    renderer_classes = [JSONRenderer, _FileRenderer]

    @extend_schema(
        responses={
            (200, content_type): OpenApiTypes.BINARY
            for content_type in sorted(threads.ALLOWED_CONTENT_TYPES)
        }
    )
    def get(self, request: Request, pk: int, attachment_pk: int):
        case = selectors.case_for_user(request.user, pk)
        return attachment_response(selectors.case_attachment(request.user, case, attachment_pk))
