"""Readable traces: every rule computation returns its result plus the steps that led to it.

A step names the rule (id + POLICY.md section), its inputs, the parameters it used (name, value
and the version of the parameter set in force), and its result — all with Chinese labels so that a
decision record or a notice can show *why* in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal


def yuan(fen: int) -> str:
    """An amount in fen shown in 元 with two decimals: 95000 → '950.00元'."""
    sign = "-" if fen < 0 else ""
    value = (Decimal(abs(fen)) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{sign}{value}元"


@dataclass(frozen=True)
class ParamRef:
    """A policy parameter a step used: machine name, Chinese label, value as shown, version."""

    name: str
    label: str
    value: str
    version: str


@dataclass(frozen=True)
class Step:
    """One step of a computation.

    rule: a stable rule id, e.g. "dibao.amount.chae"; section: "POLICY.md §1.10";
    label: what the step decides, in Chinese; inputs: Chinese label → value as shown;
    params: the parameters used; result: the outcome in Chinese; passed: True/False for a test
    that can pass or fail, None for a plain computation.
    """

    rule: str
    section: str
    label: str
    inputs: tuple[tuple[str, str], ...] = ()
    params: tuple[ParamRef, ...] = ()
    result: str = ""
    passed: bool | None = None

    def text(self) -> str:
        """The step as one readable Chinese line."""
        parts = [f"【{self.section}】{self.label}"]
        if self.inputs:
            parts.append("输入：" + "；".join(f"{k}={v}" for k, v in self.inputs))
        if self.params:
            parts.append(
                "参数："
                + "；".join(f"{p.label}={p.value}（版本 {p.version}）" for p in self.params)
            )
        if self.result:
            parts.append("结果：" + self.result)
        return " ".join(parts)

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form (for storing the trace in a decision record)."""
        return {
            "rule": self.rule,
            "section": self.section,
            "label": self.label,
            "inputs": [list(pair) for pair in self.inputs],
            "params": [
                {"name": p.name, "label": p.label, "value": p.value, "version": p.version}
                for p in self.params
            ],
            "result": self.result,
            "passed": self.passed,
        }


@dataclass
class Trace:
    """An ordered list of steps."""

    steps: list[Step] = field(default_factory=list)

    def add(
        self,
        rule: str,
        section: str,
        label: str,
        *,
        inputs: dict[str, str] | None = None,
        params: tuple[ParamRef, ...] | list[ParamRef] = (),
        result: str = "",
        passed: bool | None = None,
    ) -> Step:
        step = Step(
            rule=rule,
            section=section,
            label=label,
            inputs=tuple((inputs or {}).items()),
            params=tuple(params),
            result=result,
            passed=passed,
        )
        self.steps.append(step)
        return step

    def extend(self, other: Trace) -> None:
        self.steps.extend(other.steps)

    def lines(self) -> list[str]:
        """Readable Chinese lines, one per step."""
        return [step.text() for step in self.steps]

    def as_list(self) -> list[dict[str, object]]:
        return [step.as_dict() for step in self.steps]

    def rules(self) -> list[str]:
        return [step.rule for step in self.steps]

    def failed(self) -> list[Step]:
        return [step for step in self.steps if step.passed is False]
