"""The probabilistic model: Splink comparisons, blocking rules and the training recipe.

Everything is built from Splink's comparison-level library (so one definition runs on DuckDB
and on Spark: Splink writes each dialect's SQL), from the canonical columns of
:mod:`.schema`. A comparison is included only when its columns hold data, so the same code
models a feed with phones and communities and FEBRL with its address parts.

Two flavours, chosen from the data (:func:`flavour`):

- ``"chinese"`` — whole-name comparison on characters and pinyin (homophones, swapped
  characters), resident ID with edit-distance levels, phone, address, community, postcode.
- ``"parts"`` — names in given name / surname parts and addresses in parts (FEBRL):
  given name and surname compared separately, each with a level for a value found in the
  *other* part (swapped names), address parts with Jaro-Winkler levels.

Comparisons (levels in order; the first that holds wins; every comparison also has a null
level and an "else" level):

- name (chinese): exact name [tf] · exact pinyin (homophones, 王建国/汪建国) [tf on pinyin] ·
  same syllables in another order (王国建) · Jaro-Winkler on pinyin ≥ 0.92 · ≥ 0.80
- given_name, surname (parts): exact [tf] · equal to the other record's other part (swap) ·
  Jaro-Winkler ≥ 0.92 · ≥ 0.80 · ≥ 0.70
- birth_date: exact · day and month swapped · one edit or transposition (Damerau-Levenshtein
  ≤ 1 on ``YYYY-MM-DD``) · within one year
- sex: exact
- id_number: exact · Damerau-Levenshtein ≤ 1 (one mistyped digit or one transposition)
- phone: exact · Damerau-Levenshtein ≤ 1
- place (address and community as one comparison, so a shared community is not counted on
  top of a shared address): exact address [tf] · address Jaro-Winkler ≥ 0.9 · same community
  [tf]
- street_number: exact [tf] · Damerau-Levenshtein ≤ 1
- address_1, address_2, suburb: exact [tf] · Jaro-Winkler ≥ 0.9 · ≥ 0.8
- state: exact [tf]
- postcode: exact [tf] · Damerau-Levenshtein ≤ 1

[tf] marks a term-frequency adjustment: agreeing on a rare value (欧阳 / "zyzzyx") counts for
more than agreeing on a common one (王 / "smith").
"""

from __future__ import annotations

import copy
import math
from typing import Any, Literal

import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

Flavour = Literal["chinese", "parts"]
LinkType = Literal["dedupe_only", "link_only", "link_and_dedupe"]


def present(records: pd.DataFrame) -> set[str]:
    """Canonical columns holding at least one value."""
    return {c for c in records.columns if records[c].notna().any()}


def flavour(records: pd.DataFrame) -> Flavour:
    """``"parts"`` when addresses come in parts (FEBRL-shaped data), else ``"chinese"``."""
    cols = present(records)
    return "parts" if {"address_1", "street_number"} & cols else "chinese"


def _exact(col: str, *, tf: bool = False) -> cll.ExactMatchLevel:
    return cll.ExactMatchLevel(col, term_frequency_adjustments=tf)


def _comparison(
    col: str, levels: list[ComparisonLevelCreator], name: str | None = None
) -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name=name or col,
        comparison_levels=[cll.NullLevel(col), *levels, cll.ElseLevel()],
    )


def within_one_edit_sql(col: str) -> str:
    """Damerau-Levenshtein ≤ 1 on ``col`` (DuckDB dialect), with a cheap exact pre-check.

    One edit or one transposition touches at most two adjacent positions, so with
    k = ⌊(shorter length − 1) / 2⌋ the two values share their first k or their last k
    characters. Testing that first skips the costly distance for almost every pair; the result
    is identical to the plain distance test.
    """
    a, b = f'"{col}_l"', f'"{col}_r"'
    k = f"CAST(floor((least(length({a}), length({b})) - 1) / 2) AS INTEGER)"
    return (
        f"(substr({a}, 1, {k}) = substr({b}, 1, {k}) "
        f"OR substr({a}, length({a}) - {k} + 1, {k}) = substr({b}, length({b}) - {k} + 1, {k})) "
        f"AND damerau_levenshtein({a}, {b}) <= 1"
    )


def _within_one_edit(col: str, *, guard: str | None = None) -> ComparisonLevelCreator:
    sql = within_one_edit_sql(col)
    if guard:
        sql = f"{guard} AND {sql}"
    return cll.CustomLevel(sql, base_dialect_str="duckdb").configure(
        label_for_charts=f"One edit or transposition in {col}"
    )


def _birth_date() -> ComparisonCreator:
    day_month_swapped = cll.CustomLevel(
        "substr(birth_date_l, 1, 4) = substr(birth_date_r, 1, 4) "
        "AND substr(birth_date_l, 6, 2) = substr(birth_date_r, 9, 2) "
        "AND substr(birth_date_l, 9, 2) = substr(birth_date_r, 6, 2)",
        base_dialect_str="duckdb",
    ).configure(label_for_charts="Day and month swapped")
    return _comparison(
        "birth_date",
        [
            _exact("birth_date"),
            day_month_swapped,
            _within_one_edit("birth_date"),
            cll.AbsoluteDateDifferenceLevel(
                "birth_date",
                input_is_string=True,
                threshold=1,
                metric="year",
                datetime_format=None,  # each dialect's ISO default (%Y-%m-%d / yyyy-MM-dd)
            ),
        ],
    )


