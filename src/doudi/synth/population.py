"""The synthetic district's people: households, persons and their hidden ground truth.

:func:`build_population` returns an in-memory :class:`Population`; writers (``writers.py``)
turn it into department feeds and truth files. Every department's feed is meant to be derived
from the same people, so each :class:`Person` carries the hidden attributes a department would
know about them (disability, illness, employment, wage, pension, schooling, self-care …).

All randomness comes from one ``random.Random(seed)`` consumed in a fixed order; nothing reads
the clock. Standard library only.

Household structures and their shares (Wuchang's hukou households average ~1.6 persons, so
one-person households dominate):

============================  =====  ==========================================================
structure                     share  members
============================  =====  ==========================================================
elderly_alone                 20.0%  one person aged 60+
single_adult                  41.0%  one adult 18–59 (5% with a sibling, 1% with an unrelated
                                     member 其他)
elderly_couple                11.0%  a couple, both 58+, at least one 60+
couple_no_children             8.5%  a working-age couple
family_with_minors             9.0%  a couple with 1–3 minors
single_parent                  3.0%  one parent with 1–2 minors
three_generations              2.7%  grandparent(s), a couple, grandchildren
adult_child_with_parents       4.8%  elderly parent(s) with one unmarried adult child
============================  =====  ==========================================================
"""

from __future__ import annotations

import datetime as dt
import math
import random
from bisect import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate

from doudi.engine import idnumber
from doudi.synth import communities as communities_mod
from doudi.synth.areas import AreaSampler
from doudi.synth.communities import Community, Street
from doudi.synth.names import NameSampler

YEAR = 365.2425

ELDERLY_ALONE = "elderly_alone"
ELDERLY_COUPLE = "elderly_couple"
SINGLE_ADULT = "single_adult"
COUPLE_NO_CHILDREN = "couple_no_children"
FAMILY_WITH_MINORS = "family_with_minors"
SINGLE_PARENT = "single_parent"
THREE_GENERATIONS = "three_generations"
ADULT_CHILD_WITH_PARENTS = "adult_child_with_parents"

STRUCTURE_SHARES: tuple[tuple[str, float], ...] = (
    (ELDERLY_ALONE, 0.200),
    (SINGLE_ADULT, 0.410),
    (ELDERLY_COUPLE, 0.110),
    (COUPLE_NO_CHILDREN, 0.085),
    (FAMILY_WITH_MINORS, 0.090),
    (SINGLE_PARENT, 0.030),
    (THREE_GENERATIONS, 0.027),
    (ADULT_CHILD_WITH_PARENTS, 0.048),
)

RELATIONS = (
    "户主",
    "配偶",
    "子",
    "女",
    "父亲",
    "母亲",
    "孙子",
    "孙女",
    "儿媳",
    "女婿",
    "兄弟姐妹",
    "其他",
)
_RELATION_RANK = {r: i for i, r in enumerate(RELATIONS)}

ILLNESS = "illness"
DISABILITY = "disability"
UNEMPLOYMENT = "unemployment"
SCHOOLING = "schooling"
OLD_AGE_ALONE = "old_age_alone"
SUDDEN_EVENT = "sudden_event"
CAUSES = (ILLNESS, DISABILITY, UNEMPLOYMENT, SCHOOLING, OLD_AGE_ALONE, SUDDEN_EVENT)

# Probability that a household of each structure is in hardship (elderly_alone: by age below).
HARDSHIP_RATE = {
    ELDERLY_COUPLE: 0.055,
    SINGLE_ADULT: 0.045,
    COUPLE_NO_CHILDREN: 0.03,
    FAMILY_WITH_MINORS: 0.065,
    SINGLE_PARENT: 0.22,
    THREE_GENERATIONS: 0.08,
    ADULT_CHILD_WITH_PARENTS: 0.09,
}
ELDERLY_ALONE_HARDSHIP = ((70, 0.08), (80, 0.14), (200, 0.22))  # (age below, rate)
SECOND_CAUSE_RATE = 0.25
CAUSE_WEIGHTS: dict[str, dict[str, float]] = {
    ELDERLY_ALONE: {OLD_AGE_ALONE: 0.55, ILLNESS: 0.25, DISABILITY: 0.15, SUDDEN_EVENT: 0.05},
    ELDERLY_COUPLE: {ILLNESS: 0.55, DISABILITY: 0.35, SUDDEN_EVENT: 0.10},
    SINGLE_ADULT: {UNEMPLOYMENT: 0.40, ILLNESS: 0.25, DISABILITY: 0.27, SUDDEN_EVENT: 0.08},
    COUPLE_NO_CHILDREN: {UNEMPLOYMENT: 0.40, ILLNESS: 0.35, DISABILITY: 0.17, SUDDEN_EVENT: 0.08},
    FAMILY_WITH_MINORS: {
        UNEMPLOYMENT: 0.30,
        ILLNESS: 0.27,
        SCHOOLING: 0.20,
        DISABILITY: 0.15,
        SUDDEN_EVENT: 0.08,
    },
    SINGLE_PARENT: {
        UNEMPLOYMENT: 0.40,
        SCHOOLING: 0.28,
        ILLNESS: 0.17,
        DISABILITY: 0.08,
        SUDDEN_EVENT: 0.07,
    },
    THREE_GENERATIONS: {
        ILLNESS: 0.32,
        SCHOOLING: 0.25,
        UNEMPLOYMENT: 0.20,
        DISABILITY: 0.15,
        SUDDEN_EVENT: 0.08,
    },
    ADULT_CHILD_WITH_PARENTS: {
        ILLNESS: 0.38,
        DISABILITY: 0.30,
        UNEMPLOYMENT: 0.25,
        SUDDEN_EVENT: 0.07,
    },
}

