"""The hardship label and the truth's segments (see README.md, "The hardship rule")."""

from __future__ import annotations

from .economy import MONTHS, Ledger, S
from .people import Household, Person

SUDDEN = {
    "illness",
    "death_earner",
    "job_loss",
    "business_failure",
    "divorce",
    "disaster",
    "online_debt",
    "disabled",
}
CAUSE_OF = {
    "illness": "疾病",
    "disabled": "疾病",
    "death_earner": "突发事件",
    "job_loss": "失业",
    "business_failure": "失业",
    "divorce": "其他",
    "disaster": "灾害",
    "online_debt": "其他",
}


def counted(hh: Household) -> list[Person]:
    return [p for p in hh.members if p.death_month < 0 and p.left_month < 0]


def household_type(mem: list[Person]) -> str:
    if len(mem) == 1:
        return "single"
    if mem and min(p.age() for p in mem) >= 60:
        return "elderly_only"
    if any(p.age() < 18 for p in mem):
        return "with_children"
    if any(p.disability for p in mem):
        return "with_disabled"
    return "other"


def judge(hh: Household, ledger: Ledger, programme: str) -> dict:
    mem = counted(hh)
    n = len(mem)
    net = ledger.net[hh.hukou_no]
    # half the last 6 months, half the last 12: seasonal income and one-off bills spread
    y = (sum(net[-6:]) / 6 + sum(net[-12:]) / 12) / 2 / max(1, n)
    resource = y + hh.savings / (24 * max(1, n))
    hard = int(n > 0 and resource < S)
    big = [
        (m, k, v)
        for m, k, v in hh.events
        if k in SUDDEN and (k != "illness" or v >= 3 * S * max(1, n))
    ]
    shock = int(any(m >= MONTHS - 12 for m, _, _ in big))
    registered = any(p.disability in (1, 2) and p.certified for p in mem)
    quiet = int(hard and not big and not registered)
    causes: list[str] = []
    for m, k, _ in sorted(big, key=lambda e: -e[0]):
        c = CAUSE_OF[k]
        if c not in causes and m >= MONTHS - 24:
            causes.append(c)
    gross6 = sum(ledger.gross[hh.hukou_no][-6:]) or 1.0
    if sum(ledger.medical[hh.hukou_no][-6:]) >= 0.15 * gross6 and "疾病" not in causes:
        causes.append("疾病")
    if sum(ledger.school[hh.hukou_no][-6:]) >= 0.15 * gross6:
        causes.append("就学")
    if any(p.disability in (1, 2) for p in mem):
        causes.append("残疾")
    earners = [p for p in mem if p.role in ("formal", "informal", "self") or p.wage > 0]
    head = hh.members[0] if hh.members[0] in mem else (mem[0] if mem else hh.members[0])
    if mem and head.age() >= 60 and not any(p.age() < 60 and p in earners for p in mem):
        causes.append("年老")
    able = [p for p in mem if 18 <= p.age() < 60 and p.role not in ("unable", "student")]
    if mem and (
        not able and any(p.age() < 60 for p in mem) or len(mem) - len(able) >= 2 * max(1, len(able))
    ):
        causes.append("缺乏劳动力")
    if any(p.role == "unemployed" for p in mem) and "失业" not in causes:
        causes.append("失业")
    if hh.debt > 6 * S * max(1, n) and "其他" not in causes:
        causes.append("其他")
    if not causes:
        causes.append("低收入" if earners else "其他")
    band = "none" if not n else "dibao" if y < S else "dibian" if y < 1.5 * S else "above"
    seen = sum(p.pension for p in mem) + sum(p.wage for p in mem if p.role == "formal")
    return {
        "hukou_no": hh.hukou_no,
        "hardship": hard,
        "causes": ";".join(causes) if hard else "",
        "street_code": hh.community.street,
        "household_type": household_type(mem),
        "head_age": head.age(),
        "shock": shock,
        "quiet": quiet,
        "community_code": hh.community.code,
        "members": n,
        "income_pc": round(y, 2),
        "income_seen_pc": round(seen / max(1, n), 2),
        "savings": round(hh.savings, 2),
        "debt": round(hh.debt, 2),
        "band": band,
        "programme": programme,
        "template": hh.template,
    }
