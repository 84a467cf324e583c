"""A warning's facts in words a caseworker reads: the department and its data set, when the
department delivered it, the fact's date, and its amount and category with the feed's own
Chinese field labels (money in 元) — never a raw key or an amount in fen.

The engine's facts (:mod:`doudi.engine.monitoring.indicators`) carry ``feed``,
``record_key``, ``date``, ``amount`` (integer: fen, an age or a grade, by feed) and
``label`` (a category value of the feed, or a code of the engine's own).
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doudi.common.display import cn_date, no_record, yuan

# Which field of each feed a fact's ``amount`` is, and which its ``label`` is.
AMOUNT_FIELD = {
    "renshe_contribution": "wage_base",
    "shuiwu_income_tax": "income",
    "gongjijin_contribution": "base",
    "renshe_pension": "monthly_amount",
    "renshe_unemployment": "benefit",
    "shichang_business": "reg_capital",
    "budongchan_property": "price",
    "gongan_vehicle": "price",
    "nongye_fangfanpin": "per_capita_income",
    "yibao_inpatient": "self_pay",
    "yibao_outpatient": "self_pay",
    "canlian_disability": "disability_grade",
    "jiaoyu_aid": "amount",
    "yingji_disaster": "loss",
    "zonggonghui_hardship": "monthly_income",
}
LABEL_FIELD = {
    "shichang_business": "status",
    "budongchan_property": "usage",
    "gongan_vehicle": "vehicle_type",
    "nongye_fangfanpin": "monitor_type",
    "yibao_chronic": "category",
    "canlian_disability": "disability_type",
    "renshe_unemployment": "reason",
    "jiaoyu_students": "stage",
    "jiaoyu_aid": "difficulty",
    "yingji_disaster": "house_damage",
    "zonggonghui_hardship": "hardship_type",
    "renshe_pension": "scheme",
    "gongan_hukou": "relation",
    "weijian_death": None,
    "minzheng_death": None,
}
# Monthly figures averaged over the income window by the engine.
MONTHLY = {"renshe_contribution", "shuiwu_income_tax", "gongjijin_contribution", "renshe_pension"}
AGE_FEEDS = {"gongan_hukou"}
DEATH_FEEDS = {"weijian_death", "minzheng_death"}
# The engine's own label codes.
CODE_LABELS = {
    "wage": gettext_lazy("Wage income"),
    "inpatient": gettext_lazy("Inpatient stay"),
    "outpatient": gettext_lazy("Outpatient visits"),
    "diagnosis": gettext_lazy("Diagnosis"),
    "last_month": gettext_lazy("Last month with a wage"),
    "benefit": gettext_lazy("Unemployment benefit"),
    "head": gettext_lazy("Head of household"),
    "spouse": gettext_lazy("Spouse"),
    "child": gettext_lazy("Child"),
    "parent": gettext_lazy("Parent"),
    "grandchild": gettext_lazy("Grandchild"),
    "sibling": gettext_lazy("Sibling"),
    "other": gettext_lazy("Other relative"),
}
HELP_LABELS = {
    "dibao": gettext_lazy("Minimum living allowance (低保)"),
    "tekun": gettext_lazy("Extreme-poverty support (特困)"),
    "dibian": gettext_lazy("Near-dibao household (低保边缘)"),
    "temp_assist": gettext_lazy("Temporary assistance (临时救助)"),
    "fangfanpin": gettext_lazy("Monitored against relapse into poverty (防返贫)"),
}
# Indicator kinds whose measured value is money in fen (the others count persons or records).
MONEY_VALUE_KINDS = {
    "income_below_line": gettext_lazy("Income per head per month"),
    "earnings_below_line": gettext_lazy("Best monthly wage or pension"),
    "income_stopped": gettext_lazy("Last monthly wage"),
    "medical_spending_share": gettext_lazy("Out-of-pocket medical spending"),
}


def _field(feed, name: str | None):
    if feed is None or name is None:
        return None
    return next((f for f in feed.fields if f.name == name), None)


def deliveries(feed_ids, *, before: dt.datetime | None) -> dict[str, dt.datetime]:
    """Each feed's last good delivery on or before ``before`` (one query)."""
    from django.db.models import Max

    from doudi.intake.models import IngestRun

    runs = IngestRun.objects.filter(
        status__in=(IngestRun.Status.INGESTED, IngestRun.Status.DUPLICATE),
        feed_id__in=list(feed_ids),
    )
    if before is not None:
        runs = runs.filter(finished_at__lte=before)
    return dict(runs.values("feed_id").annotate(at=Max("finished_at")).values_list("feed_id", "at"))


def amount_text(feed_id: str, amount, feed) -> str:
    if amount is None:
        return ""
    if feed_id in AGE_FEEDS:
        return _("Age %(n)s") % {"n": amount}
    if feed_id in DEATH_FEEDS:
        return _("Age at death %(n)s") % {"n": amount}
    field = _field(feed, AMOUNT_FIELD.get(feed_id))
    if field is None:
        return str(amount)
    if field.type == "money":
        value = yuan(amount)
        if feed_id in MONTHLY:
            return _("%(label)s (monthly average): %(value)s") % {
                "label": field.label,
                "value": value,
            }
        return f"{field.label}：{value}"
    if field.name == "disability_grade":
        return _("%(label)s: grade %(n)s") % {"label": field.label, "n": amount}
    return f"{field.label}：{amount}"


def label_text(feed_id: str, label, feed) -> str:
    if label in (None, ""):
        return ""
    text = str(CODE_LABELS.get(str(label), label))
    field = _field(feed, LABEL_FIELD.get(feed_id))
    return f"{field.label}：{text}" if field is not None else text


def fact_view(fact, *, catalogue, delivered: dict[str, dt.datetime]) -> dict:
    """One fact, readable: source department and data set, delivery date, the fact's date,
    its amount and category; "无记录" where something is missing."""
    if not isinstance(fact, dict):
        return {
            "source": no_record(),
            "delivered": no_record(),
            "date": no_record(),
            "text": str(fact),
            "feed": "",
        }
    feed_id = str(fact.get("feed") or fact.get("source") or "")
    feed = catalogue.feeds.get(feed_id) if feed_id else None
    parts = [
        amount_text(feed_id, fact.get("amount"), feed),
        label_text(feed_id, fact.get("label"), feed),
    ]
    value = fact.get("value")  # a ready-made text (older results, tests' stand-in engine)
    if value not in (None, ""):
        parts.append(str(value))
    return {
        "feed": feed_id,
        "source": f"{feed.department} · {feed.name}" if feed else (feed_id or no_record()),
        "delivered": cn_date(delivered.get(feed_id)),
        "date": cn_date(fact.get("date") or fact.get("fact_date")),
        "text": "；".join(p for p in parts if p) or no_record(),
    }


def indicator_value_text(kind: str | None, value) -> str:
    """The household's measured value of an indicator, when it is money."""
    if value is None or kind not in MONEY_VALUE_KINDS:
        return ""
    return f"{MONEY_VALUE_KINDS[kind]}：{yuan(value)}"


def helps_view(helps: dict | None) -> list[tuple[str, str]]:
    """(help, since) for the helps a household held at the run, in words."""
    return [
        (str(HELP_LABELS.get(category, category)), cn_date(since))
        for category, since in sorted((helps or {}).items())
    ]
