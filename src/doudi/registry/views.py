"""Household search, household page, CSV export and ID reveal — all through the access layer."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.audit.actions import audit_record
from doudi.common.csv_export import csv_download
from doudi.registry import actions, selectors
from doudi.registry.access import access_household, access_person
from doudi.registry.forms import AddressForm, CodeMapForm, RevealForm
from doudi.registry.models import (
    UNASSIGNED_COMMUNITY_SUFFIX,
    CommunityCodeMap,
    Jurisdiction,
)

EXPORT_HEADER = ["户号", "社区", "街道", "住址", "户主姓名", "户主身份证号码（脱敏）", "人数"]


def _require_registry(user):
    if not user.can.reads_registry:
        raise PermissionDenied


SEARCHES_KEY = "doudi_household_searches"
MAX_SEARCHES = 20
MAX_QUERY_LENGTH = 100


def _remember_search(request, query: str) -> str:
    """Keep a search (which may be an ID number) in the session under an opaque token, so the
    results page, its pages and its export are addressed by the token, never by the query."""
    searches = dict(request.session.get(SEARCHES_KEY, {}))
    token = secrets.token_urlsafe(12)
    searches[token] = query
    while len(searches) > MAX_SEARCHES:
        searches.pop(next(iter(searches)))
    request.session[SEARCHES_KEY] = searches
    return token


def _search_of(request) -> tuple[str, str]:
    """(token, query) of ``?s=``; an unknown token or a bare ``?q=`` searches nothing."""
    token = request.GET.get("s", "")
    query = request.session.get(SEARCHES_KEY, {}).get(token, "") if token else ""
    return (token if query else ""), query


@require_http_methods(["GET", "POST"])
def household_list(request):
    """Search by ID number, name or household number: the query is POSTed (it must never be in
    a URL, where server and proxy logs and browser history would keep it) and answered with a
    redirect to ``?s=<token>``; the token means something only in this session."""
    _require_registry(request.user)
    if request.method == "POST":
        query = request.POST.get("q", "").strip()[:MAX_QUERY_LENGTH]
        if not query:
            return redirect("registry:household_list")
        token = _remember_search(request, query)
        return redirect(reverse("registry:household_list") + f"?s={token}")
    token, query = _search_of(request)
    households, kind = selectors.household_search(user=request.user, query=query)
    page = Paginator(
        selectors.household_list_with_head(households.order_by("hukou_no")), 25
    ).get_page(request.GET.get("page"))
    if query and not request.GET.get("page"):
        # The query itself may be an ID number: record only the kind of search and the count.
        audit_record(
            request=request,
            action="household.search",
            object_type="household",
            detail={"kind": kind, "hits": page.paginator.count},
        )
    template = (
        "registry/_household_rows.html"
        if request.headers.get("HX-Request") == "true"
        else "registry/household_list.html"
    )
    return render(
        request,
        template,
        {
            "page": page,
            "query": query,
            "kind": kind,
            "search_token": token,
            "waiting": selectors.unassigned_codes(user=request.user)
            if _maps_codes(request.user)
            else [],
            "maps_codes": _maps_codes(request.user),
        },
    )


@require_GET
def household_detail(request, household_id: int):
    household = access_household(request.user, household_id)
    members = selectors.household_members(household=household)
    audit_record(
        request=request, action="household.view", object_type="household", object_id=household.pk
    )
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "members": members,
            "address_form": AddressForm(initial={"address": household.address}),
        },
    )


@require_POST
def household_update_address(request, household_id: int):
    household = access_household(request.user, household_id)
    form = AddressForm(request.POST)
    if form.is_valid():
        try:
            actions.household_update_address(
                actor=request.user,
                household=household,
                address=form.cleaned_data["address"],
                request=request,
            )
        except ValidationError:
            pass
    return redirect("registry:household_detail", household_id=household.pk)


@require_GET
def household_export(request):
    """CSV of the households the user may read (masked IDs), safe against formula injection.
    A search is named by its session token (``?s=``), never by the query."""
    _require_registry(request.user)
    _token, query = _search_of(request)
    households, kind = selectors.household_search(user=request.user, query=query)
    households = selectors.household_list_with_head(households.order_by("hukou_no"))
    audit_record(
        request=request,
        action="household.export",
        object_type="household",
        detail={"kind": kind, "rows": households.count()},
    )

    def rows():
        for h in households.iterator(chunk_size=2000):
            head = h.heads[0].person if h.heads else None
            yield (
                h.hukou_no,
                h.community.name,
                h.community.parent.name,
                h.address,
                head.name if head else "",
                head.id_masked if head else "",
                h.member_count,
            )

    return csv_download("households.csv", EXPORT_HEADER, rows())


def _reveal(request, person_id: int, reveal, template: str):
    person = access_person(request.user, person_id)
    form = RevealForm(request.POST)
    context = {"person": person, "form": form}
    if form.is_valid():
        try:
            context["revealed"] = reveal(
                actor=request.user,
                person=person,
                reason=form.cleaned_data["reason"],
                purpose=form.cleaned_data["purpose"],
                request=request,
            )
        except ValidationError as exc:
            context["error"] = exc.messages[0]
    status = 200 if "revealed" in context else 400
    return render(request, template, context, status=status)


@require_POST
def person_reveal_id(request, person_id: int):
    return _reveal(request, person_id, actions.person_reveal_id, "registry/_reveal.html")


@require_POST
def person_reveal_phone(request, person_id: int):
    return _reveal(request, person_id, actions.person_reveal_phone, "registry/_reveal_phone.html")


def _maps_codes(user) -> bool:
    return bool(
        user.can.edits_registry
        and user.jurisdiction is not None
        and user.jurisdiction.level == Jurisdiction.Level.DISTRICT
    )


def _require_district_mapper(user):
    if not _maps_codes(user):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def community_codes(request):
    """The district bureau maps community codes the reference table does not know (households
    waiting in the unassigned community) to its communities."""
    _require_district_mapper(request.user)
    communities = (
        Jurisdiction.objects.filter(
            level=Jurisdiction.Level.COMMUNITY,
            code__startswith=request.user.jurisdiction.code,
        )
        .exclude(code__endswith=UNASSIGNED_COMMUNITY_SUFFIX)
        .select_related("parent")
        .order_by("code")
    )
    form = CodeMapForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        try:
            moved = actions.community_code_map(
                actor=request.user,
                code=form.cleaned_data["code"],
                community=form.cleaned_data["community"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(
                request,
                _("Code %(code)s now maps to %(community)s: %(n)s households moved.")
                % {
                    "code": form.cleaned_data["code"],
                    "community": form.cleaned_data["community"].name,
                    "n": moved,
                },
            )
            return redirect("registry:community_codes")
    return render(
        request,
        "registry/community_codes.html",
        {
            "form": form,
            "unassigned": selectors.unassigned_codes(user=request.user),
            "mapped": CommunityCodeMap.objects.select_related("community__parent").filter(
                community__code__startswith=request.user.jurisdiction.code
            ),
        },
    )
