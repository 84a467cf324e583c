"""The district jobs end to end, as an operator runs them: wall time and peak memory of
`doudi link` (model training included), `doudi monitor` and a monitoring run that retrains the
statistical model on home-visit outcomes.

    .venv/bin/python benchmarks/district.py --households 130000

Prepares (not timed) a synthetic district in a fresh data folder (``--dir``, default a
temporary one): `doudi migrate`, `doudi synth`, `doudi ingest` of every feed (the register is
built from the ingested 公安 户籍 feed). With ``--reuse`` and a ``--dir`` that was prepared
before for the same households and seed, preparing is skipped: the data folder is restored from
the snapshot taken right after preparing (``DIR/prepared``), so every sitting times the same
jobs on the same data. Then each timed job runs as its own `doudi` process, so its peak memory
and CPU time are its own (``ru_maxrss``, ``ru_utime + ru_stime`` of that child, from
``wait4``):

1. ``link``: `doudi link` (training included, the first run);
2. ``monitor``: `doudi monitor --as-of …` (read, score, load warnings, report);
3. ``retrain``: ``--visits`` home-visit outcomes are imported (the generator's truth of the
   first households by a fixed hash; not timed), then `doudi monitor` again — the labels
   changed and reach the policy's ``model.min_outcomes``, so the run retrains the statistical
   model first, then scores.

Prints one line per job (``job  wall_s  cpu_s  peak_MiB``; for the monitoring runs also the
engine's own seconds and the run's other stages, from the run's report) and, with ``--json``, a
JSON object. Wall time depends on the machine and its load (CPU time much less); compare
figures from the same sitting only — or scale them by the machine reference printed last (two
fixed one-thread workloads, :func:`machine_reference`, timed before the jobs).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AS_OF = "2026-11-01"
DOUDI = str(Path(sys.executable).parent / "doudi")
# the last monitoring run's report: whether it retrained, and its stage timings (seconds)
LAST_RUN = (
    "import json; from doudi.monitoring.models import MonitoringRun; "
    "run = MonitoringRun.objects.order_by('-pk').first(); "
    "print(json.dumps({'retrained': bool(run.counts.get('model', {}).get('retrained')), "
    "'timings': run.timings}))"
)
PREPARED = "prepared.json"  # in --dir: what was prepared there (households, seed)


def _env(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOUDI_", "DJANGO_"))}
    env.update(DOUDI_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="doudi.settings.local")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run(args: list[str], var: Path, *, check: bool = True) -> dict[str, object]:
    """Run ``doudi ARGS`` as a child; its wall time (s), CPU time (user + system, s), peak
    resident memory (MiB) and output. The child is reaped with ``wait4``, which gives its own
    resource usage."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t = time.perf_counter()
        proc = subprocess.Popen([DOUDI, *args], env=_env(var), stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if code != 0 and check:
        raise SystemExit(f"doudi {' '.join(args)} failed ({code}):\n{stderr[-2000:]}")
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_mib": round(usage.ru_maxrss / 1024, 1),
        "out": stdout,
        "err": stderr,
        "code": code,
    }


def prepare(var: Path, households: int, seed: int) -> Path:
    district = var / "district"
    run(["migrate", "--verbosity", "0"], var)
    run(
        ["synth", "--out", str(district), "--households", str(households), "--seed", str(seed)], var
    )
    # a small district may deliver a file intake refuses (e.g. an empty snapshot): the rest
    # is ingested all the same, and the refusal is shown
    ingest = run(["ingest", str(district / "feeds")], var, check=False)
    if ingest["code"] != 0:
        print(str(ingest["err"]).strip().splitlines()[-1], file=sys.stderr)
    return district


def prepared(root: Path, households: int, seed: int, *, reuse: bool) -> tuple[Path, Path, bool]:
    """The data folder to time the jobs in (``root/var``) and its district. Prepared afresh
    and snapshotted into ``root/prepared``, unless ``reuse`` and that snapshot is of the same
    district: then the data folder is restored from it. Paths stored in the database stay
    valid because the data folder is always ``root/var``."""
    var, snapshot = root / "var", root / "prepared"
    wanted = {"households": households, "seed": seed}
    marker = snapshot / PREPARED
    if reuse and marker.is_file() and json.loads(marker.read_text()) == wanted:
        shutil.rmtree(var, ignore_errors=True)
        shutil.copytree(snapshot, var, symlinks=True)
        (var / PREPARED).unlink()
        return var, var / "district", True
    shutil.rmtree(var, ignore_errors=True)
    shutil.rmtree(snapshot, ignore_errors=True)
    var.mkdir(parents=True)
    district = prepare(var, households, seed)
    if reuse:
        shutil.copytree(var, snapshot, symlinks=True)
        marker.write_text(json.dumps(wanted))
    return var, district, False


