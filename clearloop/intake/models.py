"""Where feedback comes in by itself: polled feeds, a mailbox, a signed JSON webhook.

`Feed` remembers what polling needs (validators for conditional GET, when it is due, who
is polling it right now). `IntakeCredentials` holds one organization's mailbox token and
webhook token, stored as SHA-256 digests like API tokens, and the webhook signing secret,
which must be kept as is because checking an HMAC needs the key. `IntakeEvent` is the
activity log the settings page shows: what arrived, how many items, what went wrong.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clearloop.accounts.models import Language
from clearloop.core.models import OrganizationScopedModel
from clearloop.feedback.models import FeedbackSource

MIN_POLL_MINUTES = 15


class Feed(OrganizationScopedModel):
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("feed URL"), max_length=2000)
    source = models.CharField(
        _("items are"),
        max_length=20,
        choices=FeedbackSource.choices,
        default=FeedbackSource.REVIEW,
        help_text=_("The kind of feedback the feed's entries become in the inbox."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=Language.choices,
        blank=True,
        help_text=_("Leave empty to let text analysis detect it."),
    )
    active = models.BooleanField(_("active"), default=True)
    poll_interval_minutes = models.PositiveIntegerField(
        _("poll every (minutes)"), default=60, validators=[MinValueValidator(MIN_POLL_MINUTES)]
    )
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    next_poll_at = models.DateTimeField(_("next poll"), null=True, blank=True)
    polling_since = models.DateTimeField(
        null=True, blank=True, help_text=_("Set while a worker polls it; stale after a while.")
    )
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    items_fetched = models.PositiveIntegerField(_("items fetched"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("feed")
        verbose_name_plural = _("feeds")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "url"],
                name="feed_url_unique_per_organization",
                violation_error_message=_("This feed has already been added."),
            ),
            models.CheckConstraint(
                condition=Q(poll_interval_minutes__gte=MIN_POLL_MINUTES),
                name="feed_poll_interval_at_least_15_minutes",
                violation_error_message=_("Poll a feed at most every 15 minutes."),
            ),
        ]
        indexes = [models.Index(fields=["active", "next_poll_at"], name="feed_due")]

    def __str__(self) -> str:
        return self.name

    @property
    def interval(self) -> timedelta:
        return timedelta(minutes=self.poll_interval_minutes)

    @property
    def is_failing(self) -> bool:
        return bool(self.last_error)

    def is_due(self) -> bool:
        return self.active and (self.next_poll_at is None or self.next_poll_at <= timezone.now())


class IntakeCredentials(OrganizationScopedModel):
    email_token_hash = models.CharField(max_length=64, blank=True)
    email_token_prefix = models.CharField(max_length=8, blank=True)
    email_rotated_at = models.DateTimeField(null=True, blank=True)
    webhook_token_hash = models.CharField(max_length=64, blank=True)
    webhook_token_prefix = models.CharField(max_length=8, blank=True)
    webhook_secret = models.CharField(max_length=100, blank=True)
    webhook_rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("intake credentials")
        verbose_name_plural = _("intake credentials")
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="intake_credentials_one_per_org"),
        ]
        indexes = [
            models.Index(fields=["email_token_hash"], name="intake_email_token"),
            models.Index(fields=["webhook_token_hash"], name="intake_webhook_token"),
        ]

    def __str__(self) -> str:
        return f"intake credentials of organization {self.organization_id}"


class IntakeChannel(models.TextChoices):
    FEED = "feed", _("Feed")
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Webhook")


class IntakeOutcome(models.TextChoices):
    OK = "ok", _("OK")
    UNCHANGED = "unchanged", _("Unchanged")
    FAILED = "failed", _("Failed")


class IntakeEvent(OrganizationScopedModel):
    channel = models.CharField(_("channel"), max_length=10, choices=IntakeChannel.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=IntakeOutcome.choices)
    feed = models.ForeignKey(
        Feed, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    items_created = models.PositiveIntegerField(_("new items"), default=0)
    items_duplicate = models.PositiveIntegerField(_("already known"), default=0)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("intake event")
        verbose_name_plural = _("intake events")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "created_at"], name="intake_event_org")]

    def __str__(self) -> str:
        return f"{self.channel} {self.outcome} +{self.items_created}"
