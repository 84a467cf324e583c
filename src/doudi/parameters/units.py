"""Typing and showing parameter values safely: money in 元 (never fen), plausible bounds,
plain Chinese messages. Also used by the monitoring policy page (its area parameters)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from doudi.parameters.specs import Spec
from doudi.rules import ProofItem

_SPACES = re.compile(r"[\s,，元¥￥]")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．－", "0123456789.-")


def parse_yuan(text: object, label: object = "") -> int:
    """ "950", "950.5", "1,200.00元", "￥950" → integer fen. Refuses blanks, non-numbers,
    negatives and more than two decimals, naming the field."""
    raw = _SPACES.sub("", str(text if text is not None else "").translate(_FULLWIDTH))
    if raw == "":
        raise ValidationError(_("%(field)s: enter an amount in yuan.") % {"field": label})
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(
            _("%(field)s: “%(text)s” is not an amount; type yuan, for example 950 or 950.50.")
            % {"field": label, "text": text}
        ) from None
    if not amount.is_finite():
        raise ValidationError(_("%(field)s: enter an amount in yuan.") % {"field": label})
    if amount < 0:
        raise ValidationError(_("%(field)s: the amount cannot be negative.") % {"field": label})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(
            _("%(field)s: at most two decimals (fen), for example 950.50.") % {"field": label}
        )
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def fen_to_yuan_text(fen: int) -> str:
    """12345 → "123.45"; 95000 → "950" (what the form shows and the user types)."""
    value = Decimal(int(fen)) / 100
    return f"{value:.0f}" if int(fen) % 100 == 0 else f"{value:.2f}"


def check_bounds(
    value: Decimal,
    low: Decimal | None,
    high: Decimal | None,
    label: object,
    unit: object,
    *,
    stored_in_fen: bool = False,
) -> None:
    """Refuse a value outside [low, high] (in the unit the user typed), saying what to check.
    stored_in_fen: the user typed fen (a JSON document), so the hint says so."""
    if (low is not None and value < low) or (high is not None and value > high):
        if stored_in_fen:
            text = _(
                "%(field)s: %(value)s %(unit)s is outside the plausible range %(low)s–%(high)s "
                "%(unit)s. Check the unit: in the JSON document money is in fen (950 yuan = 95000)."
            )
        else:
            text = _(
                "%(field)s: %(value)s %(unit)s is outside the plausible range %(low)s–%(high)s "
                "%(unit)s. Check the unit: amounts are typed in yuan, not fen."
            )
        raise ValidationError(
            text
            % {
                "field": label,
                "value": _plain(value),
                "unit": unit,
                "low": _plain(low) if low is not None else "",
                "high": _plain(high) if high is not None else "",
            }
        )


def _plain(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_value(spec: Spec, text: object) -> object:
    """What the user typed → the stored form, checked against the spec's bounds."""
    label = spec.label
    if spec.kind == "fen":
        fen = parse_yuan(text, label)
        check_bounds(Decimal(fen) / 100, spec.low, spec.high, label, spec.unit)
        return fen
    raw = str(text if text is not None else "").strip().translate(_FULLWIDTH)
    if spec.kind in ("int", "decimal"):
        try:
            number = Decimal(raw.replace(",", ""))
        except InvalidOperation:
            raise ValidationError(_("%(field)s: enter a number.") % {"field": label}) from None
        if not number.is_finite():
            raise ValidationError(_("%(field)s: enter a number.") % {"field": label})
        if spec.kind == "int" and number != number.to_integral_value():
            raise ValidationError(_("%(field)s: enter a whole number.") % {"field": label})
        check_bounds(number, spec.low, spec.high, label, spec.unit)
        return int(number) if spec.kind == "int" else _plain(number)
    if spec.kind == "bool":
        if raw in ("1", "true", "True", "on", "yes", "是"):
            return True
        if raw in ("0", "false", "False", "off", "no", "否", ""):
            return False
        raise ValidationError(_("%(field)s: choose yes or no.") % {"field": label})
    if spec.kind == "choice":
        keys = [key for key, _label in spec.choices]
        if raw not in keys:
            raise ValidationError(_("%(field)s: choose one of the options.") % {"field": label})
        return raw
    if spec.kind == "catalogue":
        return parse_catalogue(raw, label)
    raise ValidationError(_("%(field)s: this parameter cannot be edited here.") % {"field": label})


