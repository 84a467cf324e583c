"""Runs keep warnings up to date across runs, atomically; the CLI, the export and the daily
schedule."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from doudi.audit.models import AuditEntry
from doudi.monitoring import actions, tasks
from doudi.monitoring.models import (
    MonitoringRun,
    PolicyVersion,
    VisitOutcome,
    Warning,
    WarningChange,
)

from .conftest import ILLNESS, POOR

pytestmark = pytest.mark.django_db
DAY1, DAY2, DAY3 = dt.date(2026, 5, 1), dt.date(2026, 5, 2), dt.date(2026, 5, 3)


def _state():
    return sorted(
        (w.household.hukou_no, w.status, w.level, w.score, w.reasons)
        for w in Warning.objects.select_related("household")
    )


def _changes(run):
    return sorted(
        (c.warning.household.hukou_no, c.kind, c.from_level, c.to_level, c.from_score, c.to_score)
        for c in run.changes.select_related("warning__household")
    )


def test_three_runs_new_escalated_eased_resolved_reopened(fake_engine, households):
    fake_engine.households = [
        ("100000001", 60.0, "warning", ["serious_illness", "medical_spending_share"], ILLNESS),
        ("100000002", 45.5, "watch", ["income_below_dibian"], POOR),
        ("100000003", 78.0, "urgent", ["income_below_dibao"], POOR),
        ("100000004", 20.0, None, [], {}),  # scored, not warned
    ]
    first = actions.monitoring_run(actor=None, as_of=DAY1)
    assert (first.status, first.is_current, first.policy_version.number) == ("succeeded", True, 1)
    assert _changes(first) == [
        ("100000001", "new", "", "warning", None, 60.0),
        ("100000002", "new", "", "watch", None, 45.5),
        ("100000003", "new", "", "urgent", None, 78.0),
    ]
    assert first.counts["levels"] == {"warning": 1, "watch": 1, "urgent": 1}
    assert first.counts["changes"] == {
        "new": 3,
        "escalated": 0,
        "eased": 0,
        "resolved": 0,
        "reopened": 0,
    }
    assert first.counts["streets"] == {"420106001": {"warning": 1, "watch": 1, "urgent": 1}}
    assert first.counts["households_scored"] == 4 and first.counts["warned"] == 3
    ids = dict(Warning.objects.values_list("household__hukou_no", "id"))

    fake_engine.households = [
        ("100000001", 80.0, "urgent", ["serious_illness", "earner_death"], ILLNESS),  # up
        ("100000002", 47.0, "watch", ["income_below_dibian"], POOR),  # same level: not stored
        ("100000003", 56.0, "warning", ["income_below_dibao"], POOR),  # down
    ]
    second = actions.monitoring_run(actor=None, as_of=DAY2)
    assert _changes(second) == [
        ("100000001", "escalated", "warning", "urgent", 60.0, 80.0),
        ("100000003", "eased", "urgent", "warning", 78.0, 56.0),
    ]
    assert dict(Warning.objects.values_list("household__hukou_no", "id")) == ids  # no duplicates
    assert _state() == [
        ("100000001", "open", "urgent", 80.0, ["serious_illness", "earner_death"]),
        ("100000002", "open", "watch", 47.0, ["income_below_dibian"]),
        ("100000003", "open", "warning", 56.0, ["income_below_dibao"]),
    ]
    assert list(MonitoringRun.objects.filter(is_current=True)) == [second]

    fake_engine.households = [("100000003", 50.0, "watch", ["income_below_dibao"], POOR)]
    third = actions.monitoring_run(actor=None, as_of=DAY3)
    assert _changes(third) == [
        ("100000001", "resolved", "urgent", "", 80.0, None),
        ("100000002", "resolved", "watch", "", 47.0, None),
        ("100000003", "eased", "warning", "watch", 56.0, 50.0),
    ]
    resolved = Warning.objects.get(household__hukou_no="100000001")
    assert (resolved.status, resolved.run, resolved.first_run) == ("resolved", third, first)

    fake_engine.households = [("100000001", 41.0, "watch", ["chronic_disease"], ILLNESS)]
    fourth = actions.monitoring_run(actor=None, as_of=DAY3)
    assert ("100000001", "reopened", "urgent", "watch", 80.0, 41.0) in _changes(fourth)
    assert Warning.objects.get(household__hukou_no="100000001").status == "open"
    assert WarningChange.objects.count() == 3 + 2 + 3 + 2
    entries = AuditEntry.objects.filter(action="monitoring.run", outcome="success")
    assert entries.count() == 4
    assert entries.first().detail["changes"]["new"] == 3


def test_a_failed_run_leaves_the_previous_warnings_and_current_run(
    fake_engine, households, monkeypatch
):
    fake_engine.households = [
        ("100000001", 60.0, "warning", ["serious_illness"], ILLNESS),
        ("100000002", 45.5, "watch", ["income_below_dibian"], POOR),
    ]
    good = actions.monitoring_run(actor=None, as_of=DAY1)
    before = _state()
    fake_engine.households = [("100000003", 90.0, "urgent", ["earner_death"], POOR)]

    def broken(**kwargs):  # half-way: the warnings are written, the changes are not
        raise RuntimeError("injected fault")

    monkeypatch.setattr(actions, "changes_record", broken)
    with pytest.raises(actions.RunFailed):
        actions.monitoring_run(actor=None, as_of=DAY2)
    failed = MonitoringRun.objects.exclude(pk=good.pk).get()
    assert (failed.status, failed.is_current, failed.error) == ("failed", False, "RuntimeError")
    assert _state() == before
    assert list(MonitoringRun.objects.filter(is_current=True)) == [good]
    assert WarningChange.objects.filter(run=failed).count() == 0
    assert AuditEntry.objects.filter(action="monitoring.run", outcome="failure").count() == 1


def test_an_engine_failure_is_recorded_and_the_cli_says_so(fake_engine, households, monkeypatch):
    def broken(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(fake_engine, "monitor", broken)
    with pytest.raises(
        CommandError,
        match=r"^monitoring failed \(MemoryError\): run again with --traceback to see where, "
        r"and report it; the previous warnings stay in force$",
    ):
        call_command("monitor", "--as-of", "2026-05-01", stdout=StringIO(), stderr=StringIO())
    assert MonitoringRun.objects.get().status == "failed"
    assert Warning.objects.count() == 0


def test_warned_households_missing_from_the_register_are_counted(fake_engine, households):
    fake_engine.households = [
        ("100000001", 60.0, "warning", ["serious_illness"], ILLNESS),
        ("999999991", 70.0, "warning", ["serious_illness"], ILLNESS),
        ("999999992", 50.0, "watch", ["serious_illness"], ILLNESS),
    ]
    out = StringIO()
    call_command("monitor", "--as-of", "2026-05-01", stdout=out, stderr=StringIO())
    run = MonitoringRun.objects.get()
    assert (run.counts["unregistered"], run.counts["warned"]) == (2, 1)
    assert out.getvalue().splitlines() == [
        f"run {run.pk} as of 2026-05-01 (policy v1, duckdb): 3 households scored, "
        "1 warned (warning=1)",
        "changes: new=1, escalated=0, eased=0, resolved=0, reopened=0",
        "not in the register: 2 warned households (no warning made; load the household register)",
    ]


def test_export_warnings_exact_header_and_rows(fake_engine, households, tmp_path):
    fake_engine.households = [
        ("100000002", 45.5, "watch", ["income_below_dibian"], POOR),
        (
            "100000001",
            80.0,
            "urgent",
            ["serious_illness", "medical_spending_share"],
            ILLNESS,
            0.81234,
        ),
        ("100000003", 60.25, "warning", ["income_below_dibao"], POOR),
    ]
    actions.monitoring_run(actor=None, as_of=DAY1)
    fake_engine.households = fake_engine.households[:2]  # 100000003 resolved: not exported
    actions.monitoring_run(actor=None, as_of=DAY2)
    target = tmp_path / "warnings.csv"
    out = StringIO()
    call_command("export", "warnings", "--out", str(target), stdout=out)
    assert out.getvalue() == f"wrote 2 rows to {target}\n"
    with open(target, encoding="utf-8", newline="") as fh:
        assert list(csv.reader(fh)) == [
            ["hukou_no", "score", "level", "reasons", "probability"],
            ["100000001", "80.0", "urgent", "serious_illness;medical_spending_share", "0.8123"],
            ["100000002", "45.5", "watch", "income_below_dibian", ""],
        ]


def test_run_permission_and_backend(fake_engine, households, cast):
    with pytest.raises(actions.PermissionDenied):
        actions.monitoring_run(actor=cast["erin"], as_of=DAY1)
    assert MonitoringRun.objects.count() == 0
    run = actions.monitoring_run(actor=cast["dave"], as_of=DAY1, backend="spark")
    assert (run.started_by, run.backend) == (cast["dave"], "spark")
    assert fake_engine.calls[-1]["backend"] == "spark"
    assert fake_engine.calls[-1]["as_of"] == DAY1


def test_the_daily_task_runs_and_enqueues_exactly_one_next_run(fake_engine, households):
    from django.tasks import task_backends

    with override_settings(
        TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    ):
        backend = task_backends["default"]
        backend.clear()
        tasks.monitoring_run_daily.call()
        assert MonitoringRun.objects.get().status == "succeeded"
        assert len(backend.results) == 1
        queued = backend.results[0]
        assert queued.task.module_path == "doudi.monitoring.tasks.monitoring_run_daily"
        due = queued.task.run_after.astimezone(tasks.SHANGHAI)
        assert (due.hour, due.minute) == (2, 0)
        assert (
            dt.timedelta(0)
            < queued.task.run_after - dt.datetime.now(dt.UTC)
            <= dt.timedelta(days=1)
        )


def test_the_daily_task_enqueues_the_next_run_even_after_a_failure(
    fake_engine, households, monkeypatch
):
    from django.tasks import task_backends

    monkeypatch.setattr(fake_engine, "monitor", lambda *a, **k: 1 / 0)
    with override_settings(
        TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    ):
        backend = task_backends["default"]
        backend.clear()
        assert tasks.monitoring_run_daily.call() == "failed"
        assert len(backend.results) == 1


def test_next_daily_at_is_the_next_two_oclock_in_shanghai():
    utc = dt.UTC
    # 17:30 UTC = 01:30 Shanghai: today's 02:00 is still ahead
    assert tasks.next_daily_at(dt.datetime(2026, 5, 1, 17, 30, tzinfo=utc)) == dt.datetime(
        2026, 5, 2, 2, 0, tzinfo=tasks.SHANGHAI
    )
    # 18:00 UTC = 02:00 Shanghai exactly: the next day's
    assert tasks.next_daily_at(dt.datetime(2026, 5, 1, 18, 0, tzinfo=utc)) == dt.datetime(
        2026, 5, 3, 2, 0, tzinfo=tasks.SHANGHAI
    )


def test_schedule_command_enqueues_once_with_the_database_backend(db):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        out = StringIO()
        call_command("monitor", "schedule", stdout=out)
        call_command("monitor", "schedule", stdout=out)
        assert (
            DBTaskResult.objects.filter(
                task_path="doudi.monitoring.tasks.monitoring_run_daily"
            ).count()
            == 1
        )
        assert out.getvalue().splitlines()[1] == "the daily monitoring run is already scheduled"


def test_outcomes_import(households, tmp_path):
    path = tmp_path / "outcomes.csv"
    path.write_text(
        "hukou_no,visited_on,hardship_confirmed\n100000001,2026-04-02,true\n"
        "100000002,2026-04-03,0\n999,2026-04-03,1\n100000003,yesterday,1\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("monitor", "outcomes-import", str(path), stdout=out, stderr=StringIO())
    rejects = tmp_path / "outcomes.rejects.csv"
    assert out.getvalue().strip() == (
        f"recorded 2 visit outcomes, 2 rows rejected (listed with their reasons in {rejects}); "
        "the next monitoring run retrains the statistical model on them first and scores with it"
    )
    assert rejects.read_text(encoding="utf-8").splitlines() == [
        "line,reason",
        "4,household not in the register",
        "5,visited_on is not a date (YYYY-MM-DD)",
    ]
    assert sorted(
        VisitOutcome.objects.values_list("household__hukou_no", "visited_on", "hardship_confirmed")
    ) == [("100000001", dt.date(2026, 4, 2), True), ("100000002", dt.date(2026, 4, 3), False)]


def test_outcomes_import_marks_random_visits_with_their_selection_probability(households, tmp_path):
    path = tmp_path / "outcomes.csv"
    path.write_text(
        "hukou_no,visited_on,hardship_confirmed,random,selection_probability\n"
        "100000001,2026-04-02,true,true,0.1\n"
        "100000002,2026-04-03,0,false,\n"
        "100000003,2026-04-03,1,,0.25\n"
        "100000004,2026-04-03,1,true,\n"
        "100000004,2026-04-04,1,maybe,0.1\n"
        "100000004,2026-04-05,1,true,0\n"
        "100000004,2026-04-06,1,true,abc\n"
        "100000004,2026-04-07,1,false,0.5\n"
        "100000004,2026-04-08,1,yes,1.5\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("monitor", "outcomes-import", str(path), stdout=out, stderr=StringIO())
    assert out.getvalue().startswith("recorded 3 visit outcomes, 6 rows rejected")
    assert (tmp_path / "outcomes.rejects.csv").read_text(encoding="utf-8").splitlines() == [
        "line,reason",
        "5,random visit without selection_probability",
        "6,random is not true/false",
        "7,selection_probability is not above 0 and at most 1",
        "8,selection_probability is not a number",
        "9,selection_probability given for a visit that is not random",
        "10,selection_probability is not above 0 and at most 1",
    ]
    assert sorted(
        VisitOutcome.objects.values_list("household__hukou_no", "selection_probability")
    ) == [("100000001", Decimal("0.1")), ("100000002", None), ("100000003", Decimal("0.25"))]
    # the model's weights: a random visit drawn with p = 0.1 counts ten times
    labels = actions._labels()
    assert {h: x.weight for h, x in labels.items()} == {
        "100000001": 10.0,
        "100000002": 1.0,
        "100000003": 4.0,
    }
    assert AuditEntry.objects.filter(
        action="monitoring.visit_outcome", detail__selection_probability="0.1"
    ).exists()


def test_expected_recall_from_random_visits_is_weighted_with_its_interval():
    from decimal import Decimal as D

    import pandas as pd

    labels = {
        "a": actions.Label(True, D("0.1"), 1),  # weight 10, warned
        "b": actions.Label(True, D("0.5"), 2),  # weight 2, not warned
        "c": actions.Label(False, D("0.1"), 3),  # no hardship: not a case
        "d": actions.Label(True, None, 4),  # a queue visit: not a random case
    }
    frame = pd.DataFrame({"hukou_no": ["a", "b", "d"], "level": ["watch", None, "urgent"]})
    r = actions.expected_recall(labels, frame)
    assert (r["cases"], r["warned"], r["estimate"], r["effective_n"]) == (2, 1, 0.8333, 1.4)
    assert 0 < r["low"] < r["estimate"] < r["high"] <= 1
    assert actions.expected_recall({"d": labels["d"]}, frame) == {"cases": 0}


def test_outcomes_import_with_nothing_recorded_exits_non_zero(households, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("hukou_no,visited_on,hardship_confirmed\n999,2026-04-03,1\n", "utf-8")
    with pytest.raises(CommandError) as err:
        call_command("monitor", "outcomes-import", str(path), stdout=StringIO())
    assert str(err.value) == (
        f"recorded 0 visit outcomes, 1 rows rejected (listed with their reasons in "
        f"{tmp_path / 'bad.rejects.csv'}): nothing recorded — correct the rows and import again"
    )
    assert VisitOutcome.objects.count() == 0


def test_an_as_of_date_before_the_first_policy_says_what_to_do(fake_engine, households):
    PolicyVersion.objects.create(
        number=1,
        document=fake_engine.default_policy(),
        effective_from=dt.date(2024, 8, 19),
        reason="本区首个监测政策",
    )
    with pytest.raises(CommandError) as err:
        call_command("monitor", "--as-of", "2024-06-30", stdout=StringIO(), stderr=StringIO())
    assert str(err.value) == (
        "monitoring failed: as-of date 2024-06-30 is before the first policy version (effective "
        "2024-08-19): add a policy version effective on or before it; the previous warnings "
        "stay in force"
    )
    assert MonitoringRun.objects.get().status == "failed" and Warning.objects.count() == 0
    assert fake_engine.calls == []


def test_traceback_shows_where_a_run_failed(fake_engine, households, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("lowest_standard")

    monkeypatch.setattr(fake_engine, "monitor", broken)
    with pytest.raises(CommandError) as err:
        call_command(
            "monitor", "--as-of", "2026-05-01", "--traceback", stdout=StringIO(), stderr=StringIO()
        )
    assert isinstance(err.value.__cause__, KeyError)  # Django prints the chain with --traceback


def test_policy_versions_are_immutable(fake_engine, households):
    actions.monitoring_run(actor=None, as_of=DAY1)
    version = PolicyVersion.objects.get()
    version.reason = "changed in place"
    with pytest.raises(ValueError, match="immutable"):
        version.save()


def test_new_warnings_are_written_whole_and_their_changes_point_at_them(fake_engine, households):
    fake_engine.households = [
        ("100000001", 60.0, "warning", ["serious_illness", "medical_spending_share"], ILLNESS),
        ("100000002", 45.5, "watch", ["income_below_dibian"], POOR),
    ]
    run = actions.monitoring_run(actor=None, as_of=DAY1)
    rows = {w.household.hukou_no: w for w in Warning.objects.select_related("household")}
    first = rows["100000001"]
    assert (first.status, first.level, first.score, first.run, first.first_run) == (
        "open",
        "warning",
        60.0,
        run,
        run,
    )
    assert first.reasons == ["serious_illness", "medical_spending_share"]
    assert first.dimensions == ILLNESS
    assert first.reason_index == ";serious_illness;medical_spending_share;"
    assert first.resolved_at is None and first.created_at == first.updated_at
    assert sorted(run.changes.values_list("warning_id", "kind", "to_level")) == sorted(
        [(rows["100000001"].pk, "new", "warning"), (rows["100000002"].pk, "new", "watch")]
    )
