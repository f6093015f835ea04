"""POST one signed webhook, under the same SSRF rules as every fetch (clearloop.intake.fetching):
only http(s), the host resolved here and every address public (or listed in
CLEARLOOP_FETCH_ALLOWED_NETWORKS, which tests use for loopback), the connection made to the
checked address. Redirects are not followed: a receiver answers 2xx or the delivery failed.
"""

from __future__ import annotations

from dataclasses import dataclass

import urllib3
from django.conf import settings

from clearloop.intake.fetching import (
    IPAddress,
    Resolver,
    Target,
    checked_addresses,
    parse_target,
    system_resolver,
)

TIMEOUT = urllib3.Timeout(connect=5.0, read=10.0)
MAX_ANSWER_BYTES = 2000


@dataclass(frozen=True)
class Answer:
    status: int
    body: str


def _pool(target: Target, address: IPAddress) -> urllib3.HTTPConnectionPool:
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            str(address),
            target.port,
            timeout=TIMEOUT,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    return urllib3.HTTPConnectionPool(str(address), target.port, timeout=TIMEOUT, retries=False)


def post_signed(
    url: str, *, body: str, headers: dict[str, str], resolve: Resolver = system_resolver
) -> Answer:
    """POST `body` to `url`; raises UnsafeUrl / FetchFailed (ValidationFailed) or urllib3
    errors for refused or unreachable receivers."""
    target = parse_target(url)
    address = checked_addresses(target, resolve)[0]
    pool = _pool(target, address)
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body.encode(),
            headers={
                **headers,
                "Host": target.host_header,
                "Content-Type": "application/json",
                "User-Agent": f"Clearloop webhooks (+{settings.SITE_URL})",
            },
            redirect=False,
            assert_same_host=False,
            preload_content=False,
        )
        try:
            text = response.read(MAX_ANSWER_BYTES).decode("utf-8", errors="replace")
        finally:
            response.release_conn()
        return Answer(response.status, text)
    finally:
        pool.close()
