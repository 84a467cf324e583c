"""The re-check scheduler over a simulated year with fixed dates: exactly the tasks the cycles
of POLICY.md §1.11 / §2.9 demand, each once, as casework tasks (issue 18)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied

from doudi.assistance.models import Application, Entitlement, IncomeItem, Member
from doudi.casework.models import Task
from doudi.integrity import scheduler
from doudi.integrity.models import ReviewTask
from tests.conftest import make_household, make_person

pytestmark = pytest.mark.django_db
_n = itertools.count(1)


def _benefit(community, programme, creator, births, *, business_fen=0, status="active"):
    people = [make_person(name=f"成员{next(_n)}", birth=b) for b in births]
    household = make_household(
        hukou_no=f"8{next(_n):08d}",
        community=community,
        members=[("head" if i == 0 else "child", p) for i, p in enumerate(people)],
    )
    application = Application.objects.create(
        programme=programme,
        household=household,
        community=community,
        applicant=people[0],
        channel="officer",
        status="approved",
        created_by=creator,
    )
    for p in people:
        Member.objects.create(
            application=application,
            person=p,
            name=p.name,
            id_index=p.id_index,
            id_masked=p.id_masked,
            birth_date=p.birth_date,
            relation="self",
            active=False,
        )
    if business_fen:
        IncomeItem.objects.create(
            application=application, category="business", monthly_fen=business_fen
        )
    return Entitlement.objects.create(
        application=application,
        household=household,
        programme=programme,
        monthly_fen=60000,
        first_month=dt.date(2026, 6, 1),
        status=status,
    )


def test_a_simulated_year_makes_exactly_the_tasks_the_cycles_demand(clock, cast, district):
    dave = cast["dave"]
    a, b, c = district["A"], district["B"], district["C"]
    stable = _benefit(a, "dibao", dave, [dt.date(1950, 3, 1), dt.date(1952, 4, 2)])
    working = _benefit(a, "dibao", dave, [dt.date(1985, 1, 20)])
    business = _benefit(b, "dibao", dave, [dt.date(1940, 1, 1)], business_fen=30000)
    tekun = _benefit(b, "tekun", dave, [dt.date(1966, 12, 1), dt.date(2010, 9, 10)])
    widowed = _benefit(c, "dibao", dave, [dt.date(1945, 5, 5), dt.date(1947, 6, 6)])
    _stopped = _benefit(c, "dibao", dave, [dt.date(1985, 1, 1)], status="stopped")

    day = dt.date(2026, 6, 1)
    while day <= dt.date(2027, 6, 1):
        clock.day = day
        if day == dt.date(2026, 8, 20):  # a member's death recorded (assistance sets the due)
            Entitlement.objects.filter(pk=widowed.pk).update(
                review_due=dt.date(2026, 11, 20), review_reason="家庭成员死亡，需复核调整"
            )
        scheduler.review_schedule(actor=dave)
        day += dt.timedelta(days=1)

    got = sorted((r.entitlement_id, r.reason, r.due_on) for r in ReviewTask.objects.all())
    assert got == sorted(
        [
            (stable.pk, "yearly", dt.date(2027, 6, 1)),
            (working.pk, "half_yearly", dt.date(2026, 12, 1)),
            (working.pk, "half_yearly", dt.date(2027, 6, 1)),
            (business.pk, "half_yearly", dt.date(2026, 12, 1)),
            (business.pk, "half_yearly", dt.date(2027, 6, 1)),
            # 59 at the first month (working age): six months; 60 on 1 December: yearly after
            (tekun.pk, "half_yearly", dt.date(2026, 12, 1)),
            (tekun.pk, "age", dt.date(2026, 9, 10)),  # the child turns 16
            (tekun.pk, "age", dt.date(2026, 12, 1)),  # the head turns 60
            (widowed.pk, "death", dt.date(2026, 11, 20)),
            (widowed.pk, "yearly", dt.date(2027, 6, 1)),
        ]
    )
    # each is one casework task of the household, made on its due day (the death at once)
    tasks = Task.objects.order_by("id")
    assert tasks.count() == 10
    for review in ReviewTask.objects.select_related("task", "entitlement"):
        assert review.task.household_id == review.entitlement.household_id
        assert review.task.origin == Task.Origin.REFERRAL
        assert review.task.note.startswith("定期复查：")
        expected = dt.date(2026, 8, 20) if review.reason == "death" else review.due_on
        assert review.task.accepted_on == expected
    age = ReviewTask.objects.get(reason="age", due_on=dt.date(2026, 9, 10))
    assert age.task.note == (
        f"定期复查：特困人员年龄节点复查，应于2026年9月10日复查（{age.detail}）"
    )
    assert age.detail.endswith("年满16周岁")


def test_a_street_reviewer_schedules_only_their_street(clock, cast, district):
    a_benefit = _benefit(district["A"], "dibao", cast["dave"], [dt.date(1985, 1, 20)])
    _benefit(district["C"], "dibao", cast["dave"], [dt.date(1985, 1, 20)])
    clock.day = dt.date(2026, 12, 1)
    made = scheduler.review_schedule(actor=cast["carol"])
    assert [(r.entitlement_id, r.reason) for r in made] == [(a_benefit.pk, "half_yearly")]
    with pytest.raises(PermissionDenied):
        scheduler.review_schedule(actor=cast["erin"])  # the auditor changes nothing
    assert ReviewTask.objects.count() == 1


def test_the_command_schedules_once_and_refuses_plainly(clock, cast, district):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    benefit = _benefit(district["A"], "dibao", cast["dave"], [dt.date(1985, 1, 20)])
    out = io.StringIO()
    call_command("review", "schedule", "--as", "carol", "--on", "2026-12-01", stdout=out)
    assert out.getvalue() == (
        f"2026-12-01 half_yearly household {benefit.household.hukou_no} "
        f"task {ReviewTask.objects.get().task_id}\nmade 1 review tasks\n"
    )
    out = io.StringIO()
    call_command("review", "schedule", "--as", "carol", "--on", "2026-12-01", stdout=out)
    assert out.getvalue() == "made 0 review tasks\n"
    with pytest.raises(CommandError) as exc:
        call_command("review", "schedule", "--as", "erin")
    assert (
        str(exc.value) == "--as 'erin': this user does not work cases; use a case worker's account"
    )
    with pytest.raises(CommandError) as exc:
        call_command("review", "schedule", "--as", "carol", "--on", "1/12/2026")
    assert str(exc.value) == "--on '1/12/2026': use the form YYYY-MM-DD, e.g. 2026-06-01"
    assert ReviewTask.objects.count() == 1
