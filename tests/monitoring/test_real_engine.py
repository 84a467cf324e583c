"""The real engine end to end on a small synthetic district: synth → register → intake →
linkage → `doudi monitor` → warnings, explanation page and export."""

from __future__ import annotations

import csv
import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from doudi.engine.catalogue import load_catalogue
from doudi.engine.intake.pipeline import ingest_file
from doudi.engine.lake import Lake
from doudi.synth import generate

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 1)  # the synthetic district's reference date


@pytest.fixture(scope="module")
def small_district(tmp_path_factory):
    root = tmp_path_factory.mktemp("monitordistrict")
    generate(root / "district", households=300, seed=5, as_of=AS_OF)
    lake, catalogue = Lake(root / "lake"), load_catalogue()
    for path in sorted((root / "district" / "feeds").rglob("*")):
        if path.is_file():
            ingest_file(path, lake=lake, catalogue=catalogue)
    return root


def _linked(small_district, settings, tmp_path):
    import shutil

    from doudi.identity.actions import link_run
    from doudi.intake.actions import register_rebuild
    from doudi.registry.actions import jurisdictions_load

    lake_copy = tmp_path / "lake"
    shutil.copytree(small_district / "lake", lake_copy)
    settings.DOUDI_LAKE_DIR = lake_copy
    settings.DOUDI_RESULTS_DIR = tmp_path / "results"
    jurisdictions_load()
    register_rebuild()  # the register from the household-register feed in the lake
    link_run()


def test_new_home_visit_outcomes_retrain_the_model_before_the_next_run_scores(
    small_district, settings, tmp_path, cast, clients
):
    import pandas as pd

    from doudi.audit.models import AuditEntry
    from doudi.monitoring.actions import (
        monitoring_run,
        policy_default_ensure,
        policy_version_create,
        visit_outcome_record,
    )
    from doudi.monitoring.models import StatisticalModel, Warning

    _linked(small_district, settings, tmp_path)
    document = policy_default_ensure().document
    document["model"]["min_outcomes"] = 30
    policy_version_create(
        actor=cast["dave"],
        document=document,
        effective_from=dt.date(2026, 1, 1),
        reason="试点：30户走访结果即启用统计模型",
    )
    first = monitoring_run(actor=None, as_of=AS_OF)
    assert first.model_version == "" and not StatisticalModel.objects.exists()
    assert first.counts["model"]["retrained"] is False
    # Home visits to the warned households, as caseworkers would record them (the truth).
    truth = pd.read_csv(small_district / "district" / "truth" / "households.csv", dtype=str)
    hardship = dict(zip(truth["hukou_no"], truth["hardship"] == "1", strict=True))
    visited = list(Warning.objects.select_related("household").order_by("household__hukou_no"))
    assert len(visited) >= 31
    for warning in visited[:29]:
        visit_outcome_record(
            actor=None,
            household=warning.household,
            visited_on=AS_OF,
            hardship_confirmed=hardship[warning.household.hukou_no],
        )
    assert len({hardship[w.household.hukou_no] for w in visited[:29]}) == 2
    below = monitoring_run(actor=None, as_of=AS_OF)
    assert not StatisticalModel.objects.exists()  # 29 outcomes: still off
    assert (below.model_version, below.counts["model"]["retrained"]) == ("", False)
    warning = visited[29]
    visit_outcome_record(
        actor=None,
        household=warning.household,
        visited_on=AS_OF,
        hardship_confirmed=hardship[warning.household.hukou_no],
    )
    # The next run retrains on all 30 labels first and scores with the new version.
    second = monitoring_run(actor=None, as_of=AS_OF)
    model = StatisticalModel.objects.get()
    assert (model.outcomes, model.trained_after_id) == (30, second.pk)
    assert model.evaluation["status"] == "on" and model.evaluation["version"] == model.version
    assert second.model_version == model.version
    report = second.counts["model"]
    assert (report["retrained"], report["version"], report["previous_version"]) == (
        True,
        model.version,
        "",
    )
    assert (report["outcomes"], report["roc_auc"]) == (30, model.evaluation["roc_auc"])
    probabilities = list(
        Warning.objects.filter(status="open").values_list("model_probability", flat=True)
    )
    assert probabilities and all(p is not None for p in probabilities)
    assert AuditEntry.objects.filter(action="monitoring.model_train").count() == 1
    page = clients["dave"].get(f"/monitoring/runs/{second.pk}/").content.decode()
    assert (
        f"{model.version} · 基于 30 户入户核查结果训练（其中 {model.evaluation['confirmed']} "
        f"户确认困难）；交叉验证 ROC AUC {model.evaluation['roc_auc']}"
    ) in page
    assert f"用 30 户入户核查结果重新训练：版本 {model.version}（此前：无）" in page
    # The same labels: no retraining, the same model.
    third = monitoring_run(actor=None, as_of=AS_OF)
    assert (third.model_version, third.counts["model"]["retrained"]) == (model.version, False)
    assert StatisticalModel.objects.count() == 1
    # One more outcome: retrained again before scoring, a new version.
    warning = visited[30]
    visit_outcome_record(
        actor=None,
        household=warning.household,
        visited_on=AS_OF,
        hardship_confirmed=hardship[warning.household.hukou_no],
    )
    fourth = monitoring_run(actor=None, as_of=AS_OF)
    newest = StatisticalModel.objects.order_by("-id").first()
    assert newest.outcomes == 31 and newest.version != model.version
    # the promotion gate: one outcome since the current model cannot judge a new one
    assert newest.promoted is False and newest.gate["promote"] is False
    assert newest.gate["reason"].startswith("1 outcomes recorded since the current model")
    assert fourth.model_version == model.version
    assert fourth.counts["model"]["previous_version"] == model.version
    assert fourth.counts["model"]["promoted"] is False
    assert AuditEntry.objects.filter(action="monitoring.model_promote").count() == 1
    assert AuditEntry.objects.filter(action="monitoring.model_keep").count() == 1
    page = clients["dave"].get(f"/monitoring/runs/{fourth.pk}/").content.decode()
    assert f"版本 {newest.version}，未启用——本次运行使用版本 {model.version}" in page


