"""Push API for departments: deliver a file (multipart) or a JSON batch to one of the
caller's department's feeds; read back the delivery report."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from doudi.intake import actions
from doudi.intake.access import access_run, feeds_for
from doudi.intake.forms import SUPPORTED_SUFFIXES
from doudi.intake.models import IngestRun

MAX_BATCH_RECORDS = 50_000


class FeedOut(serializers.Serializer):
    id = serializers.CharField()
    department = serializers.CharField()
    name = serializers.CharField()
    semantics = serializers.CharField()
    record_key = serializers.CharField()
    fields = serializers.ListField(child=serializers.CharField())


class DeliveryOut(serializers.ModelSerializer):
    source_name = serializers.CharField(source="source_file", read_only=True)

    class Meta:
        model = IngestRun
        fields = [
            "id",
            "feed_id",
            "source_name",
            "channel",
            "status",
            "rows_read",
            "accepted",
            "quarantined",
            "written",
            "duplicates",
            "flags",
            "error_code",
            "error_message",
            "created_at",
            "finished_at",
        ]


class BatchIn(serializers.Serializer):
    records = serializers.ListField(
        child=serializers.DictField(), min_length=1, max_length=MAX_BATCH_RECORDS
    )


class FeedListView(APIView):
    """The feeds the caller may read (data officers: their own department's)."""

    @extend_schema(responses=FeedOut(many=True))
    def get(self, request):
        feeds = feeds_for(request.user)
        if not feeds:
            raise PermissionDenied()
        return Response(
            FeedOut(
                [
                    {
                        "id": f.id,
                        "department": f.department,
                        "name": f.name,
                        "semantics": f.semantics,
                        "record_key": f.record_key,
                        "fields": list(f.field_names),
                    }
                    for f in feeds
                ],
                many=True,
            ).data
        )


class DeliveryCreateView(APIView):
    """Deliver to a feed: multipart ``file``, or JSON ``{"records": [{header: value}, …]}``."""

    parser_classes = [MultiPartParser, JSONParser]

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "FileDelivery", {"file": serializers.FileField()}
            ),
            "application/json": BatchIn,
        },
        responses={201: DeliveryOut, 200: DeliveryOut},
        parameters=[OpenApiParameter("feed_id", str, OpenApiParameter.PATH)],
    )
    def post(self, request, feed_id: str):
        try:
            actions.delivery_check(actor=request.user, feed_id=feed_id)
        except Exception as exc:  # PermissionDenied from Django → DRF 403
            raise PermissionDenied("not a feed of your department") from exc
        upload = request.FILES.get("file")
        if upload is not None:
            suffix = Path(upload.name).suffix.lower()
            if suffix not in SUPPORTED_SUFFIXES:
                raise ValidationError({"file": "unsupported file type"})
            if upload.size > settings.DOUDI_UPLOAD_MAX_BYTES:
                raise ValidationError({"file": "file larger than the limit"})
            run = actions.ingest_run_create(
                actor=request.user,
                channel=IngestRun.Channel.API,
                source_name=Path(upload.name).name,
                feed_id=feed_id,
            )
            with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
                for chunk in upload.chunks():
                    tmp.write(chunk)
                tmp.flush()
                actions.ingest_run_execute(run=run, path=Path(tmp.name))
        else:
            body = BatchIn(data=request.data)
            body.is_valid(raise_exception=True)
            run = actions.ingest_run_create(
                actor=request.user,
                channel=IngestRun.Channel.API,
                source_name=f"push:{feed_id}",
                feed_id=feed_id,
            )
            records = [
                {str(k): "" if v is None else str(v) for k, v in r.items()}
                for r in body.validated_data["records"]
            ]
            actions.ingest_run_execute(run=run, records=records)
        run.refresh_from_db()
        code = (
            status.HTTP_200_OK
            if run.status == IngestRun.Status.DUPLICATE
            else (
                status.HTTP_422_UNPROCESSABLE_ENTITY
                if run.status == IngestRun.Status.FAILED
                else status.HTTP_201_CREATED
            )
        )
        return Response(DeliveryOut(run).data, status=code)


class DeliveryDetailView(APIView):
    @extend_schema(responses=DeliveryOut)
    def get(self, request, run_id: int):
        return Response(DeliveryOut(access_run(request.user, run_id)).data)
