"""Reading the parameters in force: ``params_in_force(area_code, day)`` → PolicyParams."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.utils import timezone

from doudi.parameters.models import ParameterValue
from doudi.parameters.specs import BY_NAME, SPECS, WUCHANG
from doudi.parameters.units import to_rules
from doudi.rules import PolicyParams


def _prefixes(area_code: str) -> list[str]:
    return [area_code[:n] for n in range(len(area_code), 0, -1)] + [""]


def rows_in_force(area_code: str, day: dt.date) -> dict[str, ParameterValue]:
    """Per parameter name, the row in force for the area on the day (see ParameterValue)."""
    prefixes = _prefixes(area_code)
    rank = {p: n for n, p in enumerate(prefixes)}
    best: dict[str, ParameterValue] = {}
    rows = ParameterValue.objects.filter(area_code__in=prefixes, effective_from__lte=day)
    for row in rows.order_by("-effective_from", "-id"):
        current = best.get(row.name)
        if current is None or rank[row.area_code] < rank[current.area_code]:
            best[row.name] = row
    return best


def params_in_force(area_code: str = WUCHANG, day: dt.date | None = None) -> PolicyParams:
    """The plain rules dataclass for the area on the day (today when None). A parameter with no
    stored row keeps the dataclass default, labelled "默认" in traces."""
    day = day or timezone.localdate()
    rows = rows_in_force(area_code, day)
    values: dict[str, object] = {}
    versions: dict[str, str] = {}
    fields = {f.name for f in dataclasses.fields(PolicyParams)}
    for spec in SPECS:
        row = rows.get(spec.name)
        if row is None or spec.name not in fields:
            continue
        values[spec.name] = to_rules(spec, row.value)
        versions[spec.name] = row.version
    return PolicyParams(area_code=area_code, as_of=day, versions=versions, **values)  # type: ignore[arg-type]


def value_in_force(
    name: str, area_code: str = WUCHANG, day: dt.date | None = None
) -> ParameterValue | None:
    if name not in BY_NAME:
        raise KeyError(name)
    return rows_in_force(area_code, day or timezone.localdate()).get(name)
