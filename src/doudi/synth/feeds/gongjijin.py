"""公积金 feeds."""

from __future__ import annotations

import random
from collections.abc import Iterator

from doudi.synth.feeds.common import Row
from doudi.synth.feeds.renshe import contributors
from doudi.synth.world import WINDOW_MONTHS, World

FUND_BASE_MIN = 221_000
FUND_BASE_MAX = 3_000_000


def gongjijin_contribution(w: World, rng: random.Random) -> Iterator[Row]:
    items = []
    for p, work in contributors(w):
        if not work.fund_rate or work.employer is None:
            continue
        base = min(max(work.wage_fen, FUND_BASE_MIN), FUND_BASE_MAX)
        amount = int(base * work.fund_rate) * 2
        balance = int(rng.uniform(0, 40) * base)
        items.append(
            [
                p.person_id,
                work.fund_account,
                p.id_number,
                p.name,
                work.employer.name,
                work.start,
                work.end,
                base,
                amount,
                balance,
            ]
        )
    seq = int(rng.random() * 1e6)
    for m in range(WINDOW_MONTHS):
        month = w.months[m]
        tag = f"{month:%Y%m}"
        for item in items:
            pid, account, number, name, employer, start, end, base, amount, balance = item
            if start <= m < end:
                balance += amount
                item[9] = balance
                seq += 1
                yield (
                    pid,
                    [
                        f"{tag}{seq:09d}",
                        account,
                        number,
                        name,
                        employer,
                        month,
                        base,
                        amount,
                        balance,
                    ],
                    None,
                )