def outcomes_csv(district: Path, visits: int, out: Path) -> int:
    """``visits`` households' outcomes from the generator's truth, chosen by a fixed hash."""
    with (district / "truth" / "households.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rows.sort(key=lambda r: hashlib.sha256(r["hukou_no"].encode()).hexdigest())
    chosen = rows[:visits]
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["hukou_no", "visited_on", "hardship_confirmed"])
        for r in chosen:
            writer.writerow(
                [
                    r["hukou_no"],
                    AS_OF,
                    "true" if r["hardship"] == "1" else "false",
                ]
            )
    return len(chosen)


def last_run(var: Path) -> dict[str, object]:
    """The last monitoring run's report (not timed): retrained or not, stage timings."""
    check = run(["shell", "-v", "0", "-c", LAST_RUN], var)
    return json.loads(str(check["out"]).strip().splitlines()[-1])


def machine_reference() -> dict[str, float]:
    """Seconds of two fixed single-threaded workloads — a pure-Python loop and a DuckDB
    aggregate — so that figures from different machines or sittings can be set side by side
    (a machine twice as slow here is about twice as slow on every job)."""
    import duckdb

    t = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    python_s = time.perf_counter() - t
    con = duckdb.connect()
    con.execute("SET threads = 1")
    t = time.perf_counter()
    con.execute("SELECT sum(i * 2 % 7) FROM range(100000000) AS r(i)").fetchall()
    duckdb_s = time.perf_counter() - t
    con.close()
    return {"python_s": round(python_s, 3), "duckdb_s": round(duckdb_s, 3)}


def benchmark(
    root: Path, households: int, seed: int, visits: int, *, reuse: bool = False
) -> dict[str, object]:
    t = time.perf_counter()
    var, district, reused = prepared(root, households, seed, reuse=reuse)
    if reused:  # the snapshot may predate a migration of the code being timed (not timed)
        run(["migrate", "--verbosity", "0"], var)
    report: dict[str, object] = {
        "households": households,
        "prepare_s": round(time.perf_counter() - t, 1),
        "reused": reused,
        "load": [round(x, 2) for x in os.getloadavg()],
        "machine": machine_reference(),
    }
    report["link"] = run(["link"], var)
    report["monitor"] = run(["monitor", "--as-of", AS_OF], var)
    report["monitor"]["timings"] = last_run(var)["timings"]
    visits_file = var / "visits.csv"
    report["visits"] = outcomes_csv(district, visits, visits_file)
    run(["monitor", "outcomes-import", str(visits_file)], var)
    report["retrain"] = run(["monitor", "--as-of", AS_OF], var)
    # whether that run did retrain (its report, run.counts["model"]); not timed
    after = last_run(var)
    report["retrain"]["timings"] = after["timings"]
    report["retrained"] = after["retrained"]
    report["load_after"] = [round(x, 2) for x in os.getloadavg()]
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=130_000)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--dir", type=Path, help="working folder (default: a temporary one)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the prepared district in --dir and reuse it on the next run (same "
        "--households and --seed): preparing is skipped",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if args.reuse and not args.dir:
        parser.error("--reuse needs --dir (a folder kept between runs)")
    with tempfile.TemporaryDirectory(prefix="doudi-bench-") as tmp:
        root = args.dir or Path(tmp)
        report = benchmark(root, args.households, args.seed, args.visits, reuse=args.reuse)
    for job in ("link", "monitor", "retrain"):
        figures = report[job]
        assert isinstance(figures, dict)
        for key in ("out", "err", "code"):
            figures.pop(key, None)
        line = (
            f"{job:<8} {figures['wall_s']:>8.2f} s {figures['cpu_s']:>8.2f} cpu_s"
            f" {figures['peak_mib']:>9.1f} MiB"
        )
        timings = figures.get("timings") or {}
        shown = {k: v for k, v in timings.items() if k == "engine" or k.startswith("run.")}
        if shown:
            line += "  " + " ".join(f"{k}={v:.2f}" for k, v in shown.items())
        print(line)
    print(f"retrained on {report['visits']} visit outcomes: {report['retrained']}")
    print(f"load average before {report['load']} after {report['load_after']}")
    machine = report["machine"]
    assert isinstance(machine, dict)
    print(
        f"machine reference (one thread): python loop {machine['python_s']:.2f} s, "
        f"duckdb aggregate {machine['duckdb_s']:.2f} s"
    )
    if args.json:
        print(json.dumps(report, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
