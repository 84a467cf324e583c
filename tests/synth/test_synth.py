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
from importlib import resources
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from python_calamine import CalamineWorkbook

from doudi.engine import idnumber
from doudi.engine.catalogue import load_catalogue, normalise_header
from doudi.synth import communities, generate
from doudi.synth.areas import RETIRED
from doudi.synth.names import SURNAMES, all_given_characters
from doudi.synth.noise import FORMULAS, NOISE_KINDS, QUARANTINE_CODES
from doudi.synth.population import CAUSES, PHONE_PREFIXES, RELATIONS
from doudi.synth.world import uscc_is_valid
from doudi.synth.writers import HUKOU_HEADER

AS_OF = dt.date(2026, 11, 1)
CATALOGUE = load_catalogue()
HUKOU_REL = "feeds/gongan_hukou/hukou_20261101.csv"
TRUTH_FILES = {
    "truth/households.csv",
    "truth/persons.csv",
    "truth/records.csv",
    "truth/noise.csv",
}
BOM = b"\xef\xbb\xbf"
ADDRESS = re.compile(r"^武汉市武昌区(?P<street>\S+?街道)\S+?路\d+号\d+栋\d+单元\d{3,4}室$")
EXPECTED_VALUES = {
    "accept",
    "accept:id_check_digit",
    "accept:id_upgraded_15",
    "accept:id_missing",
    "duplicate",
    *(f"quarantine:{code}" for code in QUARANTINE_CODES),
}
ENCODINGS = {"utf-8-bom": "utf-8-sig", "gbk": "gbk", "utf-8": "utf-8"}
INVALID_KINDS = (
    "bad_date",
    "bad_money",
    "missing_record_key",
    "missing_required",
    "bad_choice",
    "formula",
    "no_identity",
)


# ---- helpers ---------------------------------------------------------------------------------
def read_csv(path: Path, *, bom: bool = True) -> tuple[list[str], list[dict[str, str]]]:
    """A CSV as Excel writes it (BOM, CRLF), or a truth file (no BOM, LF)."""
    raw = path.read_bytes()
    if bom:
        assert raw.startswith(BOM), f"{path} has no UTF-8 BOM"
        text = raw[len(BOM) :].decode("utf-8")
        assert text.endswith("\r\n")
        assert text.count("\n") == text.count("\r\n"), f"{path} has bare LF line endings"
    else:
        assert not raw.startswith(BOM), f"{path} has a BOM"
        text = raw.decode("utf-8")
        assert "\r" not in text and text.endswith("\n")
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


def read_feed(root: Path, entry: dict) -> tuple[list[str], list[list[object]]]:
    """Header and data rows of a feed file in any of the four formats (XLSX: all sheets)."""
    path = root / entry["path"]
    fmt = entry["format"]
    if fmt == "csv":
        text = path.read_bytes().decode(ENCODINGS[entry["encoding"]])
        rows = list(csv.reader(io.StringIO(text, newline="")))
        return rows[0], rows[1:]
    if fmt == "jsonl":
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        header = list(records[0]) if records else []
        assert all(list(r) == header for r in records)
        return header, [[r[h] for h in header] for r in records]
    if fmt == "xlsx":
        wb = CalamineWorkbook.from_path(str(path))
        header: list[str] = []
        rows: list[list[object]] = []
        for name in wb.sheet_names:
            data = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            header = header or list(data[0])
            assert list(data[0]) == header
            width = len(header)
            rows += [list(r) + [""] * (width - len(r)) for r in data[1:]]
        return header, rows
    if fmt == "parquet":
        table = pq.read_table(path)
        return table.column_names, [list(r.values()) for r in table.to_pylist()]
    raise AssertionError(fmt)


def text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