CATALOGUE_FIELDS = (
    "code",
    "name",
    "category",
    "legal_basis",
    "commit_waivable",
    "verified_by",
    "applies_to",
    "condition",
)


def parse_catalogue(raw: str, label: object) -> list[dict]:
    """The proof catalogue as JSON: a list of items with the ProofItem fields."""
    try:
        items = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            _("%(field)s: not valid JSON (line %(line)s): fix the text and try again.")
            % {"field": label, "line": exc.lineno}
        ) from None
    if not isinstance(items, list) or not items:
        raise ValidationError(_("%(field)s: give a list of proof items.") % {"field": label})
    codes = set()
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not {"code", "name", "category", "commit_waivable"} <= set(
            item
        ):
            raise ValidationError(
                _("%(field)s: item %(n)s needs code, name, category and commit_waivable.")
                % {"field": label, "n": n}
            )
        if item["code"] in codes:
            raise ValidationError(
                _("%(field)s: the code %(code)s appears twice.")
                % {"field": label, "code": item["code"]}
            )
        codes.add(item["code"])
        unknown = set(item) - set(CATALOGUE_FIELDS)
        if unknown:
            raise ValidationError(
                _("%(field)s: item %(n)s has unknown fields: %(names)s.")
                % {"field": label, "n": n, "names": ", ".join(sorted(unknown))}
            )
    return [dict(item) for item in items]


def catalogue_json(items: tuple[ProofItem, ...]) -> list[dict]:
    return [{**asdict(i), "applies_to": list(i.applies_to)} for i in items]


def catalogue_items(stored: list[dict] | None) -> tuple[ProofItem, ...]:
    return tuple(
        ProofItem(
            code=str(d["code"]),
            name=str(d["name"]),
            category=int(d["category"]),
            legal_basis=str(d.get("legal_basis", "")),
            commit_waivable=bool(d["commit_waivable"]),
            verified_by=str(d.get("verified_by", "")),
            applies_to=tuple(d.get("applies_to") or ("dibao", "tekun")),
            condition=str(d.get("condition") or "always"),
        )
        for d in (stored or [])
    )


def to_rules(spec: Spec, stored: object) -> object:
    """The stored form → the PolicyParams field value."""
    if spec.kind in ("fen", "int"):
        return int(stored)  # type: ignore[arg-type]
    if spec.kind == "decimal":
        return Decimal(str(stored))
    if spec.kind == "bool":
        return bool(stored)
    if spec.kind == "catalogue":
        return catalogue_items(stored)  # type: ignore[arg-type]
    return str(stored)


def input_text(spec: Spec, stored: object) -> str:
    """The stored form → what the edit form shows (money in 元)."""
    if stored is None:
        return ""
    if spec.kind == "fen":
        return fen_to_yuan_text(int(stored))  # type: ignore[call-overload]
    if spec.kind == "bool":
        return "1" if stored else "0"
    if spec.kind == "catalogue":
        return json.dumps(stored, ensure_ascii=False, indent=1)
    return str(stored)


def display(spec: Spec, stored: object) -> str:
    """The stored form → a readable value with its unit (money: "950.00 元/人/月")."""
    if stored is None:
        return _("No record")
    if spec.kind == "fen":
        value = Decimal(int(stored)) / 100  # type: ignore[call-overload]
        return f"{value:,.2f} {spec.unit}"
    if spec.kind == "bool":
        return _("Yes") if stored else _("No")
    if spec.kind == "choice":
        return str(dict(spec.choices).get(str(stored), stored))
    if spec.kind == "catalogue":
        items = catalogue_items(stored)  # type: ignore[arg-type]
        waivable = sum(1 for i in items if i.commit_waivable)
        return _("%(n)s items, %(w)s waivable by a commitment") % {"n": len(items), "w": waivable}
    return f"{stored} {spec.unit}".strip()
