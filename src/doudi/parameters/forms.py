"""The change form: the value typed in the parameter's own unit (money in 元), the date it
applies from, the document it comes from and why."""

from __future__ import annotations

import hashlib

from django import forms
from django.utils.translation import gettext_lazy as _

from doudi.parameters.specs import Spec


class ProposeForm(forms.Form):
    value = forms.CharField(label=_("New value"), max_length=20000)
    effective_from = forms.DateField(
        label=_("Effective from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    source = forms.CharField(label=_("Source (document number, date, link)"), max_length=500)
    reason = forms.CharField(
        label=_("Reason for the change"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    previewed = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, spec: Spec, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["value"]
        unit = f"（{spec.unit}）" if spec.unit else ""
        field.label = f"{spec.label}{unit}"
        if spec.kind == "fen":
            field.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
            field.help_text = _("In yuan, for example 950 or 950.50 — not in fen.")
        elif spec.kind in ("int", "decimal"):
            field.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        elif spec.kind == "bool":
            field.widget = forms.Select(choices=[("1", _("Yes")), ("0", _("No"))])
        elif spec.kind == "choice":
            field.widget = forms.Select(choices=list(spec.choices))
        elif spec.kind == "catalogue":
            field.widget = forms.Textarea(
                attrs={"rows": 16, "class": "mono", "spellcheck": "false"}
            )
            field.help_text = _(
                "A JSON list; each item has code, name, category, legal_basis, commit_waivable "
                "(true: a signed commitment replaces the proof), verified_by, applies_to, condition."
            )
        if spec.low is not None and spec.high is not None:
            range_text = _("Plausible range: %(low)s–%(high)s %(unit)s.") % {
                "low": f"{spec.low:,f}".rstrip("0").rstrip(".")
                if "." in f"{spec.low}"
                else f"{spec.low:,}",
                "high": f"{spec.high:,f}".rstrip("0").rstrip(".")
                if "." in f"{spec.high}"
                else f"{spec.high:,}",
                "unit": spec.unit,
            }
            field.help_text = f"{field.help_text} {range_text}".strip()

    def fingerprint(self) -> str:
        """What was previewed: confirming other values than those shown needs a new preview."""
        data = self.cleaned_data
        text = "\x1f".join(
            [
                str(data.get("value", "")),
                str(data.get("effective_from", "")),
                data.get("source", ""),
                data.get("reason", ""),
            ]
        )
        return hashlib.sha256(text.encode()).hexdigest()[:32]


class DecideForm(forms.Form):
    note = forms.CharField(
        label=_("Note (required when rejecting)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
