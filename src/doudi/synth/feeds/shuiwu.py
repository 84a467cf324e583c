"""税务 feeds."""

from __future__ import annotations

import random
from collections.abc import Iterator

from doudi.synth.feeds.common import Row
from doudi.synth.population import FLEXIBLE, Person
from doudi.synth.world import WINDOW_MONTHS, World

_BRACKETS = (
    (300_000, 3, 0),
    (1_200_000, 10, 21_000),
    (2_500_000, 20, 141_000),
    (3_500_000, 25, 266_000),
    (5_500_000, 30, 441_000),
    (8_000_000, 35, 716_000),
    (10**12, 45, 1_516_000),
)


def wage_tax(income_fen: int) -> int:
    """Monthly withholding on wages (simplified: 5,000 元 allowance, 10.5% insurance)."""
    taxable = income_fen - 500_000 - income_fen * 105 // 1000
    if taxable <= 0:
        return 0
    for upper, rate, quick in _BRACKETS:
        if taxable <= upper:
            return max(0, taxable * rate // 100 - quick)
    raise AssertionError


def shuiwu_income_tax(w: World, rng: random.Random) -> Iterator[Row]:
    by_month: list[list[tuple[Person, list]]] = [[] for _ in range(WINDOW_MONTHS)]
    persons = {p.person_id: p for p in w.pop.persons()}
    for pid, work in w.work.items():
        if work.employer is None or work.wage_fen < 500_000:
            continue
        p = persons[pid]
        for m in range(work.start, work.end):
            income = work.wage_fen
            if w.months[m].month == 1 and rng.random() < 0.5:
                income += work.wage_fen * int(1 + rng.random() * 3)  # year-end bonus
            by_month[m].append(
                (
                    p,
                    [
                        "工资薪金所得",
                        income,
                        wage_tax(income),
                        work.employer.name,
                        work.employer.code,
                    ],
                )
            )
    employers = w.employers
    for p in w.pop.persons():
        if p.employment == FLEXIBLE and p.person_id not in w.death and rng.random() < 0.1:
            for _ in range(1 + int(rng.random() * 4)):
                m = int(rng.random() * WINDOW_MONTHS)
                income = int(rng.uniform(800, 6_000)) * 100
                tax = max(0, (income - 80_000) * 20 // 100)
                e = employers[int(rng.random() * len(employers))]
                by_month[m].append((p, ["劳务报酬所得", income, tax, e.name, e.code]))
    for b in w.businesses:
        if b.status != "存续":
            continue
        if b.kind in ("个体工商户", "个人独资企业", "合伙企业") and rng.random() < 0.6:
            monthly = int(rng.uniform(3_000, 20_000))
            for m in range(WINDOW_MONTHS):
                if w.months[m].month % 3 == 0:
                    income = monthly * 3 * 100
                    tax = income * (5 if income < 9_000_000 else 10) // 1000
                    by_month[m].append((b.owner, ["经营所得", income, tax, b.name, b.code]))
        elif b.kind == "有限责任公司" and rng.random() < 0.3:
            m = next(i for i, d in enumerate(w.months) if d.month == 6)
            income = int(rng.uniform(20_000, 300_000)) * 100
            by_month[m].append((b.owner, ["利息股息红利所得", income, income // 5, b.name, b.code]))
    for hh in w.pop.households:
        if w.extra_homes.get(hh.hukou_no) and rng.random() < 0.3:
            rent = int(rng.uniform(1_500, 4_500)) * 100
            for m in range(WINDOW_MONTHS):
                by_month[m].append(
                    (
                        hh.head,
                        ["财产租赁所得", rent, max(0, (rent - 80_000) * 10 // 100), None, None],
                    )
                )
    seq = int(rng.random() * 1e6)
    for m, rows in enumerate(by_month):
        tag = f"{w.months[m]:%Y%m}"
        for p, (item, income, tax, who, code) in rows:
            seq += 1
            yield (
                p.person_id,
                [
                    f"3{tag}{seq:011d}",
                    p.id_number,
                    p.name,
                    w.months[m],
                    item,
                    income,
                    tax,
                    who,
                    code,
                ],
                None,
            )
