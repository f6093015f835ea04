"""A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat, Teams workflows
accept `{"text": ...}`), posted under the SSRF rules of `clearloop.intake.fetching`: the
URL is parsed and every address it resolves to checked before connecting to that address."""

from __future__ import annotations

import json

import urllib3

from clearloop.alerts.channels.base import DeliveryFailed, Message
from clearloop.alerts.models import Alert
from clearloop.core.errors import ValidationFailed
from clearloop.intake.fetching import Resolver, checked_addresses, parse_target, system_resolver

TIMEOUT = urllib3.Timeout(connect=5.0, read=10.0)


def post_json(url: str, payload: dict[str, object], *, resolve: Resolver = system_resolver) -> int:
    """POST `payload` to `url` safely; no redirects are followed. Returns the status."""
    try:
        target = parse_target(url)
        addresses = checked_addresses(target, resolve)
    except ValidationFailed as error:
        raise DeliveryFailed(error.message) from error
    body = json.dumps(payload).encode()
    headers = {"Host": target.host_header, "Content-Type": "application/json"}
    address = str(addresses[0])
    pool: urllib3.HTTPConnectionPool
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address, target.port, timeout=TIMEOUT, retries=False, cert_reqs="CERT_REQUIRED",
            server_hostname=target.host, assert_hostname=target.host,
        )  # fmt: skip
    else:
        pool = urllib3.HTTPConnectionPool(address, target.port, timeout=TIMEOUT, retries=False)
    try:
        response = pool.urlopen(
            "POST", target.path, body=body, headers=headers, redirect=False, assert_same_host=False
        )
    except urllib3.exceptions.HTTPError as error:
        raise DeliveryFailed(f"Could not reach {target.host}: {error}") from error
    finally:
        pool.close()
    if not 200 <= response.status < 300:
        raise DeliveryFailed(f"The webhook answered {response.status}.")
    return response.status


class SlackChannel:
    kind = "slack"

    def deliver(self, alert: Alert, message: Message) -> str:
        url = alert.rule.webhook_url
        if not url:
            raise DeliveryFailed("The rule has no webhook URL.")
        text = f"*{message.subject}*\n{message.text}\n<{message.link}|Clearloop>"
        post_json(url, {"text": text})
        return parse_target(url).host
