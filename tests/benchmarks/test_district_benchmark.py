"""benchmarks/district.py on a tiny district: every job runs as an operator runs it and is
timed, and the third monitoring run does retrain the statistical model."""

from __future__ import annotations

import importlib.util
import json
import re
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
        _, wall, s, cpu, cpu_s, peak, mib, *stages = line.split()
        assert (s, cpu_s, mib) == ("s", "cpu_s", "MiB")
        assert float(wall) > 0 and float(cpu) > 0
        assert float(peak) > 50  # a Python process with pandas and DuckDB
        # the monitoring runs' own report: the engine's seconds and the run's stages
        names = [stage.split("=")[0] for stage in stages]
        if line.startswith("link"):
            assert names == []
        else:
            assert {"engine", "run.inputs", "run.score", "run.load", "run.total"} <= set(names)
    assert "run.train" in lines[2] and "run.train" not in lines[1]
    assert lines[3] == "retrained on 320 visit outcomes: True"
    assert lines[4].startswith("load average before [")
    # the machine reference, to set sittings on machines of different speed side by side
    assert lines[5].startswith("machine reference (one thread): python loop ")
    machine = json.loads(lines[6])["machine"]
    assert set(machine) == {"python_s", "duckdb_s"} and min(machine.values()) > 0
    var = tmp_path / "var"
    assert (var / "results").is_dir() and (var / "lake").is_dir()
    assert not (tmp_path / "prepared").exists()  # kept only with --reuse


@pytest.mark.slow  # prepares once, then restores the prepared folder instead of preparing
def test_reuse_skips_preparing_and_times_the_same_jobs(bench, tmp_path):
    args = dict(households=200, seed=5, visits=200)
    first = bench.benchmark(tmp_path, **args, reuse=True)
    assert first["reused"] is False
    assert json.loads((tmp_path / "prepared" / "prepared.json").read_text()) == {
        "households": 200,
        "seed": 5,
    }
    second = bench.benchmark(tmp_path, **args, reuse=True)
    assert second["reused"] is True
    for job in ("link", "monitor", "retrain"):  # the same data: the same outcome

        def outcome(report, job=job):  # the job's first line without its seconds
            return re.sub(r" \(\d+\.\d s\)$", "", report[job]["out"].splitlines()[0])

        assert outcome(second) == outcome(first)
    # (200 outcomes may be below the policy's model.min_outcomes: the same answer both times)
    assert second["retrained"] == first["retrained"]
    other = bench.benchmark(tmp_path, households=150, seed=5, visits=150, reuse=True)
    assert other["reused"] is False  # another district is prepared afresh
