"""Resident ID numbers, written from GB 11643 for this world (no doudi import).

A person's true number keeps the county code of its first issue: most residents carry Wuchang's
420106, others another Wuhan district, a retired Wuhan code (the counties that became districts
in the 1990s, and the old city-wide 420101), another Hubei county or another province.
"""

from __future__ import annotations

import numpy as np

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"

WUCHANG = "420106"
OTHER_WUHAN = ["420102", "420103", "420104", "420105", "420107", "420111", "420112", "420115"]
# Retired codes: 汉阳县 420121 (→ 蔡甸区 1992), 武昌县 420122 (→ 江夏区 1995), 黄陂县 420123 and
# 新洲县 420124 (→ districts 1998), and the city-wide 420101 (市辖区) on some early numbers.
RETIRED_WUHAN = ["420121", "420122", "420123", "420124", "420101"]
# Year after which a retired code was no longer issued.
RETIRED_UNTIL = {"420121": 1992, "420122": 1995, "420123": 1998, "420124": 1998, "420101": 1990}


def check_char(body17: str) -> str:
    s = sum(int(c) * w for c, w in zip(body17, WEIGHTS, strict=True))
    return CHECK[s % 11]


def make_ids(
    areas: np.ndarray, births: np.ndarray, male: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Unique 18-character numbers for (area code, birth date, sex)."""
    n = len(areas)
    ymd = np.datetime_as_string(births, unit="D")
    seq = rng.integers(0, 500, n) * 2 + np.where(male, 1, 0)  # odd for men
    out = np.empty(n, dtype=object)
    seen: set[str] = set()
    for i in range(n):
        s = int(seq[i])
        while True:
            body = f"{areas[i]}{ymd[i].replace('-', '')}{s:03d}"
            if body not in seen:
                break
            s = (s + 2) % 1000
        seen.add(body)
        out[i] = body + check_char(body)
    return out


def to15(number: str) -> str:
    """The pre-1999 15-digit form: no century, no check character."""
    return number[:6] + number[8:17]


def draw_areas(
    birth_years: np.ndarray, rng: np.random.Generator, cn_areas: list[str], hubei: list[str]
) -> np.ndarray:
    """County code of first issue for each person: Wuchang for half, another Wuhan district for
    14 %, a retired Wuhan code for 6 % of those registered before it was retired, another Hubei
    county for 12 %, another province for 18 %."""
    n = len(birth_years)
    u = rng.random(n)
    out = np.full(n, WUCHANG, dtype=object)
    other_wuhan = (u >= 0.50) & (u < 0.64)
    out[other_wuhan] = rng.choice(OTHER_WUHAN, other_wuhan.sum())
    retired = (u >= 0.64) & (u < 0.70) & (birth_years < 1982)
    out[retired] = rng.choice(RETIRED_WUHAN, retired.sum())
    hb = (u >= 0.70) & (u < 0.82)
    out[hb] = rng.choice(hubei, hb.sum())
    far = u >= 0.82
    out[far] = rng.choice(cn_areas, far.sum())
    return out