# Employment statuses (Person.employment).
INFANT = "infant"  # 0–2, at home (散居儿童)
PRESCHOOL = "preschool"  # 3–5
STUDENT = "student"
EMPLOYED = "employed"
FLEXIBLE = "flexible"  # 灵活就业
UNEMPLOYED = "unemployed"
NOT_IN_LABOUR_FORCE = "not_in_labour_force"
RETIRED = "retired"  # receives an employees' pension
NO_PENSION = "elderly_no_pension"  # 60+, urban-rural residents' basic pension only
_LABOUR = (EMPLOYED, FLEXIBLE, UNEMPLOYED, NOT_IN_LABOUR_FORCE)

DISABILITY_TYPES = (
    ("肢体", 50),
    ("视力", 12),
    ("听力", 12),
    ("言语", 2),
    ("智力", 8),
    ("精神", 12),
    ("多重", 4),
)
SERIOUS_ILLNESSES = (
    ("恶性肿瘤", 40),
    ("尿毒症", 10),
    ("脑卒中后遗症", 14),
    ("重性精神障碍", 8),
    ("慢性心力衰竭", 8),
    ("白血病", 4),
    ("肝硬化失代偿期", 5),
    ("器官移植术后", 2),
    ("系统性红斑狼疮", 3),
    ("帕金森病", 4),
    ("血友病", 1),
    ("重症肌无力", 1),
)
EARNER_DIED = "家庭主要劳动力死亡"
SUDDEN_EVENTS = (
    ("火灾", 15),
    ("交通事故", 30),
    ("突发重大疾病", 30),
    (EARNER_DIED, 20),
    ("自然灾害", 5),
)
PHONE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "170",
    "173",
    "175",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "184",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "193",
    "195",
    "198",
    "199",
)


@dataclass(slots=True)
class Person:
    """One resident. Everything but the hukou columns is hidden ground truth."""

    person_id: str
    hukou_no: str
    name: str
    sex: str  # "M" / "F"
    birth_date: dt.date
    area_code: str
    id_number: str
    relation: str  # to the household head (与户主关系)
    phone: str  # 11-digit mobile, "" for none
    marital: str  # single / married / divorced / widowed
    employment: str
    school_stage: str | None = None  # 幼儿园 小学 初中 高中 中职 大学
    monthly_wage_fen: int = 0
    monthly_pension_fen: int = 0
    disability_type: str | None = None  # 残疾类别
    disability_grade: int | None = None  # 1 (most severe) .. 4
    serious_illness: str | None = None
    self_care: str = "full"  # full / partial / none (生活自理能力)

    @property
    def sex_zh(self) -> str:
        return "男" if self.sex == "M" else "女"

    def age(self, on: dt.date) -> int:
        return age_on(self.birth_date, on)


@dataclass(slots=True)
class Household:
    hukou_no: str  # 9-digit 户号
    structure: str
    community: Community
    street: Street
    address: str
    members: list[Person] = field(default_factory=list)
    hardship: bool = False
    causes: tuple[str, ...] = ()
    sudden_event: str | None = None
    sudden_event_date: dt.date | None = None

    @property
    def head(self) -> Person:
        return self.members[0]


@dataclass(slots=True)
class Population:
    seed: int
    as_of: dt.date
    households: list[Household]  # sorted by hukou_no; members head first

    def persons(self) -> Iterator[Person]:
        for hh in self.households:
            yield from hh.members

    @property
    def person_count(self) -> int:
        return sum(len(hh.members) for hh in self.households)


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _cum(weights) -> list[float]:
    return list(accumulate(weights))


