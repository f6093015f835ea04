"""Alert rules end to end: an injected drop fires exactly one alert, noise of the same size
fires none (and the false-alarm rate over many seeds is stated), thresholds with their
minimum n, deduplication, resolve, the quiet period, and every channel — the Slack payload
received by a real HTTP server on loopback."""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from clearloop.accounts.models import Organization
from clearloop.alerts import services
from clearloop.alerts.models import Alert, AlertRule, AlertStatus
from clearloop.analytics.anomaly import DailyFigure, detect_incidents
from clearloop.conftest import Persona
from clearloop.core.errors import ValidationFailed
from clearloop.goals.measure import Metric, Scope, estimate_from_counts
from clearloop.goals.tests.data import add_scores, exact_nps_scores, nps_scores

TODAY = dt.date(2025, 6, 2)
NORMAL = (0.5, 0.2)  # promoters, detractors: NPS 30
DROP = (0.35, 0.35)  # NPS 0: about 3 sigma of one day's figure at 60 answers


def _history(organization: Organization, seed: int, drop_days: int = 0, days: int = 90) -> None:
    rng = random.Random(seed)
    for offset in range(days, -1, -1):
        shares = DROP if offset < drop_days else NORMAL
        day = TODAY - dt.timedelta(days=offset)
        add_scores(organization, day, nps_scores(rng.randint(40, 80), *shares, rng))


def _anomaly_rule(alice: Persona, **extra: Any) -> AlertRule:
    return services.alert_rule_create(
        organization=alice.organization,
        by=alice.membership,
        name="NPS anomaly",
        kind="anomaly",
        metric=Metric.NPS,
        scope=Scope(),
        **extra,
    )


def _threshold_rule(alice: Persona, **extra: Any) -> AlertRule:
    values: dict[str, Any] = {
        "organization": alice.organization,
        "by": alice.membership,
        "name": "NPS below 20",
        "kind": "threshold",
        "metric": Metric.NPS,
        "scope": Scope(),
        "comparison": "below",
        "threshold": 20.0,
        "window_days": 7,
        "minimum_n": 30,
    }
    values.update(extra)
    return services.alert_rule_create(**values)


def test_an_injected_drop_fires_exactly_one_alert(alice: Persona) -> None:
    _history(alice.organization, seed=3, drop_days=10)
    rule = _anomaly_rule(alice)
    assert services.rule_evaluate(rule_id=rule.pk, today=TODAY) == 1
    assert services.rule_evaluate(rule_id=rule.pk, today=TODAY) == 0  # deduplicated
    alert = Alert.objects.get()
    assert alert.incident_key.startswith("anomaly:drop:")
    assert alert.status == AlertStatus.OPEN
    assert "dropped" in alert.reason
    assert TODAY - dt.timedelta(days=12) <= alert.started_on <= TODAY - dt.timedelta(days=8)


def test_noise_of_the_same_size_fires_none(alice: Persona) -> None:
    _history(alice.organization, seed=3, drop_days=0)
    rule = _anomaly_rule(alice)
    assert services.rule_evaluate(rule_id=rule.pk, today=TODAY) == 0
    assert not Alert.objects.exists()


def _simulated_series(seed: int, days: int) -> list[DailyFigure]:
    """What `anomaly_series` hands the chart, without the database: daily counts turned
    into figures by the same `estimate_from_counts`."""
    rng = random.Random(seed)
    series = []
    for day in range(days):
        scores = nps_scores(rng.randint(40, 80), *NORMAL, rng)
        counts = {
            "n": len(scores),
            "promoters": sum(s >= 9 for s in scores),
            "detractors": sum(s <= 6 for s in scores),
        }
        estimate = estimate_from_counts(Metric.NPS, counts, minimum_n=1)
        series.append(
            DailyFigure(
                TODAY + dt.timedelta(days=day), estimate.value, estimate.standard_error, estimate.n
            )
        )
    return series


def test_false_alarm_rate_on_many_seeds() -> None:
    """Measured: 300 noise-only series of the rule's 120-day look-back (31,800 monitored
    days after the chart's 14-day warm-up) raised 4 incidents: 0.00013 false alarms per
    day, about one per 22 years of one daily series (1.3% of 120-day windows)."""
    alarms = sum(len(detect_incidents(_simulated_series(seed, 120))) for seed in range(300))
    monitored_days = 300 * (120 - 14)
    rate = alarms / monitored_days
    print(f"false alarms: {alarms} in {monitored_days} days ({rate:.5f} per day)")
    assert alarms == 4
    assert rate < 0.001


def test_threshold_fires_once_per_incident_and_resolves(alice: Persona) -> None:
    rule = _threshold_rule(alice)
    for offset in range(2):
        add_scores(alice.organization, TODAY - dt.timedelta(days=offset), exact_nps_scores(3, 3, 4))
    assert services.rule_evaluate(rule_id=rule.pk, today=TODAY) == 0  # n = 30 needed
    add_scores(alice.organization, TODAY, exact_nps_scores(9, 9, 12))
    assert services.rule_evaluate(rule_id=rule.pk, today=TODAY) == 1
    assert services.rule_evaluate(rule_id=rule.pk, today=TODAY) == 0
    alert = Alert.objects.get()
    assert "below the threshold of 20.0" in alert.reason and "n=50" in alert.reason
    add_scores(alice.organization, TODAY, exact_nps_scores(60, 0, 0))
    services.rule_evaluate(rule_id=rule.pk, today=TODAY)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED


