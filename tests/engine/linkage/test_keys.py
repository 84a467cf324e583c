"""Stable cluster keys: unchanged persons keep their key, merges and splits are predictable."""

from __future__ import annotations

import pandas as pd

from doudi.engine.linkage.keys import assign_keys


def clusters(*groups: str) -> pd.DataFrame:
    rows = [(uid, f"c{i}") for i, group in enumerate(groups) for uid in group.split()]
    return pd.DataFrame(rows, columns=["unique_id", "cluster_id"])


def keys(frame: pd.DataFrame) -> dict[str, int]:
    return dict(zip(frame["unique_id"], frame["cluster_key"], strict=True))


def test_first_run_numbers_clusters_by_smallest_unique_id():
    assert keys(assign_keys(clusters("c d", "a", "b e"))) == {
        "c": 3,
        "d": 3,
        "a": 1,
        "b": 2,
        "e": 2,
    }


def test_unchanged_clusters_keep_their_keys_and_new_ones_go_above():
    first = assign_keys(clusters("a b", "c"))
    second = assign_keys(clusters("c", "a b x", "y"), previous=first)
    assert keys(second) == {"c": 2, "a": 1, "b": 1, "x": 1, "y": 3}


def test_merge_keeps_the_key_of_the_larger_part():
    previous = pd.DataFrame({"unique_id": list("abcd"), "cluster_key": [7, 7, 9, 4]})
    merged = assign_keys(clusters("a b c", "d"), previous=previous)
    assert keys(merged) == {"a": 7, "b": 7, "c": 7, "d": 4}


def test_split_gives_the_larger_part_the_key_and_a_fresh_key_above_the_floor():
    previous = pd.DataFrame({"unique_id": list("abc"), "cluster_key": [5, 5, 5]})
    split = assign_keys(clusters("c", "a b"), previous=previous, key_floor=12)
    assert keys(split) == {"a": 5, "b": 5, "c": 13}


def test_ties_go_to_the_smaller_previous_key():
    previous = pd.DataFrame({"unique_id": list("ab"), "cluster_key": [8, 3]})
    assert keys(assign_keys(clusters("a b"), previous=previous)) == {"a": 3, "b": 3}
