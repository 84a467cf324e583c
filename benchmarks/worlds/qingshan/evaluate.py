"""Warnings against this world's truth.

    python -m benchmarks.worlds.qingshan.evaluate WARNINGS.csv DIR/truth/households.csv
        [--levels LOW,...,HIGH] [--from 预警]

WARNINGS.csv is ``doudi export warnings`` (hukou_no,score,level,reasons). Precision and recall
over all levels, from a given level up (levels ordered lowest first; by default the order is
read from the mean score of each level), per level, and recall by segment (household type,
street, shock, quiet, age of the head, programme).
"""

from __future__ import annotations

import argparse
import json

import pandas as pd

# the shipped policy names its levels in English
ALIASES = {"关注": "watch", "预警": "warning", "紧急": "urgent"}


def level_order(w: pd.DataFrame) -> list[str]:
    if w.empty:
        return []
    return list(w.groupby("level")["score"].mean().sort_values().index)


def pr(warned: pd.Series, hard: pd.Series) -> dict:
    tp = int((warned & hard).sum())
    nw = int(warned.sum())
    nh = int(hard.sum())
    return {
        "warned": nw,
        "true": tp,
        "precision": round(tp / nw, 4) if nw else None,
        "recall": round(tp / nh, 4) if nh else None,
    }


def evaluate(warnings: pd.DataFrame, truth: pd.DataFrame, levels=None, from_level="预警") -> dict:
    truth = truth.copy()
    truth["hukou_no"] = truth["hukou_no"].astype(str)
    warnings = warnings.copy()
    warnings["hukou_no"] = warnings["hukou_no"].astype(str)
    warnings["score"] = pd.to_numeric(warnings["score"], errors="coerce")
    levels = levels or level_order(warnings)
    rank = {lv: i for i, lv in enumerate(levels)}
    if from_level not in rank and ALIASES.get(from_level) in rank:
        from_level = ALIASES[from_level]
    df = truth.merge(warnings[["hukou_no", "level", "score"]], on="hukou_no", how="left")
    hard = df["hardship"].astype(int) == 1
    warned = df["level"].notna()
    out = {
        "households": len(df),
        "hardship": int(hard.sum()),
        "hardship_rate": round(float(hard.mean()), 4),
        "warnings": len(warnings),
        "warnings_not_in_truth": int((~warnings["hukou_no"].isin(truth["hukou_no"])).sum()),
        "levels": levels,
        "all_levels": pr(warned, hard),
    }
    if from_level in rank:
        top = df["level"].map(rank).fillna(-1) >= rank[from_level]
        out[f"{from_level}_and_above"] = pr(top, hard)
    out["per_level"] = {lv: pr(df["level"] == lv, hard) for lv in levels}
    seg = {}
    age = pd.cut(
        df["head_age"], [0, 40, 60, 75, 200], right=False, labels=["<40", "40-59", "60-74", "75+"]
    )
    for name, col in (
        ("household_type", df["household_type"]),
        ("street_code", df["street_code"].astype(str)),
        ("shock", df["shock"]),
        ("quiet", df["quiet"]),
        ("head_age", age),
        (
            "programme",
            df.get("programme", pd.Series("", index=df.index)).fillna("").replace("", "无"),
        ),
    ):
        seg[name] = {}
        for key, idx in df.groupby(col, observed=True).groups.items():
            h = hard.loc[idx]
            seg[name][str(key)] = {
                "hardship": int(h.sum()),
                "recall": round(float((warned.loc[idx] & h).sum() / h.sum()), 4)
                if h.sum()
                else None,
            }
    out["recall_by"] = seg
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("warnings")
    p.add_argument("truth")
    p.add_argument("--levels", default="", help="comma-separated, lowest first")
    p.add_argument("--from", dest="from_level", default="预警")
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    w = pd.read_csv(a.warnings, dtype={"hukou_no": str}, keep_default_na=False)
    t = pd.read_csv(a.truth, dtype={"hukou_no": str, "street_code": str}, keep_default_na=False)
    r = evaluate(w, t, [x for x in a.levels.split(",") if x] or None, a.from_level)
    if a.json:
        print(json.dumps(r, ensure_ascii=False, indent=1))
    else:
        print(report(r, a.from_level))
    return 0


def report(r: dict, from_level: str = "预警") -> str:
    lines = [
        f"households {r['households']}, in hardship {r['hardship']} ({r['hardship_rate']:.1%}); "
        f"warnings {r['warnings']} (not in truth: {r['warnings_not_in_truth']})",
        f"levels (low→high): {', '.join(r['levels'])}",
    ]

    def fmt(name, d):
        p = "-" if d["precision"] is None else f"{d['precision']:.3f}"
        rc = "-" if d["recall"] is None else f"{d['recall']:.3f}"
        return (
            f"  {name:<14} warned {d['warned']:>6}  true {d['true']:>6}  precision {p}  recall {rc}"
        )

    lines.append(fmt("all levels", r["all_levels"]))
    key = next((k for k in r if k.endswith("_and_above")), "")
    if key:
        from_level = key[: -len("_and_above")]
        lines.append(fmt(f"{from_level}+", r[key]))
    for lv, d in r["per_level"].items():
        lines.append(fmt(lv, d))
    for seg, vals in r["recall_by"].items():
        parts = [
            f"{k}={v['recall'] if v['recall'] is not None else '-'} (n={v['hardship']})"
            for k, v in vals.items()
        ]
        lines.append(f"  recall by {seg}: " + ", ".join(parts))
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
