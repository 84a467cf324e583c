"""The shipped feed catalogue, its loader's validation and the generated docs/feeds.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from doudi.engine.catalogue import (
    FIELD_TYPES,
    CatalogueError,
    load_catalogue,
    normalise_header,
    parse_feed,
)
from doudi.engine.catalogue.__main__ import main as catalogue_main
from doudi.engine.catalogue.__main__ import render

ROOT = Path(__file__).resolve().parents[3]
FEED_IDS = {
    "gongan_hukou",
    "gongan_vehicle",
    "minzheng_recipients",
    "minzheng_marriage",
    "minzheng_death",
    "canlian_disability",
    "yibao_enrolment",
    "yibao_inpatient",
    "yibao_outpatient",
    "yibao_chronic",
    "weijian_diagnosis",
    "weijian_death",
    "renshe_unemployment",
    "renshe_contribution",
    "renshe_pension",
    "jiaoyu_students",
    "jiaoyu_aid",
    "budongchan_property",
    "shichang_business",
    "shichang_shareholding",
    "shuiwu_income_tax",
    "gongjijin_contribution",
    "yingji_disaster",
    "nongye_fangfanpin",
    "zonggonghui_hardship",
    "sifa_prisoners",
}
SENSITIVE = {  # (feed, field) that must be marked sensitive: health, disability, income, assets, minors
    ("canlian_disability", "disability_grade"),
    ("yibao_inpatient", "diagnosis"),
    ("yibao_inpatient", "self_pay"),
    ("yibao_chronic", "disease"),
    ("weijian_diagnosis", "disease"),
    ("weijian_death", "cause"),
    ("renshe_contribution", "wage_base"),
    ("renshe_pension", "monthly_amount"),
    ("shuiwu_income_tax", "income"),
    ("gongjijin_contribution", "amount"),
    ("gongan_vehicle", "price"),
    ("budongchan_property", "area"),
    ("shichang_business", "reg_capital"),
    ("minzheng_recipients", "category"),
    ("jiaoyu_students", "school"),
    ("jiaoyu_aid", "amount"),
}
MINIMAL = """
id = "demo"
department = "民政"
department_en = "Civil Affairs"
name = "演示"
name_en = "Demo"
semantics = "snapshot"
record_key = "{key}"
schedule = "monthly"
freshness_days = 30
legal_basis = "《社会救助暂行办法》第五十八条"
purpose = "测试"
retention = "测试后删除"

[[fields]]
name = "rec_no"
type = "code"
label = "记录编号"
required = true

[[fields]]
name = "id_number"
type = "{id_type}"
label = "身份证号"
aliases = [{id_aliases}]

