"""A periodic review: what changed in the household since the decision, and its outcome with
reasons (continue, adjust, phase out, stop) recorded once by the bureau (issue 18)."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.assistance.models import EntitlementChange
from doudi.audit.models import AuditEntry
from doudi.integrity import scheduler
from doudi.integrity.models import ReviewTask
from doudi.registry.models import Membership
from tests.conftest import make_person
from tests.integrity.conftest import approve

pytestmark = pytest.mark.django_db


def test_review_shows_changes_and_records_the_outcome_once(
    clock, cast, households, resident, departments, clients
):
    wang = households["A1"].members.get(relation="head").person
    _application, decision = approve(cast, households, departments, wang)
    clock.day = dt.date(2027, 6, 2)
    [review] = scheduler.review_schedule(actor=cast["dave"])
    assert (review.reason, review.due_on) == ("yearly", dt.date(2027, 6, 1))
    grandson = make_person(name="王小宝", birth=dt.date(2015, 2, 2))
    Membership.objects.create(household=households["A1"], person=grandson, relation="grandchild")

    listing = clients["alice"].get("/integrity/reviews/").content.decode()
    assert "100000001" in listing and "年度复查（收入稳定家庭）" in listing and "逾期" in listing
    assert clients["bob"].get(f"/integrity/reviews/{review.pk}/").status_code == 404
    page = clients["dave"].get(f"/integrity/reviews/{review.pk}/").content.decode()
    assert f"新增成员：王小宝 {grandson.id_masked}" in page
    assert grandson.id_number not in page
    assert f'href="/integrity/decisions/{decision.pk}/trace/"' in page

    url = f"/integrity/reviews/{review.pk}/"
    form = {"outcome": "adjust", "reason": "新增一名未成年成员", "from_month": "2027-07"}
    assert clients["alice"].post(url, {**form, "amount": "900"}).status_code == 403
    response = clients["dave"].post(url, {**form, "amount": "九百"})
    assert response.status_code == 200
    assert "调整后金额（元/月）：请填写数字金额" in response.content.decode()
    assert "新增一名未成年成员" in response.content.decode()  # what was typed is kept
    assert not EntitlementChange.objects.exists()
    response = clients["dave"].post(url, {**form, "amount": "900"})
    assert response.status_code == 302
    review.refresh_from_db()
    change = EntitlementChange.objects.get()
    assert (review.outcome, review.change, review.decided_by) == ("adjust", change, cast["dave"])
    assert (change.kind, change.monthly_fen, change.from_month) == (
        "adjust",
        90000,
        dt.date(2027, 7, 1),
    )
    assert change.reason == "复查：新增一名未成年成员"
    response = clients["dave"].post(url, {**form, "amount": "800"}, follow=True)
    assert "这次复查已经登记结论" in response.content.decode()
    assert EntitlementChange.objects.count() == 1
    assert ReviewTask.objects.get().outcome == "adjust"
    assert AuditEntry.objects.filter(action="integrity.review_outcome").count() == 2  # 1 denied