def _anniversary(on: dt.date, years_back: int) -> dt.date:
    try:
        return on.replace(year=on.year - years_back)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years_back, day=28)


# Age weights (index = age - lo).
def _elder_weights(lo: int, hi: int, decay: float) -> tuple[int, list[float]]:
    return lo, _cum(decay ** (a - lo) for a in range(lo, hi + 1))


def _piecewise(lo: int, hi: int, pieces: tuple[tuple[int, float], ...]) -> tuple[int, list[float]]:
    """pieces: (upper age inclusive, weight)."""
    weights = []
    for a in range(lo, hi + 1):
        for upper, w in pieces:
            if a <= upper:
                weights.append(w)
                break
    return lo, _cum(weights)


AGES_ELDER = _elder_weights(60, 100, 0.93)
AGES_ELDER_ALONE = _elder_weights(60, 100, 0.955)
AGES_SINGLE = _piecewise(18, 59, ((21, 0.6), (35, 1.4), (45, 1.0), (59, 0.8)))
AGES_COUPLE = _piecewise(22, 59, ((30, 1.3), (45, 0.7), (59, 1.0)))
AGES_MINOR = _piecewise(0, 17, ((17, 1.0),))
AGES_ADULT_CHILD = _piecewise(28, 64, ((40, 0.8), (55, 1.2), (64, 0.9)))


