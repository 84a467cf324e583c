"""Address codes (the first six digits of a resident ID number) for synthetic people.

Most people in Wuchang were first registered in Wuchang (420106); some elsewhere in Wuhan,
in the rest of Hubei, or in another province (neighbouring provinces more often). About 1% of
people born before 1990 carry a *retired* code: a county code valid when their number was
issued that is no longer in the current division list (the 1990s Wuhan counties that became
districts, the old Xiaogan/Huanggang/Xianning prefecture-level towns). Standard library only.
"""

from __future__ import annotations

import csv
import io
import random
from bisect import bisect
from collections import Counter
from functools import cache
from importlib import resources
from itertools import accumulate

WUCHANG = "420106"
OTHER_WUHAN = (
    "420102",
    "420103",
    "420104",
    "420105",
    "420107",
    "420111",
    "420112",
    "420113",
    "420114",
    "420115",
    "420116",
    "420117",
)
OTHER_WUHAN_WEIGHTS = (10, 9, 8, 7, 9, 14, 3, 1, 3, 6, 4, 4)
# Retired codes with a valid Hubei prefix, none of them in cn_areas.csv (checked by a test):
# 武昌县 420122, 汉阳县 420121, 黄陂县 420123, 新洲县 420124 (became districts 1992–1998),
# 孝感市 (地区) 422201, 黄州市 (黄冈地区) 422101, 咸宁市 (咸宁地区) 422301.
RETIRED = ("420122", "420121", "420123", "420124", "422201", "422101", "422301")
RETIRED_WEIGHTS = (30, 12, 14, 12, 12, 10, 10)
# Province weights for people from outside Hubei (neighbours first).
PROVINCE_WEIGHTS = {
    "41": 14,
    "43": 14,
    "36": 9,
    "34": 9,
    "50": 6,
    "51": 7,
    "44": 5,
    "61": 4,
    "32": 3,
    "33": 3,
    "37": 3,
    "13": 2,
    "35": 2,
    "45": 2,
    "52": 2,
    "53": 2,
    "11": 1,
    "12": 1,
    "14": 1,
    "15": 1,
    "21": 1,
    "22": 1,
    "23": 1,
    "31": 1,
    "46": 1,
    "54": 0.3,
    "62": 1,
    "63": 0.3,
    "64": 0.5,
    "65": 0.5,
}


@cache
def area_codes() -> tuple[tuple[str, str], ...]:
    """(code, name) of every county-level unit in the shipped 2023 list."""
    text = (resources.files("doudi.engine") / "data" / "cn_areas.csv").read_text(encoding="utf-8")
    return tuple((row["code"], row["name"]) for row in csv.DictReader(io.StringIO(text)))


class AreaSampler:
    def __init__(self, rng: random.Random):
        self._rng = rng
        codes = [c for c, _ in area_codes()]
        self._hubei = [c for c in codes if c.startswith("42") and not c.startswith("4201")]
        others = [c for c in codes if not c.startswith("42")]
        per_province = Counter(c[:2] for c in others)
        weights = [PROVINCE_WEIGHTS.get(c[:2], 0.0) / per_province[c[:2]] for c in others]
        self._others = [c for c, w in zip(others, weights, strict=True) if w > 0]
        self._others_cum = list(accumulate(w for w in weights if w > 0))
        self._wuhan_cum = list(accumulate(OTHER_WUHAN_WEIGHTS))
        self._retired_cum = list(accumulate(RETIRED_WEIGHTS))

    def _pick(self, items, cum) -> str:
        return items[bisect(cum, self._rng.random() * cum[-1])]

    def sample(self, birth_year: int) -> str:
        r = self._rng.random()
        if birth_year >= 2000:
            # children are registered where their parents' hukou is
            if r < 0.93:
                return WUCHANG
            if r < 0.985:
                return self._pick(OTHER_WUHAN, self._wuhan_cum)
            if r < 0.995:
                return self._hubei[int(self._rng.random() * len(self._hubei))]
            return self._pick(self._others, self._others_cum)
        if birth_year < 1990 and r < 0.016:
            return self._pick(RETIRED, self._retired_cum)
        r = self._rng.random()
        if r < 0.70:
            return WUCHANG
        if r < 0.83:
            return self._pick(OTHER_WUHAN, self._wuhan_cum)
        if r < 0.92:
            return self._hubei[int(self._rng.random() * len(self._hubei))]
        return self._pick(self._others, self._others_cum)
