"""Forms of the text analysis pages: the taxonomy (rename, keywords, merge, new topic)
and analysts' corrections."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from clearloop.textanalysis.models import Aspect, CorrectionKind, Sentiment


def keyword_list(text: str) -> list[str]:
    parts = text.replace("、", ",").replace("，", ",").replace("\n", ",").split(",")  # noqa: RUF001
    return [part.strip() for part in parts if part.strip()]


class TopicRenameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)


class TopicKeywordsForm(forms.Form):
    keywords = forms.CharField(
        label=_("Keyword rules"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Separated by commas; any text containing one belongs to the topic."),
    )

    def clean_keywords(self) -> list[str]:
        return keyword_list(self.cleaned_data["keywords"])


class TopicCreateForm(TopicKeywordsForm):
    name = forms.CharField(label=_("Name"), max_length=120)

    field_order = ["name", "keywords"]

    def clean_keywords(self) -> list[str]:
        words = super().clean_keywords()
        if not words:
            raise forms.ValidationError(_("List at least one keyword."))
        return words


class TopicMergeForm(forms.Form):
    target = forms.TypedChoiceField(label=_("Merge into"), coerce=int)

    def __init__(self, *args: Any, topics: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field: Any = self.fields["target"]
        field.choices = [(str(topic.pk), topic.name) for topic in topics]


CORRECTION_VALUES = [
    *Sentiment.choices,
    ("none", _("Not mentioned")),
    ("yes", _("Belongs")),
    ("no", _("Does not belong")),
]


class CorrectionForm(forms.Form):
    kind = forms.ChoiceField(choices=CorrectionKind.choices)
    subject = forms.CharField(required=False, max_length=40)
    value = forms.ChoiceField(choices=CORRECTION_VALUES)


ASPECT_FILTER_CHOICES = [
    ("", _("Any aspect")),
    *[(value, label) for value, label in Aspect.choices],
    *[
        (f"{value}:negative", format_lazy(_("{aspect}, negative"), aspect=label))
        for value, label in Aspect.choices
    ],
]
