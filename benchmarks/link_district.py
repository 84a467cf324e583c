"""Link a whole synthetic district on DuckDB and score it against the generator's truth.

    .venv/bin/python benchmarks/link_district.py --households 130000

Generates the district (`doudi.synth.generate`) into a temporary directory, ingests every feed
into a lake, then — in a fresh child process, so that its peak memory is the linkage's alone —
runs :func:`doudi.engine.linkage.district.link_district` (training included) and prints:
records, profiles, persons, link time, peak RSS (ru_maxrss of the child), and against
``truth/records.csv``: pairwise precision / recall / F1 (pairs of records placed in one
person vs pairs of one true person) and the share of predicted persons that merge two or more
true people.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def prepare_district(out: Path, households: int, seed: int) -> dict:
    from doudi.engine.catalogue import load_catalogue
    from doudi.engine.intake.pipeline import ingest_file
    from doudi.engine.lake import Lake
    from doudi.synth import generate

    t = time.perf_counter()
    generate(out, households=households, seed=seed)
    gen = time.perf_counter() - t
    t = time.perf_counter()
    lake, catalogue = Lake(out / "lake"), load_catalogue()
    for path in sorted((out / "feeds").rglob("*")):
        if path.is_file():
            ingest_file(path, lake=lake, catalogue=catalogue)
    return {"generate_s": round(gen, 1), "ingest_s": round(time.perf_counter() - t, 1)}


def link_and_score(out: Path, threads: int, memory_limit: str | None) -> dict:
    import pandas as pd

    from doudi.engine.catalogue import load_catalogue
    from doudi.engine.lake import Lake
    from doudi.engine.linkage.district import link_district, pair_scores

    trace: list[tuple[float, int]] = []
    stop = threading.Event()

    def sample_rss() -> None:  # resident set size twice a second, to see which step peaks
        page = os.sysconf("SC_PAGE_SIZE")
        while not stop.wait(0.5):
            with open("/proc/self/statm") as f:
                trace.append((time.perf_counter() - t, int(f.read().split()[1]) * page))

    t = time.perf_counter()
    sampler = threading.Thread(target=sample_rss, daemon=True)
    sampler.start()
    result = link_district(
        Lake(out / "lake"), load_catalogue(), threads=threads, memory_limit=memory_limit
    )
    link_s = time.perf_counter() - t
    stop.set()
    sampler.join()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    truth = pd.read_csv(out / "truth" / "records.csv", dtype=str)
    truth["unique_id"] = truth["feed"] + ":" + truth["record_key"]
    scored = result.persons.merge(truth[["unique_id", "person_id"]], on="unique_id", how="inner")
    s = pair_scores(scored["person_key"], scored["person_id"])
    return {
        "records": result.records,
        "profiles": result.profiles,
        "persons": int(result.persons["person_key"].nunique()),
        "records_with_truth": len(scored),
        "link_s": round(link_s, 1),
        "peak_rss_mib": round(peak / 1024),
        "timings": result.timings,
        "rss_mib_by_step": _rss_by_step(trace, result.timings),
        "review_pairs": len(result.review),
        **{k: (round(v, 5) if isinstance(v, float) else v) for k, v in s.items()},
    }


def _rss_by_step(trace: list[tuple[float, int]], timings: dict[str, float]) -> dict[str, int]:
    """Peak RSS (MiB) sampled during each top-level step of ``timings`` (in order)."""
    out, start = {}, 0.0
    for name, seconds in timings.items():
        if name == "total" or name.startswith("link.total"):
            continue
        end = start + seconds
        inside = [rss for at, rss in trace if start <= at < end]
        if inside:
            out[name] = round(max(inside) / 2**20)
        start = end
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--households", type=int, default=130_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument(
        "--memory-limit",
        default="1.5GB",
        help="DuckDB memory limit per connection (link_district's memory_limit)",
    )
    ap.add_argument("--dir", type=Path, help="keep the district here (default: a temp dir)")
    ap.add_argument("--link-only", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.link_only:
        print(json.dumps(link_and_score(args.link_only, args.threads, args.memory_limit)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        out = args.dir or Path(tmp) / "district"
        staged = prepare_district(out, args.households, args.seed)
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--link-only",
                str(out),
                "--threads",
                str(args.threads),
                "--memory-limit",
                args.memory_limit,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        res = json.loads(child.stdout.strip().splitlines()[-1])
    res = {"households": args.households, "seed": args.seed, **staged, **res}
    for k, v in res.items():
        print(f"{k:>22}: {v}")
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
