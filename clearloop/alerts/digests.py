"""The email digest: per person, in their language, the figures they care about with the
change against the previous period and whether it is significant, each goal's status, the
open alerts, the topics emerging in the feedback and the cases breaching their SLA today,
with a small PNG chart per figure embedded in the message (cid:), so it reads in any mail
client without loading remote images.

`digests_send_due` (a daily periodic task) sends every subscription that is due once:
daily ones every day, weekly ones seven days after the last. `last_sent_on` is claimed in
the same transaction that queues the mail, so running it twice sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from clearloop.accounts.models import Membership
from clearloop.accounts.roles import Capability
from clearloop.alerts.charts import sparkline_png
from clearloop.alerts.models import Alert, AlertStatus, DigestFrequency, DigestSubscription
from clearloop.analytics.metrics import Estimate
from clearloop.cases.models import Case
from clearloop.cases.selectors import CaseFilters, cases_list
from clearloop.goals import impact, measure
from clearloop.goals.measure import STYLE, Metric, Scope
from clearloop.goals.selectors import Progress, goal_progress, goals_list
from clearloop.textanalysis.selectors import emerging_topics

DEFAULT_METRICS = [Metric.NPS, Metric.CSAT, Metric.FCR]
CHART_DAYS = 28
LISTED = 5  # topics and cases named in a digest; the counts cover all of them


@dataclass(frozen=True)
class DigestFigure:
    metric: str
    label: str
    style: str
    current: Estimate
    previous: Estimate
    change: impact.Change | None
    chart_id: str


@dataclass(frozen=True)
class Digest:
    subject: str
    text: str
    html: str
    charts: dict[str, bytes]


def _figures(
    subscription: DigestSubscription, today: dt.date
) -> tuple[list[DigestFigure], dict[str, bytes]]:
    organization = subscription.organization
    days = 1 if subscription.frequency == DigestFrequency.DAILY else 7
    end, start = today - dt.timedelta(days=1), today - dt.timedelta(days=days)
    previous_end, previous_start = start - dt.timedelta(days=1), start - dt.timedelta(days=days)
    figures, charts = [], {}
    for index, metric in enumerate(subscription.metrics or DEFAULT_METRICS):
        if metric not in Metric.values:
            continue

        def figure(first: dt.date, last: dt.date, metric: str = metric) -> Estimate:
            return measure.measure(
                organization=organization, metric=metric, scope=Scope(), start=first, end=last
            )

        current, previous = figure(start, end), figure(previous_start, previous_end)
        series = measure.daily_series(
            organization=organization, metric=metric, scope=Scope(),
            start=today - dt.timedelta(days=CHART_DAYS), end=end,
        )  # fmt: skip
        chart_id = f"chart-{index}"
        charts[chart_id] = sparkline_png(
            [day.estimate.value for day in series if day.estimate.value is not None]
        )
        figures.append(
            DigestFigure(
                metric,
                str(Metric(metric).label),
                STYLE[Metric(metric)],
                current,
                previous,
                impact.before_after(previous, current),
                chart_id,
            )
        )
    return figures, charts


@dataclass(frozen=True)
class DigestTopic:
    name: str
    recent_percent: float
    baseline_percent: float


def _topics(organization_id: int) -> list[DigestTopic]:
    return [
        DigestTopic(row.topic.name, 100 * row.recent_share, 100 * row.baseline_share)
        for row in emerging_topics(organization=organization_id)[:LISTED]
    ]


def _breaching(membership: Membership) -> tuple[int, list[Case]]:
    """The open cases due today or overdue that this person may see."""
    if not membership.allows(Capability.VIEW_CASES):
        return 0, []
    cases = cases_list(membership=membership, filters=CaseFilters(view="breaching_today"))
    return cases.count(), list(cases.select_related("customer")[:LISTED])


def digest_build(*, subscription: DigestSubscription, today: dt.date) -> Digest:
    """The digest's subject, text and HTML bodies and charts, in the person's language."""
    membership = subscription.membership
    organization = subscription.organization
    language = membership.user.language or organization.default_language
    figures, charts = _figures(subscription, today)
    goals: list[tuple[object, Progress]] = [
        (goal, goal_progress(goal=goal, today=today))
        for goal in goals_list(organization=organization)
    ]
    open_alerts = Alert.objects.for_organization(organization).filter(
        ~Q(status=AlertStatus.RESOLVED)
    )
    breaching_count, breaching = _breaching(membership)
    with translation.override(language):
        context = {
            "organization": organization,
            "person": membership.user,
            "figures": figures,
            "goals": goals,
            "open_alerts": list(open_alerts.select_related("rule")[:10]),
            "topics": _topics(organization.pk),
            "breaching_count": breaching_count,
            "breaching": breaching,
            "cases_link": settings.SITE_URL + reverse("web:cases") + "?view=breaching_today",
            "link": settings.SITE_URL + reverse("web:goals"),
            "weekly": subscription.frequency == DigestFrequency.WEEKLY,
        }
        subject = (
            _("Your weekly Clearloop digest for %(organization)s")
            if subscription.frequency == DigestFrequency.WEEKLY
            else _("Your daily Clearloop digest for %(organization)s")
        ) % {"organization": organization.name}
        text = render_to_string("alerts/email/digest.txt", context)
        html = render_to_string("alerts/email/digest.html", context)
    return Digest(subject, text, html, charts)


def _due(subscription: DigestSubscription, today: dt.date) -> bool:
    if subscription.last_sent_on is None:
        return True
    gap = 1 if subscription.frequency == DigestFrequency.DAILY else 7
    return (today - subscription.last_sent_on).days >= gap


def digests_send_due(*, today: dt.date) -> int:
    sent = 0
    for subscription_id in DigestSubscription.objects.values_list("pk", flat=True):
        sent += _send_one(subscription_id, today)
    return sent


@transaction.atomic
def _send_one(subscription_id: int, today: dt.date) -> int:
    subscription = (
        DigestSubscription.objects.select_for_update()
        .select_related("membership__user", "organization")
        .get(pk=subscription_id)
    )
    if not _due(subscription, today):
        return 0
    subscription.last_sent_on = today
    subscription.save(update_fields=["last_sent_on", "updated_at"])
    digest = digest_build(subscription=subscription, today=today)
    message = EmailMultiAlternatives(
        digest.subject, digest.text, None, [subscription.membership.user.email]
    )
    message.attach_alternative(digest.html, "text/html")
    message.mixed_subtype = "related"
    for chart_id, png in digest.charts.items():
        image = MIMEImage(png, "png")
        image.add_header("Content-ID", f"<{chart_id}>")
        image.add_header("Content-Disposition", "inline", filename=f"{chart_id}.png")
        message.attach(image)
    transaction.on_commit(message.send)
    return 1
