"""REST API v1 for warnings: read-only, scoped by the same access layer as the pages."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from doudi.audit.actions import audit_record
from doudi.monitoring import selectors
from doudi.monitoring.access import access_warning, reads_warnings
from doudi.monitoring.models import Warning


class WarningSummaryOut(serializers.ModelSerializer):
    hukou_no = serializers.CharField(source="household.hukou_no", read_only=True)
    household_id = serializers.IntegerField(read_only=True)
    community_code = serializers.CharField(source="household.community.code", read_only=True)
    street_code = serializers.CharField(source="household.community.parent.code", read_only=True)
    policy_version = serializers.IntegerField(source="policy_version.number", read_only=True)
    # Plain text in the schema: "open" or "resolved" (casework adds more).
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Warning
        fields = [
            "id",
            "hukou_no",
            "household_id",
            "community_code",
            "street_code",
            "status",
            "level",
            "score",
            "reasons",
            "dimensions",
            "trigger",
            "policy_version",
            "updated_at",
        ]


class WarningDetailOut(WarningSummaryOut):
    class Meta(WarningSummaryOut.Meta):
        fields = [
            *WarningSummaryOut.Meta.fields,
            "scorecard_score",
            "model_probability",
            "suppressed",
            "explanation",
            "first_run",
            "run",
        ]


FILTERS = [
    OpenApiParameter(name, str, description=text)
    for name, text in (
        ("level", "level id"),
        ("dimension", "dimension id with points"),
        ("reason", "indicator id"),
        ("street", "street code"),
        ("community", "community code"),
        ("status", "open (default), resolved, or empty for all"),
        ("changed", "1: changed by the current run"),
    )
]


class WarningViewSet(viewsets.ReadOnlyModelViewSet):
    """Warnings of households inside the caller's jurisdiction, most severe first."""

    serializer_class = WarningSummaryOut
    queryset = Warning.objects.none()  # typed path parameter in the schema; see get_queryset

    def get_queryset(self):
        if not reads_warnings(self.request.user):
            raise PermissionDenied()
        filters = selectors.WarningFilters.from_query(self.request.query_params)
        return selectors.warning_list(user=self.request.user, filters=filters).select_related(
            "policy_version"
        )

    @extend_schema(parameters=FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=WarningDetailOut)
    def retrieve(self, request, pk=None):
        if not reads_warnings(request.user):
            raise PermissionDenied()
        warning = access_warning(request.user, pk)
        audit_record(
            request=request,
            action="warning.view",
            object_type="warning",
            object_id=warning.pk,
            detail={"via": "api"},
        )
        return Response(WarningDetailOut(warning).data)
