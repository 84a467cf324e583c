"""Wuchang district's streets (official codes) and its 142 communities (synthetic).

The 14 streets come from the 2023 statistical division codes shipped in
``doudi/registry/data/wuchang_streets.csv`` (the 420106490 East Lake scenic-area unit is left
out). The real village-level list was not available, so the 142 communities (居委会) are
generated here: 12-digit code = 9-digit street code + 3 digits, a plausible name built from
local place-name stems + "社区". Two streets (徐家棚, 南湖) get 11 communities, the other twelve
get 10.

:func:`build` is pure and seed-independent; its result is shipped once as
``doudi/registry/data/wuchang_communities.csv`` (``python -m doudi.synth.communities`` rewrites
it), from which the registry app loads the jurisdiction tree. A test checks the two agree.

Standard library only: no Django import.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

DISTRICT_CODE = "420106"
DISTRICT_NAME = "武昌区"
CITY_NAME = "武汉市"
TOTAL_COMMUNITIES = 142
EXCLUDED_STREET_SUFFIX = "490"  # 东湖风景区街道（武昌）, a management unit, not a street
CSV_COLUMNS = ("code", "name", "street_code")
CSV_FILENAME = "wuchang_communities.csv"

# Place-name stems per street (last 3 digits of the street code), in community order. Most are
# real Wuchang place names (roads, lanes, gates, lakes, estates); the pairing is synthetic.
_STEMS: dict[str, tuple[str, ...]] = {
    "001": (
        "积玉桥",
        "临江",
        "文昌",
        "和平",
        "新河",
        "中山",
        "凤凰山",
        "百瑞景",
        "滨江苑",
        "武锅",
        "怡和苑",
    ),
    "002": (
        "杨园",
        "铁机",
        "余家头",
        "车辆",
        "新邨",
        "四美塘",
        "武车",
        "电建",
        "杨园南",
        "铁四院",
        "建设新村",
    ),
    "003": (
        "徐家棚",
        "徐东",
        "团结",
        "三角路",
        "秦园",
        "水岸星城",
        "新生",
        "翠园",
        "徐东花园",
        "沙湖",
        "柴林头",
    ),
    "005": (
        "粮道",
        "候补街",
        "昙华林",
        "察院坡",
        "三义村",
        "胭脂路",
        "螃蟹岬",
        "花园山",
        "戈甲营",
        "太平试馆",
        "崇福山",
    ),
    "006": (
        "中华路",
        "长江",
        "司门口",
        "民主路",
        "解放路",
        "户部巷",
        "汉阳门",
        "大成路",
        "筷子街",
        "读书院",
        "鼓架坡",
    ),
    "007": (
        "黄鹤楼",
        "得胜桥",
        "西城壕",
        "保安街",
        "蛇山",
        "文华",
        "大堤口",
        "望山门",
        "高家巷",
        "平湖门",
        "武昌路",
    ),
    "008": (
        "紫阳",
        "紫阳湖",
        "大东门",
        "新桥",
        "宾阳门",
        "阅马场",
        "中和里",
        "彭家巷",
        "紫金",
        "张之洞",
        "体育街",
    ),
    "009": (
        "白沙洲",
        "张家湾",
        "烽火",
        "巡司河",
        "烽胜",
        "武泰闸",
        "八坦",
        "建安",
        "白沙新村",
        "老鹅山",
        "江南春城",
    ),
    "010": (
        "首义",
        "复兴",
        "起义门",
        "涵三宫",
        "千家街",
        "楚材",
        "首义园",
        "红楼",
        "都府堤",
        "小东门",
        "彭刘杨",
    ),
    "011": (
        "中南",
        "丁字桥",
        "宏图",
        "福星",
        "中南一路",
        "石牌岭",
        "洪山",
        "付家坡",
        "水陆街",
        "武珞",
        "中南花园",
    ),
    "012": (
        "水果湖",
        "东亭",
        "茶港",
        "省直",
        "东湖路",
        "八一路",
        "放鹰台",
        "梨园",
        "小洪山",
        "东湖苑",
        "翠柳",
    ),
    "013": (
        "珞珈山",
        "武大东",
        "洪山苑",
        "广八路",
        "街道口",
        "珞狮",
        "劝业场",
        "南望山",
        "樱园",
        "桂园",
        "枫园",
    ),
    "014": (
        "石洞",
        "丽江",
        "大华",
        "保利",
        "南湖新城",
        "西湖",
        "石洞东",
        "青菱湖",
        "湖景",
        "星光",
        "华都",
    ),
    "015": (
        "南湖花园",
        "宁松",
        "松竹",
        "丽岛花园",
        "中央花园",
        "南湖山庄",
        "景园",
        "雅园",
        "锦绣长江",
        "华锦",
        "南湖名都",
    ),
}
# Streets that get 11 communities (the two most populous in the model); the rest get 10.
_ELEVEN = frozenset({"003", "015"})

# Road stems per street, used for synthetic addresses (``<stem>路``).
ROADS: dict[str, tuple[str, ...]] = {
    "001": ("和平", "中山", "临江", "积玉桥", "新河"),
    "002": ("杨园", "铁机", "余家头", "武车", "四美塘"),
    "003": ("徐东", "徐家棚", "秦园", "团结", "三角"),
    "005": ("粮道", "胭脂", "昙华林", "候补", "察院坡"),
    "006": ("中华", "民主", "解放", "大成", "司门口"),
    "007": ("黄鹤楼", "得胜", "武昌", "大堤口", "西城壕"),
    "008": ("紫阳", "武珞", "张之洞", "彭刘杨", "大东门"),
    "009": ("白沙洲", "张家湾", "烽火", "巡司河", "新城"),
    "010": ("首义", "复兴", "彭刘杨", "千家街", "楚材"),
    "011": ("中南", "丁字桥", "石牌岭", "宏图", "福星"),
    "012": ("东湖", "八一", "东亭", "水果湖", "中北"),
    "013": ("珞珈山", "珞喻", "广八", "八一", "珞狮"),
    "014": ("石洞", "青菱", "丽岛", "文安", "大华"),
    "015": ("宁松", "松竹", "南湖", "丽岛", "文治"),
}


@dataclass(frozen=True, slots=True)
class Street:
    code: str  # 9 digits
    name: str  # e.g. "积玉桥街道"


@dataclass(frozen=True, slots=True)
class Community:
    code: str  # 12 digits: street code + 3 digits
    name: str  # e.g. "和平社区"
    street_code: str  # 9 digits


def _data_text(filename: str) -> str:
    return (resources.files("doudi.registry") / "data" / filename).read_text(encoding="utf-8")


@cache
def streets() -> tuple[Street, ...]:
    """The 14 streets of Wuchang in code order (East Lake unit excluded)."""
    rows = csv.DictReader(io.StringIO(_data_text("wuchang_streets.csv")))
    result = tuple(
        Street(code=row["code"], name=row["name"])
        for row in rows
        if row["areaCode"] == DISTRICT_CODE and not row["code"].endswith(EXCLUDED_STREET_SUFFIX)
    )
    if len(result) != 14:
        raise RuntimeError(f"expected 14 Wuchang streets, found {len(result)}")
    return tuple(sorted(result, key=lambda s: s.code))


def street_by_code() -> dict[str, Street]:
    return {s.code: s for s in streets()}


def build() -> list[Community]:
    """The 142 communities, ordered by code. Pure and deterministic."""
    result: list[Community] = []
    for street in streets():
        suffix = street.code[-3:]
        count = 11 if suffix in _ELEVEN else 10
        for i, stem in enumerate(_STEMS[suffix][:count], start=1):
            result.append(
                Community(code=f"{street.code}{i:03d}", name=f"{stem}社区", street_code=street.code)
            )
    names = [c.name for c in result]
    if len(result) != TOTAL_COMMUNITIES or len(set(names)) != len(names):
        raise RuntimeError("community table is inconsistent")
    return result


def render_csv(communities: list[Community] | None = None) -> str:
    """The shipped CSV's exact text: UTF-8 (no BOM), ``\\n`` line endings."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in build() if communities is None else communities:
        writer.writerow((c.code, c.name, c.street_code))
    return buf.getvalue()


def shipped_csv_path() -> Path:
    return Path(__file__).resolve().parent.parent / "registry" / "data" / CSV_FILENAME


def write_csv(path: Path | None = None) -> Path:
    path = path or shipped_csv_path()
    path.write_bytes(render_csv().encode("utf-8"))
    return path


if __name__ == "__main__":  # pragma: no cover
    print(write_csv())
