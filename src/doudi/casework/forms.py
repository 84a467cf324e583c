"""Casework forms. Errors name their field in the reader's language; a form that fails keeps
everything that was typed."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from doudi.casework.actions import CAUSES, NEEDS, SERVICE_NEEDS
from doudi.casework.models import Disposition, PolicyParameter, Provider, Task, Visit
from doudi.monitoring.selectors import today

CAUSE_LABELS = {
    "illness": _("Illness"),
    "disability": _("Disability"),
    "schooling": _("Schooling costs"),
    "disaster": _("Disaster"),
    "unemployment": _("Unemployment"),
    "old_age": _("Old age"),
    "lack_of_labour": _("Lack of working members"),
    "accident": _("Accident"),
    "other": _("Other cause"),
}
NEED_LABELS = {
    "cash": _("Cash assistance (低保, 特困, 临时救助)"),
    "medical_aid": _("Medical aid"),
    "education_aid": _("Education aid"),
    "housing": _("Housing aid"),
    "employment": _("Employment help"),
    "tutoring": _("Tutoring (service)"),
    "psychological_comfort": _("Psychological comfort (service)"),
    "daily_care": _("Daily care (service)"),
    "companionship": _("Companionship visits (service)"),
}
UNKNOWN_CHOICE = {"invalid_choice": _("Unknown choice: %(value)s")}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def cause_label(code: str) -> str:
    return str(CAUSE_LABELS.get(code, code))


def need_label(code: str) -> str:
    return str(NEED_LABELS.get(code, code))


def problems_of(form: forms.Form) -> list[str]:
    """Every error as one line naming its field."""
    lines = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            lines.append(f"{label}：{error}" if label else str(error))
    return lines


def yuan_to_fen(value: Decimal | None) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Date of the visit"), widget=DATE)
    mode = forms.ChoiceField(
        label=_("Mode"),
        choices=Visit.Mode.choices,
        widget=forms.RadioSelect,
        error_messages=UNKNOWN_CHOICE,
    )
    visitor_1 = forms.CharField(label=_("First visitor"), max_length=64, required=False)
    visitor_2 = forms.CharField(label=_("Second visitor"), max_length=64, required=False)
    visitor_3 = forms.CharField(label=_("Third visitor (optional)"), max_length=64, required=False)
    members_present = forms.TypedMultipleChoiceField(
        label=_("Members present"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=UNKNOWN_CHOICE,
    )
    living_conditions = forms.CharField(
        label=_("Living conditions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    observed_income = forms.DecimalField(
        label=_("Observed monthly income (yuan)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    observed_spending = forms.DecimalField(
        label=_("Observed monthly spending (yuan)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    hardship = forms.TypedChoiceField(
        label=_("Degree of hardship"),
        choices=[("", _("Not judged"))] + list(Visit.Hardship.choices),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages=UNKNOWN_CHOICE,
    )
    causes = forms.MultipleChoiceField(
        label=_("Causes of hardship"),
        choices=[(c, CAUSE_LABELS[c]) for c in CAUSES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=UNKNOWN_CHOICE,
    )
    needs = forms.MultipleChoiceField(
        label=_("Needs"),
        choices=[(n, NEED_LABELS[n]) for n in NEEDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=UNKNOWN_CHOICE,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    outcome = forms.ChoiceField(
        label=_("Conclusion"),
        choices=Task.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages=UNKNOWN_CHOICE,
    )
    visitors_confirmed = forms.BooleanField(
        label=_("The visitors confirm this record is true"), required=False
    )
    member_confirmed_by = forms.CharField(
        label=_("Household member who confirmed the record"), max_length=64, required=False
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members_present"].choices = [
            (m.person_id, f"{m.person.name}（{m.get_relation_display()}）") for m in members
        ]

    def clean_visited_on(self):
        day = self.cleaned_data["visited_on"]
        if day > today():
            raise forms.ValidationError(_("The date cannot be later than today."))
        return day

    def clean(self):
        data = super().clean()
        names = {
            (data.get(f"visitor_{n}") or "").strip()
            for n in (1, 2, 3)
            if (data.get(f"visitor_{n}") or "").strip()
        }
        if len(names) < 2:
            self.add_error(
                "visitor_2",
                _("A home visit is made by at least two people: name the second visitor."),
            )
        return data

    def visitors(self) -> list[str]:
        return [
            self.cleaned_data[f"visitor_{n}"].strip()
            for n in (1, 2, 3)
            if (self.cleaned_data.get(f"visitor_{n}") or "").strip()
        ]


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Photo or PDF"))


class DispositionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Disposition"),
        choices=Disposition.Kind.choices,
        widget=forms.RadioSelect,
        error_messages=UNKNOWN_CHOICE,
    )
    department = forms.CharField(label=_("Receiving department"), max_length=64, required=False)
    detail = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decision = forms.CharField(
        label=_("Decision of the case conference"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("Acknowledged by"), max_length=300)


class ReferralForm(forms.Form):
    need = forms.ChoiceField(
        label=_("Service needed"),
        choices=[(n, NEED_LABELS[n]) for n in SERVICE_NEEDS],
        error_messages=UNKNOWN_CHOICE,
    )
    provider = forms.TypedChoiceField(
        label=_("Provider"), coerce=int, choices=(), error_messages=UNKNOWN_CHOICE
    )
    note = forms.CharField(label=_("Note for the provider"), max_length=500, required=False)

    def __init__(self, *args, providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [
            (p.pk, f"{p.name}（{p.get_kind_display()}）") for p in providers
        ]


class RespondForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("1", _("Accept")), ("0", _("Decline"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label=_("Reason for declining"), max_length=300, required=False)


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=1, max_value=1440)
    summary = forms.CharField(label=_("What was done"), max_length=500)


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("The household's rating"),
        choices=[(str(n), str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Comment"), max_length=300, required=False)


class TaskCreateForm(forms.Form):
    origin = forms.ChoiceField(
        label=_("Origin"),
        choices=[
            (Task.Origin.WALK_IN, Task.Origin.WALK_IN.label),
            (Task.Origin.REFERRAL, Task.Origin.REFERRAL.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("What happened"), max_length=500)


class AssistGrantForm(forms.Form):
    recipient_name = forms.CharField(label=_("Recipient"), max_length=64)
    recipient_id_number = forms.CharField(
        label=_("Recipient's ID number (if known)"), max_length=18, required=False
    )
    hukou_place = forms.CharField(
        label=_("Household register place (any place: no register restriction)"),
        max_length=100,
        required=False,
    )
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    reason = forms.CharField(
        label=_("Reason (the emergency)"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class PaperworkForm(forms.Form):
    note = forms.CharField(
        label=_("Paperwork completed (what was signed and sealed)"), max_length=500
    )


class ParameterForm(forms.Form):
    name = forms.ChoiceField(label=_("Parameter"), choices=PolicyParameter.Name.choices)
    area_code = forms.CharField(
        label=_("Area code (empty: the whole district)"), max_length=12, required=False
    )
    value = forms.DecimalField(label=_("Value"), max_digits=18, decimal_places=4)
    effective_from = forms.DateField(label=_("Effective from"), widget=DATE)
    source = forms.CharField(label=_("Source (document and number)"), max_length=300)


class ProviderForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Provider.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    skills = forms.MultipleChoiceField(
        label=_("Services offered"),
        choices=[(n, NEED_LABELS[n]) for n in SERVICE_NEEDS],
        widget=forms.CheckboxSelectMultiple,
    )
    areas = forms.MultipleChoiceField(label=_("Areas served"), choices=())
    capacity = forms.IntegerField(label=_("Open referrals at most"), min_value=1, max_value=200)
    user = forms.TypedChoiceField(
        label=_("Sign-in account (social worker / volunteer)"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=(),
    )

    def __init__(self, *args, areas=(), users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].choices = [(a.code, a.name) for a in areas]
        self.fields["user"].choices = [("", "—")] + [(u.pk, u.label) for u in users]


class DrawForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    seed = forms.IntegerField(
        label=_("Seed (empty: chosen at random and recorded)"),
        required=False,
        min_value=0,
        max_value=2**62,
    )


class SaveFilterForm(forms.Form):
    name = forms.CharField(label=_("Name of this filter"), max_length=40)
