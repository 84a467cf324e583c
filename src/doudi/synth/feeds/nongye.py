"""农业农村 feeds."""

from __future__ import annotations

import random
from collections.abc import Iterator

from doudi.synth.feeds.common import Row, is_alive
from doudi.synth.world import World


def nongye_fangfanpin(w: World, rng: random.Random) -> Iterator[Row]:
    seq = int(rng.random() * 1e4)
    for hh in w.pop.households:
        m = w.monitoring.get(hh.hukou_no)
        if m is None:
            continue
        seq += 1
        household_no = f"FP420106{seq:06d}"
        for i, p in enumerate((q for q in hh.members if is_alive(w, q)), start=1):
            yield (
                p.person_id,
                [
                    f"{household_no}{i:02d}",
                    household_no,
                    p.id_number,
                    p.name,
                    p.relation,
                    m.monitor_type,
                    m.risk,
                    m.identified,
                    m.cleared,
                    m.per_capita_income_fen,
                ],
                None,
            )
