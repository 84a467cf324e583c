"""Reads of the register, always through the access layer."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from doudi.engine import idnumber
from doudi.privacy import crypto
from doudi.registry.access import households_for
from doudi.registry.models import UNASSIGNED_COMMUNITY_SUFFIX, Household, Membership

ID_INDEX_PURPOSE = "resident-id"


def id_index_of(number: str) -> str:
    """The blind index of a normalised 18-digit ID number."""
    return crypto.blind_index(number, purpose=ID_INDEX_PURPOSE)


def household_search(*, user, query: str) -> tuple[QuerySet[Household], str]:
    """Households matching ``query`` inside the user's jurisdiction.

    A query that looks like an ID number (15 or 18 characters after normalisation) is looked up
    exactly through the blind index; anything else matches member names (substring) or the
    household number. Returns the queryset and the kind of search made ("id", "name", "all").
    """
    base = households_for(user).select_related("community__parent")
    text = (query or "").strip()
    if not text:
        return base.annotate(member_count=Count("members")), "all"
    normalised = idnumber.normalize(text)
    if len(normalised) in (15, 18) and normalised[:17].isdigit():
        try:
            number = idnumber.parse(normalised).number
        except idnumber.InvalidIDNumber:
            return base.none(), "id"
        matching = Membership.objects.filter(person__id_index=id_index_of(number))
        hits = base.filter(pk__in=matching.values("household_id"))
        return hits.annotate(member_count=Count("members")), "id"
    matching = Membership.objects.filter(person__name__contains=text)
    hits = base.filter(Q(pk__in=matching.values("household_id")) | Q(hukou_no=text))
    return hits.annotate(member_count=Count("members")), "name"


def household_members(*, household: Household) -> list[Membership]:
    return list(
        Membership.objects.filter(household=household).select_related("person").order_by("id")
    )


def household_list_with_head(queryset: QuerySet[Household]) -> QuerySet[Household]:
    """Prefetch the head of household for list pages without N+1 queries."""
    heads = Membership.objects.filter(relation=Membership.Relation.HEAD).select_related("person")
    return queryset.prefetch_related(Prefetch("members", queryset=heads, to_attr="heads"))


def unassigned_codes(*, user) -> list[dict]:
    """The unknown community codes of the households the user may read that sit in the
    unassigned community, with their household counts (most first)."""
    return list(
        households_for(user)
        .filter(community__code__endswith=UNASSIGNED_COMMUNITY_SUFFIX, community__level="community")
        .values("registered_community_code")
        .annotate(households=Count("id"))
        .order_by("-households", "registered_community_code")
    )
