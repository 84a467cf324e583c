"""Incremental matching on a whole district: index build time and per-record latency.

    .venv/bin/python benchmarks/match_one.py --dir /tmp/d130/district [--records 200]

``--dir`` is a prepared district (``lake/`` ingested, as ``benchmarks/link_district.py --dir``
leaves it). The batch run it needs is cached in ``<dir>/batch/`` (``persons.parquet`` and
``model.json``); without the cache, :func:`~doudi.engine.linkage.district.link_district` runs
once and writes it.

Two sets of records are matched, ``--records`` of each:

- **held out** — records that are a profile of their own (no identical record in the lake),
  half with a valid ID and half without, are left out of the persons table the index is
  built from, so they are new to the index; the batch run, which saw them, says who they are
  (their batch person, or a new person when the batch person has no other record).
- **perturbed** — other records without their ID and phone, the name changed to a homophone
  where one of a few common characters allows it: the model has to find them.

Prints the index build time (and its steps), peak RSS, the first match (cold) and the median,
p95 and max latency over all matches, and each set's agreement with the batch run.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

HOMOPHONES = {
    "王": "汪",
    "张": "章",
    "刘": "留",
    "陈": "晨",
    "杨": "阳",
    "黄": "皇",
    "周": "州",
    "明": "鸣",
    "华": "桦",
    "军": "君",
    "伟": "玮",
    "芳": "方",
    "英": "鹰",
    "丽": "莉",
    "强": "墙",
    "平": "萍",
    "文": "闻",
    "红": "虹",
    "建": "健",
    "国": "帼",
}
FIELDS = ["name", "birth_date", "sex", "phone", "address", "community"]


def batch_run(folder: Path) -> tuple[Path, dict, float]:
    """(persons Parquet, model JSON, threshold) of the district's batch run, cached."""
    from doudi.engine.catalogue import load_catalogue
    from doudi.engine.lake import Lake
    from doudi.engine.linkage.district import link_district

    cache = folder / "batch"
    persons, model = cache / "persons.parquet", cache / "model.json"
    if not (persons.exists() and model.exists()):
        t = time.perf_counter()
        run = link_district(Lake(folder / "lake"), load_catalogue())
        cache.mkdir(exist_ok=True)
        run.persons.to_parquet(persons, index=False)
        model.write_text(json.dumps({"model": run.model, "threshold": run.threshold}))
        print(f"batch link: {time.perf_counter() - t:.1f} s (cached in {cache})", flush=True)
    saved = json.loads(model.read_text())
    return persons, saved["model"], saved["threshold"]


def pick_records(folder: Path, persons: Path, n: int, seed: int):
    """(held-out records, perturbed records) with their batch person_key, chosen in DuckDB
    (the district's 2.7 M records never enter pandas)."""
    import pandas as pd

    from doudi.engine.catalogue import load_catalogue
    from doudi.engine.lake import Lake
    from doudi.engine.linkage.district import records_sql

    catalogue = load_catalogue()
    con = Lake(folder / "lake").connect(catalogue)
    try:
        con.execute("SET threads = 2")
        con.execute(
            f"CREATE TABLE r AS SELECT r.*, p.person_key FROM ({records_sql(con, catalogue)}) r "
            f"JOIN read_parquet('{persons}') p USING (unique_id)"
        ).fetchall()
        con.execute(
            "CREATE TABLE alone AS SELECT * FROM r QUALIFY count(*) OVER (PARTITION BY name, "
            "id_number, id_near, birth_date, sex, phone, address, community, person_key) = 1"
        ).fetchall()
        order = f"ORDER BY hash(unique_id || '{seed}')"
        cols = (
            "unique_id, coalesce(id_number, id_near) AS id_number, "
            + ", ".join(FIELDS)
            + ", person_key, id_number IS NOT NULL AS valid"
        )
        held = con.execute(
            f"(SELECT {cols} FROM alone WHERE id_number IS NOT NULL {order} LIMIT {n // 2}) "
            f"UNION ALL (SELECT {cols} FROM alone WHERE id_number IS NULL {order} "
            f"LIMIT {n - n // 2})"
        ).df()
        perturbed = con.execute(
            f"SELECT {cols} FROM r WHERE name IS NOT NULL AND birth_date IS NOT NULL "
            f"AND unique_id NOT IN (SELECT unique_id FROM held) {order} LIMIT {n}"
        ).df()
        others = con.execute(
            "SELECT DISTINCT person_key FROM r WHERE unique_id NOT IN (SELECT unique_id FROM held)"
        ).df()
    finally:
        con.close()
    remaining = set(others["person_key"].tolist())
    # object dtype: a None must not turn into NaN
    held["expected"] = pd.Series(
        [int(k) if k in remaining else None for k in held["person_key"]],
        index=held.index,
        dtype=object,
    )
    perturbed["expected"] = pd.Series(
        [int(k) for k in perturbed["person_key"]], index=perturbed.index, dtype=object
    )
    return held, perturbed


