"""The district jobs end to end, as an operator runs them: wall time and peak memory of
`doudi link` (model training included), `doudi monitor` and a monitoring run that retrains the
statistical model on home-visit outcomes.

    .venv/bin/python benchmarks/district.py --households 130000

Prepares (not timed) a synthetic district in a fresh data folder (``--dir``, default a
temporary one): `doudi migrate`, `doudi synth`, `doudi load_register` (the 户籍 extract),
`doudi ingest` of every feed. Then each timed job runs as its own `doudi` process, so its peak
memory is its own (``ru_maxrss`` of that child, from ``wait4``):

1. ``link``: `doudi link` (training included, the first run);
2. ``monitor``: `doudi monitor --as-of …` (read, score, load warnings, report);
3. ``retrain``: ``--visits`` home-visit outcomes are imported (the generator's truth of the
   first households by a fixed hash; not timed), then `doudi monitor` again — the labels
   changed and reach the policy's ``model.min_outcomes``, so the run retrains the statistical
   model first, then scores.

Prints one line per job (``job  wall_s  peak_MiB``) and, with ``--json``, a JSON object.
Timings depend on the machine and its load; compare figures from the same run only.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AS_OF = "2026-11-01"
DOUDI = str(Path(sys.executable).parent / "doudi")
RETRAINED = (
    "import json; from doudi.monitoring.models import MonitoringRun; "
    "run = MonitoringRun.objects.order_by('-pk').first(); "
    "print(json.dumps(bool(run.counts.get('model', {}).get('retrained'))))"
)


def _env(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOUDI_", "DJANGO_"))}
    env.update(DOUDI_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="doudi.settings.local")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run(args: list[str], var: Path, *, check: bool = True) -> dict[str, object]:
    """Run ``doudi ARGS`` as a child; its wall time (s), peak resident memory (MiB) and
    output. The child is reaped with ``wait4``, which gives its own resource usage."""
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
    register = sorted(
        p for p in (district / "feeds").rglob("*") if "gongan_hukou" in p.parts and p.is_file()
    )
    if not register:
        raise SystemExit("the synthetic district has no 户籍 extract")
    run(["load_register", str(register[0])], var)
    # a small district may deliver a file intake refuses (e.g. an empty snapshot): the rest
    # is ingested all the same, and the refusal is shown
    ingest = run(["ingest", str(district / "feeds")], var, check=False)
    if ingest["code"] != 0:
        print(str(ingest["err"]).strip().splitlines()[-1], file=sys.stderr)
    return district


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


def benchmark(var: Path, households: int, seed: int, visits: int) -> dict[str, object]:
    t = time.perf_counter()
    district = prepare(var, households, seed)
    report: dict[str, object] = {
        "households": households,
        "prepare_s": round(time.perf_counter() - t, 1),
    }
    report["link"] = run(["link"], var)
    report["monitor"] = run(["monitor", "--as-of", AS_OF], var)
    visits_file = var / "visits.csv"
    report["visits"] = outcomes_csv(district, visits, visits_file)
    run(["monitor", "outcomes-import", str(visits_file)], var)
    report["retrain"] = run(["monitor", "--as-of", AS_OF], var)
    # whether that run did retrain (its report, run.counts["model"]); not timed
    check = run(["shell", "-v", "0", "-c", RETRAINED], var)
    report["retrained"] = json.loads(str(check["out"]).strip().splitlines()[-1])
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=130_000)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--dir", type=Path, help="data folder (default: a temporary one)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="doudi-bench-") as tmp:
        var = args.dir or Path(tmp)
        report = benchmark(var, args.households, args.seed, args.visits)
    for job in ("link", "monitor", "retrain"):
        figures = report[job]
        assert isinstance(figures, dict)
        for key in ("out", "err", "code"):
            figures.pop(key, None)
        print(f"{job:<8} {figures['wall_s']:>8.2f} s {figures['peak_mib']:>9.1f} MiB")
    print(f"retrained on {report['visits']} visit outcomes: {report['retrained']}")
    if args.json:
        print(json.dumps(report, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
