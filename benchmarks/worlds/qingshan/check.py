"""Run a generated qingshan district through doudi's command line and measure the result.

    python -m benchmarks.worlds.qingshan.check --data DIR --var VARDIR [--as-of YYYY-MM-DD]

Steps, each a ``doudi`` command with DOUDI_VAR_DIR=VARDIR (a fresh folder):
  migrate → ingest DIR → (today's extra steps, see below) → link → monitor --as-of →
  export persons / export warnings → link F1 and warnings precision/recall against DIR/truth.

Extra steps doudi needs today (issue 14 removes them):
  * ``doudi load_register`` builds the register from a CSV with fixed headers; the ingested
    公安 feed does not. The harness writes that CSV from the delivered gongan_hukou.csv, with one
    row per ID number (duplicate ID rows crash load_register today).
  * load_register refuses communities missing from doudi's reference table, and qingshan's
    community codes are its own (street code + 101…, and three under the scenic-area unit
    420106490 that the reference table leaves out). The harness adds the register's
    communities as jurisdictions first (``doudi shell``), as a bureau would have to. Without
    this step no household of qingshan is in the register and no warning can be made.
Everything is written to VARDIR/check/: the command outputs, register.csv, persons.csv,
warnings.csv and report.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from . import DEFAULT_AS_OF
from .evaluate import evaluate, report
from .ids import check_char
from .linkf1 import pairwise

REGISTER_HEADERS = {
    "户号": "户号",
    "姓名": "姓名",
    "公民身份号码": "公民身份号码",
    "性别": "性别",
    "出生日期": "出生日期",
    "与户主关系": "与户主关系",
    "住址": "住址",
    "社区代码": "社区代码",
    "联系电话": "联系电话",
}

COMMUNITIES = """
import json
from doudi.registry.actions import jurisdictions_load
from doudi.registry.models import Jurisdiction
jurisdictions_load()
district = Jurisdiction.objects.get(code="420106")
added = 0
for street_code, street_name, code, name in json.load(open({path!r}, encoding="utf-8")):
    street, _ = Jurisdiction.objects.get_or_create(
        code=street_code,
        defaults={{"name": street_name, "level": Jurisdiction.Level.STREET, "parent": district}},
    )
    _, new = Jurisdiction.objects.update_or_create(
        code=code, defaults={{"name": name, "level": Jurisdiction.Level.COMMUNITY, "parent": street}}
    )
    added += new
