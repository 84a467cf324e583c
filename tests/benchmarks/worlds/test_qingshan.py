"""The qingshan world (benchmarks/worlds/qingshan): deterministic, consistent truth, and feeds
that doudi's intake reads with no more quarantine than the world's noise intends."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from benchmarks.worlds.qingshan import generate
from benchmarks.worlds.qingshan.feeds import FEEDS, MISSING
from benchmarks.worlds.qingshan.ids import check_char
from python_calamine import CalamineWorkbook

from doudi.engine.catalogue import load_catalogue, normalise_header
from doudi.engine.intake.pipeline import ingest_file

HOUSEHOLDS = 300
CAUSES = {
    "疾病",
    "残疾",
    "就学",
    "失业",
    "年老",
    "缺乏劳动力",
    "灾害",
    "意外事故",
    "突发事件",
    "低收入",
    "其他",
}
CONTRACT = [
    "hukou_no",
    "hardship",
    "causes",
    "street_code",
    "household_type",
    "head_age",
    "shock",
    "quiet",
]
# what the world's noise means doudi to quarantine: ≈0.25 % rows without identity and
# ≈0.05 % with an impossible date (noise.py); the margin covers a small sample
INTENDED_QUARANTINE = 0.003
MARGIN = 0.007


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("qingshan") / "a"
    generate(out, households=HOUSEHOLDS, seed=11)
    return out


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes_other_seed_other_world(world, tmp_path):
    generate(tmp_path / "b", households=HOUSEHOLDS, seed=11)
    assert _digest(tmp_path / "b") == _digest(world)
    generate(tmp_path / "c", households=HOUSEHOLDS, seed=12)
    other = _digest(tmp_path / "c")
    assert other["truth/households.csv"] != _digest(world)["truth/households.csv"]
    assert other["gongan_hukou.csv"] != _digest(world)["gongan_hukou.csv"]


def _read(path: Path) -> list[pd.DataFrame]:
    """Every table of a delivered file, with its original headers, as text."""
    if path.suffix == ".csv":
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gbk")
        from io import StringIO

        return [pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)]
    if path.suffix == ".jsonl":
        return [pd.read_json(path, lines=True, dtype=False).astype(str)]
    if path.suffix == ".parquet":
        return [pq.read_table(path).to_pandas().astype(str)]
    wb = CalamineWorkbook.from_path(str(path))
    out = []
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python()
        start = 0 if len([c for c in rows[0] if c != ""]) > 2 else 1  # a title row above
        out.append(
            pd.DataFrame(rows[start + 1 :], columns=[str(c) for c in rows[start]]).astype(str)
        )
    return out


def _feed_of(path: Path) -> str:
    return next(f for f in FEEDS if path.name.startswith(f + "_") or path.name.startswith(f + "."))


def test_files_are_the_delivered_feeds_with_catalogue_headers(world):
    catalogue = load_catalogue()
    files = sorted(p for p in world.iterdir() if p.is_file())
    delivered = {_feed_of(p) for p in files}
    # a small district may have nothing to deliver for a rare feed (no company, no flood)
    records = pd.read_csv(world / "truth" / "records.csv", dtype=str, keep_default_na=False)
    assert delivered == set(records["feed"])
    assert delivered >= set(FEEDS) - {
        "shichang_shareholding",
        "yingji_disaster",
        "nongye_fangfanpin",
    }
    assert not set(MISSING) & delivered
    assert [p.name for p in files if p.name.startswith("shuiwu_income_tax")] == [
        "shuiwu_income_tax_2025.csv"
    ]
    for path in files:
        feed = catalogue.feeds[_feed_of(path)]
        header_map = feed.header_map()
        for table in _read(path):
            unknown = [h for h in table.columns if normalise_header(h) not in header_map]
            assert unknown == [], (path.name, unknown)


def test_truth_columns_and_consistency(world):
    hh = pd.read_csv(world / "truth" / "households.csv", dtype=str, keep_default_na=False)
    assert list(hh.columns[: len(CONTRACT)]) == CONTRACT
    assert set(hh["hardship"]) <= {"0", "1"}
    assert set(hh["shock"]) <= {"0", "1"} and set(hh["quiet"]) <= {"0", "1"}
    assert set(hh["household_type"]) <= {
        "single",
        "elderly_only",
        "with_children",
        "with_disabled",
        "other",
    }
    hard = hh[hh["hardship"] == "1"]
    assert (hh[hh["hardship"] == "0"]["causes"] == "").all()
    assert (hh[hh["quiet"] == "1"]["hardship"] == "1").all()
    for causes in hard["causes"]:
        assert causes and set(causes.split(";")) <= CAUSES
    register = _read(world / "gongan_hukou.csv")[0]
    assert set(hh["hukou_no"]) == set(register["户号"])
    assert set(hard["hukou_no"]) <= set(register["户号"])
    assert set(hh["street_code"]) <= {c[:9] for c in register["社区代码"]}
    assert all(len(c) == 12 and c.startswith("420106") for c in register["社区代码"])
    persons = pd.read_csv(world / "truth" / "persons.csv", dtype=str, keep_default_na=False)
    assert list(persons.columns[:3]) == ["person_id", "hukou_no", "id_number"]
    assert persons["person_id"].is_unique and persons["id_number"].is_unique
    for number in persons["id_number"]:
        assert len(number) == 18 and check_char(number[:17]) == number[17]


def test_records_name_every_row_of_every_feed(world):
    catalogue = load_catalogue()
    records = pd.read_csv(world / "truth" / "records.csv", dtype=str, keep_default_na=False)
    persons = set(pd.read_csv(world / "truth" / "persons.csv", dtype=str)["person_id"])
    assert set(records["person_id"]) <= persons
    assert not records.duplicated(["feed", "record_key"]).any()
    in_files: dict[str, set[str]] = {}
    for path in sorted(p for p in world.iterdir() if p.is_file()):
        feed = catalogue.feeds[_feed_of(path)]
        header_map = feed.header_map()
        for table in _read(path):
            key = next(
                h for h in table.columns if header_map.get(normalise_header(h)) == feed.record_key
            )
            in_files.setdefault(feed.id, set()).update(table[key])
    truth_keys = {f: set(g["record_key"]) for f, g in records.groupby("feed")}
    assert truth_keys == in_files


def test_doudi_intake_quarantines_only_the_intended_noise(world, tmp_path):
    read = quarantined = 0
    reasons: dict[str, int] = {}
    for path in sorted(p for p in world.iterdir() if p.is_file()):
        result = ingest_file(path, lake=tmp_path / "lake")
        assert result.status == "ingested", (path.name, result.error)
        assert result.accepted + result.quarantined == result.rows_read
        read += result.rows_read
        quarantined += result.quarantined
        for code, count in result.reasons.items():
            reasons[code] = reasons.get(code, 0) + count
    assert set(reasons) <= {"no_identity", "bad_date"}, reasons
    assert quarantined / read < INTENDED_QUARANTINE + MARGIN
    summary = json.loads((world / "truth" / "summary.json").read_text(encoding="utf-8"))
    assert summary["households"] == len(pd.read_csv(world / "truth" / "households.csv"))
