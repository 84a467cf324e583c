"""What the departments know about the synthetic people: facts derived once from the population.

Several feeds must agree about the same person (the employer in the contributions, the tax
returns, the provident fund and the union's hardship file; the month contributions stopped and
the unemployment registration; a death in the cremation and the death-certificate feeds), so
these facts are drawn here, once, from ``random.Random(f"{seed}:world")``, before any feed is
written. Each feed then draws its own details from its own generator (see ``feeds/``, a module per department).

The shapes follow the hidden truth (``Household.hardship``/``causes`` and the hidden attributes
of ``Person``): illness-hardship people are recently diagnosed and spend heavily in hospital;
unemployment-hardship workers stopped contributing some months ago; about half of the hardship
households are already on 低保 or 特困. Ordinary households have wages, pensions and assets, and
background events (a mild disability, an ordinary admission, an elderly death) happen to them
too, so no single feed equals hardship. Standard library only.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect
from dataclasses import dataclass, field

from doudi.synth import communities as communities_mod
from doudi.synth.names import NameSampler
from doudi.synth.population import (
    DISABILITY,
    EARNER_DIED,
    EMPLOYED,
    FLEXIBLE,
    ILLNESS,
    NOT_IN_LABOUR_FORCE,
    OLD_AGE_ALONE,
    RETIRED,
    SCHOOLING,
    SUDDEN_EVENT,
    UNEMPLOYED,
    UNEMPLOYMENT,
    Household,
    Person,
    Population,
    age_on,
)

WINDOW_MONTHS = 12  # monthly events (contributions, tax, provident fund) cover the last year

# ---- codes -------------------------------------------------------------------------------------
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def org_code(body8: str) -> str:
    """GB 11714 organisation code: 8 characters plus a MOD 11 check character."""
    total = sum(int(c, 36) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body8 + ("X" if check == 10 else "0" if check == 11 else str(check))


def uscc(rng: random.Random, kind: str = "1", area: str = "420106", dept: str = "9") -> str:
    """A unified social credit code (GB 32100) with valid check characters.

    ``dept`` is the registering authority ("9" market regulation, "1" establishment office);
    ``kind`` the organisation type ("1" a company or an institution, "2" a 个体工商户).
    """
    if rng.random() < 0.5:
        body = "MA" + "".join(_ORG_BODY[int(rng.random() * 31)] for _ in range(6))
    else:
        body = "".join(str(int(rng.random() * 10)) for _ in range(8))
    first17 = dept + kind + area + org_code(body)
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return first17 + USCC_CHARS[(31 - total % 31) % 31]


def uscc_is_valid(code: str) -> bool:
    if len(code) != 18 or any(c not in USCC_CHARS for c in code):
        return False
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(code[:17], USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31] == code[17]


# ---- reference tables --------------------------------------------------------------------------
HOSPITALS = (
    ("武汉大学人民医院", 16),
    ("武汉大学中南医院", 16),
    ("武汉市武昌医院", 12),
    ("湖北省中医院", 8),
    ("武汉市第三医院", 8),
    ("湖北省妇幼保健院", 4),
    ("华中科技大学同济医学院附属协和医院", 8),
    ("华中科技大学同济医学院附属同济医院", 8),
    ("湖北省肿瘤医院", 5),
    ("武汉市第一医院", 4),
    ("武汉市中心医院", 4),
    ("武汉市精神卫生中心", 1),
)
# serious illness (population.SERIOUS_ILLNESSES) → (diagnosis, ICD-10) variants
ILLNESS_DIAGNOSES: dict[str, tuple[tuple[str, str], ...]] = {
    "恶性肿瘤": (
        ("肺恶性肿瘤", "C34.9"),
        ("胃恶性肿瘤", "C16.9"),
        ("肝恶性肿瘤", "C22.9"),
        ("结肠恶性肿瘤", "C18.9"),
        ("乳腺恶性肿瘤", "C50.9"),
        ("食管恶性肿瘤", "C15.9"),
        ("鼻咽恶性肿瘤", "C11.9"),
    ),
    "尿毒症": (("慢性肾脏病5期", "N18.5"), ("终末期肾病", "N18.0")),
    "脑卒中后遗症": (("脑梗死后遗症", "I69.3"), ("脑出血后遗症", "I69.1")),
    "重性精神障碍": (("精神分裂症", "F20.9"), ("双相情感障碍", "F31.9")),
    "慢性心力衰竭": (("慢性心力衰竭", "I50.9"),),
    "白血病": (("急性髓系白血病", "C92.0"), ("急性淋巴细胞白血病", "C91.0")),
    "肝硬化失代偿期": (("肝硬化失代偿期", "K74.6"),),
    "器官移植术后": (("肾移植状态", "Z94.0"), ("肝移植状态", "Z94.4")),
    "系统性红斑狼疮": (("系统性红斑狼疮", "M32.9"),),
    "帕金森病": (("帕金森病", "G20.x"),),
    "血友病": (("甲型血友病", "D66.x"),),
    "重症肌无力": (("重症肌无力", "G70.0"),),
}
COMMON_ADMISSIONS = (
    ("社区获得性肺炎", "J18.9", 12),
    ("冠状动脉粥样硬化性心脏病", "I25.1", 10),
    ("脑梗死", "I63.9", 9),
    ("慢性阻塞性肺疾病急性加重", "J44.1", 6),
    ("2型糖尿病", "E11.9", 6),
    ("高血压病3级", "I10.x", 5),
    ("股骨颈骨折", "S72.0", 3),
    ("急性阑尾炎", "K35.9", 4),
    ("胆囊结石伴慢性胆囊炎", "K80.1", 5),
    ("老年性白内障", "H25.9", 6),
    ("腰椎间盘突出", "M51.2", 4),
    ("子宫平滑肌瘤", "D25.9", 2),
    ("支气管肺炎", "J18.0", 5),
    ("急性胃肠炎", "A09.x", 3),
    ("泌尿道感染", "N39.0", 3),
)
CHRONIC_DISEASES = (
    ("高血压病（高危及以上）", 40),
    ("糖尿病", 28),
    ("冠心病", 12),
    ("慢性阻塞性肺疾病", 6),
    ("脑血管病后遗症", 5),
    ("慢性肾功能不全", 2),
    ("类风湿关节炎", 2),
    ("支气管哮喘", 3),
    ("慢性病毒性肝炎", 2),
)
OUTPATIENT_DIAGNOSES = (
    ("上呼吸道感染", 14),
    ("高血压", 12),
    ("2型糖尿病", 8),
    ("慢性胃炎", 6),
    ("急性支气管炎", 6),
    ("颈椎病", 4),
    ("腰痛", 4),
    ("湿疹", 3),
    ("龋齿", 3),
    ("过敏性鼻炎", 3),
    ("失眠", 2),
    ("冠心病", 4),
    ("结膜炎", 2),
    ("骨关节炎", 3),
)
DEATH_CAUSES = (
    ("急性心肌梗死", 14),
    ("脑出血", 10),
    ("脑梗死", 12),
    ("慢性阻塞性肺疾病", 10),
    ("肺恶性肿瘤", 9),
    ("肝恶性肿瘤", 5),
    ("胃恶性肿瘤", 4),
    ("心力衰竭", 8),
    ("重症肺炎", 8),
    ("糖尿病并发症", 4),
    ("多器官功能衰竭", 4),
)
MAJOR_ILLNESSES = frozenset({"恶性肿瘤", "白血病", "尿毒症", "器官移植术后", "血友病"})
CHRONIC_NAMES = {
    "恶性肿瘤": "恶性肿瘤门诊治疗",
    "尿毒症": "尿毒症透析",
    "脑卒中后遗症": "脑卒中后遗症",
    "重性精神障碍": "重性精神障碍",
    "慢性心力衰竭": "慢性心力衰竭",
    "白血病": "白血病",
    "肝硬化失代偿期": "肝硬化失代偿期",
    "器官移植术后": "器官移植术后抗排异治疗",
    "系统性红斑狼疮": "系统性红斑狼疮",
    "帕金森病": "帕金森病",
    "血友病": "血友病",
    "重症肌无力": "重症肌无力",
}
ACCIDENT_DEATH_CAUSES = (("交通事故", 5), ("高处坠落", 1), ("急性心肌梗死", 3), ("脑出血", 2))

_BRAND = "鑫达华信恒通安泰金源宏远博创天瑞中南长江楚汉东湖光谷益丰盛嘉和美佳联新兴万隆荣诚德明星宇航润泽晟昌顺弘腾辉"
_INDUSTRY = (
    "科技",
    "建筑工程",
    "物业管理",
    "商贸",
    "餐饮管理",
    "医药",
    "物流",
    "教育咨询",
    "汽车服务",
    "环保科技",
    "信息技术",
    "装饰工程",
    "人力资源服务",
    "保安服务",
    "电子商务",
    "食品",
    "机电设备",
    "房地产开发",
    "酒店管理",
    "文化传媒",
)
_PUBLIC = (
    "武汉市武昌区教育局",
    "武汉市武昌区卫生健康局",
    "武汉市武昌区城市管理执法局",
    "武汉市武昌区人民法院",
    "武汉市武昌区税务局",
    "武汉市第十四中学",
    "武汉中学",
    "湖北省武昌实验中学",
    "武汉大学",
    "湖北大学",
    "武汉大学人民医院",
    "武汉大学中南医院",
    "武汉市武昌医院",
    "湖北省中医院",
)


@dataclass(frozen=True, slots=True)
class Employer:
    name: str
    code: str  # unified social credit code
    public: bool  # 机关事业单位 (its staff pay into the institutions' pension scheme)


@dataclass(slots=True)
class Work:
    """A person's paid work in the window (months are indexes into ``World.months``)."""

    employer: Employer | None  # None: a flexible worker paying their own contributions
    start: int  # first month with contributions
    end: int  # one past the last month with contributions (WINDOW_MONTHS: still paying)
    wage_fen: int  # monthly wage while working
    fund_rate: float  # housing provident fund rate (each side); 0.0: no provident fund
    fund_account: str = ""
    stop_reason: str = ""  # why contributions stopped (if end < WINDOW_MONTHS)


