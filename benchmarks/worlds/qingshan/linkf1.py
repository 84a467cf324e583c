"""Pairwise linkage quality: doudi's persons export against this world's truth.

    python -m benchmarks.worlds.qingshan.linkf1 PERSONS.csv DIR/truth/records.csv

PERSONS.csv is ``doudi export persons`` (feed,record_key,person_key). Two records form a true
pair when the truth gives them the same person_id, a predicted pair when doudi gives them the
same person_key. Precision, recall and F1 are over pairs, counted on the records present in
both files (quarantined records are never exported); coverage says how many truth records
were exported.
"""

from __future__ import annotations

import sys

import pandas as pd


def pairs(sizes: pd.Series) -> int:
    s = sizes.astype("int64")
    return int((s * (s - 1) // 2).sum())


def pairwise(export: pd.DataFrame, truth: pd.DataFrame) -> dict:
    export = export.astype({"feed": str, "record_key": str, "person_key": str})
    truth = truth.astype({"feed": str, "record_key": str, "person_id": str})
    both = export.merge(truth, on=["feed", "record_key"], how="inner")
    true_pairs = pairs(both.groupby("person_id").size())
    pred_pairs = pairs(both.groupby("person_key").size())
    tp = pairs(both.groupby(["person_id", "person_key"]).size())
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "records_truth": len(truth),
        "records_exported": len(export),
        "records_matched": len(both),
        "coverage": round(len(both) / len(truth), 4) if len(truth) else 0.0,
        "true_pairs": true_pairs,
        "predicted_pairs": pred_pairs,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "persons_truth": int(both["person_id"].nunique()),
        "persons_export": int(both["person_key"].nunique()),
    }


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    export = pd.read_csv(argv[0], dtype=str, keep_default_na=False)
    truth = pd.read_csv(argv[1], dtype=str, keep_default_na=False)
    r = pairwise(export, truth)
    for k, v in r.items():
        print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
