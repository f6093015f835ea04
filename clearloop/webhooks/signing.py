"""Standard Webhooks signatures (https://www.standardwebhooks.com): the headers
`webhook-id`, `webhook-timestamp` and `webhook-signature` = ``v1,<base64 HMAC-SHA256 of
"id.timestamp.body" keyed with the decoded secret>``. The signing itself is the reference
library's (`standardwebhooks`), so a receiver using any Standard Webhooks library verifies it.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 -- the format's prefix, not a secret


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def signed_headers(
    *, secret: str, message_id: str, timestamp: dt.datetime, body: str
) -> dict[str, str]:
    signature = Webhook(secret).sign(msg_id=message_id, timestamp=timestamp, data=body)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signature,
    }