class _Builder:
    def __init__(self, seed: int, as_of: dt.date):
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.as_of_ord = as_of.toordinal()
        self.names = NameSampler(self.rng)
        self.areas = AreaSampler(self.rng)
        self.used_ids: set[str] = set()
        self.used_phones: set[str] = set()
        self.person_seq = 0
        self.anniv = [_anniversary(as_of, a).toordinal() for a in range(0, 122)]
        self.oldest_ord = self.anniv[101] + 1  # nobody older than 100
        self.structures = [s for s, _ in STRUCTURE_SHARES]
        self.structure_cum = _cum(w for _, w in STRUCTURE_SHARES)
        self.disability_cum = (
            [t for t, _ in DISABILITY_TYPES],
            _cum(w for _, w in DISABILITY_TYPES),
        )
        self.illness_cum = (
            [t for t, _ in SERIOUS_ILLNESSES],
            _cum(w for _, w in SERIOUS_ILLNESSES),
        )
        self.event_cum = ([t for t, _ in SUDDEN_EVENTS], _cum(w for _, w in SUDDEN_EVENTS))
        # A one-person household cannot lose its main earner and carry on: same draw, other table.
        alone = [(t, w) for t, w in SUDDEN_EVENTS if t != EARNER_DIED]
        self.event_cum_alone = ([t for t, _ in alone], _cum(w for _, w in alone))

    # ---- small helpers -------------------------------------------------------------------
    def pick(self, table: tuple[list, list[float]]):
        items, cum = table
        return items[bisect(cum, self.rng.random() * cum[-1])]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def birth_for_age(self, age: int) -> int:
        hi = self.anniv[age]
        return hi - int(self.rng.random() * (hi - self.anniv[age + 1]))

    def birth_from(self, ages: tuple[int, list[float]]) -> int:
        lo, cum = ages
        return self.birth_for_age(lo + bisect(cum, self.rng.random() * cum[-1]))

    def _age(self, birth_ord: int) -> int:
        return age_on(dt.date.fromordinal(birth_ord), self.as_of)

    def days(self, years_lo: float, years_hi: float) -> int:
        return int(years_lo * YEAR + self.rng.random() * (years_hi - years_lo) * YEAR)

    def spouse_gap(self) -> int:
        """Days by which the husband is older (mostly 0–5 years, sometimes the wife is older)."""
        years = self.rng.triangular(-3.0, 9.0, 1.5)
        return int(years * YEAR)

    def parents_for(self, child_births: list[int], *, father: bool = True, mother: bool = True):
        """Birth ordinals (father, mother) so that every child is 20–40 years younger than
        each parent (mothers 20.5–39.5). ``None`` when no solution was found quickly."""
        youngest, oldest = max(child_births), min(child_births)
        margin = 3
        if not mother:  # a father alone: 21-40 years older than each child
            lo, hi = youngest - int(40 * YEAR) + margin, oldest - int(21 * YEAR) - margin
            return (self._between(lo, hi), None) if lo <= hi else None
        for _ in range(12):
            diff = self.spouse_gap() if father else 0
            # constraints on the mother's birth ordinal m; the father's is m - diff
            lo = youngest - int(39.5 * YEAR) + margin
            hi = oldest - int(20.5 * YEAR) - margin
            if father:
                lo = max(lo, youngest - int(40 * YEAR) + diff + margin)
                hi = min(hi, oldest - int(20 * YEAR) + diff - margin)
            if lo <= hi:
                m = self._between(lo, hi)
                return (m - diff if father else None), m
        return None

    def _between(self, lo: int, hi: int) -> int:
        """lo..hi, favouring the middle (the mean of two uniform draws)."""
        return lo + int((self.rng.random() + self.rng.random()) / 2 * (hi - lo))

    # ---- people ---------------------------------------------------------------------------
    def new_id(self, area: str, birth: dt.date, sex: str) -> str:
        odd = 1 if sex == "M" else 0
        ymd = f"{birth.year:04d}{birth.month:02d}{birth.day:02d}"
        while True:
            seq = int(self.rng.random() * 500) * 2 + odd
            key = f"{area}{ymd}{seq:03d}"
            if key not in self.used_ids:
                self.used_ids.add(key)
                return idnumber.make(area, birth, seq)

    def new_phone(self, age: int) -> str:
        rng = self.rng
        if age < 16:
            return ""
        have = (
            0.7
            if age < 18
            else 0.99
            if age < 60
            else 0.88
            if age < 75
            else 0.68
            if age < 85
            else 0.45
        )
        if rng.random() >= have:
            return ""
        while True:
            phone = (
                PHONE_PREFIXES[int(rng.random() * len(PHONE_PREFIXES))]
                + f"{int(rng.random() * 1e8):08d}"
            )
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone

    def person(self, relation: str, sex: str, birth_ord: int, surname: str, marital: str) -> Person:
        birth = dt.date.fromordinal(birth_ord)
        age = age_on(birth, self.as_of)
        area = self.areas.sample(birth.year)
        p = Person(
            person_id="",
            hukou_no="",
            name=surname + self.names.given(sex, birth.year),
            sex=sex,
            birth_date=birth,
            area_code=area,
            id_number=self.new_id(area, birth, sex),
            relation=relation,
            phone=self.new_phone(age),
            marital=marital,
            employment="",
        )
        self.baseline(p, age)
        return p

    def baseline(self, p: Person, age: int) -> None:
        """Employment, schooling, income, disability and illness of an ordinary resident."""
        rng = self.rng
        r = rng.random()
        if age < 3:
            p.employment = INFANT
        elif age < 6:
            p.employment = PRESCHOOL
            p.school_stage = "幼儿园" if r < 0.9 else None
        elif age < 18:
            p.employment = STUDENT
            if age < 12:
                p.school_stage = "小学"
            elif age < 15:
                p.school_stage = "初中"
            elif r < 0.78:
                p.school_stage = "高中"
            elif r < 0.96:
                p.school_stage = "中职"
            else:
                p.employment, p.school_stage = NOT_IN_LABOUR_FORCE, None
        elif age < 60:
            retire_early = p.sex == "F" and age >= 50 and r < 0.55
            if age <= 22 and r < 0.55:
                p.employment, p.school_stage = STUDENT, "大学"
            elif retire_early or (age >= 55 and r < 0.25):
                p.employment = RETIRED
            else:
                r2 = rng.random()
                p.employment = (
                    EMPLOYED
                    if r2 < 0.79
                    else FLEXIBLE
                    if r2 < 0.87
                    else UNEMPLOYED
                    if r2 < 0.915
                    else NOT_IN_LABOUR_FORCE
                )
        else:
            p.employment = RETIRED if r < 0.88 else NO_PENSION
        if p.employment == EMPLOYED:
            p.monthly_wage_fen = max(210_000, int(rng.lognormvariate(math.log(6_200), 0.45)) * 100)
        elif p.employment == FLEXIBLE:
            p.monthly_wage_fen = int(rng.uniform(2_200, 6_000)) * 100
        elif p.employment == RETIRED:
            p.monthly_pension_fen = max(150_000, int(rng.lognormvariate(math.log(340_000), 0.3)))
        elif p.employment == NO_PENSION:
            p.monthly_pension_fen = int(rng.uniform(22_000, 60_000))
        # background disability and serious illness (most of these households are not in hardship)
        if rng.random() < (0.008 if age < 18 else 0.025 if age < 60 else 0.07):
            self.disable(p, severe=False)
        if rng.random() < (0.003 if age < 18 else 0.012 if age < 60 else 0.045):
            p.serious_illness = self.pick(self.illness_cum)
        if age >= 80:
            p.self_care = "partial" if rng.random() < 0.25 else "full"

    def disable(self, p: Person, *, severe: bool) -> None:
        p.disability_type = self.pick(self.disability_cum)
        r = self.rng.random()
        if severe:
            p.disability_grade = 1 if r < 0.35 else 2 if r < 0.8 else 3
        else:
            p.disability_grade = 1 if r < 0.08 else 2 if r < 0.25 else 3 if r < 0.6 else 4

    # ---- household structures -------------------------------------------------------------
    def couple(self, husband_ages) -> tuple[int, int]:
        while True:
            h = self.birth_from(husband_ages)
            w = h + self.spouse_gap()
            if w <= self.anniv[20] and w >= self.oldest_ord:
                return h, w

    def minors(self, count: int) -> list[int]:
        births = [self.birth_from(AGES_MINOR)]
        while len(births) < count:
            if self.chance(0.02):
                births.append(births[-1])  # twins
                continue
            b = births[0] + (1 if self.chance(0.5) else -1) * self.days(1.2, 8)
            if self.anniv[18] < b <= self.as_of_ord and all(abs(b - x) > 300 for x in births):
                births.append(b)
        return sorted(births)

    def kids(self, births: list[int], surname: str, relation_of: dict[str, str]) -> list[Person]:
        out = []
        for b in births:
            sex = "M" if self.chance(0.515) else "F"
            out.append(self.person(relation_of[sex], sex, b, surname, "single"))
        return out

    def members_for(self, structure: str) -> list[Person]:
        """Members of a new household, head first. Retries until ages are consistent."""
        while True:
            members = getattr(self, "_" + structure)()
            if members is not None:
                return members

    def _elderly_alone(self):
        sex = "F" if self.chance(0.62) else "M"
        b = self.birth_from(AGES_ELDER_ALONE)
        r = self.rng.random()
        marital = "widowed" if r < 0.75 else "divorced" if r < 0.88 else "single"
        return [self.person("户主", sex, b, self.names.surname(), marital)]

    def _elderly_couple(self):
        h, w = self.couple(AGES_ELDER)
        if w > self.anniv[58] or h < self.oldest_ord:
            return None
        hs, ws = self.names.surname(), self.names.surname()
        husband_head = self.chance(0.75)
        a = self.person("户主" if husband_head else "配偶", "M", h, hs, "married")
        b = self.person("配偶" if husband_head else "户主", "F", w, ws, "married")
        return [a, b] if husband_head else [b, a]

    def _single_adult(self):
        sex = "M" if self.chance(0.55) else "F"
        b = self.birth_from(AGES_SINGLE)
        age = self._age(b)
        surname = self.names.surname()
        r = self.rng.random()
        marital = (
            ("single" if r < 0.85 else "divorced")
            if age < 35
            else ("single" if r < 0.45 else "divorced" if r < 0.93 else "widowed")
        )
        head = self.person("户主", sex, b, surname, marital)
        r = self.rng.random()
        if r < 0.05:
            sb = b + (1 if self.chance(0.5) else -1) * self.days(1, 10)
            if not (self.anniv[65] < sb <= self.anniv[18]):
                return None
            sex2 = "M" if self.chance(0.5) else "F"
            return [head, self.person("兄弟姐妹", sex2, sb, surname, "single")]
        if r < 0.06:
            ob = self.birth_from(AGES_SINGLE)
            sex2 = "M" if self.chance(0.5) else "F"
            return [head, self.person("其他", sex2, ob, self.names.surname(), "single")]
        return [head]

    def _couple_no_children(self):
        h, w = self.couple(AGES_COUPLE)
        hs, ws = self.names.surname(), self.names.surname()
        husband_head = self.chance(0.70)
        a = self.person("户主" if husband_head else "配偶", "M", h, hs, "married")
        b = self.person("配偶" if husband_head else "户主", "F", w, ws, "married")
        return [a, b] if husband_head else [b, a]

    def _family_with_minors(self):
        r = self.rng.random()
        births = self.minors(1 if r < 0.64 else 2 if r < 0.98 else 3)
        parents = self.parents_for(births)
        if parents is None:
            return None
        f, m = parents
        if f < self.oldest_ord or m > self.anniv[20] or f > self.anniv[22]:
            return None
        hs, ws = self.names.surname(), self.names.surname()
        husband_head = self.chance(0.72)
        a = self.person("户主" if husband_head else "配偶", "M", f, hs, "married")
        b = self.person("配偶" if husband_head else "户主", "F", m, ws, "married")
        kid_surname = hs if self.chance(0.9) else ws
        kids = self.kids(births, kid_surname, {"M": "子", "F": "女"})
        return ([a, b] if husband_head else [b, a]) + kids

    def _single_parent(self):
        births = self.minors(1 if self.chance(0.8) else 2)
        mother = self.chance(0.75)
        parents = self.parents_for(births, father=not mother, mother=mother)
        if parents is None:
            return None
        b = parents[1] if mother else parents[0]
        if b > self.anniv[20]:
            return None
        surname = self.names.surname()
        r = self.rng.random()
        marital = "divorced" if r < 0.7 else "widowed" if r < 0.9 else "single"
        head = self.person("户主", "F" if mother else "M", b, surname, marital)
        kid_surname = surname if not mother or self.chance(0.3) else self.names.surname()
        return [head] + self.kids(births, kid_surname, {"M": "子", "F": "女"})

    def _three_generations(self):
        rng = self.rng
        n_kids = 1 if rng.random() < 0.7 else 2
        if rng.random() < 0.15:  # an adult grandchild (often a college student)
            first = self.birth_for_age(18 + int(rng.random() * 7))
            births = [first] if n_kids == 1 else sorted([first, first + self.days(1.5, 6)])
            if births[-1] > self.as_of_ord:
                return None
        else:
            births = self.minors(n_kids)
        middle = self.parents_for(births)
        if middle is None:
            return None
        f, m = middle
        if m > self.anniv[20] or f > self.anniv[22]:
            return None
        via_son = rng.random() < 0.75
        linked = f if via_son else m
        elders = self.parents_for([linked])
        if elders is None:
            return None
        gf, gm = elders
        if gf < self.oldest_ord or gm < self.oldest_ord or gm > self.anniv[45]:
            return None
        r = rng.random()
        alive = ("gf", "gm") if r < 0.65 else ("gm",) if r < 0.9 else ("gf",)
        s_gf, s_gm = self.names.surname(), self.names.surname()
        s_in_law = self.names.surname()
        if rng.random() < 0.6:
            # head = grandparent
            head_is_gf = "gf" in alive and ("gm" not in alive or rng.random() < 0.8)
            elders_p = []
            both = len(alive) == 2
            marital_e = "married" if both else "widowed"
            if "gf" in alive:
                elders_p.append(
                    self.person("户主" if head_is_gf else "配偶", "M", gf, s_gf, marital_e)
                )
            if "gm" in alive:
                elders_p.append(
                    self.person("配偶" if head_is_gf else "户主", "F", gm, s_gm, marital_e)
                )
            elders_p.sort(key=lambda p: p.relation != "户主")
            if via_son:
                child = self.person("子", "M", f, s_gf, "married")
                in_law = self.person("儿媳", "F", m, s_in_law, "married")
                kid_surname = s_gf if rng.random() < 0.92 else s_in_law
            else:
                child = self.person("女", "F", m, s_gf, "married")
                in_law = self.person("女婿", "M", f, s_in_law, "married")
                kid_surname = s_in_law if rng.random() < 0.9 else s_gf
            kids = self.kids(births, kid_surname, {"M": "孙子", "F": "孙女"})
            return elders_p + [child, in_law] + kids
        # head = middle generation; the elders are the head's own parents
        hs = s_gf
        if via_son:
            head = self.person("户主", "M", f, hs, "married")
            spouse = self.person("配偶", "F", m, s_in_law, "married")
            kid_surname = hs if rng.random() < 0.92 else s_in_law
        else:
            head = self.person("户主", "F", m, hs, "married")
            spouse = self.person("配偶", "M", f, s_in_law, "married")
            kid_surname = s_in_law if rng.random() < 0.9 else hs
        marital_e = "married" if len(alive) == 2 else "widowed"
        elders_p = []
        if "gf" in alive:
            elders_p.append(self.person("父亲", "M", gf, s_gf, marital_e))
        if "gm" in alive:
            elders_p.append(self.person("母亲", "F", gm, s_gm, marital_e))
        kids = self.kids(births, kid_surname, {"M": "子", "F": "女"})
        return [head, spouse] + kids + elders_p

    def _adult_child_with_parents(self):
        rng = self.rng
        c = self.birth_from(AGES_ADULT_CHILD)
        child_sex = "M" if rng.random() < 0.55 else "F"
        two = rng.random() < 0.45
        mother_only = rng.random() < 0.7
        elders = self.parents_for([c], father=two or not mother_only, mother=two or mother_only)
        if elders is None:
            return None
        gf, gm = elders
        for b in (gf, gm):
            if b is not None and (b < self.oldest_ord or b > self.anniv[60]):
                return None
        s_f, s_m = self.names.surname(), self.names.surname()
        r = rng.random()
        child_marital = "single" if r < 0.55 else "divorced" if r < 0.95 else "widowed"
        marital_e = "married" if two else "widowed"
        if rng.random() < 0.6:
            # head = a parent
            head_is_f = gf is not None and (gm is None or rng.random() < 0.7)
            out = []
            if gf is not None:
                out.append(self.person("户主" if head_is_f else "配偶", "M", gf, s_f, marital_e))
            if gm is not None:
                out.append(self.person("配偶" if head_is_f else "户主", "F", gm, s_m, marital_e))
            out.sort(key=lambda p: p.relation != "户主")
            child_surname = s_f if gf is not None or rng.random() < 0.5 else s_m
            out.append(
                self.person(
                    "子" if child_sex == "M" else "女", child_sex, c, child_surname, child_marital
                )
            )
            return out
        child_surname = s_f if gf is not None or rng.random() < 0.5 else s_m
        out = [self.person("户主", child_sex, c, child_surname, child_marital)]
        if gf is not None:
            out.append(self.person("父亲", "M", gf, child_surname, marital_e))
        if gm is not None:
            out.append(self.person("母亲", "F", gm, s_m, marital_e))
        return out

    # ---- hidden truth ---------------------------------------------------------------------
    def truth(self, hh: Household) -> None:
        rng = self.rng
        members = hh.members
        ages = [p.age(self.as_of) for p in members]
        if hh.structure == ELDERLY_ALONE:
            rate = next(r for upper, r in ELDERLY_ALONE_HARDSHIP if ages[0] < upper)
        else:
            rate = HARDSHIP_RATE[hh.structure]
        if rng.random() >= rate:
            return
        working = [
            p
            for p, a in zip(members, ages, strict=True)
            if 18 <= a < 60 and p.employment in _LABOUR
        ]
        students = [p for p in members if p.employment == STUDENT]
        weights = dict(CAUSE_WEIGHTS[hh.structure])
        if not working:
            weights.pop(UNEMPLOYMENT, None)
        if not students:
            weights.pop(SCHOOLING, None)
        causes = [self._weighted(weights)]
        if rng.random() < SECOND_CAUSE_RATE and len(weights) > 1:
            del weights[causes[0]]
            causes.append(self._weighted(weights))
        hh.hardship = True
        hh.causes = tuple(c for c in CAUSES if c in causes)
        # unemployment first, so that illness or disability can then take a person out of work
        for cause in sorted(hh.causes, key=lambda c: c != UNEMPLOYMENT):
            self.apply_cause(hh, cause, ages, working, students)
        self.impoverish(hh)

    def _weighted(self, weights: dict[str, float]) -> str:
        keys = list(weights)
        cum = _cum(weights.values())
        return keys[bisect(cum, self.rng.random() * cum[-1])]

    def _choose(self, people: list[Person], weight: Callable[[Person], float]) -> Person:
        cum = _cum(weight(p) for p in people)
        return people[bisect(cum, self.rng.random() * cum[-1])]

    def apply_cause(
        self,
        hh: Household,
        cause: str,
        ages: list[int],
        working: list[Person],
        students: list[Person],
    ) -> None:
        rng = self.rng
        age_of = {id(p): a for p, a in zip(hh.members, ages, strict=True)}
        if cause == ILLNESS:
            p = self._choose(hh.members, lambda q: 1.0 if age_of[id(q)] < 18 else 3.0)
            p.serious_illness = self.pick(self.illness_cum)
            a = age_of[id(p)]
            if 18 <= a < 60 and p.employment in (EMPLOYED, FLEXIBLE):
                p.employment = NOT_IN_LABOUR_FORCE if rng.random() < 0.6 else FLEXIBLE
            if a >= 60 and rng.random() < 0.5:
                p.self_care = "partial"
        elif cause == DISABILITY:
            p = self._choose(hh.members, lambda q: 1.0 if age_of[id(q)] < 18 else 2.0)
            self.disable(p, severe=True)
            a = age_of[id(p)]
            if 18 <= a < 60 and p.employment in (EMPLOYED, FLEXIBLE) and rng.random() < 0.7:
                p.employment = NOT_IN_LABOUR_FORCE
            if p.disability_grade <= 2 and (a >= 60 or a < 18 or rng.random() < 0.5):
                p.self_care = "partial" if rng.random() < 0.7 else "none"
        elif cause == UNEMPLOYMENT:
            first = self._choose(working, lambda q: 1.0)
            for p in working:
                if p is first or rng.random() < 0.5:
                    p.employment = UNEMPLOYED
                elif p.employment == EMPLOYED:
                    p.employment = FLEXIBLE
        elif cause == SCHOOLING:
            pass  # a student's costs on a low income (see impoverish); nothing else to change
        elif cause == OLD_AGE_ALONE:
            p = hh.members[0]
            r = rng.random()
            p.self_care = "partial" if r < 0.5 else "none" if r < 0.65 else p.self_care
            if rng.random() < 0.55:
                p.employment = NO_PENSION
        elif cause == SUDDEN_EVENT:
            hh.sudden_event = self.pick(
                self.event_cum if len(hh.members) > 1 else self.event_cum_alone
            )
            hh.sudden_event_date = dt.date.fromordinal(self.as_of_ord - 1 - int(rng.random() * 180))
            if hh.sudden_event == "突发重大疾病":
                p = self._choose(hh.members, lambda q: 1.0)
                p.serious_illness = p.serious_illness or self.pick(self.illness_cum)

    def impoverish(self, hh: Household) -> None:
        """Hardship households have low incomes whatever the cause."""
        rng = self.rng
        for p in hh.members:
            if p.employment == EMPLOYED:
                p.monthly_wage_fen = int(rng.uniform(2_000, 3_600)) * 100
            elif p.employment == FLEXIBLE:
                p.monthly_wage_fen = int(rng.uniform(800, 2_600)) * 100
            else:
                p.monthly_wage_fen = 0
            if p.employment == RETIRED:
                p.monthly_pension_fen = int(rng.uniform(150_000, 240_000))
            elif p.employment == NO_PENSION:
                p.monthly_pension_fen = int(rng.uniform(22_000, 45_000))
            else:
                p.monthly_pension_fen = 0

    # ---- district -------------------------------------------------------------------------
    def allocate(self, comms: list[Community], households: int) -> list[int]:
        """Households per community (weights 0.6–1.4, largest-remainder rounding)."""
        weights = [self.rng.uniform(0.6, 1.4) for _ in comms]
        total = sum(weights)
        exact = [households * w / total for w in weights]
        counts = [int(x) for x in exact]
        order = sorted(range(len(comms)), key=lambda i: (-(exact[i] - counts[i]), i))
        for i in order[: households - sum(counts)]:
            counts[i] += 1
        return counts

    def address(self, street: Street, comm_index: int) -> str:
        rng = self.rng
        roads = communities_mod.ROADS[street.code[-3:]]
        road = roads[(comm_index * 2 + (1 if rng.random() < 0.4 else 0)) % len(roads)]
        number = 1 + 50 * (comm_index // 3) + int(rng.random() * 50)
        building = 1 + int(rng.random() * 24)
        unit = 1 + int(rng.random() * 6)
        floors = 7 if rng.random() < 0.55 else 33
        room = (1 + int(rng.random() * floors)) * 100 + 1 + int(rng.random() * 4)
        return f"{communities_mod.CITY_NAME}{communities_mod.DISTRICT_NAME}{street.name}{road}路{number}号{building}栋{unit}单元{room}室"


def build_population(
    households: int = 130_000,
    *,
    seed: int = 20261129,
    as_of: dt.date = dt.date(2026, 11, 1),
    progress: Callable[[int, int], None] | None = None,
) -> Population:
    """Build the district's households in memory (deterministic in its arguments)."""
    if households < 0:
        raise ValueError("households must be >= 0")
    b = _Builder(seed, as_of)
    comms = communities_mod.build()
    streets = communities_mod.street_by_code()
    counts = b.allocate(comms, households)
    counters: dict[str, int] = {}
    out: list[Household] = []
    done = 0
    comm_index_in_street: dict[str, int] = {}
    for comm, count in zip(comms, counts, strict=True):
        street = streets[comm.street_code]
        ci = comm_index_in_street.get(street.code, -1) + 1
        comm_index_in_street[street.code] = ci
        for _ in range(count):
            if street.code not in counters:
                counters[street.code] = int(b.rng.random() * 40)
            counter = (
                counters[street.code] + 1 + (b.rng.random() < 0.12)
            )  # gaps: households closed or moved away
            counters[street.code] = counter
            if counter > 999_999:
                raise ValueError("too many households for a 9-digit 户号")
            hukou_no = f"1{int(street.code[-3:]):02d}{counter:06d}"
            structure = b.pick((b.structures, b.structure_cum))
            hh = Household(
                hukou_no=hukou_no,
                structure=structure,
                community=comm,
                street=street,
                address=b.address(street, ci),
            )
            members = b.members_for(structure)
            members[1:] = sorted(
                members[1:], key=lambda p: (_RELATION_RANK[p.relation], p.birth_date, p.id_number)
            )
            for p in members:
                b.person_seq += 1
                p.person_id = f"P{b.person_seq:07d}"
                p.hukou_no = hukou_no
            hh.members = members
            b.truth(hh)
            out.append(hh)
            done += 1
            if progress is not None and (done % 1000 == 0 or done == households):
                progress(done, households)
    if progress is not None and households == 0:
        progress(0, 0)
    return Population(seed=seed, as_of=as_of, households=out)
