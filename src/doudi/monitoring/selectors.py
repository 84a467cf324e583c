"""Reads for monitoring: the policy in force, the current run, warning lists and summaries.

Warning reads start from :func:`doudi.monitoring.access.warnings_for`, so they are scoped by
the reader's jurisdiction."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from doudi.monitoring.access import warnings_for
from doudi.monitoring.models import (
    MonitoringRun,
    PolicyVersion,
    StatisticalModel,
    Warning,
    WarningChange,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    """Today in Asia/Shanghai, whatever the server's clock zone."""
    return timezone.now().astimezone(SHANGHAI).date()


def policy_in_force(*, on: dt.date) -> PolicyVersion | None:
    """The version with the latest ``effective_from`` on or before ``on`` (ties: newest)."""
    return (
        PolicyVersion.objects.filter(effective_from__lte=on)
        .order_by("-effective_from", "-number")
        .first()
    )


def policy_versions() -> QuerySet[PolicyVersion]:
    return PolicyVersion.objects.select_related("created_by").order_by("-number")


def current_run() -> MonitoringRun | None:
    return (
        MonitoringRun.objects.filter(is_current=True, status=MonitoringRun.Status.SUCCEEDED)
        .select_related("policy_version")
        .first()
    )


# --- policy documents: labels in the reader's language ------------------------------------


def label(item: dict | None, fallback: str = "") -> str:
    """``label_zh`` for Chinese readers, ``label_en`` otherwise; the id when neither is set."""
    if not item:
        return fallback
    english = (get_language() or "zh-hans").startswith("en")
    first, second = ("label_en", "label_zh") if english else ("label_zh", "label_en")
    return item.get(first) or item.get(second) or item.get("id") or item.get("level") or fallback


@dataclass(frozen=True)
class PolicyIndex:
    """A policy document looked up by id."""

    document: dict

    @property
    def dimensions(self) -> dict[str, dict]:
        return {d["id"]: d for d in self.document.get("dimensions", [])}

    @property
    def indicators(self) -> dict[str, dict]:
        return {i["id"]: i for i in self.document.get("indicators", [])}

    @property
    def triggers(self) -> dict[str, dict]:
        return {t["id"]: t for t in self.document.get("triggers", [])}

    @property
    def bands(self) -> list[dict]:
        """Bands from the lowest score to the highest."""
        return sorted(self.document.get("bands", []), key=lambda b: b.get("min_score", 0))

    def level_rank(self, level: str | None) -> int:
        for rank, band in enumerate(self.bands):
            if band.get("level") == level:
                return rank
        return 0

    def level_label(self, level: str | None) -> str:
        return label(next((b for b in self.bands if b.get("level") == level), None), level or "")


# --- warning lists -------------------------------------------------------------------------


@dataclass(frozen=True)
class WarningFilters:
    level: str = ""
    dimension: str = ""
    reason: str = ""
    street: str = ""
    community: str = ""
    status: str = Warning.Status.OPEN
    changed: bool = False

    @classmethod
    def from_query(cls, query) -> WarningFilters:
        status = query.get("status", Warning.Status.OPEN)
        return cls(
            level=query.get("level", "").strip(),
            dimension=query.get("dimension", "").strip(),
            reason=query.get("reason", "").strip(),
            street=query.get("street", "").strip(),
            community=query.get("community", "").strip(),
            status=status if status in ("", *Warning.Status.values) else Warning.Status.OPEN,
            changed=query.get("changed", "") in ("1", "on", "true"),
        )


def warning_list(
    *, user, filters: WarningFilters, run: MonitoringRun | None = None
) -> QuerySet[Warning]:
    """The user's warnings, filtered, by level (most severe first) then score. ``run``: the
    current run, when the caller has it already."""
    warnings = warnings_for(user).select_related("household__community__parent")
    if filters.status:
        warnings = warnings.filter(status=filters.status)
    if filters.level:
        warnings = warnings.filter(level=filters.level)
    if filters.dimension:
        warnings = warnings.filter(dimension_index__contains=f";{filters.dimension};")
    if filters.reason:
        warnings = warnings.filter(reason_index__contains=f";{filters.reason};")
    if filters.street:
        warnings = warnings.filter(household__community__parent__code=filters.street)
    if filters.community:
        warnings = warnings.filter(household__community__code=filters.community)
    if filters.changed:
        run = run or current_run()
        changed = WarningChange.objects.filter(warning=OuterRef("pk"), run=run)
        warnings = warnings.filter(Exists(changed)) if run else warnings.none()
    return warnings.order_by("-level_rank", "-score", "id")


