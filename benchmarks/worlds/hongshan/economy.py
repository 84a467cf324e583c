"""The month-by-month economy of each household over 36 months up to the as-of date, the
bureau's programmes as it runs them, and the events the departments record."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from .people import Household, Person
from .population import BASE_FLOOR

MONTHS = 36
START = dt.date(2023, 12, 1)
S = 1050.0  # 低保 standard, 元 per person per month (this world's)
SEASON = (0.35, 0.45, 1.0, 1.1, 1.15, 1.05, 0.7, 0.6, 1.0, 1.15, 1.1, 0.85)  # Jan..Dec
SCHOOL = {"kg": 500, "primary": 140, "middle": 220, "high": 750, "uni": 1700}
MORTALITY = ((50, 0.0002), (65, 0.0006), (75, 0.0016), (85, 0.0045), (200, 0.012))
HOSPITAL = ((18, 0.002), (40, 0.003), (60, 0.007), (75, 0.015), (200, 0.028))


def month_date(m: int, day: int = 1) -> dt.date:
    y, mo = divmod(START.month - 1 + m, 12)
    return dt.date(START.year + y, mo + 1, min(day, 28))


@dataclass
class Ledger:
    """Everything the departments could record, plus what the truth needs."""

    contrib: list = field(default_factory=list)  # pid, m, employer, base, insurance
    gjj: list = field(default_factory=list)  # pid, m, employer, base
    unemp: list = field(default_factory=list)  # pid, date, benefit, months, reason, cancelled
    inpatient: list = field(default_factory=list)  # pid, admit, discharge, total, fund, diag
    outpatient: list = field(default_factory=list)  # pid, date, total, fund, med_type, diag
    diagnosis: list = field(default_factory=list)  # pid, date, disease
    deaths: list = field(default_factory=list)  # pid, date, cause
    divorces: list = field(default_factory=list)  # pid, spouse pid, date
    disasters: list = field(default_factory=list)  # hukou, pid, date, type, damage, loss, relief, n
    spells: list = field(default_factory=list)  # hukou, category, start m, end m|None, amount, n
    business: list = field(default_factory=list)  # pid, established, status, capital
    net: dict = field(default_factory=dict)  # hukou -> monthly net list
    gross: dict = field(default_factory=dict)  # hukou -> monthly gross income list
    medical: dict = field(default_factory=dict)
    school: dict = field(default_factory=dict)


DISEASES = (
    ("恶性肿瘤", "C34.9"),
    ("脑梗死", "I63.9"),
    ("急性心肌梗死", "I21.9"),
    ("慢性肾衰竭", "N18.5"),
    ("白血病", "C92.0"),
    ("股骨骨折", "S72.0"),
)
ORDINARY = (
    ("肺炎", "J18.9"),
    ("胆囊结石", "K80.2"),
    ("高血压", "I10"),
    ("糖尿病", "E11.9"),
    ("腰椎间盘突出", "M51.2"),
    ("支气管炎", "J40"),
)
CHRONIC = ("高血压", "糖尿病", "慢性阻塞性肺疾病", "冠心病", "类风湿关节炎", "精神分裂症")


def _rate(table, age: int) -> float:
    return next(p for lim, p in table if age < lim)


def school_cost(p: Person, m: int) -> float:
    d = month_date(m)
    if d.month in (2, 7, 8):
        return 0.0
    a = p.age(d)
    if p.role == "student":
        return SCHOOL["uni"]
    if p.role != "child" or a < 3:
        return 0.0
    stage = "kg" if a < 6 else "primary" if a < 12 else "middle" if a < 15 else "high"
    return SCHOOL[stage]


class Sim:
    def __init__(self, rng: random.Random, ledger: Ledger):
        self.r, self.L = rng, ledger
        self.year_factor: dict[tuple[str, int], float] = {}
        self.benefit_left: dict[str, int] = {}
        self.sick: dict[str, int] = {}
        self.income_seen: dict[str, float] = {}
        self.med_recent: dict[str, float] = {}

    # ------------------------------------------------------------ one person's month
    def income(self, p: Person, m: int) -> tuple[float, float]:
        """(take-home income, the part a bureau investigation would see)."""
        r, d = self.r, month_date(m)
        if p.death_month >= 0 and m >= p.death_month or 0 <= p.left_month <= m:
            return 0.0, 0.0
        sick = self.sick.get(p.pid, 0) > m
        if p.role == "formal":
            self.L.contrib.append(
                (p.pid, m, p.employer, max(BASE_FLOOR, round(p.wage, -1)), "企业职工基本养老保险")
            )
            if p.gjj:
                self.L.gjj.append((p.pid, m, p.employer, round(p.wage, -1)))
            take = p.wage * (0.815 - (0.08 if p.gjj else 0))
            return (take * (0.6 if sick else 1.0), take)
        if p.role in ("informal", "retired") and p.wage > 0:
            yf = self.year_factor.setdefault((p.pid, d.year), r.lognormvariate(0, 0.22))
            idle = r.random() < 0.1 or sick
            earn = 0.0 if idle else p.wage * SEASON[d.month - 1] * yf
            if p.flex_pension and p.role == "informal":
                if earn > 1800 or r.random() < 0.3:
                    self.L.contrib.append((p.pid, m, 0, BASE_FLOOR, "灵活就业人员养老保险"))
                    earn -= BASE_FLOOR * 0.2
            return earn + p.pension, 0.5 * p.wage + p.pension
        if p.role == "self":
            earn = 0.0 if sick else p.wage * r.uniform(0.5, 1.35) * SEASON[d.month - 1] ** 0.5
            return earn, 0.5 * p.wage
        if p.role == "retired":
            return p.pension, p.pension
        if p.role == "unemployed" and self.benefit_left.get(p.pid, 0) > m:
            return 1800.0, 1800.0
        return 0.0, 0.0

    def medical(self, hh: Household, p: Person, m: int) -> float:
        """Out-of-pocket medical spending of the month (settlements recorded)."""
        r, d = self.r, month_date(m, 1)
        if p.death_month >= 0 and m >= p.death_month or 0 <= p.left_month <= m:
            return 0.0
        resident = p.insured == "居民"
        oop = 0.0
        if p.chronic:
            lo, hi = ((60, 220), (200, 700), (600, 1800))[p.chronic - 1]
            total = r.uniform(lo, hi)
            share = (0.6 if p.chronic_registered else 0.25) * (0.8 if resident else 1.0)
            if p.insured == "无":
                share = 0.0
            else:
                self.L.outpatient.append(
                    (
                        p.pid,
                        month_date(m, r.randint(1, 28)),
                        round(total, 2),
                        round(total * share, 2),
                        "门诊慢特病" if p.chronic_registered else "普通门诊",
                        CHRONIC[int(p.pid[1:]) % 6],
                    )
                )
            oop += total * (1 - share)
        elif r.random() < 0.12 and p.insured != "无":
            total = r.lognormvariate(math.log(220), 0.7)
            self.L.outpatient.append(
                (
                    p.pid,
                    month_date(m, r.randint(1, 28)),
                    round(total, 2),
                    round(total * 0.35, 2),
                    "普通门诊",
                    r.choice(ORDINARY)[0],
                )
            )
            oop += total * 0.65
        a = p.age(d)
        if r.random() < _rate(HOSPITAL, a) * (2.2 if p.chronic == 3 else 1.0):
            serious = r.random() < 0.16
            total = r.lognormvariate(math.log(11000 * (3.2 if serious else 1)), 0.7)
            rate = 0.0 if p.insured == "无" else (0.62 if resident else 0.78)
            diag = r.choice(DISEASES if serious else ORDINARY)
            admit = month_date(m, r.randint(1, 20))
            if p.insured != "无" and r.random() < 0.93:  # a few stays treated out of the area
                self.L.inpatient.append(
                    (
                        p.pid,
                        admit,
                        admit + dt.timedelta(days=r.randint(3, 21)),
                        round(total, 2),
                        round(total * rate, 2),
                        diag,
                    )
                )
            oop += total * (1 - rate)
            hh.events.append((m, "illness", total * (1 - rate)))
            if serious:
                if r.random() < 0.7:
                    self.L.diagnosis.append((p.pid, admit, diag[0]))
                self.sick[p.pid] = m + r.randint(2, 6)
                if p.role in ("formal", "informal", "self") and r.random() < 0.3:
                    p.role, p.wage = "unable", 0.0
                    hh.events.append((m, "disabled", 0.0))
                if not p.chronic and r.random() < 0.5:
                    p.chronic, p.chronic_registered = 3, r.random() < 0.5
        return oop

    # ------------------------------------------------------------ shocks
    def shocks(self, hh: Household, m: int, alive: list[Person]) -> float:
        """The month's sudden events; returns money leaving savings directly."""
        r, d = self.r, month_date(m)
        out = 0.0
        if not alive:
            return 0.0
        for p in alive:
            a = p.age(d)
            if r.random() < _rate(MORTALITY, a) * (3 if p.chronic == 3 else 1):
                p.death_month = m
                day = month_date(m, r.randint(1, 28))
                self.L.deaths.append((p.pid, day, "恶性肿瘤" if p.chronic == 3 else "循环系统疾病"))
                funeral = r.uniform(15000, 40000)
                out += funeral
                earner = p.wage > 0 or p.pension > 2000
                hh.events.append((m, "death_earner" if earner else "death", funeral))
                if p.pension_scheme == "职工":
                    out -= r.uniform(15000, 40000)  # survivor lump sum
                continue
            if p.role == "formal" and r.random() < 0.0045 * (1.7 if a >= 45 else 1):
                self.job_loss(hh, p, m)
            elif p.role == "self" and r.random() < 0.004:
                debt = r.uniform(20000, 120000)
                hh.debt += debt
                hh.debt_payment = hh.debt / 30
                hh.events.append((m, "business_failure", debt))
                self.L.business.append((p.pid, None, "注销" if r.random() < 0.7 else "吊销", m))
                p.role, p.wage = "informal", r.lognormvariate(math.log(2800), 0.4)
            elif p.role == "unemployed" and r.random() < 0.045:
                p.role, p.wage = "informal", r.lognormvariate(math.log(2700), 0.45)
            elif p.role == "informal" and a < 40 and r.random() < 0.0018:
                loan = r.uniform(15000, 60000)  # online lending / a scam
                hh.debt += loan
                hh.debt_payment = hh.debt / 15
                hh.events.append((m, "online_debt", loan))
        spouses = [p for p in alive if p.relation in ("户主", "配偶") and p.death_month < 0]
        kids = any(p.role == "child" for p in alive)
        if len(spouses) == 2 and kids and spouses[0].age(d) < 56 and r.random() < 0.0013:
            leaver = spouses[0] if r.random() < 0.6 else spouses[1]
            stay = spouses[1] if leaver is spouses[0] else spouses[0]
            leaver.left_month = m
            day = month_date(m, r.randint(1, 28))
            self.L.divorces.append((leaver.pid, stay.pid, day))
            out += hh.savings * r.uniform(0.35, 0.6)
            hh.child_support = r.uniform(500, 1500) if r.random() < 0.5 else 0.0
            hh.events.append((m, "divorce", 0.0))
        alive = [p for p in alive if p.death_month < 0 and p.left_month < 0]
        if not alive:
            return out
        if hh.community.low_lying and d.month == 7 and d.year >= 2024 and r.random() < 0.2:
            out += self.disaster(hh, m, alive, "洪涝")
        elif r.random() < 0.0003:
            out += self.disaster(hh, m, alive, "火灾")
        return out

    def job_loss(self, hh: Household, p: Person, m: int) -> None:
        r = self.r
        p.role = "unemployed"
        hh.events.append((m, "job_loss", p.wage))
        if r.random() < 0.55:
            months = r.randint(6, 14)
            self.benefit_left[p.pid] = m + months
            reason = r.choice(("解除劳动合同", "劳动合同期满", "单位破产关闭"))
            self.L.unemp.append(
                (p.pid, month_date(m, r.randint(1, 28)), 1800, months, reason, r.random() < 0.6)
            )

    def disaster(self, hh: Household, m: int, alive: list[Person], kind: str) -> float:
        r = self.r
        loss = r.uniform(4000, 45000)
        damage = r.choice(
            ("一般损坏", "一般损坏", "严重损坏", "倒塌" if kind == "火灾" else "严重损坏")
        )
        relief = round(r.uniform(500, 3000), -2) if r.random() < 0.7 else 0.0
        day = month_date(m, r.randint(3, 25))
        self.L.disasters.append(
            (hh.hukou_no, alive[0].pid, day, kind, damage, round(loss, -2), relief, len(alive))
        )
        hh.events.append((m, "disaster", loss - relief))
        return loss - relief

    # ------------------------------------------------------------ the bureau
    def assessed(self, hh: Household, alive: list[Person], m: int) -> float:
        """Per-capita income as an investigation would find it (劳动力系数 imputed)."""
        total = 0.0
        for p in alive:
            seen = self.income_seen.get(p.pid, 0.0)
            if (
                seen == 0
                and 18 <= p.age(month_date(m)) < 55
                and p.role in ("unemployed", "home", "informal")
            ):
                seen = 0.6 * 2210
            total += seen
        return total / max(1, len(alive))

    def programme(self, hh: Household, m: int, alive: list[Person], state: dict) -> float:
        """Enrolment, reviews and lapses; returns the month's cash benefit."""
        r = self.r
        n = len(alive)
        if not n:
            return 0.0
        cat = state.get("cat")
        due = (m - state["offset"]) % 12 == 0
        if cat and due and r.random() < 0.75:  # a quarter of the reviews are skipped (stale)
            a = self.assessed(hh, alive, m)
            if cat in ("低保", "特困") and a >= S * 1.05 or cat == "低保边缘" and a >= 1.5 * S:
                self.L.spells.append((hh.hukou_no, cat, state["start"], m, state["amount"], n))
                state.update(cat=None, refused=m)
                cat = None
            elif cat == "低保":
                state["amount"] = max(150.0, round((S - a) * n, -1))
        if (
            not cat
            and m - state.get("refused", -99) > 6
            and state["claims"]
            and r.random() < state["pace"]
        ):
            a = self.assessed(hh, alive, m)
            rich = hh.savings > 24 * S * n or hh.car_price > 80000 or hh.second_home
            if not rich and a < S:
                single = n == 1 and (alive[0].age() >= 60 or alive[0].role == "unable")
                cat = "特困" if single and a < S and r.random() < 0.6 else "低保"
                amount = round(1.3 * S, -1) if cat == "特困" else max(150.0, round((S - a) * n, -1))
                state.update(cat=cat, start=m, amount=amount)
            elif not rich and a < 1.5 * S and self.med_recent.get(hh.hukou_no, 0) > 0.2 * a * n:
                state.update(cat="低保边缘", start=m, amount=0.0)
        if state.get("cat") in ("低保", "特困"):
            return float(state["amount"])
        return 0.0

    # ------------------------------------------------------------ one household
    def run(self, hh: Household) -> dict:
        r = self.r
        state = {
            "offset": r.randint(0, 11),
            "claims": r.random() < 0.42,
            "pace": r.choice((0.03, 0.08, 0.25)),
        }
        n0 = len(hh.members)
        if (
            sum(p.wage * 0.6 + p.pension for p in hh.members) / n0 < S
            and state["claims"]
            and r.random() < 0.5
        ):
            # enrolled before the window (a review may stop it)
            state.update(cat="低保", start=-r.randint(1, 48), amount=round(S * 0.5 * n0, -1))
        self.income_seen = {}
        net_l, gross_l, med_l, sch_l = [], [], [], []
        self.med_recent[hh.hukou_no] = 0.0
        for m in range(MONTHS):
            alive = [
                p
                for p in hh.members
                if (p.death_month < 0 or p.death_month > m) and not (0 <= p.left_month <= m)
            ]
            gross = seen_total = 0.0
            for p in alive:
                inc, seen = self.income(p, m)
                self.income_seen[p.pid] = seen
                gross += inc
                seen_total += seen
            med = sum(self.medical(hh, p, m) for p in alive)
            sch = sum(school_cost(p, m) for p in alive)
            direct = self.shocks(hh, m, alive)
            alive = [p for p in alive if p.death_month < 0 and p.left_month < 0]
            self.med_recent[hh.hukou_no] = 0.8 * self.med_recent[hh.hukou_no] + med
            benefit = self.programme(hh, m, alive, state)
            if state.get("cat") in ("低保", "特困", "低保边缘"):
                med *= 0.3 if state["cat"] != "低保边缘" else 0.5
                sch *= 0.4
            temp = 0.0
            if direct + med > 8000 and hh.savings < 15000 and r.random() < 0.35 and alive:
                temp = round(r.uniform(2, 5) * S, -2)
                self.L.spells.append((hh.hukou_no, "临时救助", m, m, temp, len(alive)))
            income = gross + benefit + hh.family_help + hh.child_support
            pay = min(hh.debt, hh.debt_payment, 0.3 * max(0.0, income))
            hh.debt -= pay
            net = income - med - sch - pay
            n = max(1, len(alive))
            need = 820 * n**0.75
            spend = need + 0.72 * max(0.0, net - need)
            hh.savings += net - spend - direct + temp
            if hh.savings < 0:
                # part borrowed (relatives, credit cards), the rest simply not spent
                hh.debt += -0.25 * hh.savings
                hh.debt_payment = max(hh.debt_payment, hh.debt / 36)
                hh.savings = 0.0
            hh.savings *= 1.0015
            net_l.append(net + temp)
            gross_l.append(income)
            med_l.append(med)
            sch_l.append(sch)
        if state.get("cat"):
            self.L.spells.append(
                (hh.hukou_no, state["cat"], state["start"], None, state["amount"], len(alive))
            )
        self.L.net[hh.hukou_no], self.L.gross[hh.hukou_no] = net_l, gross_l
        self.L.medical[hh.hukou_no], self.L.school[hh.hukou_no] = med_l, sch_l
        return state


def simulate(households: list[Household], rng: random.Random) -> Ledger:
    ledger = Ledger()
    sim = Sim(rng, ledger)
    for hh in households:
        _prehistory(hh, rng, ledger)
        sim.run(hh)
    return ledger


def _prehistory(hh: Household, r: random.Random, ledger: Ledger) -> None:
    """Spells that started before the window: some still held, some long lapsed."""
    poor = sum(p.wage + p.pension for p in hh.members) / len(hh.members) < 1.3 * S
    if poor and r.random() < 0.22:
        start = -r.randint(6, 60)
        end = start + r.randint(6, 30)
        ledger.spells.append(
            (
                hh.hukou_no,
                "低保",
                start,
                end if end < 0 else -1,
                round(S * 0.6, -1),
                len(hh.members),
            )
        )
