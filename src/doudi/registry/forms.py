from django import forms
from django.utils.translation import gettext_lazy as _


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for viewing the full ID number"), max_length=500, min_length=4
    )


class AddressForm(forms.Form):
    address = forms.CharField(label=_("Address"), max_length=255)
