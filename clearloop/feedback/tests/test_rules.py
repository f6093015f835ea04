"""Tagging and listening rules tag new items from any writer that reports them through
`feedback_items_added`; listening matches are counted per day in the database."""

from __future__ import annotations

import datetime as dt

import pytest

from clearloop.accounts.models import Organization
from clearloop.conftest import Persona
from clearloop.core.errors import PermissionDenied
from clearloop.feedback import services
from clearloop.feedback.matching import Watch, clean_list
from clearloop.feedback.models import FeedbackSource, ItemTag, ListeningMatch, TagOrigin
from clearloop.feedback.selectors import DayCount, listening_counts, listening_overview
from clearloop.feedback.tests.factories import NOW, FeedbackItemFactory, TagFactory, indexed

pytestmark = pytest.mark.django_db


def _tag_names(item) -> list[str]:
    return sorted(ItemTag.objects.filter(item=item).values_list("tag__name", flat=True))


def test_watch_matches_phrases_in_any_script_and_whole_hashtags_and_mentions() -> None:
    watch = Watch.of(phrases=["物流", "late delivery"], hashtags=["#Lumen"], mentions=["@help"])

    assert watch.matches("这次的物流太慢了", {})
    assert watch.matches("A LATE DELIVERY again", {})
    assert watch.matches("love it #lumen", {})
    assert watch.matches("nice", {"hashtags": ["LUMEN"]})
    assert watch.matches("ping @Help please", {})
    assert watch.matches("nice", {"author_handle": "@help"})
    assert not watch.matches("#lumenhome is great", {})
    assert not watch.matches("mail me at someone@help.example", {})


def test_rule_entries_split_on_latin_and_cjk_commas_and_drop_prefixes() -> None:
    assert clean_list("配送, 物流、遅い，slow\nslow") == ["配送", "物流", "遅い", "slow"]  # noqa: RUF001
    assert clean_list("#sale, ＃セール", prefix="#") == ["sale", "セール"]  # noqa: RUF001


def test_tagging_rule_tags_new_items_from_any_writer(alice: Persona) -> None:
    organization = alice.organization
    tag = TagFactory(organization=organization, name="Delivery")
    services.tagging_rule_create(
        organization=organization,
        name="",
        tag=tag,
        phrases=["配送", "delivery"],
        by=alice.membership,
    )

    japanese = indexed(organization=organization, text="配送がとても遅かったです")
    english = indexed(organization=organization, text="Delivery was quick")
    other = indexed(organization=organization, text="Great sofa")

    assert _tag_names(japanese) == ["Delivery"] and _tag_names(english) == ["Delivery"]
    assert _tag_names(other) == []
    assert ItemTag.objects.get(item=japanese).origin == TagOrigin.RULE


def test_rules_run_once_per_item_so_a_removed_tag_stays_removed(alice: Persona) -> None:
    organization = alice.organization
    tag = TagFactory(organization=organization)
    services.tagging_rule_create(
        organization=organization, name="r", tag=tag, phrases=["sofa"], by=alice.membership
    )
    item = indexed(organization=organization, text="sofa")
    services.item_tag_remove(item=item, tag=tag, by=alice.membership)

    services.feedback_items_added(organization_id=organization.pk, item_ids=[item.pk])

    assert _tag_names(item) == []


def test_back_applied_tagging_rule_tags_existing_items(
    alice: Persona, django_capture_on_commit_callbacks
) -> None:
    organization = alice.organization
    old = indexed(organization=organization, text="物流太慢")
    tag = TagFactory(organization=organization, name="Logistics")

    with django_capture_on_commit_callbacks(execute=True):
        services.tagging_rule_create(
            organization=organization,
            name="Logistics",
            tag=tag,
            phrases=["物流"],
            back_apply=True,
            by=alice.membership,
        )  # the immediate task backend runs the back-apply once committed

    assert _tag_names(old) == ["Logistics"]


def test_listening_rule_tags_and_counts_matches_per_day_in_the_organization_zone(
    alice: Persona,
) -> None:
    organization = alice.organization
    organization.time_zone = "Asia/Tokyo"
    organization.save(update_fields=["time_zone"])
    rule = services.listening_rule_create(
        organization=organization,
        name="Brand",
        keywords=["ルーメン"],
        hashtags=["lumen"],
        mentions=["lumen_help"],
        by=alice.membership,
    )
    day = dt.date(2025, 3, 3)
    late_utc = dt.datetime(2025, 3, 2, 20, 0, tzinfo=dt.UTC)  # 3 March, 05:00 in Tokyo
    indexed(organization=organization, text="ルーメンのソファ", occurred_at=late_utc)
    social = indexed(
        organization=organization,
        source=FeedbackSource.SOCIAL,
        text="so comfy #Lumen",
        occurred_at=NOW,
    )
    indexed(
        organization=organization,
        text="@lumen_help where is my order",
        occurred_at=NOW + dt.timedelta(days=1),
    )
    indexed(organization=organization, text="nothing to see", occurred_at=NOW)

    assert _tag_names(social) == ["Brand"]
    assert listening_counts(
        rule=rule, since=day - dt.timedelta(days=1), until=day + dt.timedelta(days=1)
    ) == [
        DayCount(day - dt.timedelta(days=1), 0),
        DayCount(day, 2),
        DayCount(day + dt.timedelta(days=1), 1),
    ]
    assert listening_overview(organization=organization, since=day, until=day) == {
        rule.pk: [DayCount(day, 2)]
    }


def test_paused_listening_rule_counts_nothing(alice: Persona) -> None:
    organization = alice.organization
    rule = services.listening_rule_create(
        organization=organization,
        name="Brand",
        keywords=["sofa"],
        hashtags=[],
        mentions=[],
        by=alice.membership,
    )
    services.listening_rule_set_active(rule=rule, active=False, by=alice.membership)

    indexed(organization=organization, text="sofa")

    assert ListeningMatch.objects.count() == 0


def test_listening_counts_stay_in_their_organization(alice: Persona, charlie: Persona) -> None:
    rule = services.listening_rule_create(
        organization=alice.organization,
        name="Brand",
        keywords=["sofa"],
        hashtags=[],
        mentions=[],
        by=alice.membership,
    )
    indexed(organization=charlie.organization, text="sofa", occurred_at=NOW)

    assert (
        sum(day.count for day in listening_counts(rule=rule, since=NOW.date(), until=NOW.date()))
        == 0
    )


def test_a_viewer_cannot_tag_or_make_rules(alice: Persona) -> None:
    from clearloop.accounts.roles import Role
    from clearloop.accounts.tests.factories import MembershipFactory

    viewer = MembershipFactory(organization=alice.organization, role=Role.VIEWER)
    tag = TagFactory(organization=alice.organization)
    item = FeedbackItemFactory(organization=alice.organization)

    with pytest.raises(PermissionDenied):
        services.item_tag_add(item=item, tag=tag, by=viewer)
    with pytest.raises(PermissionDenied):
        services.listening_rule_create(
            organization=alice.organization,
            name="x",
            keywords=["a"],
            hashtags=[],
            mentions=[],
            by=viewer,
        )
    assert ItemTag.objects.count() == 0


def test_organization_never_reaches_another_organizations_tag(
    alice: Persona, charlie: Persona, acme: Organization
) -> None:
    from clearloop.core.errors import NotFound

    foreign = TagFactory(organization=charlie.organization)
    item = FeedbackItemFactory(organization=acme)

    with pytest.raises(NotFound):
        services.item_tag_add(item=item, tag=foreign, by=alice.membership)
