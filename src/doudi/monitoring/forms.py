"""Forms for the policy editor: structured fields for the numbers staff tune, or the whole
document as JSON. Both need an effective date and a reason."""

from __future__ import annotations

import json
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from doudi.monitoring.selectors import label
from doudi.parameters.units import check_bounds, fen_to_yuan_text, parse_yuan

# Money area parameters are typed in 元 (never fen: typing 950 once saved ¥9.50), within
# plausible bounds in 元; other money parameters get a wide sanity range.
MONEY_UNITS = {
    "fen per person per month": _("yuan per person per month"),
    "fen per person per year": _("yuan per person per year"),
    "fen": _("yuan"),
}
MONEY_BOUNDS = {
    "dibao_standard": (Decimal("300"), Decimal("5000")),
    "previous_year_disposable_income": (Decimal("5000"), Decimal("300000")),
}
MONEY_BOUNDS_OTHER = (Decimal("0"), Decimal("10000000"))


class YuanField(forms.CharField):
    """An amount typed in 元, cleaned to integer fen, refused outside plausible bounds."""

    def __init__(self, *args, unit, bounds, **kwargs):
        self.unit, self.bounds = unit, bounds
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        fen = parse_yuan(value, self.label)
        check_bounds(Decimal(fen) / 100, *self.bounds, self.label, self.unit)
        return fen


class PolicyMetaForm(forms.Form):
    effective_from = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason for the change"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class PolicyJSONForm(PolicyMetaForm):
    document = forms.CharField(
        label=_("Policy document (JSON)"),
        widget=forms.Textarea(attrs={"rows": 24, "class": "mono", "spellcheck": "false"}),
    )

    def clean_document(self):
        try:
            document = json.loads(self.cleaned_data["document"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Not valid JSON: %(error)s") % {"error": str(exc)}
            ) from None
        if not isinstance(document, dict):
            raise forms.ValidationError(_("The policy document must be a JSON object."))
        # money area parameters are fen in the document: 950 there is ¥9.50, refused
        problems = []
        for p in document.get("area_parameters", []) or []:
            if not isinstance(p, dict) or p.get("unit") not in MONEY_UNITS:
                continue
            value = p.get("value")
            if isinstance(value, bool) or not isinstance(value, int):
                continue  # the engine's validation names a non-integer fen value
            low, high = MONEY_BOUNDS.get(p.get("name"), MONEY_BOUNDS_OTHER)
            try:
                check_bounds(
                    Decimal(value) / 100,
                    low,
                    high,
                    f"{p.get('name')} · {p.get('area_code')}",
                    MONEY_UNITS[p["unit"]],
                    stored_in_fen=True,
                )
            except forms.ValidationError as exc:
                problems.extend(exc.messages)
        if problems:
            raise forms.ValidationError(problems)
        return document


class PolicyFieldsForm(PolicyMetaForm):
    """Points per indicator, caps per dimension, band thresholds and area parameter values,
    applied to a base document (the version in force)."""

    def __init__(self, *args, base: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.base = base
        self.groups: dict[str, list[str]] = {
            "dimensions": [],
            "indicators": [],
            "bands": [],
            "area_parameters": [],
        }
        for d in base.get("dimensions", []):
            name = f"cap__{d['id']}"
            self.fields[name] = forms.FloatField(label=label(d), initial=d.get("cap"), min_value=0)
            self.groups["dimensions"].append(name)
        for i in base.get("indicators", []):
            name = f"points__{i['id']}"
            self.fields[name] = forms.FloatField(label=label(i), initial=i.get("points"))
            self.groups["indicators"].append(name)
        for b in base.get("bands", []):
            name = f"band__{b['level']}"
            self.fields[name] = forms.FloatField(
                label=label(b), initial=b.get("min_score"), min_value=0, max_value=100
            )
            self.groups["bands"].append(name)
        for n, p in enumerate(base.get("area_parameters", [])):
            name = f"area__{n}"
            unit = p.get("unit", "")
            where = f"{p.get('name')} · {p.get('area_code')} · {p.get('effective_from')}"
            if unit in MONEY_UNITS and isinstance(p.get("value"), int):
                self.fields[name] = YuanField(
                    label=f"{where}（{MONEY_UNITS[unit]}）",
                    initial=fen_to_yuan_text(p["value"]),
                    unit=MONEY_UNITS[unit],
                    bounds=MONEY_BOUNDS.get(p.get("name"), MONEY_BOUNDS_OTHER),
                    help_text=_("In yuan, for example 950 or 950.50 — not in fen."),
                )
            else:
                self.fields[name] = forms.FloatField(
                    label=f"{where} ({unit})", initial=p.get("value")
                )
            self.groups["area_parameters"].append(name)

    def grouped(self):
        return {group: [self[name] for name in names] for group, names in self.groups.items()}

    def document(self) -> dict:
        """The base document with the submitted numbers (whole numbers stay integers)."""
        doc = json.loads(json.dumps(self.base))
        data = self.cleaned_data

        def number(value, old):
            if isinstance(old, int) and float(value).is_integer():
                return int(value)
            return value

        for d in doc.get("dimensions", []):
            d["cap"] = number(data[f"cap__{d['id']}"], d.get("cap"))
        for i in doc.get("indicators", []):
            i["points"] = number(data[f"points__{i['id']}"], i.get("points"))
        for b in doc.get("bands", []):
            b["min_score"] = number(data[f"band__{b['level']}"], b.get("min_score"))
        for n, p in enumerate(doc.get("area_parameters", [])):
            p["value"] = number(data[f"area__{n}"], p.get("value"))
        return doc
