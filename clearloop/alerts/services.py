"""Writes of alerts: rules, their evaluation, acknowledging and resolving.

Evaluation (`rule_evaluate`, run for every active rule by a periodic task) measures the
rule's metric through `clearloop.goals.measure` and decides whether an incident is going on:

- threshold rules: the figure over the last `window_days` days, when at least `minimum_n`
  answers stand behind it, is below (or above) the threshold. The incident lasts while it
  stays so and is resolved the first evaluation it no longer does;
- anomaly rules: the control chart of `clearloop.analytics.anomaly` over the daily series;
  each incident it finds is one alert, resolved when the chart says it ended.

One alert per incident (a unique key per rule and incident, so running twice adds
nothing). A new alert is delivered on the rule's channels unless the rule notified less
than `quiet_hours` ago; then it is recorded, marked as not notified, and shown in the list.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clearloop.accounts.models import Membership, Organization
from clearloop.accounts.roles import Capability
from clearloop.alerts.channels import CHANNELS
from clearloop.alerts.channels.base import DeliveryFailed, Message
from clearloop.alerts.models import (
    Alert,
    AlertRule,
    AlertStatus,
    ChannelKind,
    Comparison,
    DigestFrequency,
    DigestSubscription,
    RuleKind,
)
from clearloop.analytics.anomaly import DailyFigure, Direction, Incident, detect_incidents
from clearloop.core.errors import NotFound, PermissionDenied, ValidationFailed
from clearloop.core.tasks import enqueue_on_commit
from clearloop.goals import measure
from clearloop.goals.measure import Metric, Scope
from clearloop.goals.services import scope_clean

logger = logging.getLogger("clearloop.alerts")

# The anomaly chart looks this far back: its 28-day baseline plus room for incidents.
ANOMALY_LOOKBACK_DAYS = 120
# Days with fewer answers say little and their standard error is degenerate (one answer
# of 10 has none); the chart skips them.
ANOMALY_MIN_DAILY_N = 10
# Incidents detected longer ago than this are recorded as history but not sent.
NOTIFY_RECENT_DAYS = 3


def _require(by: Membership, organization: Organization) -> None:
    if by.organization_id != organization.pk:
        raise NotFound(_("No such organization."))
    if not by.allows(Capability.MANAGE_GOALS):
        raise PermissionDenied(_("Your role does not allow managing alerts."))


def _refuse(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


@transaction.atomic
def alert_rule_create(
    *,
    organization: Organization,
    by: Membership,
    name: str,
    kind: str,
    metric: str,
    scope: Scope,
    comparison: str = Comparison.BELOW,
    threshold: float | None = None,
    window_days: int = 7,
    minimum_n: int = 30,
    channels: Iterable[str] = (ChannelKind.IN_APP,),
    email_to: Iterable[str] = (),
    webhook_url: str = "",
    quiet_hours: int = 24,
) -> AlertRule:
    _require(by, organization)
    if not name.strip():
        raise _refuse("name", _("Give the rule a name."))
    if kind not in RuleKind.values:
        raise _refuse("kind", _("Choose a threshold or an anomaly rule."))
    if metric not in Metric.values:
        raise _refuse("metric", _("Choose a metric."))
    scope = scope_clean(organization=organization, scope=scope)
    if kind == RuleKind.THRESHOLD and threshold is None:
        raise _refuse("threshold", _("A threshold rule needs a threshold."))
    if comparison not in Comparison.values:
        raise _refuse("comparison", _("Choose below or above."))
    if not 1 <= window_days <= 90:
        raise _refuse("window_days", _("The window must be between 1 and 90 days."))
    chosen = list(dict.fromkeys(channels)) or [ChannelKind.IN_APP]
    if any(channel not in ChannelKind.values for channel in chosen):
        raise _refuse("channels", _("Choose in-app, email or a Slack-compatible webhook."))
    emails = [address.strip() for address in email_to if address.strip()]
    if ChannelKind.EMAIL in chosen and not emails:
        raise _refuse("email_to", _("Name at least one email recipient."))
    if ChannelKind.SLACK in chosen and not webhook_url:
        raise _refuse("webhook_url", _("Paste the incoming webhook URL."))
    return AlertRule.objects.create(
        organization=organization,
        name=name.strip(),
        kind=kind,
        metric=metric,
        scope_kind=scope.kind,
        scope_value=scope.value,
        comparison=comparison,
        threshold=threshold,
        window_days=window_days,
        minimum_n=minimum_n,
        channels=chosen,
        email_to=emails,
        webhook_url=webhook_url,
        quiet_hours=quiet_hours,
    )


# --- Evaluation ------------------------------------------------------------------------------


def rules_evaluate_all(*, today: dt.date | None = None) -> int:
    """Evaluate every active rule; returns how many alerts were raised."""
    raised = 0
    for rule_id in AlertRule.objects.filter(active=True).values_list("pk", flat=True):
        try:
            raised += rule_evaluate(rule_id=rule_id, today=today)
        except Exception:
            logger.exception("alert_rule_failed rule=%s", rule_id)
    return raised


@transaction.atomic
def rule_evaluate(*, rule_id: int, today: dt.date | None = None) -> int:
    """Evaluate one rule. The rule row is locked, so two workers evaluating it at once take
    turns; deliveries run after commit, as tasks."""
    rule = AlertRule.objects.select_for_update().select_related("organization").get(pk=rule_id)
    today = today or measure.today(rule.organization)
    if rule.kind == RuleKind.THRESHOLD:
        return _evaluate_threshold(rule, today)
    return _evaluate_anomaly(rule, today)


def _evaluate_threshold(rule: AlertRule, today: dt.date) -> int:
    estimate = measure.measure(
        organization=rule.organization,
        metric=rule.metric,
        scope=rule.scope,
        start=today - dt.timedelta(days=rule.window_days - 1),
        end=today,
    )
    if estimate.value is None or estimate.n < rule.minimum_n or rule.threshold is None:
        return 0  # too few answers to say either way: leave open alerts as they are
    below = rule.comparison == Comparison.BELOW
    breached = estimate.value < rule.threshold if below else estimate.value > rule.threshold
    unresolved = Alert.objects.filter(rule=rule).exclude(status=AlertStatus.RESOLVED)
    if not breached:
        unresolved.update(status=AlertStatus.RESOLVED, resolved_at=timezone.now())
        return 0
    if unresolved.exists():
        unresolved.update(value=estimate.value)
        return 0
    reason = _(
        "%(metric)s was %(value).1f over the last %(days)d days (n=%(n)d, 95%% interval "
        "%(low).1f to %(high).1f), %(side)s the threshold of %(threshold).1f."
    ) % {
        "metric": Metric(rule.metric).label,
        "value": estimate.value,
        "days": rule.window_days,
        "n": estimate.n,
        "low": estimate.low if estimate.low is not None else estimate.value,
        "high": estimate.high if estimate.high is not None else estimate.value,
        "side": Comparison(rule.comparison).label,
        "threshold": rule.threshold,
    }
    # A threshold incident is named by the moment it was first seen: the same day can see
    # a breach, a recovery and a new breach.
    key = f"threshold:{timezone.now():%Y-%m-%dT%H:%M:%S.%f}"
    return _raise(rule, key, today, estimate.value, reason, today)


def anomaly_series(rule: AlertRule, today: dt.date) -> list[DailyFigure]:
    days = measure.daily_series(
        organization=rule.organization,
        metric=rule.metric,
        scope=rule.scope,
        start=today - dt.timedelta(days=ANOMALY_LOOKBACK_DAYS - 1),
        end=today,
    )
    return [
        DailyFigure(day.day, day.estimate.value, day.estimate.standard_error, day.estimate.n)
        for day in days
        if day.estimate.n >= ANOMALY_MIN_DAILY_N
    ]


def _evaluate_anomaly(rule: AlertRule, today: dt.date) -> int:
    raised = 0
    for incident in detect_incidents(anomaly_series(rule, today)):
        key = f"anomaly:{incident.direction}:{incident.started.isoformat()}"
        if incident.ended is not None:
            Alert.objects.filter(rule=rule, incident_key=key).exclude(
                status=AlertStatus.RESOLVED
            ).update(status=AlertStatus.RESOLVED, resolved_at=timezone.now())
        if Alert.objects.filter(rule=rule, incident_key=key).exists():
            continue
        raised += _raise(
            rule, key, incident.started, incident.level, _anomaly_reason(rule, incident), today,
            resolved=incident.ended is not None,
        )  # fmt: skip
    return raised


def _anomaly_reason(rule: AlertRule, incident: Incident) -> str:
    words = {
        "metric": Metric(rule.metric).label,
        "level": incident.level,
        "baseline": incident.baseline,
        "started": incident.started.isoformat(),
        "detected": incident.detected.isoformat(),
        "z": abs(incident.worst_z),
    }
    if incident.direction is Direction.DROP:
        text = _(
            "%(metric)s dropped to %(level).1f from its usual %(baseline).1f, starting "
            "%(started)s (detected %(detected)s; the worst day was %(z).1f standard "
            "deviations out)."
        )
    else:
        text = _(
            "%(metric)s rose to %(level).1f from its usual %(baseline).1f, starting "
            "%(started)s (detected %(detected)s; the worst day was %(z).1f standard "
            "deviations out)."
        )
    return text % words


def _raise(
    rule: AlertRule,
    key: str,
    started: dt.date,
    value: float | None,
    reason: str,
    today: dt.date,
    *,
    resolved: bool = False,
) -> int:
    """Record the incident's alert (once) and deliver it unless quiet or old news."""
    now = timezone.now()
    quiet = rule.last_notified_at is not None and now - rule.last_notified_at < dt.timedelta(
        hours=rule.quiet_hours
    )
    recent = (today - started).days <= NOTIFY_RECENT_DAYS or not resolved
    try:
        with transaction.atomic():  # a savepoint: a duplicate leaves the evaluation going
            alert = Alert.objects.create(
                organization=rule.organization,
                rule=rule,
                incident_key=key,
                started_on=started,
                value=value,
                reason=reason,
                status=AlertStatus.RESOLVED if resolved else AlertStatus.OPEN,
                resolved_at=now if resolved else None,
                notified=not quiet and recent,
            )
    except IntegrityError:
        return 0  # another worker recorded this incident first
    if alert.notified:
        AlertRule.objects.filter(pk=rule.pk).update(last_notified_at=now)
        rule.last_notified_at = now
        from clearloop.alerts.tasks import alert_deliver_task

        enqueue_on_commit(alert_deliver_task, alert_id=alert.pk)
    return 1


