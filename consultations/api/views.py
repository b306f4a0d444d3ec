"""The consultations API (issue 15); thin over consultations.services and selectors."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import F, Max, Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dialogue import threads
from dialogue.api.views import _AnyContentRenderer
from dialogue.models import Message
from dialogue.views import attachment_response
from portal import roles
from portal.models import Division
from reports.api.views import PageNumberPaginationStrict

from .. import lifecycle, selectors, services
from ..models import Consultation, ConsultationReport, Status
from .serializers import (
    AttachmentUploadSerializer,
    CloseSerializer,
    ConsultationAttachmentSerializer,
    ConsultationCreateSerializer,
    ConsultationMessageSerializer,
    ConsultationSerializer,
    ConsultationTransitionSerializer,
    LinkReportSerializer,
    MessageCreateSerializer,
    TransferSerializer,
)


class ConsultationListFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False, allow_blank=True)


def _with_reports(qs):
    return qs.prefetch_related(
        Prefetch(
            "report_links",
            queryset=ConsultationReport.objects.select_related("report").only(
                "id", "consultation_id", "report_id", "report__id", "report__reference"
            ),
        )
    )


def _answer(request: Request, consultation_id: int, code: int = 200) -> Response:
    consultation = _with_reports(selectors.consultations_visible_to(request.user)).get(
        pk=consultation_id
    )
    data = ConsultationSerializer(consultation, context={"request": request}).data
    return Response(data, status=code)


class ConsultationListView(generics.ListCreateAPIView):
    """GET the caller's consultations, newest first (a division's open ones with `?status=open`:
    the longest waiting first), or POST a new one (companies)."""

    permission_classes = [roles.IsExporterOrMetiStaff]
    serializer_class = ConsultationSerializer
    pagination_class = PageNumberPaginationStrict

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Consultation.objects.none()
        filters = ConsultationListFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        qs = _with_reports(selectors.consultations_visible_to(self.request.user))
        if filters.validated_data.get("status"):
            qs = qs.filter(status=filters.validated_data["status"])
        if roles.is_meti_staff(self.request.user) and filters.validated_data.get("status") == (
            Status.OPEN
        ):
            # The officers' list: the longest waiting first (index consultation_division_waiting).
            return qs.order_by(F("awaiting_reply_since").asc(nulls_last=True), "id")
        return qs.order_by("-created_at", "-id")

    @extend_schema(parameters=[ConsultationListFilterSerializer])
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    @extend_schema(request=ConsultationCreateSerializer, responses={201: ConsultationSerializer})
    def post(self, request: Request, *args, **kwargs) -> Response:
        if not roles.is_exporter(request.user):
            # The role before the body: an officer hears 403, not a field error.
            raise PermissionDenied(_("Only companies open consultations."))
        data = ConsultationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        consultation = services.consultation_create(
            actor=request.user,
            subject=d["subject"],
            description=d["description"],
            technology=d.get("technology") or "",
            counterparty_country=d.get("counterparty_country") or "",
            planned_contract_date=d.get("planned_contract_date"),
        )
        return _answer(request, consultation.pk, status.HTTP_201_CREATED)


class ConsultationDetailView(APIView):
    permission_classes = [roles.IsExporterOrMetiStaff]

    @extend_schema(responses={200: ConsultationSerializer})
    def get(self, request: Request, pk: int) -> Response:
        consultation = selectors.consultation_for_user(request.user, pk)
        return _answer(request, consultation.pk)


class ConsultationMessagesView(generics.ListCreateAPIView):
    """GET the thread (oldest first, paginated; reading it marks it read) or POST a message."""

    permission_classes = [roles.IsExporterOrMetiStaff]
    serializer_class = ConsultationMessageSerializer
    pagination_class = PageNumberPaginationStrict

    def get_consultation(self) -> Consultation:
        if not hasattr(self, "_consultation"):
            self._consultation = selectors.consultation_for_user(
                self.request.user, self.kwargs["pk"]
            )
        return self._consultation

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["consultation_id"] = self.kwargs.get("pk")
        return context

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        return selectors.messages_for(self.request.user, self.get_consultation()).prefetch_related(
            "attachments"
        )

    def list(self, request: Request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        latest = self.get_queryset().aggregate(latest=Max("id"))["latest"]
        if latest:
            threads.thread_mark_read(
                user=request.user,
                thread_id=self.get_consultation().thread_id,
                up_to_message_id=latest,
            )
        return response

    @extend_schema(request=MessageCreateSerializer, responses={201: ConsultationMessageSerializer})
    def post(self, request: Request, *args, **kwargs) -> Response:
        consultation = self.get_consultation()
        serializer = MessageCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = services.consultation_post_message(
            actor=request.user,
            consultation_id=consultation.pk,
            kind=serializer.validated_data["kind"],
            body=serializer.validated_data["body"],
        )
        message = self.get_queryset().get(pk=message.pk)
        return Response(
            ConsultationMessageSerializer(message, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class ConsultationAttachmentsView(APIView):
    """POST a file (multipart `file`, optional `message` id): 413 over the limit, 400 for a
    type that is not allowed; GET lists the files the caller may download."""

    permission_classes = [roles.IsExporterOrMetiStaff]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: ConsultationAttachmentSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        consultation = selectors.consultation_for_user(request.user, pk)
        attachments = selectors.attachments_for(request.user, consultation)
        return Response(
            ConsultationAttachmentSerializer(
                attachments, many=True, context={"consultation_id": consultation.pk}
            ).data
        )

    @extend_schema(
        request=AttachmentUploadSerializer, responses={201: ConsultationAttachmentSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        consultation = selectors.consultation_for_user(request.user, pk)
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            attachment = services.consultation_attach(
                actor=request.user,
                consultation_id=consultation.pk,
                file=serializer.validated_data["file"],
                message_id=serializer.validated_data.get("message"),
            )
        except threads.AttachmentTooLarge as exc:
            return Response(
                {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()},
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        return Response(
            ConsultationAttachmentSerializer(
                attachment, context={"consultation_id": consultation.pk}
            ).data,
            status=status.HTTP_201_CREATED,
        )


class ConsultationAttachmentDownloadView(APIView):
    """GET a file, with the consultation's access (404 otherwise); never an internal note's
    file for anyone outside the responsible division."""

    permission_classes = [roles.IsExporterOrMetiStaff]
    renderer_classes = [JSONRenderer, _AnyContentRenderer]

    @extend_schema(
        responses={
            (200, content_type): OpenApiTypes.BINARY
            for content_type in sorted(threads.ALLOWED_CONTENT_TYPES)
        }
    )
    def get(self, request: Request, pk: int, attachment_pk: int):
        return attachment_response(selectors.attachment_for_user(request.user, pk, attachment_pk))


class _ActionView(APIView):
    """An action on a consultation, answering the updated consultation."""

    permission_classes = [roles.IsExporterOrMetiStaff]
    serializer_class: type | None = None
    action_name = ""

    def perform(self, request: Request, consultation: Consultation, data: dict) -> None:
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        consultation = selectors.consultation_for_user(request.user, pk)
        # The rule (403, then 409) before anything about the body; the service checks it
        # again under the row lock.
        lifecycle.require(consultation, request.user, self.action_name)
        data: dict = {}
        if self.serializer_class is not None:
            serializer = self.serializer_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        self.perform(request, consultation, data)
        # A transfer takes the consultation away from the caller's division: answer what they
        # sent it off as, not a 404.
        if not selectors.consultations_visible_to(request.user).filter(pk=pk).exists():
            return Response(
                ConsultationSerializer(
                    _with_reports(Consultation.objects.all()).get(pk=pk),
                    context={"request": request},
                ).data
            )
        return _answer(request, consultation.pk)


@extend_schema(request=TransferSerializer, responses={200: ConsultationSerializer})
class TransferView(_ActionView):
    serializer_class = TransferSerializer
    action_name = "transfer"

    def perform(self, request, consultation, data):
        division = Division.objects.filter(code=data["division"]).first()
        services.consultation_transfer(
            actor=request.user,
            consultation_id=consultation.pk,
            division_id=division.pk if division else None,
            reason=data["reason"],
        )


@extend_schema(request=CloseSerializer, responses={200: ConsultationSerializer})
class CloseView(_ActionView):
    serializer_class = CloseSerializer
    action_name = "close"

    def perform(self, request, consultation, data):
        lifecycle.consultation_close(
            actor=request.user,
            consultation_id=consultation.pk,
            outcome=data["outcome"],
            rule=data.get("rule") or "",
            summary=data["summary"],
        )


@extend_schema(request=LinkReportSerializer, responses={200: ConsultationSerializer})
class LinkReportView(_ActionView):
    serializer_class = LinkReportSerializer
    action_name = "link_report"

    def perform(self, request, consultation, data):
        services.consultation_link_report(
            actor=request.user, consultation_id=consultation.pk, report_id=data["report"]
        )


class ConsultationHistoryView(APIView):
    """The consultation's history, oldest first (a transfer's reason only for METI staff)."""

    permission_classes = [roles.IsExporterOrMetiStaff]

    @extend_schema(responses={200: ConsultationTransitionSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        consultation = selectors.consultation_for_user(request.user, pk)
        rows = ConsultationTransitionSerializer(selectors.history(consultation), many=True).data
        if not roles.is_meti_staff(request.user):
            for row in rows:
                if row["transition"] == "transfer":
                    row["reason"] = ""
        return Response(rows)
