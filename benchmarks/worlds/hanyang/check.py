"""Run a generated hanyang world through the product, as a bureau would, and score it.

    python -m benchmarks.worlds.hanyang.check --world DIR --work WORKDIR [--as-of DATE]
        [--doudi .venv/bin/doudi] [--no-community-fix]

Steps (each a ``doudi`` command, DOUDI_VAR_DIR=WORKDIR/var, SQLite): migrate; ingest DIR
--json; the household register (today still ``doudi load_register`` — issue 14 removes it);
link; monitor; export persons and warnings; then ``score.py``. Prints one JSON report and
writes it to WORKDIR/report.json with the time each step took.

The register: ``load_register`` knows only the communities of the shipped reference table, and
this world has its own community codes (and communities under the scenic-area unit 420106490,
which the reference loader skips). The first load counts what it refuses; then, unless
``--no-community-fix``, this world's communities are added to the jurisdiction tree (as an
administrator would) and the register is loaded again. Both counts are reported.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from . import score

_ADD_COMMUNITIES = """
import csv
from doudi.registry.actions import jurisdictions_load
from doudi.registry.models import Jurisdiction
jurisdictions_load()
district = Jurisdiction.objects.get(code="420106")
streets = {j.code: j for j in Jurisdiction.objects.filter(level=Jurisdiction.Level.STREET)}
rows = list(csv.DictReader(open(%(path)r, encoding="utf-8")))
made = 0
for row in rows:
    s = row["street"]
    if s not in streets:
        streets[s], _ = Jurisdiction.objects.get_or_create(
            code=s, defaults={"name": row["street_name"], "level": Jurisdiction.Level.STREET,
                              "parent": district})
    _, new = Jurisdiction.objects.get_or_create(
        code=row["code"], defaults={"name": row["name"], "level": Jurisdiction.Level.COMMUNITY,
                                    "parent": streets[s]})
    made += new
print("communities added", made)
"""


def _run(cmd, env, log, timings, name, check=True):
    started = time.monotonic()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    timings[name] = round(time.monotonic() - started, 1)
    log.write(f"$ {' '.join(map(str, cmd))}\n{proc.stdout[-20000:]}\n{proc.stderr[-5000:]}\n")
    log.flush()
    if check and proc.returncode != 0:
        raise SystemExit(f"{name} failed (exit {proc.returncode}): {proc.stderr.strip()[-500:]}")
    return proc


def _communities(world: Path, work: Path) -> Path:
    """This world's communities, read from its register file."""
    seen = {}
    with open(world / "gongan_hukou.csv", encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            code = row["社区代码"]
            if code not in seen:
                seen[code] = (row["社区名称"], row["街道名称"])
    path = work / "communities.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "name", "street", "street_name"])
        for code, (name, street_name) in sorted(seen.items()):
            w.writerow([code, name, code[:9], street_name])
    return path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--world", required=True, type=Path)
    ap.add_argument("--work", required=True, type=Path)
    ap.add_argument("--doudi", default=str(Path(sys.executable).with_name("doudi")))
    ap.add_argument("--as-of", dest="as_of", default=None)
    ap.add_argument("--no-community-fix", action="store_true")
    args = ap.parse_args(argv)
    world, work = args.world.resolve(), args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, DOUDI_VAR_DIR=str(work / "var"))
    env.pop("DATABASE_URL", None)
    d = args.doudi
    timings: dict[str, float] = {}
    report: dict = {"world": str(world), "work": str(work)}
    with open(work / "check.log", "w", encoding="utf-8") as log:
        _run([d, "migrate", "--no-input"], env, log, timings, "migrate")
        p = _run([d, "ingest", str(world), "--json"], env, log, timings, "ingest", check=False)
        ingest = json.loads(p.stdout[p.stdout.index("[") :])
        (work / "ingest.json").write_text(json.dumps(ingest, ensure_ascii=False, indent=1))
        report["ingest_exit"] = p.returncode
        reg = world / "gongan_hukou.csv"
        p = _run([d, "load_register", str(reg)], env, log, timings, "load_register")
        report["load_register_first"] = p.stdout.strip().splitlines()[0]
        if not args.no_community_fix:
            path = _communities(world, work)
            code = _ADD_COMMUNITIES % {"path": str(path)}
            p = _run([d, "shell", "-c", code], env, log, timings, "add_communities")
            report["communities_added"] = p.stdout.strip()
            p = _run([d, "load_register", str(reg)], env, log, timings, "load_register_again")
            report["load_register_second"] = p.stdout.strip().splitlines()[0]
        p = _run([d, "link"], env, log, timings, "link")
        report["link_run"] = p.stdout.strip()
        monitor = [d, "monitor"] + (["--as-of", args.as_of] if args.as_of else [])
        p = _run(monitor, env, log, timings, "monitor", check=False)
        if p.returncode != 0 and args.as_of:
            report["monitor_as_of_failed"] = p.stderr.strip()[-300:]
            p = _run([d, "monitor"], env, log, timings, "monitor")
        report["monitor"] = p.stdout.strip()
        _run(
            [d, "export", "persons", "--out", str(work / "persons.csv")],
            env,
            log,
            timings,
            "export_persons",
        )
        _run(
            [d, "export", "warnings", "--out", str(work / "warnings.csv")],
            env,
            log,
            timings,
            "export_warnings",
        )
    m = re.search(r"(\d+) rejected", report["load_register_first"])
    report["register_rejected_without_fix"] = int(m.group(1)) if m else None
    report["timings_s"] = timings
    score.main(
        [
            "--world",
            str(world),
            "--persons",
            str(work / "persons.csv"),
            "--warnings",
            str(work / "warnings.csv"),
            "--ingest",
            str(work / "ingest.json"),
            "--out",
            str(work / "scores.json"),
        ]
    )
    report["scores"] = json.loads((work / "scores.json").read_text(encoding="utf-8"))
    (work / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(
        json.dumps({k: v for k, v in report.items() if k != "scores"}, ensure_ascii=False, indent=2)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
