"""Scores never fail because a feed is absent, late or covers a short span (issue 16 item 6),
and the run says which feeds its policy reads are missing, late or partial.

A small synthetic district (``doudi.synth``, built here) is ingested once; each monitored feed
is then removed in turn (a copy of the lake without the feed's folder) and monitoring runs on
what is left. Exact outcomes: the run completes, scores the same households, reports exactly
that feed missing, and every indicator that does not read the feed fires exactly as in the full
run (the dependency analysis of :mod:`doudi.engine.monitoring.coverage` is checked by it)."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from doudi.engine.catalogue import load_catalogue
from doudi.engine.intake.pipeline import ingest_file
from doudi.engine.lake import Lake
from doudi.engine.monitoring import Policy, default_policy, monitor
from doudi.engine.monitoring.coverage import feed_coverage, feeds_read
from doudi.engine.monitoring.feeds import FEEDS
from doudi.synth import generate

AS_OF = dt.date(2026, 11, 1)
POLICY = Policy.from_dict(default_policy())
# indicators whose facts all come from one feed
SOLE_FEED = {
    "assets_two_homes": "budongchan_property",
    "assets_vehicle": "gongan_vehicle",
    "disability_any": "canlian_disability",
    "students_costly": "jiaoyu_students",
    "chronic_disease": "yibao_chronic",
    "fangfanpin_monitored": "nongye_fangfanpin",
}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("feeds_district")
    generate(out, households=200, seed=5, as_of=AS_OF)
    lake, catalogue = Lake(out / "lake"), load_catalogue()
    for path in sorted((out / "feeds").rglob("*")):
        if path.is_file():
            ingest_file(path, lake=lake, catalogue=catalogue)
    records = pd.read_csv(out / "truth" / "records.csv", dtype=str)
    persons = pd.DataFrame(
        {
            "source": records["feed"],
            "record_key": records["record_key"],
            "person_key": records["person_id"].str[1:].astype("int64"),
        }
    )
    full = monitor(lake, catalogue, persons, policy=POLICY, as_of=AS_OF)
    return out, lake, catalogue, persons, full


def _without(lake: Lake, tmp_path, feed: str | None = None) -> Lake:
    """A copy of the lake, without the feed's folder when one is named."""
    root = tmp_path / f"lake-without-{feed}"
    shutil.copytree(
        lake.root, root, ignore=lambda d, names: [feed] if feed and d == str(lake.root) else []
    )
    return Lake(root)


def _keep_rows(lake: Lake, feed: str, keep) -> None:
    """Rewrite the feed's delivered files in place keeping only the rows whose ``month``
    passes ``keep`` (a function of the month text)."""
    for path in lake.files(feed):
        table = pq.read_table(path)
        mask = pa.array([keep(m) for m in table.column("month").to_pylist()])
        pq.write_table(table.filter(mask), path)


def _status(result) -> dict[str, str]:
    return {f["feed"]: f["status"] for f in result.feeds}


def test_the_full_district_reports_every_feed_its_policy_reads(small):
    _out, _lake, _cat, _persons, full = small
    read = feeds_read(POLICY, AS_OF)
    assert [f["feed"] for f in full.feeds] == list(read)
    # the model's profile reads yibao_enrolment only: no indicator does
    assert set(FEEDS) - set(read) == {"yibao_enrolment"}
    # help already held counts as income (the resources estimate), and suppresses
    assert read["minzheng_recipients"] == [
        "income_below_dibao",
        "income_below_dibian",
        "income_below_double",
        "low_earnings",
        "quiet_hardship",
        "medical_spending_share",
        "suppression",
    ]
    assert read["budongchan_property"] == ["assets_two_homes"]
    assert read["jiaoyu_aid"] == ["student_aid"]
    # the generator delivers three months of outpatient visits; the spending share reads a year
    assert {f: s for f, s in _status(full).items() if s != "ok"} == {"yibao_outpatient": "partial"}
    assert full.counts["households"] == 200


@pytest.mark.parametrize("feed", [f for f in FEEDS if f != "gongan_hukou"])
def test_each_feed_removed_in_turn_the_run_completes_and_says_so(small, tmp_path, feed):
    _out, lake, catalogue, persons, full = small
    result = monitor(lake_without := _without(lake, tmp_path, feed), catalogue, persons,
                     policy=POLICY, as_of=AS_OF)  # fmt: skip
    assert feed not in lake_without.feed_ids()
    assert result.counts["households"] == full.counts["households"] == 200
    expected = dict(_status(full))
    if feed in expected:
        expected[feed] = "missing"
    assert _status(result) == expected
    # every indicator that does not read the feed fires exactly as before
    readers = set(feeds_read(POLICY, AS_OF).get(feed, []))
    before, after = full.counts["indicators_fired"], result.counts["indicators_fired"]
    untouched = {i.id for i in POLICY.indicators} - readers
    assert {i: after.get(i, 0) for i in untouched} == {i: before.get(i, 0) for i in untouched}
    # an indicator whose facts all come from the feed fires no more
    for ind, source in SOLE_FEED.items():
        if source == feed:
            assert before[ind] > 0 and after.get(ind, 0) == 0, ind