print(f"communities added: {{added}}")
"""


def doudi(env, log: Path, *args: str) -> str:
    exe = Path(sys.executable).parent / "doudi"
    started = time.monotonic()
    p = subprocess.run([str(exe), *args], env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(f"$ doudi {' '.join(args)}   ({seconds:.1f} s, exit {p.returncode})\n")
        fh.write(p.stdout)
        fh.write(p.stderr[-4000:])
        fh.write("\n")
    if p.returncode != 0:
        raise SystemExit(f"doudi {args[0]} failed (exit {p.returncode}): see {log}")
    return p.stdout


def upgrade(number: str) -> str:
    n = "".join(number.split()).upper()
    if len(n) == 15 and n.isdigit():
        body = n[:6] + "19" + n[6:]
        return body + check_char(body)
    return n


def register_files(data: Path, work: Path) -> tuple[Path, Path]:
    """The register CSV load_register reads, and the communities it needs."""
    src = data / "gongan_hukou.csv"
    df = pd.read_csv(src, dtype=str, keep_default_na=False, encoding="gbk")
    df["公民身份号码"] = [upgrade(x) for x in df["公民身份号码"]]
    df = df.drop_duplicates("公民身份号码", keep="first")
    reg = work / "register.csv"
    df[list(REGISTER_HEADERS)].rename(columns=REGISTER_HEADERS).to_csv(
        reg, index=False, encoding="utf-8"
    )
    comm = (
        df[["社区代码", "社区名称", "街道名称"]].drop_duplicates("社区代码").sort_values("社区代码")
    )
    rows = [[c[:9], s, c, n] for c, n, s in comm.itertuples(index=False, name=None)]
    cpath = work / "communities.json"
    cpath.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return reg, cpath


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True, type=Path)
    p.add_argument("--var", required=True, type=Path)
    p.add_argument("--as-of", default=None, help="default: the world's as-of date")
    p.add_argument("--levels", default="", help="warning levels, lowest first")
    p.add_argument(
        "--no-register-step",
        action="store_true",
        help="skip the two register steps (once ingesting the 公安 feed builds the register)",
    )
    a = p.parse_args(argv)
    summary = json.loads((a.data / "truth" / "summary.json").read_text(encoding="utf-8"))
    as_of = a.as_of or summary.get("as_of") or DEFAULT_AS_OF.isoformat()
    a.var.mkdir(parents=True, exist_ok=True)
    work = a.var / "check"
    work.mkdir(exist_ok=True)
    log = work / "commands.log"
    log.write_text("", encoding="utf-8")
    env = dict(os.environ, DOUDI_VAR_DIR=str(a.var.resolve()))
    times = {}

    def step(name, *args):
        t = time.monotonic()
        out = doudi(env, log, *args)
        times[name] = round(time.monotonic() - t, 1)
        return out

    step("migrate", "migrate", "--verbosity", "0")
    ingest = json.loads(step("ingest", "ingest", str(a.data), "--json"))
    reg_out = "(no register step)"
    if not a.no_register_step:
        reg, comm = register_files(a.data, work)
        step("communities", "shell", "-c", COMMUNITIES.format(path=str(comm)))
        reg_out = step("load_register", "load_register", str(reg))
    step("link", "link")
    mon = step("monitor", "monitor", "--as-of", as_of)
    step("export_persons", "export", "persons", "--out", str(work / "persons.csv"))
    step("export_warnings", "export", "warnings", "--out", str(work / "warnings.csv"))

    per_feed: dict[str, dict] = {}
    for r in ingest:
        f = per_feed.setdefault(
            r["feed"] or "?",
            {"files": 0, "rows": 0, "accepted": 0, "quarantined": 0, "duplicates": 0},
        )
        f["files"] += 1
        for k in ("rows_read", "accepted", "quarantined", "duplicates"):
            f["rows" if k == "rows_read" else k] += r[k] or 0
    for f in per_feed.values():
        f["quarantine_rate"] = round(f["quarantined"] / f["rows"], 4) if f["rows"] else 0.0
    exported = pd.read_csv(work / "persons.csv", dtype=str, keep_default_na=False)
    records = pd.read_csv(a.data / "truth" / "records.csv", dtype=str, keep_default_na=False)
    link = pairwise(exported, records)
    warnings = pd.read_csv(work / "warnings.csv", dtype={"hukou_no": str}, keep_default_na=False)
    truth = pd.read_csv(
        a.data / "truth" / "households.csv",
        dtype={"hukou_no": str, "street_code": str},
        keep_default_na=False,
    )
    levels = [x for x in a.levels.split(",") if x] or None
    ev = evaluate(warnings, truth, levels)
    result = {
        "data": str(a.data),
        "as_of": as_of,
        "seconds": times,
        "ingest": per_feed,
        "failed_files": [r["file"] for r in ingest if r["status"] == "failed"],
        "register": reg_out.strip(),
        "monitor": mon.strip(),
        "link": link,
        "warnings": ev,
    }
    (work / "report.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    print(f"seconds: {times}")
    rows = sum(f["rows"] for f in per_feed.values())
    q = sum(f["quarantined"] for f in per_feed.values())
    print(f"ingest: {rows} rows, {q} quarantined ({q / rows:.2%})")
    for feed, f in sorted(per_feed.items()):
        print(
            f"  {feed:<24} files {f['files']}  rows {f['rows']:>8}  quarantined {f['quarantined']:>6} ({f['quarantine_rate']:.2%})  duplicates {f['duplicates']}"
        )
    print(f"register: {result['register']}")
    print(f"monitor: {result['monitor']}")
    print(
        f"link: precision {link['precision']} recall {link['recall']} F1 {link['f1']} (coverage {link['coverage']})"
    )
    print(report(ev))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
