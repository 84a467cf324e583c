"""残联 feeds."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from doudi.synth.feeds.common import YEAR, Row, age_of, days_ago
from doudi.synth.population import DISABILITY
from doudi.synth.world import World

_DISABILITY_CODE = {"视力": 1, "听力": 2, "言语": 3, "肢体": 4, "智力": 5, "精神": 6, "多重": 7}


def canlian_disability(w: World, rng: random.Random) -> Iterator[Row]:
    for hh in w.pop.households:
        severe_case = hh.hardship and DISABILITY in hh.causes
        for p in hh.members:
            if p.disability_type is None:
                continue
            if rng.random() >= (0.97 if severe_case else 0.8):
                continue
            span = 6 * YEAR if severe_case else 15 * YEAR
            issued = days_ago(w, rng, 30, span)
            if issued <= p.birth_date:
                issued = p.birth_date + dt.timedelta(days=365 + int(rng.random() * 200))
                issued = min(issued, w.as_of - dt.timedelta(days=1))
            phone = p.phone or (hh.head.phone if age_of(w, p) < 18 else "")
            yield (
                p.person_id,
                [
                    f"{p.id_number}{_DISABILITY_CODE[p.disability_type]}{p.disability_grade}",
                    p.id_number,
                    p.name,
                    p.birth_date,
                    phone or None,
                    p.disability_type,
                    p.disability_grade,
                    issued,
                ],
                None,
            )
