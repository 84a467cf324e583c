"""The hongshan world (benchmarks/worlds/hongshan): deterministic, its truth consistent with its
own label rule, one feed missing and one covering a single year, and the product ingests every
file with exactly the quarantine the world's noise intends."""

from __future__ import annotations

import csv
import filecmp
import json
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from benchmarks.worlds.hongshan.economy import S
from benchmarks.worlds.hongshan.world import generate
from django.core.management import call_command

HOUSEHOLDS = 300
SEED = 5
TYPES = {"single", "elderly_only", "with_children", "with_disabled", "other"}


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hongshan")
    generate(out, households=HOUSEHOLDS, seed=SEED)
    return out


def _files(folder: Path) -> list[Path]:
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


def _households(world: Path) -> pd.DataFrame:
    return pd.read_csv(
        world / "truth" / "households.csv",
        dtype={"hukou_no": str, "street_code": str, "causes": str},
        keep_default_na=False,
    )


def test_generation_is_deterministic_for_a_seed(world, tmp_path):
    again = tmp_path / "again"
    generate(again, households=HOUSEHOLDS, seed=SEED)
    assert _files(again) == _files(world)
    _, mismatch, errors = filecmp.cmpfiles(
        world, again, [str(p) for p in _files(world)], shallow=False
    )
    assert mismatch == [] and errors == []
    other = tmp_path / "other"
    generate(other, households=HOUSEHOLDS, seed=SEED + 1)
    reg = "gongan_hukou_202611.csv"
    assert (other / reg).read_bytes() != (world / reg).read_bytes()


def test_the_truth_follows_the_label_rule(world):
    hh = _households(world)
    assert hh["hukou_no"].is_unique
    register = pd.read_csv(world / "gongan_hukou_202611.csv", dtype=str, encoding="utf-8-sig")
    assert set(hh["hukou_no"]) == set(register["户号"])
    assert set(hh["hardship"]) <= {0, 1} and set(hh["household_type"]) <= TYPES
    members = hh["members"].clip(lower=1)
    resource = hh["income_pc"] + hh["savings"] / (24 * members)
    clear = (resource - S).abs() > 0.05  # the CSV rounds to the fen
    expected = ((hh["members"] > 0) & (resource < S)).astype(int)
    assert (hh.loc[clear, "hardship"] == expected[clear]).all()
    # quiet hardship is hardship with no sudden event; causes are given for hardship only
    assert (hh.loc[hh["quiet"] == 1, "hardship"] == 1).all()
    assert ((hh["causes"] != "") == (hh["hardship"] == 1)).all()
    assert 0.02 <= hh["hardship"].mean() <= 0.15


def test_tax_is_missing_and_the_provident_fund_covers_one_year(world):
    names = [p.name for p in world.iterdir() if p.is_file()]
    assert not [n for n in names if n.startswith("shuiwu_income_tax")]
    with open(world / "gongjijin_contribution_2026.csv", encoding="utf-8", newline="") as fh:
        months = {row["汇缴年月"] for row in csv.DictReader(fh)}
    expected = {
        f"{y}{m:02d}" for y, m in [(2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 11)]
    }
    assert months == expected


def test_gbk_files_are_gbk(world):
    raw = (world / "renshe_pension_202611.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "待遇人员编号" in raw.decode("gbk").splitlines()[0]


@pytest.mark.django_db
def test_doudi_ingest_accepts_every_file_and_quarantines_only_the_intended_rows(
    world, settings, tmp_path
):
    settings.DOUDI_LAKE_DIR = tmp_path / "lake"
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("ingest", str(world), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert {r["status"] for r in report} == {"ingested"}
    assert len(report) == len([p for p in world.iterdir() if p.is_file()])
    noise = pd.read_csv(world / "truth" / "noise.csv")
    intended = noise[noise["expect_quarantine"] == 1].groupby("feed").size().to_dict()
    got = {r["feed"]: r["quarantined"] for r in report if r["quarantined"]}
    assert got == intended
    read = sum(r["rows_read"] for r in report)
    assert 0.015 <= len(noise) / read <= 0.045
