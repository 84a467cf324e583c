"""Resident ID numbers (GB 11643): built here from first principles, independent of doudi.

An ID keeps the county code of its first issue. People first registered before the 1990s
county-to-district changes carry Wuhan's retired county codes.
"""

from __future__ import annotations

import numpy as np

WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
CHECK = "10X98765432"

# Wuhan county codes retired when the counties became districts (GB/T 2260 change lists):
# 汉阳县 → 蔡甸区 (1992), 武昌县 → 江夏区 (1995), 黄陂县 → 黄陂区 (1998),
# 新洲县 → 新洲区 (1998). Weights: how often each appears among this world's older residents.
RETIRED_WUHAN = (("420121", 0.22), ("420122", 0.38), ("420123", 0.22), ("420124", 0.18))
WUHAN_DISTRICTS = (
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


def check_char(first17: str) -> str:
    s = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHECK[s % 11]


def make_ids(area: np.ndarray, birth_ymd: np.ndarray, seq: np.ndarray) -> np.ndarray:
    """18-digit IDs from county codes (str), birth dates as int YYYYMMDD, sequence 0..999."""
    area_i = area.astype(np.int64)
    digits = np.empty((len(area), 17), dtype=np.int64)
    for k in range(6):
        digits[:, k] = area_i // 10 ** (5 - k) % 10
    for k in range(8):
        digits[:, 6 + k] = birth_ymd // 10 ** (7 - k) % 10
    for k in range(3):
        digits[:, 14 + k] = seq // 10 ** (2 - k) % 10
    rem = (digits * WEIGHTS).sum(axis=1) % 11
    check = np.array(list(CHECK))[rem]
    return np.array(
        [f"{a}{b:08d}{s:03d}{c}" for a, b, s, c in zip(area, birth_ymd, seq, check, strict=True)],
        dtype=object,
    )


def to_legacy15(id18: str) -> str:
    """The 15-digit form issued before 1999: no century, no check character."""
    return id18[:6] + id18[8:17]


def with_check(first17: str) -> str:
    return first17 + check_char(first17)
