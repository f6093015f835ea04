"""The feed form of the intake pages; `values()` gives what the feed services take."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from clearloop.accounts.models import Language
from clearloop.feedback.models import FeedbackSource
from clearloop.intake.services import FeedSettings

FEED_SOURCES = [choice for choice in FeedbackSource.choices if choice[0] != "survey_comment"]
POLL_CHOICES = [
    (15, gettext_lazy("Every 15 minutes")),
    (60, gettext_lazy("Every hour")),
    (360, gettext_lazy("Every 6 hours")),
    (1440, gettext_lazy("Once a day")),
]


class FeedForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    url = forms.URLField(
        label=gettext_lazy("Feed URL"),
        max_length=2000,
        assume_scheme="https",
        help_text=gettext_lazy("An RSS or Atom address, e.g. https://example.com/reviews.rss"),
        widget=forms.URLInput(attrs={"placeholder": "https://", "spellcheck": "false"}),
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Entries are"), choices=FEED_SOURCES, initial=FeedbackSource.REVIEW
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        choices=[("", gettext_lazy("Detect automatically")), *Language.choices],
    )
    poll_interval_minutes = forms.TypedChoiceField(
        label=gettext_lazy("Check for new entries"),
        choices=POLL_CHOICES,
        coerce=int,
        initial=60,
    )

    def values(self) -> FeedSettings:
        data = self.cleaned_data
        return FeedSettings(
            name=data["name"],
            url=data["url"],
            source=data["source"],
            language=data["language"],
            poll_interval_minutes=data["poll_interval_minutes"],
        )