class District:
    def __init__(self, root: Path, summary):
        self.root = root
        self.summary = summary
        self.header, self.hukou = read_csv(root / HUKOU_REL)
        self.hh_header, self.truth_households = read_csv(root / "truth/households.csv", bom=False)
        self.p_header, self.truth_persons = read_csv(root / "truth/persons.csv", bom=False)
        self.r_header, self.records = read_csv(root / "truth/records.csv", bom=False)
        self.n_header, self.noise = read_csv(root / "truth/noise.csv", bom=False)
        self.manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        self.by_household: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in self.hukou:
            self.by_household[row["户号"]].append(row)
        self.entries = {f["feed"]: f for f in self.manifest["files"] if f["feed"]}
        self.household_of = {p["person_id"]: p["hukou_no"] for p in self.truth_persons}
        self.person = {p["person_id"]: p for p in self.truth_persons}
        self._feeds: dict[str, tuple[list[str], list[list[object]]]] = {}

    def feed(self, feed_id: str) -> tuple[list[str], list[list[object]]]:
        """(canonical field names, rows) of a feed file."""
        if feed_id not in self._feeds:
            header, rows = read_feed(self.root, self.entries[feed_id])
            mapping = CATALOGUE[feed_id].header_map()
            self._feeds[feed_id] = ([mapping[normalise_header(h)] for h in header], rows)
        return self._feeds[feed_id]

    def feed_dicts(self, feed_id: str) -> list[dict[str, object]]:
        fields, rows = self.feed(feed_id)
        return [dict(zip(fields, r, strict=True)) for r in rows]

    def households_in(self, feed_id: str) -> set[str]:
        return {self.household_of[r["person_id"]] for r in self.records if r["feed"] == feed_id}

    def record_person(self) -> dict[tuple[str, str], str]:
        return {(r["feed"], r["record_key"]): r["person_id"] for r in self.records}

    def hardship(self, cause: str | None = None) -> set[str]:
        return {
            h["hukou_no"]
            for h in self.truth_households
            if h["hardship"] == "1" and (cause is None or cause in h["causes"].split(";"))
        }


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


def test_retired_area_codes_are_known_from_history_and_well_formed():
    # An ID keeps the area code of its first issue: a retired code existed, so it is known
    # (issue 14); only codes that never existed are flagged.
    known = idnumber.known_area_codes()
    current_list = (resources.files("doudi.engine") / "data" / "cn_areas.csv").read_text("utf-8")
    current = {line.split(",")[0] for line in current_list.splitlines()}
    for code in RETIRED:
        assert code in known
        assert code not in current
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
def expected_files(files: dict[str, object]) -> None:
    """One file per catalogue feed in feeds/<feed_id>/, the truth files and the manifest."""
    feed_files = [rel for rel in files if rel.startswith("feeds/")]
    folders = Counter(rel.split("/")[1] for rel in feed_files)
    assert set(folders) == set(CATALOGUE.feeds)
    assert set(folders.values()) == {1}
    assert HUKOU_REL in files
    assert set(files) - set(feed_files) == TRUTH_FILES | {"manifest.json"}


def test_same_seed_same_bytes_other_seed_different(tmp_path):
    first = generate(tmp_path / "a", households=400, seed=7)
    generate(tmp_path / "b", households=400, seed=7)
    generate(tmp_path / "c", households=400, seed=8)
    a, b, c = (files_under(tmp_path / d) for d in "abc")
    expected_files(a)
    assert set(a) == set(b)
    for rel in a:  # every file, XLSX and Parquet included, byte for byte
        assert a[rel] == b[rel], rel
    assert set(c) == set(a)
    for rel in (HUKOU_REL, *TRUTH_FILES, "manifest.json"):
        assert a[rel] != c[rel], rel
    differing = [rel for rel in a if rel.startswith("feeds/") and a[rel] != c[rel]]
    assert len(differing) >= 20  # tiny feeds may be empty for both seeds
    assert sorted(p.relative_to(tmp_path / "a").as_posix() for p in first.paths) == sorted(a)
    assert first.paths[-1].name == "manifest.json"
    assert first.households == 400


def test_two_processes_write_the_same_bytes(tmp_path):
    generate(tmp_path / "one", households=600, seed=11, workers=1)
    generate(tmp_path / "two", households=600, seed=11, workers=2)
    assert files_under(tmp_path / "one") == files_under(tmp_path / "two")
    assert not (tmp_path / "two/truth/.parts").exists()


def test_as_of_names_the_extract_and_bounds_births(tmp_path):
    as_of = dt.date(2025, 3, 31)
    generate(tmp_path, households=200, seed=3, as_of=as_of)
    _, rows = read_csv(tmp_path / "feeds/gongan_hukou/hukou_20250331.csv")
    names = {p.relative_to(tmp_path).as_posix() for p in (tmp_path / "feeds").rglob("*.*")}
    assert all(re.search(r"_20250331\.(csv|xlsx|jsonl|parquet)$", n) for n in names), names
    assert len(rows) == json.loads((tmp_path / "manifest.json").read_text())["persons"]
    assert max(dt.date.fromisoformat(r["出生日期"]) for r in rows) <= as_of


def test_progress_is_reported(tmp_path):
    calls = []
    generate(tmp_path, households=2_500, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1000, 2500), (2000, 2500), (2500, 2500)]


