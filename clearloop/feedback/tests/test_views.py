"""The inbox pages: every channel in one list, filters in the URL, constant query count,
tags by hand and in bulk, saved views, rules pages; 404 across organizations and 403
for a viewer who tries to change anything."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clearloop.accounts.roles import Role
from clearloop.accounts.tests.factories import MembershipFactory, UserFactory
from clearloop.conftest import Persona
from clearloop.customers.tests.factories import CustomerFactory
from clearloop.feedback import services
from clearloop.feedback.models import (
    FeedbackSource,
    ItemTag,
    ListeningRule,
    SavedView,
    Tag,
    TaggingRule,
)
from clearloop.feedback.tests.factories import NOW, TagFactory, indexed
from clearloop.surveys.tests.factories import AnswerFactory, ResponseFactory

pytestmark = pytest.mark.django_db


def _viewer(persona: Persona) -> Client:
    user = UserFactory(email="vera@acme.test")
    MembershipFactory(organization=persona.organization, user=user, role=Role.VIEWER)
    client = Client()
    client.force_login(user)
    return client


def _comment(persona: Persona, text: str, nps: int = 9) -> Any:
    response = ResponseFactory(organization=persona.organization, channel="email")
    AnswerFactory(organization=persona.organization, response=response, number=nps)
    return indexed(
        organization=persona.organization,
        source=FeedbackSource.SURVEY_COMMENT,
        response=response,
        text=text,
        rating=None,
        external_id="",
    )


def _inbox(client: Client, **params: Any) -> Any:
    return client.get(reverse("web:feedback"), params)


def test_inbox_lists_every_channel_newest_first_with_links(alice: Persona) -> None:
    customer = CustomerFactory(organization=alice.organization, name="Mei Lin")
    indexed(
        organization=alice.organization,
        text="Older review",
        customer=customer,
        occurred_at=NOW - dt.timedelta(days=1),
    )
    comment = _comment(alice, "Survey says hi")

    page = _inbox(alice.client())

    body = page.content.decode()
    assert page.status_code == 200
    assert body.index("Survey says hi") < body.index("Older review")
    assert "Mei Lin" in body and "NPS 9" in body
    response = comment.response
    assert reverse("web:survey_response", args=[response.survey_id, response.pk]) in body
    assert reverse("web:feedback_item", args=[comment.pk]) in body


def test_script_in_feedback_text_and_metadata_is_escaped(alice: Persona) -> None:
    item = indexed(
        organization=alice.organization,
        text="<script>alert(1)</script>",
        metadata={"site": "<img src=x onerror=alert(1)>", "url": "javascript:alert(1)"},
    )
    client = alice.client()

    for url in (reverse("web:feedback"), reverse("web:feedback_item", args=[item.pk])):
        body = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
        assert "<img src=x" not in body
        assert 'href="javascript:' not in body


def test_item_page_shows_source_details(alice: Persona) -> None:
    item = indexed(
        organization=alice.organization,
        source=FeedbackSource.REVIEW,
        metadata={"site": "Trustpilot", "url": "https://example.com/r/1"},
    )

    body = alice.client().get(reverse("web:feedback_item", args=[item.pk])).content.decode()

    assert "Review site" in body and "Trustpilot" in body
    assert 'href="https://example.com/r/1"' in body


def test_filters_are_kept_in_the_url_and_combine(alice: Persona) -> None:
    indexed(organization=alice.organization, language="ja", text="配送がとても遅かったです")
    indexed(organization=alice.organization, language="zh-hans", text="配送太慢")
    indexed(organization=alice.organization, language="ja", text="丁寧でした")

    page = _inbox(alice.client(), q="配送", language="ja")

    body = page.content.decode()
    assert "配送がとても遅かったです" in body
    assert "配送太慢" not in body and "丁寧でした" not in body
    assert page.context["query"] == "q=%E9%85%8D%E9%80%81&language=ja"


def test_bad_filter_values_answer_400_with_a_message(alice: Persona) -> None:
    page = _inbox(alice.client(), date_from="2025-03-05", date_to="2025-03-01", rating="11")

    assert page.status_code == 400
    body = page.content.decode()
    assert "The end date is before the start date." in body
    assert "Select a valid choice" in body


def test_inbox_links_the_case_that_follows_an_item_up(alice: Persona) -> None:
    from clearloop.cases.services import Origin, case_open

    followed = indexed(organization=alice.organization, text="the lamp arrived broken")
    indexed(organization=alice.organization, text="lovely lamp")
    case, _new = case_open(
        organization=alice.organization,
        subject="Broken lamp",
        by=None,
        origin=Origin(feedback_item=followed),
    )

    page = _inbox(alice.client(), has_case="open")

    body = page.content.decode()
    assert f'href="{reverse("web:case_detail", args=[case.pk])}"' in body
    assert f"Case CL-{case.pk}" in body and "lovely lamp" not in body


def _populate(persona: Persona, count: int) -> None:
    tag = TagFactory.create(organization=persona.organization)
    for n in range(count):
        customer = CustomerFactory(organization=persona.organization, segment="VIP")
        item = indexed(organization=persona.organization, customer=customer, text=f"sofa {n}")
        item.item_tags.create(organization=persona.organization, tag=tag)
        _comment(persona, f"comment {n}")


def test_inbox_query_count_does_not_grow_with_items(alice: Persona) -> None:
    client = alice.client()
    _populate(alice, 2)
    _inbox(client)  # warm the session
    with CaptureQueriesContext(connection) as few:
        _inbox(client, q="sofa", segment="VIP")
    _populate(alice, 10)
    with CaptureQueriesContext(connection) as many:
        page = _inbox(client, q="sofa", segment="VIP")

    assert page.context["page"].paginator.count == 12
    assert len(many) == len(few) <= 14


def test_curator_tags_an_item_with_htmx(alice: Persona) -> None:
    item = indexed(organization=alice.organization)
    tag = TagFactory.create(organization=alice.organization, name="Delivery")
    client = alice.client()

    added = client.post(
        reverse("web:feedback_item_tag_add", args=[item.pk]),
        {"tag": tag.pk},
        HTTP_HX_REQUEST="true",
    )
    assert added.status_code == 200
    assert (
        f'id="item-tags-{item.pk}"' in added.content.decode()
        and "Delivery" in added.content.decode()
    )
    assert ItemTag.objects.filter(item=item, tag=tag).exists()

    removed = client.post(reverse("web:feedback_item_tag_remove", args=[item.pk, tag.pk]))
    assert removed.status_code == 302
    assert not ItemTag.objects.exists()


def test_bulk_tag_tags_every_item_of_the_filter_and_nothing_else(alice: Persona) -> None:
    tag = TagFactory.create(organization=alice.organization)
    wanted = [indexed(organization=alice.organization, text=f"配送 {n}") for n in range(3)]
    other = indexed(organization=alice.organization, text="sofa")

    response = alice.client().post(
        reverse("web:feedback_bulk_tag"), {"query": "q=配送", "tag": tag.pk}
    )

    assert response.status_code == 302 and response["Location"].endswith("?q=%E9%85%8D%E9%80%81")
    assert set(ItemTag.objects.values_list("item_id", flat=True)) == {i.pk for i in wanted}
    assert not other.item_tags.exists()


def test_saved_view_keeps_only_filters_and_shows_in_the_sidebar(alice: Persona) -> None:
    client = alice.client()

    response = client.post(
        reverse("web:feedback_view_create"),
        {"name": "Japanese delivery", "query": "q=配送&language=ja&evil=1&page=3"},
    )

    view = SavedView.objects.get()
    assert view.query == "q=%E9%85%8D%E9%80%81&language=ja" and view.owner_id == alice.membership.pk
    assert response["Location"] == reverse("web:feedback") + "?" + view.query
    sidebar = _inbox(client, q="配送", language="ja").content.decode()
    assert "Japanese delivery" in sidebar and 'aria-current="page">Japanese delivery' in sidebar


def test_personal_views_are_private_and_shared_views_need_a_curator(
    alice: Persona, bob: Persona
) -> None:
    services.saved_view_create(membership=alice.membership, name="Mine", query="language=ja")
    viewer = _viewer(alice)

    assert "Mine" not in _inbox(bob.client()).content.decode()
    viewer.post(reverse("web:feedback_view_create"), {"name": "Team", "query": "", "shared": "on"})
    assert not SavedView.objects.filter(name="Team").exists()
    mine = SavedView.objects.get(name="Mine")
    assert bob.client().post(reverse("web:feedback_view_delete", args=[mine.pk])).status_code == 404


def test_tags_and_rules_pages_create_tags_and_rules(alice: Persona) -> None:
    client = alice.client()
    client.post(reverse("web:feedback_tag_create"), {"name": "Delivery", "colour": "green"})
    tag = Tag.objects.get()
    client.post(
        reverse("web:feedback_tagging_rule_create"),
        {"name": "", "tag": tag.pk, "phrases": "配送、delivery"},
    )
    rule = TaggingRule.objects.get()
    assert rule.phrases == ["配送", "delivery"]
    duplicate = client.post(
        reverse("web:feedback_tag_create"), {"name": "delivery", "colour": "red"}
    )
    assert duplicate.status_code == 400
    assert "A tag with this name already exists." in duplicate.content.decode()
    assert client.get(reverse("web:feedback_tags")).status_code == 200


def test_listening_page_shows_thirty_days_of_matches(alice: Persona) -> None:
    client = alice.client()
    client.post(
        reverse("web:feedback_listening_create"),
        {"name": "Brand", "keywords": "ルーメン", "hashtags": "#lumen", "mentions": ""},
    )
    rule = ListeningRule.objects.get()
    assert rule.hashtags == ["lumen"] and rule.tag.name == "Brand"
    from django.utils import timezone

    indexed(organization=alice.organization, text="#lumen sofa", occurred_at=timezone.now())

    page = client.get(reverse("web:feedback_listening"))

    assert page.status_code == 200
    assert [total for _rule, _bars, total in page.context["rules"]] == [1]
    empty = client.post(reverse("web:feedback_listening_create"), {"name": "Empty"})
    assert empty.status_code == 400
    assert "List at least one keyword, hashtag or mention." in empty.content.decode()


def _acme_objects(alice: Persona) -> dict[str, Any]:
    organization = alice.organization
    item = indexed(organization=organization)
    tag = TagFactory.create(organization=organization)
    item.item_tags.create(organization=organization, tag=tag)
    rule = services.tagging_rule_create(
        organization=organization, name="Acme rule", tag=tag, phrases=["x"], by=alice.membership
    )
    listening = services.listening_rule_create(
        organization=organization,
        name="l",
        keywords=["x"],
        hashtags=[],
        mentions=[],
        by=alice.membership,
    )
    view = services.saved_view_create(membership=alice.membership, name="v", query="", shared=True)
    return {"item": item, "tag": tag, "rule": rule, "listening": listening, "view": view}


def _object_urls(objects: dict[str, Any]) -> list[tuple[str, str]]:
    item, tag = objects["item"], objects["tag"]
    return [
        ("get", reverse("web:feedback_item", args=[item.pk])),
        ("post", reverse("web:feedback_item_tag_add", args=[item.pk])),
        ("post", reverse("web:feedback_item_tag_remove", args=[item.pk, tag.pk])),
        ("post", reverse("web:feedback_tag_delete", args=[tag.pk])),
        ("post", reverse("web:feedback_tagging_rule_delete", args=[objects["rule"].pk])),
        ("post", reverse("web:feedback_listening_toggle", args=[objects["listening"].pk])),
        ("post", reverse("web:feedback_listening_delete", args=[objects["listening"].pk])),
        ("post", reverse("web:feedback_view_delete", args=[objects["view"].pk])),
    ]


def test_charlie_gets_404_for_every_acme_object(alice: Persona, charlie: Persona) -> None:
    objects = _acme_objects(alice)
    client = charlie.client()
    TagFactory(organization=charlie.organization)

    for method, url in _object_urls(objects):
        assert getattr(client, method)(url, {"tag": objects["tag"].pk}).status_code == 404, url
    bulk = client.post(reverse("web:feedback_bulk_tag"), {"query": "", "tag": objects["tag"].pk})
    assert bulk.status_code == 404
    for name in ("web:feedback", "web:feedback_tags", "web:feedback_listening"):
        body = client.get(reverse(name)).content.decode()
        assert objects["item"].text not in body and objects["rule"].name not in body
    assert (
        ItemTag.objects.count() == 1
        and Tag.objects.filter(organization=alice.organization).count() == 2
    )


def test_viewer_reads_but_cannot_tag_or_change_rules(alice: Persona) -> None:
    objects = _acme_objects(alice)
    viewer = _viewer(alice)

    for name in ("web:feedback", "web:feedback_tags", "web:feedback_listening"):
        assert viewer.get(reverse(name)).status_code == 200
    assert viewer.get(reverse("web:feedback_item", args=[objects["item"].pk])).status_code == 200
    for method, url in _object_urls(objects)[1:-1]:
        assert getattr(viewer, method)(url, {"tag": objects["tag"].pk}).status_code == 403, url
    for name in (
        "web:feedback_bulk_tag",
        "web:feedback_tag_create",
        "web:feedback_tagging_rule_create",
        "web:feedback_listening_create",
    ):
        assert (
            viewer.post(reverse(name), {"name": "x", "tag": objects["tag"].pk}).status_code == 403
        )
    assert "Tag all" not in viewer.get(reverse("web:feedback"), {"q": "x"}).content.decode()


def test_agent_may_tag(bob: Persona) -> None:
    item = indexed(organization=bob.organization)
    tag = TagFactory.create(organization=bob.organization)

    bob.client().post(reverse("web:feedback_item_tag_add", args=[item.pk]), {"tag": tag.pk})

    assert item.item_tags.filter(tag=tag).exists()
