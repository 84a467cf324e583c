"""Communities, households and the people in them (who they are, not yet what they earn)."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

from . import ids, names
from . import params as P

ROLES = ("head", "spouse", "child", "child_spouse", "grandchild", "parent", "sibling", "other")
R = {r: i for i, r in enumerate(ROLES)}

_STEMS = (
    "临江 新河 秦园 杨园 才华 东亭 水陆 紫金 南湖 花园 晒湖 首义 昙华 胭脂 文昌 大东门 阅马 紫阳 "
    "复兴 张家湾 烽火 南国 石牌岭 丁字桥 中南 东湖 书城 武车 余家头 四美塘 铁机 徐东 团结 和平 "
    "三层楼 新生 友谊 积玉 才林 中山 解放 彭刘杨 民主 粮道 候补 司门口 黄鹤 长春 大成 得胜 "
    "白沙 烽胜 八坦 梅家山 丁公 武锅 省建 平湖 宝安 中建 桥梁 瑞景 都府 新南 长湖 鲁巷 南苑 "
    "东方 凤凰 福星 中华 涵三宫 读书院 小朝街 蛇山 福寿庵 斗级营 巡司河 武泰闸 陈家湾 保利 "
    "东升 洪山 八一 珞珈 广八 东湖村 水果湖 省直 梨园 中北 双湖 洪湖 湖光 樱园 风光 新村 南湖山庄 "
    "月亮湾 青菱 石洞 杨春湖 青山湾 岳家嘴 余家湖 光华 惠民 群建 群力 红旗 前进 东风 建设"
).split()

_ROADS = (
    "中山路 解放路 和平大道 武珞路 中南路 中北路 友谊大道 徐东大街 秦园路 新河街 临江大道 首义路 "
    "彭刘杨路 民主路 复兴路 白沙洲大道 南湖路 石牌岭路 丁字桥路 珞珈山路 八一路 东湖路 水果湖横路 "
    "公正路 粮道街 胭脂路 昙华林 紫阳路 张之洞路 杨园路 才林街 四美塘路 武车路 余家头路 积玉桥街 "
    "三层楼路 新生路 团结路 铁机路 松竹路 梅家山路 宝安街 平湖路 长湖路 丁公路 青菱路 雄楚大道"
).split()


def reference_rows(name: str) -> list[dict]:
    # Division codes live with the engine's ID-number module; Wuchang's streets with the registry.
    ref = resources.files("doudi.engine") / "data" / name
    if not ref.is_file():
        ref = resources.files("doudi.registry") / "data" / name
    with ref.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@dataclass
class Population:
    as_of: dt.date
    # communities
    com_code: list = field(default_factory=list)
    com_name: list = field(default_factory=list)
    com_street: list = field(default_factory=list)
    com_affluence: np.ndarray | None = None
    com_flood: np.ndarray | None = None
    com_roads: list = field(default_factory=list)
    street_name: dict = field(default_factory=dict)
    # households (index h)
    hh: dict = field(default_factory=dict)
    # persons (index p), sorted by household
    pp: dict = field(default_factory=dict)

    @property
    def H(self) -> int:
        return len(self.hh["hukou_no"])

    @property
    def N(self) -> int:
        return len(self.pp["hh"])


def _communities(rng: np.random.Generator, pop: Population) -> None:
    streets = [r for r in reference_rows("wuchang_streets.csv") if r["areaCode"] == "420106"]
    stems = list(_STEMS)
    rng.shuffle(stems)
    stem_i = 0
    for row in streets:
        code = row["code"]
        pop.street_name[code] = row["name"]
        scenic = code.endswith("490")
        k = P.SCENIC_COMMUNITIES if scenic else int(rng.integers(*P.COMMUNITIES_PER_STREET))
        num = 0
        for _ in range(k):
            num += 1 if rng.random() > 0.15 else 2  # gaps where communities were merged
            pop.com_code.append(f"{code}{num:03d}")
            pop.com_name.append(stems[stem_i % len(stems)] + "社区")
            stem_i += 1
            pop.com_street.append(code)
            pop.com_roads.append(list(rng.choice(_ROADS, size=3, replace=False)))
    n = len(pop.com_code)
    aff = np.array([P.STREET_PROFILE[s][1] for s in pop.com_street])
    pop.com_affluence = aff * np.exp(rng.normal(0, 0.08, n))
    flood_street = np.array([s in P.FLOOD_STREETS for s in pop.com_street])
    pop.com_flood = flood_street & (rng.random(n) < 0.45)


def _age_old(rng) -> float:
    # 60-97, thinning with age
    return 60 + min(37.0, rng.gamma(2.0, 6.5))


def _members(rng, template: str) -> list[tuple[int, float, int]]:
    """(role, age at as-of, sex 1=male) for one household, head first."""
    u = rng.random
    out: list[tuple[int, float, int]] = []

    def couple(head_age, male_head_p=0.68):
        hs = int(u() < male_head_p)
        out.append((R["head"], head_age, hs))
        spouse_age = max(18.0, head_age + rng.normal(-2.0 if hs else 2.0, 3.0))
        out.append((R["spouse"], spouse_age, 1 - hs))
        return hs

    def kids(parent_age, k):
        for _ in range(k):
            top = min(parent_age - 21.0, 27.0)
            if top <= 0:
                break
            out.append((R["child"], u() * top, int(u() < 0.52)))

    if template == "single_young":
        out.append((R["head"], 23 + u() * 22, int(u() < 0.58)))
    elif template == "single_mid":
        out.append((R["head"], 45 + u() * 15, int(u() < 0.55)))
    elif template == "single_old":
        out.append((R["head"], _age_old(rng), int(u() < 0.36)))
    elif template == "couple_young":
        couple(23 + u() * 17)
    elif template == "couple_mid":
        couple(45 + u() * 15)
    elif template == "couple_old":
        couple(_age_old(rng) - 1.0 if u() < 0.5 else 60 + u() * 10)
    elif template == "couple_kids":
        head_age = 27 + u() * 28
        couple(head_age)
        kids(head_age, 1 if u() < 0.58 else (2 if u() < 0.9 else 3))
    elif template == "single_parent":
        head_age = 28 + u() * 27
        out.append((R["head"], head_age, int(u() < 0.3)))
        kids(head_age, 1 if u() < 0.72 else 2)
    elif template == "three_gen":
        if u() < 0.6:  # middle generation heads: couple, children, the head's parent(s)
            head_age = 30 + u() * 22
            couple(head_age)
            kids(head_age, 1 if u() < 0.6 else 2)
            g = head_age + 24 + u() * 8
            if u() < 0.55:
                out.append((R["parent"], g + 1, 1))
                out.append((R["parent"], g, 0))
            else:
                out.append((R["parent"], g, int(u() < 0.3)))
        else:  # grandparent heads: couple or widow(er), a married child, grandchildren
            head_age = 56 + u() * 22
            if u() < 0.7:
                couple(head_age)
            else:
                out.append((R["head"], head_age, int(u() < 0.4)))
            c_age = head_age - 24 - u() * 8
            c_sex = int(u() < 0.72)
            out.append((R["child"], c_age, c_sex))
            out.append((R["child_spouse"], max(20.0, c_age + rng.normal(0, 3)), 1 - c_sex))
            for _ in range(1 if u() < 0.6 else 2):
                out.append((R["grandchild"], u() * min(17.0, c_age - 21), int(u() < 0.52)))
    elif template == "parent_adult_child":
        if u() < 0.55:
            head_age = 62 + u() * 28
            out.append((R["head"], head_age, int(u() < 0.4)))
            out.append((R["child"], max(22.0, head_age - 26 - u() * 10), int(u() < 0.55)))
        else:
            head_age = 30 + u() * 30
            out.append((R["head"], head_age, int(u() < 0.55)))
            out.append((R["parent"], head_age + 25 + u() * 8, int(u() < 0.3)))
    elif template == "skipped_gen":
        head_age = 58 + u() * 22
        if u() < 0.6:
            couple(head_age)
        else:
            out.append((R["head"], head_age, int(u() < 0.35)))
        for _ in range(1 if u() < 0.75 else 2):
            out.append((R["grandchild"], u() * 17, int(u() < 0.52)))
    elif template == "siblings":
        head_age = 35 + u() * 40
        out.append((R["head"], head_age, int(u() < 0.5)))
        out.append((R["sibling"], max(18.0, head_age + rng.normal(0, 5)), int(u() < 0.5)))
    else:  # with_other: a head (single or couple) with another relative or a lodger
        head_age = 30 + u() * 45
        if u() < 0.5:
            couple(head_age)
        else:
            out.append((R["head"], head_age, int(u() < 0.5)))
        out.append((R["other"], 18 + u() * 60, int(u() < 0.5)))
    return out


def build(rng: np.random.Generator, households: int, as_of: dt.date) -> Population:
    pop = Population(as_of=as_of)
    _communities(rng, pop)
    n_com = len(pop.com_code)
    size = np.array([P.STREET_PROFILE[s][0] for s in pop.com_street])
    w = size * rng.gamma(4.0, 1.0, n_com)
    com_of = rng.choice(n_com, size=households, p=w / w.sum())
    com_of.sort()  # households numbered community by community, as a register lists them

    names_t = [t for t, _ in P.TEMPLATES]
    base_w = np.array([w for _, w in P.TEMPLATES])
    old_mask = np.array([t in P.OLD_TEMPLATES for t in names_t])
    tilt = np.array([P.STREET_PROFILE[s][2] for s in pop.com_street])

    roles, ages, sexes, hh_of = [], [], [], []
    templates = np.empty(households, dtype=object)
    for h in range(households):
        tw = base_w * np.where(old_mask, tilt[com_of[h]], 1.0)
        t = names_t[rng.choice(len(names_t), p=tw / tw.sum())]
        templates[h] = t
        for role, age, sex in _members(rng, t):
            roles.append(role)
            ages.append(age)
            sexes.append(sex)
            hh_of.append(h)
    role = np.array(roles, dtype=np.int8)
    age = np.array(ages)
    sex = np.array(sexes, dtype=np.int8)
    hh = np.array(hh_of, dtype=np.int64)
    N = len(role)

    days = np.floor(age * 365.25).astype(np.int64) + rng.integers(0, 30, N)
    birth = np.datetime64(as_of, "D") - days.astype("timedelta64[D]")
    birth = np.maximum(birth, np.datetime64("1926-01-01"))
    by = birth.astype("datetime64[Y]").astype(int) + 1970
    ymd = (
        by * 10000
        + (birth.astype("datetime64[M]").astype(int) % 12 + 1) * 100
        + (birth - birth.astype("datetime64[M]")).astype(int)
        + 1
    )

    # names: children share the surname of the household's father figure
    nm = names.make_names(rng, sex, by)
    first_of = np.r_[0, np.flatnonzero(np.diff(hh)) + 1]
    for h0 in range(households):
        start = first_of[h0]
        end = first_of[h0 + 1] if h0 + 1 < households else N
        fam = range(start, end)
        father = next(
            (i for i in fam if role[i] in (R["head"], R["spouse"]) and sex[i] == 1), start
        )
        son = next((i for i in fam if role[i] == R["child"] and sex[i] == 1), None)
        for i in fam:
            if role[i] == R["child"] or (role[i] == R["grandchild"] and son is None):
                nm[i] = names.same_surname_child(nm[father], nm[i])
            elif role[i] == R["grandchild"]:
                nm[i] = names.same_surname_child(nm[son], nm[i])
            elif role[i] == R["parent"] and sex[i] == 1 and sex[start] == 1:
                nm[i] = names.same_surname_child(nm[start], nm[i])
            elif role[i] == R["sibling"] and rng.random() < 0.8:
                nm[i] = names.same_surname_child(nm[start], nm[i])

    # ID numbers: the county code of first issue
    area = np.full(N, "420106", dtype=object)
    u = rng.random(N)
    old = by < 1990
    retired = old & (u < 0.15)
    codes, wts = zip(*ids.RETIRED_WUHAN, strict=True)
    area[retired] = rng.choice(codes, size=int(retired.sum()), p=np.array(wts))
    hubei = [r["code"] for r in reference_rows("cn_areas.csv") if r["code"].startswith("42")]
    hubei = [c for c in hubei if not c.startswith("4201")]
    other = [r["code"] for r in reference_rows("cn_areas.csv") if r["code"][:2] in _NEAR]
    wuhan = (old & (u >= 0.15) & (u < 0.27)) | (~old & (u < 0.08))
    area[wuhan] = rng.choice(ids.WUHAN_DISTRICTS, size=int(wuhan.sum()))
    prov = (old & (u >= 0.27) & (u < 0.39)) | (~old & (u >= 0.08) & (u < 0.12))
    area[prov] = rng.choice(hubei, size=int(prov.sum()))
    far = (old & (u >= 0.39) & (u < 0.45)) | (~old & (u >= 0.12) & (u < 0.15))
    area[far] = rng.choice(other, size=int(far.sum()))
    seq = rng.integers(0, 500, N) * 2 + sex.astype(np.int64)  # odd for men
    id18 = ids.make_ids(area, ymd, seq)
    _, first = np.unique(id18, return_index=True)
    taken = set(id18[first])
    for i in np.setdiff1d(np.arange(N), first):  # re-draw the rare collisions
        while True:
            seq[i] = int(rng.integers(0, 500)) * 2 + int(sex[i])
            cand = ids.make_ids(area[i : i + 1], ymd[i : i + 1], seq[i : i + 1])[0]
            if cand not in taken:
                id18[i] = cand
                taken.add(cand)
                break

    # households: number, address, community
    hukou_no = np.empty(households, dtype=object)
    address = np.empty(households, dtype=object)
    serial = 0
    for h in range(households):
        c = com_of[h]
        code = pop.com_code[c]
        serial += int(rng.integers(1, 40))
        hukou_no[h] = f"{code[6:]}{serial:07d}"
        roads = pop.com_roads[c]
        road = roads[int(rng.integers(0, len(roads)))]
        address[h] = (
            f"湖北省武汉市武昌区{road}{int(rng.integers(1, 400))}号"
            f"{int(rng.integers(1, 30))}栋{int(rng.integers(1, 7))}单元"
            f"{int(rng.integers(1, 33))}{int(rng.integers(1, 7)):02d}室"
        )
    # a previous address for people who moved within the district in the last few years
    moved = rng.random(households) < 0.09
    prev_address = address.copy()
    for h in np.flatnonzero(moved):
        c = int(rng.integers(0, n_com))
        road = pop.com_roads[c][0]
        prev_address[h] = (
            f"湖北省武汉市武昌区{road}{int(rng.integers(1, 400))}号"
            f"{int(rng.integers(1, 30))}栋{int(rng.integers(1, 7))}单元"
            f"{int(rng.integers(1, 33))}{int(rng.integers(1, 7)):02d}室"
        )

    # phones: most adults have a mobile; some old people give a landline
    phone = np.empty(N, dtype=object)
    adult = age >= 16
    mob = adult & (rng.random(N) < np.where(age > 75, 0.55, 0.93))
    digits = rng.integers(0, 10**8, N)
    prefix = rng.choice(np.array(["13", "15", "18", "17", "19", "16"]), N)
    third = rng.integers(0, 10, N)
    for i in np.flatnonzero(mob):
        phone[i] = f"{prefix[i]}{third[i]}{digits[i]:08d}"
    land = adult & ~mob & (rng.random(N) < 0.5)
    for i in np.flatnonzero(land):
        phone[i] = f"027-8{digits[i] % 10**7:07d}"

    person_no = rng.permutation(N) + 10**9 + rng.integers(0, 10**6)  # 人口编号 (unique)
    pop.hh = {
        "hukou_no": hukou_no,
        "community": com_of,
        "template": templates,
        "address": address,
        "prev_address": prev_address,
        "first": first_of,
    }
    pop.pp = {
        "hh": hh,
        "role": role,
        "sex": sex,
        "birth": birth,
        "birth_year": by,
        "ymd": ymd,
        "age": age,  # at as-of, in years
        "name": np.array(nm, dtype=object),
        "area": area,
        "id18": id18,
        "phone": phone,
        "person_no": np.array([f"4201{x:012d}" for x in person_no], dtype=object),
        "person_id": np.array([f"p{i:07d}" for i in range(N)], dtype=object),
    }
    return pop


_NEAR = ("43", "41", "36", "50", "44", "32", "34", "51")  # neighbouring and migrant provinces
