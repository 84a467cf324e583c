"""The synthetic district generator (doudi.synth): pure Python, no database."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from doudi.registry import idnumber
from doudi.synth import communities, generate
from doudi.synth.areas import RETIRED
from doudi.synth.names import SURNAMES, all_given_characters
from doudi.synth.population import CAUSES, PHONE_PREFIXES, RELATIONS
from doudi.synth.writers import HUKOU_HEADER

AS_OF = dt.date(2026, 11, 1)
HUKOU_REL = "feeds/gongan_hukou/hukou_20261101.csv"
EXPECTED_FILES = {HUKOU_REL, "truth/households.csv", "truth/persons.csv", "manifest.json"}
BOM = b"\xef\xbb\xbf"
ADDRESS = re.compile(r"^武汉市武昌区(?P<street>\S+?街道)\S+?路\d+号\d+栋\d+单元\d{3,4}室$")


# ---- helpers ---------------------------------------------------------------------------------
def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    raw = path.read_bytes()
    assert raw.startswith(BOM), f"{path} has no UTF-8 BOM"
    text = raw[len(BOM) :].decode("utf-8")
    assert text.endswith("\r\n")
    assert text.count("\n") == text.count("\r\n"), f"{path} has bare LF line endings"
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def files_under(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def years_between(earlier: dt.date, later: dt.date) -> int:
    """Completed years from ``earlier`` to ``later`` (an age)."""
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))


class District:
    def __init__(self, root: Path, summary):
        self.root = root
        self.summary = summary
        self.header, self.hukou = read_csv(root / HUKOU_REL)
        self.hh_header, self.truth_households = read_csv(root / "truth/households.csv")
        self.p_header, self.truth_persons = read_csv(root / "truth/persons.csv")
        self.manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        self.by_household: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in self.hukou:
            self.by_household[row["户号"]].append(row)


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> District:
    root = tmp_path_factory.mktemp("district3000")
    summary = generate(root, households=3_000)
    return District(root, summary)


# ---- communities -----------------------------------------------------------------------------
def test_communities_cover_the_14_streets():
    comms = communities.build()
    streets = communities.streets()
    assert len(comms) == 142
    assert len(streets) == 14
    assert "420106490" not in {s.code for s in streets}
    per_street = Counter(c.street_code for c in comms)
    assert sorted(per_street.values()) == [10] * 12 + [11] * 2
    assert set(per_street) == {s.code for s in streets}
    for street_code, n in per_street.items():
        codes = [c.code for c in comms if c.street_code == street_code]
        assert codes == [f"{street_code}{i:03d}" for i in range(1, n + 1)]
    names = [c.name for c in comms]
    assert len(set(names)) == 142
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{1,5}社区", n) for n in names)
    assert comms == communities.build()  # deterministic


def test_shipped_community_csv_equals_build():
    path = communities.shipped_csv_path()
    assert (
        path
        == Path(communities.__file__).resolve().parents[1] / "registry/data/wuchang_communities.csv"
    )
    raw = path.read_bytes()
    assert not raw.startswith(BOM)
    assert raw == communities.render_csv().encode("utf-8")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    assert [(r["code"], r["name"], r["street_code"]) for r in rows] == [
        (c.code, c.name, c.street_code) for c in communities.build()
    ]


# ---- reference tables --------------------------------------------------------------------------
def test_name_tables():
    surnames = [s for s, _ in SURNAMES]
    assert len(surnames) == len(set(surnames))
    assert len(surnames) >= 100
    assert surnames[:10] == ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"]
    assert len(all_given_characters()) >= 300


def test_retired_area_codes_are_unknown_but_well_formed():
    known = idnumber.known_area_codes()
    for code in RETIRED:
        assert code not in known
        assert code[:2] in idnumber.PROVINCE_CODES


def test_package_does_not_import_django():
    code = (
        "import sys, doudi.synth, doudi.synth.communities, doudi.synth.writers;"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    src = str(Path(communities.__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# ---- determinism -------------------------------------------------------------------------------
def test_same_seed_same_bytes_other_seed_different(tmp_path):
    first = generate(tmp_path / "a", households=400, seed=7)
    generate(tmp_path / "b", households=400, seed=7)
    generate(tmp_path / "c", households=400, seed=8)
    a, b, c = (files_under(tmp_path / d) for d in "abc")
    assert set(a) == EXPECTED_FILES
    assert a == b
    assert set(c) == set(a)
    for rel in EXPECTED_FILES:
        assert a[rel] != c[rel], rel
    assert sorted(p.relative_to(tmp_path / "a").as_posix() for p in first.paths) == sorted(
        EXPECTED_FILES
    )
    assert first.paths[-1].name == "manifest.json"
    assert first.households == 400


def test_as_of_names_the_extract_and_bounds_births(tmp_path):
    as_of = dt.date(2025, 3, 31)
    generate(tmp_path, households=200, seed=3, as_of=as_of)
    _, rows = read_csv(tmp_path / "feeds/gongan_hukou/hukou_20250331.csv")
    assert len(rows) == json.loads((tmp_path / "manifest.json").read_text())["persons"]
    assert max(dt.date.fromisoformat(r["出生日期"]) for r in rows) <= as_of


def test_progress_is_reported(tmp_path):
    calls = []
    generate(tmp_path, households=2_500, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1000, 2500), (2000, 2500), (2500, 2500)]


# ---- a 3,000-household district ---------------------------------------------------------------
def test_files_and_headers(district):
    assert set(files_under(district.root)) == EXPECTED_FILES
    assert district.header == list(HUKOU_HEADER)
    assert district.header == [
        "户号",
        "姓名",
        "公民身份号码",
        "性别",
        "出生日期",
        "与户主关系",
        "住址",
        "社区代码",
        "社区名称",
        "街道名称",
        "联系电话",
    ]
    assert district.hh_header == ["hukou_no", "hardship", "causes"]
    assert district.p_header == ["person_id", "hukou_no", "id_number"]
    # ground truth only under truth/: the feed carries nothing but the hukou columns
    feed_text = (district.root / HUKOU_REL).read_text(encoding="utf-8-sig")
    for word in ("hardship", "illness", "P0000001", *CAUSES):
        assert word not in feed_text


def test_ids_valid_unique_and_consistent(district):
    ids = [r["公民身份号码"] for r in district.hukou]
    assert len(ids) == len(set(ids)) == district.summary.persons
    for row in district.hukou:
        rid = idnumber.parse(row["公民身份号码"], today=AS_OF)
        assert rid.number == row["公民身份号码"]
        assert rid.birth_date.isoformat() == row["出生日期"]
        assert {"M": "男", "F": "女"}[rid.sex] == row["性别"]
    areas = Counter(i[:6] for i in ids)
    n = len(ids)
    assert 0.65 <= areas["420106"] / n <= 0.85
    retired = sum(areas[c] for c in RETIRED)
    assert 0.004 <= retired / n <= 0.02
    assert 0.02 <= sum(v for a, v in areas.items() if not a.startswith("42")) / n <= 0.12
    assert (
        0.03
        <= sum(v for a, v in areas.items() if a.startswith("4201") and a != "420106") / n
        <= 0.2
    )


def test_every_person_in_exactly_one_household(district):
    persons = district.truth_persons
    assert [p["person_id"] for p in persons] == [f"P{i:07d}" for i in range(1, len(persons) + 1)]
    by_id = {p["id_number"]: p["hukou_no"] for p in persons}
    assert len(by_id) == len(persons) == len(district.hukou)
    assert {r["公民身份号码"]: r["户号"] for r in district.hukou} == by_id
    truth_hukou = [h["hukou_no"] for h in district.truth_households]
    assert truth_hukou == sorted(set(truth_hukou))
    assert set(truth_hukou) == set(district.by_household) == set(by_id.values())


def test_households_are_well_formed(district):
    assert len(district.by_household) == 3_000
    keys = [(r["户号"]) for r in district.hukou]
    assert keys == sorted(keys)  # sorted by 户号
    for hukou_no, members in district.by_household.items():
        assert re.fullmatch(r"\d{9}", hukou_no)
        relations = [m["与户主关系"] for m in members]
        assert relations.count("户主") == 1
        assert relations[0] == "户主"
        assert set(relations) <= set(RELATIONS)
        assert relations.count("配偶") <= 1
        for column in ("住址", "社区代码", "社区名称", "街道名称"):
            assert len({m[column] for m in members}) == 1, (hukou_no, column)
    sizes = Counter(len(m) for m in district.by_household.values())
    assert sizes[1] / 3_000 >= 0.45  # many one-person households
    assert max(sizes) <= 8


def test_ages_fit_relations(district):
    checked = Counter()
    for members in district.by_household.values():
        head = members[0]
        hb = dt.date.fromisoformat(head["出生日期"])
        head_age = years_between(hb, AS_OF)
        for m in members[1:]:
            b = dt.date.fromisoformat(m["出生日期"])
            rel = m["与户主关系"]
            if rel in ("子", "女"):
                assert b > hb and 20 <= years_between(hb, b) <= 40, (head, m)
                assert m["性别"] == ("男" if rel == "子" else "女")
            elif rel in ("父亲", "母亲"):
                assert b < hb and 20 <= years_between(b, hb) <= 40, (head, m)
                assert m["性别"] == ("男" if rel == "父亲" else "女")
            elif rel in ("孙子", "孙女"):
                assert b > hb and years_between(hb, b) >= 40, (head, m)
            elif rel == "配偶":
                assert m["性别"] != head["性别"]
                assert abs((b - hb).days) <= 16 * 366
            elif rel in ("儿媳", "女婿"):
                assert m["性别"] == ("女" if rel == "儿媳" else "男")
            checked[rel] += 1
        if len(members) == 1:
            assert head_age >= 18
    for rel in ("子", "女", "父亲", "母亲", "孙子", "孙女", "配偶", "儿媳"):
        assert checked[rel] >= 10, rel
    ages = [years_between(dt.date.fromisoformat(r["出生日期"]), AS_OF) for r in district.hukou]
    assert min(ages) >= 0 and max(ages) <= 100


def test_persons_per_household(district):
    ratio = len(district.hukou) / len(district.by_household)
    assert 1.55 <= ratio <= 1.72


def test_truth_and_manifest_counts(district):
    m = district.manifest
    assert m["seed"] == 20261129
    assert m["as_of"] == "2026-11-01"
    assert m["households"] == len(district.truth_households) == district.summary.households == 3_000
    assert (
        m["persons"]
        == len(district.truth_persons)
        == len(district.hukou)
        == district.summary.persons
    )
    rows = {f["path"]: f["rows"] for f in m["files"]}
    assert rows == {
        HUKOU_REL: len(district.hukou),
        "truth/households.csv": 3_000,
        "truth/persons.csv": len(district.truth_persons),
    }
    for f in m["files"]:
        assert hashlib.sha256((district.root / f["path"]).read_bytes()).hexdigest() == f["sha256"]


def test_hardship_truth(district):
    hardship = [h for h in district.truth_households if h["hardship"] == "1"]
    assert {h["hardship"] for h in district.truth_households} == {"0", "1"}
    share = len(hardship) / len(district.truth_households)
    assert 0.06 <= share <= 0.09
    two_causes = 0
    seen = Counter()
    for h in district.truth_households:
        members = district.by_household[h["hukou_no"]]
        ages = [years_between(dt.date.fromisoformat(m["出生日期"]), AS_OF) for m in members]
        if h["hardship"] == "0":
            assert h["causes"] == ""
            continue
        causes = h["causes"].split(";")
        assert 1 <= len(causes) <= 2 and len(set(causes)) == len(causes)
        assert set(causes) <= set(CAUSES)
        two_causes += len(causes) == 2
        seen.update(causes)
        if "old_age_alone" in causes:
            assert len(members) == 1 and ages[0] >= 60
        if "schooling" in causes:
            assert any(6 <= a <= 24 for a in ages)
        if "unemployment" in causes:
            assert any(18 <= a < 60 for a in ages)
    assert 0.1 <= two_causes / len(hardship) <= 0.4
    assert set(seen) == set(CAUSES)


def test_communities_addresses_and_phones(district):
    comms = {c.code: c for c in communities.build()}
    streets = {s.code: s.name for s in communities.streets()}
    used = {r["社区代码"] for r in district.hukou}
    assert used <= set(comms)
    assert len(used) == 142
    for row in district.hukou:
        comm = comms[row["社区代码"]]
        assert row["社区名称"] == comm.name
        assert row["街道名称"] == streets[comm.street_code]
        match = ADDRESS.match(row["住址"])
        assert match, row["住址"]
        assert match["street"] == row["街道名称"]
        assert row["户号"][1:3] == comm.street_code[-2:]
        phone = row["联系电话"]
        assert phone == "" or (re.fullmatch(r"\d{11}", phone) and phone[:3] in PHONE_PREFIXES)
    phones = [r["联系电话"] for r in district.hukou if r["联系电话"]]
    assert len(phones) == len(set(phones))
    elderly = [
        r
        for r in district.hukou
        if years_between(dt.date.fromisoformat(r["出生日期"]), AS_OF) >= 75
    ]
    without = sum(1 for r in elderly if r["联系电话"] == "")
    assert 0.1 <= without / len(elderly) <= 0.6


def test_names_look_chinese(district):
    names = [r["姓名"] for r in district.hukou]
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", n) for n in names)
    lengths = Counter(len(n) for n in names)
    assert 0.15 <= lengths[2] / len(names) <= 0.45
    top = [s for s, _ in Counter(n[0] for n in names).most_common(3)]
    assert set(top) == {"王", "李", "张"}


# ---- full scale --------------------------------------------------------------------------------
@pytest.mark.slow
def test_full_district(tmp_path):
    summary = generate(tmp_path)
    assert summary.households == 130_000
    assert 200_000 <= summary.persons <= 220_000
    _, hukou = read_csv(tmp_path / HUKOU_REL)
    _, persons = read_csv(tmp_path / "truth/persons.csv")
    _, households = read_csv(tmp_path / "truth/households.csv")
    assert len(hukou) == len(persons) == summary.persons
    assert len(households) == 130_000
    ids = [r["公民身份号码"] for r in hukou]
    assert len(set(ids)) == len(ids)
    for number in ids:
        assert idnumber.parse(number, today=AS_OF).number == number
    assert {r["公民身份号码"]: r["户号"] for r in hukou} == {
        p["id_number"]: p["hukou_no"] for p in persons
    }
    heads = Counter(r["户号"] for r in hukou if r["与户主关系"] == "户主")
    assert len(heads) == 130_000 and set(heads.values()) == {1}
    assert {h["hukou_no"] for h in households} == {r["户号"] for r in hukou}
    share = sum(h["hardship"] == "1" for h in households) / 130_000
    assert 0.06 <= share <= 0.09
