from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from doudi.intake.actions import SUPPORTED_SUFFIXES


class UploadForm(forms.Form):
    feed = forms.ChoiceField(label=_("Feed"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8 or GBK), Excel .xlsx, JSON Lines or Parquet; at most 200 MB."),
    )

    def __init__(self, *args, feeds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["feed"].choices = [(f.id, f"{f.name}（{f.id}）") for f in feeds]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SUPPORTED_SUFFIXES:
            raise forms.ValidationError(
                _("Unsupported file type: use .csv, .xlsx, .jsonl or .parquet.")
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        if upload.size > settings.DOUDI_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is larger than 200 MB; deliver it through the command line or split it."
                )
            )
        return upload