def test_quiet_period_records_but_does_not_send(
    alice: Persona, django_capture_on_commit_callbacks: Any
) -> None:
    rule = _threshold_rule(
        alice, channels=["in_app", "email"], email_to=["ops@acme.test"], quiet_hours=24
    )
    with django_capture_on_commit_callbacks(execute=True):
        add_scores(alice.organization, TODAY, exact_nps_scores(10, 10, 20))
        services.rule_evaluate(rule_id=rule.pk, today=TODAY)
        add_scores(alice.organization, TODAY, exact_nps_scores(100, 0, 0))
        services.rule_evaluate(rule_id=rule.pk, today=TODAY)  # resolved
        add_scores(alice.organization, TODAY, exact_nps_scores(0, 0, 150))
        services.rule_evaluate(rule_id=rule.pk, today=TODAY)  # a new incident, inside 24 h
    first, second = Alert.objects.order_by("pk")
    assert first.status == AlertStatus.RESOLVED and first.notified
    assert second.status == AlertStatus.OPEN and not second.notified
    assert len(mail.outbox) == 1
    assert "NPS below 20" in mail.outbox[0].subject


def test_rule_refuses_bad_input(alice: Persona) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _threshold_rule(alice, threshold=None)
    assert "threshold" in caught.value.fields
    with pytest.raises(ValidationFailed):
        _threshold_rule(alice, channels=["email"])
    with pytest.raises(ValidationFailed):
        _threshold_rule(alice, channels=["pager"])


@pytest.fixture
def webhook_server(settings: Any) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CLEARLOOP_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    try:
        yield f"http://127.0.0.1:{server.server_port}/hooks/T000/B000", received
    finally:
        server.shutdown()
        server.server_close()


def test_slack_payload_reaches_a_local_webhook(
    alice: Persona, webhook_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url, received = webhook_server
    rule = _threshold_rule(alice, channels=["in_app", "slack"], webhook_url=url)
    add_scores(alice.organization, TODAY, exact_nps_scores(10, 10, 20))
    with django_capture_on_commit_callbacks(execute=True):
        services.rule_evaluate(rule_id=rule.pk, today=TODAY)
    assert len(received) == 1
    assert "NPS below 20" in received[0]["text"] and "below the threshold" in received[0]["text"]
    alert = Alert.objects.get()
    assert [d["ok"] for d in alert.deliveries] == [True, True]


def test_slack_refuses_private_addresses_in_production(
    alice: Persona, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CLEARLOOP_FETCH_ALLOWED_NETWORKS = []
    rule = _threshold_rule(alice, channels=["slack"], webhook_url="http://127.0.0.1:9/hook")
    add_scores(alice.organization, TODAY, exact_nps_scores(10, 10, 20))
    with django_capture_on_commit_callbacks(execute=True):
        services.rule_evaluate(rule_id=rule.pk, today=TODAY)
    delivery = Alert.objects.get().deliveries[0]
    assert delivery["ok"] is False and "127.0.0.1" in delivery["error"]


def test_alert_list_acknowledge_resolve_and_tenancy(alice: Persona, charlie: Persona) -> None:
    rule = _threshold_rule(alice)
    add_scores(alice.organization, TODAY, exact_nps_scores(10, 10, 20))
    services.rule_evaluate(rule_id=rule.pk, today=TODAY)
    alert = Alert.objects.get()
    outsider = charlie.client()
    assert outsider.post(reverse("web:alert_acknowledge", args=[alert.pk])).status_code == 404
    assert outsider.post(reverse("web:alert_resolve", args=[alert.pk])).status_code == 404
    assert "NPS below 20" not in outsider.get(reverse("web:alerts")).content.decode()
    api = {"HTTP_AUTHORIZATION": f"Bearer {charlie.api_token()}"}
    assert outsider.get(f"/api/v1/alerts/{alert.pk}/", **api).status_code == 404
    assert outsider.post(f"/api/v1/alerts/{alert.pk}/resolve/", **api).status_code == 404
    client = alice.client()
    assert "NPS below 20" in client.get(reverse("web:alerts")).content.decode()
    client.post(reverse("web:alert_acknowledge", args=[alert.pk]))
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.acknowledged_by == alice.user
    own = {"HTTP_AUTHORIZATION": f"Bearer {alice.api_token()}"}
    resolved = client.post(f"/api/v1/alerts/{alert.pk}/resolve/", **own)
    assert resolved.json()["status"] == "resolved"


def test_rule_form_creates_a_rule_and_refuses_bad_input(alice: Persona) -> None:
    client = alice.client()
    base = {
        "name": "Phone NPS",
        "kind": "threshold",
        "metric": "nps",
        "scope": "channel:phone",
        "comparison": "below",
        "threshold": "20",
        "window_days": "7",
        "minimum_n": "30",
        "channels": ["in_app"],
        "quiet_hours": "24",
    }
    assert client.post(reverse("web:alert_rule_new"), base).status_code == 302
    assert AlertRule.objects.get().scope == Scope("channel", "phone")
    refused = client.post(reverse("web:alert_rule_new"), {**base, "threshold": ""})
    assert refused.status_code == 400
    assert "needs a threshold" in refused.content.decode()
