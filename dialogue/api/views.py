"""The dialogue API (api.md, "Dialogue" and the officers' report actions); thin over services."""

from __future__ import annotations

import json

from django.db.models import Max
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dialogue import selectors, services, threads
from dialogue.models import Message
from dialogue.views import attachment_response
from portal.roles import IsExporterOrMetiStaff, IsMetiStaff
from reports import lifecycle
from reports.api.serializers import ReportSerializer
from reports.api.views import PageNumberPaginationStrict
from reports.selectors import report_for_user

from .serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    ConcludeSerializer,
    MessageCreateSerializer,
    MessageSerializer,
    NotSubjectSerializer,
)


class ReportMessagesView(generics.ListCreateAPIView):
    """GET the thread (oldest first, paginated; reading it marks it read) or POST a message."""

    permission_classes = [IsExporterOrMetiStaff]
    serializer_class = MessageSerializer
    pagination_class = PageNumberPaginationStrict

    def get_report(self):
        if not hasattr(self, "_report"):
            self._report = report_for_user(self.request.user, self.kwargs["pk"])
        return self._report

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        return selectors.thread_messages(self.request.user, self.get_report()).prefetch_related(
            "attachments"
        )

    def list(self, request: Request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        latest = self.get_queryset().aggregate(latest=Max("id"))["latest"]
        if latest:
            services.thread_mark_read(
                user=request.user, report_id=self.get_report().pk, up_to_message_id=latest
            )
        return response

    # On `post`, which is what the schema generator reads (on `create` it was ignored and the
    # request was documented as a Message).
    @extend_schema(request=MessageCreateSerializer, responses={201: MessageSerializer})
    def post(self, request: Request, *args, **kwargs) -> Response:
        return self.create(request, *args, **kwargs)

    def create(self, request: Request, *args, **kwargs) -> Response:
        report = self.get_report()
        serializer = MessageCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = services.message_post(
            actor=request.user,
            report_id=report.pk,
            kind=serializer.validated_data["kind"],
            body=serializer.validated_data["body"],
        )
        # The report had no thread before its first message: read it again.
        report.refresh_from_db(fields=["thread"])
        message = self.get_queryset().get(pk=message.pk)
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class ReportAttachmentsView(APIView):
    """POST a file (multipart `file`, optional `message` id): 413 over the limit, 400 for a
    type that is not allowed; GET lists the report's attachments the caller may download."""

    permission_classes = [IsExporterOrMetiStaff]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: AttachmentSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        report = report_for_user(request.user, pk)
        attachments = selectors.report_attachments(request.user, report)
        return Response(AttachmentSerializer(attachments, many=True).data)

    @extend_schema(request=AttachmentUploadSerializer, responses={201: AttachmentSerializer})
    def post(self, request: Request, pk: int) -> Response:
        report = report_for_user(request.user, pk)
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            attachment = services.attachment_upload(
                actor=request.user,
                report_id=report.pk,
                file=serializer.validated_data["file"],
                message_id=serializer.validated_data.get("message"),
            )
        except threads.AttachmentTooLarge as exc:
            return Response(
                {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()},
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class _AnyContentRenderer(BaseRenderer):
    """Lets a client that asks for the file's own type (Accept: application/pdf) download it;
    errors are still JSON."""

    media_type = "*/*"
    format = "file"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data).encode() if isinstance(data, dict | list) else data


class AttachmentDownloadView(APIView):
    """GET the file, with the same access as its report (404 otherwise); never an internal
    note's file for an exporter."""

    permission_classes = [IsExporterOrMetiStaff]
    renderer_classes = [JSONRenderer, _AnyContentRenderer]

    # The file is served as the type its content was judged to be at upload.
    @extend_schema(
        responses={
            (200, content_type): OpenApiTypes.BINARY
            for content_type in sorted(threads.ALLOWED_CONTENT_TYPES)
        }
    )
    def get(self, request: Request, pk: int):
        return attachment_response(selectors.attachment_for_user(request.user, pk))


class _ReportActionView(APIView):
    """An officer's action on a report, answering the updated report (api.md, "Actions")."""

    permission_classes = [IsMetiStaff]
    serializer_class: type | None = None
    action_name: str = ""

    def perform(self, request: Request, report_id: int, data: dict):
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        report = report_for_user(request.user, pk)
        # The rule (403, then 409) before anything about the body; the service checks it
        # again under the row lock.
        lifecycle.require(report, request.user, self.action_name)
        data: dict = {}
        if self.serializer_class is not None:
            serializer = self.serializer_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        report = self.perform(request, report.pk, data)
        report = report_for_user(request.user, report.pk)
        return Response(ReportSerializer(report, context={"request": request}).data)


@extend_schema(request=None, responses={200: ReportSerializer})
class StartDialogueView(_ReportActionView):
    action_name = "start_dialogue"

    def perform(self, request, report_id, data):
        return lifecycle.report_start_dialogue(actor=request.user, report_id=report_id)


@extend_schema(request=ConcludeSerializer, responses={200: ReportSerializer})
class ConcludeView(_ReportActionView):
    serializer_class = ConcludeSerializer
    action_name = "conclude"

    def perform(self, request, report_id, data):
        return lifecycle.report_conclude(
            actor=request.user,
            report_id=report_id,
            summary=data["summary"],
            agreed_measures=data["agreed_measures"],
        )


@extend_schema(request=NotSubjectSerializer, responses={200: ReportSerializer})
class NotSubjectView(_ReportActionView):
    serializer_class = NotSubjectSerializer
    action_name = "mark_not_subject"

    def perform(self, request, report_id, data):
        return lifecycle.report_mark_not_subject(
            actor=request.user, report_id=report_id, rule=data["rule"], reason=data["reason"]
        )
