"""Forms of the feedback inbox: the filter bar (kept in the URL), tags, rules, saved views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from clearloop.accounts.models import Language
from clearloop.feedback.matching import clean_list
from clearloop.feedback.models import FeedbackSource, TagColour
from clearloop.feedback.selectors import (
    CHANNEL_CHOICES,
    HAS_CASE_CHOICES,
    RATING_CHOICES,
    FeedbackFilters,
)
from clearloop.textanalysis.forms import ASPECT_FILTER_CHOICES
from clearloop.textanalysis.models import Sentiment, SignalKind

FILTER_KEYS = (
    "q",
    "source",
    "channel",
    "language",
    "rating",
    "date_from",
    "date_to",
    "segment",
    "tag",
    "sentiment",
    "topic",
    "aspect",
    "signal",
    "has_case",
)
TEXT_FILTERS = (
    "q",
    "source",
    "channel",
    "language",
    "rating",
    "segment",
    "sentiment",
    "aspect",
    "signal",
    "has_case",
)


def _any(label: Any, choices: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=_any(_("All sources"), FeedbackSource.choices)
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=_any(_("All channels"), CHANNEL_CHOICES)
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=_any(_("All languages"), Language.choices)
    )
    rating = forms.ChoiceField(
        label=_("Rating"), required=False, choices=_any(_("Any rating"), RATING_CHOICES)
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    segment = forms.ChoiceField(label=_("Customer segment"), required=False)
    tag = forms.TypedChoiceField(label=_("Tag"), required=False, coerce=int, empty_value=None)
    sentiment = forms.ChoiceField(
        label=_("Sentiment"), required=False, choices=_any(_("Any sentiment"), Sentiment.choices)
    )
    topic = forms.TypedChoiceField(label=_("Topic"), required=False, coerce=int, empty_value=None)
    aspect = forms.ChoiceField(label=_("Aspect"), required=False, choices=ASPECT_FILTER_CHOICES)
    signal = forms.ChoiceField(
        label=_("Signal"), required=False, choices=_any(_("Any signal"), SignalKind.choices)
    )
    has_case = forms.ChoiceField(
        label=_("Case"), required=False, choices=_any(_("With or without a case"), HAS_CASE_CHOICES)
    )

    def __init__(
        self,
        *args: Any,
        segments: list[str],
        tags: list[Any],
        topics: list[Any] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        topic_field: Any = self.fields["topic"]
        topic_field.choices = _any(_("Any topic"), [(str(t.pk), t.name) for t in topics or []])
        segment_field: Any = self.fields["segment"]
        segment_field.choices = _any(_("All segments"), [(s, s) for s in segments])
        tag_field: Any = self.fields["tag"]
        tag_field.choices = _any(_("Any tag"), [(str(tag.pk), tag.name) for tag in tags])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> FeedbackFilters:
        data = self.cleaned_data
        text = {key: data.get(key) or "" for key in TEXT_FILTERS}
        return FeedbackFilters(
            **text,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            tag=data.get("tag"),
            topic=data.get("topic"),
        )

    def query_string(self) -> str:
        """The active filters as a URL query, in a stable order (what a saved view keeps)."""
        pairs = [(key, self.data.get(key, "")) for key in FILTER_KEYS]
        return urlencode([(key, value) for key, value in pairs if value])


class TagForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    colour = forms.ChoiceField(label=_("Colour"), choices=TagColour.choices, initial=TagColour.BLUE)


class ItemTagForm(forms.Form):
    tag = forms.IntegerField(label=_("Tag"), min_value=1)


class TaggingRuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    tag = forms.TypedChoiceField(label=_("Tag"), coerce=int)
    phrases = forms.CharField(
        label=_("Words or phrases"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line or separated by commas; an item containing any of them is tagged."
        ),
    )
    back_apply = forms.BooleanField(label=_("Also tag existing items"), required=False)

    def __init__(self, *args: Any, tags: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        tag_field: Any = self.fields["tag"]
        tag_field.choices = [(str(tag.pk), tag.name) for tag in tags]

    def clean_phrases(self) -> list[str]:
        phrases = clean_list(self.cleaned_data["phrases"])
        if not phrases:
            raise forms.ValidationError(_("List at least one word or phrase."))
        return phrases


class ListeningRuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Words or phrases, one per line or separated by commas."),
    )
    hashtags = forms.CharField(label=_("Hashtags"), required=False, help_text=_("e.g. #lumenhome"))
    mentions = forms.CharField(label=_("Mentions"), required=False, help_text=_("e.g. @lumen_help"))
    back_apply = forms.BooleanField(label=_("Also count existing items"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["keywords"] = clean_list(data.get("keywords", ""))
        data["hashtags"] = clean_list(data.get("hashtags", ""), prefix="#")
        data["mentions"] = clean_list(data.get("mentions", ""), prefix="@")
        if not (data["keywords"] or data["hashtags"] or data["mentions"]):
            raise forms.ValidationError(_("List at least one keyword, hashtag or mention."))
        return data


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("View name"), max_length=80)
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)
    shared = forms.BooleanField(label=_("Share with the organization"), required=False)
