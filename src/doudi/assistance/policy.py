"""The seam between the workflow and the policy rules (:mod:`doudi.rules`) and
the dated parameters (:mod:`doudi.parameters`): one place that turns stored applications into
the rules' plain inputs and their results back into verdicts, amounts and traces."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


def params_in_force(*, area_code: str, on: dt.date):
    """The rules' parameter set in force for the area on the date (doudi.parameters)."""
    from doudi.parameters.api import params_in_force as stored_params

    return stored_params(area_code, on)


def parameter_version(params) -> str:
    versions = sorted(set(getattr(params, "versions", {}).values()))
    return ";".join(versions) or f"{params.area_code}·{params.as_of.isoformat()}·默认"


@dataclass
class Consistency:
    consistent: bool
    reasons: list[str] = field(default_factory=list)
    trace: list[dict] = field(default_factory=list)


RULE_ASSET_KINDS = {
    "deposit": "deposit",
    "vehicle": "car",
    "real_estate": "housing",
    "business": "business_capital",
    "securities": "securities",
}


def consistency(
    *,
    declared_members: set[str],
    hukou_members: set[str],
    declared_income_fen: int,
    found_income_fen: int,
    declared_assets: dict[str, int],
    undeclared_assets: dict[str, int],
    stale_sources: list[str],
    members: int,
    params,
) -> Consistency:
    """基本一致 (POLICY.md §5.4) by the rules' configurable verdict."""
    from doudi.rules import Asset, ConsistencyInput, consistency_verdict

    n = max(members, 1)
    declared_pc, found_pc = declared_income_fen // n, found_income_fen // n
    standard = params.standard_fen(False)
    result = consistency_verdict(
        ConsistencyInput(
            declared_members=frozenset(declared_members),
            verified_members=frozenset(hukou_members or declared_members),
            declared_per_capita_fen=declared_pc,
            verified_per_capita_fen=found_pc,
            declared_assets=tuple(
                Asset("household", RULE_ASSET_KINDS[k], v) for k, v in declared_assets.items()
            ),
            undeclared_assets=tuple(
                Asset("household", RULE_ASSET_KINDS[k], v) for k, v in undeclared_assets.items()
            ),
            eligible_if_declared=declared_pc < standard,
            eligible_if_verified=found_pc < standard,
            stale_sources=tuple(stale_sources),
        ),
        params,
    )
    return Consistency(result.consistent, list(result.reasons), result.trace.as_list())


SITUATIONS = {
    "": "无特殊情况",
    "student": "全日制在校（本科及以下）",
    "dependent": "不能独立生活",
    "support": "有法定赡养、扶养或抚养关系且长期共同生活",
    "prison": "在监狱服刑",
    "rehab": "强制隔离戒毒",
    "missing": "宣告失踪",
}


def count_members(rows: list[dict]):
    """Who counts (POLICY.md §1.3): ``rows`` have key, name, relation, age, situation."""
    from doudi.rules import Member, count_members

    return count_members(
        [
            Member(
                id=r["key"],
                name=r["name"],
                relation=r["relation"],
                age=r["age"],
                education="bachelor" if r.get("situation") == "student" else None,
                can_live_independently=r.get("situation") != "dependent",
                support_duty=r.get("situation") == "support",
                in_prison=r.get("situation") == "prison",
                in_compulsory_rehab=r.get("situation") == "rehab",
                declared_missing=r.get("situation") == "missing",
            )
            for r in rows
        ]
    )


@dataclass
class Amount:
    monthly_fen: int
    eligible: bool
    reasons: list[str]
    trace: list[dict]


def dibao_amount(*, income_fen: int, members: int, params) -> Amount:
    """差额 = (standard − per-capita income) × members (POLICY.md §1.10), via the rules."""
    from doudi.rules import dibao

    n = max(members, 1)
    per_capita = income_fen // n
    result = dibao.dibao_amount(per_capita, n, params)
    eligible = result.monthly_fen > 0
    reasons = [] if eligible else ["家庭人均收入不低于当地低保标准"]
    return Amount(result.monthly_fen, eligible, reasons, result.trace.as_list())
