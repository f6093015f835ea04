"""The one record of customer voice: reviews, posts, emails, chats, notes, survey comments.

The inbox, text analysis and case rules all work on `FeedbackItem`, whatever channel the
words came through. A survey comment is a FeedbackItem linked to its response, so text
analysis never has to look in two places.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clearloop.accounts.models import Language
from clearloop.core.models import OrganizationScopedModel


class FeedbackSource(models.TextChoices):
    SURVEY_COMMENT = "survey_comment", _("Survey comment")
    REVIEW = "review", _("Review")
    SOCIAL = "social", _("Social media")
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Chat")
    CALL_NOTE = "call_note", _("Call note")
    IN_APP = "in_app", _("In-app feedback")
    AGENT_REPORT = "agent_report", _("Agent report")
    INTERVIEW = "interview", _("Interview")


class FeedbackItem(OrganizationScopedModel):
    source = models.CharField(_("source"), max_length=20, choices=FeedbackSource.choices)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_items",
        verbose_name=_("customer"),
    )
    # Erasing a response erases the comment written in it, hence CASCADE.
    response = models.OneToOneField(
        "surveys.Response",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feedback_item",
        verbose_name=_("survey response"),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=Language.choices,
        blank=True,
        help_text=_("Empty when not known yet; text analysis fills it in."),
    )
    text = models.TextField(_("text"))
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        help_text=_("Stars given with the text, from 1 to 5 (reviews, app stores)."),
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    external_id = models.CharField(
        _("external id"),
        max_length=200,
        blank=True,
        help_text=_("The id at the source (review id, post id); makes imports idempotent."),
    )
    metadata = models.JSONField(
        _("metadata"),
        default=dict,
        blank=True,
        help_text=_("Source details: site, platform, handle, subject, and so on."),
    )

    class Meta:
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source", "external_id"],
                condition=~Q(external_id=""),
                name="feedback_external_id_unique_per_source",
                violation_error_message=_(
                    "A feedback item from this source with this external id already exists."
                ),
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_one_to_five",
                violation_error_message=_("A rating must be between 1 and 5 stars."),
            ),
            models.CheckConstraint(
                condition=Q(response__isnull=True) | Q(source=FeedbackSource.SURVEY_COMMENT),
                name="feedback_response_only_on_survey_comments",
                violation_error_message=_("Only a survey comment can be linked to a response."),
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "occurred_at"], name="feedback_org_occurred"),
            models.Index(
                fields=["organization", "source", "occurred_at"], name="feedback_org_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.text[:60]}"
