"""Warning pages and API: the access matrix, filters, the explanation, the audit of every
detail view, the district summary and runs — and a pinned query count for the list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from doudi.audit.models import AuditEntry
from doudi.monitoring import actions
from doudi.monitoring.models import MonitoringRun, Warning
from tests.conftest import make_household

from .conftest import ILLNESS, POOR

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_engine")]


@pytest.fixture
def warned(fake_engine, households):
    fake_engine.households = [
        ("100000001", 60.0, "warning", ["serious_illness", "medical_spending_share"], ILLNESS),
        ("100000002", 45.5, "watch", ["income_below_dibian"], POOR),
        ("100000003", 78.0, "urgent", ["income_below_dibao"], POOR),
        ("100000004", 50.0, "watch", ["income_below_dibian"], POOR),
    ]
    actions.monitoring_run(actor=None, as_of=dt.date(2026, 5, 1))
    return {w.household.hukou_no: w for w in Warning.objects.select_related("household")}


def _listed(response) -> list[str]:
    return [row["warning"].household.hukou_no for row in response.context["rows"]]


def test_list_is_scoped_by_jurisdiction_and_sorted_by_level_then_score(warned, clients):
    assert _listed(clients["alice"].get("/monitoring/")) == ["100000001", "100000002"]
    assert _listed(clients["bob"].get("/monitoring/")) == ["100000003"]
    assert _listed(clients["carol"].get("/monitoring/")) == ["100000003", "100000001", "100000002"]
    everything = ["100000003", "100000001", "100000004", "100000002"]
    assert _listed(clients["dave"].get("/monitoring/")) == everything
    assert _listed(clients["erin"].get("/monitoring/")) == everything


@pytest.mark.parametrize("who", ["frank", "grace", "heidi", "ivan", "peggy"])
def test_roles_without_registry_access_get_403(warned, clients, who):
    assert clients[who].get("/monitoring/").status_code == 403
    assert clients[who].get(f"/monitoring/warnings/{warned['100000001'].pk}/").status_code == 404


def test_anonymous_is_sent_to_sign_in(warned):
    response = Client().get(f"/monitoring/warnings/{warned['100000001'].pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Client().get("/api/v1/warnings/").status_code in (401, 403)


def test_detail_missing_and_forbidden_look_the_same_and_views_are_audited(warned, clients):
    other = warned["100000003"]  # community B
    forbidden = clients["alice"].get(f"/monitoring/warnings/{other.pk}/")
    missing = clients["alice"].get("/monitoring/warnings/999999/")
    assert forbidden.status_code == missing.status_code == 404

    def main(response):
        return response.content.decode().split('<main id="main">')[1].split("</main>")[0]

    assert main(forbidden) == main(missing)
    assert AuditEntry.objects.filter(action="warning.view").count() == 0
    own = warned["100000001"]
    page = clients["alice"].get(f"/monitoring/warnings/{own.pk}/")
    assert page.status_code == 200
    entries = AuditEntry.objects.filter(action="warning.view")
    assert [(e.actor_name, e.object_id, e.outcome) for e in entries] == [
        ("alice", str(own.pk), "success")
    ]


def test_detail_explains_in_chinese(warned, clients):
    page = clients["alice"].get(f"/monitoring/warnings/{warned['100000001'].pk}/")
    html = page.content.decode()
    for text in (
        "重特大疾病或特殊病（认定或近两年确诊）",
        "健康状况",
        "医保 · ",
        "2026年3月2日",
        "自付 23,000 元",
        "预警",
        "v1",
    ):
        assert text in html, text
    bars = {b["id"]: (b["points"], b["cap"], b["percent"]) for b in page.context["x"]["bars"]}
    assert bars["health"] == (30, 30, 100)
    assert bars["economic"] == (0, 45, 0)
    assert [i["id"] for i in page.context["x"]["indicators"]] == [
        "serious_illness",
        "medical_spending_share",
    ]


def test_detail_gives_the_calibrated_probability_in_words(warned, clients):
    own = warned["100000001"]
    without = clients["alice"].get(f"/monitoring/warnings/{own.pk}/")
    assert without.context["x"]["probability_words"] == ""  # the model is off
    assert "困难可能性" not in without.content.decode()
    own.explanation = {**own.explanation, "probability": 0.6812}
    own.save(update_fields=["explanation"])
    page = clients["alice"].get(f"/monitoring/warnings/{own.pk}/")
    html = page.content.decode()
    assert "困难可能性" in html
    assert '<dd data-testid="probability">约七成可能</dd>' in html


def test_detail_says_the_probability_is_rough_where_the_calibration_rests_on_few_visits(
    warned, clients
):
    from doudi.monitoring.models import StatisticalModel

    own = warned["100000001"]
    StatisticalModel.objects.create(
        version="abc123",
        data=b"",
        evaluation={"calibration": {"thin_tenths": [2, 6]}},
        outcomes=400,
        trained_after=own.run,
    )
    shown = {}
    for p, version in ((0.6812, "abc123"), (0.85, "abc123"), (0.6812, "other")):
        own.explanation = {**own.explanation, "probability": p, "model_version": version}
        own.save(update_fields=["explanation"])
        page = clients["alice"].get(f"/monitoring/warnings/{own.pk}/")
        shown[(p, version)] = page.context["x"]["probability_thin"]
        html = page.content.decode()
        assert ("此概率段核查走访很少，仅为粗略估计" in html) is shown[(p, version)]
    # 0.68 lies in the tenth 0.6–0.7, which the model reports thin; 0.85 does not; a model
    # version the database does not hold says nothing
    assert shown == {(0.6812, "abc123"): True, (0.85, "abc123"): False, (0.6812, "other"): False}


@pytest.mark.parametrize(
    "p,words",
    [
        (0.0, "不到一成可能"),
        (0.0499, "不到一成可能"),
        (0.05, "约一成可能"),
        (0.149, "约一成可能"),
        (0.15, "约两成可能"),
        (0.65, "约七成可能"),
        (0.9499, "约九成可能"),
        (0.95, "几乎可以肯定"),
        (1.0, "几乎可以肯定"),
    ],
)
def test_probability_words_by_tenth(p, words):
    from django.utils import translation

    from doudi.monitoring.selectors import probability_words

    with translation.override("zh-hans"):
        assert probability_words(p) == words
    with translation.override("en"):
        assert probability_words(0.68) == "about seven in ten"
    assert probability_words(None) == ""


@pytest.mark.parametrize(
    "query,expected",
    [
        ("level=watch", ["100000004", "100000002"]),
        ("dimension=health", ["100000001"]),
        ("reason=income_below_dibian", ["100000004", "100000002"]),
        ("street=420106002", ["100000004"]),
        ("community=420106001002", ["100000003"]),
        ("status=resolved", []),
        ("changed=1", ["100000003", "100000001", "100000004", "100000002"]),
    ],
)
def test_filters(warned, clients, query, expected):
    assert _listed(clients["dave"].get(f"/monitoring/?{query}")) == expected


def test_changed_since_last_run_and_status_filters_after_a_second_run(warned, fake_engine, clients):
    fake_engine.households = [
        ("100000001", 80.0, "urgent", ["serious_illness"], ILLNESS),
        ("100000002", 45.5, "watch", ["income_below_dibian"], POOR),
        ("100000003", 78.0, "urgent", ["income_below_dibao"], POOR),
    ]
    actions.monitoring_run(actor=None, as_of=dt.date(2026, 5, 2))
    dave = clients["dave"]
    assert _listed(dave.get("/monitoring/?changed=1")) == ["100000001"]
    assert _listed(dave.get("/monitoring/?changed=1&status=")) == ["100000001", "100000004"]
    assert _listed(dave.get("/monitoring/?status=resolved")) == ["100000004"]
    htmx = dave.get("/monitoring/?changed=1", headers={"HX-Request": "true"})
    assert htmx.templates[0].name == "monitoring/_warning_rows.html"
    assert "升级" in htmx.content.decode() or "Escalated" in htmx.content.decode()


def test_list_query_count_is_pinned(warned, clients, district):
    dave = clients["dave"]
    dave.get("/monitoring/")
    with CaptureQueriesContext(connection) as few:
        dave.get("/monitoring/")
    for n in range(10):
        h = make_household(hukou_no=f"2000000{n:02d}", community=district["C"], members=[])
        Warning.objects.create(
            household=h,
            level="watch",
            level_rank=0,
            score=41 + n,
            policy_version=warned["100000001"].policy_version,
            run=warned["100000001"].run,
            first_run=warned["100000001"].run,
        )
    with CaptureQueriesContext(connection) as many:
        response = dave.get("/monitoring/")
    assert len(response.context["rows"]) == 14
    assert len(many) == len(few) == 14, [q["sql"] for q in many.captured_queries]


def test_summary_counts_by_street_and_level_with_an_svg_chart(warned, clients):
    page = clients["erin"].get("/monitoring/summary/")
    assert page.status_code == 200
    assert [(row["street"]["name"], row["cells"]) for row in page.context["table"]] == [
        ("积玉桥街道", [("紧急", 1), ("预警", 1), ("关注", 1)]),
        ("杨园街道", [("紧急", 0), ("预警", 0), ("关注", 1)]),
    ]
    assert (page.context["totals"], page.context["total"]) == ([1, 1, 2], 4)
    html = page.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in html
    assert "<title>积玉桥街道 · 紧急: 1</title>" in html
    assert "<script" not in html.split("<main")[1]
    for who in ("alice", "carol"):
        assert clients[who].get("/monitoring/summary/").status_code == 403


def test_runs_pages_and_run_now(warned, clients, cast, django_capture_on_commit_callbacks):
    assert clients["carol"].get("/monitoring/runs/").status_code == 403
    assert clients["erin"].post("/monitoring/runs/").status_code == 403
    run = MonitoringRun.objects.get()
    detail = clients["erin"].get(f"/monitoring/runs/{run.pk}/")
    assert detail.status_code == 200
    assert detail.context["changes"]["new"] == 4
    assert clients["alice"].get(f"/monitoring/runs/{run.pk}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        started = clients["dave"].post("/monitoring/runs/")  # the immediate backend runs it
    new = MonitoringRun.objects.exclude(pk=run.pk).get()
    assert started["Location"] == f"/monitoring/runs/{new.pk}/"
    assert (new.status, new.is_current, new.started_by) == ("succeeded", True, cast["dave"])
    partial = clients["dave"].get(f"/monitoring/runs/{new.pk}/", headers={"HX-Request": "true"})
    assert partial.templates[0].name == "monitoring/_run_status.html"
    assert "hx-trigger" not in partial.content.decode()  # finished: polling stops


def test_home_pages_link_to_the_warnings(warned, clients):
    home = clients["alice"].get("/").content.decode()
    assert 'href="/monitoring/"' in home and 'href="/monitoring/summary/"' not in home
    bureau = clients["dave"].get("/").content.decode()
    for url in ("/monitoring/", "/monitoring/summary/", "/monitoring/runs/", "/monitoring/policy/"):
        assert f'href="{url}"' in bureau


def test_api_list_and_detail_through_the_access_layer(warned, clients):
    listed = clients["alice"].get("/api/v1/warnings/").json()
    assert [(w["hukou_no"], w["level"], w["score"], w["reasons"]) for w in listed["results"]] == [
        ("100000001", "warning", 60.0, ["serious_illness", "medical_spending_share"]),
        ("100000002", "watch", 45.5, ["income_below_dibian"]),
    ]
    other = warned["100000003"]
    assert clients["alice"].get(f"/api/v1/warnings/{other.pk}/").status_code == 404
    assert clients["alice"].get("/api/v1/warnings/999999/").status_code == 404
    own = clients["alice"].get(f"/api/v1/warnings/{warned['100000001'].pk}/").json()
    assert own["explanation"]["indicators"][0]["id"] == "serious_illness"
    assert AuditEntry.objects.filter(action="warning.view", detail__via="api").count() == 1
    assert clients["frank"].get("/api/v1/warnings/").status_code == 403


def test_detail_says_when_a_warning_is_a_review_of_help_already_received(warned, clients):
    review = warned["100000002"]
    review.explanation = {**review.explanation, "help_review": True}
    review.save(update_fields=["explanation"])
    note = "在保复核"
    page = clients["alice"].get(f"/monitoring/warnings/{review.pk}/")
    assert page.context["x"]["help_review"] is True
    assert note in page.content.decode()
    other = clients["alice"].get(f"/monitoring/warnings/{warned['100000001'].pk}/")
    assert other.context["x"]["help_review"] is False
    assert note not in other.content.decode()


def test_trigger_checks_say_whether_the_trigger_raised_or_only_added_points():
    from django.utils import translation

    from doudi.monitoring.selectors import PolicyIndex, trigger_checks_view

    policy = PolicyIndex(
        {"triggers": [{"id": "earner_death_with_minors", "label_en": "Death of the earner"}]}
    )
    base = {"id": "earner_death_with_minors", "line": 142500, "points": 20.0, "checked": True}
    checks = [
        {**base, "raises": True, "resources_per_head": 75000, "assets": False},
        {**base, "raises": False, "resources_per_head": 400000, "assets": False},
        {**base, "raises": False, "resources_per_head": 75000, "assets": True},
        {"id": "earner_death_with_minors", "checked": False, "raises": True},
        "not a check",
    ]
    with translation.override("en"):
        assert trigger_checks_view(checks, policy) == [
            "Triggered: Death of the earner; what is left is about 750 yuan a person and month, "
            "at or below the line of 1,425 yuan: the level is raised.",
            "Triggered: Death of the earner; the other members' income and help held, about "
            "4,000 yuan a person and month, are still above the line of 1,425 yuan: 20 points "
            "added only.",
            "Triggered: Death of the earner; the household has assets: 20 points added only.",
            "Triggered: Death of the earner; the level is raised.",
        ]
        assert trigger_checks_view(None, policy) == []
