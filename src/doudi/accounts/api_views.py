from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView


class MeOut(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField()
    jurisdiction_code = serializers.CharField(allow_null=True)


class MeView(APIView):
    """The calling account: role and jurisdiction."""

    @extend_schema(responses=MeOut)
    def get(self, request):
        user = request.user
        return Response(
            MeOut(
                {
                    "username": user.username,
                    "role": user.role,
                    "jurisdiction_code": user.jurisdiction.code if user.jurisdiction_id else None,
                }
            ).data
        )
