"""Score doudi's output on a hanyang world against its truth.

    python -m benchmarks.worlds.hanyang.score --world DIR [--persons persons.csv]
        [--warnings warnings.csv] [--ingest ingest.json]

- link: pairwise precision / recall / F1 of ``doudi export persons`` (feed,record_key,
  person_key) against truth/records.csv (feed,record_key,person_id), over the records both
  hold; records the export lacks (quarantined) are counted apart.
- warnings: precision and recall of ``doudi export warnings`` (hukou_no,score,level,reasons)
  against truth/households.csv, for all levels and for each level and above, with recall by
  segment (household type, street, shock, quiet, cause).
- ingest: rows read / accepted / quarantined per feed from ``doudi ingest --json``, beside the
  quarantine this world's noise intends (truth/noise.csv).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

# lowest first; the export may use the codes or the Chinese names
LEVEL_ORDER = ("watch", "关注", "warning", "预警", "urgent", "紧急")


def _pairs(counts: np.ndarray) -> int:
    c = counts.astype(np.int64)
    return int((c * (c - 1) // 2).sum())


def link_f1(records: pd.DataFrame, persons: pd.DataFrame) -> dict:
    truth = records.astype(str)
    pred = persons.astype(str)
    both = truth.merge(pred, on=["feed", "record_key"], how="inner")
    missing = len(truth) - len(both)
    tp = _pairs(both.groupby(["person_id", "person_key"]).size().to_numpy())
    true_pairs = _pairs(both.groupby("person_id").size().to_numpy())
    pred_pairs = _pairs(both.groupby("person_key").size().to_numpy())
    p = tp / pred_pairs if pred_pairs else 1.0
    r = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "records_truth": len(truth),
        "records_scored": len(both),
        "records_not_exported": missing,
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f1, 4),
        "persons_truth": int(both["person_id"].nunique()),
        "persons_pred": int(both["person_key"].nunique()),
    }


def _pr(warned: pd.Series, hard: pd.Series) -> dict:
    tp = int((warned & hard).sum())
    n_w, n_h = int(warned.sum()), int(hard.sum())
    return {
        "warned": n_w,
        "true_positive": tp,
        "precision": round(tp / n_w, 4) if n_w else None,
        "recall": round(tp / n_h, 4) if n_h else None,
    }


def warnings_pr(households: pd.DataFrame, warnings: pd.DataFrame) -> dict:
    hh = households.copy()
    hh["hukou_no"] = hh["hukou_no"].astype(str)
    w = warnings.copy()
    w["hukou_no"] = w["hukou_no"].astype(str)
    levels = list(LEVEL_ORDER) + sorted(set(w["level"].astype(str)) - set(LEVEL_ORDER))
    rank = {lv: i for i, lv in enumerate(levels)}
    w["rank"] = w["level"].astype(str).map(rank)
    hh = hh.merge(w[["hukou_no", "level", "rank"]], on="hukou_no", how="left")
    hard = hh["hardship"].astype(int) == 1
    warned = hh["rank"].notna()
    out = {
        "households": len(hh),
        "hardship": int(hard.sum()),
        "warnings_exported": len(w),
        "warnings_not_in_truth": int((~w["hukou_no"].isin(hh["hukou_no"])).sum()),
        "all_levels": _pr(warned, hard),
        "by_level_and_above": {},
        "by_level": {},
    }
    for lv in levels:
        r = rank[lv]
        if (w["rank"] == r).any():
            out["by_level_and_above"][lv] = _pr(hh["rank"] >= r, hard)
            out["by_level"][lv] = _pr(hh["rank"] == r, hard)
    seg = {}
    for col in ("household_type", "street_code", "shock", "quiet", "programme", "band"):
        if col not in hh:
            continue
        seg[col] = {}
        for val, part in hh[hard].groupby(hh.loc[hard, col].astype(str)):
            seg[col][val] = {"hardship": len(part), "recall": round(part["rank"].notna().mean(), 4)}
    causes = hh.loc[hard, ["causes", "rank"]].assign(cause=lambda d: d["causes"].str.split(";"))
    causes = causes.explode("cause")
    seg["cause"] = {
        c: {"hardship": len(p), "recall": round(p["rank"].notna().mean(), 4)}
        for c, p in causes.groupby("cause")
    }
    out["recall_by_segment"] = seg
    return out


def ingest_summary(world: Path, report: list[dict]) -> dict:
    noise_path = world / "truth" / "noise.csv"
    noise = pd.read_csv(noise_path, dtype=str) if noise_path.exists() else pd.DataFrame()
    intended = {}
    if len(noise):
        noise["expect_quarantine"] = noise["expect_quarantine"].astype(int)
        intended = noise.groupby("feed")["expect_quarantine"].sum().to_dict()
        noisy = noise.groupby("feed").size().to_dict()
    else:
        noisy = {}
    feeds: dict[str, dict] = {}
    for r in report:
        f = feeds.setdefault(
            r.get("feed") or "?",
            {"files": 0, "rows_read": 0, "accepted": 0, "quarantined": 0, "duplicates": 0},
        )
        f["files"] += 1
        for k in ("rows_read", "accepted", "quarantined", "duplicates"):
            f[k] += int(r.get(k) or 0)
        if r.get("error"):
            f.setdefault("errors", []).append(f"{Path(r['file']).name}: {r['error']}")
    total = {"rows_read": 0, "quarantined": 0, "intended_quarantine": 0, "noisy_rows": 0}
    for feed, f in feeds.items():
        f["intended_quarantine"] = int(intended.get(feed, 0))
        f["noisy_rows"] = int(noisy.get(feed, 0))
        f["quarantine_rate"] = round(f["quarantined"] / f["rows_read"], 4) if f["rows_read"] else 0
        for k in total:
            total[k] += f[k]
    total["quarantine_rate"] = round(total["quarantined"] / max(total["rows_read"], 1), 4)
    total["noisy_row_rate"] = round(total["noisy_rows"] / max(total["rows_read"], 1), 4)
    return {"feeds": feeds, "total": total}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--world", required=True, type=Path)
    ap.add_argument("--persons", type=Path)
    ap.add_argument("--warnings", type=Path)
    ap.add_argument("--ingest", type=Path, help="the JSON printed by doudi ingest --json")
    ap.add_argument("--out", type=Path, help="write the scores here as JSON")
    args = ap.parse_args(argv)
    result = {}
    if args.ingest:
        result["ingest"] = ingest_summary(args.world, json.loads(args.ingest.read_text()))
    if args.persons:
        records = pd.read_csv(args.world / "truth" / "records.csv", dtype=str)
        persons = pd.read_csv(args.persons, dtype=str)
        result["link"] = link_f1(records, persons)
    if args.warnings:
        households = pd.read_csv(
            args.world / "truth" / "households.csv", dtype={"hukou_no": str}, keep_default_na=False
        )
        warnings = pd.read_csv(args.warnings, dtype={"hukou_no": str})
        result["warnings"] = warnings_pr(households, warnings)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
