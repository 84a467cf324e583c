"""Clerks' errors in the department tables: ~3 % of person-level rows carry a name or ID
problem (rates differ by department), old records keep 15-digit IDs, some events are entered
twice. Every change is logged so the truth can say which rows were meant to be unusable."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import ids, names

# feed: (share of rows with a name/ID problem, errors follow the person (recurring records),
#        share of pre-1960 people's rows with a 15-digit ID, exact-duplicate share,
#        re-keyed duplicate share)
PROFILE = {
    "gongan_hukou": (0.0, False, 0.0, 0.0, 0.0),
    "canlian_disability": (0.045, False, 0.30, 0.0, 0.0),
    "renshe_contribution": (0.031, True, 0.0, 0.002, 0.0),
    "renshe_pension": (0.03, False, 0.22, 0.0, 0.0),
    "renshe_unemployment": (0.035, False, 0.0, 0.0, 0.0),
    "shuiwu_income_tax": (0.03, True, 0.0, 0.002, 0.0),
    "yibao_enrolment": (0.015, False, 0.0, 0.0, 0.0),
    "yibao_inpatient": (0.02, False, 0.0, 0.003, 0.004),
    "yibao_outpatient": (0.02, True, 0.0, 0.003, 0.0),
    "yibao_chronic": (0.02, False, 0.0, 0.0, 0.0),
    "weijian_diagnosis": (0.04, False, 0.0, 0.0, 0.0),
    "weijian_death": (0.04, False, 0.10, 0.0, 0.0),
    "minzheng_death": (0.05, False, 0.15, 0.003, 0.0),
    "minzheng_marriage": (0.03, False, 0.0, 0.0, 0.0),
    "minzheng_recipients": (0.04, False, 0.05, 0.0, 0.0),
    "gongan_vehicle": (0.015, False, 0.05, 0.0, 0.0),
    "budongchan_property": (0.05, False, 0.35, 0.0, 0.0),
    "shichang_business": (0.025, False, 0.0, 0.0, 0.0),
    "shichang_shareholding": (0.03, False, 0.0, 0.0, 0.0),
    "jiaoyu_students": (0.02, False, 0.0, 0.0, 0.0),
    "jiaoyu_aid": (0.03, False, 0.0, 0.004, 0.0),
    "sifa_prisoners": (0.03, False, 0.0, 0.0, 0.0),
    "yingji_disaster": (0.08, False, 0.05, 0.01, 0.02),
    "zonggonghui_hardship": (0.04, False, 0.0, 0.0, 0.0),
    "nongye_fangfanpin": (0.03, False, 0.0, 0.0, 0.0),
}
# kinds of problem and their shares among problem rows
KINDS = (
    ("name", 0.45),
    ("id_digit", 0.17),
    ("id_swap", 0.11),
    ("id_missing", 0.14),
    ("id_truncated", 0.05),
    ("id_other_person", 0.04),
    ("id_fullwidth", 0.04),
)
_FULL = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def _corrupt_id(rng, true_id: str, kind: str, other: str) -> str | None:
    d = list(true_id)
    if kind == "id_digit":
        i = int(rng.integers(2, 17))
        d[i] = str((int(d[i]) + int(rng.integers(1, 10))) % 10)
        return "".join(d)
    if kind == "id_swap":
        for _ in range(10):
            i = int(rng.integers(6, 16))
            if d[i] != d[i + 1]:
                d[i], d[i + 1] = d[i + 1], d[i]
                return "".join(d)
        return true_id[:-1] + ("0" if true_id[-1] != "0" else "1")
    if kind == "id_missing":
        return None
    if kind == "id_truncated":
        return true_id[:17] if rng.random() < 0.6 else true_id[:10] + true_id[11:]
    if kind == "id_other_person":
        return other
    if kind == "id_fullwidth":
        return true_id.translate(_FULL)
    return true_id


def apply(rng, table, pp, hh_first) -> None:
    """Corrupt ``table.df`` in place; the kind of each change goes to its ``_noise`` column."""
    df = table.df
    rate, persistent, legacy, _, _ = PROFILE.get(table.feed, (0.03, False, 0.0, 0.0, 0.0))
    n = len(df)
    df["_noise"] = ""
    if n == 0:
        return
    pid = df["_pid"].to_numpy()
    kinds = np.array([k for k, _ in KINDS])
    w = np.array([s for _, s in KINDS])
    if persistent:
        # an employer or hospital system holds one wrong value per person (70 %), and
        # single rows go wrong at the counter (30 %)
        uniq = np.unique(pid)
        bad_p = uniq[rng.random(len(uniq)) < rate * 0.7]
        p_kind = dict(zip(bad_p, rng.choice(kinds, len(bad_p), p=w / w.sum()), strict=True))
        p_seed = dict(zip(bad_p, rng.integers(0, 2**31, len(bad_p)), strict=True))
        row_bad = rng.random(n) < rate * 0.3
    else:
        p_kind, p_seed = {}, {}
        row_bad = rng.random(n) < rate
    row_kind = rng.choice(kinds, n, p=w / w.sum())
    changed: list[tuple[int, str]] = []
    has_id = "id_number" in df
    has_name = "name" in df
    id_col = df["id_number"].to_numpy(dtype=object).copy() if has_id else None
    name_col = df["name"].to_numpy(dtype=object).copy() if has_name else None
    hit = row_bad | (np.isin(pid, np.fromiter(p_kind, dtype=np.int64)) if p_kind else False)
    for i in np.flatnonzero(hit):
        p = pid[i]
        if p in p_kind:
            kind = p_kind[p]
            r = np.random.default_rng(p_seed[p])
        elif row_bad[i]:
            kind = row_kind[i]
            r = rng
        else:
            continue
        if kind == "name":
            if not has_name:
                continue
            name_col[i], sub = names.typo(r, pp["name"][p])
            changed.append((i, sub))
        elif has_id:
            h = pp["hh"][p]
            other_p = hh_first[h] if hh_first[h] != p else p + 1
            other = pp["id18"][min(other_p, len(pp["id18"]) - 1)]
            id_col[i] = _corrupt_id(r, pp["id18"][p], kind, other)
            changed.append((i, kind))
    if legacy and has_id:
        old = (pp["birth_year"][pid] < 1960) & (rng.random(n) < legacy)
        for i in np.flatnonzero(old):
            if id_col[i] == pp["id18"][pid[i]]:
                id_col[i] = ids.to_legacy15(id_col[i])
                changed.append((int(i), "id_legacy15"))
    if has_id:
        df["id_number"] = id_col
    if has_name:
        df["name"] = name_col
    col = df["_noise"].to_numpy(dtype=object)
    for i, kind in changed:
        col[i] = kind if not col[i] else f"{col[i]};{kind}"
    df["_noise"] = col


def duplicates(rng, table, key: str, new_key) -> pd.DataFrame:
    """Exact duplicate rows (same key) and events entered twice under a new key."""
    _, _, _, exact, rekey = PROFILE.get(table.feed, (0, 0, 0, 0.0, 0.0))
    df = table.df
    n = len(df)
    if n == 0 or (exact == 0 and rekey == 0):
        return df
    ex = np.flatnonzero(rng.random(n) < exact)
    rk = np.flatnonzero(rng.random(n) < rekey)
    extra = [df.iloc[ex]]
    again = df.iloc[rk].copy()
    again[key] = new_key(len(rk))
    again["_noise"] = [f"{x};entered_twice" if x else "entered_twice" for x in again["_noise"]]
    extra.append(again)
    out = pd.concat([df, *(x for x in extra if len(x))], ignore_index=True)
    # keep the delivery order plausible: duplicates sit near their originals
    order = np.r_[np.arange(n), ex + 0.5, rk + 0.6]
    return out.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)
