"""Random verification visits drawn reproducibly from a recorded seed among households not
warned, each with its selection probability; the estimated miss rate with its Wilson
interval; and the timeliness figures, matched exactly against seeded timestamps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from doudi.audit.models import AuditEntry
from doudi.casework import actions, selectors
from doudi.casework.models import PolicyParameter, Task, VerificationDraw
from doudi.monitoring.models import Warning
from doudi.monitoring.selectors import SHANGHAI
from tests.conftest import make_household, make_person

pytestmark = pytest.mark.django_db
MONTH = dt.date(2026, 6, 1)


@pytest.fixture
def frame(warned, district, cast):
    """10 unwarned households in community A, 5 in C; the warned four stay out."""
    made = {"A": [], "C": []}
    for code, count in (("A", 10), ("C", 5)):
        for n in range(count):
            head = make_person(name=f"住户{code}{n}", birth=dt.date(1970, 1, 1))
            made[code].append(
                make_household(
                    hukou_no=f"5{code == 'A' and 1 or 3}00000{n:02d}",
                    community=district[code],
                    members=[("head", head)],
                )
            )
    for name, area, value in (
        (PolicyParameter.Name.VERIFICATION_SHARE, "420106", Decimal("0.1")),
        (PolicyParameter.Name.VISIT_CAPACITY, district["A"].code, Decimal(30)),
        (PolicyParameter.Name.VISIT_CAPACITY, district["C"].code, Decimal(20)),
    ):
        actions.policy_parameter_create(
            actor=cast["dave"],
            name=name,
            area_code=area,
            value=value,
            effective_from=dt.date(2026, 1, 1),
            source="区民政局随机核查方案（演示）",
        )
    return made


def drawn() -> list[tuple[str, str, int, int, Decimal]]:
    return list(
        Task.objects.filter(origin="random")
        .order_by("household__hukou_no")
        .values_list(
            "household__hukou_no",
            "community__code",
            "stratum_size",
            "stratum_draws",
            "selection_probability",
        )
    )


def test_draws_are_reproducible_from_the_seed_and_leave_out_warned_households(frame, cast, clients):
    draw = actions.verification_draw(actor=cast["dave"], month=MONTH, seed=20260601)
    first = drawn()
    assert (draw.seed, draw.frame_size, draw.draws, draw.share) == (
        20260601,
        15,
        5,
        Decimal("0.1"),
    )
    assert draw.strata["420106001001"] == {"capacity": 30, "stratum": 10, "draws": 3}
    assert draw.strata["420106002001"] == {"capacity": 20, "stratum": 5, "draws": 2}
    assert draw.strata["420106001002"] == {"capacity": 40, "stratum": 0, "draws": 0}
    assert [row[2:] for row in first] == [(10, 3, Decimal("0.3000000000"))] * 3 + [
        (5, 2, Decimal("0.4000000000"))
    ] * 2
    warned_households = set(Warning.objects.values_list("household__hukou_no", flat=True))
    assert warned_households.isdisjoint(row[0] for row in first)
    entry = AuditEntry.objects.get(action="casework.verification_draw")
    assert entry.detail == {
        "month": "2026-06",
        "seed": 20260601,
        "share": "0.1000",
        "frame": 15,
        "draws": 5,
    }
    with pytest.raises(actions.ValidationError):  # one draw a month
        actions.verification_draw(actor=cast["dave"], month=MONTH, seed=1)
    # the same seed on the same frame draws the same households
    Task.objects.filter(origin="random").delete()
    VerificationDraw.objects.all().delete()
    actions.verification_draw(actor=cast["dave"], month=MONTH, seed=20260601)
    assert drawn() == first


def test_only_the_bureau_draws(frame, cast, clients):
    for who in ("alice", "carol", "erin"):
        with pytest.raises(actions.PermissionDenied):
            actions.verification_draw(actor=cast[who], month=MONTH, seed=1)
    assert clients["carol"].post("/casework/overview/", {"month": "2026-06"}).status_code == 403
    assert not VerificationDraw.objects.exists()
    response = clients["dave"].post("/casework/overview/", {"month": "2026-06", "seed": "7"})
    assert response.status_code == 302 and VerificationDraw.objects.get().seed == 7


def _random_task(household, community, probability, outcome):
    return Task.objects.create(
        household=household,
        community=community,
        origin="random",
        accepted_on=MONTH,
        started_at=dt.datetime(2026, 6, 1, 9, tzinfo=SHANGHAI),
        selection_probability=probability,
        outcome=outcome,
        status="visited",
    )


def test_the_miss_rate_is_the_weighted_share_with_a_wilson_interval(frame, district, clients, cast):
    a, c = frame["A"], frame["C"]
    for n, household in enumerate(a):  # weight 10 each, 2 confirmed
        _random_task(
            household, district["A"], Decimal("0.1"), "confirmed" if n < 2 else "not_confirmed"
        )
    for n, household in enumerate(c):  # weight 5 each, 1 confirmed
        _random_task(
            household, district["C"], Decimal("0.2"), "confirmed" if n < 1 else "not_confirmed"
        )
    _random_task(  # could not reach: no verdict, not counted
        make_household(hukou_no="599999999", community=district["C"], members=[]),
        district["C"],
        Decimal("0.2"),
        "unreachable",
    )
    dave = clients["dave"].get("/casework/overview/").context["miss"]
    assert (dave.visits, dave.confirmed) == (15, 3)
    assert dave.estimate == 0.2
    assert dave.effective_n == pytest.approx(13.88888888888889, rel=1e-12)
    assert (dave.low, dave.high) == (
        pytest.approx(0.06779164189968631, rel=1e-12),
        pytest.approx(0.46220441515286215, rel=1e-12),
    )
    # equal chances: the plain Wilson interval of 3 in 15 (0.0705–0.4519 in the tables)
    Task.objects.filter(origin="random").update(selection_probability=Decimal("0.5"))
    plain = selectors.miss_rate(user=cast["dave"])
    assert (plain.low, plain.high) == (
        pytest.approx(0.07047549346981563, rel=1e-12),
        pytest.approx(0.45185448715169363, rel=1e-12),
    )
    page = clients["dave"].get("/casework/overview/").content.decode()
    assert "0.200（95%置信区间 0.070–0.452），依据 15 次随机核查（其中 3 户困难属实）" in page


def _case(household, community, *, visit=None, disposition=None, help=None, due):
    t0 = dt.datetime(2026, 5, 4, 9, tzinfo=SHANGHAI)

    def at(days):
        return None if days is None else t0 + dt.timedelta(days=days)

    return Task.objects.create(
        household=household,
        community=community,
        origin="walk_in",
        accepted_on=t0.date(),
        due_on=due,
        started_at=t0,
        visited_at=at(visit),
        disposed_at=at(None if disposition is None else visit + disposition),
        first_help_at=at(None if help is None else visit + disposition + help),
    )


def test_timeliness_figures_match_the_seeded_timestamps_exactly(households, district, cast):
    h = households
    c2 = make_household(hukou_no="100000005", community=district["C"], members=[])
    D = dt.date
    _case(h["A1"], district["A"], visit=1, disposition=2, help=0.5, due=D(2026, 5, 7))
    _case(h["A2"], district["A"], visit=3, due=D(2026, 5, 6))  # visited after its due date
    _case(h["B"], district["B"], visit=5, disposition=1, help=3, due=D(2026, 5, 7))  # late
    _case(h["C"], district["C"], due=D(2026, 5, 6))  # not visited, due date past
    _case(c2, district["C"], visit=2, due=D(2026, 5, 8))
    figures = selectors.timeliness(user=cast["dave"], on=D(2026, 5, 10))
    table = [
        (
            f.name,
            f.tasks,
            f.overdue,
            *[
                (f.steps[s]["n"], f.steps[s]["median"], f.steps[s]["p90"])
                for s in ("warning_to_visit", "visit_to_disposition", "disposition_to_help")
            ],
        )
        for f in figures
    ]
    assert table == [
        ("武昌区", 5, 3, (4, 2.5, 4.4), (2, 1.5, 1.9), (2, 1.75, 2.75)),
        ("积玉桥街道", 3, 2, (3, 3.0, 4.6), (2, 1.5, 1.9), (2, 1.75, 2.75)),
        ("杨园街道", 2, 1, (1, 2.0, 2.0), (0, None, None), (0, None, None)),
    ]
    carol = selectors.timeliness(user=cast["carol"], on=D(2026, 5, 10))
    assert [(f.name, f.tasks, f.overdue) for f in carol] == [
        ("积玉桥街道", 3, 2),
        ("和平社区", 2, 1),
        ("新河社区", 1, 1),
    ]
    assert [f.steps["warning_to_visit"]["median"] for f in carol] == [3.0, 2.0, 5.0]
