"""Stable integer keys for clusters (persons) across runs.

Downstream work is keyed by an integer person key (DESIGN.md §3), so a person must keep their
key when a new delivery adds, corrects or removes records. The rule, by **majority overlap**:

1. Without a previous run, clusters are numbered ``1, 2, …`` in the order of their smallest
   ``unique_id`` (so the numbering is reproducible for the same input).
2. With a previous run (``unique_id → key``), every pair (new cluster, previous key) sharing
   records is a candidate, weighted by how many records they share. Candidates are taken
   greedily, largest overlap first (ties: smaller previous key, then the cluster's smallest
   ``unique_id``); a cluster takes a key only if neither has been taken yet. So an unchanged
   cluster keeps its key; when two persons merge, the merged cluster keeps the key of the
   larger part; when a person splits, the larger part keeps the key.
3. Clusters left without a key get fresh keys above ``key_floor`` (by default the largest
   previous key), in the order of their smallest ``unique_id``. A key retired by a merge is
   never handed out again as long as the caller passes the largest key ever issued as
   ``key_floor``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def key_clusters(
    smallest: pd.Series, overlap: pd.DataFrame | None, *, floor: int
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The rule above, on what it needs: ``smallest`` (cluster id → its smallest
    ``unique_id``), ``overlap`` (``cluster_id``, ``key``, ``n``: records a cluster shares with
    a previous key; ``None`` without a previous run) and the ``floor`` fresh keys start above.
    Returns (cluster ids, keys), int64 keys. Both :func:`assign_keys` (pandas) and the
    district linkage (aggregates computed in DuckDB) key clusters through this one function."""
    assigned: dict[Any, int] = {}
    if overlap is not None and len(overlap):
        overlap = overlap.assign(smallest=overlap["cluster_id"].map(smallest))
        overlap = overlap.sort_values(["n", "key", "smallest"], ascending=[False, True, True])
        used: set[int] = set()
        for cluster_id, key in zip(overlap["cluster_id"], overlap["key"], strict=True):
            key = int(key)
            if cluster_id in assigned or key in used:
                continue
            assigned[cluster_id] = key
            used.add(key)
    fresh = smallest[~smallest.index.isin(list(assigned))].sort_values(kind="stable")
    ids = np.array([*assigned, *fresh.index], dtype=object)
    keys = np.concatenate(
        [
            np.fromiter(assigned.values(), dtype=np.int64, count=len(assigned)),
            int(floor) + np.arange(1, len(fresh) + 1, dtype=np.int64),
        ]
    )
    return ids, keys


def assign_keys(
    clusters: pd.DataFrame,
    *,
    previous: pd.DataFrame | None = None,
    key_floor: int | None = None,
) -> pd.DataFrame:
    """Map ``clusters`` (``unique_id``, ``cluster_id``) to stable keys.

    ``previous`` has ``unique_id`` and ``cluster_key`` from an earlier run. Returns
    ``unique_id``, ``cluster_key`` (int64), one row per input row, in input order.
    """
    uid = clusters["unique_id"].astype(str)
    cid = clusters["cluster_id"]
    # cluster_id -> smallest unique_id (sort once; a groupby min over strings is slow)
    firsts = (
        pd.DataFrame({"u": uid.to_numpy(), "c": cid.to_numpy()})
        .sort_values("u", kind="stable")
        .drop_duplicates("c")
    )
    smallest = pd.Series(firsts["u"].to_numpy(), index=firsts["c"].to_numpy())
    overlap = None
    if previous is not None and len(previous):
        prev = pd.Series(
            previous["cluster_key"].astype("int64").to_numpy(),
            index=previous["unique_id"].astype(str),
        )
        joined = pd.DataFrame({"cluster_id": cid.to_numpy(), "key": uid.map(prev).to_numpy()})
        joined = joined.dropna(subset=["key"])
        overlap = joined.groupby(["cluster_id", "key"]).size().rename("n").reset_index()
        floor = int(prev.max()) if key_floor is None else int(key_floor)
    else:
        floor = 0 if key_floor is None else int(key_floor)
    ids, keys = key_clusters(smallest, overlap, floor=floor)
    assigned = dict(zip(ids.tolist(), keys.tolist(), strict=True))
    return pd.DataFrame(
        {"unique_id": uid.to_numpy(), "cluster_key": cid.map(assigned).astype("int64").to_numpy()}
    )