def test_without_the_register_nothing_is_scored_and_the_run_completes(small, tmp_path):
    _out, lake, catalogue, persons, _full = small
    result = monitor(_without(lake, tmp_path, "gongan_hukou"), catalogue, persons,
                     policy=POLICY, as_of=AS_OF)  # fmt: skip
    assert result.counts["households"] == 0
    assert result.counts["warnings"] == 0
    assert len(result.households) == 0
    assert _status(result)["gongan_hukou"] == "missing"


def test_contributions_cut_to_six_months_are_partial_and_scored(small, tmp_path):
    _out, lake, catalogue, persons, full = small
    cut = _without(lake, tmp_path)
    _keep_rows(cut, "renshe_contribution", lambda m: m >= "2026-05")
    result = monitor(cut, catalogue, persons, policy=POLICY, as_of=AS_OF)
    by_feed = {f["feed"]: f for f in result.feeds}
    c = by_feed["renshe_contribution"]
    assert (c["status"], c["oldest"], c["newest"], c["needed_from"]) == (
        "partial", "2026-05", "2026-10", "2025-11-01",
    )  # fmt: skip
    assert result.counts["households"] == 200
    readers = set(feeds_read(POLICY, AS_OF)["renshe_contribution"])
    untouched = {i.id for i in POLICY.indicators} - readers
    before, after = full.counts["indicators_fired"], result.counts["indicators_fired"]
    assert {i: after.get(i, 0) for i in untouched} == {i: before.get(i, 0) for i in untouched}


def test_contributions_covering_one_year_are_complete_and_two_months_behind_are_late(
    small, tmp_path
):
    _out, lake, catalogue, persons, _full = small
    year = _without(lake, tmp_path)
    _keep_rows(year, "renshe_contribution", lambda m: m >= "2025-11")  # exactly the wage window
    result = monitor(year, catalogue, persons, policy=POLICY, as_of=AS_OF)
    assert _status(result)["renshe_contribution"] == "ok"
    _keep_rows(year, "renshe_contribution", lambda m: m <= "2026-08")
    result = monitor(year, catalogue, persons, policy=POLICY, as_of=AS_OF)
    c = {f["feed"]: f for f in result.feeds}["renshe_contribution"]
    assert (c["status"], c["newest"], c["freshness_days"]) == ("late", "2026-08", 35)
    assert result.counts["households"] == 200


def test_late_by_delivery_date_and_partial_rare_events_below_the_row_floor(small):
    _out, lake, catalogue, _persons, _full = small
    late = feed_coverage(
        lake,
        catalogue,
        POLICY,
        AS_OF,
        delivered={"yibao_chronic": AS_OF - dt.timedelta(days=36), "gongan_vehicle": AS_OF},
    )
    by_feed = {s.feed: s for s in late}
    assert (by_feed["yibao_chronic"].status, by_feed["yibao_chronic"].delivered) == (
        "late", "2026-09-26",
    )  # fmt: skip
    assert by_feed["gongan_vehicle"].status == "ok"  # delivered on the day: 0 ≤ 40 days
    # a death feed holds a handful of events: its span says nothing, it is not judged
    assert by_feed["weijian_death"].rows < 100
    assert by_feed["weijian_death"].status == "ok"


def test_the_stored_ablation_is_attached_to_each_feed(small):
    _out, lake, catalogue, _persons, _full = small
    got = feed_coverage(
        lake, catalogue, POLICY, AS_OF, ablation={"renshe_contribution": (-1.5, 3.0, -11.0, -6.0)}
    )
    costs = {s.feed: (s.recall_cost, s.precision_change) for s in got if s.recall_cost}
    assert costs == {"renshe_contribution": ((-1.5, 3.0), (-11.0, -6.0))}
    d = {s.feed: s.as_dict() for s in got}["renshe_contribution"]
    assert (d["recall_cost"], d["precision_change"]) == ([-1.5, 3.0], [-11.0, -6.0])
    assert {s.feed: s.as_dict()["recall_cost"] for s in got}["yibao_chronic"] is None