@dataclass(slots=True)
class Assistance:
    category: str  # 低保 特困 临时救助 低保边缘
    status: str  # 在保 停保
    start: dt.date
    end: dt.date | None
    monthly_fen: int | None  # per person (临时救助: the one-off amount)
    members: tuple[Person, ...]


@dataclass(slots=True)
class Business:
    code: str  # unified social credit code
    name: str
    kind: str  # 市场主体类型
    owner: Person  # legal representative (个体工商户: the operator)
    capital_fen: int | None
    established: dt.date
    status: str  # 存续 注销 吊销
    address: str
    industry: str
    holders: list[tuple[Person, float]] = field(default_factory=list)  # (shareholder, percent)


@dataclass(frozen=True, slots=True)
class Monitoring:
    """A 防返贫 monitored household (农业农村)."""

    monitor_type: str
    risk: str
    identified: dt.date
    cleared: bool
    per_capita_income_fen: int


@dataclass
class World:
    pop: Population
    seed: int
    months: list[dt.date]  # first day of each month in the window, oldest first
    employers: list[Employer]
    household_of: dict[str, Household] = field(default_factory=dict)  # person_id → household
    work: dict[str, Work] = field(default_factory=dict)
    death: dict[str, dt.date] = field(default_factory=dict)
    earner_died: dict[str, Person] = field(default_factory=dict)  # hukou_no → deceased earner
    acute: set[str] = field(default_factory=set)  # recent, costly serious illness
    diagnosed: dict[str, dt.date] = field(default_factory=dict)  # serious illness diagnosis
    assistance: dict[str, list[Assistance]] = field(default_factory=dict)  # hukou_no → records
    death_reported: dict[str, tuple[bool, bool]] = field(default_factory=dict)  # (民政, 卫健)
    illness_dx: dict[str, tuple[str, str]] = field(default_factory=dict)  # (diagnosis, ICD-10)
    chronic: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # (category, disease)
    monitoring: dict[str, Monitoring] = field(default_factory=dict)  # hukou_no → 防返贫
    businesses: list[Business] = field(default_factory=list)
    business_of: dict[str, list[Business]] = field(default_factory=dict)  # owner person_id
    extra_homes: dict[str, int] = field(default_factory=dict)  # hukou_no → extra dwellings
    names: NameSampler | None = None

    @property
    def as_of(self) -> dt.date:
        return self.pop.as_of

    def month_index(self, day: dt.date) -> int:
        """Index of ``day``'s month in the window (may be < 0 or >= WINDOW_MONTHS)."""
        first = self.months[0]
        return (day.year - first.year) * 12 + day.month - first.month

    def category_of(self, hukou_no: str) -> str | None:
        """低保/特困/低保边缘 if the household is currently on one of them."""
        for a in self.assistance.get(hukou_no, ()):
            if a.status == "在保" and a.category in ("低保", "特困", "低保边缘"):
                return a.category
        return None


