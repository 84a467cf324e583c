"""How each department exports: every feed's builder paired with its native file layout."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from doudi.synth.feeds.budongchan import budongchan_property
from doudi.synth.feeds.canlian import canlian_disability
from doudi.synth.feeds.common import Row
from doudi.synth.feeds.gongan import gongan_vehicle
from doudi.synth.feeds.gongjijin import gongjijin_contribution
from doudi.synth.feeds.jiaoyu import jiaoyu_aid, jiaoyu_students
from doudi.synth.feeds.minzheng import minzheng_death, minzheng_marriage, minzheng_recipients
from doudi.synth.feeds.nongye import nongye_fangfanpin
from doudi.synth.feeds.renshe import renshe_contribution, renshe_pension, renshe_unemployment
from doudi.synth.feeds.shichang import shichang_business, shichang_shareholding
from doudi.synth.feeds.shuiwu import shuiwu_income_tax
from doudi.synth.feeds.sifa import sifa_prisoners
from doudi.synth.feeds.weijian import weijian_death, weijian_diagnosis
from doudi.synth.feeds.yibao import (
    inpatient_sheets,
    yibao_chronic,
    yibao_enrolment,
    yibao_inpatient,
    yibao_outpatient,
)
from doudi.synth.feeds.yingji import yingji_disaster
from doudi.synth.feeds.zonggonghui import zonggonghui_hardship
from doudi.synth.formats import Layout
from doudi.synth.world import World


@dataclass(frozen=True)
class FeedSpec:
    feed_id: str
    build: Callable[[World, random.Random], Iterator[Row]]
    layout: Callable[[World], Layout]
    stem: str  # file name without suffix (the as-of date is appended)


BOM, GBK, PLAIN = "utf-8-sig", "gbk", "utf-8"
_MIX_CSV_DATES = (("iso", 0.6), ("slash", 0.25), ("cn", 0.1), ("compact", 0.05))


def _fixed(layout: Layout) -> Callable[[World], Layout]:
    return lambda w: layout


FEEDS: tuple[FeedSpec, ...] = (
    FeedSpec(
        "gongan_vehicle",
        gongan_vehicle,
        _fixed(
            Layout(
                "csv",
                {"price": "购置价（元）", "status": "状态"},
                (("iso", 0.5), ("slash", 0.5)),
                (("sep", 0.6), ("plain2", 0.4)),
                encoding=GBK,
            )
        ),
        "jdc_djxx",
    ),
    FeedSpec(
        "minzheng_recipients",
        minzheng_recipients,
        _fixed(
            Layout(
                "xlsx",
                {
                    "recipient_no": "对象编号",
                    "category": "保障类别",
                    "monthly_amount": "保障金额（元）",
                    "start_date": "批准日期",
                },
                (("excel", 0.7), ("iso", 0.2), ("cn", 0.1)),
                (("plain2", 0.9), ("sep", 0.1)),
                sheet_names=("救助对象",),
            )
        ),
        "jzdx",
    ),
    FeedSpec(
        "minzheng_marriage",
        minzheng_marriage,
        _fixed(
            Layout(
                "csv",
                {"id_number": "当事人身份证号", "cert_no": "证字号"},
                (("cn", 0.6), ("iso", 0.4)),
                encoding=BOM,
            )
        ),
        "hydj",
    ),
    FeedSpec(
        "minzheng_death",
        minzheng_death,
        _fixed(
            Layout(
                "xlsx",
                {"cremation_no": "火化证号", "id_number": "死者身份证号码", "name": "死者姓名"},
                (("excel", 0.5), ("serial", 0.15), ("slash", 0.35)),
                sheet_names=("火化信息",),
            )
        ),
        "bzhh",
    ),
    FeedSpec(
        "canlian_disability",
        canlian_disability,
        _fixed(
            Layout(
                "xlsx",
                {"cert_no": "残疾人证号", "id_number": "身份证号码"},
                (("excel", 0.6), ("compact", 0.3), ("iso", 0.1)),
                sheet_names=("持证残疾人",),
            )
        ),
        "cjrz",
    ),
    FeedSpec(
        "yibao_enrolment",
        yibao_enrolment,
        _fixed(
            Layout(
                "csv",
                {
                    "psn_no": "人员编号",
                    "id_number": "公民身份号码",
                    "name": "人员姓名",
                    "insutype": "参保险种",
                },
                (("compact", 1.0),),
                encoding=GBK,
            )
        ),
        "cbxx",
    ),
    FeedSpec(
        "yibao_inpatient",
        yibao_inpatient,
        lambda w: Layout(
            "xlsx",
            {
                "setl_id": "结算ID",
                "id_number": "证件号码",
                "name": "姓名",
                "hospital": "医疗机构名称",
                "total": "医疗费总额",
                "fund_paid": "统筹基金支付",
                "self_pay": "个人自付",
            },
            (("excel", 0.8), ("serial", 0.1), ("iso", 0.1)),
            (("plain2", 0.95), ("sep", 0.05)),
            sheet_names=inpatient_sheets(w),
        ),
        "zyjs",
    ),
    FeedSpec(
        "yibao_outpatient",
        yibao_outpatient,
        _fixed(
            Layout(
                "jsonl",
                {
                    "setl_id": "setl_id",
                    "id_number": "certno",
                    "name": "psn_name",
                    "birth_date": "brdy",
                    "visit_date": "begndate",
                    "hospital": "fixmedins_name",
                    "med_type": "med_type",
                    "diagnosis": "dise_name",
                    "total": "medfee_sumamt",
                    "fund_paid": "fund_pay_sumamt",
                    "self_pay": "psn_cash_pay",
                },
                (("iso", 0.9), ("compact", 0.1)),
                (("plain2", 0.97), ("sep", 0.03)),
            )
        ),
        "mzjs",
    ),
    FeedSpec(
        "yibao_chronic",
        yibao_chronic,
        _fixed(
            Layout(
                "csv",
                {"id_number": "证件号码", "name": "患者姓名", "disease": "病种"},
                (("slash", 0.7), ("iso", 0.3)),
                encoding=GBK,
            )
        ),
        "mtb_rd",
    ),
    FeedSpec(
        "weijian_diagnosis",
        weijian_diagnosis,
        _fixed(
            Layout(
                "xlsx",
                {"id_number": "身份证号", "diagnosis_date": "确诊日期", "disease": "诊断"},
                (("excel", 0.6), ("cn", 0.2), ("slash", 0.2)),
                sheet_names=("重大疾病报告",),
            )
        ),
        "zdjb",
    ),
    FeedSpec(
        "weijian_death",
        weijian_death,
        _fixed(Layout("csv", {}, (("iso", 0.8), ("cn", 0.2)), encoding=BOM)),
        "swyxzm",
    ),
    FeedSpec(
        "renshe_unemployment",
        renshe_unemployment,
        _fixed(
            Layout(
                "xlsx",
                {
                    "reg_no": "就业创业证号",
                    "id_number": "身份证号",
                    "hard_to_employ": "是否就业困难人员",
                    "benefit": "失业金",
                },
                (("excel", 0.5), ("iso", 0.5)),
                sheet_names=("失业登记",),
            )
        ),
        "sydj",
    ),
    FeedSpec(
        "renshe_contribution",
        renshe_contribution,
        _fixed(Layout("parquet", {"month": "缴费年月"}, (("iso", 0.7), ("compact", 0.3)))),
        "sbjf",
    ),
    FeedSpec(
        "renshe_pension",
        renshe_pension,
        _fixed(
            Layout(
                "csv",
                {
                    "pension_no": "离退休人员编号",
                    "id_number": "公民身份号码",
                    "monthly_amount": "基本养老金（元）",
                },
                (("compact", 0.6), ("iso", 0.4)),
                (("plain2", 0.5), ("plain", 0.5)),
                encoding=GBK,
            )
        ),
        "yljdy",
    ),
    FeedSpec(
        "jiaoyu_students",
        jiaoyu_students,
        _fixed(
            Layout(
                "csv",
                {"student_no": "全国学籍号", "name": "姓名"},
                (("iso", 0.5), ("slash", 0.5)),
                encoding=BOM,
            )
        ),
        "xjxx",
    ),
    FeedSpec(
        "jiaoyu_aid",
        jiaoyu_aid,
        _fixed(
            Layout(
                "xlsx",
                {"id_number": "身份证件号", "name": "受助学生", "amount": "发放金额（元）"},
                (("excel", 0.5), ("serial", 0.2), ("cn", 0.3)),
                sheet_names=("资助发放明细",),
            )
        ),
        "xszz",
    ),
    FeedSpec(
        "budongchan_property",
        budongchan_property,
        _fixed(
            Layout(
                "csv",
                {"id_number": "权利人证件号", "location": "房屋坐落", "area": "建筑面积（㎡）"},
                (("slash", 0.6), ("cn", 0.4)),
                (("plain", 0.7), ("sep", 0.3)),
                encoding=GBK,
            )
        ),
        "bdcdj",
    ),
    FeedSpec(
        "shichang_business",
        shichang_business,
        _fixed(
            Layout(
                "csv",
                {
                    "id_number": "法定代表人身份证号",
                    "reg_capital": "注册资本（元）",
                    "address": "住所（经营场所）",
                },
                (("cn", 0.5), ("iso", 0.5)),
                (("sep", 1.0),),
                encoding=BOM,
            )
        ),
        "scztdj",
    ),
    FeedSpec(
        "shichang_shareholding",
        shichang_shareholding,
        _fixed(
            Layout(
                "xlsx",
                {"id_number": "证照号码", "name": "投资人", "ratio": "持股比例"},
                (("excel", 0.7), ("iso", 0.3)),
                (("plain2", 0.8), ("sep", 0.2)),
                sheet_names=("股东出资",),
            )
        ),
        "gdcz",
    ),
    FeedSpec(
        "shuiwu_income_tax",
        shuiwu_income_tax,
        _fixed(Layout("csv", {}, (("iso", 0.8), ("compact", 0.2)), encoding=PLAIN, newline="\n")),
        "gs_kjmx",
    ),
    FeedSpec(
        "gongjijin_contribution",
        gongjijin_contribution,
        _fixed(
            Layout(
                "csv",
                {"id_number": "身份证号码", "name": "姓名", "month": "缴存年月"},
                (("compact", 0.9), ("cn", 0.1)),
                (("plain2", 0.8), ("sep", 0.2)),
                encoding=GBK,
            )
        ),
        "gjj_jcmx",
    ),
    FeedSpec(
        "yingji_disaster",
        yingji_disaster,
        _fixed(
            Layout(
                "xlsx",
                {"name": "户主姓名", "loss": "损失金额（元）"},
                (("excel", 0.6), ("cn", 0.4)),
                (("plain2", 0.7), ("sep", 0.3)),
                sheet_names=("受灾人员",),
            )
        ),
        "szry",
    ),
    FeedSpec(
        "nongye_fangfanpin",
        nongye_fangfanpin,
        _fixed(
            Layout(
                "xlsx",
                {"id_number": "身份证号码"},
                (("excel", 0.4), ("iso", 0.3), ("serial", 0.3)),
                boolean="10",
                sheet_names=("监测对象",),
            )
        ),
        "ffpjc",
    ),
    FeedSpec(
        "zonggonghui_hardship",
        zonggonghui_hardship,
        _fixed(
            Layout(
                "csv",
                {"id_number": "身份证号码"},
                (("slash", 0.5), ("cn", 0.5)),
                (("plain", 1.0),),
                encoding=GBK,
            )
        ),
        "knzg",
    ),
    FeedSpec(
        "sifa_prisoners",
        sifa_prisoners,
        _fixed(
            Layout(
                "csv", {"id_number": "公民身份号码"}, (("iso", 0.6), ("compact", 0.4)), encoding=BOM
            )
        ),
        "fxjz",
    ),
)
SPECS = {s.feed_id: s for s in FEEDS}
