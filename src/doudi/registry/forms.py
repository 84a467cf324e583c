from django import forms
from django.utils.translation import gettext_lazy as _

from doudi.privacy.reasons import PURPOSES


class RevealForm(forms.Form):
    """Purpose (from the list) and reason; checked in doudi.privacy.reasons.reveal_reason."""

    purpose = forms.ChoiceField(
        label=_("Purpose of viewing"), choices=[("", "—"), *PURPOSES], required=False
    )
    reason = forms.CharField(
        label=_("Reason for viewing the full ID number"), max_length=500, required=False
    )


class AddressForm(forms.Form):
    address = forms.CharField(label=_("Address"), max_length=255)


class CodeMapForm(forms.Form):
    code = forms.CharField(label=_("Community code as delivered"), max_length=32)
    community = forms.ModelChoiceField(label=_("Community"), queryset=None)

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["community"].label_from_instance = lambda j: f"{j.parent.name} · {j.name}"