# ---- a 3,000-household district ---------------------------------------------------------------
def test_files_and_headers(district):
    expected_files(files_under(district.root))
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
        "人员编号",
    ]
    assert district.hh_header == ["hukou_no", "hardship", "causes"]
    assert district.p_header == ["person_id", "hukou_no", "id_number"]
    assert district.r_header == ["feed", "record_key", "person_id"]
    assert district.n_header == ["feed", "record_key", "kind", "field", "expected"]
    # ground truth only under truth/: no feed carries it
    for entry in district.manifest["files"]:
        if entry["feed"] and entry["format"] in ("csv", "jsonl"):
            raw = (district.root / entry["path"]).read_bytes()
            feed_text = raw.decode(ENCODINGS[entry["encoding"]])
            for word in ("hardship", "illness", "P0000001", *CAUSES):
                assert word not in feed_text, (entry["path"], word)


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
    assert ratio >= 1.55 and ratio <= 1.72


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
    assert rows[HUKOU_REL] == len(district.hukou)
    assert rows["truth/households.csv"] == 3_000
    assert rows["truth/persons.csv"] == len(district.truth_persons)
    assert rows["truth/records.csv"] == len(district.records)
    assert rows["truth/noise.csv"] == len(district.noise)
    assert set(rows) == set(files_under(district.root)) - {"manifest.json"}
    for f in m["files"]:
        assert hashlib.sha256((district.root / f["path"]).read_bytes()).hexdigest() == f["sha256"]
        if f["feed"]:
            feed = CATALOGUE[f["feed"]]
            assert f["format"] in feed.formats, f
            assert f["path"].endswith("." + f["format"])
            _, data = district.feed(f["feed"])
            assert f["rows"] == len(data), f["path"]
            if f["format"] == "xlsx":
                assert sum(f["sheets"].values()) == f["rows"]
    assert {f["encoding"] for f in m["files"] if f["format"] == "csv"} == {
        "utf-8-bom",
        "gbk",
        "utf-8",
    }
    assert {f["format"] for f in m["files"] if f["feed"]} == {"csv", "xlsx", "jsonl", "parquet"}
    assert [f["format"] for f in m["files"] if f["feed"]].count("jsonl") == 1
    assert [f["format"] for f in m["files"] if f["feed"]].count("parquet") == 1
    assert summary_files(district) == {f["path"] for f in m["files"]}


def summary_files(district) -> set[str]:
    return {f.path for f in district.summary.files}


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
        assert len(causes) in (1, 2) and len(set(causes)) == len(causes)
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


