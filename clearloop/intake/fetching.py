"""The one way Clearloop fetches a URL someone typed in: safe against SSRF.

A feed URL is chosen by a customer of ours, so it may point at our own network: the cloud
metadata service (169.254.169.254), the database on 10.0.0.5, an admin page on 127.0.0.1.
`fetch_url` refuses all of them (DESIGN.md, security 4):

- only http and https, no user:password@ in the URL;
- the host name is resolved here, *every* address it resolves to must be public, and the
  connection goes to the checked address (the Host header and TLS SNI still carry the
  name), so a DNS answer that changes between check and connect (rebinding) cannot slip in;
- numbers spelled oddly (2130706433, 0177.0.0.1, 0x7f.1, 127.1) are refused outright, and
  whatever the resolver makes of a name is checked as an address;
- IPv6 loopback, link-local, unique-local and addresses that embed IPv4 (::ffff:127.0.0.1,
  6to4, Teredo, NAT64) are refused;
- redirects are followed by hand, at most `MAX_REDIRECTS`, and every hop is checked again;
- bodies stop at `MAX_BYTES` and the whole exchange at `TOTAL_SECONDS`.

Tests run servers on loopback; they list it in `CLEARLOOP_FETCH_ALLOWED_NETWORKS` (empty by
default, so production refuses loopback). The resolver is a parameter: tests hand in a fake
one to make a public-looking name resolve to a private address.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

from clearloop.core.errors import ValidationFailed

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[IPAddress]]

MAX_REDIRECTS = 5
MAX_BYTES = 5 * 1024 * 1024
CONNECT_SECONDS = 5.0
READ_SECONDS = 10.0
TOTAL_SECONDS = 30.0
CHUNK_BYTES = 64 * 1024
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
DEFAULT_PORTS = {"http": 80, "https": 443}

# IPv6 ranges that carry an IPv4 address inside: a router may hand them on to that IPv4.
EMBEDS_IPV4 = [
    ipaddress.ip_network("::ffff:0:0/96"),  # IPv4-mapped
    ipaddress.ip_network("::/96"),  # IPv4-compatible (deprecated)
    ipaddress.ip_network("64:ff9b::/96"),  # NAT64
    ipaddress.ip_network("64:ff9b:1::/48"),  # local NAT64
    ipaddress.ip_network("2002::/16"),  # 6to4
    ipaddress.ip_network("2001::/32"),  # Teredo
]
# A host made only of numbers (decimal, octal, hex) is an IPv4 address in some spelling.
NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+))*\.?$", re.IGNORECASE)


class UnsafeUrl(ValidationFailed):
    """The URL points somewhere we never fetch from (private network, odd spelling...)."""

    code = "unsafe_url"


class FetchFailed(ValidationFailed):
    """The URL is allowed but fetching it did not work (timeout, 404, too large...)."""

    code = "fetch_failed"


@dataclass(frozen=True)
class Conditional:
    """Validators from the last fetch, sent back so an unchanged resource answers 304."""

    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True)
class FetchResult:
    url: str
    status: int
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


# --- Addresses ------------------------------------------------------------------------


def system_resolver(host: str, port: int) -> list[IPAddress]:
    """Every address the system resolver gives for `host`, in its order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchFailed(_("The host name %(host)s does not resolve.") % {"host": host}) from error
    addresses: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    configured: Iterable[str] = getattr(settings, "CLEARLOOP_FETCH_ALLOWED_NETWORKS", [])
    return [ipaddress.ip_network(network) for network in configured]


def address_refusal(address: IPAddress) -> str:
    """Why we never connect to `address`, or "" when it is a public address."""
    if any(address in network for network in _allowed_networks()):
        return ""
    if isinstance(address, ipaddress.IPv6Address) and any(
        address in network for network in EMBEDS_IPV4
    ):
        return _("it is an IPv6 address that carries an IPv4 address")
    checks = [
        (address.is_unspecified, _("it is the unspecified address")),
        (address.is_loopback, _("it is a loopback address")),
        (address.is_link_local, _("it is a link-local address (cloud metadata lives there)")),
        (address.is_multicast, _("it is a multicast address")),
        (address.is_private, _("it is a private network address")),
        (address.is_reserved, _("it is a reserved address")),
        (not address.is_global, _("it is not a public internet address")),
    ]
    return next((reason for refused, reason in checks if refused), "")


def _is_dotted_quad(host: str) -> bool:
    """Four decimal numbers without leading zeros: the one spelling we accept."""
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


def _check_host(host: str) -> str:
    """The host in the form we resolve and send (IDNA), or `UnsafeUrl` for odd spellings."""
    host = host.rstrip(".")  # "example.com." is example.com
    if not host:
        raise UnsafeUrl(_("The URL has no host name."))
    if NUMERIC_HOST.match(host) and not _is_dotted_quad(host):
        raise UnsafeUrl(
            _("%(host)s is an IP address in an unusual spelling; write it as four numbers.")
            % {"host": host}
        )
    if ":" in host:  # an IPv6 literal; urlsplit already removed the brackets
        return host
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError as error:
        raise UnsafeUrl(_("%(host)s is not a valid host name.") % {"host": host}) from error


