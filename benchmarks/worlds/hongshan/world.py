"""generate(): the hongshan world's department files and truth."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path

from .economy import MONTHS, Ledger, S, month_date, simulate
from .feeds import Writer
from .people import AS_OF, Household, Namer, Person, make_communities
from .population import build
from .truth import judge


def _p(p: Person, **extra) -> dict:
    return {
        "_pid": p.pid,
        "id_number": p.id_number,
        "name": p.name,
        "sex": p.sex,
        "birth_date": p.birth,
        **extra,
    }


def _register(w: Writer, hhs: list[Household], r: random.Random) -> set[str]:
    rows, in_reg = [], set()
    cut = MONTHS - 2  # deaths of the last two months: cancelled for half only
    for hh in hhs:
        for p in hh.members:
            dead = p.death_month >= 0 and (p.death_month < cut or r.random() < 0.5)
            moved = p.left_month >= 0 and r.random() < 0.7
            if dead or moved:
                continue
            in_reg.add(p.pid)
            c = hh.community
            rows.append(
                _p(
                    p,
                    person_no=p.pid.replace("D", "GA"),
                    hukou_no=hh.hukou_no,
                    relation=p.relation,
                    address=hh.address,
                    community_code=c.code,
                    community_name=c.name,
                    street_name=c.street_name,
                    phone=p.phone,
                )
            )
    fields = {
        "person_no": "人员编号",
        "hukou_no": "户号",
        "name": "姓名",
        "id_number": "公民身份号码",
        "sex": "性别",
        "birth_date": "出生日期",
        "relation": "与户主关系",
        "address": "户籍地址",
        "community_code": "社区代码",
        "community_name": "社区名称",
        "street_name": "街道名称",
        "phone": "联系电话",
    }
    w.write(
        "gongan_hukou",
        "gongan_hukou_202611.csv",
        fields,
        rows,
        key="person_no",
        noise=False,
        encoding="utf-8-sig",
    )
    return in_reg


def _money(w: Writer, persons: dict, L: Ledger) -> None:
    r = w.r
    rows = [
        _p(
            persons[pid],
            serial=f"RS{i:09d}",
            employer=f"武汉市某某{e % 97}公司" if e else "",
            employer_code=f"91420106MA{e:06d}X" if e else "",
            insurance=ins,
            month=f"{month_date(m):%Y-%m}",
            wage_base=base,
            personal_amount=round(base * 0.08, 2) if e else round(base * 0.2, 2),
            employer_amount=round(base * 0.16, 2) if e else "",
        )
        for i, (pid, m, e, base, ins) in enumerate(L.contrib)
        if m >= MONTHS - 25 and m < MONTHS - 1
    ]
    f = {
        "serial": "缴费流水号",
        "id_number": "公民身份号码",
        "name": "姓名",
        "employer": "单位名称",
        "employer_code": "统一社会信用代码",
        "insurance": "险种",
        "month": "费款所属期",
        "wage_base": "缴费基数",
        "personal_amount": "个人缴费",
        "employer_amount": "单位缴费",
    }
    w.write(
        "renshe_contribution",
        "renshe_contribution_2025_2026.csv",
        f,
        rows,
        key="serial",
        encoding="gbk",
        duplicates=0.004,
    )
    # the provident fund delivered one year only: the 12 months before the as-of month
    rows = [
        _p(
            persons[pid],
            serial=f"GJJ{i:09d}",
            account_no=f"1{int(pid[1:]):010d}",
            employer=f"武汉市某某{e % 97}公司",
            month=f"{month_date(m):%Y%m}",
            base=base,
            amount=round(base * 0.12, 2),
        )
        for i, (pid, m, e, base) in enumerate(L.gjj)
        if MONTHS - 13 <= m < MONTHS - 1
    ]
    f = {
        "serial": "业务流水号",
        "account_no": "个人账号",
        "id_number": "证件号码",
        "name": "职工姓名",
        "employer": "单位名称",
        "month": "汇缴年月",
        "base": "缴存基数",
        "amount": "月缴存额",
    }
    w.write("gongjijin_contribution", "gongjijin_contribution_2026.csv", f, rows, key="serial")
    rows = []
    for p in persons.values():
        if p.pension_scheme and (p.death_month < 0 or p.death_month >= MONTHS - 2):
            start = dt.date(p.birth.year + (60 if p.sex == "男" else 55), p.birth.month, 1)
            rows.append(
                _p(
                    p,
                    pension_no=f"YL{int(p.pid[1:]):08d}",
                    scheme=p.pension_scheme,
                    start_month=f"{start:%Y-%m}",
                    monthly_amount=round(p.pension, 2),
                    status="正常发放",
                )
            )
    f = {
        "pension_no": "待遇人员编号",
        "id_number": "身份证号码",
        "name": "姓名",
        "sex": "性别",
        "birth_date": "出生日期",
        "scheme": "养老保险类型",
        "start_month": "待遇开始年月",
        "monthly_amount": "月养老金",
        "status": "发放状态",
    }
    _legacy(rows, r)
    w.write(
        "renshe_pension", "renshe_pension_202611.csv", f, rows, key="pension_no", encoding="gbk"
    )
    rows = [
        _p(
            persons[pid],
            reg_no=f"SY{i:08d}",
            phone=persons[pid].phone,
            reg_date=d,
            reason=reason,
            hard_to_employ="是" if persons[pid].age() >= 45 else "否",
            benefit=float(b),
        )
        for i, (pid, d, b, months, reason, cancelled) in enumerate(L.unemp)
        if not cancelled or persons[pid].role == "unemployed"
    ]
    f = {
        "reg_no": "失业登记编号",
        "id_number": "公民身份号码",
        "name": "姓名",
        "sex": "性别",
        "birth_date": "出生日期",
        "phone": "联系电话",
        "reg_date": "失业登记日期",
        "reason": "失业原因",
        "hard_to_employ": "就业困难人员",
        "benefit": "失业保险金月额",
    }
    w.write(
        "renshe_unemployment",
        "renshe_unemployment_202611.csv",
        f,
        rows,
        key="reg_no",
        encoding="gbk",
    )


def _legacy(rows: list[dict], r: random.Random) -> None:
    """15-digit IDs kept by old systems for people born before 1955."""
    for rec in rows:
        b = rec.get("birth_date")
        if isinstance(b, dt.date) and b.year < 1955 and r.random() < 0.3:
            ident = rec["id_number"]
            rec["id_number"] = ident[:6] + ident[8:17]


def _health(w: Writer, persons: dict, L: Ledger) -> None:
    r = w.r
    rows = [
        _p(
            p,
            psn_no=f"YB{int(p.pid[1:]):09d}",
            phone=p.phone,
            insutype="职工基本医疗保险" if p.insured == "职工" else "城乡居民基本医疗保险",
            status="正常参保" if p.death_month < 0 else "终止参保",
            enrol_date=dt.date(2016, 1, 1) if p.age() > 10 else p.birth,
        )
        for p in persons.values()
        if p.insured != "无"
    ]
    f = {
        "psn_no": "psn_no",
        "id_number": "certno",
        "name": "psn_name",
        "sex": "gend",
        "birth_date": "brdy",
        "phone": "tel",
        "insutype": "insutype",
        "status": "psn_insu_stas",
        "enrol_date": "psn_insu_date",
    }
    w.write("yibao_enrolment", "yibao_enrolment_202611.jsonl", f, rows, key="psn_no", jsonl=True)
    settled = AS_OF - dt.timedelta(days=12)
    rows = [
        _p(
            persons[pid],
            setl_id=f"ZY{i:010d}",
            hospital=r.choice(("武汉大学人民医院", "湖北省中医院", "武昌医院", "湖北省人民医院")),
            admission_date=a,
            discharge_date=d,
            diagnosis=diag[0],
            diagnosis_code=diag[1],
            total=t,
            fund_paid=fund,
            self_pay=round(t - fund, 2),
            settle_date=d,
        )
        for i, (pid, a, d, t, fund, diag) in enumerate(L.inpatient)
        if d <= settled and d >= AS_OF - dt.timedelta(days=3 * 365)
    ]
    f = {
        "setl_id": "结算流水号",
        "id_number": "身份证号",
        "name": "患者姓名",
        "sex": "性别",
        "birth_date": "出生日期",
        "hospital": "定点医疗机构",
        "admission_date": "入院日期",
        "discharge_date": "出院日期",
        "diagnosis": "出院主要诊断",
        "diagnosis_code": "诊断编码",
        "total": "医疗费用总额",
        "fund_paid": "基金支付",
        "self_pay": "个人负担",
        "settle_date": "结算日期",
    }
    w.write(
        "yibao_inpatient", "yibao_inpatient_2024_2026.csv", f, rows, key="setl_id", duplicates=0.005
    )
    rows = [
        _p(
            persons[pid],
            setl_id=f"MZ{i:010d}",
            visit_date=d,
            hospital="社区卫生服务中心",
            med_type=mt,
            diagnosis=dg,
            total=t,
            fund_paid=fund,
            self_pay=round(t - fund, 2),
        )
        for i, (pid, d, t, fund, mt, dg) in enumerate(L.outpatient)
        if d >= AS_OF - dt.timedelta(days=730) and d < AS_OF - dt.timedelta(days=5)
    ]
    f = {
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
    w.write(
        "yibao_outpatient", "yibao_outpatient_2025_2026.jsonl", f, rows, key="setl_id", jsonl=True
    )
    rows = []
    for p in persons.values():
        if p.chronic and p.chronic_registered:
            cat = "慢性病" if p.chronic < 3 else r.choice(("特殊病", "重特大疾病"))
            ap = AS_OF - dt.timedelta(days=r.randint(60, 2000))
            rows.append(
                _p(
                    p,
                    reg_no=f"MT{int(p.pid[1:]):09d}",
                    category=cat,
                    disease="慢性病" if cat == "慢性病" else "恶性肿瘤",
                    approve_date=ap,
                    valid_until=ap + dt.timedelta(days=365 * 3),
                    hospital="武昌医院",
                )
            )
    f = {
        "reg_no": "认定编号",
        "id_number": "身份证号码",
        "name": "姓名",
        "sex": "性别",
        "birth_date": "出生日期",
        "category": "病种类别",
        "disease": "病种名称",
        "approve_date": "认定日期",
        "valid_until": "有效期至",
        "hospital": "定点医疗机构",
    }
    w.write("yibao_chronic", "yibao_chronic_202611.csv", f, rows, key="reg_no")
    rows = [
        _p(
            persons[pid],
            report_no=f"ZD{i:08d}",
            disease=dis,
            diagnosis_date=d,
            hospital="武汉大学人民医院",
        )
        for i, (pid, d, dis) in enumerate(L.diagnosis)
        if d < AS_OF - dt.timedelta(days=20)
    ]
    f = {
        "report_no": "报告卡编号",
        "id_number": "身份证号",
        "name": "患者姓名",
        "sex": "性别",
        "birth_date": "出生日期",
        "disease": "疾病名称",
        "diagnosis_date": "诊断日期",
        "hospital": "报告单位",
    }
    w.write("weijian_diagnosis", "weijian_diagnosis_2026.csv", f, rows, key="report_no")
    rows = [
        _p(
            p,
            cert_no=f"{p.id_number}{'1234567'[['视力', '听力', '言语', '肢体', '智力', '精神', '多重'].index(p.disability_type)]}{p.disability}",
            phone=p.phone,
            disability_type=p.disability_type,
            disability_grade=p.disability,
            issue_date=AS_OF - dt.timedelta(days=r.randint(200, 4000)),
        )
        for p in persons.values()
        if p.disability and p.certified and (p.death_month < 0 or r.random() < 0.4)
    ]
    f = {
        "cert_no": "残疾证号",
        "id_number": "身份证号",
        "name": "姓名",
        "birth_date": "出生日期",
        "phone": "联系电话",
        "disability_type": "残疾类别",
        "disability_grade": "残疾等级",
        "issue_date": "发证日期",
    }
    _legacy(rows, r)
    w.write(
        "canlian_disability",
        "canlian_disability_202611.csv",
        f,
        rows,
        key="cert_no",
        encoding="gbk",
    )


def _civil(w: Writer, persons: dict, hhs: list[Household], L: Ledger, programmes: dict) -> None:
    r = w.r
    lag = AS_OF - dt.timedelta(days=8)
    deaths = [(i, pid, d, c) for i, (pid, d, c) in enumerate(L.deaths) if d <= lag]
    rows = [
        _p(
            persons[pid],
            cert_no=f"SW{i:08d}",
            death_date=d,
            death_place=r.choice(("医疗卫生机构", "家中")),
            cause=c,
        )
        for i, pid, d, c in deaths
        if r.random() < 0.95
    ]
    f = {
        "cert_no": "死亡医学证明编号",
        "id_number": "身份证件号码",
        "name": "死者姓名",
        "sex": "性别",
        "birth_date": "出生日期",
        "death_date": "死亡日期",
        "death_place": "死亡地点",
        "cause": "根本死因",
    }
    w.write("weijian_death", "weijian_death_2024_2026.csv", f, rows, key="cert_no")
    rows = [
        _p(
            persons[pid],
            cremation_no=f"HH{i:08d}",
            death_date=d,
            cremation_date=d + dt.timedelta(days=3),
            funeral_home="武昌殡仪馆",
        )
        for i, pid, d, c in deaths
        if r.random() < 0.97
    ]
    _legacy(rows, r)
    f = {
        "cremation_no": "火化证明编号",
        "id_number": "逝者身份证号",
        "name": "逝者姓名",
        "sex": "性别",
        "birth_date": "出生日期",
        "death_date": "死亡日期",
        "cremation_date": "火化日期",
        "funeral_home": "殡仪馆",
    }
    # delivered twice: the October file re-delivered inside November's (a duplicate delivery)
    older = [x for x in rows if x["death_date"] < dt.date(2026, 11, 1)]
    w.write(
        "minzheng_death", "minzheng_death_202610.csv", f, older, key="cremation_no", noise=False
    )
    w.records = [x for x in w.records if not (x[0] == "minzheng_death")]
    w.write("minzheng_death", "minzheng_death_202611.csv", f, rows, key="cremation_no")
    rows = []
    for i, (pid, spouse, d) in enumerate(L.divorces):
        a, b = persons[pid], persons[spouse]
        for k, (x, y) in enumerate(((a, b), (b, a))):
            rows.append(
                _p(
                    x,
                    record_no=f"HY{i:07d}{k}",
                    cert_no=f"L420106-{d.year}-{i:06d}",
                    reg_type="离婚",
                    reg_date=d,
                    spouse_name=y.name,
                    spouse_id_number=y.id_number,
                    office="武昌区婚姻登记处",
                )
            )
    f = {
        "record_no": "记录编号",
        "cert_no": "证件字号",
        "reg_type": "登记类型",
        "reg_date": "登记日期",
        "id_number": "身份证件号码",
        "name": "当事人姓名",
        "sex": "性别",
        "birth_date": "出生日期",
        "spouse_name": "对方姓名",
        "spouse_id_number": "对方身份证件号码",
        "office": "登记机关",
    }
    w.write(
        "minzheng_marriage",
        "minzheng_marriage_2024_2026.csv",
        f,
        rows,
        key="record_no",
        encoding="gbk",
    )
    _recipients(w, hhs, L)


def _recipients(w: Writer, hhs: list[Household], L: Ledger) -> None:
    r = w.r
    by_hh = {hh.hukou_no: hh for hh in hhs}
    rows = []
    for i, (hukou, cat, start, end, amount, n) in enumerate(L.spells):
        if end is not None and end < MONTHS - 48:
            continue
        hh = by_hh[hukou]
        for j, p in enumerate(
            x for x in hh.members if x.left_month < 0 and (x.death_month < 0 or end is not None)
        ):
            if cat == "特困" and j:
                break
            rows.append(
                _p(
                    p,
                    recipient_no=f"JZ{i:07d}{j:02d}",
                    hukou_no=hukou if r.random() < 0.7 else "",
                    relation=p.relation,
                    phone=p.phone,
                    address=hh.address,
                    category=cat,
                    status="在保" if end is None else "停保",
                    start_date=month_date(start, 5),
                    end_date=month_date(end, 25) if end is not None else None,
                    monthly_amount=float(amount),
                    household_size=max(1, n),
                )
            )
    f = {
        "recipient_no": "救助对象编号",
        "hukou_no": "户号",
        "id_number": "身份证号",
        "name": "姓名",
        "relation": "与户主关系",
        "phone": "联系电话",
        "address": "家庭住址",
        "category": "救助类别",
        "status": "保障状态",
        "start_date": "享受开始日期",
        "end_date": "终止日期",
        "monthly_amount": "月保障金额",
        "household_size": "保障人数",
    }
    w.rate = 0.045
    w.write(
        "minzheng_recipients",
        "minzheng_recipients_202611.csv",
        f,
        rows,
        key="recipient_no",
        encoding="gbk",
    )
    w.rate = 0.03


def _assets(w: Writer, hhs: list[Household], persons: dict, L: Ledger) -> None:
    r = w.r
    prop, cars, biz = [], [], []
    for hh in hhs:
        head = hh.members[0]
        if hh.home:
            prop.append(
                _p(
                    head,
                    unit_no=f"420106{len(prop):010d}GB{r.randint(10000, 99999)}",
                    location=hh.address,
                    usage="住宅",
                    area=round(r.uniform(45, 130), 2),
                    share="单独所有",
                    reg_date=dt.date(r.randint(1998, 2024), r.randint(1, 12), r.randint(1, 28)),
                )
            )
        if hh.second_home:
            prop.append(
                _p(
                    head,
                    unit_no=f"420106{len(prop):010d}GB{r.randint(10000, 99999)}",
                    location="武汉市洪山区",
                    usage=r.choice(("住宅", "商业", "车位")),
                    area=round(r.uniform(20, 110), 2),
                    share="单独所有",
                    reg_date=dt.date(r.randint(2005, 2025), r.randint(1, 12), r.randint(1, 28)),
                )
            )
        if hh.car_price:
            cars.append(
                _p(
                    head,
                    record_no=f"4201{len(cars):09d}",
                    plate_no=f"鄂A{r.randint(10000, 99999)}",
                    phone=head.phone,
                    vehicle_type="小型轿车",
                    price=hh.car_price,
                    status="正常",
                    register_date=dt.date(
                        r.randint(2010, 2025), r.randint(1, 12), r.randint(1, 28)
                    ),
                )
            )
        for p in hh.members:
            if p.role == "self" or any(b[0] == p.pid for b in ()):
                if r.random() < 0.7:
                    biz.append(
                        _p(
                            p,
                            uscc=f"92420106MA{int(p.pid[1:]):07d}",
                            entity_name=f"武昌区{p.name}便民店",
                            entity_type="个体工商户",
                            phone=p.phone,
                            status="存续",
                            established=dt.date(r.randint(2008, 2024), r.randint(1, 12), 1),
                        )
                    )
    for pid, _, status, _m in L.business:
        p = persons[pid]
        biz.append(
            _p(
                p,
                uscc=f"92420106MB{int(pid[1:]):07d}",
                entity_name=f"武汉{p.name}商贸有限公司",
                entity_type="有限责任公司",
                phone=p.phone,
                status=status,
                established=dt.date(2019, 3, 1),
            )
        )
    f = {
        "unit_no": "不动产单元号",
        "id_number": "权利人证件号码",
        "name": "权利人",
        "location": "坐落",
        "usage": "用途",
        "area": "建筑面积",
        "share": "共有情况",
        "reg_date": "登记日期",
    }
    _legacy(prop, r)
    w.rate = 0.045
    w.write("budongchan_property", "budongchan_property_202611.csv", f, prop, key="unit_no")
    w.rate = 0.03
    f = {
        "record_no": "登记证书编号",
        "plate_no": "号牌号码",
        "id_number": "身份证明号码",
        "name": "机动车所有人",
        "phone": "联系电话",
        "vehicle_type": "车辆类型",
        "register_date": "初次登记日期",
        "price": "购置价格",
        "status": "机动车状态",
    }
    w.write("gongan_vehicle", "gongan_vehicle_202611.csv", f, cars, key="record_no")
    f = {
        "uscc": "统一社会信用代码",
        "entity_name": "企业名称",
        "entity_type": "市场主体类型",
        "id_number": "经营者身份证号",
        "name": "经营者姓名",
        "phone": "联系电话",
        "established": "成立日期",
        "status": "登记状态",
    }
    w.write("shichang_business", "shichang_business_202611.csv", f, biz, key="uscc")


def _school_and_disaster(w: Writer, hhs: list[Household], L: Ledger, programmes: dict) -> None:
    r = w.r
    term = dt.date(2026, 9, 1)
    students, aid = [], []
    for hh in hhs:
        poor = programmes.get(hh.hukou_no) in ("低保", "特困")
        for p in hh.members:
            a = p.age(term)
            if p.death_month >= 0 or not (6 <= a <= 17 or p.role == "student"):
                continue
            stage = "小学" if a < 12 else "初中" if a < 15 else "高中" if a < 18 else "本科"
            students.append(
                _p(
                    p,
                    student_no=f"G{p.id_number}",
                    school=f"武昌区第{r.randint(1, 40)}{'中学' if a >= 12 else '小学'}",
                    stage=stage,
                    grade=f"{(a - 5) if a < 12 else (a - 11) if a < 15 else (a - 14)}年级",
                    enrol_date=dt.date(2026 - min(a - 6, 5), 9, 1),
                )
            )
            if poor and r.random() < 0.75 or not poor and r.random() < 0.03:
                for q, gd in enumerate(
                    (dt.date(2025, 12, 15), dt.date(2026, 6, 15), dt.date(2026, 10, 15))
                ):
                    aid.append(
                        _p(
                            p,
                            aid_no=f"ZZ{int(p.pid[1:]):08d}{q}",
                            school="武昌区",
                            stage=stage,
                            difficulty="特别困难" if poor else "一般困难",
                            aid_type="家庭经济困难学生生活补助",
                            amount=float(625 if poor else 500),
                            grant_date=gd,
                            term="2025-2026",
                        )
                    )
    f = {
        "student_no": "学籍号",
        "id_number": "身份证件号",
        "name": "学生姓名",
        "sex": "性别",
        "birth_date": "出生日期",
        "school": "学校名称",
        "stage": "学段",
        "grade": "年级",
        "enrol_date": "入学日期",
    }
    w.write("jiaoyu_students", "jiaoyu_students_2026.csv", f, students, key="student_no")
    f = {
        "aid_no": "资助流水号",
        "id_number": "身份证号",
        "name": "学生姓名",
        "birth_date": "出生日期",
        "school": "学校名称",
        "stage": "学段",
        "difficulty": "家庭经济困难等级",
        "aid_type": "资助项目",
        "amount": "资助金额",
        "grant_date": "发放日期",
    }
    w.write("jiaoyu_aid", "jiaoyu_aid_2026.csv", f, aid, key="aid_no")
    persons = {p.pid: p for hh in hhs for p in hh.members}
    addr = {h.hukou_no: h.address for h in hhs}
    rows = [
        _p(
            persons[pid],
            record_no=f"ZH{i:07d}",
            phone=persons[pid].phone,
            address=addr[hukou],
            disaster_type=kind,
            disaster_date=d,
            house_damage=dmg,
            loss=loss,
            relief=relief,
            household_size=n,
        )
        for i, (hukou, pid, d, kind, dmg, loss, relief, n) in enumerate(L.disasters)
    ]
    f = {
        "record_no": "受灾人员编号",
        "id_number": "身份证号",
        "name": "姓名",
        "phone": "联系电话",
        "address": "受灾地址",
        "disaster_type": "灾害类型",
        "disaster_date": "受灾日期",
        "house_damage": "房屋受损情况",
        "loss": "直接经济损失",
        "relief": "已发放救助金",
        "household_size": "受灾人口",
    }
    w.rate = 0.08
    w.write(
        "yingji_disaster",
        "yingji_disaster_2024_2026.csv",
        f,
        rows,
        key="record_no",
        duplicates=0.01,
    )
    w.rate = 0.03


def generate(out: Path, households: int, seed: int, as_of: dt.date = AS_OF) -> dict:
    if as_of != AS_OF:
        raise SystemExit(f"the hongshan world is written for the as-of date {AS_OF}")
    out = Path(out)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    r = random.Random(seed)
    communities = make_communities(r)
    hhs = build(households, communities, Namer(r), r)
    ledger = simulate(hhs, r)
    programmes = {}
    for hukou, cat, _s, end, _a, _n in ledger.spells:
        if end is None and cat != "临时救助":
            programmes[hukou] = cat
    persons = {p.pid: p for hh in hhs for p in hh.members}
    w = Writer(out, random.Random(seed * 7919 + 1), persons)
    in_reg = _register(w, hhs, w.r)
    _money(w, persons, ledger)
    _health(w, persons, ledger)
    _civil(w, persons, hhs, ledger, programmes)
    _assets(w, hhs, persons, ledger)
    _school_and_disaster(w, hhs, ledger, programmes)
    return _truth(out, hhs, ledger, programmes, in_reg, w, communities)


def _csv(path: Path, header: list[str], rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        wr = csv.writer(fh)
        wr.writerow(header)
        wr.writerows(rows)


def _truth(out: Path, hhs, ledger, programmes, in_reg, w: Writer, communities) -> dict:
    t = out / "truth"
    rows = []
    for hh in hhs:
        if not any(p.pid in in_reg for p in hh.members):
            continue  # the household died out and left the register
        rows.append(judge(hh, ledger, programmes.get(hh.hukou_no, "")))
    header = list(rows[0])
    _csv(t / "households.csv", header, ([r[k] for k in header] for r in rows))
    _csv(
        t / "persons.csv",
        ["person_id", "hukou_no", "id_number", "in_register", "member", "alive"],
        (
            [
                p.pid,
                hh.hukou_no,
                p.id_number,
                int(p.pid in in_reg),
                int(p.death_month < 0 and p.left_month < 0),
                int(p.death_month < 0),
            ]
            for hh in hhs
            for p in hh.members
        ),
    )
    reg = [
        ("gongan_hukou", p.pid.replace("D", "GA"), p.pid)
        for hh in hhs
        for p in hh.members
        if p.pid in in_reg
    ]
    _csv(t / "records.csv", ["feed", "record_key", "person_id"], sorted(set(w.records) | set(reg)))
    _csv(t / "noise.csv", ["feed", "record_key", "kind", "expect_quarantine"], w.noise)
    _csv(
        t / "communities.csv",
        ["code", "name", "street", "street_name"],
        ([c.code, c.name, c.street, c.street_name] for c in communities),
    )
    hard = [r for r in rows if r["hardship"]]
    summary = {
        "households": len(rows),
        "hardship": len(hard),
        "rate": round(len(hard) / len(rows), 4),
        "quiet_share": round(sum(r["quiet"] for r in hard) / max(1, len(hard)), 3),
        "shock_share": round(sum(r["shock"] for r in hard) / max(1, len(hard)), 3),
        "programmes": {
            c: sum(1 for r in rows if r["programme"] == c) for c in ("低保", "特困", "低保边缘")
        },
        "programme_still_hard": {
            c: sum(1 for r in hard if r["programme"] == c) for c in ("低保", "特困", "低保边缘")
        },
        "rows_written": w.rows_written,
        "noise_rows": len(w.noise),
        "standard": S,
        "as_of": AS_OF.isoformat(),
    }
    (t / "summary.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return summary