def _month_start(day: dt.date, back: int) -> dt.date:
    n = day.year * 12 + day.month - 1 - back
    return dt.date(n // 12, n % 12 + 1, 1)


_TABLES: dict[int, tuple[tuple, list[float], float]] = {}


def pick(rng: random.Random, table):
    """A row of ``((value…, weight), …)``: a single value when rows are pairs.

    ``table`` must be a tuple that lives as long as the process (module constants).
    """
    cached = _TABLES.get(id(table))
    if cached is None or cached[0] is not table:
        cum, total = [], 0.0
        for row in table:
            total += row[-1]
            cum.append(total)
        cached = _TABLES[id(table)] = (table, cum, total)
    table, cum, total = cached
    row = table[min(bisect(cum, rng.random() * total), len(table) - 1)]
    return row[0] if len(row) == 2 else row[:-1]


def build_employers(rng: random.Random, count: int) -> list[Employer]:
    names: set[str] = set()
    out: list[Employer] = []
    for name in _PUBLIC:
        names.add(name)
        out.append(Employer(name, uscc(rng, "2", dept="1"), True))
    while len(out) < count:
        r = rng.random()
        prefix = "武汉" if r < 0.6 else "湖北" if r < 0.85 else "武汉市"
        brand = _BRAND[int(rng.random() * len(_BRAND))] + _BRAND[int(rng.random() * len(_BRAND))]
        if brand[0] == brand[1]:
            continue
        r = rng.random()
        suffix = "有限公司" if r < 0.8 else "有限责任公司" if r < 0.9 else "股份有限公司"
        name = prefix + brand + _INDUSTRY[int(rng.random() * len(_INDUSTRY))] + suffix
        if name in names:
            continue
        names.add(name)
        out.append(Employer(name, uscc(rng, "1"), False))
    return out


def _main_earner(hh: Household, as_of: dt.date) -> Person:
    adults = [p for p in hh.members if age_on(p.birth_date, as_of) >= 18] or hh.members
    return max(
        adults,
        key=lambda p: (
            p.monthly_wage_fen + p.monthly_pension_fen,
            p.employment in (EMPLOYED, FLEXIBLE, UNEMPLOYED),
            -abs(age_on(p.birth_date, as_of) - 45),
        ),
    )


def build_world(pop: Population) -> World:
    rng = random.Random(f"{pop.seed}:world")
    as_of = pop.as_of
    months = [_month_start(as_of, back) for back in range(WINDOW_MONTHS, 0, -1)]
    employers = build_employers(rng, max(60, len(pop.households) // 40))
    # bigger employers take more staff: weights ~ 1 / rank^0.8
    cum: list[float] = []
    total = 0.0
    for rank in range(1, len(employers) + 1):
        total += 1.0 / rank**0.8
        cum.append(total)

    def employer() -> Employer:
        return employers[min(bisect(cum, rng.random() * total), len(employers) - 1)]

    w = World(pop=pop, seed=pop.seed, months=months, employers=employers)
    w.names = NameSampler(rng)
    window_start = months[0]
    window_days = (as_of - window_start).days
    fund_seq = 0
    for hh in pop.households:
        causes = set(hh.causes)
        for p in hh.members:
            w.household_of[p.person_id] = hh
        # ---- deaths: the main earner of a 家庭主要劳动力死亡 household, and background mortality
        _deaths(rng, w, hh, as_of)
        # ---- serious illness: diagnosis dates; the hardship ones are recent and costly
        _illness(rng, w, hh, causes, as_of)
        # ---- 门诊慢特病 / 重特大疾病 registrations (医保)
        _chronic_registrations(rng, w, hh, as_of)
        # ---- paid work in the window
        for p in hh.members:
            work = _work(rng, w, hh, p, causes, employer)
            if work is None:
                continue
            died = w.death.get(p.person_id)
            if died is not None:
                work.end = min(work.end, max(0, w.month_index(died)))
                work.stop_reason = work.stop_reason or "死亡"
            if work.end <= work.start:
                continue
            if work.fund_rate:
                fund_seq += 1
                work.fund_account = f"{int(rng.random() * 9e3) + 1000}{fund_seq:08d}"
            w.work[p.person_id] = work
        # ---- social assistance (民政): about half the hardship households are already helped
        records = _assistance(rng, w, hh, causes, window_days)
        if records:
            w.assistance[hh.hukou_no] = records
        # ---- 防返贫 monitoring (农业农村): few in an urban district
        if rng.random() < (0.04 if hh.hardship else 0.002):
            w.monitoring[hh.hukou_no] = _monitoring(rng, hh, as_of)
        # ---- businesses (市场监管) and extra dwellings (不动产)
        _businesses(rng, w, hh, causes)
        top = max((p.monthly_wage_fen for p in hh.members), default=0)
        owner = any(p.person_id in w.business_of for p in hh.members)
        if not hh.hardship and (top >= 800_000 or owner) and rng.random() < 0.3:
            w.extra_homes[hh.hukou_no] = 1 + (rng.random() < 0.15)
    return w


def _deaths(rng: random.Random, w: World, hh: Household, as_of: dt.date) -> None:
    """The main earner of a 家庭主要劳动力死亡 household, background mortality, and whether
    each death reached the 民政 and the 卫健 feed."""
    if hh.sudden_event == EARNER_DIED:
        earner = _main_earner(hh, as_of)
        w.death[earner.person_id] = hh.sudden_event_date
        w.earner_died[hh.hukou_no] = earner
    for p in hh.members:
        if p.person_id in w.death:
            continue
        age = age_on(p.birth_date, as_of)
        rate = 0.06 if age >= 85 else 0.025 if age >= 75 else 0.008 if age >= 60 else 0.0005
        if rng.random() < rate:
            w.death[p.person_id] = as_of - dt.timedelta(days=1 + int(rng.random() * 360))
    for p in hh.members:
        if p.person_id in w.death:
            mz, wj = rng.random() < 0.93, rng.random() < 0.9
            w.death_reported[p.person_id] = (mz or not wj, wj)


def _illness(rng: random.Random, w: World, hh: Household, causes: set[str], as_of: dt.date) -> None:
    """Serious illness diagnosis dates: the hardship ones recent and costly."""
    for p in hh.members:
        if p.serious_illness is None:
            continue
        variants = ILLNESS_DIAGNOSES[p.serious_illness]
        w.illness_dx[p.person_id] = variants[int(rng.random() * len(variants))]
        recent = (ILLNESS in causes) or (
            SUDDEN_EVENT in causes and hh.sudden_event == "突发重大疾病"
        )
        if recent:
            w.acute.add(p.person_id)
            if hh.sudden_event == "突发重大疾病" and ILLNESS not in causes:
                w.diagnosed[p.person_id] = hh.sudden_event_date
            else:
                back = 30 + int(rng.random() * (700 if rng.random() < 0.9 else 2500))
                w.diagnosed[p.person_id] = as_of - dt.timedelta(days=back)
        else:  # background: many diagnosed in the last two years, the rest long ago
            back = 30 + int(rng.random() * (700 if rng.random() < 0.4 else 3650))
            w.diagnosed[p.person_id] = as_of - dt.timedelta(days=back)


def _chronic_registrations(rng: random.Random, w: World, hh: Household, as_of: dt.date) -> None:
    """门诊慢特病 / 重特大疾病 registrations (医保) of the living members."""
    for p in hh.members:
        if p.person_id in w.death:
            continue
        regs = []
        if p.serious_illness is not None and rng.random() < (
            0.95 if p.person_id in w.acute else 0.7
        ):
            major = p.serious_illness in MAJOR_ILLNESSES and rng.random() < 0.6
            regs.append(("重特大疾病" if major else "特殊病", CHRONIC_NAMES[p.serious_illness]))
        age = age_on(p.birth_date, as_of)
        if rng.random() < (0.2 if age >= 60 else 0.06 if age >= 40 else 0.0):
            regs.append(("慢性病", pick(rng, CHRONIC_DISEASES)))
        if regs:
            w.chronic[p.person_id] = regs


_RISK_OF_CAUSE = {
    ILLNESS: "因病",
    DISABILITY: "因残",
    SCHOOLING: "因学",
    UNEMPLOYMENT: "因务工就业不稳",
    OLD_AGE_ALONE: "缺劳动力",
}
_RISK_OF_EVENT = {
    "火灾": "因灾",
    "自然灾害": "因灾",
    "交通事故": "因意外事故",
    "突发重大疾病": "因病",
    EARNER_DIED: "缺劳动力",
}
_RISKS = ("因病", "因残", "因学", "因灾", "因意外事故", "因务工就业不稳", "缺劳动力", "其他")


def _monitoring(rng, hh: Household, as_of: dt.date) -> Monitoring:
    identified = as_of - dt.timedelta(days=30 + int(rng.random() * 900))
    if not hh.hardship:
        risk = _RISKS[int(rng.random() * len(_RISKS))]
        income = int(rng.uniform(15_000, 30_000)) * 100
        return Monitoring("脱贫不稳定户", risk, identified, True, income)
    cause = hh.causes[0]
    if cause == SUDDEN_EVENT:
        kind, risk = "突发严重困难户", _RISK_OF_EVENT.get(hh.sudden_event or "", "其他")
    else:
        kind = "边缘易致贫户" if rng.random() < 0.7 else "脱贫不稳定户"
        risk = _RISK_OF_CAUSE.get(cause, "其他")
    income = int(rng.uniform(5_000, 11_000)) * 100
    return Monitoring(kind, risk, identified, False, income)


_SHOPS = (
    ("便利店", "批发和零售业"),
    ("热干面馆", "住宿和餐饮业"),
    ("早餐店", "住宿和餐饮业"),
    ("水果店", "批发和零售业"),
    ("理发店", "居民服务、修理和其他服务业"),
    ("五金店", "批发和零售业"),
    ("服装店", "批发和零售业"),
    ("家电维修部", "居民服务、修理和其他服务业"),
    ("烟酒店", "批发和零售业"),
    ("小吃店", "住宿和餐饮业"),
    ("干洗店", "居民服务、修理和其他服务业"),
    ("快递代收点", "交通运输、仓储和邮政业"),
)
_COMPANY_INDUSTRY = {
    "科技": "科学研究和技术服务业",
    "建筑工程": "建筑业",
    "物业管理": "房地产业",
    "商贸": "批发和零售业",
    "餐饮管理": "住宿和餐饮业",
    "医药": "批发和零售业",
    "物流": "交通运输、仓储和邮政业",
    "教育咨询": "教育",
    "汽车服务": "居民服务、修理和其他服务业",
    "环保科技": "水利、环境和公共设施管理业",
    "信息技术": "信息传输、软件和信息技术服务业",
    "装饰工程": "建筑业",
    "人力资源服务": "租赁和商务服务业",
    "保安服务": "租赁和商务服务业",
    "电子商务": "批发和零售业",
    "食品": "制造业",
    "机电设备": "批发和零售业",
    "房地产开发": "房地产业",
    "酒店管理": "住宿和餐饮业",
    "文化传媒": "文化、体育和娱乐业",
}


def _shop_address(rng) -> str:
    streets = communities_mod.streets()
    street = streets[int(rng.random() * len(streets))]
    roads = communities_mod.ROADS[street.code[-3:]]
    road = roads[int(rng.random() * len(roads))]
    return f"武汉市武昌区{road}路{1 + int(rng.random() * 300)}号{1 + int(rng.random() * 3)}层"


def _businesses(rng, w: World, hh: Household, causes: set[str]) -> None:
    as_of = w.as_of
    for p in hh.members:
        if p.person_id in w.death:
            continue
        age = age_on(p.birth_date, as_of)
        if not 20 <= age < 75:
            continue
        kind = None
        r = rng.random()
        if not hh.hardship:
            if p.employment == EMPLOYED and p.monthly_wage_fen >= 600_000 and r < 0.05:
                kind = "company"
            elif p.employment == RETIRED and r < 0.015:
                kind = "company"
            elif p.employment == FLEXIBLE and r < 0.35:
                kind = "shop"
        elif p.employment in (FLEXIBLE, UNEMPLOYED) and r < 0.06:
            kind = "closed_shop"  # a small shop that failed (or barely keeps going)
        if kind is None:
            continue
        years = rng.uniform(0.3, min(20.0, age - 19))
        established = as_of - dt.timedelta(days=int(years * 365.2425))
        if kind == "company":
            r = rng.random()
            etype = (
                "有限责任公司"
                if r < 0.85
                else "个人独资企业"
                if r < 0.93
                else "合伙企业"
                if r < 0.98
                else "股份有限公司"
            )
            industry_word = _INDUSTRY[int(rng.random() * len(_INDUSTRY))]
            brand = (
                _BRAND[int(rng.random() * len(_BRAND))] + _BRAND[int(rng.random() * len(_BRAND))]
            )
            suffix = {"个人独资企业": "商行", "合伙企业": "（有限合伙）"}.get(etype, "有限公司")
            name = f"武汉{brand}{industry_word}{suffix}"
            capital = max(30_000, int(rng.lognormvariate(13.8, 1.0)) // 10_000 * 10_000) * 100
            r = rng.random()
            status = "存续" if r < 0.9 else "注销" if r < 0.97 else "吊销"
            code = uscc(rng, "1")
            industry = _COMPANY_INDUSTRY[industry_word]
            address = _shop_address(rng)
        else:
            shop, industry = _SHOPS[int(rng.random() * len(_SHOPS))]
            brand = (
                p.name[:1] + "记"
                if rng.random() < 0.4
                else _BRAND[int(rng.random() * len(_BRAND))]
                + _BRAND[int(rng.random() * len(_BRAND))]
            )
            name = f"武汉市武昌区{brand}{shop}"
            etype = "个体工商户"
            capital = int(rng.uniform(1, 30)) * 1_000_000 if rng.random() < 0.7 else None
            r = rng.random()
            if kind == "closed_shop":
                status = "注销" if r < 0.6 else "存续"
            else:
                status = "存续" if r < 0.85 else "注销" if r < 0.97 else "吊销"
            code = uscc(rng, "2")
            address = hh.address if rng.random() < 0.3 else _shop_address(rng)
        b = Business(code, name, etype, p, capital, established, status, address, industry)
        if etype in ("有限责任公司", "合伙企业", "股份有限公司") and rng.random() < 0.5:
            partner = next(
                (
                    q
                    for q in hh.members
                    if q is not p
                    and q.relation in ("配偶", "户主")
                    and age_on(q.birth_date, as_of) >= 18
                    and q.person_id not in w.death
                ),
                None,
            )
            if partner is None and w.businesses:
                partner = w.businesses[int(rng.random() * len(w.businesses))].owner
                if partner is p:
                    partner = None
            if partner is not None:
                share = round(rng.uniform(51, 90), 2)
                b.holders = [(p, share), (partner, round(100 - share, 2))]
        if not b.holders and etype in ("有限责任公司", "合伙企业", "股份有限公司"):
            b.holders = [(p, 100.0)]
        w.businesses.append(b)
        w.business_of.setdefault(p.person_id, []).append(b)


def _work(rng, w: World, hh: Household, p: Person, causes: set[str], employer) -> Work | None:
    age = age_on(p.birth_date, w.as_of)
    hardship = hh.hardship
    n = WINDOW_MONTHS
    if p.employment == EMPLOYED:
        start = 0 if rng.random() > 0.06 else 1 + int(rng.random() * (n - 1))
        wage = p.monthly_wage_fen
        if hardship:
            fund = 0.05 if rng.random() < 0.25 else 0.0
        else:
            share = 0.9 if wage >= 800_000 else 0.7 if wage >= 500_000 else 0.35
            fund = (0.12 if rng.random() < 0.6 else 0.08) if rng.random() < share else 0.0
        return Work(employer(), start, n, wage, fund)
    if p.employment == FLEXIBLE:
        if rng.random() < (0.3 if hardship else 0.55):
            end = n if not hardship or rng.random() < 0.5 else n - 1 - int(rng.random() * 8)
            return Work(None, 0, end, p.monthly_wage_fen, 0.0, stop_reason="个人辞职")
        return None
    if p.employment == UNEMPLOYED and 18 <= age < 60:
        history = 0.92 if (hardship and UNEMPLOYMENT in causes) else 0.5
        if rng.random() >= history:
            return None
        stopped = 2 + int(rng.random() * 9) if hardship else 1 + int(rng.random() * 11)
        wage = int(rng.uniform(2_600, 4_800) if hardship else rng.uniform(3_000, 7_000)) * 100
        fund = 0.05 if rng.random() < (0.2 if hardship else 0.5) else 0.0
        r = rng.random()
        reason = (
            "解除劳动合同"
            if r < 0.45
            else "劳动合同期满"
            if r < 0.7
            else "单位破产关闭"
            if r < 0.8
            else "个人辞职"
        )
        return Work(employer(), 0, n - stopped, wage, fund, stop_reason=reason)
    if (
        p.employment == NOT_IN_LABOUR_FORCE
        and 18 <= age < 60
        and hardship
        and (ILLNESS in causes or DISABILITY in causes)
        and rng.random() < 0.4
    ):
        # fell ill or became disabled and stopped working within the window
        stopped = 2 + int(rng.random() * 9)
        wage = int(rng.uniform(2_600, 5_000)) * 100
        return Work(employer(), 0, n - stopped, wage, 0.0, stop_reason="解除劳动合同")
    return None


def _assistance(rng, w: World, hh: Household, causes: set[str], window_days: int):
    as_of = w.as_of
    out: list[Assistance] = []
    members = tuple(p for p in hh.members if p.person_id not in w.death)
    if not members:
        return out
    size = len(members)
    income = sum(p.monthly_wage_fen + p.monthly_pension_fen for p in members)
    per_capita = income // size
    standard = 95_000  # a synthetic monthly 低保 standard in fen (policy data elsewhere)
    if hh.hardship:
        if rng.random() < 0.5:
            head = members[0]
            age = age_on(head.birth_date, as_of)
            tekun = size == 1 and (
                (OLD_AGE_ALONE in causes and age >= 60)
                or (
                    DISABILITY in causes
                    and (head.disability_grade or 4) <= 2
                    and head.employment not in (EMPLOYED, FLEXIBLE)
                )
            )
            tekun = tekun and rng.random() < 0.6
            start = as_of - dt.timedelta(days=20 + int(rng.random() * 1800))
            if tekun:
                amount = int(rng.uniform(1_250, 1_450)) * 100
                out.append(Assistance("特困", "在保", start, None, amount, members))
            else:
                gap = max(standard - per_capita, 20_000)
                amount = (gap // 100) * 100
                out.append(Assistance("低保", "在保", start, None, amount, members))
        elif rng.random() < 0.12:
            start = as_of - dt.timedelta(days=20 + int(rng.random() * 700))
            out.append(Assistance("低保边缘", "在保", start, None, None, members))
        if SUDDEN_EVENT in causes and hh.sudden_event_date and rng.random() < 0.6:
            day = min(
                as_of - dt.timedelta(days=1),
                hh.sudden_event_date + dt.timedelta(days=3 + int(rng.random() * 40)),
            )
            amount = int(rng.uniform(10, 60)) * 10_000
            out.append(Assistance("临时救助", "停保", day, day, amount, members[:1]))
        elif SCHOOLING in causes and rng.random() < 0.1:
            day = as_of - dt.timedelta(days=1 + int(rng.random() * window_days))
            amount = int(rng.uniform(10, 30)) * 10_000
            out.append(Assistance("临时救助", "停保", day, day, amount, members[:1]))
        return out
    r = rng.random()
    if r < 0.004:
        start = as_of - dt.timedelta(days=20 + int(rng.random() * 700))
        out.append(Assistance("低保边缘", "在保", start, None, None, members))
    elif r < 0.007:
        start = as_of - dt.timedelta(days=400 + int(rng.random() * 1500))
        end = as_of - dt.timedelta(days=10 + int(rng.random() * 360))
        amount = int(rng.uniform(300, 700)) * 100
        out.append(Assistance("低保", "停保", start, end, amount, members))
    elif r < 0.009:
        day = as_of - dt.timedelta(days=1 + int(rng.random() * window_days))
        amount = int(rng.uniform(5, 30)) * 10_000
        out.append(Assistance("临时救助", "停保", day, day, amount, members[:1]))
    return out


def street_names() -> list[str]:
    return [s.name for s in communities_mod.streets()]


def stale_address(rng: random.Random, current: str) -> str:
    """An older address of the same person: another road, building and room in Wuhan."""
    streets = communities_mod.streets()
    while True:
        street = streets[int(rng.random() * len(streets))]
        roads = communities_mod.ROADS[street.code[-3:]]
        road = roads[int(rng.random() * len(roads))]
        r = rng.random()
        district = "武昌区" if r < 0.7 else "洪山区" if r < 0.85 else "江岸区"
        street_name = street.name if district == "武昌区" else ""
        address = (
            f"{communities_mod.CITY_NAME}{district}{street_name}{road}路"
            f"{1 + int(rng.random() * 300)}号{1 + int(rng.random() * 30)}栋"
            f"{1 + int(rng.random() * 6)}单元{(1 + int(rng.random() * 30)) * 100 + 1 + int(rng.random() * 4)}室"
        )
        if address != current:
            return address


__all__ = [
    "Assistance",
    "Employer",
    "World",
    "Work",
    "build_world",
    "pick",
    "stale_address",
    "uscc",
    "uscc_is_valid",
]
