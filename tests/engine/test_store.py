"""The run store: a link run's persons, households and keyed feeds, found by run id only —
and no code outside the engine builds a path to them."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from doudi.engine.store import RunStore

SRC = Path(__file__).resolve().parents[2] / "src" / "doudi"

PERSONS = pd.DataFrame(
    {
        "unique_id": ["gongan_hukou:1", "weijian_death:9", "gongan_hukou:2"],
        "source": ["gongan_hukou", "weijian_death", "gongan_hukou"],
        "record_key": ["1", "9", "2"],
        "person_key": [7, 7, 8],
    }
)
HOUSEHOLDS = pd.DataFrame(
    {
        "person_key": [7, 8],
        "hukou_no": ["100000001", None],
        "basis": ["register", "review"],
        "reason": ["", "no_evidence"],
    }
)


def test_persons_and_households_round_trip_by_run_id(tmp_path):
    store = RunStore(tmp_path / "results")
    assert (store.read_persons(3), store.read_households(3), store.keyed(3)) == (None, None, None)
    assert (store.has_persons(3), store.has_households(3)) == (False, False)
    store.write_persons(3, PERSONS)
    store.write_households(3, HOUSEHOLDS)
    pd.testing.assert_frame_equal(store.read_persons(3), PERSONS)
    pd.testing.assert_frame_equal(
        store.read_persons(3, ["source", "person_key"]), PERSONS[["source", "person_key"]]
    )
    arrow = store.read_persons(3, ["person_key"], arrow=True)
    assert str(arrow["person_key"].dtype) == "int64[pyarrow]"
    assert arrow["person_key"].tolist() == [7, 7, 8]
    review = store.read_households(3, ["person_key", "reason"], basis="review")
    assert review.to_dict("records") == [{"person_key": 8, "reason": "no_evidence"}]
    # another run's files are its own
    assert (store.has_persons(4), store.read_households(4)) == (False, None)
    assert sorted(p.name for p in store.root.iterdir()) == [
        "households-3.parquet",
        "persons-3.parquet",
    ]


def test_a_failed_write_leaves_the_earlier_file_and_no_temporary(tmp_path, monkeypatch):
    store = RunStore(tmp_path)
    store.write_persons(1, PERSONS)

    def broken(self, path, **kwargs):
        Path(path).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    with pytest.raises(OSError, match="disk full"):
        store.write_persons(1, PERSONS.head(1))
    monkeypatch.undo()
    pd.testing.assert_frame_equal(store.read_persons(1), PERSONS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["persons-1.parquet"]


def test_keyed_store_is_built_found_and_dropped_by_run_id(tmp_path, monkeypatch):
    store = RunStore(tmp_path / "results")
    calls = []

    def fake_build(lake, catalogue, persons, path):
        calls.append((lake, catalogue, len(persons), Path(path)))
        Path(path).write_bytes(b"store")
        return {"gongan_hukou": 2}

    monkeypatch.setattr("doudi.engine.monitoring.keyed.build", fake_build)
    assert store.build_keyed(5, "LAKE", "CAT", PERSONS) == {"gongan_hukou": 2}
    assert calls == [("LAKE", "CAT", 3, tmp_path / "results" / "keyed-5.duckdb")]
    assert store.keyed(5) == tmp_path / "results" / "keyed-5.duckdb"
    assert store.keyed(6) is None
    store.drop_keyed(5)
    store.drop_keyed(6)  # none: nothing to do
    assert store.keyed(5) is None


# A run's file names, as code outside the store would have to spell them.
RUN_FILE = re.compile(r"(persons|households|keyed)-\{|\.duckdb\b|-\{[^}]*\}\.parquet")


def test_no_code_outside_the_engine_builds_a_path_to_a_run_s_files():
    offenders = [
        f"{path.relative_to(SRC)}:{n}: {line.strip()}"
        for path in sorted(SRC.rglob("*.py"))
        if "engine" not in path.relative_to(SRC).parts
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if RUN_FILE.search(line)
    ]
    assert offenders == []


def test_the_pattern_finds_a_path_built_by_hand():
    for line in (
        'target = folder / f"persons-{run.pk}.parquet"',
        'Path(p).with_name(f"keyed-{run.pk}.duckdb")',
        'root / f"households-{run_id}.parquet"',
        'f"{kind}-{run.pk}.parquet"',
    ):
        assert RUN_FILE.search(line), line