[[fields]]
name = "name"
type = "name"
label = "姓名"
"""


def minimal(key="rec_no", id_type="id_number", id_aliases='"证件号码"') -> str:
    return MINIMAL.format(key=key, id_type=id_type, id_aliases=id_aliases)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_feed_ids(catalogue):
    assert set(catalogue.feeds) == FEED_IDS
    assert len(catalogue) == 26
    for feed in catalogue:
        assert feed.source is not None and feed.source.stem == feed.id


def test_departments(catalogue):
    departments = {f.department for f in catalogue}
    assert len(departments) >= 15
    assert {
        "公安",
        "民政",
        "残联",
        "医保",
        "卫健",
        "人社",
        "教育",
        "不动产",
        "市场监管",
        "税务",
        "公积金",
        "应急管理",
        "农业农村",
        "总工会",
        "司法",
    } <= departments
    assert [f.id for f in catalogue.for_department("公安")] == ["gongan_hukou", "gongan_vehicle"]


def test_record_keys_are_required_codes(catalogue):
    for feed in catalogue:
        key = feed.field(feed.record_key)
        assert key.required, feed.id
        assert key.type == "code", feed.id


def test_person_level_feeds_identify_people(catalogue):
    for feed in catalogue:
        assert feed.person_level, feed.id
        assert {"id_number", "name"} <= set(feed.field_names), feed.id
        assert feed.field("id_number").type == "id_number"
        assert feed.field("name").type == "name"
        for name in ("birth_date", "phone"):
            if name in feed.field_names:
                assert feed.field(name).type == {"birth_date": "date", "phone": "phone"}[name]


def test_fields_are_well_formed(catalogue):
    for feed in catalogue:
        assert feed.semantics in {"snapshot", "events"}
        assert feed.freshness_days > 0
        assert "《" in feed.legal_basis or "国办发" in feed.legal_basis, feed.id
        assert feed.purpose and feed.retention
        for f in feed.fields:
            assert f.type in FIELD_TYPES
            assert re.fullmatch(r"[a-z][a-z0-9_]*", f.name), (feed.id, f.name)
            assert re.search(r"[\u4e00-\u9fff]", f.label), (feed.id, f.name)
            if f.type == "enum":
                assert f.choices and len(set(f.choices)) == len(f.choices)
        # identity fields: several real-world header aliases for the ID number
        assert len(feed.field("id_number").aliases) >= 2, feed.id
        headers = feed.header_map()
        for f in feed.fields:
            assert headers[normalise_header(f.label)] == f.name


def test_sensitive_fields(catalogue):
    for feed_id, field in SENSITIVE:
        assert catalogue[feed_id].field(field).sensitive, (feed_id, field)
    for feed in catalogue:
        for name in ("id_number", "name", "record_key"):
            if name in feed.field_names:
                assert not feed.field(name).sensitive


def test_specific_shapes(catalogue):
    hukou = catalogue["gongan_hukou"]
    assert hukou.record_key == "person_no"
    assert hukou.field("relation").choices == (
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
    assert hukou.field("sex").choices == ("男", "女")
    assert catalogue["minzheng_recipients"].field("category").choices == (
        "低保",
        "特困",
        "临时救助",
        "低保边缘",
    )
    assert catalogue["yibao_chronic"].field("category").choices == (
        "慢性病",
        "特殊病",
        "重特大疾病",
    )
    assert catalogue["renshe_contribution"].field("month").type == "month"
    assert catalogue["renshe_contribution"].field("wage_base").type == "money"
    assert catalogue["renshe_pension"].field("scheme").choices == ("职工", "城乡居民")
    assert catalogue["jiaoyu_students"].field("stage").choices == (
        "学前",
        "小学",
        "初中",
        "高中",
        "中职",
        "高职",
        "本科",
        "研究生",
    )
    assert catalogue["budongchan_property"].field("area").type == "decimal"
    assert catalogue["shichang_business"].field("status").choices == ("存续", "注销", "吊销")
    assert catalogue["sifa_prisoners"].field("type").choices == ("监狱服刑", "社区矫正")
    assert catalogue["shuiwu_income_tax"].field("period").type == "month"
    for fid in ("yibao_inpatient", "yibao_outpatient"):
        assert {"total", "self_pay"} <= set(catalogue[fid].field_names)
    semantics = {f.id: f.semantics for f in catalogue}
    assert semantics["gongan_hukou"] == semantics["yibao_chronic"] == "snapshot"
    assert semantics["yibao_inpatient"] == semantics["minzheng_death"] == "events"


def test_id_headers_cover_common_variants(catalogue):
    seen = set()
    for feed in catalogue:
        seen.update(normalise_header(h) for h in feed.field("id_number").aliases)
        seen.add(normalise_header(feed.field("id_number").label))
    assert {"身份证号", "公民身份号码", "证件号码", "身份证号码"} <= seen


# ---- loader validation ---------------------------------------------------------------------------
def test_minimal_feed_parses():
    feed = parse_feed(minimal())
    assert feed.id == "demo" and feed.record_key == "rec_no"
    assert feed.header_map()["证件号码"] == "id_number"


def test_rejects_unknown_type():
    with pytest.raises(CatalogueError) as exc:
        parse_feed(minimal(id_type="idcard"))
    assert str(exc.value) == "demo.id_number: unknown type 'idcard'"


def test_rejects_record_key_that_is_not_a_field():
    with pytest.raises(CatalogueError) as exc:
        parse_feed(minimal(key="serial"))
    assert str(exc.value) == "demo: record_key 'serial' is not a field"


def test_rejects_header_mapping_to_two_fields():
    with pytest.raises(CatalogueError) as exc:
        parse_feed(minimal(id_aliases='"证件号码", "姓 名"'))
    assert str(exc.value) == "demo: header '姓名' maps to two fields"


def test_rejects_wrong_file_name(tmp_path):
    (tmp_path / "other.toml").write_text(minimal(), encoding="utf-8")
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(tmp_path)
    assert str(exc.value) == "other.toml: file name must be the feed id 'demo'"


# ---- generated documentation ----------------------------------------------------------------------
def test_docs_feeds_md_is_current(catalogue):
    expected = render(catalogue)
    assert (ROOT / "docs/feeds.md").read_text(encoding="utf-8") == expected, (
        "docs/feeds.md is stale: run `python -m doudi.engine.catalogue --out docs/feeds.md`"
    )


def test_docs_cover_every_feed_and_field(catalogue):
    text = render(catalogue)
    for feed in catalogue:
        assert f"## `{feed.id}`" in text
        assert feed.legal_basis in text and feed.retention in text
        for f in feed.fields:
            assert f"| `{f.name}` | {f.label} |" in text


def test_cli_writes_the_page(tmp_path, capsys, catalogue):
    out = tmp_path / "feeds.md"
    assert catalogue_main(["--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == render(catalogue)
    assert catalogue_main([]) == 0
    assert capsys.readouterr().out == render(catalogue)
