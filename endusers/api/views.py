from django.core.paginator import EmptyPage
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from endusers import selectors, services
from endusers.models import Match
from portal.roles import IsAdministrator, IsMetiStaff
from reports.api.views import PageNumberPaginationStrict
from reports.forms import PAGE_NUMBER_MESSAGE
from reports.precedents import precedents_for
from reports.selectors import report_for_user

from .serializers import (
    AdjudicateSerializer,
    ListVersionSerializer,
    MatchSerializer,
    PrecedentSerializer,
)


class ReportMatchesView(generics.ListAPIView):
    """The report's End User List candidates and their adjudications (staff of the division)."""

    serializer_class = MatchSerializer
    permission_classes = [IsAuthenticated, IsMetiStaff]
    pagination_class = PageNumberPaginationStrict

    def get_queryset(self):
        report = report_for_user(self.request.user, self.kwargs["pk"])
        if not selectors.can_see_matches(self.request.user, report):
            return Match.objects.none()
        return selectors.matches_queryset(report)


class MatchAdjudicateView(APIView):
    permission_classes = [IsAuthenticated, IsMetiStaff]

    @extend_schema(
        summary="Adjudicate a match as true or false, with a reason (officer of the division)",
        request=AdjudicateSerializer,
        responses={200: MatchSerializer},
    )
    def post(self, request, pk: int):
        match = selectors.match_for_user(request.user, pk)
        body = AdjudicateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        match = services.match_adjudicate(
            actor=request.user, match_id=match.pk, **body.validated_data
        )
        return Response(MatchSerializer(selectors.match_for_user(request.user, match.pk)).data)


class PrecedentPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = PrecedentSerializer(many=True)


class ReportPrecedentsView(APIView):
    permission_classes = [IsAuthenticated, IsMetiStaff]

    @extend_schema(
        summary="Earlier decided reports of the same technology (and destination), newest first",
        description=(
            "Staff of the report's division. A precedent of another division gives only its "
            "outcome and date (reports.precedents)."
        ),
        parameters=[
            OpenApiParameter(
                "same_destination",
                OpenApiTypes.BOOL,
                description="Only reports to the same destination country.",
            ),
            OpenApiParameter("page", OpenApiTypes.INT, description="A page number (from 1)."),
        ],
        responses={200: PrecedentPageSerializer},
    )
    def get(self, request, pk: int):
        report = report_for_user(request.user, pk)
        same_destination = request.query_params.get("same_destination") in ("1", "true", "True")
        raw = request.query_params.get("page") or "1"
        if not raw.isdigit() or int(raw) < 1:
            raise serializers.ValidationError({"page": [PAGE_NUMBER_MESSAGE]})
        try:
            page, rows = precedents_for(
                request.user, report, same_destination=same_destination, page=int(raw), strict=True
            )
        except EmptyPage:
            raise NotFound("No such page.") from None

        def link(number: int) -> str:
            return replace_query_param(request.build_absolute_uri(), "page", number)

        return Response(
            {
                "count": page.paginator.count,
                "next": link(page.next_page_number()) if page.has_next() else None,
                "previous": link(page.previous_page_number()) if page.has_previous() else None,
                "results": PrecedentSerializer(rows, many=True).data,
            }
        )


class ListVersionsView(generics.ListAPIView):
    """Every version of the End User List, newest upload first (administrators)."""

    serializer_class = ListVersionSerializer
    permission_classes = [IsAuthenticated, IsAdministrator]
    pagination_class = PageNumberPaginationStrict
    queryset = selectors.versions_all()