def test_real_engine_end_to_end(small_district, settings, tmp_path, cast, clients):
    from doudi.monitoring.models import MonitoringRun, Warning
    from doudi.registry.models import Household

    _linked(small_district, settings, tmp_path)
    out = StringIO()
    call_command("monitor", "--as-of", AS_OF.isoformat(), stdout=out, stderr=StringIO())
    run = MonitoringRun.objects.get()
    assert (run.status, run.is_current, run.policy_version.number) == ("succeeded", True, 1)
    # The engine returns the households with a fired indicator or a trigger; some are warned.
    assert 0 < run.counts["warned"] <= run.counts["households_scored"] <= Household.objects.count()
    assert run.counts["unregistered"] == 0
    warnings = Warning.objects.filter(status="open")
    assert warnings.count() == run.counts["warned"] > 0
    assert out.getvalue().startswith(f"run {run.pk} as of {AS_OF}")

    warning = warnings.first()
    page = clients["dave"].get(f"/monitoring/warnings/{warning.pk}/")
    assert page.status_code == 200
    assert page.context["x"]["indicators"], warning.explanation
    assert all(i["label"] != i["id"] for i in page.context["x"]["indicators"])

    target = tmp_path / "warnings.csv"
    call_command("export", "warnings", "--out", str(target), stdout=StringIO())
    with open(target, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["hukou_no", "score", "level", "reasons", "probability"]
    assert len(rows) - 1 == warnings.count()

    again = StringIO()  # the same data again: nothing changes
    call_command("monitor", "--as-of", AS_OF.isoformat(), stdout=again, stderr=StringIO())
    assert again.getvalue().splitlines()[1] == (
        "changes: new=0, escalated=0, eased=0, resolved=0, reopened=0"
    )

    # the runs read the feeds keyed to the persons from the link run's store; without it the
    # engine joins them again, with the same result
    from doudi.identity.actions import current_run
    from doudi.identity.selectors import run_store
    from doudi.monitoring.actions import _keyed

    store = run_store().keyed_path(current_run().pk)
    assert _keyed() == store
    store.unlink()
    assert _keyed() is None
    joined = StringIO()
    call_command("monitor", "--as-of", AS_OF.isoformat(), stdout=joined, stderr=StringIO())
    assert joined.getvalue().splitlines()[1] == (
        "changes: new=0, escalated=0, eased=0, resolved=0, reopened=0"
    )


def test_an_outcome_file_with_three_bad_rows_of_1000_imports_997_and_the_next_run_uses_the_model(
    small_district, settings, tmp_path, cast
):
    """Issue 14: the good rows are recorded, the bad ones listed with reasons, the command
    exits 0; the very next monitoring run retrains on them and scores with the new model."""
    import pandas as pd

    from doudi.monitoring.actions import policy_default_ensure, policy_version_create
    from doudi.monitoring.models import MonitoringRun, StatisticalModel, VisitOutcome, Warning
    from doudi.registry.models import Household

    _linked(small_district, settings, tmp_path)
    document = policy_default_ensure().document
    document["model"]["min_outcomes"] = 100
    policy_version_create(
        actor=cast["dave"],
        document=document,
        effective_from=dt.date(2026, 1, 1),
        reason="试点：100户走访结果即启用统计模型",
    )
    call_command("monitor", "--as-of", AS_OF.isoformat(), stdout=StringIO(), stderr=StringIO())
    before = MonitoringRun.objects.get()
    assert before.model_version == ""
    truth = pd.read_csv(small_district / "district" / "truth" / "households.csv", dtype=str)
    hardship = dict(zip(truth["hukou_no"], truth["hardship"] == "1", strict=True))
    hukou = sorted(Household.objects.values_list("hukou_no", flat=True))
    lines = ["hukou_no,visited_on,hardship_confirmed"]
    for i in range(1000):
        h = hukou[i % len(hukou)]
        day = AS_OF - dt.timedelta(days=1 + i // len(hukou))
        lines.append(f"{h},{day.isoformat()},{'1' if hardship[h] else '0'}")
    lines[11] = "999999999,2026-10-01,1"  # not in the register
    lines[501] = f"{hukou[0]},10/1/2026,1"  # not an ISO date
    lines[1000] = f"{hukou[1]},2026-10-01,maybe"  # not true/false
    path = tmp_path / "outcomes.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = StringIO()
    call_command("monitor", "outcomes-import", str(path), stdout=out, stderr=StringIO())
    assert out.getvalue().startswith("recorded 997 visit outcomes, 3 rows rejected")
    assert VisitOutcome.objects.count() == 997
    rejects = (tmp_path / "outcomes.rejects.csv").read_text(encoding="utf-8").splitlines()
    assert rejects == [
        "line,reason",
        "12,household not in the register",
        "502,visited_on is not a date (YYYY-MM-DD)",
        "1001,hardship_confirmed is not true/false",
    ]
    run_out = StringIO()
    call_command("monitor", "--as-of", AS_OF.isoformat(), stdout=run_out, stderr=StringIO())
    after = MonitoringRun.objects.exclude(pk=before.pk).get()
    model = StatisticalModel.objects.get()
    assert model.trained_after_id == after.pk and model.version
    assert after.model_version == model.version != before.model_version
    assert after.counts["model"]["retrained"] is True
    assert after.counts["model"]["outcomes"] == len(hukou)  # every household's latest visit
    assert (
        f"statistical model retrained on {len(hukou)} home-visit outcomes: version "
        f"{model.version} (previous: none), used for this run's scores"
    ) in run_out.getvalue()
    scored = list(Warning.objects.filter(status="open").values_list("model_probability", flat=True))
    assert scored and all(p is not None for p in scored)


def test_the_next_run_follows_the_home_visits_verdicts(
    small_district, settings, tmp_path, cast, clients
):
    from doudi.monitoring.actions import monitoring_run, visit_outcome_record
    from doudi.monitoring.models import Warning

    _linked(small_district, settings, tmp_path)
    monitoring_run(actor=None, as_of=AS_OF)
    open_ = Warning.objects.filter(status="open").select_related("household")
    cleared = open_.order_by("household__hukou_no").first()
    watched = open_.filter(level="watch").order_by("household__hukou_no").first()
    assert cleared is not None and watched is not None and cleared.pk != watched.pk
    before = {w.household_id: (w.level, w.status) for w in Warning.objects.all()}
    for warning, found in ((cleared, False), (watched, True)):
        visit_outcome_record(
            actor=None,
            household=warning.household,
            visited_on=AS_OF,
            hardship_confirmed=found,
        )
    run = monitoring_run(actor=None, as_of=AS_OF)
    assert run.counts["visits"] == {"held_off": 1, "confirmed": 1, "new_cause": 0}
    after = {w.household_id: (w.level, w.status) for w in Warning.objects.all()}
    # found not in hardship on the run's date: nothing new since, so no longer listed
    assert after[cleared.household_id] == (before[cleared.household_id][0], "resolved")
    # found in hardship: listed at 预警 at least
    assert after[watched.household_id] == ("warning", "open")
    # every other warning is as it was
    others = set(before) - {cleared.household_id, watched.household_id}
    assert {h: after[h] for h in others} == {h: before[h] for h in others}

    watched.refresh_from_db()
    assert watched.explanation["visit"] == {
        "visited_on": AS_OF.isoformat(),
        "hardship_confirmed": True,
        "new_cause": False,
        "helped_since": False,
    }
    page = clients["dave"].get(f"/monitoring/warnings/{watched.pk}/")
    assert page.status_code == 200
    assert page.context["x"]["visit"] == {"date": AS_OF, "confirmed": True, "new_cause": False}
    assert "2026年11月1日入户核查确认困难" in page.content.decode()
