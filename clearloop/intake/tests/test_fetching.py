"""SSRF: the safe fetcher refuses private, loopback and metadata addresses, however they
are spelled, whatever a name resolves to, and wherever a redirect points."""

from __future__ import annotations

import ipaddress

import pytest

from clearloop.intake.fetching import (
    MAX_BYTES,
    MAX_REDIRECTS,
    Conditional,
    FetchFailed,
    UnsafeUrl,
    fetch_url,
)


def _resolves_to(*addresses: str):
    def resolve(host: str, port: int):
        return [ipaddress.ip_address(address) for address in addresses]

    return resolve


ODD_SPELLINGS_OF_LOOPBACK = [
    "http://2130706433/",  # decimal
    "http://0177.0.0.1/",  # octal
    "http://0x7f.1/",  # hex, short
    "http://0x7f000001/",  # one hex number
    "http://127.1/",  # short form
    "http://017700000001/",  # one octal number
    "http://127.0.0.1./",  # trailing dot still loopback
]

PRIVATE_PLACES = [
    "http://127.0.0.1/",
    "http://localhost/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 of 169.254.169.254
    "http://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
    "http://0.0.0.0/",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.5/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://[fd00::1]/",
    "http://[fe80::1]/",
    "http://224.0.0.1/",
    "http://[ff02::1]/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
]


@pytest.mark.parametrize("url", ODD_SPELLINGS_OF_LOOPBACK)
def test_odd_spellings_of_an_ip_address_are_refused(url):
    with pytest.raises(UnsafeUrl):
        fetch_url(url)


@pytest.mark.parametrize("url", PRIVATE_PLACES)
def test_private_loopback_metadata_and_special_addresses_are_refused(url):
    with pytest.raises(UnsafeUrl):
        fetch_url(url)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "gopher://example.com/", "ftp://example.com/x", "dict://x/"]
)
def test_only_http_and_https_are_fetched(url):
    with pytest.raises(UnsafeUrl, match="Only http"):
        fetch_url(url)


def test_credentials_in_the_url_are_refused():
    with pytest.raises(UnsafeUrl, match="user name and password"):
        fetch_url("http://admin:secret@example.com/feed")


def test_a_public_looking_name_that_resolves_to_loopback_is_refused(local_server):
    local_server.serve("/feed.xml", b"<rss/>")

    with pytest.raises(UnsafeUrl, match="loopback"):
        fetch_url(
            f"http://reviews.example.com:{local_server.port}/feed.xml",
            resolve=_resolves_to("127.0.0.1"),
        )
    assert local_server.requests == []


def test_a_name_with_one_private_address_among_public_ones_is_refused():
    with pytest.raises(UnsafeUrl, match="link-local"):
        fetch_url(
            "http://reviews.example.com/feed.xml",
            resolve=_resolves_to("93.184.216.34", "169.254.169.254"),
        )


def test_loopback_is_refused_without_the_allow_setting_even_with_a_server_there(local_server):
    local_server.serve("/feed.xml", b"<rss/>")

    with pytest.raises(UnsafeUrl):
        fetch_url(local_server.url("/feed.xml"))
    assert local_server.requests == []


def test_allowed_loopback_server_is_fetched(local_server, allow_loopback):
    local_server.serve("/feed.xml", b"<rss/>", Content_Type="application/rss+xml")

    result = fetch_url(local_server.url("/feed.xml"))

    assert (result.status, result.content) == (200, b"<rss/>")
    assert result.headers["content-type"] == "application/rss+xml"


def test_the_connection_goes_to_the_checked_address_with_the_name_in_the_host_header(
    local_server, allow_loopback
):
    local_server.serve("/feed.xml", b"<rss/>")

    fetch_url(
        f"http://reviews.example.test:{local_server.port}/feed.xml",
        resolve=_resolves_to("127.0.0.1"),
    )

    assert (
        local_server.requests[0]["headers"]["host"] == f"reviews.example.test:{local_server.port}"
    )


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://127.0.0.2:{port}/feed.xml",
        "http://[::1]:{port}/feed.xml",
        "http://2130706433:{port}/feed.xml",
        "http://0.0.0.0:{port}/feed.xml",  # reaches this machine on Linux
        "file:///etc/passwd",
    ],
)
def test_a_redirect_to_a_private_place_is_refused(local_server, allow_loopback, location):
    local_server.redirect("/feed.xml", location.format(port=local_server.port))

    with pytest.raises(UnsafeUrl):
        fetch_url(local_server.url("/feed.xml"))
    assert [request["path"] for request in local_server.requests] == ["/feed.xml"]


def test_a_redirect_to_an_allowed_place_is_followed(local_server, allow_loopback):
    local_server.redirect("/old.xml", "/feed.xml", status=301)
    local_server.serve("/feed.xml", b"<rss/>")

    result = fetch_url(local_server.url("/old.xml"))

    assert result.content == b"<rss/>"
    assert result.url == local_server.url("/feed.xml")


def test_redirect_loops_stop_after_the_limit(local_server, allow_loopback):
    local_server.redirect("/loop", "/loop")

    with pytest.raises(FetchFailed, match="redirects"):
        fetch_url(local_server.url("/loop"))
    assert len(local_server.requests) == MAX_REDIRECTS + 1


def test_a_body_over_the_size_limit_is_refused(local_server, allow_loopback):
    local_server.serve("/big.xml", b"x" * (MAX_BYTES + 1))

    with pytest.raises(FetchFailed, match="larger than 5 MB"):
        fetch_url(local_server.url("/big.xml"))


def test_an_error_status_is_reported_in_words(local_server, allow_loopback):
    with pytest.raises(FetchFailed, match="answered 404"):
        fetch_url(local_server.url("/missing.xml"))


def test_conditional_validators_are_sent_and_304_is_returned(local_server, allow_loopback):
    local_server.routes["/feed.xml"] = lambda request: (
        (304, {}, b"") if request.get("if-none-match") == '"v1"' else (200, {}, b"<rss/>")
    )

    result = fetch_url(
        local_server.url("/feed.xml"),
        conditional=Conditional(etag='"v1"', last_modified="Mon, 06 Sep 2021 16:45:00 GMT"),
    )

    assert result.not_modified
    headers = local_server.requests[0]["headers"]
    assert headers["if-modified-since"] == "Mon, 06 Sep 2021 16:45:00 GMT"
