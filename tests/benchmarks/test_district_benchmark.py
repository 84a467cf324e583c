"""benchmarks/district.py on a tiny district: every job runs as an operator runs it and is
timed, and the third monitoring run does retrain the statistical model."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "district.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_district", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow  # six `doudi` processes: a few minutes on 2 shared cores
def test_tiny_district_link_monitor_retrain(bench, tmp_path, capsys):
    assert (
        bench.main(
            [
                "--households",
                "320",
                "--seed",
                "3",
                "--visits",
                "320",
                "--dir",
                str(tmp_path),
                "--json",
            ]
        )
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[:3]] == ["link", "monitor", "retrain"]
    for line in lines[:3]:
        _, wall, s, peak, mib = line.split()
        assert (s, mib) == ("s", "MiB")
        assert float(wall) > 0 and float(peak) > 50  # a Python process with pandas and DuckDB
    assert lines[3] == "retrained on 320 visit outcomes: True"
    assert (tmp_path / "results").is_dir() and (tmp_path / "lake").is_dir()