def _message(alert: Alert) -> Message:
    rule = alert.rule
    with translation.override(rule.organization.default_language):
        subject = _("Alert: %(rule)s") % {"rule": rule.name}
        reason = alert.reason
    return Message(subject, reason, settings.SITE_URL + reverse("web:alerts"))


def alert_deliver(*, alert_id: int) -> None:
    """Deliver on every channel of the rule, recording each outcome. Run once per alert
    (a task); an alert already delivered is left alone, so a retry sends nothing twice."""
    alert = Alert.objects.select_related("rule__organization").get(pk=alert_id)
    if alert.deliveries:
        return
    message = _message(alert)
    deliveries = []
    for kind in alert.rule.channels:
        channel = CHANNELS.get(kind)
        if channel is None:
            continue
        try:
            note = channel.deliver(alert, message)
            deliveries.append(
                {"channel": kind, "ok": True, "to": note, "at": timezone.now().isoformat()}
            )
        except DeliveryFailed as error:
            logger.warning(
                "alert_delivery_failed alert=%s channel=%s error=%s", alert.pk, kind, error
            )
            deliveries.append(
                {
                    "channel": kind,
                    "ok": False,
                    "error": str(error),
                    "at": timezone.now().isoformat(),
                }
            )
    alert.deliveries = deliveries
    alert.save(update_fields=["deliveries", "updated_at"])


