"""`doudi link`, `doudi export persons`, review decisions overriding the model, a failed run
leaving the previous persons in force, and who may review."""

from __future__ import annotations

import csv
import shutil
from io import StringIO

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from doudi.audit.models import AuditEntry
from doudi.engine.catalogue import load_catalogue
from doudi.engine.intake.pipeline import ingest_file
from doudi.engine.lake import Lake
from doudi.identity import actions
from doudi.identity.models import LinkRun, ReviewDecision, ReviewItem
from doudi.identity.selectors import run_store
from doudi.synth import generate

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def ingested_lake(tmp_path_factory):
    root = tmp_path_factory.mktemp("linkdistrict")
    generate(root / "district", households=600, seed=3)
    lake, catalogue = Lake(root / "lake"), load_catalogue()
    for path in sorted((root / "district" / "feeds").rglob("*")):
        if path.is_file():
            ingest_file(path, lake=lake, catalogue=catalogue)
    return root / "lake"


@pytest.fixture(scope="module")
def first_linkage():
    """The engine's first linkage of the district (no model yet, no decisions, no previous
    run), computed once for the module: it is deterministic (the same data give the same
    persons, tested in tests/engine/linkage), and most tests start from it."""
    return {}


@pytest.fixture
def district_lake(ingested_lake, settings, tmp_path, monkeypatch, first_linkage):
    lake_copy = tmp_path / "lake"
    shutil.copytree(ingested_lake, lake_copy)
    settings.DOUDI_LAKE_DIR = lake_copy
    settings.DOUDI_RESULTS_DIR = tmp_path / "results"
    engine_link = actions.link_district

    def link_district(lake, catalogue, **kwargs):
        first = (
            kwargs.get("model") is None
            and not kwargs.get("decisions")
            and kwargs.get("previous_keys") is None
        )
        if not first:
            return engine_link(lake, catalogue, **kwargs)
        key = (kwargs.get("backend"), kwargs.get("threshold"))
        if key not in first_linkage:
            first_linkage[key] = engine_link(lake, catalogue, **kwargs)
        return first_linkage[key]

    monkeypatch.setattr(actions, "link_district", link_district)
    return lake_copy


def _keys(run: LinkRun) -> dict[str, int]:
    persons = pd.read_parquet(run.persons_path)
    return dict(zip(persons["unique_id"], persons["person_key"], strict=True))


