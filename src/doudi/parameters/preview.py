"""The impact preview hook: apps register a function that says what a parameter change would do
(households whose eligibility or warning level would change, monthly cost change), without this
app importing them. Register in an AppConfig.ready():

    from doudi.parameters import preview
    preview.register("assistance", my_preview)

where ``my_preview(area_code, old, new) -> Impact | None`` and old/new are PolicyParams.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass

from doudi.rules import PolicyParams

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Impact:
    label: str  # what was evaluated, e.g. "在保低保家庭"
    households_changed: int  # households whose eligibility (or warning level) would change
    monthly_cost_change_fen: int  # + more, − less per month
    detail: str = ""


PreviewFn = Callable[[str, PolicyParams, PolicyParams], "Impact | None"]
_registry: dict[str, PreviewFn] = {}


def register(key: str, fn: PreviewFn) -> None:
    _registry[key] = fn


def unregister(key: str) -> None:
    _registry.pop(key, None)


def registered() -> list[str]:
    return sorted(_registry)


def run(area_code: str, old: PolicyParams, new: PolicyParams) -> list[dict]:
    """Every registered preview's result as JSON-ready dicts. A preview that fails is reported
    as failed (never silently dropped); the error goes to the log without personal data."""
    out: list[dict] = []
    for key in sorted(_registry):
        try:
            impact = _registry[key](area_code, old, new)
        except Exception:  # noqa: BLE001 — one broken preview must not block the page
            log.exception("impact preview %s failed", key)
            out.append({"key": key, "failed": True})
            continue
        if impact is not None:
            out.append({"key": key, "failed": False, **asdict(impact)})
    return out
