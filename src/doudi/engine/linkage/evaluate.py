"""Quality against known truth: pairwise and cluster precision, recall and F1.

Definitions (used in docs/quality.md):

- **pairwise** — the linked pairs (``LinkageResult.pairs``: ID links plus model pairs at or
  above the threshold, after the guards) against the true matching pairs.
- **cluster** — every pair of records placed in the same cluster (the transitive closure of
  the linked pairs, after clustering) against every pair of records of the same true entity.
  For a link-only task only pairs across sources count, on both sides.

A pair is unordered; precision = TP / predicted, recall = TP / true, F1 their harmonic mean.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

import pandas as pd


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    true_positives: int
    predicted: int
    actual: int


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def scores(predicted: set[tuple[str, str]], actual: set[tuple[str, str]]) -> Scores:
    tp = len(predicted & actual)
    p = tp / len(predicted) if predicted else 1.0
    r = tp / len(actual) if actual else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return Scores(p, r, f1, tp, len(predicted), len(actual))


def pair_set(pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    return {_pair(str(a), str(b)) for a, b in pairs}


def cluster_pairs(
    clusters: pd.DataFrame, *, cluster_column: str = "cluster_key", cross_source_only: bool = False
) -> set[tuple[str, str]]:
    """All unordered pairs within each cluster (``unique_id``, ``source``, cluster column)."""
    out: set[tuple[str, str]] = set()
    cols = ["unique_id", "source"] if "source" in clusters.columns else ["unique_id"]
    for _, group in clusters.groupby(cluster_column)[cols]:
        if len(group) < 2:
            continue
        rows = list(group.itertuples(index=False))
        for x, y in combinations(rows, 2):
            if cross_source_only and x.source == y.source:
                continue
            out.add(_pair(str(x.unique_id), str(y.unique_id)))
    return out


def pairwise_scores(linked: pd.DataFrame, truth: set[tuple[str, str]]) -> Scores:
    return scores(pair_set(zip(linked["unique_id_l"], linked["unique_id_r"], strict=True)), truth)


def cluster_scores(
    clusters: pd.DataFrame, truth: set[tuple[str, str]], *, cross_source_only: bool = False
) -> Scores:
    return scores(cluster_pairs(clusters, cross_source_only=cross_source_only), truth)