def _name_chinese() -> ComparisonCreator:
    return _comparison(
        "name",
        [
            _exact("name", tf=True),
            _exact("name_pinyin", tf=True).configure(label_for_charts="Same pinyin"),
            _exact("name_sorted").configure(label_for_charts="Same syllables, other order"),
            cll.JaroWinklerLevel("name_pinyin", 0.92),
            cll.JaroWinklerLevel("name_pinyin", 0.80),
        ],
    )


def _name_part(col: str, other: str) -> ComparisonCreator:
    return _comparison(
        col,
        [
            _exact(col, tf=True),
            cll.ColumnsReversedLevel(col, other).configure(
                label_for_charts=f"{col} equals the other record's {other}"
            ),
            cll.JaroWinklerLevel(col, 0.92),
            cll.JaroWinklerLevel(col, 0.80),
            cll.JaroWinklerLevel(col, 0.70),
        ],
    )


def _fuzzy_text(col: str) -> ComparisonCreator:
    return _comparison(
        col,
        [_exact(col, tf=True), cll.JaroWinklerLevel(col, 0.9), cll.JaroWinklerLevel(col, 0.8)],
    )


def _place(cols: set[str]) -> ComparisonCreator:
    """Address and community as one comparison: the community is implied by the address, so
    two comparisons would count the same evidence twice."""
    parts = [c for c in ("address", "community") if c in cols]
    null = (
        cll.And(*[cll.NullLevel(c) for c in parts]) if len(parts) > 1 else cll.NullLevel(parts[0])
    )
    levels: list[ComparisonLevelCreator] = [null.configure(is_null_level=True)]
    if "address" in parts:
        levels += [_exact("address", tf=True), cll.JaroWinklerLevel("address", 0.9)]
    if "community" in parts:
        levels.append(_exact("community", tf=True))
    return cl.CustomComparison(
        output_column_name="place", comparison_levels=[*levels, cll.ElseLevel()]
    )


def _typo(col: str, *, tf: bool = False, guard: str | None = None) -> ComparisonCreator:
    return _comparison(col, [_exact(col, tf=tf), _within_one_edit(col, guard=guard)])


# Two different check-digit-valid resident IDs can never be one edit or one transposition
# apart (ISO 7064 MOD 11-2 detects both), so the distance is computed only when at least one
# side failed validation — a large saving, with the same result.
ID_TYPO_GUARD = 'NOT ("id_checked_l" AND "id_checked_r")'


def comparisons(records: pd.DataFrame) -> list[ComparisonCreator]:
    """The comparisons for the columns of ``records`` that hold data (see module docstring)."""
    cols = present(records)
    out: list[ComparisonCreator] = []
    if flavour(records) == "parts" and {"given_name", "surname"} <= cols:
        out += [_name_part("given_name", "surname"), _name_part("surname", "given_name")]
    elif "name" in cols:
        out.append(_name_chinese())
    if "birth_date" in cols:
        out.append(_birth_date())
    if "sex" in cols:
        out.append(_comparison("sex", [_exact("sex")]))
    if "id_number" in cols:
        out.append(_typo("id_number", guard=ID_TYPO_GUARD))
    if "phone" in cols:
        out.append(_typo("phone"))
    if "street_number" in cols:
        out.append(_typo("street_number", tf=True))
    for col in ("address_1", "address_2", "suburb"):
        if col in cols:
            out.append(_fuzzy_text(col))
    if flavour(records) == "chinese" and {"address", "community"} & cols:
        out.append(_place(cols))
    if "state" in cols:
        out.append(_comparison("state", [_exact("state", tf=True)]))
    if "postcode" in cols:
        out.append(_typo("postcode", tf=True))
    return out


def _rules(records: pd.DataFrame, candidates: list[tuple[str, ...]]) -> list[BlockingRuleCreator]:
    cols = present(records)

    def column_of(expr: str) -> str:
        return expr.removeprefix("substr(").split(",")[0]

    return [block_on(*rule) for rule in candidates if all(column_of(e) in cols for e in rule)]


# Blocking rules for generating candidate pairs, chosen for recall: each catches the pairs the
# others miss when one field is wrong or missing. Every rule is an equi-join, so it scales.
PREDICTION_RULES: dict[Flavour, list[tuple[str, ...]]] = {
    "chinese": [
        ("id_number",),
        ("substr(id_number, 1, 14)",),  # typo in the sequence or check digits
        ("name_pinyin", "substr(birth_date, 1, 4)"),  # homophones, birth-date typos
        ("name_sorted", "substr(birth_date, 1, 4)"),  # swapped characters
        ("birth_date", "surname"),  # given-name typos
        ("birth_date", "given_name"),  # surname typos
        ("phone",),
        ("name_pinyin", "community"),  # birth year wrong or missing
        ("name_pinyin", "address"),
    ],
    "parts": [
        ("id_number",),
        ("given_name",),
        ("surname",),
        ("birth_date",),
        ("postcode", "street_number"),
        ("address_1",),
    ],
}