# --- One request ----------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str

    @property
    def host_header(self) -> str:
        name = f"[{self.host}]" if ":" in self.host else self.host
        return name if self.port == DEFAULT_PORTS[self.scheme] else f"{name}:{self.port}"


def parse_target(url: str) -> Target:
    """The parts of `url` we connect with; refuses schemes, credentials and odd hosts."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise UnsafeUrl(_("This is not a valid URL.")) from error
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise UnsafeUrl(_("Only http:// and https:// URLs can be fetched."))
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl(_("Remove the user name and password from the URL."))
    host = _check_host(parts.hostname or "")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, host, port or DEFAULT_PORTS[scheme], path)


def checked_addresses(target: Target, resolve: Resolver) -> list[IPAddress]:
    """The addresses of `target`, all of them public (or explicitly allowed)."""
    addresses = resolve(target.host, target.port)
    if not addresses:
        raise FetchFailed(_("The host name %(host)s does not resolve.") % {"host": target.host})
    for address in addresses:
        reason = address_refusal(address)
        if reason:
            raise UnsafeUrl(
                _("%(host)s cannot be fetched: %(reason)s.")
                % {"host": target.host, "reason": reason}
            )
    return addresses


def _pool(target: Target, address: IPAddress) -> urllib3.HTTPConnectionPool:
    timeout = urllib3.Timeout(connect=CONNECT_SECONDS, read=READ_SECONDS)
    if target.scheme == "https":
        # Connect to the checked address; SNI and the certificate check use the name.
        return urllib3.HTTPSConnectionPool(
            str(address),
            target.port,
            timeout=timeout,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    return urllib3.HTTPConnectionPool(str(address), target.port, timeout=timeout, retries=False)


def _headers(target: Target, conditional: Conditional) -> dict[str, str]:
    headers = {
        "Host": target.host_header,
        "User-Agent": f"Clearloop feed reader (+{settings.SITE_URL})",
        "Accept": "application/rss+xml, application/atom+xml, application/xml, text/xml, */*",
        "Accept-Encoding": "gzip, deflate",
    }
    if conditional.etag:
        headers["If-None-Match"] = conditional.etag
    if conditional.last_modified:
        headers["If-Modified-Since"] = conditional.last_modified
    return headers


def _read_limited(response: urllib3.BaseHTTPResponse, deadline: float) -> bytes:
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > MAX_BYTES:
        raise FetchFailed(_("The response is larger than %(mb)d MB.") % {"mb": MAX_BYTES >> 20})
    body = bytearray()
    for chunk in response.stream(CHUNK_BYTES, decode_content=True):
        body += chunk
        if len(body) > MAX_BYTES:
            raise FetchFailed(_("The response is larger than %(mb)d MB.") % {"mb": MAX_BYTES >> 20})
        if time.monotonic() > deadline:
            raise FetchFailed(_("The server took too long to answer."))
    return bytes(body)


def _request_once(
    url: str, target: Target, addresses: list[IPAddress], conditional: Conditional, deadline: float
) -> FetchResult:
    last_error: Exception | None = None
    for address in addresses:
        pool = _pool(target, address)
        try:
            response = pool.urlopen(
                "GET",
                target.path,
                headers=_headers(target, conditional),
                redirect=False,
                assert_same_host=False,
                preload_content=False,
            )
        except urllib3.exceptions.HTTPError as error:
            last_error = error
            pool.close()
            continue
        try:
            # Redirect and 304 bodies are never used; error pages are not worth reading.
            content = b""
            if 200 <= response.status < 300:
                content = _read_limited(response, deadline)
            headers = {name.lower(): value for name, value in response.headers.items()}
            return FetchResult(url=url, status=response.status, content=content, headers=headers)
        except urllib3.exceptions.HTTPError as error:
            raise FetchFailed(_("The connection broke while reading the answer.")) from error
        finally:
            response.release_conn()
            pool.close()
    raise FetchFailed(
        _("Could not connect to %(host)s: %(error)s") % {"host": target.host, "error": last_error}
    )


# --- The entry point ------------------------------------------------------------------


def fetch_url(
    url: str,
    *,
    conditional: Conditional | None = None,
    resolve: Resolver = system_resolver,
) -> FetchResult:
    """GET `url` safely, following up to `MAX_REDIRECTS` redirects, each one checked.

    Returns the final answer: 2xx with its body, or 304 when `conditional` still holds.
    Raises `UnsafeUrl` for anything pointing at a private place and `FetchFailed` for
    network trouble, error statuses, oversize bodies and redirect loops."""
    conditional = conditional or Conditional()
    deadline = time.monotonic() + TOTAL_SECONDS
    for _hop in range(MAX_REDIRECTS + 1):
        target = parse_target(url)
        addresses = checked_addresses(target, resolve)
        result = _request_once(url, target, addresses, conditional, deadline)
        location = result.headers.get("location", "")
        if result.status in REDIRECT_STATUSES and location:
            url = urljoin(url, location)
            continue
        if result.status >= 400 or result.status in REDIRECT_STATUSES:
            raise FetchFailed(
                _("The server answered %(status)d for %(url)s.")
                % {"status": result.status, "url": url}
            )
        return result
    raise FetchFailed(_("More than %(count)d redirects; giving up.") % {"count": MAX_REDIRECTS})
