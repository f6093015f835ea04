"""Alert rules (a threshold or an anomaly on a metric and scope; a spike of a listening
rule's matches; the SLA breach rate of cases) and the alerts they raised: one alert per
incident, with the reason it fired and where it was delivered."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clearloop.core.models import OrganizationScopedModel
from clearloop.goals.measure import Metric, Scope, ScopeKind


class RuleKind(models.TextChoices):
    THRESHOLD = "threshold", _("Threshold")
    ANOMALY = "anomaly", _("Anomaly (control chart)")
    LISTENING_SPIKE = "listening_spike", _("Spike of a listening rule's matches")
    SLA_BREACH_RATE = "sla_breach_rate", _("SLA breach rate")


# Kinds that measure a survey metric (the `metric` field); the others count their own rows.
METRIC_KINDS = (RuleKind.THRESHOLD, RuleKind.ANOMALY)


class Comparison(models.TextChoices):
    BELOW = "below", _("below")
    ABOVE = "above", _("above")


class ChannelKind(models.TextChoices):
    IN_APP = "in_app", _("In-app")
    EMAIL = "email", _("Email")
    SLACK = "slack", _("Slack-compatible webhook")
    WEBHOOK = "webhook", _("Signed webhook (Standard Webhooks)")


class AlertRule(OrganizationScopedModel):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=RuleKind.choices)
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices, blank=True)
    listening_rule = models.ForeignKey(
        "feedback.ListeningRule",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("listening rule"),
        help_text=_("For a spike rule: the listening rule whose daily matches are watched."),
    )
    scope_kind = models.CharField(
        _("scope"), max_length=20, choices=ScopeKind.choices, default=ScopeKind.ORGANIZATION
    )
    scope_value = models.CharField(_("scope value"), max_length=120, blank=True)
    comparison = models.CharField(
        _("fires when"), max_length=8, choices=Comparison.choices, default=Comparison.BELOW
    )
    threshold = models.FloatField(_("threshold"), null=True, blank=True)
    window_days = models.PositiveSmallIntegerField(_("over the last (days)"), default=7)
    minimum_n = models.PositiveIntegerField(_("with at least (answers)"), default=30)
    channels = models.JSONField(_("channels"), default=list)
    email_to = models.JSONField(_("email recipients"), default=list, blank=True)
    webhook_url = models.URLField(_("Slack-compatible webhook URL"), blank=True)
    webhook_endpoint = models.ForeignKey(
        "webhooks.WebhookEndpoint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed webhook endpoint"),
    )
    quiet_hours = models.PositiveIntegerField(
        _("quiet period (hours)"),
        default=24,
        help_text=_("After a notification, further alerts of this rule are recorded but not sent."),
    )
    active = models.BooleanField(_("active"), default=True)
    last_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def scope(self) -> Scope:
        return Scope(self.scope_kind, self.scope_value)


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class Alert(OrganizationScopedModel):
    rule = models.ForeignKey(
        AlertRule, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("rule")
    )
    # Names the incident: "threshold:<first day>" or "anomaly:<direction>:<first day>".
    incident_key = models.CharField(max_length=80)
    status = models.CharField(
        _("status"), max_length=14, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    started_on = models.DateField(_("started on"))
    value = models.FloatField(_("value"), null=True)
    reason = models.TextField(_("why it fired"))
    notified = models.BooleanField(_("notified"), default=False)
    deliveries = models.JSONField(_("deliveries"), default=list)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "incident_key"],
                name="alert_one_per_incident",
                violation_error_message=_("This incident already raised an alert."),
            )
        ]
        indexes = [models.Index(fields=["organization", "status"], name="alert_org_status")]

    def __str__(self) -> str:
        return f"{self.rule.name} · {self.started_on}"


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class DigestSubscription(OrganizationScopedModel):
    """A person's email digest: the figures they care about, goals and alerts."""

    membership = models.OneToOneField(
        "accounts.Membership",
        on_delete=models.CASCADE,
        related_name="digest_subscription",
        verbose_name=_("member"),
    )
    frequency = models.CharField(
        _("frequency"),
        max_length=8,
        choices=DigestFrequency.choices,
        default=DigestFrequency.WEEKLY,
    )
    metrics = models.JSONField(_("metrics"), default=list, blank=True)
    last_sent_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("digest subscription")
        verbose_name_plural = _("digest subscriptions")

    def __str__(self) -> str:
        return f"{self.membership} · {self.frequency}"
