"""REST API v1 for the register: read-only, scoped by the same access layer as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from doudi.audit.actions import audit_record
from doudi.privacy.reasons import PURPOSES
from doudi.registry import actions, selectors
from doudi.registry.access import access_household, access_person
from doudi.registry.models import Household, Membership, Person


class PersonOut(serializers.ModelSerializer):
    id_masked = serializers.CharField(read_only=True)
    phone_masked = serializers.CharField(read_only=True)

    class Meta:
        model = Person
        fields = ["id", "name", "sex", "birth_date", "id_masked", "phone_masked"]


class MemberOut(serializers.ModelSerializer):
    person = PersonOut(read_only=True)

    class Meta:
        model = Membership
        fields = ["relation", "person"]


class HouseholdSummaryOut(serializers.ModelSerializer):
    community_code = serializers.CharField(source="community.code", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Household
        fields = ["id", "hukou_no", "community_code", "community_name", "address", "member_count"]


class HouseholdDetailOut(HouseholdSummaryOut):
    members = MemberOut(many=True, read_only=True)
    street_name = serializers.CharField(source="community.parent.name", read_only=True)

    class Meta(HouseholdSummaryOut.Meta):
        fields = [
            *HouseholdSummaryOut.Meta.fields,
            "street_name",
            "source_feed",
            "source_as_of",
            "members",
        ]


class SearchIn(serializers.Serializer):
    q = serializers.CharField(max_length=100, help_text="ID number, name or household number")


class RevealIn(serializers.Serializer):
    purpose = serializers.ChoiceField(
        choices=[value for value, _label in PURPOSES],
        required=False,
        help_text="入户核查 home_visit, 审核确认 review, 数据核对 data_check, 其他 other "
        "(the default; needs a reason of at least 4 Chinese characters or words)",
    )
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RevealOut(serializers.Serializer):
    person_id = serializers.IntegerField()
    id_number = serializers.CharField()


def _require_registry(user):
    if not user.can.reads_registry:
        raise PermissionDenied()


class HouseholdViewSet(viewsets.ReadOnlyModelViewSet):
    """Households inside the caller's jurisdiction. Searching (by ID number, name or household
    number) is ``POST search/`` with ``{"q": …}``: a query in a URL would land in server and
    proxy logs, so ``?q=`` on the list is refused."""

    serializer_class = HouseholdSummaryOut
    queryset = Household.objects.none()  # typed path parameter in the schema; see get_queryset

    def get_queryset(self, query: str = ""):
        _require_registry(self.request.user)
        households, _kind = selectors.household_search(user=self.request.user, query=query)
        return households.order_by("hukou_no")

    def list(self, request, *args, **kwargs):
        if "q" in request.query_params:
            return Response(
                {
                    "q": [
                        'Search with POST /api/v1/households/search/ and {"q": …}: '
                        "a query in the URL is written to server logs."
                    ]
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return super().list(request, *args, **kwargs)

    @extend_schema(request=SearchIn, responses=HouseholdSummaryOut(many=True))
    @action(detail=False, methods=["post"], url_path="search")
    def search(self, request):
        """Households in the caller's jurisdiction matching an ID number, name or household
        number (sent in the body, never in the URL); audited without the query."""
        _require_registry(request.user)
        body = SearchIn(data=request.data)
        body.is_valid(raise_exception=True)
        query = body.validated_data["q"]
        households, kind = selectors.household_search(user=request.user, query=query)
        households = households.order_by("hukou_no")
        page = self.paginate_queryset(households)
        audit_record(
            request=request,
            action="household.search",
            object_type="household",
            detail={"kind": kind, "hits": households.count(), "via": "api"},
        )
        return self.get_paginated_response(HouseholdSummaryOut(page, many=True).data)

    @extend_schema(responses=HouseholdDetailOut)
    def retrieve(self, request, pk=None):
        _require_registry(request.user)
        household = access_household(request.user, pk)
        audit_record(
            request=request,
            action="household.view",
            object_type="household",
            object_id=household.pk,
            detail={"via": "api"},
        )
        data = HouseholdDetailOut(
            selectors.household_search(user=request.user, query="")[0].get(pk=household.pk)
        ).data
        data["members"] = MemberOut(
            selectors.household_members(household=household), many=True
        ).data
        return Response(data)


class PersonViewSet(viewsets.GenericViewSet):
    serializer_class = RevealIn
    queryset = Person.objects.none()  # typed path parameter in the schema; see access_person

    @extend_schema(request=RevealIn, responses={200: RevealOut})
    @action(detail=True, methods=["post"], url_path="reveal-id")
    def reveal_id(self, request, pk=None):
        """Reveal a full ID number: permitted roles only, with a reason; always audited."""
        person = access_person(request.user, pk)
        body = RevealIn(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            number = actions.person_reveal_id(
                actor=request.user,
                person=person,
                reason=body.validated_data["reason"],
                purpose=body.validated_data.get("purpose", ""),
                request=request,
            )
        except ValidationError as exc:
            return Response({"reason": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
        return Response(RevealOut({"person_id": person.pk, "id_number": number}).data)
