"""Search that works without spaces between words: Chinese and Japanese find a word inside
a sentence, English finds words and word beginnings, and nothing crosses organizations."""

from __future__ import annotations

import pytest

from clearloop.accounts.models import Organization
from clearloop.feedback import search, selectors
from clearloop.feedback.models import SearchState, SearchToken
from clearloop.feedback.selectors import FeedbackFilters, feedback_list
from clearloop.feedback.services import feedback_index_pending, feedback_items_added
from clearloop.feedback.tests.factories import FeedbackItemFactory, indexed


def _found(organization: Organization, query: str) -> list[str]:
    items = feedback_list(organization=organization, filters=FeedbackFilters(q=query))
    return [item.text for item in items]


def test_cjk_text_is_indexed_by_character_bigrams_and_latin_by_word_prefixes() -> None:
    assert {"物流", "流太"} <= search.text_tokens("这次的物流太慢了")
    assert {"del", "deliv", "delivery"} <= search.text_tokens("Delivery!")
    assert search.text_tokens("ｄｅｌｉｖｅｒｙ") == search.text_tokens("delivery")  # noqa: RUF001
    assert search.term_tokens("配送") == {"配送"}
    assert search.term_tokens("deliver") == {"deliv"}
    assert search.term_tokens("物") == set()  # one character: searched by substring alone


def test_mixed_script_text_splits_into_latin_words_and_cjk_runs() -> None:
    tokens = search.text_tokens("iPhone充电很慢")
    assert {"iph", "iphon", "充电", "电很"} <= tokens
    assert not any("e充" in token for token in tokens)


@pytest.mark.django_db
class TestSearch:
    def test_chinese_search_finds_a_word_inside_a_sentence(self, acme: Organization) -> None:
        indexed(organization=acme, language="zh-hans", text="这次的物流太慢了")
        indexed(organization=acme, language="zh-hans", text="客服态度很好")

        assert _found(acme, "物流") == ["这次的物流太慢了"]
        assert _found(acme, "太慢") == ["这次的物流太慢了"]
        assert _found(acme, "流慢") == []  # both bigrams absent: no hit

    def test_japanese_search_finds_a_word_inside_a_sentence(self, acme: Organization) -> None:
        indexed(organization=acme, language="ja", text="配送がとても遅かったです")
        indexed(organization=acme, language="ja", text="サポートの対応が丁寧でした")

        assert _found(acme, "配送") == ["配送がとても遅かったです"]
        assert _found(acme, "遅かった") == ["配送がとても遅かったです"]
        assert _found(acme, "丁寧") == ["サポートの対応が丁寧でした"]

    def test_bigrams_present_but_apart_are_not_a_match(self, acme: Organization) -> None:
        indexed(organization=acme, text="配送が遅い、送料も高い")  # 配送 and 送料, no 配送料

        assert _found(acme, "配送料") == []
        assert _found(acme, "送料") == ["配送が遅い、送料も高い"]

    def test_english_search_finds_words_and_word_beginnings_in_any_case(
        self, acme: Organization
    ) -> None:
        indexed(organization=acme, text="The DELIVERY took three weeks")
        indexed(organization=acme, text="Support answered quickly")

        assert _found(acme, "delivery") == ["The DELIVERY took three weeks"]
        assert _found(acme, "Deliv") == ["The DELIVERY took three weeks"]
        assert _found(acme, "delivery weeks") == ["The DELIVERY took three weeks"]
        assert _found(acme, "delivery quickly") == []

    def test_single_characters_and_short_words_are_found_by_substring(
        self, acme: Organization
    ) -> None:
        indexed(organization=acme, text="店員さんが親切でした")
        indexed(organization=acme, text="ok but slow")

        assert _found(acme, "店") == ["店員さんが親切でした"]
        assert _found(acme, "ok") == ["ok but slow"]

    def test_a_search_never_matches_another_organizations_items(
        self, acme: Organization, globex: Organization
    ) -> None:
        indexed(organization=globex, text="这次的物流太慢了 delivery")

        assert _found(acme, "物流") == []
        assert _found(acme, "delivery") == []
        assert _found(globex, "物流") == ["这次的物流太慢了 delivery"]

    def test_many_holders_take_the_subquery_path_with_the_same_result(
        self, acme: Organization, globex: Organization, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(selectors, "FEW_HOLDERS", 1)
        for n in range(3):
            indexed(organization=acme, text=f"物流 {n}")
        indexed(organization=globex, text="物流 globex")

        assert sorted(_found(acme, "物流")) == ["物流 0", "物流 1", "物流 2"]

    def test_reindexing_an_item_replaces_its_tokens(self, acme: Organization) -> None:
        item = indexed(organization=acme, text="配送が遅い")
        item.text = "delivery was late"
        item.save(update_fields=["text"])
        feedback_items_added(organization_id=acme.pk, item_ids=[item.pk])
        feedback_items_added(organization_id=acme.pk, item_ids=[item.pk])

        assert _found(acme, "配送") == []
        assert _found(acme, "delivery") == ["delivery was late"]
        assert SearchToken.objects.filter(item=item).count() == len(
            search.index_tokens("delivery was late")
        )

    def test_items_no_writer_reported_are_indexed_by_the_periodic_task(
        self, acme: Organization
    ) -> None:
        FeedbackItemFactory(organization=acme, text="物流太慢")  # saved, never reported
        assert _found(acme, "物流") == []

        assert feedback_index_pending() == 1
        assert feedback_index_pending() == 0

        assert _found(acme, "物流") == ["物流太慢"]
        assert SearchState.objects.count() == 1

    def test_backfill_command_indexes_old_items_the_periodic_run_skips(
        self, acme: Organization
    ) -> None:
        import datetime as dt
        from io import StringIO

        from django.core.management import call_command
        from django.utils import timezone

        from clearloop.feedback.models import FeedbackItem

        old = FeedbackItemFactory(organization=acme, text="物流太慢")
        FeedbackItem.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - dt.timedelta(days=30)
        )
        assert feedback_index_pending() == 0

        out = StringIO()
        call_command("feedback_search_index", stdout=out)

        assert "indexed=1" in out.getvalue()
        assert _found(acme, "物流") == ["物流太慢"]