def latest_changes(warnings: list[Warning], run: MonitoringRun | None) -> dict[int, WarningChange]:
    """The change the current run made to each of ``warnings`` (one query)."""
    if run is None or not warnings:
        return {}
    return {
        c.warning_id: c
        for c in WarningChange.objects.filter(run=run, warning_id__in=[w.pk for w in warnings])
    }


def warning_summary(*, user) -> dict:
    """Open warnings by street × level inside the user's jurisdiction (one query)."""
    rows = (
        warnings_for(user)
        .filter(status=Warning.Status.OPEN)
        .values(
            "household__community__parent__code",
            "household__community__parent__name",
            "level",
            "level_rank",
        )
        .annotate(n=Count("id"))
        .order_by("household__community__parent__code")
    )
    streets: dict[str, dict] = {}
    levels: dict[str, int] = {}
    for row in rows:
        code = row["household__community__parent__code"]
        street = streets.setdefault(
            code,
            {
                "code": code,
                "name": row["household__community__parent__name"],
                "levels": {},
                "total": 0,
            },
        )
        street["levels"][row["level"]] = row["n"]
        street["total"] += row["n"]
        levels[row["level"]] = row["level_rank"]
    return {"streets": list(streets.values()), "levels": sorted(levels, key=lambda lv: -levels[lv])}


def warnings_export_rows() -> list[tuple[str, float, str, str, str]]:
    """``hukou_no, score, level, reasons, probability`` of every open warning (district-wide,
    for the CLI); probability is the calibrated probability of hardship, blank while the
    statistical model is off."""
    rows = (
        Warning.objects.filter(status=Warning.Status.OPEN)
        .order_by("-level_rank", "-score", "household__hukou_no")
        .values_list("household__hukou_no", "score", "level", "reasons", "explanation__probability")
    )
    return [
        (hukou_no, score, level, ";".join(reasons), "" if p is None else f"{float(p):.4f}")
        for hukou_no, score, level, reasons, p in rows
    ]


# --- a warning's explanation, in the words of ITS policy version ----------------------------


# a calibrated probability of hardship in words, by tenth ("约七成可能")
_TENTHS = (
    _("about one in ten"),
    _("about two in ten"),
    _("about three in ten"),
    _("about four in ten"),
    _("about five in ten"),
    _("about six in ten"),
    _("about seven in ten"),
    _("about eight in ten"),
    _("about nine in ten"),
)


def probability_words(p: float | None) -> str:
    """A probability of hardship as a caseworker says it: below 0.05 "less than one in ten",
    from 0.95 "almost certain", else the nearest tenth ("about seven in ten")."""
    if p is None:
        return ""
    if p < 0.05:
        return str(_("less than one in ten"))
    if p >= 0.95:
        return str(_("almost certain"))
    return str(_TENTHS[min(9, max(1, int(p * 10 + 0.5))) - 1])


def probability_thin(p: float | None, model_version: str | None) -> bool:
    """Whether the calibration of the model that scored a warning rests on too few home
    visits at its probability: the tenth it falls in holds no random verification visit, or
    too few visits in all (the model report's ``thin_tenths``, :mod:`.model` of the engine).
    Then the page says the probability is a rough estimate."""
    if p is None or not model_version:
        return False
    evaluation = (
        StatisticalModel.objects.filter(version=model_version)
        .values_list("evaluation", flat=True)
        .first()
    )
    thin = ((evaluation or {}).get("calibration") or {}).get("thin_tenths") or []
    return min(9, max(0, int(float(p) * 10))) in thin


def _yuan(fen: object) -> str:
    return f"{int(fen) / 100:,.0f}" if isinstance(fen, int | float) else "—"


