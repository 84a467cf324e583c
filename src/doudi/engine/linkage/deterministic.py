"""Deterministic linkage on exact, valid ID numbers — guarded.

Records that share a valid ID number (``id_valid``) are the same person *unless* they
disagree on what the ID is supposed to identify. Within each group of records sharing an ID,
the **reference record** is one carrying the group's most common (name pinyin, birth date, sex)
combination (ties: the smallest ``unique_id``). Every other record of the group is checked
against the reference:

- birth date: compatible when either is missing, they are equal, differ by one edit or one
  transposition of adjacent digits (Damerau-Levenshtein ≤ 1 on ``YYYY-MM-DD``), or have day and
  month swapped;
- sex: compatible when either is missing or they are equal;
- name: compatible when either is missing, the pinyin is equal (homophones), the Jaro-Winkler
  similarity of the pinyin — or of its syllables sorted, for swapped characters or swapped
  given name and surname — is ≥ 0.80 (a mistyped character), or one name contains the other
  (a missing given name or surname).

A compatible record gets an ``id`` edge to the reference (so the group becomes one cluster).
An incompatible one becomes a **conflict** (record, reference, reasons) for human review: the
ID alone never merges it. What happens to the pair meanwhile is the run's conflict policy
(:func:`doudi.engine.linkage.pipeline.link`): ``"hold"`` keeps the two records apart until a
person decides; ``"model"`` lets the probabilistic model decide *with the ID's evidence taken
out*, and the pair stays in the conflicts table either way. Comparing with one reference rather
than all pairs keeps the step linear in the number of records.
"""

from __future__ import annotations

from typing import Any

from splink.internals.splink_dataframe import SplinkDataFrame

from doudi.engine.backends import LinkageBackend as Backend

NAME_TOLERANCE_JW = 0.80

# DuckDB dialect; {records} is the canonical table; {jaro_winkler} / {damerau_levenshtein}
# are the backend's function names.
ID_GROUP_PAIRS_SQL = """
WITH keyed AS (
    SELECT unique_id, source, id_number, name_pinyin, name_sorted, birth_date, sex
    FROM {records}
    WHERE id_valid AND id_number IS NOT NULL
),
variants AS (
    SELECT id_number, name_pinyin, birth_date, sex,
           count(*) AS n, min(unique_id) AS first_uid
    FROM keyed
    GROUP BY id_number, name_pinyin, birth_date, sex
),
ranked AS (
    SELECT id_number, first_uid,
           row_number() OVER (PARTITION BY id_number ORDER BY n DESC, first_uid) AS rn,
           sum(n) OVER (PARTITION BY id_number) AS total
    FROM variants
),
refs AS (
    SELECT id_number, first_uid AS ref_uid FROM ranked WHERE rn = 1 AND total > 1
),
pairs AS (
    SELECT k.unique_id AS unique_id_l, f.unique_id AS unique_id_r,
           k.source AS source_l, f.source AS source_r,
           k.birth_date AS birth_date_l, f.birth_date AS birth_date_r,
           k.sex AS sex_l, f.sex AS sex_r,
           k.name_pinyin AS name_pinyin_l, f.name_pinyin AS name_pinyin_r,
           k.name_sorted AS name_sorted_l, f.name_sorted AS name_sorted_r
    FROM keyed AS k
    JOIN refs ON k.id_number = refs.id_number
    JOIN keyed AS f ON f.unique_id = refs.ref_uid
    WHERE k.unique_id <> f.unique_id
),
checked AS (
    SELECT unique_id_l, unique_id_r, source_l, source_r,
        CASE WHEN birth_date_l IS NULL OR birth_date_r IS NULL
                  OR birth_date_l = birth_date_r
                  OR {damerau_levenshtein}(birth_date_l, birth_date_r) <= 1
                  OR (substr(birth_date_l, 1, 4) = substr(birth_date_r, 1, 4)
                      AND substr(birth_date_l, 6, 2) = substr(birth_date_r, 9, 2)
                      AND substr(birth_date_l, 9, 2) = substr(birth_date_r, 6, 2))
             THEN TRUE ELSE FALSE END AS birth_ok,
        CASE WHEN sex_l IS NULL OR sex_r IS NULL OR sex_l = sex_r
             THEN TRUE ELSE FALSE END AS sex_ok,
        CASE WHEN name_pinyin_l IS NULL OR name_pinyin_r IS NULL
                  OR name_pinyin_l = name_pinyin_r
                  OR {jaro_winkler}(name_pinyin_l, name_pinyin_r) >= {name_tolerance}
                  OR {jaro_winkler}(name_sorted_l, name_sorted_r) >= {name_tolerance}
                  OR instr(name_pinyin_l, name_pinyin_r) > 0
                  OR instr(name_pinyin_r, name_pinyin_l) > 0
             THEN TRUE ELSE FALSE END AS name_ok
    FROM pairs
)
SELECT unique_id_l, unique_id_r, source_l, source_r, birth_ok, sex_ok, name_ok
FROM checked
"""


def id_group_pairs(backend: Backend, records_table: str) -> SplinkDataFrame:
    """Each record of a shared-ID group against its reference, with the three checks.

    Returns a backend table: ``unique_id_l`` (the record), ``unique_id_r`` (the reference),
    ``source_l``, ``source_r``, ``birth_ok``, ``sex_ok``, ``name_ok``.
    """
    template = ID_GROUP_PAIRS_SQL.replace("{name_tolerance}", str(NAME_TOLERANCE_JW))
    return backend.table(template, records=records_table)


def reasons(row: Any) -> str:
    """``"birth_date,name"`` — the checks a conflict pair failed, in a fixed order."""
    failed = [
        field
        for field, ok in (("birth_date", row.birth_ok), ("sex", row.sex_ok), ("name", row.name_ok))
        if not ok
    ]
    return ",".join(failed)