def homophone(name: str) -> str:
    for i, ch in enumerate(name):
        if ch in HOMOPHONES:
            return name[:i] + HOMOPHONES[ch] + name[i + 1 :]
    return name


def record(row, *, perturb: bool) -> dict:
    out = {f: (None if row[f] is None or row[f] != row[f] else row[f]) for f in FIELDS}
    out["id_number"] = None if perturb else row["id_number"]
    if perturb:
        out["phone"] = None
        out["name"] = homophone(out["name"])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, required=True, help="a prepared district directory")
    ap.add_argument("--records", type=int, default=200, help="records per set")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    import pandas as pd

    from doudi.engine.catalogue import load_catalogue
    from doudi.engine.lake import Lake
    from doudi.engine.linkage.incremental import PersonIndex

    persons_path, model, threshold = batch_run(args.dir)
    held, perturbed = pick_records(args.dir, persons_path, args.records, args.seed)
    persons = pd.read_parquet(persons_path, columns=["unique_id", "person_key"])
    persons = persons[~persons["unique_id"].isin(set(held["unique_id"]))].reset_index(drop=True)

    t = time.perf_counter()
    index = PersonIndex.build(
        Lake(args.dir / "lake"), load_catalogue(), persons=persons, model=model, threshold=threshold
    )
    build_s = time.perf_counter() - t
    del persons

    seconds, report = [], {}
    first = None
    for label, rows, perturb in (("held_out", held, False), ("perturbed", perturbed, True)):
        agree, by_basis = 0, {}
        for row in rows.to_dict("records"):
            t = time.perf_counter()
            m = index.match(record(row, perturb=perturb))
            elapsed = time.perf_counter() - t
            if first is None:
                first = elapsed
            seconds.append(elapsed)
            ok = m.person_key == row["expected"]
            agree += ok
            hits = by_basis.setdefault(m.basis, [0, 0])
            hits[0] += 1
            hits[1] += ok
        report[label] = {
            "records": len(rows),
            "agree_with_batch": agree,
            "batch_new_persons": int(rows["expected"].isna().sum()),
            "by_basis (matched, agree)": by_basis,
        }
        if perturb:
            report[label]["homophone_names"] = int(
                sum(homophone(n) != n for n in rows["name"] if isinstance(n, str))
            )
    index.close()
    ms = sorted(s * 1000 for s in seconds)
    res = {
        "profiles": index.stats.profiles,
        "persons": index.stats.persons,
        "records_indexed": index.stats.records,
        "index_build_s": round(build_s, 1),
        "index_build_steps_s": index.stats.timings,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "first_match_ms": round(first * 1000, 1),
        "matches": len(ms),
        "median_ms": round(statistics.median(ms), 1),
        "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1),
        "max_ms": round(ms[-1], 1),
        **report,
    }
    for k, v in res.items():
        print(f"{k:>22}: {v}")
    print(json.dumps(res, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
