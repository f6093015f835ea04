"""What text analysis knows about each feedback item, and the organization's topics.

    FeedbackItem ─1:1─ ItemAnalysis      language, sentiment (as corrected), the model's own
                 ─1:n─ SentenceSentiment  one row per sentence
                 ─1:n─ AspectMention      an aspect a clause talks about, with its sentiment
                 ─1:n─ ItemSignal         churn intent, anger, legal or safety threat, repeat
                 ─n:m─ Topic (TopicAssignment)
                 ─1:n─ Correction         what an analyst said the right answer is

Results are derived data: re-running the analysis replaces them, then re-applies the
corrections, so an analyst's word always wins over the model's.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clearloop.core.models import OrganizationScopedModel
from clearloop.textanalysis.lexicon import ASPECT_LABELS, SIGNAL_LABELS


class Sentiment(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    NEUTRAL = "neutral", _("Neutral")
    POSITIVE = "positive", _("Positive")


class Aspect(models.TextChoices):
    DELIVERY = "delivery", ASPECT_LABELS["delivery"]
    WAIT_TIME = "wait_time", ASPECT_LABELS["wait_time"]
    PRICE = "price", ASPECT_LABELS["price"]
    BILLING = "billing", ASPECT_LABELS["billing"]
    STAFF = "staff", ASPECT_LABELS["staff"]
    PRODUCT_QUALITY = "product_quality", ASPECT_LABELS["product_quality"]
    FOOD = "food", ASPECT_LABELS["food"]
    CLEANLINESS = "cleanliness", ASPECT_LABELS["cleanliness"]
    APP_WEBSITE = "app_website", ASPECT_LABELS["app_website"]
    ROOM = "room", ASPECT_LABELS["room"]


class SignalKind(models.TextChoices):
    CHURN_INTENT = "churn_intent", SIGNAL_LABELS["churn_intent"]
    ANGER = "anger", SIGNAL_LABELS["anger"]
    LEGAL_THREAT = "legal_threat", SIGNAL_LABELS["legal_threat"]
    SAFETY_ISSUE = "safety_issue", SIGNAL_LABELS["safety_issue"]
    REPEAT_CONTACT = "repeat_contact", SIGNAL_LABELS["repeat_contact"]


class ItemAnalysis(OrganizationScopedModel):
    item = models.OneToOneField(
        "feedback.FeedbackItem",
        on_delete=models.CASCADE,
        related_name="analysis",
        verbose_name=_("feedback item"),
    )
    language = models.CharField(_("detected language"), max_length=10)
    sentiment = models.CharField(_("sentiment"), max_length=10, choices=Sentiment.choices)
    score = models.FloatField(_("score"), help_text=_("From -1 (negative) to 1 (positive)."))
    model_sentiment = models.CharField(
        _("sentiment found by the model"), max_length=10, choices=Sentiment.choices
    )
    sentiment_corrected = models.BooleanField(_("sentiment corrected"), default=False)
    provider = models.CharField(_("provider"), max_length=40)
    provider_version = models.CharField(_("provider version"), max_length=40, blank=True)
    analyzed_at = models.DateTimeField(_("analyzed at"))

    class Meta:
        verbose_name = _("item analysis")
        verbose_name_plural = _("item analyses")
        indexes = [
            models.Index(fields=["organization", "sentiment"], name="text_analysis_sentiment"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=-1, score__lte=1),
                name="text_analysis_score_in_range",
                violation_error_message=_("A sentiment score lies between -1 and 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.sentiment} ({self.score:+.2f})"


class SentenceSentiment(OrganizationScopedModel):
    item = models.ForeignKey(
        "feedback.FeedbackItem", on_delete=models.CASCADE, related_name="sentences"
    )
    index = models.PositiveSmallIntegerField(_("sentence"))
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    sentiment = models.CharField(_("sentiment"), max_length=10, choices=Sentiment.choices)
    score = models.FloatField(_("score"))

    class Meta:
        verbose_name = _("sentence sentiment")
        verbose_name_plural = _("sentence sentiments")
        ordering = ["item", "index"]
        constraints = [
            models.UniqueConstraint(fields=["item", "index"], name="text_sentence_once"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}#{self.index}: {self.sentiment}"


class AspectMention(OrganizationScopedModel):
    item = models.ForeignKey(
        "feedback.FeedbackItem", on_delete=models.CASCADE, related_name="aspect_mentions"
    )
    aspect = models.CharField(_("aspect"), max_length=20, choices=Aspect.choices)
    sentence = models.PositiveSmallIntegerField(_("sentence"))
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    sentiment = models.CharField(_("sentiment"), max_length=10, choices=Sentiment.choices)
    score = models.FloatField(_("score"))
    corrected = models.BooleanField(_("corrected"), default=False)

    class Meta:
        verbose_name = _("aspect mention")
        verbose_name_plural = _("aspect mentions")
        ordering = ["item", "sentence", "start"]
        indexes = [
            models.Index(
                fields=["organization", "aspect", "sentiment"], name="text_aspect_sentiment"
            ),
            models.Index(fields=["item", "aspect"], name="text_aspect_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.aspect} {self.sentiment}"


class ItemSignal(OrganizationScopedModel):
    """An urgency or intent signal, for triage and case rules (`signals_for_items`)."""

    item = models.ForeignKey(
        "feedback.FeedbackItem", on_delete=models.CASCADE, related_name="text_signals"
    )
    kind = models.CharField(_("signal"), max_length=20, choices=SignalKind.choices)
    evidence = models.CharField(_("evidence"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        constraints = [
            models.UniqueConstraint(fields=["item", "kind"], name="text_signal_once"),
        ]
        indexes = [models.Index(fields=["organization", "kind"], name="text_signal_kind")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.kind}"


class TopicOrigin(models.TextChoices):
    DISCOVERED = "discovered", _("Discovered")
    MANUAL = "manual", _("Added by an analyst")


class Topic(OrganizationScopedModel):
    """A recurring issue. Discovered topics are replaced by the next discovery unless an
    analyst touched them (renamed, merged into, gave keywords), which makes them part of
    the taxonomy for good."""

    name = models.CharField(_("name"), max_length=120)
    origin = models.CharField(
        _("origin"), max_length=12, choices=TopicOrigin.choices, default=TopicOrigin.DISCOVERED
    )
    key_phrases = models.JSONField(_("key phrases"), default=list, blank=True)
    terms = models.JSONField(
        _("weighted terms"), default=dict, blank=True, help_text=_("Key phrase → weight.")
    )
    keywords = models.JSONField(
        _("keyword rules"),
        default=list,
        blank=True,
        help_text=_("Any text containing one of these belongs to the topic."),
    )
    curated = models.BooleanField(_("kept in the taxonomy"), default=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["organization", "merged_into"], name="text_topic_live")]

    def __str__(self) -> str:
        return self.name


class AssignmentOrigin(models.TextChoices):
    MODEL = "model", _("Key phrases")
    RULE = "rule", _("Keyword rule")
    CORRECTION = "correction", _("Analyst")


class TopicAssignment(OrganizationScopedModel):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="assignments")
    item = models.ForeignKey(
        "feedback.FeedbackItem", on_delete=models.CASCADE, related_name="topic_assignments"
    )
    origin = models.CharField(
        _("origin"), max_length=12, choices=AssignmentOrigin.choices, default="model"
    )
    weight = models.FloatField(_("weight"), default=1.0)

    class Meta:
        verbose_name = _("topic assignment")
        verbose_name_plural = _("topic assignments")
        constraints = [
            models.UniqueConstraint(fields=["topic", "item"], name="text_topic_item_once"),
        ]
        indexes = [
            models.Index(fields=["organization", "topic"], name="text_assignment_topic"),
            models.Index(fields=["item"], name="text_assignment_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.topic_id}"


class CorrectionKind(models.TextChoices):
    SENTIMENT = "sentiment", _("Sentiment")
    ASPECT = "aspect", _("Aspect sentiment")
    TOPIC = "topic", _("Topic")


class Correction(OrganizationScopedModel):
    """An analyst's answer for one question about one item: the text's sentiment, one
    aspect's sentiment ("none" when the text does not talk about it), or whether it
    belongs to one topic ("yes"/"no"). `predicted` is what the model said; a review that
    agrees is stored too, so accuracy counts the model's right answers as well."""

    item = models.ForeignKey(
        "feedback.FeedbackItem", on_delete=models.CASCADE, related_name="text_corrections"
    )
    kind = models.CharField(_("what"), max_length=10, choices=CorrectionKind.choices)
    subject = models.CharField(
        _("subject"), max_length=40, blank=True, help_text=_("The aspect or the topic id.")
    )
    language = models.CharField(_("language"), max_length=10)
    predicted = models.CharField(_("model said"), max_length=12)
    corrected = models.CharField(_("analyst said"), max_length=12)
    by = models.ForeignKey(
        "accounts.Membership",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "kind", "subject"], name="text_correction_once"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "kind", "language"], name="text_correction_lang"),
        ]

    @property
    def agrees(self) -> bool:
        return self.predicted == self.corrected

    def __str__(self) -> str:
        return f"{self.item_id} {self.kind} {self.subject}: {self.predicted} → {self.corrected}"


class RunKind(models.TextChoices):
    BACKFILL = "backfill", _("Analyse existing feedback")
    TOPICS = "topics", _("Discover topics")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class AnalysisRun(OrganizationScopedModel):
    """A long analysis job with its progress. A backfill walks the items by id from
    `cursor`, so a run whose worker died resumes where it stopped."""

    kind = models.CharField(_("kind"), max_length=10, choices=RunKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    cursor = models.BigIntegerField(_("last item id done"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("analysis run")
        verbose_name_plural = _("analysis runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.done}/{self.total} {self.status}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.done / self.total))
