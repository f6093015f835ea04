"""Forms of the import pages: the upload, and the mapping of the file's columns."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clearloop.feedback.models import FeedbackSource
from clearloop.imports.models import MAX_FILE_BYTES, ImportKind, OnError
from clearloop.imports.rows import FieldSpec
from clearloop.imports.services import MappingInput

FEEDBACK_SOURCES = [c for c in FeedbackSource.choices if c[0] != FeedbackSource.SURVEY_COMMENT]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"), choices=ImportKind.choices)
    source_name = forms.CharField(
        label=gettext_lazy("Source"),
        max_length=120,
        help_text=gettext_lazy(
            "Where the file comes from, e.g. “Shop export” or “App Store reviews”. "
            "The column mapping is remembered for the next file from the same source."
        ),
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV (UTF-8, GB18030 or Shift_JIS) or XLSX, with a header row; at most 20 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(max)d MB; split it and import the parts.")
                % {"max": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload


class MappingForm(forms.Form):
    """One select per target field, listing the file's columns; for feedback, the source
    of rows whose file has no source column; and what to do with bad rows."""

    on_error = forms.ChoiceField(
        label=gettext_lazy("When a row is bad"),
        choices=OnError.choices,
        initial=OnError.STOP,
        widget=forms.RadioSelect,
    )

    def __init__(
        self,
        *args: Any,
        specs: list[FieldSpec],
        headers: list[str],
        kind: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.specs = specs
        column_choices = [("", _("— not in the file —")), *[(h, h) for h in headers]]
        for spec in specs:
            label = f"{spec.label} *" if spec.required else spec.label
            self.fields[f"column_{spec.name}"] = forms.ChoiceField(
                label=label, choices=column_choices, required=False
            )
        if kind == ImportKind.FEEDBACK:
            self.fields["default_source"] = forms.ChoiceField(
                label=gettext_lazy("Source of rows without one"),
                choices=[("", _("— the file has a source column —")), *FEEDBACK_SOURCES],
                required=False,
            )
        self.order_fields([*(f"column_{s.name}" for s in specs), "default_source", "on_error"])

    @staticmethod
    def initial_from(mapping: dict[str, Any], on_error: str) -> dict[str, str]:
        initial = {f"column_{name}": column for name, column in mapping.get("columns", {}).items()}
        initial["default_source"] = mapping.get("defaults", {}).get("source", "")
        initial["on_error"] = on_error
        return initial

    def mapping(self) -> MappingInput:
        data = self.cleaned_data
        columns = {spec.name: data.get(f"column_{spec.name}", "") for spec in self.specs}
        defaults = {"source": data["default_source"]} if data.get("default_source") else {}
        return MappingInput(columns=columns, defaults=defaults, on_error=data["on_error"])

    def add_service_errors(self, fields: dict[str, Any]) -> None:
        for name, reason in fields.items():
            key = f"column_{name}" if f"column_{name}" in self.fields else None
            self.add_error(key, str(reason))
