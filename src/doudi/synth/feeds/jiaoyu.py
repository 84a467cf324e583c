"""教育 feeds."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from doudi.synth.feeds.common import Row, age_of, is_alive
from doudi.synth.population import SCHOOLING, Household, Person
from doudi.synth.world import World

_PRIMARY = (
    "中华路",
    "粮道街",
    "候补街",
    "解放路",
    "大成路",
    "复兴路",
    "三道街",
    "张之洞路",
    "南湖第一",
    "南湖第二",
    "水果湖第一",
    "水果湖第二",
    "珞珈山",
    "武珞路",
    "石洞街",
    "徐家棚",
    "杨园",
    "积玉桥",
    "紫阳路",
    "白沙洲",
)
_MIDDLE = (
    "武汉市第十四中学",
    "武汉市第十五中学",
    "武汉中学",
    "武汉市第三十九中学",
    "湖北省武昌实验中学",
    "武汉市水果湖第一中学",
    "武汉市粮道街中学",
    "武汉市南湖中学",
    "武汉市东湖中学",
    "武汉市武昌区七十五中学",
)
_HIGH = (
    "武汉中学",
    "湖北省武昌实验中学",
    "武汉市第十四中学",
    "武汉市第十五中学",
    "湖北省武昌水果湖高级中学",
    "武汉市第三十九中学",
    "武汉市东湖中学",
)
_VOCATIONAL = (
    "武汉市第一商业学校",
    "武汉市财政学校",
    "武汉市第二轻工业学校",
    "武汉市交通学校",
    "武汉市仪表电子学校",
)
_HIGHER_VOC = (
    "武汉职业技术学院",
    "湖北职业技术学院",
    "武汉城市职业学院",
    "长江职业学院",
    "武汉软件工程职业学院",
)
_UNIVERSITY = (
    "武汉大学",
    "华中师范大学",
    "湖北大学",
    "武汉理工大学",
    "中南财经政法大学",
    "湖北工业大学",
    "武汉科技大学",
    "江汉大学",
    "华中科技大学",
    "中南民族大学",
)
_GRADES_CN = "一二三四五六七八九"


def _stage(p: Person) -> str | None:
    s = p.school_stage
    if s is None:
        return None
    if s == "幼儿园":
        return "学前"
    if s == "大学":
        return "本科" if int(p.person_id[1:]) % 20 < 13 else "高职"
    return s


def _school(p: Person, stage: str, hh: Household) -> str:
    k = int(p.person_id[1:]) * 7 + int(hh.hukou_no[-3:])
    if stage == "学前":
        return f"武昌区{hh.street.name[:-2]}{'第一第二实验'[2 * (k % 3) : 2 * (k % 3) + 2]}幼儿园"
    if stage == "小学":
        return f"武汉市武昌区{_PRIMARY[k % len(_PRIMARY)]}小学"
    if stage == "初中":
        return _MIDDLE[k % len(_MIDDLE)]
    if stage == "高中":
        return _HIGH[k % len(_HIGH)]
    if stage == "中职":
        return _VOCATIONAL[k % len(_VOCATIONAL)]
    if stage == "高职":
        return _HIGHER_VOC[k % len(_HIGHER_VOC)]
    return _UNIVERSITY[k % len(_UNIVERSITY)]


def _school_year(w: World) -> int:
    return w.as_of.year if w.as_of.month >= 9 else w.as_of.year - 1


def _grade(w: World, p: Person, stage: str) -> tuple[str, int]:
    """(grade label, enrolment year of the current stage)."""
    sy = _school_year(w)
    age = sy - p.birth_date.year - (p.birth_date.month >= 9)  # age on 1 September
    if stage == "学前":
        g = min(max(age - 3, 0), 2)
        return ("小班", "中班", "大班")[g], sy - g
    if stage == "小学":
        g = min(max(age - 6, 0), 5)
        return f"{_GRADES_CN[g]}年级", sy - g
    if stage == "初中":
        g = min(max(age - 12, 0), 2)
        return f"{_GRADES_CN[g + 6]}年级", sy - g
    if stage in ("高中", "中职"):
        g = min(max(age - 15, 0), 2)
        return ((f"高{_GRADES_CN[g]}" if stage == "高中" else f"{_GRADES_CN[g]}年级"), sy - g)
    g = min(max(age - 18, 0), 3 if stage == "本科" else 2)
    return f"{sy - g}级", sy - g


def jiaoyu_students(w: World, rng: random.Random) -> Iterator[Row]:
    for hh in w.pop.households:
        parent_phone = next((q.phone for q in hh.members if q.phone and age_of(w, q) >= 18), "")
        for p in hh.members:
            stage = _stage(p)
            if stage is None or not is_alive(w, p):
                continue
            if stage in ("本科", "高职") and rng.random() >= 0.6:
                continue  # studies elsewhere; not in the district's records
            grade, year = _grade(w, p, stage)
            if stage in ("本科", "高职"):
                number = (
                    f"{year}{int(rng.random() * 9000) + 1000}{int(p.person_id[1:]) % 10000:04d}"
                )
            else:
                number = "G" + p.id_number
            phone = parent_phone if age_of(w, p) < 18 else (p.phone or parent_phone)
            yield (
                p.person_id,
                [
                    number,
                    p.id_number,
                    p.name,
                    p.sex_zh,
                    p.birth_date,
                    _school(p, stage, hh),
                    stage,
                    grade,
                    dt.date(year, 9, 1),
                    phone or None,
                ],
                None,
            )


def _terms(w: World) -> list[tuple[str, dt.date, dt.date, bool]]:
    """(label, first grant day, last grant day, autumn) of terms granted in the last year."""
    out = []
    lo = w.as_of - dt.timedelta(days=364)
    for y in range(w.as_of.year - 1, w.as_of.year + 1):
        for label, a, b, autumn in (
            (f"{y - 1}-{y}学年第二学期", dt.date(y, 4, 1), dt.date(y, 5, 31), False),
            (f"{y}-{y + 1}学年第一学期", dt.date(y, 10, 8), dt.date(y, 11, 30), True),
        ):
            b = min(b, w.as_of - dt.timedelta(days=1))
            if a >= lo and a <= b:
                out.append((label, a, b, autumn))
    return out


def jiaoyu_aid(w: World, rng: random.Random) -> Iterator[Row]:
    terms = _terms(w)
    rows = []
    for hh in w.pop.households:
        category = w.category_of(hh.hukou_no)
        for p in hh.members:
            stage = _stage(p)
            if stage is None or not is_alive(w, p):
                continue
            if hh.hardship and SCHOOLING in hh.causes:
                chance = 0.95
            elif category in ("低保", "特困"):
                chance = 0.9
            elif hh.hardship:
                chance = 0.6
            else:
                chance = 0.025
            if rng.random() >= chance:
                continue
            if category in ("低保", "特困") or (hh.hardship and rng.random() < 0.6):
                level = "特别困难"
            elif hh.hardship:
                level = "比较困难"
            else:
                level = "一般困难" if rng.random() < 0.7 else "比较困难"
            school = _school(p, stage, hh)
            for label, a, b, autumn in terms:
                items: list[tuple[str, int]] = []
                if stage == "学前":
                    items.append(("学前教育资助", 50_000))
                elif stage in ("小学", "初中"):
                    items.append(
                        ("家庭经济困难学生生活补助", 50_000 if stage == "小学" else 62_500)
                    )
                elif stage in ("高中", "中职"):
                    items.append(("国家助学金", 100_000))
                    if autumn:
                        items.append(("免学费", 80_000 if stage == "高中" else 100_000))
                else:
                    grant = {"特别困难": 275_000, "比较困难": 200_000, "一般困难": 165_000}[level]
                    items.append(("国家助学金", grant))
                    if autumn and rng.random() < 0.4:
                        items.append(("国家助学贷款", int(rng.uniform(8, 16)) * 100_000))
                for aid_type, amount in items:
                    day = a + dt.timedelta(days=int(rng.random() * ((b - a).days + 1)))
                    rows.append((day, p, [school, stage, level, aid_type, amount, day, label]))
    rows.sort(key=lambda r: (r[0], r[1].person_id, r[2][3]))
    seq = int(rng.random() * 1e5)
    for day, p, (school, stage, level, aid_type, amount, granted, label) in rows:
        seq += 1
        yield (
            p.person_id,
            [
                f"ZZ{day:%Y%m}{seq:07d}",
                p.id_number,
                p.name,
                p.birth_date,
                school,
                stage,
                level,
                aid_type,
                amount,
                granted,
                label,
            ],
            None,
        )
