"""The seam between the workflow and the policy rules (:mod:`doudi.assistance.rules`) and
the dated parameters (:mod:`doudi.parameters`): one place that turns stored applications into
the rules' plain inputs and their results back into verdicts, amounts and traces."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


def params_in_force(*, area_code: str, on: dt.date):
    """The rules' parameter set in force for the area on the date."""
    try:
        from doudi.parameters import selectors as parameter_selectors  # type: ignore[import]
    except ImportError:  # the parameters app is not installed yet: the rules' own defaults
        parameter_selectors = None
    if parameter_selectors is not None and hasattr(parameter_selectors, "policy_params"):
        return parameter_selectors.policy_params(area_code=area_code, on=on)
    from doudi.assistance.rules.params import PolicyParams

    return PolicyParams(area_code=area_code, as_of=on)


def parameter_version(params) -> str:
    versions = sorted(set(getattr(params, "versions", {}).values()))
    return ";".join(versions) or f"{params.area_code}·{params.as_of.isoformat()}·默认"


@dataclass
class Consistency:
    consistent: bool
    reasons: list[str] = field(default_factory=list)
    trace: list[dict] = field(default_factory=list)


def _step(rule: str, label: str, result: str, passed: bool | None, **inputs) -> dict:
    return {
        "rule": rule,
        "section": "POLICY.md §5.4",
        "label": label,
        "inputs": [[k, str(v)] for k, v in inputs.items()],
        "params": [],
        "result": result,
        "passed": passed,
    }


def consistency(
    *,
    declared_income_fen: int,
    found_income_fen: int,
    undeclared_assets: list[str],
    unknown_members: list[str],
    members: int,
    params,
) -> Consistency:
    """基本一致 (POLICY.md §5.4, a configurable rule): no undeclared asset, no unknown member,
    and the per-capita income difference within the tolerance (a share of the standard)."""
    from decimal import Decimal

    from doudi.assistance.rules.trace import yuan

    reasons: list[str] = []
    trace: list[dict] = []
    for asset in undeclared_assets:
        reasons.append(f"核对发现未申报的财产：{asset}")
    trace.append(
        _step(
            "consistency.assets",
            "核对发现的财产均已申报",
            "是" if not undeclared_assets else "否：" + "、".join(undeclared_assets),
            not undeclared_assets,
        )
    )
    for name in unknown_members:
        reasons.append(f"户籍记录中有未申报的成员：{name}")
    trace.append(
        _step(
            "consistency.members",
            "申报成员与户籍记录一致",
            "是" if not unknown_members else "否",
            not unknown_members,
        )
    )
    n = max(members, 1)
    diff = abs(found_income_fen - declared_income_fen) // n
    tolerance_pct = Decimal(str(params.consistency_income_tolerance_pct))
    standard = params.standard_fen(False)
    limit = int(Decimal(standard) * tolerance_pct / 100)
    ok = diff <= limit
    if not ok:
        reasons.append(f"人均月收入申报与核对相差 {yuan(diff)}，超过容差 {yuan(limit)}")
    step = _step(
        "consistency.income",
        "人均月收入申报与核对之差在容差以内",
        f"相差 {yuan(diff)}，容差 {yuan(limit)}",
        ok,
        申报月收入=yuan(declared_income_fen),
        核对月收入=yuan(found_income_fen),
        成员数=n,
    )
    step["params"] = [
        {
            "name": "consistency_income_tolerance_pct",
            "label": "收入一致容差（占低保标准的百分比）",
            "value": str(tolerance_pct),
            "version": parameter_version(params),
        }
    ]
    trace.append(step)
    return Consistency(consistent=not reasons, reasons=reasons, trace=trace)


@dataclass
class Amount:
    monthly_fen: int
    eligible: bool
    reasons: list[str]
    trace: list[dict]


def dibao_amount(*, income_fen: int, members: int, params) -> Amount:
    """差额 = (standard − per-capita income) × members (POLICY.md §1.10), via the rules."""
    from doudi.assistance.rules import dibao

    n = max(members, 1)
    per_capita = income_fen // n
    result = dibao.dibao_amount(per_capita, n, params)
    eligible = result.monthly_fen > 0
    reasons = [] if eligible else ["家庭人均收入不低于当地低保标准"]
    return Amount(result.monthly_fen, eligible, reasons, result.trace.as_list())
