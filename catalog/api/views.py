from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from portal.roles import IsAdministrator

from .. import selectors, services
from .serializers import (
    OnQuerySerializer,
    TechnologyCreateSerializer,
    TechnologySerializer,
    TransactionTypeSerializer,
)


@extend_schema_view(
    get=extend_schema(
        summary="Technologies in force today, or on ?on=YYYY-MM-DD",
        parameters=[OpenApiParameter("on", OpenApiTypes.DATE, required=False)],
    ),
    post=extend_schema(
        summary="Add a technology (administrators)",
        request=TechnologyCreateSerializer,
        responses={201: TechnologySerializer},
    ),
)
class TechnologyListView(generics.ListCreateAPIView):
    serializer_class = TechnologySerializer

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsAuthenticated(), IsAdministrator()]
        return [IsAuthenticated()]

    def get_queryset(self):
        query = OnQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.technologies_in_force(
            query.validated_data.get("on") or timezone.localdate()
        )

    def create(self, request, *args, **kwargs):
        serializer = TechnologyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        technology = services.technology_create(actor=request.user, data=serializer.validated_data)
        return Response(TechnologySerializer(technology).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        summary="Transaction types in force today, or on ?on=YYYY-MM-DD",
        parameters=[OpenApiParameter("on", OpenApiTypes.DATE, required=False)],
    ),
)
class TransactionTypeListView(generics.ListAPIView):
    """The codes screening and reports accept for `transaction_type` on that day; those not
    reportable are refused at submit."""

    serializer_class = TransactionTypeSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        query = OnQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.transaction_types_in_force(
            query.validated_data.get("on") or timezone.localdate()
        )
