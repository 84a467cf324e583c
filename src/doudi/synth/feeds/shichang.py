"""市场监管 feeds."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from doudi.synth.feeds.common import Row
from doudi.synth.world import World


def shichang_business(w: World, rng: random.Random) -> Iterator[Row]:
    for b in sorted(w.businesses, key=lambda b: b.code):
        p = b.owner
        yield (
            p.person_id,
            [
                b.code,
                b.name,
                b.kind,
                p.id_number,
                p.name,
                p.phone or None,
                b.capital_fen,
                b.established,
                b.status,
                b.address,
                b.industry,
            ],
            None,
        )


def shichang_shareholding(w: World, rng: random.Random) -> Iterator[Row]:
    seq = int(rng.random() * 1e6)
    for b in w.businesses:
        for p, share in b.holders:
            subscribed = (
                None if b.capital_fen is None else int(b.capital_fen * share / 100) // 100 * 100
            )
            paid = subscribed if subscribed is not None and rng.random() < 0.3 else 0
            invest = (
                b.established
                if rng.random() < 0.4
                else dt.date(b.established.year + 10 + int(rng.random() * 20), 12, 31)
            )
            seq += 1 + int(rng.random() * 9)
            yield (
                p.person_id,
                [
                    f"CZ{seq:010d}",
                    b.code,
                    b.name,
                    p.id_number,
                    p.name,
                    subscribed,
                    paid,
                    f"{share:.2f}",
                    invest,
                ],
                None,
            )
