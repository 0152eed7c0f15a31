from django import forms
from django.utils.translation import gettext_lazy as _

from core.bulk_import.registry import Importer


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "An Excel workbook (.xlsx, its first sheet) or a CSV file (UTF-8 or GB18030), at most 5 MB. "
            "Nothing is saved until you confirm the preview."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, importer: Importer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(importer.options_fields())

    def options(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "file"}