def trigger_checks_view(checks: object, policy: PolicyIndex) -> list[str]:
    """One sentence per hard trigger that fired, saying whether it raised the level or, the
    household having resources left (other members' income, help already held, assets),
    only added points (issue 16)."""
    out = []
    for c in checks if isinstance(checks, list) else []:
        if not isinstance(c, dict):
            continue
        tid = str(c.get("id") or "")
        name = label(policy.triggers.get(tid), tid)
        if not c.get("checked"):
            out.append(str(_("Triggered: %(name)s; the level is raised.") % {"name": name}))
        elif c.get("raises"):
            out.append(
                str(
                    _(
                        "Triggered: %(name)s; what is left is about %(left)s yuan a person and "
                        "month, at or below the line of %(line)s yuan: the level is raised."
                    )
                    % {
                        "name": name,
                        "left": _yuan(c.get("resources_per_head")),
                        "line": _yuan(c.get("line")),
                    }
                )
            )
        elif c.get("assets"):
            out.append(
                str(
                    _(
                        "Triggered: %(name)s; the household has assets: %(points)s points added only."
                    )
                    % {"name": name, "points": f"{float(c.get('points') or 0):g}"}
                )
            )
        else:
            out.append(
                str(
                    _(
                        "Triggered: %(name)s; the other members' income and help held, about "
                        "%(left)s yuan a person and month, are still above the line of %(line)s "
                        "yuan: %(points)s points added only."
                    )
                    % {
                        "name": name,
                        "left": _yuan(c.get("resources_per_head")),
                        "line": _yuan(c.get("line")),
                        "points": f"{float(c.get('points') or 0):g}",
                    }
                )
            )
    return out


def explanation_view(*, warning: Warning) -> dict:
    """Indicators fired (with points and facts), dimension bars and the trigger, labelled from
    the policy version the warning was last made with."""
    from doudi.intake.selectors import catalogue
    from doudi.monitoring import evidence

    policy = PolicyIndex(warning.policy_version.document)
    x = warning.explanation or {}
    raw = x.get("indicators") or x.get("fired") or []
    feeds = catalogue()
    if isinstance(raw, dict):
        raw = [{"id": k, **(v if isinstance(v, dict) else {"points": v})} for k, v in raw.items()]
    loose_facts = x.get("facts") if isinstance(x.get("facts"), list) else []
    fact_feeds = {
        f.get("feed")
        for item in raw
        if isinstance(item, dict)
        for f in (item.get("facts") or [])
        if isinstance(f, dict)
    } | {f.get("feed") for f in loose_facts if isinstance(f, dict)}
    delivered = evidence.deliveries(
        {f for f in fact_feeds if f}, before=warning.run.finished_at or warning.run.created_at
    )
    indicators = []
    for item in raw:
        item = item if isinstance(item, dict) else {"id": str(item)}
        ind_id = str(item.get("id") or item.get("indicator") or "")
        spec = policy.indicators.get(ind_id, {})
        dim_id = item.get("dimension") or spec.get("dimension") or ""
        facts = item.get("facts") or [
            f for f in loose_facts if isinstance(f, dict) and f.get("indicator") == ind_id
        ]
        indicators.append(
            {
                "id": ind_id,
                "label": label(spec, ind_id),
                "dimension": label(policy.dimensions.get(dim_id), dim_id),
                "points": item.get("points", spec.get("points")),
                "suppressed": bool(item.get("suppressed")) or ind_id in (warning.suppressed or []),
                "value": evidence.indicator_value_text(spec.get("kind"), item.get("value")),
                "facts": [
                    evidence.fact_view(f, catalogue=feeds, delivered=delivered) for f in facts
                ],
            }
        )
    points = warning.dimensions or x.get("dimensions") or {}
    bars = []
    for dim_id, dim in policy.dimensions.items():
        value = points.get(dim_id) or 0
        if isinstance(value, dict):
            value = value.get("points") or 0
        cap = dim.get("cap") or 0
        bars.append(
            {
                "id": dim_id,
                "label": label(dim, dim_id),
                "points": value,
                "cap": cap,
                "percent": round(100 * min(value, cap) / cap) if cap else 0,
            }
        )
    trigger = policy.triggers.get(warning.trigger) if warning.trigger else None
    return {
        "trigger_checks": trigger_checks_view(x.get("triggers"), policy),
        "indicators": indicators,
        "bars": bars,
        "trigger": label(trigger, warning.trigger) if warning.trigger else "",
        "level_label": policy.level_label(warning.level),
        "suppressed": [
            label(policy.indicators.get(s) or policy.dimensions.get(s), str(s))
            for s in (warning.suppressed or [])
            if isinstance(s, str)
        ],
        "help_review": bool(x.get("help_review")),
        "visit": _visit_view(x.get("visit")),
        "helps": evidence.helps_view(x.get("helps")),
        "policy": policy,
        "probability_words": probability_words(x.get("probability")),
        "probability_thin": probability_thin(x.get("probability"), x.get("model_version")),
    }


