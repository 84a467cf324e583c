"""The hanyang world (benchmarks/worlds/hanyang): deterministic, a consistent truth, and the
product ingests it with no more quarantine than the world's noise intends."""

from __future__ import annotations

import csv
import datetime as dt
import filecmp
import json
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from benchmarks.worlds.hanyang.generate import generate
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from doudi.engine import idnumber
from doudi.engine.catalogue import load_catalogue, normalise_header

HOUSEHOLDS = 300
SEED = 11
AS_OF = dt.date(2026, 11, 30)
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
TYPES = {"single", "elderly_only", "with_children", "with_disabled", "other"}
HOUSEHOLD_COLUMNS = [
    "hukou_no",
    "hardship",
    "causes",
    "street_code",
    "household_type",
    "head_age",
    "shock",
    "quiet",
]


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hanyang")
    generate(out, households=HOUSEHOLDS, seed=SEED, as_of=AS_OF)
    return out


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _table(path: Path) -> list[pd.DataFrame]:
    """A delivered file as text tables (one per sheet)."""
    if path.suffix == ".csv":
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gbk")
        return [pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)]
    if path.suffix == ".parquet":
        return [pd.read_parquet(path).astype(str)]
    if path.suffix == ".jsonl":
        return [pd.read_json(path, lines=True, dtype=False).astype(str)]
    wb = CalamineWorkbook.from_path(str(path))
    out = []
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python()
        out.append(pd.DataFrame(rows[1:], columns=[str(h) for h in rows[0]]).astype(str))
    return out


def test_the_same_seed_gives_byte_identical_files(world, tmp_path):
    again = tmp_path / "again"
    generate(again, households=HOUSEHOLDS, seed=SEED, as_of=AS_OF)
    names = [p.relative_to(world) for p in _files(world)]
    assert names == [p.relative_to(again) for p in _files(again)]
    assert [n for n in names if not filecmp.cmp(world / n, again / n, shallow=False)] == []


def test_another_seed_gives_another_world(world, tmp_path):
    other = tmp_path / "other"
    generate(other, households=HOUSEHOLDS, seed=SEED + 1, as_of=AS_OF)
    assert (other / "gongan_hukou.csv").read_bytes() != (world / "gongan_hukou.csv").read_bytes()


def test_truth_households_columns_and_values(world):
    hh = pd.read_csv(
        world / "truth" / "households.csv", dtype={"hukou_no": str}, keep_default_na=False
    )
    assert list(hh.columns[:8]) == HOUSEHOLD_COLUMNS
    assert hh["hukou_no"].is_unique
    assert (
        set(hh["hardship"]) <= {0, 1} and set(hh["shock"]) <= {0, 1} and set(hh["quiet"]) <= {0, 1}
    )
    hard = hh["hardship"] == 1
    assert (hh.loc[hard, "causes"] != "").all() and (hh.loc[~hard, "causes"] == "").all()
    causes = {c for cs in hh.loc[hard, "causes"] for c in cs.split(";")}
    assert causes <= CAUSES
    assert set(hh["household_type"]) <= TYPES
    assert (hh.loc[hh["quiet"] == 1, "hardship"] == 1).all()
    streets = {r["code"] for r in csv.DictReader(open(_streets(), encoding="utf-8"))}
    assert set(hh["street_code"].astype(str)) <= streets
    assert 0.03 <= hard.mean() <= 0.13  # the stated rate is ~7 %; a small sample varies


def _streets() -> Path:
    from importlib import resources

    return Path(str(resources.files("doudi.registry") / "data" / "wuchang_streets.csv"))


def test_every_household_is_in_the_register_and_every_register_household_in_the_truth(world):
    hh = pd.read_csv(
        world / "truth" / "households.csv", dtype={"hukou_no": str}, keep_default_na=False
    )
    register = pd.read_csv(world / "gongan_hukou.csv", dtype=str, encoding="utf-8-sig")
    assert set(hh["hukou_no"]) == set(register["户号"])
    assert set(hh.loc[hh["hardship"] == 1, "hukou_no"]) <= set(register["户号"])
    # community codes: 12 digits under a Wuchang street, some under the scenic-area unit
    codes = set(register["社区代码"])
    assert all(len(c) == 12 and c.startswith("420106") for c in codes)


def test_truth_ids_are_valid_and_include_retired_wuhan_codes(world):
    persons = pd.read_csv(world / "truth" / "persons.csv", dtype=str)
    assert persons["person_id"].is_unique and persons["id_number"].is_unique
    for number in persons["id_number"]:
        assert idnumber.parse(number, today=AS_OF).number == number
    retired = persons["id_number"].str[:6].isin(["420121", "420122", "420123", "420124"])
    born_before_1990 = persons["id_number"].str[6:10].astype(int) < 1990
    share = retired[born_before_1990].mean()
    assert 0.08 <= share <= 0.22  # ~15 % of people born before 1990


def test_records_keys_are_the_keys_of_the_delivered_files(world):
    cat = load_catalogue()
    records = pd.read_csv(world / "truth" / "records.csv", dtype=str)
    persons = set(pd.read_csv(world / "truth" / "persons.csv", dtype=str)["person_id"])
    assert set(records["person_id"]) <= persons
    delivered: dict[str, set] = {}
    for path in _files(world):
        if path.parent.name == "truth" or path.suffix not in (
            ".csv",
            ".xlsx",
            ".jsonl",
            ".parquet",
        ):
            continue
        feed = next(
            f for f in cat.feeds.values() if path.stem == f.id or path.stem.startswith(f.id + "_")
        )
        hm = feed.header_map()
        for table in _table(path):
            [key_col] = [c for c in table.columns if hm.get(normalise_header(c)) == feed.record_key]
            delivered.setdefault(feed.id, set()).update(table[key_col])
    truth = records.groupby("feed")["record_key"].apply(set).to_dict()
    assert truth.keys() == delivered.keys()
    assert {f: truth[f] ^ delivered[f] for f in truth if truth[f] != delivered[f]} == {}
    assert "gongjijin_contribution" not in delivered  # this world's missing feed


def test_outpatient_covers_the_last_twelve_months_only(world):
    [table] = _table(world / "yibao_outpatient.jsonl")
    days = pd.to_datetime(table["begndate"].str[:10])
    assert days.min().date() >= dt.date(AS_OF.year - 1, AS_OF.month, 1)
    assert days.max().date() <= AS_OF


@pytest.mark.django_db
def test_doudi_ingest_quarantines_no_more_than_the_intended_noise(world, settings, tmp_path):
    settings.DOUDI_LAKE_DIR = tmp_path / "lake"
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("ingest", str(world), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert {r["status"] for r in report} == {"ingested"}
    read = sum(r["rows_read"] for r in report)
    quarantined = sum(r["quarantined"] for r in report)
    noise = pd.read_csv(world / "truth" / "noise.csv", dtype={"expect_quarantine": int})
    intended = int(noise["expect_quarantine"].sum())
    noisy_rate = len(noise) / read
    assert 0.015 <= noisy_rate <= 0.045  # ≈3 % of rows carry a name or ID problem
    assert quarantined <= intended + 0.002 * read
    assert quarantined / read < 0.01
