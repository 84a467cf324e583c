"""What departments get wrong about people, and the rows they cannot identify at all.

About 6 % of a department's persons carry one identity problem in that department's system; every
record of that person in the feed shares it (a master record is wrong, not one keystroke):
  homophone  a same-syllable character (or a traditional form) in the name      30 %
  id_typo    two adjacent ID digits swapped, or one digit wrong                  18 %
  id15       the pre-1999 15-digit number (people born before 1975)              14 % (legacy systems 30 %)
  no_id      the ID left blank, name and birth date kept (feeds with a birth date) 20 %
  birth      the birth date with day and month swapped or two digits transposed  12 %
  swapped    another household member's ID number                                  3 %
  name_id    homophone name and an ID typo together                                3 %
A kind that a feed cannot carry (no birth date column; nobody old enough for a 15-digit
number; nobody else in the household) falls back to id_typo.

Separately, ≈0.25 % of rows have no usable identity (ID, birth date and phone all blank) and
≈0.05 % carry an impossible date: these are the rows doudi should quarantine. Harmless format
variants (full-width digits, a lower-case x, padding inside a name) are added to ≈2 % of rows and
are not counted as problems.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import ids, names

KINDS = ["homophone", "id_typo", "id15", "no_id", "birth", "swapped", "name_id"]
WEIGHTS = np.array([0.30, 0.18, 0.14, 0.20, 0.12, 0.03, 0.03])
PROBLEM_RATE = 0.06
NO_IDENTITY_RATE = 0.0025
BAD_DATE_RATE = 0.0005


def id_typo(number: str, rng: np.random.Generator) -> str:
    s = list(number)
    if rng.random() < 0.6:
        for _ in range(10):
            i = int(rng.integers(6, 16))
            if s[i] != s[i + 1]:
                s[i], s[i + 1] = s[i + 1], s[i]
                return "".join(s)
    i = int(rng.integers(0, 17))
    s[i] = str((int(s[i]) + int(rng.integers(1, 10))) % 10)
    return "".join(s)


def swap_birth(d: np.datetime64, rng: np.random.Generator) -> np.datetime64:
    y, m, day = (int(x) for x in str(d)[:10].split("-"))
    if day <= 12 and day != m:
        m, day = day, m
    elif day >= 10 and day % 10 != day // 10 and (day % 10) * 10 + day // 10 <= 28:
        day = (day % 10) * 10 + day // 10
    else:
        y = y + (1 if rng.random() < 0.5 else -1)
        if m == 2 and day == 29:
            day = 28
    return np.datetime64(f"{y:04d}-{m:02d}-{day:02d}")


def apply(
    df: pd.DataFrame,
    w,
    rng: np.random.Generator,
    *,
    legacy: bool = False,
    quarantine: bool = True,
    date_cols: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Noise on the identity columns of one feed's rows (``pid`` = true person). Adds
    ``_noise`` (the problem kind, "" if none) for the generator's own accounting."""
    df = df.copy()
    n = len(df)
    if not n:
        df["_noise"] = ""
        return df
    has_birth = "birth_date" in df.columns
    has_phone = "phone" in df.columns
    pids = df["pid"].to_numpy()
    upid = np.unique(pids)
    weights = WEIGHTS.copy()
    if legacy:
        weights[2] = 0.30
    elif not has_birth:
        weights[2] = 0.03
    weights /= weights.sum()
    hit = rng.random(len(upid)) < PROBLEM_RATE
    kinds = np.full(len(upid), "", dtype=object)
    kinds[hit] = rng.choice(KINDS, hit.sum(), p=weights)
    born = w.birth[upid]
    old = born < np.datetime64("1975-01-01")
    kinds[(kinds == "id15") & ~old] = "id_typo"
    if not has_birth:
        kinds[np.isin(kinds, ["no_id", "birth"])] = "id_typo"
    kind_of = dict(zip(upid.tolist(), kinds, strict=True))
    # one altered value per person, shared by all the person's rows
    alt_name, alt_id, alt_birth = {}, {}, {}
    for p, k in kind_of.items():
        if not k:
            continue
        true_id = w.idno[p]
        if k in ("homophone", "name_id"):
            alt_name[p] = names.misspell(w.name[p], rng)
        if k in ("id_typo", "name_id"):
            alt_id[p] = id_typo(true_id, rng)
        elif k == "id15":
            alt_id[p] = ids.to15(true_id)
        elif k == "no_id":
            alt_id[p] = ""
        elif k == "birth":
            alt_birth[p] = swap_birth(w.birth[p], rng)
        elif k == "swapped":
            mates = w.members(w.hh[p])
            mates = mates[mates != p]
            alt_id[p] = w.idno[mates[0]] if len(mates) else id_typo(true_id, rng)
    row_kind = kinds[np.searchsorted(upid, pids)].astype(object)
    if "name" in df.columns and alt_name:
        m = np.isin(pids, list(alt_name))
        df.loc[m, "name"] = [alt_name[p] for p in pids[m]]
    if "id_number" in df.columns and alt_id:
        m = np.isin(pids, list(alt_id))
        df.loc[m, "id_number"] = [alt_id[p] for p in pids[m]]
    if has_birth and alt_birth:
        m = np.isin(pids, list(alt_birth))
        df.loc[m, "birth_date"] = [alt_birth[p] for p in pids[m]]
    # harmless variants
    if "id_number" in df.columns:
        ids_ = df["id_number"].astype(object).to_numpy()
        v = rng.random(n) < 0.02
        for i in np.flatnonzero(v):
            s = ids_[i]
            if isinstance(s, str) and s:
                r = rng.random()
                if s.endswith("X") and r < 0.5:
                    ids_[i] = s[:-1] + "x"
                elif r < 0.7:
                    ids_[i] = s.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
                else:
                    ids_[i] = f"{s[:6]} {s[6:14]} {s[14:]}"
        df["id_number"] = ids_
    if "name" in df.columns:
        nm = df["name"].astype(object).to_numpy()
        for i in np.flatnonzero(rng.random(n) < 0.01):
            if isinstance(nm[i], str) and len(nm[i]) == 2:
                nm[i] = nm[i][0] + "\u3000" + nm[i][1]
        df["name"] = nm
    # rows nobody can identify, and impossible dates
    if quarantine and "id_number" in df.columns:
        q = rng.random(n) < NO_IDENTITY_RATE
        if q.any():
            df.loc[q, "id_number"] = ""
            if has_birth:
                df.loc[q, "birth_date"] = None
            if has_phone:
                df.loc[q, "phone"] = None
            row_kind[q] = "no_identity"
        if date_cols:
            b = (rng.random(n) < BAD_DATE_RATE) & ~q
            col = date_cols[0]
            if b.any():
                df[col] = df[col].astype(object)
                df.loc[b, col] = [f"{2020 + int(rng.integers(0, 6))}-02-30" for _ in range(b.sum())]
                row_kind[b] = "bad_date"
    df["_noise"] = row_kind
    return df
