"""Random spot checks on a generated district: strata, reproducibility from the frozen frame,
and inspectors never sent to their own street (issue 18)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.assistance.models import Application, Entitlement
from doudi.audit.models import AuditEntry
from doudi.integrity import spotcheck
from doudi.integrity.models import SpotCheckDraw, SpotCheckItem, SpotCheckPlan
from doudi.registry.models import Jurisdiction
from tests.conftest import make_household, make_person

pytestmark = pytest.mark.django_db
_n = itertools.count(1)


def _on_benefit(community, programme, creator):
    person = make_person(name=f"居民{next(_n)}", birth=dt.date(1950, 1, 1))
    household = make_household(
        hukou_no=f"9{next(_n):08d}", community=community, members=[("head", person)]
    )
    application = Application.objects.create(
        programme=programme,
        household=household,
        community=community,
        applicant=person,
        channel="officer",
        status="approved",
        created_by=creator,
    )
    return Entitlement.objects.create(
        application=application,
        household=household,
        programme=programme,
        monthly_fen=60000,
        first_month=dt.date(2026, 6, 1),
    )


@pytest.fixture
def district3(db):
    """Three streets of two communities; five dibao and five tekun households a street; an
    officer for each community and a reviewer for each street."""
    d = Jurisdiction.objects.create(code="420199", name="测试区", level="district")
    admin = User.objects.create_user(username="admin0", password="x" * 20, role=Role.ADMINISTRATOR)
    streets = []
    for s in range(1, 4):
        street = Jurisdiction.objects.create(
            code=f"420199{s:03d}", name=f"第{s}街道", level="street", parent=d
        )
        streets.append(street)
        User.objects.create_user(
            username=f"rev{s}", password="x" * 20, role=Role.STREET_REVIEWER, jurisdiction=street
        )
        for c in range(1, 3):
            community = Jurisdiction.objects.create(
                code=f"{street.code}{c:03d}",
                name=f"第{s}-{c}社区",
                level="community",
                parent=street,
            )
            User.objects.create_user(
                username=f"off{s}{c}",
                password="x" * 20,
                role=Role.COMMUNITY_OFFICER,
                jurisdiction=community,
            )
            for i in range(5):
                _on_benefit(community, "dibao" if (c + i) % 2 else "tekun", admin)
    return {"district": d, "streets": streets, "admin": admin}


def _key(rows):
    return [(r["hukou_no"], r["inspector"]["username"]) for r in rows]


def test_strata_ratio_and_never_the_own_street(district3):
    plan = spotcheck.plan_create(name="2026年第三季度", ratio="0.3")
    assert len(plan.frame) == 30 and len(plan.inspectors) == 9
    _draw, rows = spotcheck.draw(plan=plan, seed="20260915")
    per_stratum = Counter((r["street"], r["programme"]) for r in rows)
    assert per_stratum == {
        (s.code, p): 2 for s in district3["streets"] for p in ("dibao", "tekun")
    }  # ceil(0.3 × 5) in each of the six strata
    assert len({r["hukou_no"] for r in rows}) == 12
    items = SpotCheckItem.objects.select_related("inspector__jurisdiction__parent")
    assert items.count() == 12
    for item in items:
        j = item.inspector.jurisdiction
        own = j.code if j.level == "street" else j.parent.code
        assert own != item.street
        assert item.household.community.parent.code == item.street


def test_same_plan_and_seed_same_sample_after_unrelated_changes(district3):
    plan = spotcheck.plan_create(name="复现", ratio="0.3")
    _d, first = spotcheck.draw(plan=plan, seed="S-1")
    # unrelated changes: new households on benefit, a benefit stopped, an address changed,
    # a new inspector, a household of the frame renamed
    street = district3["streets"][0]
    for community in street.children.all():
        _on_benefit(community, "dibao", district3["admin"])
    Entitlement.objects.filter(pk=plan.frame[0]["entitlement"]).update(status="stopped")
    User.objects.create_user(
        username="aaa-new", password="x" * 20, role=Role.STREET_REVIEWER, jurisdiction=street
    )
    plan = SpotCheckPlan.objects.get(pk=plan.pk)
    _d, again = spotcheck.draw(plan=plan, seed="S-1")
    assert _key(again) == _key(first)
    _d, other = spotcheck.draw(plan=plan, seed="S-2")
    assert _key(other) != _key(first)
    # a new plan sees the new frame
    assert len(spotcheck.plan_create(name="新方案", ratio="0.3").frame) == 31


def test_the_draw_is_a_pure_function_of_frame_and_seed():
    """No database: the same frozen plan and seed give this exact sample on any machine and
    database (the SQLite and PostgreSQL runs of this file both check it)."""
    plan = SpotCheckPlan(
        name="固定",
        ratio="0.5",
        frame=[
            {
                "entitlement": i,
                "household": i,
                "hukou_no": f"H{i}",
                "street": s,
                "programme": "dibao",
            }
            for i, s in enumerate(["S1"] * 4 + ["S2"] * 4, start=1)
        ],
        inspectors=[
            {"user": 1, "username": "a", "street": "S1"},
            {"user": 2, "username": "b", "street": "S2"},
            {"user": 3, "username": "c", "street": ""},
        ],
    )
    rows = spotcheck.sample(plan, "42")
    assert _key(rows) == _key(spotcheck.sample(plan, "42"))
    assert [r["street"] for r in rows] == ["S1", "S1", "S2", "S2"]
    assert all(r["inspector"]["street"] != r["street"] for r in rows)
    assert _key(rows) == PINNED


PINNED = [("H4", "c"), ("H3", "c"), ("H8", "a"), ("H7", "c")]


def test_command_prints_and_writes_the_sample(district3, tmp_path):
    out = io.StringIO()
    call_command(
        "spotcheck",
        "plan",
        "--name",
        "县级抽查",
        "--ratio",
        "0.3",
        "--programme",
        "tekun",
        stdout=out,
    )
    assert out.getvalue() == "plan 县级抽查: 15 households in the frame, 9 inspectors, ratio 0.3\n"
    target = tmp_path / "sample.csv"
    out = io.StringIO()
    call_command(
        "spotcheck", "draw", "--plan", "县级抽查", "--seed", "7", "--out", str(target), stdout=out
    )
    written = list(csv.reader(io.StringIO(target.read_text("utf-8"))))
    assert written[0] == spotcheck.CSV_HEADER
    assert len(written) == 1 + 6  # ceil(0.3 × 5) tekun households in each of three streets
    printed = out.getvalue().splitlines()
    assert [line.split(",") for line in printed[:-1]] == written
    assert printed[-1] == f"drew 6 of 15 (plan 县级抽查, seed 7); wrote {target}"
    assert AuditEntry.objects.filter(action="integrity.spotcheck_draw").count() == 1
    with pytest.raises(CommandError) as exc:
        call_command("spotcheck", "draw", "--plan", "无此方案", "--seed", "7", "--out", str(target))
    assert str(exc.value) == "--plan '无此方案': no such plan; make it with `doudi spotcheck plan`"
    with pytest.raises(CommandError) as exc:
        call_command("spotcheck", "plan", "--name", "坏比例", "--ratio", "30%")
    assert str(exc.value) == "抽查比例：请填写0到1之间的小数，例如 0.3"
    assert SpotCheckDraw.objects.count() == 1 and SpotCheckPlan.objects.count() == 1
