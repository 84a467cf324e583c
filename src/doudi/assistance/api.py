"""REST API v1 for the outbound feed to 医保: the people to enrol (资助参保) and aid, not yet
acknowledged, and their acknowledgement. Only the 医保 data officer (or the bureau) reads it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from doudi.assistance import actions
from doudi.assistance.access import decides
from doudi.assistance.models import Push
from doudi.audit.actions import audit_record

YIBAO = ("医保", "yibao")


def receives_pushes(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and ((user.can.delivers_feeds and user.department in YIBAO) or decides(user))
    )


class PushOut(serializers.ModelSerializer):
    name = serializers.CharField(source="member.name", read_only=True)
    id_number = serializers.CharField(source="member.id_number", read_only=True)
    programme = serializers.CharField(source="application.programme", read_only=True)

    class Meta:
        model = Push
        fields = ["id", "department", "kind", "name", "id_number", "programme", "created_at"]


class AckIn(serializers.Serializer):
    reference = serializers.CharField(max_length=64)


class PushFeedView(APIView):
    """Pushes waiting for the department's acknowledgement, oldest first."""

    @extend_schema(responses=PushOut(many=True))
    def get(self, request):
        if not receives_pushes(request.user):
            raise PermissionDenied()
        rows = Push.objects.filter(acknowledged_at__isnull=True).select_related(
            "member", "application"
        )
        audit_record(request=request, action="assistance.push_feed", object_type="push")
        return Response(PushOut(rows.order_by("id"), many=True).data)


class PushAckView(APIView):
    """The department's acknowledgement of one push, with its own reference."""

    @extend_schema(request=AckIn, responses=PushOut)
    def post(self, request, push_id: int):
        if not receives_pushes(request.user):
            raise PermissionDenied()
        try:
            push = Push.objects.select_related("member", "application").get(pk=push_id)
        except Push.DoesNotExist:
            raise NotFound() from None
        data = AckIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            actions.push_acknowledge(
                actor=request.user,
                push=push,
                reference=data.validated_data["reference"],
                request=request,
            )
        except ValidationError as exc:
            return Response({"detail": exc.messages[0]}, status=409)
        return Response(PushOut(push).data)
