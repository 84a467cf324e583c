"""A run names the feeds its policy reads that were missing, late or partial — on the run's
page and in ``doudi monitor``'s summary — with the estimated recall cost and, once home visits
have confirmed hardship, the share of it resting on each feed (issue 16 item 6)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from doudi.monitoring import actions
from doudi.monitoring.management.commands.monitor import feed_lines
from doudi.monitoring.models import MonitoringRun, VisitOutcome
from doudi.registry.models import Household

from .conftest import ILLNESS, POOR

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 5, 1)

FEEDS = [
    {
        "feed": "renshe_contribution",
        "status": "missing",
        "items": ["income_below_dibao", "income_stopped"],
        "rows": 0,
        "newest": None,
        "oldest": None,
        "needed_from": "2025-05-01",
        "delivered": None,
        "freshness_days": 35,
        "recall_cost": [-12.5, -20.0],
        "precision_change": [3.0, -1.5],
    },
    {
        "feed": "yibao_inpatient",
        "status": "partial",
        "items": ["inpatient_repeated"],
        "rows": 500,
        "newest": "2026-04-28",
        "oldest": "2026-01-03",
        "needed_from": "2025-05-01",
        "delivered": None,
        "freshness_days": 35,
        "recall_cost": None,
    },
    {
        "feed": "canlian_disability",
        "status": "ok",
        "items": ["severe_disability"],
        "rows": 9,
        "newest": None,
        "oldest": None,
        "needed_from": None,
        "delivered": None,
        "freshness_days": 45,
        "recall_cost": None,
    },
]


@pytest.fixture
def run_with_feeds(fake_engine, households):
    fake_engine.households = [
        # the fake engine's explanations cite a yibao_inpatient fact for every reason
        ("100000001", 60.0, "warning", ["serious_illness"], ILLNESS),
        ("100000002", 45.5, "watch", ["income_below_dibian"], POOR),
        ("100000003", 20.0, None, [], {}),
    ]
    fake_engine.feeds = FEEDS
    return fake_engine


def _visit(hukou: str, confirmed: bool, day: dt.date = dt.date(2026, 4, 1)) -> None:
    VisitOutcome.objects.create(
        household=Household.objects.get(hukou_no=hukou),
        visited_on=day,
        hardship_confirmed=confirmed,
    )


def test_the_run_keeps_every_feed_status_and_no_share_before_any_confirmed_visit(run_with_feeds):
    _visit("100000001", False)
    run = actions.monitoring_run(actor=None, as_of=DAY)
    assert [(f["feed"], f["status"], f["confirmed_share"]) for f in run.counts["feeds"]] == [
        ("renshe_contribution", "missing", None),
        ("yibao_inpatient", "partial", None),
        ("canlian_disability", "ok", None),
    ]
    assert run.counts["feeds"][0]["recall_cost"] == [-12.5, -20.0]


def test_the_share_of_confirmed_hardship_warned_on_each_feed(run_with_feeds):
    _visit("100000001", True)  # warned, its explanation cites yibao_inpatient
    _visit("100000003", True)  # confirmed, not warned: counts in the denominator only
    _visit("100000002", True, dt.date(2026, 3, 1))
    _visit("100000002", False, dt.date(2026, 4, 1))  # the latest visit found no hardship
    run = actions.monitoring_run(actor=None, as_of=DAY)
    shares = {f["feed"]: f["confirmed_share"] for f in run.counts["feeds"]}
    assert shares == {"renshe_contribution": 0.0, "yibao_inpatient": 0.5, "canlian_disability": 0.0}


def test_the_cli_summary_names_the_wanting_feeds(run_with_feeds):
    out = StringIO()
    call_command("monitor", "--as-of", DAY.isoformat(), stdout=out, stderr=StringIO())
    lines = [line for line in out.getvalue().splitlines() if line.startswith("feed ")]
    assert lines == [
        "feed missing: renshe_contribution — no data delivered; 2 indicators read it; estimated "
        "change without it: recall -12.5 / -20.0 pts, precision +3.0 / -1.5 pts (all levels / "
        "预警 and above; measured on the synthetic test district)",
        "feed partial: yibao_inpatient — covers from 2026-01-03 only, read from 2025-05-01; "
        "1 indicator read it",
    ]


def test_feed_lines_late_with_a_share_and_nothing_when_all_is_well():
    late = dict(FEEDS[2], status="late", newest="2026-01", delivered="2026-02-03")
    late["confirmed_share"] = 0.25
    assert feed_lines([late]) == [
        "feed late: canlian_disability — newest data 2026-01, last delivered 2026-02-03 "
        "(freshness limit 45 days); 1 indicator read it; 25% of confirmed hardship warned on "
        "its data"
    ]
    assert feed_lines([FEEDS[2]]) == []
    assert feed_lines([]) == []


def test_the_run_page_lists_the_wanting_feeds(run_with_feeds, clients):
    run = actions.monitoring_run(actor=None, as_of=DAY)
    page = clients["erin"].get(f"/monitoring/runs/{run.pk}/")
    problems = page.context["feed_problems"]
    assert [(p.feed, p.name, p.status, p.items) for p in problems] == [
        ("renshe_contribution", "社会保险缴费明细", "missing", 2),
        ("yibao_inpatient", "住院结算信息", "partial", 1),
    ]
    html = page.content.decode()
    assert html.count('data-feed="') == 2
    assert "社会保险缴费明细" in html
    assert "recall −12.5 / −20.0 points, precision +3.0 / −1.5 points" in problems[0].cost
    assert "2026-01-03" in html and "2025-05-01" in html
    assert "canlian_disability" not in html


def test_a_run_with_every_feed_fine_says_so_and_an_old_run_shows_nothing(
    fake_engine, households, clients
):
    fake_engine.households = [("100000001", 60.0, "warning", ["serious_illness"], ILLNESS)]
    fake_engine.feeds = [FEEDS[2]]
    run = actions.monitoring_run(actor=None, as_of=DAY)
    page = clients["erin"].get(f"/monitoring/runs/{run.pk}/")
    assert page.context["feed_problems"] == []
    assert 'data-testid="feed-problems"' in page.content.decode()
    # a run recorded before feeds were checked: no section at all
    MonitoringRun.objects.filter(pk=run.pk).update(counts={**run.counts, "feeds": []})
    page = clients["erin"].get(f"/monitoring/runs/{run.pk}/")
    assert 'data-testid="feed-problems"' not in page.content.decode()
