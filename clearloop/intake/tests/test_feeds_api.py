"""The feeds API: list, add, change, delete RSS/Atom feeds, with the URL-safety rules of
the intake pages; managers only; another organization's feed is 404."""

from __future__ import annotations

import pytest

from clearloop.accounts.roles import Role
from clearloop.accounts.tests.test_api import api, assert_problem
from clearloop.conftest import Persona
from clearloop.intake.models import Feed

pytestmark = pytest.mark.django_db

FEEDS = "/api/v1/intake/feeds/"


def _post(client, body):
    return client.post(FEEDS, body, content_type="application/json")


def test_add_list_change_and_delete_a_feed(alice: Persona) -> None:
    client = api(alice.api_token())
    created = _post(client, {"name": "Shop reviews", "url": "https://reviews.example.com/shop.rss"})
    assert created.status_code == 201, created.content
    feed = created.json()
    assert (feed["source"], feed["poll_interval_minutes"], feed["active"]) == ("review", 60, True)
    assert [f["name"] for f in client.get(FEEDS).json()] == ["Shop reviews"]

    detail = f"{FEEDS}{feed['id']}/"
    changed = client.patch(
        detail, {"poll_interval_minutes": 360, "active": False}, content_type="application/json"
    )
    assert changed.status_code == 200, changed.content
    stored = Feed.objects.get(pk=feed["id"])
    assert (stored.poll_interval_minutes, stored.active, stored.name) == (
        360,
        False,
        "Shop reviews",
    )
    assert client.get(detail).json()["active"] is False

    assert client.delete(detail).status_code == 204
    assert not Feed.objects.filter(pk=feed["id"]).exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed.rss",
        "http://10.0.0.8/feed.rss",
        "http://[::1]/feed.rss",
        "http://169.254.169.254/latest/meta-data/",
        "http://user:secret@example.com/feed.rss",
        "ftp://example.com/feed.rss",
        "http://0x7f000001/feed.rss",
    ],
)
def test_unsafe_urls_are_refused_as_on_the_pages(alice: Persona, url: str) -> None:
    body = assert_problem(_post(api(alice.api_token()), {"name": "Bad", "url": url}), 400)
    assert "url" in body.get("errors", {}) or body["code"] in ("unsafe_url", "invalid")
    assert not Feed.objects.exists()


def test_a_changed_url_is_checked_too(alice: Persona) -> None:
    client = api(alice.api_token())
    feed = _post(client, {"name": "Ok", "url": "https://example.com/a.rss"}).json()
    response = client.patch(
        f"{FEEDS}{feed['id']}/",
        {"url": "http://192.168.1.1/a.rss"},
        content_type="application/json",
    )
    assert_problem(response, 400)
    assert Feed.objects.get(pk=feed["id"]).url == "https://example.com/a.rss"


def test_bad_input_is_a_400(alice: Persona) -> None:
    client = api(alice.api_token())
    too_often = {"name": "X", "url": "https://example.com/x.rss", "poll_interval_minutes": 1}
    assert "poll_interval_minutes" in assert_problem(_post(client, too_often), 400)["errors"]
    assert_problem(
        _post(
            client, {"name": "X", "url": "https://example.com/x.rss", "source": "survey_comment"}
        ),
        400,
    )
    _post(client, {"name": "X", "url": "https://example.com/x.rss"})
    assert_problem(_post(client, {"name": "Y", "url": "https://example.com/x.rss"}), 400)


def test_agents_may_not_manage_feeds(alice: Persona) -> None:
    client = api(alice.api_token(Role.AGENT))
    assert_problem(client.get(FEEDS), 403)
    assert_problem(_post(client, {"name": "X", "url": "https://example.com/x.rss"}), 403)


def test_charlie_gets_404_on_acme_feeds(alice: Persona, charlie: Persona) -> None:
    feed = _post(api(alice.api_token()), {"name": "Acme", "url": "https://example.com/a.rss"})
    detail = f"{FEEDS}{feed.json()['id']}/"
    client = api(charlie.api_token())
    assert client.get(FEEDS).json() == []
    assert_problem(client.get(detail), 404)
    assert_problem(client.patch(detail, {"name": "Mine"}, content_type="application/json"), 404)
    assert_problem(client.delete(detail), 404)
    assert Feed.objects.get().name == "Acme"
