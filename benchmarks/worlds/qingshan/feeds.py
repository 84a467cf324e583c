"""Department feeds of qingshan: what each department would have seen of the hidden state.

Delivered (24 of the catalogue's 26 feeds): see FILES below for format, header dialect and
coverage. Not delivered at all: 总工会 困难职工档案 (``zonggonghui_hardship``) and 司法
服刑人员 (``sifa_prisoners``). The income-tax feed covers one calendar year (the year before the
as-of year); the medical-insurance settlement feeds (inpatient, outpatient) lack the as-of month.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import geography, noise, writers
from . import health as H
from . import params as K
from .world import FORMAL, INFORMAL, SICK, UNEMP, UR_REASONS

SEX = np.array(["女", "男"], dtype=object)
FUNERAL_HOMES = ["武昌殡仪馆", "汉口殡仪馆", "武汉市石门峰殡仪服务中心", "江夏区殡仪馆"]
INDUSTRIES = [
    "批发和零售业",
    "住宿和餐饮业",
    "居民服务、修理和其他服务业",
    "交通运输、仓储和邮政业",
    "租赁和商务服务业",
    "制造业",
]
SHOP_WORDS = "鑫 顺 兴 隆 福 鸿 盛 佳 华 源 荣 达 丰 祥 联 鹏 锦 泰 昌 和".split()
SHOP_KINDS = [
    "便利店",
    "餐馆",
    "水果店",
    "五金店",
    "理发店",
    "服装店",
    "干洗店",
    "小吃店",
    "建材经营部",
    "货运部",
    "副食店",
    "通讯器材店",
]
FIRM_KINDS = [
    "科技有限公司",
    "商贸有限公司",
    "建筑工程有限公司",
    "物流有限公司",
    "餐饮管理有限公司",
    "文化传媒有限公司",
    "电子有限公司",
]
BRANDS = [
    "大众朗逸",
    "丰田卡罗拉",
    "日产轩逸",
    "本田雅阁",
    "别克英朗",
    "比亚迪秦",
    "吉利帝豪",
    "东风风神",
    "长安逸动",
    "宝马3系",
    "奥迪A4L",
    "东风雪铁龙C5",
]
VAN_BRANDS = ["五菱荣光", "长安星卡", "东风小康", "金杯海狮"]
BIKE_BRANDS = ["五羊本田", "新大洲本田", "豪爵铃木"]


class Recorder:
    """Collects truth rows (feed, record_key, person_id) and file-level counts."""

    def __init__(self):
        self.rows: list[pd.DataFrame] = []
        self.files: list[dict] = []

    def add(self, feed: str, keys, pids, df=None, path: Path | None = None) -> None:
        self.rows.append(
            pd.DataFrame(
                {
                    "feed": feed,
                    "record_key": np.asarray(keys, dtype=object),
                    "pid": np.asarray(pids),
                }
            )
        )
        if path is not None and df is not None:
            kinds = df["_noise"].value_counts().to_dict() if "_noise" in df else {}
            self.files.append({"feed": feed, "file": path.name, "rows": len(df), "noise": kinds})


def numbered(prefix, numbers, width: int) -> np.ndarray:
    """Record keys: a prefix (one for all, or one per row) and a zero-padded number."""
    digits = pd.Series(np.asarray(numbers)).astype(str).str.zfill(width)
    return (pd.Series(prefix, index=digits.index).astype(str) + digits).to_numpy(dtype=object)


def _uscc(rng, k: int, prefix: str) -> np.ndarray:
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = rng.integers(0, len(chars), (k, 18 - len(prefix)))
    return np.array([prefix + "".join(chars[c] for c in row) for row in body], dtype=object)


class Builder:
    def __init__(self, w, out: Path, rng: np.random.Generator):
        self.w = w
        self.out = out
        self.rng = rng
        self.rec = Recorder()
        T = w.T
        self.T = T
        self.as_of = w.as_of
        self.t_last = T - 1
        self.comm_code = np.array([c.code for c in w.comms], dtype=object)
        self.comm_name = np.array([c.name for c in w.comms], dtype=object)
        self.street_name = np.array([c.street_name for c in w.comms], dtype=object)
        E = w.E
        self.emp_name = _employer_names(rng, E, w.emp_public)
        self.emp_code = _uscc(rng, E, "91420106")
        self.emp_code[w.emp_public] = _uscc(rng, int(w.emp_public.sum()), "12420106")
        self.school_names = _school_names(rng)
        self.biz_code = np.where(
            w.biz_company[: w.B], _uscc(rng, w.B, "91420106"), _uscc(rng, w.B, "92420106")
        )
        self.biz_name = _biz_names(rng, w)

    # ---------------------------------------------------------------- helpers

    def person(
        self, pid, *, phone_stale: float = 0.0, address: bool = False, address_stale: float = 0.0
    ) -> dict:
        w = self.w
        pid = np.asarray(pid)
        d = {
            "pid": pid,
            "id_number": w.idno[pid],
            "name": w.name[pid],
            "sex": SEX[w.male[pid].astype(int)],
            "birth_date": w.birth[pid],
        }
        ph = w.phone[pid].copy()
        if phone_stale:
            old = w.phone_old[pid]
            use = (self.rng.random(len(pid)) < phone_stale) & np.array([o is not None for o in old])
            ph[use] = old[use]
        d["phone"] = ph
        if address:
            hh = w.hh[pid]
            a = w.address[hh].copy()
            use = self.rng.random(len(pid)) < address_stale
            a[use] = w.address_old[hh][use]
            d["address"] = a
        return d

    def emit(self, feed, df, key, *, legacy=False, date_cols=(), quarantine=True) -> pd.DataFrame:
        df = noise.apply(
            df, self.w, self.rng, legacy=legacy, quarantine=quarantine, date_cols=date_cols
        )
        return df

    def finish(self, feed, df, key, path) -> None:
        self.rec.add(feed, df[key].to_numpy(), df["pid"].to_numpy(), df, path)

    def to_csv(self, feed, df, key, cols, name, kinds, *styles, encoding="utf-8", **named) -> None:
        """Write the columns ``cols`` (canonical → header) of ``df`` as a CSV file (no file
        when there is no row: a department does not deliver an empty extract)."""
        if not len(df):
            return
        path = self.out / name
        out = writers.format_frame(df[list(cols)], kinds, *styles, **named).rename(columns=cols)
        writers.write_csv(path, out, encoding)
        self.finish(feed, df, key, path)

    def to_xlsx(self, feed, df, key, cols, name, sheet, kinds, **options) -> None:
        """Write the columns ``cols`` of ``df`` as one XLSX sheet (kinds keyed by header); no
        file when there is no row."""
        if not len(df):
            return
        path = self.out / name
        writers.write_xlsx(path, [(sheet, df[list(cols)].rename(columns=cols), kinds)], **options)
        self.finish(feed, df, key, path)

    def date_of_ym(self, ym: np.ndarray, day=1) -> np.ndarray:
        y = ym // 12
        m = ym % 12 + 1
        return np.array(
            [np.datetime64(f"{a:04d}-{b:02d}-{day:02d}") for a, b in zip(y, m, strict=True)]
        )

    def ym_str(self, t) -> str:
        y, m = self.w.ym_of(int(t))
        return f"{y:04d}-{m:02d}"

    @property
    def as_of64(self) -> np.datetime64:
        return np.datetime64(self.as_of.isoformat())

    # ---------------------------------------------------------------- the register

    def gongan_hukou(self) -> None:
        from .truth import register_rows

        w = self.w
        rng = self.rng
        pid = np.flatnonzero(register_rows(w))
        hh = w.hh[pid]
        d = self.person(pid)
        d["person_no"] = w.person_no[pid]
        d["hukou_no"] = w.hukou_no[hh]
        d["relation"] = relations(w, pid)
        d["address"] = w.address[hh]
        c = w.comm[hh]
        d["community_code"] = self.comm_code[c]
        d["community_name"] = self.comm_name[c]
        d["street_name"] = self.street_name[c]
        df = pd.DataFrame(d)
        df["_noise"] = ""
        # duplicate rows: exact repeats (an extract joined twice) and a few people registered
        # twice under a second person number (one of them with the old 15-digit number)
        exact = df[rng.random(len(df)) < 0.01]
        twice = df[(rng.random(len(df)) < 0.003)].copy()
        if len(twice):
            twice["person_no"] = [
                f"R9{int(x):011d}" for x in rng.choice(10**11, len(twice), replace=False)
            ]
            old = twice["birth_date"].to_numpy() < np.datetime64("1975-01-01")
            twice.loc[old, "id_number"] = [s[:6] + s[8:17] for s in twice.loc[old, "id_number"]]
            twice["_noise"] = "register_twice"
        exact = exact.assign(_noise="register_exact")
        parts = [p for p in (df, exact, twice) if len(p)]
        df = pd.concat(parts).sort_values(["hukou_no", "person_no"], kind="stable")
        cols = {
            "person_no": "人员编号",
            "hukou_no": "户号",
            "name": "姓名",
            "id_number": "公民身份号码",
            "sex": "性别",
            "birth_date": "出生日期",
            "relation": "与户主关系",
            "address": "住址",
            "community_code": "社区代码",
            "community_name": "社区名称",
            "street_name": "街道名称",
            "phone": "联系电话",
        }
        self.to_csv(
            "gongan_hukou",
            df,
            "person_no",
            cols,
            "gongan_hukou.csv",
            {"birth_date": "date"},
            "compact",
            encoding="gbk",
        )

    # ---------------------------------------------------------------- assets

    def gongan_vehicle(self) -> None:
        w = self.w
        rng = self.rng
        live = w.live_mask()
        rows = []
        # family cars: owned by the earner with the highest pay
        hh_car = np.flatnonzero(w.car & ~w.dissolved)
        owner = self._main_adult(hh_car)
        ok = owner >= 0
        rows.append(
            (
                owner[ok],
                rng.choice(
                    ["小型轿车", "小型轿车", "小型轿车", "小型越野客车", "小型普通客车"], ok.sum()
                ),
                w.car_price[hh_car[ok]],
                rng.choice(BRANDS, ok.sum()),
            )
        )
        # vans of small businesses, motorbikes of a few delivery workers
        b_open = np.flatnonzero(w.biz_open[: w.B] & ~w.biz_company[: w.B])
        vans = w.biz_owner[b_open[rng.random(len(b_open)) < 0.25]]
        vans = vans[live[vans]]
        rows.append(
            (
                vans,
                np.full(len(vans), "轻型普通货车", dtype=object),
                rng.uniform(40000, 90000, len(vans)),
                rng.choice(VAN_BRANDS, len(vans)),
            )
        )
        bikes = np.flatnonzero(live & (w.state[: w.n] == INFORMAL) & (rng.random(w.n) < 0.03))
        rows.append(
            (
                bikes,
                np.full(len(bikes), "普通二轮摩托车", dtype=object),
                rng.uniform(5000, 12000, len(bikes)),
                rng.choice(BIKE_BRANDS, len(bikes)),
            )
        )
        pid = np.concatenate([r[0] for r in rows])
        k = len(pid)
        d = self.person(pid, phone_stale=0.3, address=True, address_stale=0.25)
        d.pop("birth_date")
        d.pop("sex")
        d["vehicle_type"] = np.concatenate([r[1] for r in rows])
        d["price"] = np.round(np.concatenate([r[2] for r in rows]), -2)
        d["brand"] = np.concatenate([r[3] for r in rows])
        d["record_no"] = [f"420{int(x):09d}" for x in rng.choice(10**9, k, replace=False)]
        letters = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
        d["plate_no"] = [
            "鄂A" + "".join(letters[j] for j in rng.integers(0, len(letters), 5)) for _ in range(k)
        ]
        d["register_date"] = self.as_of64 - rng.integers(30, 5000, k).astype("timedelta64[D]")
        d["status"] = rng.choice(
            ["正常", "正常", "正常", "正常", "正常", "正常", "正常", "正常", "逾期未检验", "抵押"],
            k,
        )
        df = self.emit(
            "gongan_vehicle",
            pd.DataFrame(d),
            "record_no",
            legacy=True,
            date_cols=("register_date",),
        )
        cols = {
            "record_no": "登记证书编号",
            "plate_no": "号牌号码",
            "id_number": "所有人证件号码",
            "name": "机动车所有人",
            "phone": "联系电话",
            "address": "住所地址",
            "vehicle_type": "车辆类型",
            "brand": "品牌型号",
            "register_date": "初次登记日期",
            "price": "购置价格",
            "status": "机动车状态",
        }
        self.to_csv(
            "gongan_vehicle",
            df,
            "record_no",
            cols,
            "gongan_vehicle.csv",
            {"register_date": "date", "price": "money"},
            "slash",
            encoding="utf-8",
        )

    def _main_adult(self, hhs) -> np.ndarray:
        """Per household: the living adult with the highest earnings (else the head)."""
        w = self.w
        t = self.t_last
        age = w.ages(t)
        live = w.live_mask() & (age >= 18)
        best = np.full(w.H, -1, dtype=np.int64)
        score = np.where(live, w.last_earn[: w.n] + w.pension[: w.n] + 1, -1)
        order = np.argsort(score)
        best[w.hh[: w.n][order]] = order
        best = np.where(score[np.maximum(best, 0)] > 0, best, -1)
        out = best[hhs]
        head = w.head[hhs]
        return np.where(out >= 0, out, np.where(w.alive[head] & w.present[head], head, -1))

    def budongchan_property(self) -> None:
        w = self.w
        rng = self.rng
        hh = np.flatnonzero((w.tenure == 0) & ~w.dissolved)
        owner = self._main_adult(hh)
        ok = owner >= 0
        hh, owner = hh[ok], owner[ok]
        extra = w.n_prop[hh] - 1
        rows_h = np.concatenate([hh] + [hh[extra >= k] for k in (1, 2)])
        rows_o = np.concatenate([owner] + [owner[extra >= k] for k in (1, 2)])
        first = np.zeros(len(rows_h), dtype=bool)
        first[: len(hh)] = True
        k = len(rows_h)
        d = self.person(rows_o)
        for c in ("sex", "birth_date", "phone"):
            d.pop(c)
        loc = w.address[rows_h].copy()
        for i in np.flatnonzero(~first):
            loc[i] = geography.address(w.comms[rng.integers(len(w.comms))], rng)
        d["location"] = loc
        d["usage"] = np.where(
            first | (rng.random(k) < 0.9), "住宅", rng.choice(["商业", "车位", "办公"], k)
        )
        d["area"] = np.round(
            np.where(d["usage"] == "车位", rng.uniform(12, 30, k), rng.uniform(45, 140, k)), 2
        )
        sp = w.spouse[rows_o]
        d["share"] = np.where((sp >= 0) & (rng.random(k) < 0.6), "共同共有", "单独所有")
        reg = self.as_of64 - rng.integers(200, 9000, k).astype("timedelta64[D]")
        d["reg_date"] = reg
        d["price"] = np.round(d["area"] * rng.uniform(6000, 22000, k), -2)
        d["price"] = np.where(
            reg < np.datetime64("2005-01-01"),
            np.round(d["area"] * rng.uniform(800, 3000, k), -2),
            d["price"],
        )
        d["unit_no"] = [
            f"420106{rng.integers(1, 16):03d}{rng.integers(1, 999):03d}GB{int(x):05d}F{int(y):08d}"
            for x, y in zip(
                rng.integers(0, 99999, k), rng.choice(10**8, k, replace=False), strict=True
            )
        ]
        d["cert_no"] = [
            f"鄂（{int(str(r)[:4])}）武汉市不动产权第{int(x):07d}号"
            for r, x in zip(reg, rng.integers(0, 9999999, k), strict=True)
        ]
        df = self.emit(
            "budongchan_property", pd.DataFrame(d), "unit_no", legacy=True, date_cols=("reg_date",)
        )
        cols = {
            "unit_no": "不动产单元号",
            "cert_no": "不动产权证号",
            "name": "权利人",
            "id_number": "权利人证件号码",
            "location": "坐落",
            "usage": "规划用途",
            "area": "建筑面积（㎡）",
            "share": "共有情况",
            "reg_date": "登簿日期",
            "price": "交易价格",
        }
        self.to_csv(
            "budongchan_property",
            df,
            "unit_no",
            cols,
            "budongchan_property.csv",
            {"reg_date": "date", "price": "money"},
            "cn",
            encoding="gbk",
        )

    # ---------------------------------------------------------------- disability, health

    def canlian_disability(self) -> None:
        w = self.w
        n = w.n
        rng = self.rng
        stale_dead = ~w.alive[:n] & (w.death_t[:n] >= self.T - 3) & (rng.random(n) < 0.3)
        pid = np.flatnonzero(
            w.present[:n]
            & (w.alive[:n] | stale_dead)
            & (w.disab[:n] > 0)
            & w.disab_cert[:n]
            & (w.disab_cert_date[:n] <= self.as_of64)
        )
        d = self.person(pid, phone_stale=0.3)
        d.pop("sex")
        d["disability_type"] = np.array(H.DISABILITY_TYPES, dtype=object)[w.disab_type[pid]]
        d["disability_grade"] = w.disab[pid].astype(int)
        d["issue_date"] = w.disab_cert_date[pid]
        type_code = w.disab_type[pid] + 1
        d["cert_no"] = [
            f"{i}{c}{g}" for i, c, g in zip(w.idno[pid], type_code, w.disab[pid], strict=True)
        ]
        df = self.emit(
            "canlian_disability", pd.DataFrame(d), "cert_no", legacy=True, date_cols=("issue_date",)
        )
        df["disability_grade"] = np.array(["", "一级", "二级", "三级", "四级"], dtype=object)[
            df["disability_grade"].to_numpy()
        ]
        cols = {
            "cert_no": "残疾证号",
            "name": "姓名",
            "id_number": "身份证号",
            "birth_date": "出生日期",
            "phone": "联系电话",
            "disability_type": "残疾类别",
            "disability_grade": "残疾等级",
            "issue_date": "发证日期",
        }
        self.to_xlsx(
            "canlian_disability",
            df,
            "cert_no",
            cols,
            "canlian_disability.xlsx",
            "残疾人名册",
            {"出生日期": "date", "发证日期": "date"},
            real_dates=True,
            title="武昌区持证残疾人名册",
        )

    def weijian_diagnosis(self) -> None:
        w = self.w
        rng = self.rng
        ev = w.ev.frame("diagnosis")
        pid = ev["pid"].to_numpy()
        d = self.person(pid, phone_stale=0.2)
        d["disease"] = ev["disease"].to_numpy()
        d["icd_code"] = ev["icd"].to_numpy()
        d["diagnosis_date"] = ev["date"].to_numpy()
        d["hospital"] = np.array(H.HOSPITALS, dtype=object)[ev["hospital"].to_numpy()]
        d["report_no"] = [
            f"BG{str(x)[:4]}{int(y):08d}"
            for x, y in zip(
                ev["date"].to_numpy(), rng.choice(10**8, len(ev), replace=False), strict=True
            )
        ]
        df = self.emit(
            "weijian_diagnosis", pd.DataFrame(d), "report_no", date_cols=("diagnosis_date",)
        )
        cols = {
            "report_no": "报告卡编号",
            "name": "患者姓名",
            "sex": "性别",
            "birth_date": "出生日期",
            "id_number": "有效证件号",
            "phone": "联系电话",
            "disease": "疾病名称",
            "icd_code": "ICD-10编码",
            "diagnosis_date": "诊断日期",
            "hospital": "报告单位",
        }
        self.to_xlsx(
            "weijian_diagnosis",
            df,
            "report_no",
            cols,
            "weijian_diagnosis.xlsx",
            "重大疾病报告",
            {"出生日期": "date", "诊断日期": "date"},
            real_dates=False,
        )

    def yibao_chronic(self) -> None:
        w = self.w
        n = w.n
        rng = self.rng
        live = w.live_mask()
        a = np.flatnonzero(live & (w.chronic[:n] >= 0) & w.chronic_reg[:n])
        b = np.flatnonzero(live & w.ill_reg[:n])
        pid = np.concatenate([a, b])
        k = len(pid)
        d = self.person(pid)
        d.pop("phone")
        is_b = np.r_[np.zeros(len(a), bool), np.ones(len(b), bool)]
        kinds = np.where(is_b, 0, w.chronic[pid])
        cname = np.array([c.name for c in H.CHRONIC], dtype=object)[kinds]
        ccat = np.array([c.category for c in H.CHRONIC], dtype=object)[kinds]
        sname = np.array([s.name for s in H.SERIOUS], dtype=object)[np.maximum(w.ill[pid], 0)]
        d["disease"] = np.where(is_b, sname, cname)
        d["category"] = np.where(is_b, "重特大疾病", ccat)
        ym = np.where(is_b, w.ill_reg_ym[pid], w.chronic_reg_ym[pid])
        d["approve_date"] = self.date_of_ym(ym) + rng.integers(0, 28, k).astype("timedelta64[D]")
        d["valid_until"] = d["approve_date"] + (365 * rng.choice([1, 2, 3, 5], k)).astype(
            "timedelta64[D]"
        )
        d["hospital"] = np.array(H.HOSPITALS, dtype=object)[rng.integers(0, 8, k)]
        d["reg_no"] = [f"MT{int(x):010d}" for x in rng.choice(10**10, k, replace=False)]
        df = self.emit(
            "yibao_chronic", pd.DataFrame(d), "reg_no", legacy=True, date_cols=("approve_date",)
        )
        cols = {
            "reg_no": "认定编号",
            "name": "姓名",
            "sex": "性别",
            "birth_date": "出生日期",
            "id_number": "身份证号码",
            "category": "病种类别",
            "disease": "病种名称",
            "approve_date": "待遇开始日期",
            "valid_until": "待遇终止日期",
            "hospital": "定点医院",
        }
        self.to_csv(
            "yibao_chronic",
            df,
            "reg_no",
            cols,
            "yibao_chronic.csv",
            {"birth_date": "date", "approve_date": "date", "valid_until": "date"},
            "iso",
            encoding="gbk",
        )

    def yibao_enrolment(self) -> None:
        w = self.w
        live = w.live_mask()
        pid = np.flatnonzero(live)
        d = self.person(pid, phone_stale=0.2)
        d["psn_no"] = w.psn_no[pid]
        d["insutype"] = np.where(w.ins_type[pid] == 1, "职工基本医疗保险", "城乡居民基本医疗保险")
        d["status"] = np.where(w.ins_ok[pid], "正常参保", "暂停参保")
        d["enrol_date"] = w.ins_date[pid]
        emp = w.employer[pid]
        st = w.state[pid]
        with_emp = (w.ins_type[pid] == 1) & (emp >= 0) & np.isin(st, [FORMAL, SICK])
        d["employer"] = np.where(with_emp, self.emp_name[np.maximum(emp, 0)], "")
        prog = w.program[w.hh[pid]]
        d["subsidy"] = np.array(
            ["无", "低保对象定额资助", "特困人员全额资助", "低保边缘定额资助"], dtype=object
        )[prog]
        df = self.emit("yibao_enrolment", pd.DataFrame(d), "psn_no", date_cols=("enrol_date",))
        # the platform's interface names, except the assistance category (a local column)
        cols = {
            "psn_no": "psn_no",
            "id_number": "certno",
            "name": "psn_name",
            "sex": "gend",
            "birth_date": "brdy",
            "phone": "tel",
            "insutype": "insutype",
            "status": "psn_insu_stas",
            "enrol_date": "psn_insu_date",
            "employer": "emp_name",
            "subsidy": "医疗救助人员类别",
        }
        path = self.out / "yibao_enrolment.jsonl"
        out = writers.format_frame(
            df[list(cols)], {"birth_date": "date", "enrol_date": "date"}, "iso"
        ).rename(columns=cols)
        writers.write_jsonl(path, out)
        self.finish("yibao_enrolment", df, "psn_no", path)

    def yibao_inpatient(self) -> None:
        w = self.w
        rng = self.rng
        ev = w.ev.frame("inpatient")
        ev = ev[ev["t"] <= self.T - 2].reset_index(drop=True)  # the as-of month is not settled yet
        pid = ev["pid"].to_numpy()
        k = len(ev)
        d = self.person(pid)
        d.pop("phone")
        total = ev["total"].to_numpy().astype(float)
        selfp = np.minimum(ev["self_pay"].to_numpy().astype(float), total)
        d["hospital"] = np.array(H.HOSPITALS, dtype=object)[ev["hospital"].to_numpy()]
        d["admission_date"] = ev["admit"].to_numpy()
        d["discharge_date"] = ev["discharge"].to_numpy()
        d["diagnosis"] = ev["diag"].to_numpy()
        d["diagnosis_code"] = ev["icd"].to_numpy()
        d["total"] = np.round(total, 2)
        d["fund_paid"] = np.round(total - selfp, 2)
        d["self_pay"] = np.round(selfp, 2)
        d["settle_date"] = ev["discharge"].to_numpy()
        d["setl_id"] = [
            f"ZY{str(x)[:4]}{int(y):012d}"
            for x, y in zip(
                ev["discharge"].to_numpy(), rng.choice(10**12, k, replace=False), strict=True
            )
        ]
        df = self.emit("yibao_inpatient", pd.DataFrame(d), "setl_id", date_cols=("admission_date",))
        zh = {
            "setl_id": "结算流水号",
            "name": "患者姓名",
            "sex": "性别",
            "id_number": "身份证号",
            "birth_date": "出生日期",
            "hospital": "定点医疗机构",
            "admission_date": "入院日期",
            "discharge_date": "出院日期",
            "diagnosis": "出院主要诊断",
            "diagnosis_code": "诊断编码",
            "total": "医疗费用总额",
            "fund_paid": "统筹基金支付",
            "self_pay": "个人负担",
            "settle_date": "结算日期",
        }
        platform = {
            "setl_id": "setl_id",
            "id_number": "certno",
            "name": "psn_name",
            "sex": "gend",
            "birth_date": "brdy",
            "hospital": "fixmedins_name",
            "admission_date": "begndate",
            "discharge_date": "enddate",
            "diagnosis": "dise_name",
            "diagnosis_code": "dise_codg",
            "total": "medfee_sumamt",
            "fund_paid": "fund_pay_sumamt",
            "self_pay": "psn_part_amt",
            "settle_date": "setl_time",
        }
        year = pd.to_datetime(df["settle_date"]).dt.year.to_numpy()
        sheets = []
        for j, y in enumerate(sorted(set(year))):
            cols = zh if j == 0 else platform
            part = df[year == y][list(cols)].rename(columns=cols)
            kinds = {
                cols[c]: "date"
                for c in ("birth_date", "admission_date", "discharge_date", "settle_date")
            }
            kinds.update({cols[c]: "money" for c in ("total", "fund_paid", "self_pay")})
            sheets.append((f"{y}年", part, kinds))
        path = self.out / "yibao_inpatient.xlsx"
        writers.write_xlsx(path, sheets, real_dates=True)
        self.finish("yibao_inpatient", df, "setl_id", path)

    def yibao_outpatient(self) -> None:
        w = self.w
        rng = self.rng
        ev = w.ev.frame("outpatient")
        ev = ev[(ev["t"] >= self.T - 13) & (ev["t"] <= self.T - 2)].reset_index(drop=True)
        pid = ev["pid"].to_numpy()
        k = len(ev)
        d = self.person(pid)
        for c in ("phone", "sex"):
            d.pop(c)
        total = ev["total"].to_numpy().astype(float)
        selfp = np.minimum(ev["self_pay"].to_numpy().astype(float), total)
        d["visit_date"] = ev["date"].to_numpy()
        d["hospital"] = np.array(H.HOSPITALS, dtype=object)[ev["hospital"].to_numpy()]
        d["med_type"] = ev["kind"].to_numpy()
        d["diagnosis"] = ev["diag"].to_numpy()
        d["total"] = np.round(total, 2)
        d["fund_paid"] = np.round(total - selfp, 2)
        d["self_pay"] = np.round(selfp, 2)
        d["setl_id"] = numbered("MZ", rng.choice(10**14, k, replace=False), 14)
        df = self.emit("yibao_outpatient", pd.DataFrame(d), "setl_id", date_cols=("visit_date",))
        cols = {
            "setl_id": "setl_id",
            "id_number": "certno",
            "name": "psn_name",
            "birth_date": "brdy",
            "visit_date": "begndate",
            "hospital": "fixmedins_name",
            "med_type": "医疗类别",
            "diagnosis": "dise_name",
            "total": "medfee_sumamt",
            "fund_paid": "fund_pay_sumamt",
            "self_pay": "psn_cash_pay",
        }
        path = self.out / "yibao_outpatient.jsonl"
        out = writers.format_frame(
            df[list(cols)],
            {
                "birth_date": "date",
                "visit_date": "date",
                "total": "money",
                "fund_paid": "money",
                "self_pay": "money",
            },
            "iso",
        ).rename(columns=cols)
        writers.write_jsonl(path, out, numeric=("medfee_sumamt", "fund_pay_sumamt", "psn_cash_pay"))
        self.finish("yibao_outpatient", df, "setl_id", path)

    def weijian_death(self) -> None:
        w = self.w
        rng = self.rng
        ev = w.ev.frame("death")
        ev = ev[rng.random(len(ev)) < 0.93].reset_index(drop=True)
        pid = ev["pid"].to_numpy()
        k = len(ev)
        d = self.person(pid)
        d.pop("phone")
        d["death_date"] = ev["date"].to_numpy()
        d["death_place"] = ev["place"].to_numpy()
        d["cause"] = ev["cause"].to_numpy()
        d["issuer"] = np.where(
            ev["place"].to_numpy() == "医疗卫生机构",
            np.array(H.HOSPITALS, dtype=object)[rng.integers(0, 8, k)],
            rng.choice(
                [
                    "武昌区粮道街社区卫生服务中心",
                    "武昌区南湖街社区卫生服务中心",
                    "武昌区徐家棚街社区卫生服务中心",
                ],
                k,
            ),
        )
        d["cert_no"] = [
            f"4201{chr(65 + int(a))}{int(x):08d}"
            for a, x in zip(
                rng.integers(0, 26, k), rng.choice(10**8, k, replace=False), strict=True
            )
        ]
        df = self.emit("weijian_death", pd.DataFrame(d), "cert_no", date_cols=("death_date",))
        cols = {
            "cert_no": "死亡医学证明编号",
            "name": "死者姓名",
            "sex": "性别",
            "id_number": "身份证件号码",
            "birth_date": "出生日期",
            "death_date": "死亡日期",
            "death_place": "死亡地点",
            "cause": "根本死因",
            "issuer": "签发机构",
        }
        self.to_csv(
            "weijian_death",
            df,
            "cert_no",
            cols,
            "weijian_death.csv",
            {"birth_date": "date", "death_date": "date"},
            "iso",
            encoding="utf-8-sig",
        )

    def minzheng_death(self) -> None:
        w = self.w
        rng = self.rng
        ev = w.ev.frame("death")
        ev = ev[rng.random(len(ev)) < 0.96].reset_index(drop=True)
        pid = ev["pid"].to_numpy()
        k = len(ev)
        d = self.person(pid, address=True, address_stale=0.1)
        d.pop("phone")
        d["death_date"] = ev["date"].to_numpy()
        d["cremation_date"] = ev["date"].to_numpy() + rng.integers(1, 6, k).astype("timedelta64[D]")
        d["funeral_home"] = rng.choice(FUNERAL_HOMES, k, p=[0.6, 0.15, 0.2, 0.05])
        # a relative's phone
        rel = []
        for p in pid:
            m = w.members(w.hh[p])
            m = m[w.phone[m] != None]  # noqa: E711 - object array of str/None
            rel.append(w.phone[m[0]] if len(m) else None)
        d["contact_phone"] = rel
        d["cremation_no"] = [
            f"HH{str(x)[:4]}{int(y):07d}"
            for x, y in zip(ev["date"].to_numpy(), rng.choice(10**7, k, replace=False), strict=True)
        ]
        df = self.emit(
            "minzheng_death", pd.DataFrame(d), "cremation_no", date_cols=("cremation_date",)
        )
        cols = {
            "cremation_no": "火化证明编号",
            "name": "逝者姓名",
            "sex": "性别",
            "id_number": "逝者身份证号",
            "birth_date": "出生日期",
            "death_date": "死亡日期",
            "cremation_date": "火化日期",
            "funeral_home": "殡仪馆",
            "address": "生前户籍地址",
            "contact_phone": "家属联系电话",
        }
        self.to_xlsx(
            "minzheng_death",
            df,
            "cremation_no",
            cols,
            "minzheng_death.xlsx",
            "火化信息",
            {"出生日期": "date", "死亡日期": "date", "火化日期": "date"},
            real_dates=True,
        )

    # ---------------------------------------------------------------- civil affairs

    def minzheng_marriage(self) -> None:
        w = self.w
        rng = self.rng
        ev = w.ev.frame("marriage")
        if "mirror" not in ev:
            ev["mirror"] = False
        ev["mirror"] = ev["mirror"].fillna(False).astype(bool)
        pid = ev["pid"].to_numpy()
        other = ev["other"].to_numpy()
        k = len(ev)
        d = self.person(pid)
        d.pop("phone")
        d["reg_type"] = ev["kind"].to_numpy()
        d["reg_date"] = ev["date"].to_numpy()
        # the other party: a resident of this world, or someone from elsewhere
        from . import ids, names

        out_n = (other < 0).sum()
        sp_male = ~w.male[pid[other < 0]]
        sp_birth = w.birth[pid[other < 0]] + rng.integers(-1500, 1500, out_n).astype(
            "timedelta64[D]"
        )
        sp_years = sp_birth.astype("datetime64[Y]").astype(int) + 1970
        from .areas import HUBEI, OTHER_PROVINCES

        areas = ids.draw_areas(sp_years, rng, list(OTHER_PROVINCES), HUBEI)
        sp_ids = ids.make_ids(areas, sp_birth, sp_male, rng)
        sp_names = names.draw_surnames(out_n, rng) + names.draw_given(sp_male, sp_years, rng)
        sname = np.empty(k, dtype=object)
        sid = np.empty(k, dtype=object)
        sname[other >= 0] = w.name[other[other >= 0]]
        sid[other >= 0] = w.idno[other[other >= 0]]
        sname[other < 0] = sp_names
        sid[other < 0] = sp_ids
        d["spouse_name"] = sname
        d["spouse_id_number"] = sid
        # one certificate number per registration, shared by both parties' rows
        key = [
            (min(a, b) if b >= 0 else a, max(a, b), str(dd))
            for a, b, dd in zip(pid, other, ev["date"].to_numpy(), strict=True)
        ]
        certs = {}
        cert = []
        for kk, typ, dd in zip(key, d["reg_type"], ev["date"].to_numpy(), strict=True):
            if kk not in certs:
                certs[kk] = (
                    f"{'J' if typ == '结婚' else 'L'}420106-{str(dd)[:4]}-{int(rng.integers(0, 999999)):06d}"
                )
            cert.append(certs[kk])
        d["cert_no"] = cert
        d["office"] = rng.choice(["武昌区民政局婚姻登记处", "武汉市武昌区婚姻登记中心"], k)
        d["record_no"] = [f"HY{int(x):012d}" for x in rng.choice(10**12, k, replace=False)]
        df = self.emit("minzheng_marriage", pd.DataFrame(d), "record_no", date_cols=("reg_date",))
        cols = {
            "record_no": "记录编号",
            "cert_no": "证件字号",
            "reg_type": "登记类型",
            "reg_date": "登记日期",
            "name": "当事人姓名",
            "sex": "性别",
            "id_number": "当事人身份证号",
            "birth_date": "出生日期",
            "spouse_name": "对方姓名",
            "spouse_id_number": "对方身份证件号码",
            "office": "登记机关",
        }
        self.to_csv(
            "minzheng_marriage",
            df,
            "record_no",
            cols,
            "minzheng_marriage.csv",
            {"reg_date": "date", "birth_date": "date"},
            "iso",
            encoding="utf-8",
        )

    def minzheng_recipients(self) -> None:
        w = self.w
        rng = self.rng
        rows = []
        cats = {1: "低保", 2: "特困", 3: "低保边缘"}
        for h, kind, start, end, amount, _size in w.prog_episodes:
            if end is not None and end < self.as_of64 - np.timedelta64(365, "D"):
                continue
            m = w.members(h)
            if not len(m):
                m = np.flatnonzero((w.hh[: w.n] == h) & (w.death_t[: w.n] >= 0))[-1:]
            per = round(float(amount) / max(len(m), 1), 0) if kind != 3 else 0.0
            for p in m:
                rows.append(
                    (p, h, cats[kind], "在保" if end is None else "停保", start, end, per, len(m))
                )
        for h, date, amount in w.temp_aid:
            if date < self.as_of64 - np.timedelta64(365, "D") or date > self.as_of64:
                continue
            head = w.head[h]
            rows.append(
                (
                    head,
                    h,
                    "临时救助",
                    "在保" if date > self.as_of64 - np.timedelta64(90, "D") else "停保",
                    date,
                    date,
                    float(amount),
                    max(len(w.members(h)), 1),
                )
            )
        pid = np.array([r[0] for r in rows], dtype=np.int64)
        hh = np.array([r[1] for r in rows], dtype=np.int64)
        k = len(rows)
        d = self.person(pid, phone_stale=0.2, address=True, address_stale=0.15)
        for c in ("sex", "birth_date"):
            d.pop(c)
        d["hukou_no"] = np.where(rng.random(k) < 0.9, w.hukou_no[hh], "")
        d["relation"] = relations(w, pid)
        d["category"] = [r[2] for r in rows]
        d["status"] = [r[3] for r in rows]
        d["start_date"] = np.array([r[4] for r in rows], dtype="datetime64[D]")
        d["end_date"] = np.array(
            [np.datetime64("NaT", "D") if r[5] is None else r[5] for r in rows],
            dtype="datetime64[D]",
        )
        d["monthly_amount"] = [r[6] if r[6] else None for r in rows]
        d["household_size"] = [r[7] for r in rows]
        d["recipient_no"] = [f"JZ{int(x):010d}" for x in rng.choice(10**10, k, replace=False)]
        df = self.emit(
            "minzheng_recipients",
            pd.DataFrame(d),
            "recipient_no",
            legacy=True,
            date_cols=("start_date",),
        )
        cols = {
            "recipient_no": "救助对象编号",
            "hukou_no": "户籍户号",
            "name": "成员姓名",
            "id_number": "身份证号码",
            "relation": "与户主关系",
            "phone": "联系电话",
            "address": "家庭住址",
            "category": "救助类别",
            "status": "保障状态",
            "start_date": "救助开始日期",
            "end_date": "救助结束日期",
            "monthly_amount": "月保障金额",
            "household_size": "保障人数",
        }
        self.to_xlsx(
            "minzheng_recipients",
            df,
            "recipient_no",
            cols,
            "minzheng_recipients.xlsx",
            "救助对象",
            {
                "救助开始日期": "date",
                "救助结束日期": "date",
                "月保障金额": "money",
                "保障人数": "int",
            },
            real_dates=False,
        )

    def nongye_fangfanpin(self) -> None:
        """A handful of households whose members came from villages of other districts and
        are still followed by the rural-revitalisation monitoring."""
        w = self.w
        rng = self.rng
        T = self.T
        inc = w.h_income[:, T - 12 :].sum(1)
        size = np.maximum(np.bincount(w.hh[: w.n][w.home_mask()], minlength=w.H), 1)
        pc = inc / size
        cand = np.flatnonzero(~w.dissolved & (pc < 2.2 * K.STANDARD * 12))
        pick = cand[rng.random(len(cand)) < 0.02]
        rows = []
        for h in pick:
            for p in w.members(h):
                rows.append((p, h))
        if not rows:
            return
        pid = np.array([r[0] for r in rows])
        hh = np.array([r[1] for r in rows])
        k = len(rows)
        d = self.person(pid)
        for c in ("sex", "birth_date", "phone"):
            d.pop(c)
        d["relation"] = relations(w, pid)
        hno = {
            h: f"FFP{int(x):09d}"
            for h, x in zip(pick, rng.choice(10**9, len(pick), replace=False), strict=True)
        }
        d["household_no"] = [hno[h] for h in hh]
        types = {
            h: rng.choice(["脱贫不稳定户", "边缘易致贫户", "突发严重困难户"], p=[0.3, 0.6, 0.1])
            for h in pick
        }
        risk = {
            h: rng.choice(["因病", "因残", "因学", "因务工就业不稳", "缺劳动力", "其他"])
            for h in pick
        }
        d["monitor_type"] = [types[h] for h in hh]
        d["risk"] = [risk[h] for h in hh]
        ident = {h: self.as_of64 - np.timedelta64(int(rng.integers(60, 1500)), "D") for h in pick}
        d["identified_date"] = np.array([ident[h] for h in hh], dtype="datetime64[D]")
        d["risk_cleared"] = np.where(pc[hh] > 1.6 * K.STANDARD * 12, "是", "否")
        d["per_capita_income"] = np.round(pc[hh], 0)
        d["member_no"] = [f"FM{int(x):010d}" for x in rng.choice(10**10, k, replace=False)]
        df = self.emit(
            "nongye_fangfanpin", pd.DataFrame(d), "member_no", date_cols=("identified_date",)
        )
        cols = {
            "member_no": "成员编号",
            "household_no": "监测户编号",
            "id_number": "证件号码",
            "name": "成员姓名",
            "relation": "与户主关系",
            "monitor_type": "监测对象类别",
            "risk": "主要风险",
            "identified_date": "识别监测时间",
            "risk_cleared": "风险是否消除",
            "per_capita_income": "家庭人均纯收入",
        }
        self.to_xlsx(
            "nongye_fangfanpin",
            df,
            "member_no",
            cols,
            "nongye_fangfanpin.xlsx",
            "监测对象",
            {"识别监测时间": "date", "家庭人均纯收入": "money"},
            real_dates=True,
        )

    # ---------------------------------------------------------------- human resources

    def renshe_contribution(self) -> None:
        w = self.w
        rng = self.rng
        T = self.T
        frames = []
        for t in range(T - 24, T):
            y, m = w.ym_of(t)
            floor = K.CONTRIBUTION_FLOOR.get(y, 4300)
            wage = w.p_wage[: w.n, t]
            emp = w.p_emp[: w.n, t]
            paid = np.flatnonzero(wage > 0)
            e = emp[paid]
            declared = np.where(w.emp_floor[e], floor, wage[paid])
            base = np.clip(declared, floor, K.CONTRIBUTION_CAP)
            f = pd.DataFrame(
                {
                    "pid": paid,
                    "employer": self.emp_name[e],
                    "employer_code": self.emp_code[e],
                    "insurance": np.where(
                        w.emp_public[e], "机关事业单位养老保险", "企业职工基本养老保险"
                    ),
                    "month": f"{y:04d}-{m:02d}",
                    "wage_base": np.round(base, 0),
                    "personal_amount": np.round(base * 0.08, 2),
                    "employer_amount": np.round(base * 0.16, 2),
                }
            )
            flex = np.flatnonzero(w.p_flex[: w.n, t])
            g = pd.DataFrame(
                {
                    "pid": flex,
                    "employer": "灵活就业人员",
                    "employer_code": "",
                    "insurance": "灵活就业人员养老保险",
                    "month": f"{y:04d}-{m:02d}",
                    "wage_base": float(floor),
                    "personal_amount": round(floor * 0.2, 2),
                    "employer_amount": np.nan,
                }
            )
            frames += [f, g]
        df = pd.concat(frames, ignore_index=True)
        pid = df["pid"].to_numpy()
        d = self.person(pid)
        df["id_number"] = d["id_number"]
        df["name"] = d["name"]
        df["serial"] = numbered(
            df["month"].str.replace("-", "", regex=False).to_numpy(),
            rng.choice(10**11, len(df), replace=False),
            11,
        )
        df = self.emit("renshe_contribution", df, "serial")
        years = df["month"].str[:4].to_numpy()
        en = {
            c: c
            for c in (
                "serial",
                "id_number",
                "name",
                "employer",
                "employer_code",
                "insurance",
                "month",
                "wage_base",
                "personal_amount",
                "employer_amount",
            )
        }
        zh = {
            "serial": "缴费流水号",
            "id_number": "公民身份号码",
            "name": "姓名",
            "employer": "参保单位名称",
            "employer_code": "统一社会信用代码",
            "insurance": "险种类型",
            "month": "费款所属期",
            "wage_base": "缴费基数",
            "personal_amount": "个人缴费",
            "employer_amount": "单位缴费",
        }
        for j, y in enumerate(sorted(set(years))):
            part = df[years == y]
            cols = en if j % 2 == 0 else zh
            path = self.out / f"renshe_contribution_{y}.parquet"
            money = tuple(cols[c] for c in ("wage_base", "personal_amount", "employer_amount"))
            writers.write_parquet(path, part[list(cols)].rename(columns=cols), numeric=money)
            self.finish("renshe_contribution", part, "serial", path)

    def gongjijin_contribution(self) -> None:
        w = self.w
        rng = self.rng
        T = self.T
        frames = []
        n = w.n
        balance = np.where(
            w.hpf[:n] | w.p_hpf[:n].any(1),
            w.career[:n] * 12 * w.wage_f[:n] * 0.12 * rng.uniform(0.3, 0.8, n),
            0,
        )
        account = {}
        for t in range(T - 12, T):
            y, m = w.ym_of(t)
            paid = np.flatnonzero(w.p_hpf[:n, t])
            wage = w.p_wage[paid, t]
            e = w.p_emp[paid, t]
            base = np.where(
                w.emp_floor[e], np.minimum(wage, K.CONTRIBUTION_FLOOR.get(y, 4300)), wage
            )
            base = np.round(np.clip(base, 2210, 30000), 0)
            amount = np.round(base * w.hpf_rate[paid] * 2, 0)
            balance[paid] += amount
            frames.append(
                pd.DataFrame(
                    {
                        "pid": paid,
                        "employer": self.emp_name[e],
                        "month": f"{y:04d}-{m:02d}",
                        "base": base,
                        "amount": amount,
                        "balance": np.round(balance[paid], 2),
                    }
                )
            )
        df = pd.concat(frames, ignore_index=True)
        pid = df["pid"].to_numpy()
        for p in np.unique(pid):
            account[p] = f"10{int(rng.integers(0, 10**10)):010d}"
        d = self.person(pid)
        df["id_number"] = d["id_number"]
        df["name"] = d["name"]
        df["account_no"] = [account[p] for p in pid]
        df["serial"] = numbered(
            ("GJJ" + df["month"].str.replace("-", "", regex=False)).to_numpy(),
            rng.choice(10**10, len(df), replace=False),
            10,
        )
        df = self.emit("gongjijin_contribution", df, "serial")
        years = df["month"].str[:4].to_numpy()
        cols = {
            "serial": "业务流水号",
            "account_no": "个人账号",
            "id_number": "证件号码",
            "name": "职工姓名",
            "employer": "单位名称",
            "month": "汇缴年月",
            "base": "缴存基数",
            "amount": "月缴存额",
            "balance": "账户余额",
        }
        for y in sorted(set(years)):
            part = df[years == y]
            self.to_csv(
                "gongjijin_contribution",
                part,
                "serial",
                cols,
                f"gongjijin_contribution_{y}.csv",
                {"month": "month", "base": "money", "amount": "money", "balance": "money"},
                month_style="compact",
                encoding="utf-8",
            )

    def renshe_pension(self) -> None:
        w = self.w
        rng = self.rng
        n = w.n
        live = w.live_mask()
        recent_dead = (
            ~w.alive[:n] & w.present[:n] & (w.death_t[:n] >= self.T - 3) & (w.pension_kind[:n] > 0)
        )
        pid = np.flatnonzero((live & (w.pension_kind[:n] > 0)) | recent_dead)
        k = len(pid)
        d = self.person(pid)
        d.pop("phone")
        d["scheme"] = np.where(w.pension_kind[pid] == 1, "职工", "城乡居民")
        ym = w.pension_ym[pid]
        d["start_month"] = [f"{a // 12:04d}-{a % 12 + 1:02d}" for a in ym]
        d["monthly_amount"] = np.round(w.pension[pid], 2)
        dead = ~w.alive[pid]
        d["status"] = np.where(
            dead, np.where(rng.random(k) < 0.5, "暂停发放", "正常发放"), "正常发放"
        )
        d["pension_no"] = [f"TX{int(x):010d}" for x in rng.choice(10**10, k, replace=False)]
        df = self.emit(
            "renshe_pension", pd.DataFrame(d), "pension_no", legacy=True, date_cols=("birth_date",)
        )
        cols = {
            "pension_no": "待遇人员编号",
            "name": "姓名",
            "sex": "性别",
            "id_number": "身份证号码",
            "birth_date": "出生日期",
            "scheme": "养老保险类型",
            "start_month": "待遇开始年月",
            "monthly_amount": "基本养老金（元）",
            "status": "发放状态",
        }
        self.to_csv(
            "renshe_pension",
            df,
            "pension_no",
            cols,
            "renshe_pension.csv",
            {"birth_date": "date", "start_month": "month", "monthly_amount": "money"},
            "compact",
            month_style="compact",
            encoding="gbk",
        )

    def renshe_unemployment(self) -> None:
        w = self.w
        rng = self.rng
        n = w.n
        live = w.live_mask()
        pid = np.flatnonzero(live & w.ur_reg[:n])
        k = len(pid)
        d = self.person(pid, phone_stale=0.3, address=True, address_stale=0.3)
        d["reg_date"] = np.minimum(w.ur_date[pid], self.as_of64)
        emp = w.ur_employer[pid]
        d["last_employer"] = np.where(emp >= 0, self.emp_name[np.maximum(emp, 0)], "")
        d["reason"] = np.array(UR_REASONS, dtype=object)[w.ur_reason[pid]]
        d["hard_to_employ"] = np.where(w.ur_hard[pid], "是", "否")
        d["benefit"] = np.where(
            (w.ub_left[pid] > 0) & (w.state[pid] == UNEMP), K.UNEMPLOYMENT_BENEFIT, np.nan
        )
        d["reg_no"] = [f"4201{int(x):014d}" for x in rng.choice(10**14, k, replace=False)]
        df = self.emit("renshe_unemployment", pd.DataFrame(d), "reg_no", date_cols=("reg_date",))
        cols = {
            "reg_no": "就业创业证号",
            "name": "姓名",
            "sex": "性别",
            "id_number": "公民身份号码",
            "birth_date": "出生日期",
            "phone": "联系电话",
            "address": "常住地址",
            "reg_date": "失业登记日期",
            "last_employer": "原工作单位",
            "reason": "失业原因",
            "hard_to_employ": "是否就业困难人员",
            "benefit": "失业保险金（元/月）",
        }
        self.to_xlsx(
            "renshe_unemployment",
            df,
            "reg_no",
            cols,
            "renshe_unemployment.xlsx",
            "失业登记",
            {"出生日期": "date", "失业登记日期": "date", "失业保险金（元/月）": "money"},
            real_dates=True,
        )

    # ---------------------------------------------------------------- market, tax

    def shichang_business(self) -> None:
        w = self.w
        rng = self.rng
        B = w.B
        b = np.arange(B)
        closed_recent = ~w.biz_open[:B] & (w.biz_end_t[:B] >= self.T - 24)
        stale = ~w.biz_open[:B] & (rng.random(B) < 0.12)
        keep = w.biz_open[:B] | closed_recent
        b = b[keep]
        owner = w.biz_owner[b]
        k = len(b)
        d = self.person(owner, phone_stale=0.3)
        for c in ("sex", "birth_date"):
            d.pop(c)
        d["uscc"] = self.biz_code[b]
        d["entity_name"] = self.biz_name[b]
        d["entity_type"] = np.where(w.biz_company[b], "有限责任公司", "个体工商户")
        d["reg_capital"] = w.biz_capital[b]
        d["established"] = w.biz_start[b]
        d["status"] = np.where(
            w.biz_open[b] | stale[b], "存续", np.where(rng.random(k) < 0.9, "注销", "吊销")
        )
        d["address"] = [geography.address(w.comms[w.comm[w.hh[o]]], rng, short=True) for o in owner]
        d["industry"] = np.array(INDUSTRIES, dtype=object)[w.biz_industry[b]]
        df = self.emit(
            "shichang_business", pd.DataFrame(d), "uscc", legacy=True, date_cols=("established",)
        )
        cols = {
            "uscc": "统一社会信用代码",
            "entity_name": "市场主体名称",
            "entity_type": "市场主体类型",
            "name": "经营者姓名",
            "id_number": "证件号码",
            "phone": "联系电话",
            "reg_capital": "注册资本（元）",
            "established": "成立日期",
            "status": "登记状态",
            "address": "住所（经营场所）",
            "industry": "行业门类",
        }
        self.to_csv(
            "shichang_business",
            df,
            "uscc",
            cols,
            "shichang_business.csv",
            {"established": "date", "reg_capital": "money"},
            "iso",
            encoding="utf-8",
        )

    def shichang_shareholding(self) -> None:
        w = self.w
        rng = self.rng
        B = w.B
        comp = np.flatnonzero(w.biz_company[:B])
        owners = w.biz_owner[comp]
        partners = w.biz_partner[comp]
        ratio_o = np.where(partners >= 0, rng.choice([51, 60, 70, 80], len(comp)), 100).astype(
            float
        )
        rows_b = np.concatenate([comp, comp[partners >= 0]])
        rows_p = np.concatenate([owners, partners[partners >= 0]])
        ratio = np.concatenate([ratio_o, 100 - ratio_o[partners >= 0]])
        k = len(rows_b)
        d = self.person(rows_p)
        for c in ("sex", "birth_date", "phone"):
            d.pop(c)
        d["uscc"] = self.biz_code[rows_b]
        d["entity_name"] = self.biz_name[rows_b]
        cap = w.biz_capital[rows_b]
        d["subscribed"] = np.round(cap * ratio / 100, 2)
        d["paid_in"] = np.round(d["subscribed"] * rng.choice([0, 0.2, 0.5, 1.0], k), 2)
        d["ratio"] = [f"{r:.2f}" for r in ratio]
        d["invest_date"] = w.biz_start[rows_b]
        d["record_no"] = [f"CZ{int(x):010d}" for x in rng.choice(10**10, k, replace=False)]
        df = self.emit(
            "shichang_shareholding", pd.DataFrame(d), "record_no", date_cols=("invest_date",)
        )
        cols = {
            "record_no": "出资记录编号",
            "uscc": "统一社会信用代码",
            "entity_name": "企业名称",
            "name": "股东名称",
            "id_number": "证照号码",
            "subscribed": "认缴出资额（元）",
            "paid_in": "实缴出资额（元）",
            "ratio": "出资比例（%）",
            "invest_date": "认缴出资日期",
        }
        self.to_xlsx(
            "shichang_shareholding",
            df,
            "record_no",
            cols,
            "shichang_shareholding.xlsx",
            "股东出资",
            {
                "认缴出资日期": "date",
                "认缴出资额（元）": "money",
                "实缴出资额（元）": "money",
            },
            real_dates=True,
        )

    def shuiwu_income_tax(self) -> None:
        """One calendar year only: the year before the as-of year."""
        w = self.w
        rng = self.rng
        year = self.as_of.year - 1
        ts = [t for t in range(self.T) if w.ym_of(t)[0] == year]
        frames = []
        n = w.n
        informal_declared = rng.random(n) < 0.08
        biz_declared = rng.random(w.B) < 0.35
        landlord = rng.random(w.H) < 0.15
        for t in ts:
            y, m = w.ym_of(t)
            period = f"{y:04d}-{m:02d}"
            wage = w.p_wage[:n, t]
            paid = np.flatnonzero(wage > 0)
            e = w.p_emp[paid, t]
            inc = wage[paid] * np.where(m == 1, rng.choice([1.0, 1.0, 1.5, 2.0], len(paid)), 1.0)
            taxable = np.maximum(
                inc * 0.895 - 5000 - rng.choice([0, 1000, 2000, 3000], len(paid)), 0
            )
            tax = np.round(_monthly_tax(taxable), 2)
            frames.append(
                pd.DataFrame(
                    {
                        "pid": paid,
                        "period": period,
                        "item": "工资薪金所得",
                        "income": np.round(inc, 2),
                        "tax": tax,
                        "withholder": self.emp_name[e],
                        "withholder_code": self.emp_code[e],
                    }
                )
            )
            st = w.p_state[:n, t]
            inf = np.flatnonzero(
                (st == INFORMAL) & informal_declared & (w.business[:n] < 0) & (rng.random(n) < 0.35)
            )
            amt = np.round(w.wage_i[inf] * rng.uniform(0.3, 1.0, len(inf)), 2)
            frames.append(
                pd.DataFrame(
                    {
                        "pid": inf,
                        "period": period,
                        "item": "劳务报酬所得",
                        "income": amt,
                        "tax": np.round(np.maximum(amt - 800, 0) * 0.2, 2),
                        "withholder": rng.choice(
                            [
                                "武汉某某劳务派遣有限公司",
                                "湖北某某人力资源服务有限公司",
                                "武汉同城配送服务有限公司",
                            ],
                            len(inf),
                        ),
                        "withholder_code": "",
                    }
                )
            )
            if m in (3, 6, 9, 12):
                bb = np.flatnonzero(w.biz_open[: w.B] & ~w.biz_company[: w.B] & biz_declared[: w.B])
                own = w.biz_owner[bb]
                frames.append(
                    pd.DataFrame(
                        {
                            "pid": own,
                            "period": period,
                            "item": "经营所得",
                            "income": np.round(
                                w.biz_profit[bb] * 3 * rng.uniform(0.4, 0.9, len(bb)), 2
                            ),
                            "tax": 0.0,
                            "withholder": self.biz_name[bb],
                            "withholder_code": self.biz_code[bb],
                        }
                    )
                )
            lh = np.flatnonzero((w.rent_income > 0) & landlord & (w.tenure == 0) & ~w.dissolved)
            own = self._main_adult(lh)
            ok = own >= 0
            frames.append(
                pd.DataFrame(
                    {
                        "pid": own[ok],
                        "period": period,
                        "item": "财产租赁所得",
                        "income": np.round(w.rent_income[lh[ok]], 2),
                        "tax": np.round(w.rent_income[lh[ok]] * 0.8 * 0.1, 2),
                        "withholder": "",
                        "withholder_code": "",
                    }
                )
            )
        df = pd.concat(frames, ignore_index=True)
        pid = df["pid"].to_numpy()
        d = self.person(pid)
        df["id_number"] = d["id_number"]
        df["name"] = d["name"]
        df["detail_no"] = numbered("", rng.choice(10**18, len(df), replace=False), 20)
        df = self.emit("shuiwu_income_tax", df, "detail_no")
        cols = {
            "detail_no": "申报明细编号",
            "id_number": "纳税人证件号码",
            "name": "纳税人姓名",
            "period": "税款所属期",
            "item": "所得项目",
            "income": "收入额",
            "tax": "已缴税额",
            "withholder": "扣缴义务人名称",
            "withholder_code": "扣缴义务人纳税人识别号",
        }
        self.to_csv(
            "shuiwu_income_tax",
            df,
            "detail_no",
            cols,
            f"shuiwu_income_tax_{year}.csv",
            {"period": "month", "income": "money", "tax": "money"},
            month_style="cn",
            encoding="utf-8",
        )

    # ---------------------------------------------------------------- education, disasters

    def jiaoyu_students(self) -> None:
        w = self.w
        rng = self.rng
        n = w.n
        live = w.live_mask()
        pid = np.flatnonzero(live & (w.stage[:n] >= 0) & (w.stage[:n] <= 4))
        k = len(pid)
        d = self.person(pid)
        d.pop("phone")
        stage = w.stage[pid]
        d["stage"] = np.array(K.STAGES, dtype=object)[stage]
        d["school"] = [
            self.school_names[s][j % len(self.school_names[s])]
            for s, j in zip(stage, w.school[pid], strict=True)
        ]
        d["enrol_date"] = w.enrol_date[pid]
        sa = w.school_age(self.t_last)[pid]
        first = np.array([3, 6, 12, 15, 15, 18, 18])[stage]
        grade_no = sa - first + 1
        g_names = {
            0: ["小班", "中班", "大班"],
            1: ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级"],
            2: ["七年级", "八年级", "九年级"],
            3: ["高一", "高二", "高三"],
            4: ["一年级", "二年级", "三年级"],
        }
        d["grade"] = [
            g_names[s][min(max(g, 1), len(g_names[s])) - 1]
            for s, g in zip(stage, grade_no, strict=True)
        ]
        # a parent's phone
        gp = []
        for p in pid:
            m = w.members(w.hh[p])
            m = m[(w.phone[m] != None) & (m != p)]  # noqa: E711
            gp.append(w.phone[m[0]] if len(m) else None)
        d["guardian_phone"] = gp
        d["student_no"] = np.where(
            rng.random(k) < 0.97,
            np.array(["G" + s for s in w.idno[pid]], dtype=object),
            [f"L{int(x):018d}" for x in rng.choice(10**18, k, replace=False)],
        )
        df = self.emit("jiaoyu_students", pd.DataFrame(d), "student_no", date_cols=("enrol_date",))
        cols = {
            "student_no": "全国学籍号",
            "name": "学生姓名",
            "sex": "性别",
            "birth_date": "出生日期",
            "id_number": "身份证件号",
            "school": "学校名称",
            "stage": "学段",
            "grade": "年级",
            "enrol_date": "入学日期",
            "guardian_phone": "监护人电话",
        }
        self.to_csv(
            "jiaoyu_students",
            df,
            "student_no",
            cols,
            "jiaoyu_students.csv",
            {"birth_date": "date", "enrol_date": "date"},
            "dots",
            encoding="utf-8-sig",
        )

    def jiaoyu_aid(self) -> None:
        w = self.w
        rng = self.rng
        ev = w.ev.frame("aid")
        pid = ev["pid"].to_numpy()
        k = len(ev)
        d = self.person(pid)
        for c in ("sex", "phone"):
            d.pop(c)
        stage = ev["stage"].to_numpy().astype(int)
        d["stage"] = np.array(K.STAGES, dtype=object)[stage]
        d["school"] = [
            self.school_names[s][j % len(self.school_names[s])]
            for s, j in zip(stage, np.maximum(w.school[pid], 0), strict=True)
        ]
        d["difficulty"] = ev["difficulty"].to_numpy()
        d["aid_type"] = ev["type"].to_numpy()
        d["amount"] = ev["amount"].to_numpy().astype(float)
        d["grant_date"] = ev["date"].to_numpy()
        terms = []
        for dd in ev["date"].to_numpy():
            y, m = int(str(dd)[:4]), int(str(dd)[5:7])
            terms.append(f"{y}-{y + 1}学年第一学期" if m >= 8 else f"{y - 1}-{y}学年第二学期")
        d["term"] = terms
        d["aid_no"] = [
            f"ZZ{str(x)[:4]}{int(y):08d}"
            for x, y in zip(ev["date"].to_numpy(), rng.choice(10**8, k, replace=False), strict=True)
        ]
        df = self.emit("jiaoyu_aid", pd.DataFrame(d), "aid_no", date_cols=("grant_date",))
        cols = {
            "aid_no": "资助流水号",
            "name": "学生姓名",
            "id_number": "身份证件号",
            "birth_date": "出生日期",
            "school": "就读学校",
            "stage": "教育阶段",
            "difficulty": "家庭经济困难等级",
            "aid_type": "资助项目",
            "amount": "发放金额（元）",
            "grant_date": "发放日期",
            "term": "学年学期",
        }
        self.to_xlsx(
            "jiaoyu_aid",
            df,
            "aid_no",
            cols,
            "jiaoyu_aid.xlsx",
            "资助发放",
            {"出生日期": "date", "发放日期": "date", "发放金额（元）": "money"},
            real_dates=False,
        )

    def yingji_disaster(self) -> None:
        w = self.w
        rng = self.rng
        ev = w.ev.frame("disaster")
        if not len(ev):
            return
        pid = ev["pid"].to_numpy()
        k = len(ev)
        d = self.person(pid, phone_stale=0.2)
        for c in ("sex", "birth_date"):
            d.pop(c)
        d["address"] = w.address[ev["hh"].to_numpy()]
        d["disaster_type"] = ev["kind"].to_numpy()
        d["disaster_date"] = ev["date"].to_numpy()
        d["house_damage"] = ev["damage"].to_numpy()
        d["loss"] = ev["loss"].to_numpy().astype(float)
        d["relief"] = ev["relief"].to_numpy().astype(float)
        d["household_size"] = np.maximum(ev["size"].to_numpy().astype(int), 1)
        d["record_no"] = [
            f"ZH{str(x)[:4]}{int(y):07d}"
            for x, y in zip(ev["date"].to_numpy(), rng.choice(10**7, k, replace=False), strict=True)
        ]
        df = self.emit(
            "yingji_disaster", pd.DataFrame(d), "record_no", date_cols=("disaster_date",)
        )
        cols = {
            "record_no": "受灾人员编号",
            "name": "户主姓名",
            "id_number": "身份证号",
            "phone": "联系电话",
            "address": "受灾地址",
            "disaster_type": "灾害类型",
            "disaster_date": "受灾日期",
            "house_damage": "房屋损坏程度",
            "loss": "直接经济损失",
            "relief": "已发放救助金",
            "household_size": "受灾人口",
        }
        self.to_xlsx(
            "yingji_disaster",
            df,
            "record_no",
            cols,
            "yingji_disaster.xlsx",
            "受灾人员",
            {
                "受灾日期": "date",
                "直接经济损失": "money",
                "已发放救助金": "money",
                "受灾人口": "int",
            },
            real_dates=True,
        )


def _monthly_tax(x: np.ndarray) -> np.ndarray:
    """Monthly withholding on taxable wages, the 7 brackets applied to one month."""
    brackets = [
        (3000, 0.03, 0),
        (12000, 0.10, 210),
        (25000, 0.20, 1410),
        (35000, 0.25, 2660),
        (55000, 0.30, 4410),
        (80000, 0.35, 7160),
    ]
    out = x * 0.45 - 15160
    for top, rate, quick in reversed(brackets):
        out = np.where(x <= top, x * rate - quick, out)
    return np.maximum(out, 0)


def relations(w, pid) -> np.ndarray:
    """与户主关系 of each person relative to the current head of the household."""
    head = w.head[w.hh[pid]]
    out = np.empty(len(pid), dtype=object)
    for j, (p, hd) in enumerate(zip(pid, head, strict=True)):
        male = w.male[p]
        if p == hd:
            out[j] = "户主"
            continue
        if w.spouse[hd] == p or w.spouse[p] == hd:
            out[j] = "配偶"
            continue
        dg = int(w.gen[p]) - int(w.gen[hd])
        if dg == 0:
            out[j] = "其他" if (w.inlaw[p] or w.inlaw[hd]) else "兄弟姐妹"
        elif dg == 1:
            if w.inlaw[p]:
                out[j] = "女婿" if male else "儿媳"
            else:
                out[j] = "子" if male else "女"
        elif dg == 2:
            out[j] = "孙子" if male else "孙女"
        elif dg == -1:
            out[j] = ("父亲" if male else "母亲") if w.inlaw[p] == w.inlaw[hd] else "其他"
        else:
            out[j] = "其他"
    return out


def _employer_names(rng, E, public) -> np.ndarray:
    words = (
        "长江 楚天 华中 东湖 珞珈 江城 汉阳 黄鹤 光谷 中南 武昌 洪山 南湖 沙湖 首义 紫阳 晴川 金桥 "
        "九州 恒信 华夏 鼎盛 汉江 荆楚 天成 宏图 远航 博雅 同济 新港 明达 瑞丰 润和 盛世 卓越 诚信"
    ).split()
    units = [
        "武昌区人民政府{}街道办事处",
        "武汉市第{}中学",
        "武昌区{}小学",
        "武汉市{}医院",
        "湖北省{}研究院",
        "武昌区{}社区卫生服务中心",
    ]
    out = np.empty(E, dtype=object)
    used = set()
    for i in range(E):
        for attempt in range(1000):
            if public[i]:
                u = units[rng.integers(len(units))]
                name = u.format(
                    words[rng.integers(len(words))]
                    + ("" if rng.random() < 0.5 else str(int(rng.integers(1, 40))))
                )
            else:
                a, b = rng.choice(len(words), 2, replace=False)
                name = "武汉" + words[a] + words[b] + FIRM_KINDS[rng.integers(len(FIRM_KINDS))]
            if attempt > 20:  # a crowded name space: a branch office
                name += f"第{attempt - 20}分公司"
            if name not in used:
                used.add(name)
                out[i] = name
                break
    return out


def _school_names(rng) -> dict[int, list[str]]:
    places = "积玉桥 杨园 徐家棚 粮道街 中华路 黄鹤楼 紫阳 白沙洲 首义路 中南路 水果湖 珞珈山 石洞 南湖 千家街 复兴路 昙华林 大东门".split()
    return {
        0: [f"武昌区{p}幼儿园" for p in places],
        1: [f"武昌区{p}小学" for p in places],
        2: [f"武汉市第{k}中学" for k in (14, 15, 17, 18, 26, 31, 32, 45, 47, 54, 63, 64)],
        3: [
            "武汉市第十四中学",
            "湖北省武昌实验中学",
            "武汉市第十五中学",
            "武汉中学",
            "湖北大学附属中学",
            "武汉市东湖中学",
        ],
        4: ["武汉市第一职业教育中心", "武汉市财贸学校", "武汉市交通学校", "武汉市供销商业学校"],
        5: ["武汉职业技术学院", "湖北职业技术学院", "武汉铁路职业技术学院", "长江职业学院"],
        6: [
            "武汉大学",
            "湖北大学",
            "武汉理工大学",
            "中南财经政法大学",
            "湖北工业大学",
            "武昌首义学院",
            "华中师范大学",
            "江汉大学",
        ],
    }


def _biz_names(rng, w) -> np.ndarray:
    out = np.empty(w.B, dtype=object)
    used = set()
    for b in range(w.B):
        owner = w.biz_owner[b]
        street = (
            geography.STREETS[w.street[w.hh[owner]]][1]
            .replace("街道", "")
            .replace("东湖风景区（武昌）", "东湖")
        )
        for attempt in range(1000):
            if w.biz_company[b]:
                name = (
                    "武汉"
                    + "".join(rng.choice(SHOP_WORDS, 2))
                    + FIRM_KINDS[rng.integers(len(FIRM_KINDS))]
                )
            else:
                name = f"武昌区{street}{''.join(rng.choice(SHOP_WORDS, 2))}{SHOP_KINDS[rng.integers(len(SHOP_KINDS))]}"
            if attempt > 20:
                name += f"{attempt - 20}号店"
            if name not in used:
                used.add(name)
                out[b] = name
                break
    return out


FEEDS = [
    "gongan_hukou",
    "gongan_vehicle",
    "budongchan_property",
    "canlian_disability",
    "gongjijin_contribution",
    "jiaoyu_aid",
    "jiaoyu_students",
    "minzheng_death",
    "minzheng_marriage",
    "minzheng_recipients",
    "nongye_fangfanpin",
    "renshe_contribution",
    "renshe_pension",
    "renshe_unemployment",
    "shichang_business",
    "shichang_shareholding",
    "shuiwu_income_tax",
    "weijian_death",
    "weijian_diagnosis",
    "yibao_chronic",
    "yibao_enrolment",
    "yibao_inpatient",
    "yibao_outpatient",
    "yingji_disaster",
]
MISSING = ["zonggonghui_hardship", "sifa_prisoners"]


def build_all(w, out: Path, rng: np.random.Generator, progress=None) -> Recorder:
    import time

    b = Builder(w, out, rng)
    for feed in FEEDS:
        started = time.monotonic()
        getattr(b, feed)()
        if progress:
            progress(feed, time.monotonic() - started)
    return b.rec
