"""The casework parameters a district starts with, each dated and sourced. Where no national
figure exists (assist-first limit and paperwork deadline, visit capacity) the value is a
marked placeholder for the bureau to replace with its own published figure."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

SINCE = dt.date(2021, 7, 1)
DEFAULTS = [
    (
        "investigation_start_working_days",
        Decimal(3),
        "《最低生活保障审核确认办法》（民发〔2021〕57号）第十五条：乡镇（街道）自受理之日起3个工作日内启动调查核实",
    ),
    (
        "random_verification_share",
        Decimal("0.03"),
        "默认值：每月入户核查能力的3%用于随机核查（区民政局可调整）",
    ),
    (
        "monthly_visit_capacity",
        Decimal(40),
        "占位值：每个社区每月可完成的入户核查户数，请区民政局按实际人力修改",
    ),
    (
        "assist_first_limit_fen",
        Decimal(300000),
        "占位值（未找到本地公布的额度）：街道先行救助授权额度3,000元，请按区政府授权文件修改",
    ),
    (
        "assist_first_paperwork_working_days",
        Decimal(10),
        "占位值：先行救助事后补办手续期限10个工作日，请按本地规定修改",
    ),
    (
        "remote_visits_allowed",
        Decimal(0),
        "民发〔2021〕57号第十六条：遇重大突发事件时可通过电话、视频等方式入户调查；平时须入户",
    ),
]


def add(apps, schema_editor):
    PolicyParameter = apps.get_model("casework", "PolicyParameter")
    for name, value, source in DEFAULTS:
        PolicyParameter.objects.get_or_create(
            name=name,
            area_code="",
            effective_from=SINCE,
            defaults={"value": value, "source": source},
        )


def remove(apps, schema_editor):
    PolicyParameter = apps.get_model("casework", "PolicyParameter")
    for name, _value, source in DEFAULTS:
        PolicyParameter.objects.filter(
            name=name, area_code="", effective_from=SINCE, source=source
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_casework_initial")]
    operations = [migrations.RunPython(add, remove)]