# --- Acknowledge and resolve -------------------------------------------------------------------


@transaction.atomic
def alert_acknowledge(*, alert: Alert, by: Membership) -> Alert:
    if by.organization_id != alert.organization_id:
        raise NotFound(_("No such alert."))
    if alert.status == AlertStatus.OPEN:
        alert.status = AlertStatus.ACKNOWLEDGED
        alert.acknowledged_by = by.user
        alert.save(update_fields=["status", "acknowledged_by", "updated_at"])
    return alert


@transaction.atomic
def alert_resolve(*, alert: Alert, by: Membership) -> Alert:
    if by.organization_id != alert.organization_id:
        raise NotFound(_("No such alert."))
    if alert.status != AlertStatus.RESOLVED:
        alert.status = AlertStatus.RESOLVED
        alert.resolved_at = timezone.now()
        alert.save(update_fields=["status", "resolved_at", "updated_at"])
    return alert


@transaction.atomic
def digest_subscribe(*, by: Membership, frequency: str) -> DigestSubscription | None:
    """Subscribe the member to a daily or weekly digest; an empty frequency unsubscribes."""
    if not frequency:
        DigestSubscription.objects.filter(membership=by).delete()
        return None
    if frequency not in DigestFrequency.values:
        raise _refuse("frequency", _("Choose daily, weekly or no digest."))
    subscription, _created = DigestSubscription.objects.update_or_create(
        membership=by, defaults={"organization_id": by.organization_id, "frequency": frequency}
    )
    return subscription