# Blocking rules for EM training of m probabilities (no labels). Each session estimates the
# comparisons not used by its rule; together they cover every comparison at least once.
TRAINING_RULES: dict[Flavour, list[tuple[str, ...]]] = {
    # Not phone or address: household members share them, and EM would take the pairs of a
    # household for matches, teaching the model that birth dates often disagree.
    "chinese": [("birth_date",), ("name_pinyin",)],
    "parts": [("birth_date",), ("surname",), ("given_name",), ("postcode",)],
}


def prediction_rules(records: pd.DataFrame) -> list[BlockingRuleCreator]:
    return _rules(records, PREDICTION_RULES[flavour(records)])


def training_rules(records: pd.DataFrame) -> list[BlockingRuleCreator]:
    return _rules(records, TRAINING_RULES[flavour(records)])


def settings(
    records: pd.DataFrame,
    *,
    link_type: LinkType,
    comparisons_: list[ComparisonCreator] | None = None,
    blocking_rules: list[BlockingRuleCreator] | None = None,
    retain_intermediate: bool = False,
) -> SettingsCreator:
    """Splink settings for ``records`` (canonical columns): our comparisons and rules."""
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        source_dataset_column_name="source",
        comparisons=list(comparisons_ if comparisons_ is not None else comparisons(records)),
        blocking_rules_to_generate_predictions=(
            list(blocking_rules if blocking_rules is not None else prediction_rules(records))
        ),
        # the scored pairs keep only their ids, weights and (``retain_intermediate``) each
        # comparison's weight: the compared values, twice per pair, made the table several
        # times wider — the linkage's memory peak and much of its time
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=retain_intermediate,
    )


class ModelMismatch(ValueError):
    """A stored model does not fit the comparisons built for these records."""


def for_dialect(stored: dict[str, Any], creator: SettingsCreator, dialect: str) -> dict[str, Any]:
    """A stored model JSON made usable on ``dialect``.

    A model JSON holds its comparisons as SQL of the backend it was fitted on (DuckDB quotes
    identifiers with ``"``, Spark reads those as strings). The comparisons are defined in code,
    so they are rebuilt for ``dialect`` from ``creator`` and the fitted values (m and u of
    every level, λ) are copied across level by level. Raises :class:`ModelMismatch` if the
    comparisons or their levels differ (e.g. a column that held data when the model was fitted
    is empty now).
    """
    if stored.get("sql_dialect") == dialect:
        return stored
    target = creator.create_settings_dict(dialect)
    old, new = stored.get("comparisons", []), target["comparisons"]

    def shape(comparisons: list[dict[str, Any]]) -> list[tuple[str, int]]:
        return [(c["output_column_name"], len(c["comparison_levels"])) for c in comparisons]

    if shape(old) != shape(new):
        raise ModelMismatch(f"stored model compares {shape(old)}, these records need {shape(new)}")
    for old_c, new_c in zip(old, new, strict=True):
        for old_l, new_l in zip(
            old_c["comparison_levels"], new_c["comparison_levels"], strict=True
        ):
            for key in ("m_probability", "u_probability"):
                if old_l.get(key) is not None:
                    new_l[key] = old_l[key]
    target["probability_two_random_records_match"] = stored["probability_two_random_records_match"]
    return target


# Fixed m-probabilities when expectation maximisation cannot fit a comparison (a small
# district: too few pairs in a level gives m = 0 or none): each level is ten times less likely
# among matches than the one above it, the exact level first.
FIXED_M_RATIO = 0.1
FALLBACK_KEY = "doudi_fallback"


def splink_model(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored model as Splink takes it: without doudi's own keys (:data:`FALLBACK_KEY`)."""
    return {k: v for k, v in stored.items() if k != FALLBACK_KEY}


def _usable(p: Any) -> bool:
    return isinstance(p, int | float) and math.isfinite(p) and 0 < p <= 1


def fix_m_probabilities(
    model: dict[str, Any], *, every: bool = False
) -> tuple[dict[str, Any], list[str]]:
    """The model with fixed m-probabilities for every comparison EM left unusable (a level's m
    missing, zero or not a probability; ``every``: all comparisons), and their names."""
    out = copy.deepcopy(model)
    fixed: list[str] = []
    for comparison in out.get("comparisons", []):
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        if not every and all(_usable(lv.get("m_probability")) for lv in levels):
            continue
        weights = [FIXED_M_RATIO**j for j in range(len(levels))]
        total = sum(weights)
        for level, weight in zip(levels, weights, strict=True):
            level["m_probability"] = weight / total
        fixed.append(str(comparison.get("output_column_name", "?")))
    return out, fixed
