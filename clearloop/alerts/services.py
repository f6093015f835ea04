"""Writes of alerts: rules, their evaluation, acknowledging and resolving.

Evaluation (`rule_evaluate`, run for every active rule by a periodic task) measures the
rule's metric through `clearloop.goals.measure` and decides whether an incident is going on:

- threshold rules: the figure over the last `window_days` days, when at least `minimum_n`
  answers stand behind it, is below (or above) the threshold. The incident lasts while it
  stays so and is resolved the first evaluation it no longer does;
- anomaly rules: the control chart of `clearloop.analytics.anomaly` over the daily series;
  each incident it finds is one alert, resolved when the chart says it ended;
- listening spike rules: the daily count of items a listening rule matched
  (`clearloop.feedback.matching`), through the same control chart after Anscombe's
  variance-stabilising transform 2·sqrt(x + 3/8), which turns Poisson counts into figures
  of variance about 1 whatever their mean (so a quiet rule's 0-2 a day and a busy one's
  200 are judged alike); only rises are incidents;
- SLA breach rate rules: the share of cases that breached their SLA among those due, either
  over the last `window_days` days against a threshold (in %, with at least `minimum_n`
  cases due), or, without a threshold, day by day through the control chart (rises only).

One alert per incident (a unique key per rule and incident, so running twice adds
nothing). A new alert is delivered on the rule's channels unless the rule notified less
than `quiet_hours` ago; then it is recorded, marked as not notified, and shown in the list.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import zoneinfo
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

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
    METRIC_KINDS,
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
from clearloop.goals.measure import Metric, Scope, ScopeKind
from clearloop.goals.services import scope_clean

if TYPE_CHECKING:
    from clearloop.feedback.models import ListeningRule
    from clearloop.webhooks.models import WebhookEndpoint

logger = logging.getLogger("clearloop.alerts")

# The anomaly chart looks this far back: its 28-day baseline plus room for incidents.
ANOMALY_LOOKBACK_DAYS = 120
# Days with fewer answers say little and their standard error is degenerate (one answer
# of 10 has none); the chart skips them.
ANOMALY_MIN_DAILY_N = 10
# Incidents detected longer ago than this are recorded as history but not sent.
NOTIFY_RECENT_DAYS = 3
# Breach shares of days with fewer cases due than this are too noisy for the chart.
SLA_MIN_DAILY_CASES = 5


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
    listening_rule: ListeningRule | None = None,
    webhook_endpoint: WebhookEndpoint | None = None,
) -> AlertRule:
    _require(by, organization)
    if not name.strip():
        raise _refuse("name", _("Give the rule a name."))
    if kind not in RuleKind.values:
        raise _refuse(
            "kind", _("Choose a threshold, anomaly, listening spike or SLA breach rate rule.")
        )
    scope = scope_clean(organization=organization, scope=scope)
    metric, comparison = _clean_kind(
        organization, kind, metric, scope, comparison, threshold, listening_rule
    )
    if not 1 <= window_days <= 90:
        raise _refuse("window_days", _("The window must be between 1 and 90 days."))
    chosen = list(dict.fromkeys(channels)) or [ChannelKind.IN_APP]
    if any(channel not in ChannelKind.values for channel in chosen):
        raise _refuse(
            "channels", _("Choose in-app, email, a Slack-compatible or a signed webhook.")
        )
    emails = [address.strip() for address in email_to if address.strip()]
    if ChannelKind.EMAIL in chosen and not emails:
        raise _refuse("email_to", _("Name at least one email recipient."))
    if ChannelKind.SLACK in chosen and not webhook_url:
        raise _refuse("webhook_url", _("Paste the incoming webhook URL."))
    if ChannelKind.WEBHOOK in chosen and (
        webhook_endpoint is None or webhook_endpoint.organization_id != organization.pk
    ):
        raise _refuse("webhook_endpoint", _("Choose one of your webhook endpoints."))
    if ChannelKind.WEBHOOK not in chosen:
        webhook_endpoint = None
    return AlertRule.objects.create(
        organization=organization,
        name=name.strip(),
        kind=kind,
        metric=metric,
        listening_rule=listening_rule if kind == RuleKind.LISTENING_SPIKE else None,
        webhook_endpoint=webhook_endpoint,
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


def _clean_kind(
    organization: Organization,
    kind: str,
    metric: str,
    scope: Scope,
    comparison: str,
    threshold: float | None,
    listening_rule: ListeningRule | None,
) -> tuple[str, str]:
    """What each kind needs; returns the (metric, comparison) to store."""
    if comparison not in Comparison.values:
        raise _refuse("comparison", _("Choose below or above."))
    if kind in METRIC_KINDS:
        if metric not in Metric.values:
            raise _refuse("metric", _("Choose a metric."))
        if kind == RuleKind.THRESHOLD and threshold is None:
            raise _refuse("threshold", _("A threshold rule needs a threshold."))
        return metric, comparison
    if kind == RuleKind.LISTENING_SPIKE:
        if listening_rule is None or listening_rule.organization_id != organization.pk:
            raise _refuse("listening_rule", _("Choose one of your listening rules."))
        return "", Comparison.ABOVE
    if scope.kind not in (ScopeKind.ORGANIZATION, ScopeKind.TEAM):
        raise _refuse("scope", _("The SLA breach rate is measured for the organization or a team."))
    if threshold is not None and not 0 <= threshold <= 100:
        raise _refuse("threshold", _("A breach rate threshold is a percentage from 0 to 100."))
    return "", Comparison.ABOVE


@transaction.atomic
def alert_rule_delete(*, rule: AlertRule, by: Membership) -> None:
    _require(by, rule.organization)
    rule.delete()


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
    if rule.kind == RuleKind.LISTENING_SPIKE:
        return _evaluate_listening_spike(rule, today)
    if rule.kind == RuleKind.SLA_BREACH_RATE:
        return _evaluate_sla_breaches(rule, today)
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
    if _threshold_settled(rule, breached, estimate.value):
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
    return _raise(rule, _threshold_key(), today, estimate.value, reason, today)


def _threshold_settled(rule: AlertRule, breached: bool, value: float) -> bool:
    """Resolve the open incident once the figure is back, or follow its value while it
    lasts; False when a new incident begins."""
    unresolved = Alert.objects.filter(rule=rule).exclude(status=AlertStatus.RESOLVED)
    if not breached:
        unresolved.update(status=AlertStatus.RESOLVED, resolved_at=timezone.now())
        return True
    if unresolved.exists():
        unresolved.update(value=value)
        return True
    return False


def _threshold_key() -> str:
    # A threshold incident is named by the moment it was first seen: the same day can see
    # a breach, a recovery and a new breach.
    return f"threshold:{timezone.now():%Y-%m-%dT%H:%M:%S.%f}"


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
    return _record_incidents(
        rule,
        today,
        detect_incidents(anomaly_series(rule, today)),
        key=lambda incident: f"anomaly:{incident.direction}:{incident.started.isoformat()}",
        describe=lambda incident: (incident.level, _anomaly_reason(rule, incident)),
    )


def _record_incidents(
    rule: AlertRule,
    today: dt.date,
    incidents: Iterable[Incident],
    *,
    key: Callable[[Incident], str],
    describe: Callable[[Incident], tuple[float, str]],
) -> int:
    """One alert per incident the chart found (once), resolved when the incident ended."""
    raised = 0
    for incident in incidents:
        incident_key = key(incident)
        if incident.ended is not None:
            Alert.objects.filter(rule=rule, incident_key=incident_key).exclude(
                status=AlertStatus.RESOLVED
            ).update(status=AlertStatus.RESOLVED, resolved_at=timezone.now())
        if Alert.objects.filter(rule=rule, incident_key=incident_key).exists():
            continue
        value, reason = describe(incident)
        raised += _raise(
            rule, incident_key, incident.started, value, reason, today,
            resolved=incident.ended is not None,
        )  # fmt: skip
    return raised


# --- Listening spikes -------------------------------------------------------------------------


def anscombe(count: int) -> float:
    """Poisson count -> a figure of variance about 1 (Anscombe 1948)."""
    return 2.0 * math.sqrt(count + 3.0 / 8.0)


def _evaluate_listening_spike(rule: AlertRule, today: dt.date) -> int:
    from clearloop.feedback.selectors import listening_counts

    if rule.listening_rule is None:
        return 0  # its listening rule was deleted (the alert rule goes with it)
    days = listening_counts(
        rule=rule.listening_rule,
        since=today - dt.timedelta(days=ANOMALY_LOOKBACK_DAYS - 1),
        until=today,
    )
    counts = {day.day: day.count for day in days}
    series = [DailyFigure(day.day, anscombe(day.count), 1.0, day.count) for day in days]
    spikes = [i for i in detect_incidents(series) if i.direction is Direction.SPIKE]

    def describe(incident: Incident) -> tuple[float, str]:
        level = _mean_count(counts, incident.started, incident.ended or today)
        before = incident.started - dt.timedelta(days=1)
        baseline = _mean_count(counts, before - dt.timedelta(days=27), before)
        reason = _(
            "Items matching the listening rule %(name)s rose to %(level).1f a day from "
            "their usual %(baseline).1f, starting %(started)s (detected %(detected)s)."
        ) % {
            "name": rule.listening_rule.name if rule.listening_rule else "",
            "level": level,
            "baseline": baseline,
            "started": incident.started.isoformat(),
            "detected": incident.detected.isoformat(),
        }
        return level, reason

    return _record_incidents(
        rule, today, spikes, key=lambda i: f"spike:{i.started.isoformat()}", describe=describe
    )


def _mean_count(counts: dict[dt.date, int], first: dt.date, last: dt.date) -> float:
    values = [count for day, count in counts.items() if first <= day <= last]
    return sum(values) / len(values) if values else 0.0


# --- SLA breach rate --------------------------------------------------------------------------


def _breach_days(rule: AlertRule, start: dt.date, today: dt.date) -> list[Any]:
    from clearloop.cases.selectors import sla_breaches_daily

    team = int(rule.scope_value) if rule.scope_kind == ScopeKind.TEAM else None
    return sla_breaches_daily(
        organization_id=rule.organization_id,
        start=start,
        end=today,
        zone=_zone(rule.organization),
        team_id=team,
    )


def _zone(organization: Organization) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(organization.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def _evaluate_sla_breaches(rule: AlertRule, today: dt.date) -> int:
    if rule.threshold is not None:
        return _evaluate_sla_threshold(rule, today)
    start = today - dt.timedelta(days=ANOMALY_LOOKBACK_DAYS - 1)
    series = []
    for day in _breach_days(rule, start, today):
        if day.due < SLA_MIN_DAILY_CASES:
            continue
        # The standard error of a share of 0 or 1 is no error at all; the +1/+2 estimate
        # (Agresti-Coull) keeps small clean days from counting as infinitely sure.
        smoothed = (day.breached + 1) / (day.due + 2)
        error = 100 * math.sqrt(smoothed * (1 - smoothed) / day.due)
        series.append(DailyFigure(day.day, 100 * day.share, error, day.due))
    rises = [i for i in detect_incidents(series) if i.direction is Direction.SPIKE]

    def describe(incident: Incident) -> tuple[float, str]:
        reason = _(
            "The share of cases breaching their SLA rose to %(level).0f%% from its usual "
            "%(baseline).0f%%, starting %(started)s (detected %(detected)s)."
        ) % {
            "level": incident.level,
            "baseline": incident.baseline,
            "started": incident.started.isoformat(),
            "detected": incident.detected.isoformat(),
        }
        return incident.level, reason

    return _record_incidents(
        rule, today, rises, key=lambda i: f"sla:rise:{i.started.isoformat()}", describe=describe
    )


def _evaluate_sla_threshold(rule: AlertRule, today: dt.date) -> int:
    days = _breach_days(rule, today - dt.timedelta(days=rule.window_days - 1), today)
    due = sum(day.due for day in days)
    if due < rule.minimum_n or rule.threshold is None:
        return 0  # too few cases due to say either way
    share = 100 * sum(day.breached for day in days) / due
    if _threshold_settled(rule, share > rule.threshold, share):
        return 0
    reason = _(
        "%(share).0f%% of the %(due)d cases due over the last %(days)d days breached their "
        "SLA, above the threshold of %(threshold).0f%%."
    ) % {"share": share, "due": due, "days": rule.window_days, "threshold": rule.threshold}
    return _raise(rule, _threshold_key(), today, share, reason, today)


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
