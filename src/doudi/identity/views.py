"""The identity review queue for district data staff."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from doudi.audit.actions import audit_record
from doudi.identity import actions
from doudi.identity.models import ReviewItem
from doudi.identity.selectors import lake_record


def _require_reviewer(user):
    if not user.can.reviews_identity:
        raise PermissionDenied


@require_GET
def review_list(request):
    _require_reviewer(request.user)
    run = actions.current_run()
    items = (
        ReviewItem.objects.filter(run=run, state=ReviewItem.State.OPEN)
        if run
        else ReviewItem.objects.none()
    )
    page = Paginator(items.order_by("-match_probability", "id"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "identity/review_list.html", {"run": run, "page": page})


@require_http_methods(["GET", "POST"])
def review_detail(request, item_id: int):
    _require_reviewer(request.user)
    try:
        item = ReviewItem.objects.select_related("run").get(pk=int(item_id))
    except (ReviewItem.DoesNotExist, ValueError):
        raise Http404("no such pair") from None
    error = ""
    if request.method == "POST":
        try:
            actions.review_decide(
                actor=request.user,
                item=item,
                same=request.POST.get("same") == "1",
                reason=request.POST.get("reason", ""),
                request=request,
            )
            return redirect("identity:review")
        except ValidationError as exc:
            error = exc.messages[0]
    feed_l, left = lake_record(item.unique_id_l)
    feed_r, right = lake_record(item.unique_id_r)
    audit_record(
        request=request, action="identity.review_view", object_type="review_item", object_id=item.pk
    )
    fields = sorted(
        set(left) | set(right),
        key=lambda n: list(
            (
                "name",
                "id_number",
                "id_number_raw",
                "birth_date",
                "sex",
                "phone",
                "address",
                "community_code",
                "community_name",
            )
        ).index(n),
    )
    rows = [(name, left.get(name, ""), right.get(name, "")) for name in fields]
    weights = sorted(item.weights.items(), key=lambda kv: -(kv[1] or 0))
    return render(
        request,
        "identity/review_detail.html",
        {
            "item": item,
            "feed_l": feed_l,
            "feed_r": feed_r,
            "rows": rows,
            "weights": weights,
            "error": error,
        },
    )