def test_link_then_export_covers_every_record_once(district_lake, tmp_path):
    out = StringIO()
    call_command("link", stdout=out, stderr=StringIO())
    run = LinkRun.objects.get()
    assert (run.status, run.is_current) == ("succeeded", True)
    assert out.getvalue().startswith(f"run {run.pk}: {run.records} records → {run.persons} persons")
    assert run.model  # the fitted parameters are kept with the run
    target = tmp_path / "persons.csv"
    call_command("export", "persons", "--out", str(target), stdout=StringIO())
    with open(target, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    con = Lake(district_lake).connect(load_catalogue())
    expected = set()
    for feed in load_catalogue():
        if feed.person_level:
            keys = con.execute(f'SELECT CAST("{feed.record_key}" AS VARCHAR) FROM "{feed.id}"')
            expected |= {(feed.id, k) for (k,) in keys.fetchall()}
    exported = [(r["feed"], r["record_key"]) for r in rows]
    assert len(exported) == len(set(exported)) == run.records
    assert set(exported) == expected
    assert AuditEntry.objects.filter(action="identity.link", outcome="success").count() == 1


def test_a_run_attaches_every_person_to_a_register_household_or_the_review_list(district_lake):
    run = actions.link_run()
    households = run_store().read_households(run.pk)
    persons = pd.read_parquet(run.persons_path)
    assert sorted(households["person_key"]) == sorted(persons["person_key"].unique())
    assert run.households == {
        b: int(n) for b, n in households["basis"].value_counts().sort_index().items()
    }
    assert sum(run.households.values()) == run.persons
    # Every person with a register record of the lake is in that record's household.
    con = Lake(district_lake).connect(load_catalogue())
    register = dict(
        con.execute(
            "SELECT 'gongan_hukou:' || CAST(person_no AS VARCHAR), CAST(hukou_no AS VARCHAR) "
            "FROM gongan_hukou"
        ).fetchall()
    )
    keyed = persons[persons["unique_id"].isin(list(register))]
    expected = {
        int(k): register[u] for u, k in zip(keyed["unique_id"], keyed["person_key"], strict=True)
    }
    attached = households.set_index("person_key")
    assert run.households["register"] == len(expected)
    assert {k: attached.loc[k, "hukou_no"] for k in expected} == expected
    assert set(attached.loc[list(expected), "basis"]) == {"register"}


def test_a_failed_household_attachment_keeps_the_persons_and_says_so(district_lake, monkeypatch):
    def broken(*, run):
        raise OSError("disk full")

    monkeypatch.setattr("doudi.identity.households.households_attach", broken)
    run = actions.link_run()
    run.refresh_from_db()
    assert (run.status, run.is_current, run.households) == ("succeeded", True, {"error": "OSError"})
    assert AuditEntry.objects.get(action="identity.link").detail["households"] == {
        "error": "OSError"
    }


def test_a_failed_keyed_store_keeps_the_persons_and_monitoring_joins(
    district_lake, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("doudi.engine.monitoring.keyed.build", broken)
    run = actions.link_run()
    run.refresh_from_db()
    assert (run.status, run.is_current) == ("succeeded", True)
    assert not run_store().keyed_path(run.pk).exists()
    assert f"keyed feeds of link run {run.pk} failed: OSError" in caplog.text


def test_no_keyed_store_when_monitoring_runs_on_spark(district_lake, settings):
    settings.DOUDI_MONITOR_BACKEND = "spark"
    run = actions.link_run()
    assert (run.status, run_store().keyed_path(run.pk).exists()) == ("succeeded", False)


def test_same_keys_again_and_review_decisions_change_the_next_run_both_ways(district_lake, cast):
    run = actions.link_run()
    assert run_store().keyed_path(run.pk).exists()  # the feeds keyed to its persons, for monitoring
    again = actions.link_run(retrain=True)
    assert _keys(again) == _keys(run)  # same data, model estimated afresh: same persons
    assert list(LinkRun.objects.filter(is_current=True)) == [again]
    # only the current run's keyed store is kept (it is a cache of the lake)
    assert (run_store().keyed_path(run.pk).exists(), run_store().keyed_path(again.pk).exists()) == (
        False,
        True,
    )
    keys = _keys(run)
    by_person: dict[int, list[str]] = {}
    for uid, key in sorted(keys.items()):
        by_person.setdefault(key, []).append(uid)
    linked = next(uids for uids in by_person.values() if len(uids) == 2)
    apart = (
        next(uids[0] for uids in by_person.values() if len(uids) == 1 and uids[0] not in linked),
        next(uids[0] for uids in reversed(list(by_person.values())) if len(uids) == 1),
    )
    dave = cast["dave"]
    for (left, right), same in ((linked, False), (apart, True)):
        item = ReviewItem.objects.create(
            run=run, unique_id_l=left, unique_id_r=right, reason="manual", weights={}
        )
        actions.review_decide(actor=dave, item=item, same=same, reason="入户核实身份")
    after = _keys(actions.link_run())
    assert after[linked[0]] != after[linked[1]]  # forced split
    assert after[apart[0]] == after[apart[1]]  # forced link
    assert ReviewDecision.objects.count() == 2


def test_a_failed_run_leaves_the_previous_persons_in_force(district_lake, monkeypatch, tmp_path):
    good = LinkRun.objects.create(
        status="succeeded", is_current=True, threshold=0.5, persons_path=str(tmp_path / "p.parquet")
    )

    def broken(*args, **kwargs):
        raise RuntimeError("injected fault")

    monkeypatch.setattr(actions, "link_district", broken)
    with pytest.raises(CommandError):
        call_command("link", stdout=StringIO(), stderr=StringIO())
    failed = LinkRun.objects.exclude(pk=good.pk).get()
    assert (failed.status, failed.is_current, failed.error) == ("failed", False, "RuntimeError")
    assert actions.current_run() == good


def test_only_district_data_staff_review(district_lake, cast, clients):
    run = LinkRun.objects.create(status="succeeded", is_current=True, threshold=0.5)
    item = ReviewItem.objects.create(
        run=run, unique_id_l="a:1", unique_id_r="b:2", reason="manual", weights={}
    )
    assert clients["alice"].get("/identity/review/").status_code == 403
    refused = clients["erin"].post(
        f"/identity/review/{item.pk}/", {"same": "1", "reason": "看起来一样"}
    )
    assert refused.status_code == 403
    assert ReviewDecision.objects.count() == 0
    page = clients["dave"].get(f"/identity/review/{item.pk}/")
    assert page.status_code == 200
    decided = clients["dave"].post(
        f"/identity/review/{item.pk}/", {"same": "0", "reason": "出生日期不同"}
    )
    assert decided["Location"] == "/identity/review/"
    decision = ReviewDecision.objects.get()
    assert (
        decision.unique_id_l,
        decision.unique_id_r,
        decision.same,
        decision.decided_by.username,
    ) == ("a:1", "b:2", False, "dave")


def test_the_linkage_memory_limit_is_configuration(district_lake, settings, monkeypatch):
    seen = {}

    def recording(*args, **kwargs):
        seen.update(kwargs)
        raise RuntimeError("stop here")

    monkeypatch.setattr(actions, "link_district", recording)
    settings.DOUDI_LINK_MEMORY_LIMIT = "1GB"
    with pytest.raises(RuntimeError):
        actions.link_run()
    assert seen["memory_limit"] == "1GB"
    assert LinkRun.objects.get().status == "failed"
