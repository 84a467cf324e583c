"""Households drawn from composition templates, and each person's work, pension and health."""

from __future__ import annotations

import math
import random

from .people import Community, Household, Namer, Person

TEMPLATES = (
    ("single_young", 0.10),
    ("single_mid", 0.06),
    ("single_old", 0.11),
    ("old_couple", 0.12),
    ("couple", 0.10),
    ("family", 0.24),
    ("single_parent", 0.05),
    ("three_gen", 0.09),
    ("old_with_disabled", 0.03),
    ("old_with_adult", 0.07),
    ("migrant_pair", 0.03),
)
MIN_WAGE, BASE_FLOOR = 2210.0, 4077.0


def _members(t: str, nm: Namer, r: random.Random) -> list[Person]:
    sur = r.choice("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
    mig = r.random() < (0.45 if t == "migrant_pair" else 0.18)
    sx = "男" if r.random() < 0.5 else "女"
    other = "女" if sx == "男" else "男"

    def p(rel, sex, lo, hi, same=True):
        return nm.person(rel, sex, nm.birth(lo, hi), mig, sur if same else None)

    if t == "single_young":
        return [p("户主", sx, 20, 40)]
    if t == "single_mid":
        return [p("户主", sx, 41, 59)]
    if t == "single_old":
        return [p("户主", "女" if r.random() < 0.62 else "男", 60, 92)]
    if t == "old_couple":
        h = p("户主", "男", 62, 90)
        return [h, p("配偶", "女", max(60, h.age() - 6), h.age(), same=False)]
    if t in ("couple", "migrant_pair"):
        h = p("户主", "男", 24, 58)
        return [h, p("配偶", "女", max(22, h.age() - 6), h.age() + 2, same=False)]
    if t in ("family", "single_parent"):
        h = p("户主", sx if t == "single_parent" else "男", 26, 52)
        out = [h]
        if t == "family":
            out.append(p("配偶", "女", max(24, h.age() - 5), h.age() + 2, same=False))
        for _ in range(1 if r.random() < 0.55 else 2):
            ks = "男" if r.random() < 0.52 else "女"
            out.append(p("子" if ks == "男" else "女", ks, 0, min(22, h.age() - 22)))
        return out
    if t == "three_gen":
        g = p("户主", "男", 60, 85)
        out = [g]
        if r.random() < 0.7:
            out.append(p("配偶", "女", 58, g.age(), same=False))
        c = p("子", "男", 30, min(58, g.age() - 22))
        out += [c, p("儿媳", "女", 28, c.age() + 2, same=False)]
        out.append(p("孙子" if r.random() < 0.5 else "孙女", "男", 0, min(17, c.age() - 22)))
        return out
    if t == "old_with_disabled":
        par = p("户主", other, 60, 85)
        return [par, p("子", sx, 25, min(55, par.age() - 20))]
    par = p("户主", other, 62, 88)
    return [par, p("子" if sx == "男" else "女", sx, 25, min(50, par.age() - 22))]


def _work(pe: Person, hh: Household, r: random.Random, forced_unable: bool) -> None:
    a, affl = pe.age(), hh.community.affluence
    if a < 18:
        pe.role = "child"
        return
    if a <= 22 and r.random() < 0.55:
        pe.role = "student"
        return
    if forced_unable or pe.disability in (1, 2) and a < 60:
        pe.role = "unable"
        return
    if a >= 60 or (pe.sex == "女" and a >= 55 and r.random() < 0.6):
        pe.role = "retired"
        u = r.random()
        if u < 0.64 - (0.2 if pe.migrant else 0):
            pe.pension_scheme = "职工"
            pe.pension = max(1800.0, r.lognormvariate(math.log(3500 * affl**0.5), 0.32))
        elif u < 0.93:
            pe.pension_scheme = "城乡居民"
            pe.pension = round(r.uniform(260, 560))
        if a < 70 and pe.pension < 1000 and r.random() < 0.35:
            pe.wage = r.lognormvariate(math.log(1800), 0.4)  # seasonal odd jobs
        return
    u = r.random() - (0.08 if pe.migrant else 0)
    if u < 0.50:
        pe.role = "formal"
        pe.wage = max(MIN_WAGE, r.lognormvariate(math.log(5600 * affl), 0.45))
        pe.employer = r.randint(1, 400)
        pe.gjj = r.random() < min(0.9, 0.35 + pe.wage / 14000)
        pe.insured = "职工"
    elif u < 0.76:
        pe.role = "informal"
        pe.wage = r.lognormvariate(math.log(4600 * affl**0.5), 0.5)
        pe.flex_pension = r.random() < 0.28
    elif u < 0.84:
        pe.role = "self"
        pe.wage = r.lognormvariate(math.log(5000 * affl), 0.8)
    elif u < 0.89:
        pe.role = "unemployed"
    else:
        pe.role = "home"
    if pe.role == "home" and len(hh.members) == 1:
        pe.role, pe.wage = "informal", r.lognormvariate(math.log(3000), 0.5)
    if pe.role in ("informal", "unemployed", "home") and r.random() < 0.03:
        pe.insured = "无"


def _health(pe: Person, r: random.Random) -> None:
    a = pe.age()
    if r.random() < (0.015 if a < 18 else 0.03 if a < 60 else 0.08):
        pe.disability = r.choices((1, 2, 3, 4), (0.15, 0.25, 0.3, 0.3))[0]
        pe.certified = r.random() < 0.78
        pe.disability_type = r.choice(
            ("视力", "听力", "言语", "肢体", "肢体", "智力", "精神", "多重")
        )
    p = 0.02 if a < 40 else 0.11 if a < 60 else 0.30 if a < 75 else 0.45
    if r.random() < p:
        pe.chronic = r.choices((1, 2, 3), (0.5, 0.35, 0.15))[0]
        pe.chronic_registered = r.random() < (0.35 + 0.2 * pe.chronic)


def build(n: int, communities: list[Community], nm: Namer, r: random.Random) -> list[Household]:
    names, weights = zip(*TEMPLATES, strict=True)
    cw = [1.0 / c.affluence for c in communities]
    out = []
    seqs: dict[str, int] = {}
    for _ in range(n):
        t = r.choices(names, weights)[0]
        c = r.choices(communities, cw)[0]
        seqs[c.code] = seqs.get(c.code, 0) + 1
        mem = _members(t, nm, r)
        addr = f"武汉市武昌区{c.street_name}{c.name}{r.randint(1, 60)}号{r.randint(1, 8)}栋{r.randint(1, 30)}0{r.randint(1, 6)}室"
        hh = Household(f"{c.code}{seqs[c.code]:04d}", c, t, mem, addr)
        for i, pe in enumerate(mem):
            _health(pe, r)
            forced = t == "old_with_disabled" and i == 1
            if forced:
                pe.disability = r.choice((1, 2))
                pe.certified = r.random() < 0.85
                pe.disability_type = r.choice(("智力", "精神", "肢体", "多重"))
            _work(pe, hh, r, forced)
        _assets(hh, r)
        out.append(hh)
    return out


def _assets(hh: Household, r: random.Random) -> None:
    inc = sum(p.wage + p.pension for p in hh.members)
    affl = hh.community.affluence
    head_age = hh.members[0].age()
    hh.home = r.random() < min(0.92, 0.55 * affl + (0.15 if head_age > 45 else 0))
    hh.second_home = hh.home and r.random() < 0.06 * affl + inc / 200000
    if r.random() < min(0.75, inc / 25000):
        hh.car_price = round(r.lognormvariate(math.log(110000), 0.5), -2)
    months = r.lognormvariate(math.log(2 + head_age / 8 + max(0, inc - 6000) / 2500), 0.9)
    if r.random() < (0.25 if inc < 3000 * len(hh.members) / 2 else 0.07):
        months = r.uniform(0, 1.2)  # hand to mouth
    hh.savings = round(months * max(inc, 900), 2)
    elderly_only = all(p.age() >= 60 for p in hh.members)
    low = sum(p.pension for p in hh.members) / len(hh.members) < 1200
    if elderly_only and r.random() < (0.85 if low else 0.5):
        hh.family_help = (
            r.lognormvariate(math.log(800 if low else 500), 0.5) * len(hh.members) ** 0.5
        )
    if hh.template == "single_parent" and r.random() < 0.7:
        hh.child_support = r.uniform(600, 1500)