# ---- department feeds ------------------------------------------------------------------------------
DATE_FORMS = (
    ("iso", re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")),
    ("slash", re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")),
    ("cn", re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")),
    ("compact", re.compile(r"^(\d{4})(\d{2})(\d{2})$")),
)
MONTH_FORMS = (
    re.compile(r"^(\d{4})-(\d{2})$"),
    re.compile(r"^(\d{4})(\d{2})$"),
    re.compile(r"^(\d{4})/(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月$"),
)
MONEY = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$")
BOOLEANS = {"是", "否", "Y", "N", "1", "0"}


def date_form(value: object) -> str:
    """The spelling of a date cell; raises ValueError for anything that is not a real date."""
    if isinstance(value, dt.datetime | dt.date):
        return "excel"
    if isinstance(value, int | float) and not isinstance(value, bool):
        dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        return "serial"
    for name, pattern in DATE_FORMS:
        m = pattern.match(str(value))
        if m:
            dt.date(int(m[1]), int(m[2]), int(m[3]))
            return name
    raise ValueError(value)


def check_cell(field, value: object) -> bool:
    """Is a non-empty cell valid for its catalogue field?"""
    t = field.type
    try:
        if t == "date":
            date_form(value)
        elif t == "month":
            m = next(p.match(str(value)) for p in MONTH_FORMS if p.match(str(value)))
            if not 1 <= int(m[2]) <= 12:
                return False
        elif t == "money":
            if isinstance(value, str):
                return bool(MONEY.match(value))
        elif t == "enum":
            return value in field.choices
        elif t == "integer":
            n = float(value)
            return (
                n.is_integer()
                and (field.min is None or n >= field.min)
                and (field.max is None or n <= field.max)
            )
        elif t == "decimal":
            float(value)
            return not isinstance(value, str) or bool(re.fullmatch(r"\d+(\.\d+)?", value))
        elif t == "boolean":
            return text(value) in BOOLEANS
        elif t == "phone":
            return bool(re.fullmatch(r"1\d{10}", text(value)))
        elif t == "name":
            return bool(re.fullmatch(r"[\u4e00-\u9fff]{2,5}", str(value)))
        elif t == "id_number":
            idnumber.parse(str(value), today=AS_OF)
        elif t == "string" and isinstance(value, str):
            return not value.startswith(("=", "+", "@", "-"))
    except (ValueError, StopIteration, TypeError, idnumber.InvalidIDNumber):
        return False
    return True


def invalid_fields(feed, fields: list[str], row: list[object]) -> set[str]:
    bad = set()
    for name, value in zip(fields, row, strict=True):
        f = feed.field(name)
        if value is None or value == "":
            if f.required:
                bad.add(name)
        elif not check_cell(f, value):
            bad.add(name)
    return bad


def test_headers_map_to_catalogue_fields(district):
    for entry in district.manifest["files"]:
        if not entry["feed"]:
            continue
        feed = CATALOGUE[entry["feed"]]
        header, _ = read_feed(district.root, entry)
        mapping = feed.header_map()
        fields = [mapping.get(normalise_header(h)) for h in header]
        assert None not in fields, (feed.id, header)
        assert len(set(fields)) == len(fields), (feed.id, header)
        assert {f.name for f in feed.fields if f.required} <= set(fields)
        assert {"id_number", "name", feed.record_key} <= set(fields)
    # departments' own headers, not just the catalogue's labels
    labels = aliases = 0
    for feed in CATALOGUE:
        header, _ = read_feed(district.root, district.entries[feed.id])
        for h, name in zip(header, district.feed(feed.id)[0], strict=True):
            if h == feed.field(name).label:
                labels += 1
            else:
                aliases += 1
    assert labels > 100 and aliases > 30
    id_headers = {
        read_feed(district.root, e)[0][district.feed(f)[0].index("id_number")]
        for f, e in district.entries.items()
    }
    assert {"身份证号", "公民身份号码", "证件号码", "身份证号码"} <= id_headers


def test_encodings(district):
    for entry in district.manifest["files"]:
        raw = (district.root / entry["path"]).read_bytes()
        if entry["format"] == "xlsx":
            assert raw[:2] == b"PK"
        elif entry["format"] == "parquet":
            assert raw[:4] == raw[-4:] == b"PAR1"
        elif entry["encoding"] == "gbk":
            assert not raw.startswith(BOM)
            raw.decode("gbk")  # really GBK …
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")  # … and not UTF-8
            assert b"\r\n" in raw
        elif entry["encoding"] == "utf-8-bom":
            assert raw.startswith(BOM)
            raw.decode("utf-8-sig")
        else:
            assert entry["encoding"] == "utf-8" and not raw.startswith(BOM)
            raw.decode("utf-8")
    gbk = [e["feed"] for e in district.manifest["files"] if e["encoding"] == "gbk"]
    assert len(gbk) >= 4


def test_record_truth_covers_every_row(district):
    noise_by_feed: dict[str, list[dict[str, str]]] = defaultdict(list)
    for n in district.noise:
        noise_by_feed[n["feed"]].append(n)
    persons = set(district.person)
    for feed in CATALOGUE:
        fields, rows = district.feed(feed.id)
        k = fields.index(feed.record_key)
        keys = [text(r[k]) for r in rows]
        truth = [r for r in district.records if r["feed"] == feed.id]
        truth_keys = [r["record_key"] for r in truth]
        assert len(truth_keys) == len(set(truth_keys)), feed.id  # record keys are unique
        assert {r["person_id"] for r in truth} <= persons
        blanked = Counter(
            n["record_key"] for n in noise_by_feed[feed.id] if n["kind"] == "missing_record_key"
        )
        duplicated = Counter(
            n["record_key"] for n in noise_by_feed[feed.id] if n["kind"] == "duplicate"
        )
        got = Counter(keys)
        assert got.pop("", 0) == sum(blanked.values()), feed.id
        assert got == Counter(truth_keys) - blanked + duplicated, feed.id
        # a duplicate is an exact repeat of its row
        for key in duplicated:
            copies = [r for r, kk in zip(rows, keys, strict=True) if kk == key]
            assert len(copies) == 2 and copies[0] == copies[1], (feed.id, key)


def test_every_row_is_valid_unless_noise_says_otherwise(district):
    noise = {(n["feed"], n["record_key"]): n for n in district.noise}
    owner = district.record_person()
    blank_keys = Counter(n["feed"] for n in district.noise if n["kind"] == "missing_record_key")
    checked = Counter()
    for feed in CATALOGUE:
        fields, rows = district.feed(feed.id)
        k = fields.index(feed.record_key)
        idx = {f: i for i, f in enumerate(fields)}
        blank_seen = 0
        for row in rows:
            key = text(row[k])
            bad = invalid_fields(feed, fields, row)
            if not key:
                blank_seen += 1
                assert bad == {feed.record_key}, (feed.id, row)
                continue
            n = noise.get((feed.id, key))
            person = district.person[owner[(feed.id, key)]]
            id_cell = text(row[idx["id_number"]])
            kind = n["kind"] if n else None
            checked[kind] += 1
            if n is None or n["expected"] in ("accept", "duplicate"):
                assert bad == set(), (feed.id, key, kind, bad, row)
                assert id_cell == person["id_number"], (feed.id, key)
            elif n["expected"] == "accept:id_check_digit":
                assert bad == {"id_number"}
                assert text(row[idx["name"]])  # a name with a near-valid ID is still linkable
                assert len(id_cell) == 18 and id_cell != person["id_number"]
                assert idnumber.check_char(id_cell[:17]) != id_cell[17]
                diff = [a != b for a, b in zip(id_cell, person["id_number"], strict=True)]
                assert sum(diff) in (1, 2)
            elif n["expected"] == "accept:id_upgraded_15":
                assert bad == set() and len(id_cell) == 15
                assert idnumber.upgrade_15_to_18(id_cell) == person["id_number"]
                assert int(person["id_number"][6:10]) < 1982
            elif n["expected"] == "accept:id_missing":
                assert id_cell == "" and bad <= {"id_number"}
                assert any(f in idx and text(row[idx[f]]) for f in ("birth_date", "phone")), (
                    feed.id,
                    key,
                )
            elif n["expected"] == "quarantine:no_identity":
                if kind == "no_identity":
                    assert id_cell in ("", "不详")
                    assert all(text(row[idx[f]]) == "" for f in ("birth_date", "phone") if f in idx)
                else:  # an ID failing its check, and no name to go with it
                    assert len(id_cell) == 18 and idnumber.check_char(id_cell[:17]) != id_cell[17]
                    assert text(row[idx["name"]]) == ""
                assert bad <= {"id_number"}
            elif n["expected"] == "quarantine:formula":
                assert text(row[idx[n["field"]]]) in FORMULAS
                assert bad == {n["field"]}
            else:
                assert bad == {n["field"]}, (feed.id, key, n, bad, row)
                if n["expected"] == "quarantine:missing_required":
                    assert text(row[idx[n["field"]]]) == ""
        assert blank_seen == blank_keys[feed.id]
    assert checked[None] > 50_000


def test_noise_truth(district):
    kinds = {kind: expected for kind, _, expected in NOISE_KINDS}
    owner = district.record_person()
    for n in district.noise:
        assert n["expected"] in EXPECTED_VALUES
        if n["kind"] in ("id_mistyped_digit", "id_swapped_digits"):
            assert n["expected"] in ("accept:id_check_digit", "quarantine:no_identity")
        elif n["kind"] == "bad_date":
            month = CATALOGUE[n["feed"]].field(n["field"]).type == "month"
            assert n["expected"] == ("quarantine:bad_month" if month else "quarantine:bad_date")
        else:
            assert kinds[n["kind"]] == n["expected"]
        assert (n["feed"], n["record_key"]) in owner
        assert n["feed"] != "gongan_hukou"  # the register stays clean
        feed = CATALOGUE[n["feed"]]
        assert n["field"] == "" if n["kind"] == "duplicate" else n["field"] in feed.field_names
    pairs = [(n["feed"], n["record_key"]) for n in district.noise]
    assert len(pairs) == len(set(pairs))  # at most one noise per record
    assert set(kinds) == {n["kind"] for n in district.noise}
    assert {n["expected"] for n in district.noise} == EXPECTED_VALUES
    assert len({n["feed"] for n in district.noise}) >= 20  # the tiniest feeds may have none


def test_noise_rates(district):
    rows = sum(1 for r in district.records if r["feed"] != "gongan_hukou")
    by_expected = Counter(n["expected"] for n in district.noise)
    by_kind = Counter(n["kind"] for n in district.noise)
    linkable = sum(v for k, v in by_expected.items() if k.startswith("accept"))
    invalid = sum(by_kind[k] for k in INVALID_KINDS)
    assert 0.01 <= linkable / rows <= 0.08
    assert 0.001 <= by_expected["duplicate"] / rows <= 0.008
    assert 0.0015 <= invalid / rows <= 0.005  # truly invalid rows: ~0.3%
    for kind in ("id_mistyped_digit", "id_swapped_digits", "id_missing", "name_homophone"):
        assert 0.001 <= by_kind[kind] / rows <= 0.012, kind
    # stale addresses: only feeds with an address column, a few per cent of their rows
    with_address = [
        f.id for f in CATALOGUE if "address" in f.field_names and f.id != "gongan_hukou"
    ]
    address_rows = sum(1 for r in district.records if r["feed"] in with_address)
    assert 0.01 <= by_kind["stale_address"] / address_rows <= 0.06


def test_name_noise_looks_like_the_person(district):
    owner = district.record_person()
    ids = {r["公民身份号码"]: r["姓名"] for r in district.hukou}
    name_of = {p: ids[district.person[p]["id_number"]] for p in district.person}
    seen = Counter()
    for n in district.noise:
        if n["kind"] not in ("name_homophone", "name_swapped"):
            continue
        fields, rows = district.feed(n["feed"])
        k, i = fields.index(CATALOGUE[n["feed"]].record_key), fields.index("name")
        shown = next(text(r[i]) for r in rows if text(r[k]) == n["record_key"])
        true = name_of[owner[(n["feed"], n["record_key"])]]
        assert shown != true and len(shown) == len(true)
        if n["kind"] == "name_swapped":
            assert sorted(shown) == sorted(true) and shown[0] == true[0]
        else:
            assert sum(a != b for a, b in zip(shown, true, strict=True)) == 1
        seen[n["kind"]] += 1
    assert seen["name_homophone"] > 50 and seen["name_swapped"] > 10


def test_hukou_is_clean_and_keyed(district):
    hukou = [r for r in district.records if r["feed"] == "gongan_hukou"]
    assert len(hukou) == len(district.hukou) == len(district.truth_persons)
    by_key = {r["record_key"]: r["person_id"] for r in hukou}
    assert [r["人员编号"] for r in district.hukou] == [r["record_key"] for r in hukou]
    for row in district.hukou:
        person = district.person[by_key[row["人员编号"]]]
        assert person["id_number"] == row["公民身份号码"] and person["hukou_no"] == row["户号"]
        assert re.fullmatch(r"\d{18}", row["人员编号"])
    assert not [n for n in district.noise if n["feed"] == "gongan_hukou"]


def test_xlsx_dates_sheets_and_literal_formulas(district):
    entry = district.entries["yibao_inpatient"]
    assert list(entry["sheets"]) == ["2025年", "2026年"]
    wb = CalamineWorkbook.from_path(str(district.root / entry["path"]))
    assert wb.sheet_names == ["2025年", "2026年"]
    for name in wb.sheet_names:
        data = wb.get_sheet_by_name(name).to_python()
        settle = data[0].index("结算日期")
        years = {
            date_form(r[settle]) and (r[settle] if isinstance(r[settle], dt.date) else None)
            for r in data[1:]
        }
        assert {d.year for d in years if d} == {int(name[:4])}
    forms = Counter()
    for feed in CATALOGUE:
        if district.entries[feed.id]["format"] != "xlsx":
            continue
        fields, rows = district.feed(feed.id)
        for i, name in enumerate(fields):
            if feed.field(name).type == "date":
                for r in rows:
                    if r[i] not in ("", None):
                        try:
                            forms[date_form(r[i])] += 1
                        except ValueError:
                            pass
    assert forms["excel"] > 1000 and forms["serial"] > 50 and forms["iso"] + forms["cn"] > 500
    formulas = [n for n in district.noise if n["kind"] == "formula"]
    xlsx_formulas = [n for n in formulas if district.entries[n["feed"]]["format"] == "xlsx"]
    assert xlsx_formulas  # written as text, so calamine reads the text back (not a result)


def test_mixed_spellings(district):
    forms: dict[str, Counter] = {}
    separators = 0
    for feed in CATALOGUE:
        fields, rows = district.feed(feed.id)
        c = Counter()
        for i, name in enumerate(fields):
            t = feed.field(name).type
            for r in rows:
                v = r[i]
                if v in ("", None):
                    continue
                if t == "date":
                    try:
                        c[date_form(v)] += 1
                    except ValueError:
                        pass
                elif t == "money" and isinstance(v, str) and "," in v:
                    separators += 1
        forms[feed.id] = c
    every = Counter()
    for c in forms.values():
        every.update(c.keys())
    assert {"iso", "slash", "cn", "compact", "excel", "serial"} <= set(every)
    assert sum(len(c) >= 2 for c in forms.values()) >= 12  # mixed within feeds too
    assert separators > 100


def test_codes_are_well_formed(district):
    for row in district.feed_dicts("shichang_business"):
        assert uscc_is_valid(text(row["uscc"])), row["uscc"]
    for row in district.feed_dicts("shuiwu_income_tax"):
        if row["withholder_code"]:
            assert uscc_is_valid(text(row["withholder_code"]))
    for row in district.feed_dicts("canlian_disability"):
        cert = text(row["cert_no"])
        if cert:
            assert re.fullmatch(r"\d{17}[\dX][1-7][1-4]", cert) and cert[-1] == text(
                row["disability_grade"]
            )


# ---- hidden truth shows in the feeds ------------------------------------------------------------------
def money(v: object) -> float:
    return float(str(v).replace(",", "")) if v not in ("", None) else 0.0


def test_illness_hardship_shows_in_hospital_and_registries(district):
    ill = district.hardship("illness")
    assert len(ill) >= 40
    inpatient = district.households_in("yibao_inpatient")
    assert len(ill & inpatient) / len(ill) >= 0.9
    owner = district.record_person()
    serious = set()
    for row in district.feed_dicts("yibao_chronic"):
        if row["category"] in ("特殊病", "重特大疾病") and text(row["reg_no"]):
            serious.add(district.household_of[owner[("yibao_chronic", text(row["reg_no"]))]])
    serious |= district.households_in("weijian_diagnosis")
    assert len(ill & serious) / len(ill) >= 0.85
    # out-of-pocket spending: large for illness hardship, ordinary for others
    own: Counter = Counter()
    for row in district.feed_dicts("yibao_inpatient"):
        key = text(row["setl_id"])
        if key and isinstance(row["self_pay"], float | int):
            own[district.household_of[owner[("yibao_inpatient", key)]]] += row["self_pay"]
    ill_own = sorted(own[h] for h in ill if h in own)
    other = sorted(v for h, v in own.items() if h not in district.hardship())
    assert ill_own[len(ill_own) // 2] > 3 * other[len(other) // 2]
    assert len(other) > len(ill_own)  # most admissions are ordinary (background)


def test_disability_hardship_has_certificates(district):
    disabled = district.hardship("disability")
    owner = district.record_person()
    grades: dict[str, list[int]] = defaultdict(list)
    for row in district.feed_dicts("canlian_disability"):
        key = text(row["cert_no"])
        if key and row["disability_grade"] not in ("", None):
            grades[district.household_of[owner[("canlian_disability", key)]]].append(
                int(float(row["disability_grade"]))
            )
    assert len(disabled & set(grades)) / len(disabled) >= 0.9
    severe = [min(grades[h]) <= 2 for h in disabled if h in grades]
    assert sum(severe) / len(severe) >= 0.65
    background = [g for h, gs in grades.items() if h not in district.hardship() for g in gs]
    assert len(background) > len(disabled)
    assert sum(g >= 3 for g in background) / len(background) >= 0.5  # mild disabilities


def test_unemployment_hardship_stopped_contributing(district):
    unemployed = district.hardship("unemployment")
    registered = district.households_in("renshe_unemployment")
    assert len(unemployed & registered) / len(unemployed) >= 0.75
    owner = district.record_person()
    last: dict[str, str] = {}
    for row in district.feed_dicts("renshe_contribution"):
        key = text(row["serial"])
        if key:
            month = text(row["month"]).replace("-", "")
            pid = owner[("renshe_contribution", key)]
            last[pid] = max(last.get(pid, ""), month)
    registrants = {
        owner[("renshe_unemployment", r["record_key"])]
        for r in district.records
        if r["feed"] == "renshe_unemployment"
        and district.household_of[r["person_id"]] in unemployed
    }
    stopped = [last[p] < "202609" for p in registrants if p in last]
    assert len(stopped) >= 10 and sum(stopped) / len(stopped) >= 0.9
    assert len(registered - district.hardship()) >= 5  # registered but not in hardship


def test_old_age_alone_small_pensions(district):
    old = district.hardship("old_age_alone")
    owner = district.record_person()
    pensions: dict[str, float] = {}
    for row in district.feed_dicts("renshe_pension"):
        key = text(row["pension_no"])
        if key and isinstance(row["monthly_amount"], str) and row["monthly_amount"]:
            pensions[district.household_of[owner[("renshe_pension", key)]]] = money(
                row["monthly_amount"]
            )
    assert len(old & set(pensions)) / len(old) >= 0.9
    poor = sorted(pensions[h] for h in old if h in pensions)
    rest = sorted(v for h, v in pensions.items() if h not in district.hardship())
    assert poor[len(poor) // 2] < 0.7 * rest[len(rest) // 2]


def test_sudden_events_leave_traces(district):
    sudden = district.hardship("sudden_event")
    traces = set()
    for feed in (
        "yingji_disaster",
        "minzheng_death",
        "weijian_death",
        "zonggonghui_hardship",
        "yibao_inpatient",
        "weijian_diagnosis",
        "minzheng_recipients",
    ):
        traces |= district.households_in(feed)
    assert len(sudden & traces) / len(sudden) >= 0.85
    deaths = district.households_in("minzheng_death") | district.households_in("weijian_death")
    assert sudden & deaths and len(deaths - district.hardship()) > len(sudden & deaths)
    assert sudden & district.households_in("yingji_disaster")
    assert district.households_in("yingji_disaster") - district.hardship()
    assert sudden & district.households_in("zonggonghui_hardship")


def test_about_half_of_hardship_households_are_helped(district):
    owner = district.record_person()
    helped: set[str] = set()
    for row in district.feed_dicts("minzheng_recipients"):
        key = text(row["recipient_no"])
        if key and row["category"] in ("低保", "特困") and row["status"] == "在保":
            helped.add(district.household_of[owner[("minzheng_recipients", key)]])
    hardship = district.hardship()
    assert 0.38 <= len(helped & hardship) / len(hardship) <= 0.62
    assert not helped - hardship
    assert district.households_in("minzheng_recipients") - hardship  # 低边, closed cases


def test_ordinary_households_show_wages_and_assets(district):
    hardship = district.hardship()
    ordinary = {h["hukou_no"] for h in district.truth_households} - hardship

    def share(households: set[str], feeds: tuple[str, ...]) -> float:
        seen = set().union(*(district.households_in(f) for f in feeds))
        return len(households & seen) / len(households)

    wages = ("renshe_contribution", "shuiwu_income_tax", "gongjijin_contribution")
    assert share(ordinary, wages) >= 0.45
    assert share(ordinary, ("shuiwu_income_tax",)) > 2 * share(hardship, ("shuiwu_income_tax",))
    assert share(ordinary, ("gongjijin_contribution",)) > 2 * share(
        hardship, ("gongjijin_contribution",)
    )
    for assets in (("budongchan_property",), ("gongan_vehicle",)):
        assert share(ordinary, assets) > share(hardship, assets), assets
    assert share(ordinary, ("gongan_vehicle",)) >= 0.2
    owner = district.record_person()
    active = Counter()  # businesses still operating (存续); hardship ones are mostly closed
    for row in district.feed_dicts("shichang_business"):
        key = text(row["uscc"])
        if key and row["status"] == "存续":
            hh = district.household_of[owner[("shichang_business", key)]]
            active["hardship" if hh in hardship else "ordinary"] += 1
    assert active["ordinary"] / len(ordinary) > 1.5 * active["hardship"] / len(hardship)


def test_no_single_feed_equals_hardship(district):
    hardship = district.hardship()
    for feed in CATALOGUE:
        assert district.households_in(feed.id) != hardship, feed.id
    for feed_id in (
        "yibao_inpatient",
        "yibao_outpatient",
        "canlian_disability",
        "yibao_chronic",
        "weijian_diagnosis",
        "renshe_unemployment",
    ):
        households = district.households_in(feed_id)
        assert len(households - hardship) / len(households) >= 0.2, feed_id
    for feed_id in (
        "minzheng_recipients",
        "jiaoyu_aid",
        "nongye_fangfanpin",
        "yingji_disaster",
        "minzheng_death",
    ):
        assert district.households_in(feed_id) - hardship, feed_id


# ---- full scale --------------------------------------------------------------------------------
@pytest.mark.slow
def test_full_district(tmp_path):
    summary = generate(tmp_path)
    assert summary.households == 130_000
    assert 200_000 <= summary.persons <= 220_000
    _, hukou = read_csv(tmp_path / HUKOU_REL)
    _, persons = read_csv(tmp_path / "truth/persons.csv", bom=False)
    _, households = read_csv(tmp_path / "truth/households.csv", bom=False)
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
    # every feed, and the truth accounts for every row
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    expected_files(files_under_names(tmp_path))
    feeds = {f["feed"]: f for f in manifest["files"] if f["feed"]}
    assert set(feeds) == set(CATALOGUE.feeds)
    records = Counter()
    with (tmp_path / "truth/records.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            records[row["feed"]] += 1
    duplicates = Counter()
    kinds = Counter()
    expected = set()
    with (tmp_path / "truth/noise.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            kinds[row["kind"]] += 1
            expected.add(row["expected"])
            if row["kind"] == "duplicate":
                duplicates[row["feed"]] += 1
    for feed_id, entry in feeds.items():
        assert entry["rows"] == records[feed_id] + duplicates[feed_id], feed_id
        assert records[feed_id] > 50, feed_id
    assert records["renshe_contribution"] > 800_000
    total = sum(records.values()) - records["gongan_hukou"]
    assert 0.0015 <= sum(kinds[k] for k in INVALID_KINDS) / total <= 0.005
    assert expected == EXPECTED_VALUES
    assert set(kinds) == {kind for kind, _, _ in NOISE_KINDS}


def files_under_names(root: Path) -> dict[str, None]:
    return {p.relative_to(root).as_posix(): None for p in sorted(root.rglob("*")) if p.is_file()}
