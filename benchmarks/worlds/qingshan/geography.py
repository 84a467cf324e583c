"""Streets, communities and addresses of qingshan (Wuchang district, 420106).

Street codes and names are Wuchang's real ones (2023 division codes). Communities are this
world's own: 12-digit codes under their street with a 3-digit part from 101 (居委会 range), names
drawn from a pool of local place words; three communities sit under the East Lake scenic-area
unit 420106490.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# code, name, share of the district's households, roads
STREETS = [
    ("420106001", "积玉桥街道", 0.075, "和平大道 临江大道 友谊大道 积玉桥路"),
    ("420106002", "杨园街道", 0.070, "铁机路 杨园南路 和平大道 新河街"),
    ("420106003", "徐家棚街道", 0.085, "徐东大街 沙湖路 秦园路 徐家棚街"),
    ("420106005", "粮道街道", 0.055, "粮道街 解放路 昙华林 胭脂路"),
    ("420106006", "中华路街道", 0.050, "中华路 民主路 得胜桥 青石桥"),
    ("420106007", "黄鹤楼街道", 0.060, "武珞路 蛇山北路 司门口 大成路"),
    ("420106008", "紫阳街道", 0.075, "紫阳路 复兴路 彭刘杨路 宁波巷"),
    ("420106009", "白沙洲街道", 0.080, "白沙洲大道 张家湾路 烽火路 长江新港路"),
    ("420106010", "首义路街道", 0.070, "首义路 彭刘杨路 武车路 起义门路"),
    ("420106011", "中南路街道", 0.075, "中南路 中北路 武珞路 公正路"),
    ("420106012", "水果湖街道", 0.070, "东湖路 水果湖路 洪山路 八一路"),
    ("420106013", "珞珈山街道", 0.060, "珞珈山路 八一路 东湖南路 珞喻路"),
    ("420106014", "石洞街道", 0.060, "石洞路 和平大道 车站路 新生路"),
    ("420106015", "南湖街道", 0.103, "南湖大道 文治街 宝安路 丁字桥路"),
    ("420106490", "东湖风景区街道（武昌）", 0.012, "东湖路 梨园大街 磨山路"),
]
DOWNTURN_STREET = "420106009"  # 白沙洲: the wholesale market moves out mid-way
FLOOD_STREETS = ("420106009", "420106014", "420106015")

_PLACE_WORDS = (
    "临江 文昌 和平 长虹 首义 大成 紫阳 复兴 烽火 宝通 东亭 中南 洪山 水果 珞南 石洞 南湖 "
    "丁字 宝安 文治 秦园 沙湖 铁机 新河 徐东 团结 友谊 杨园 车辆 四美 三角 粮道 昙华 得胜 "
    "胭脂 司门 黄鹤 蛇山 大东 彭刘 起义 楚善 武车 公正 中北 梅苑 东湖 八一 珞珈 武大 卓刀 "
    "石牌 车站 新生 张家 白沙 长江 新港 烟墩 南国 平湖 绿洲 梨园 磨山 桃园 晒湖 城中 紫金 "
    "静安 华锦 瑞安 阳光 金地 中建 博雅 雅园 松涛 书香 翠微 青山 丽岛 新城 都府 名都 保利"
).split()
_SUFFIX = ("社区", "社区", "社区", "花园社区", "新村社区", "里社区", "苑社区")


@dataclass
class Community:
    code: str
    name: str
    street_code: str
    street_name: str
    roads: list[str]
    low_lying: bool


def communities(rng: np.random.Generator) -> list[Community]:
    out: list[Community] = []
    used: set[str] = set()
    for code, sname, _share, roads in STREETS:
        n = 3 if code.endswith("490") else int(rng.integers(8, 14))
        for k in range(n):
            while True:
                w = _PLACE_WORDS[rng.integers(len(_PLACE_WORDS))]
                name = w + _SUFFIX[rng.integers(len(_SUFFIX))]
                if name not in used:
                    used.add(name)
                    break
            low = code in FLOOD_STREETS and rng.random() < 0.4
            out.append(Community(f"{code}{101 + k}", name, code, sname, roads.split(), low))
    return out


def street_shares() -> np.ndarray:
    s = np.array([st[2] for st in STREETS])
    return s / s.sum()


def address(comm: Community, rng: np.random.Generator, *, short: bool = False) -> str:
    road = comm.roads[rng.integers(len(comm.roads))]
    num = int(rng.integers(1, 400))
    if rng.random() < 0.15:  # old lanes: no building numbers
        tail = f"{num}号"
    else:
        tail = (
            f"{num}号{int(rng.integers(1, 30))}栋{int(rng.integers(1, 7))}单元"
            f"{int(rng.integers(1, 33))}{int(rng.integers(1, 9)):02d}室"
        )
    prefix = "武昌区" if short else "湖北省武汉市武昌区"
    return f"{prefix}{road}{tail}"