def _visit_view(visit) -> dict | None:
    """The explanation's home visit (engine ``visit``) for the page; ``None`` when there is
    none or it is not one the engine wrote."""
    if not isinstance(visit, dict):
        return None
    try:
        day = dt.date.fromisoformat(str(visit.get("visited_on")))
    except ValueError:
        return None
    return {
        "date": day,
        # found in hardship, and no help begun since answers its causes (the level holds)
        "confirmed": visit.get("hardship_confirmed") is True and not visit.get("helped_since"),
        "new_cause": visit.get("new_cause") is True,
    }


def warning_history(*, warning: Warning, limit: int = 20) -> list[dict]:
    """The warning's latest changes, newest first, with level labels of its policy version."""
    policy = PolicyIndex(warning.policy_version.document)
    return [
        {
            "change": c,
            "from": policy.level_label(c.from_level) if c.from_level else "",
            "to": policy.level_label(c.to_level) if c.to_level else "",
        }
        for c in warning.changes.select_related("run").order_by("-run_id")[:limit]
    ]


# --- feeds a run found missing, late or partial (issue 16) ---------------------------------


@dataclass(frozen=True)
class FeedProblem:
    """A feed the run's policy reads that was missing, late or partial, ready to show."""

    feed: str
    name: str
    status: str
    status_text: str
    detail: str
    items: int
    cost: str
    relied: str


def _pts(v: float) -> str:
    return f"{v:+.1f}".replace("-", "−")


def feed_problems(counts: dict, catalogue=None) -> list[FeedProblem]:
    """The feeds of a run's ``counts["feeds"]`` that are not ``ok``: their Chinese name (from
    the catalogue), status and what it means, how many indicators read them, the estimated
    change of recall and precision without them (the stored ablation) and the share of
    confirmed hardship resting on them."""
    from django.utils.translation import gettext as t

    if catalogue is None:
        from doudi.intake.selectors import catalogue as current_catalogue

        catalogue = current_catalogue()
    status_text = {"missing": t("missing"), "late": t("late"), "partial": t("partial")}
    out = []
    for f in counts.get("feeds") or []:
        if f.get("status") == "ok":
            continue
        feed = f["feed"]
        name = catalogue[feed].name if feed in catalogue.feeds else feed
        if f["status"] == "missing":
            detail = t("no data delivered: the indicators reading it cannot fire")
        elif f["status"] == "late":
            detail = t(
                "newest data %(newest)s, last delivered %(delivered)s (freshness limit "
                "%(days)s days)"
            ) % {
                "newest": f.get("newest") or "—",
                "delivered": f.get("delivered") or "—",
                "days": f.get("freshness_days"),
            }
        else:
            detail = t("covers from %(oldest)s only; its indicators read from %(needed)s") % {
                "oldest": f.get("oldest") or "—",
                "needed": f.get("needed_from") or "—",
            }
        cost = ""
        if f.get("recall_cost"):
            r_all, r_warning = f["recall_cost"]
            p_all, p_warning = f.get("precision_change") or (0.0, 0.0)
            cost = t(
                "estimated change without it (measured on the synthetic test district): recall "
                "%(r_all)s / %(r_warning)s points, precision %(p_all)s / %(p_warning)s points "
                "(all levels / 预警 and above)"
            ) % {
                "r_all": _pts(r_all),
                "r_warning": _pts(r_warning),
                "p_all": _pts(p_all),
                "p_warning": _pts(p_warning),
            }
        relied = ""
        if f.get("confirmed_share") is not None:
            relied = t(
                "%(share)s of the households home visits confirmed in hardship are warned "
                "on its data in this run"
            ) % {"share": f"{f['confirmed_share']:.0%}"}
        out.append(
            FeedProblem(
                feed=feed,
                name=name,
                status=f["status"],
                status_text=str(status_text.get(f["status"], f["status"])),
                detail=detail,
                items=len(f.get("items") or []),
                cost=cost,
                relied=relied,
            )
        )
    return out
