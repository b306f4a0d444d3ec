from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..access import CanViewStatistics
from ..forms import StatisticsFilterForm
from ..selectors import report_statistics
from .serializers import StatisticsQuerySerializer, StatisticsSerializer


class StatisticsView(APIView):
    """The figures of the statistics page for the same filters (supervisors: their division;
    administrators: any division or all). Days are JST calendar days, the day of receipt not
    counted; shares are of the reports METI had to decide that are no longer open."""

    permission_classes = [IsAuthenticated, CanViewStatistics]

    @extend_schema(
        summary="Statistics on reports: per month, outcome, technology and destination",
        parameters=[StatisticsQuerySerializer],
        responses={200: StatisticsSerializer},
    )
    def get(self, request: Request) -> Response:
        form = StatisticsFilterForm(request.query_params, user=request.user)
        if not form.is_valid():
            raise ValidationError(
                {
                    ("non_field_errors" if field == "__all__" else field): [
                        message for error in errors for message in error.messages
                    ]
                    for field, errors in form.errors.as_data().items()
                }
            )
        filters = form.statistics_filter()
        stats = report_statistics(filters=filters)
        payload = {
            "filters": {
                "from_month": f"{filters.month_from:%Y-%m}",
                "to_month": f"{filters.month_to:%Y-%m}",
                # a supervisor's figures are always their own division's
                "division": form.division_code(),
                "technology": filters.technology_code or None,
                "country": filters.country_code or None,
            },
            "summary": stats.summary,
            "months": stats.months,
            "outcomes": stats.outcomes,
            "technologies": stats.technologies,
            "destinations": stats.destinations,
            "consultations": stats.consultations,
            "compliance": stats.compliance,
        }
        return Response(StatisticsSerializer(payload).data)
