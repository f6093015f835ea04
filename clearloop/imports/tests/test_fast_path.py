# ruff: noqa: RUF001  (Chinese and Japanese text keeps its full-width commas)
"""The bulk-load path of imports: ids of the new rows without a read-back, the
PostgreSQL COPY and its staging fallback when some rows are stored, and search indexing
and rules in a background task after each chunk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from clearloop.feedback import services as feedback_services
from clearloop.feedback.models import FeedbackItem, ItemTag, SearchState
from clearloop.feedback.selectors import FeedbackFilters, feedback_list
from clearloop.feedback.tasks import id_ranges
from clearloop.imports import rows
from clearloop.imports.services import bulk_upsert
from clearloop.imports.tests.helpers import (
    FEEDBACK_HEADER,
    csv_bytes,
    feedback_rows,
    mapped,
    run,
    uploaded,
)

pytestmark = pytest.mark.django_db


def _record(n: int, text: str = "") -> dict[str, object]:
    return {
        "external_id": f"e-{n}",
        "source": "review",
        "text": text or f"Item {n}",
        "occurred_at": "2025-05-01 10:00",
    }


def test_the_ids_a_chunk_reports_are_the_ids_of_the_rows_it_created(alice):
    now = timezone.now()
    values = [
        {"source": "review", "external_id": f"x-{n}", "text": f"t {n}", "occurred_at": now}
        for n in range(25)
    ]
    with transaction.atomic():
        ids = rows.insert_rows(
            FeedbackItem, organization_id=alice.organization.pk, rows=values, now=now
        )
    stored = dict(FeedbackItem.objects.values_list("external_id", "id"))
    assert ids == [stored[f"x-{n}"] for n in range(25)]


def test_a_chunk_mixing_stored_and_new_rows_creates_only_the_new_and_updates_the_changed(
    alice,
):
    first = bulk_upsert(
        organization=alice.organization,
        kind="feedback",
        records=[_record(n) for n in range(5)],
        skip_bad=False,
        by=alice.membership,
    )
    assert first.counts.as_dict() == {"created": 5, "updated": 0, "unchanged": 0, "skipped": 0}
    mixed = [_record(n) for n in range(3, 10)]
    mixed[0]["text"] = "Changed text"  # e-3 changes; e-4 is as stored; e-5..e-9 are new
    second = bulk_upsert(
        organization=alice.organization,
        kind="feedback",
        records=mixed,
        skip_bad=False,
        by=alice.membership,
    )
    assert second.counts.as_dict() == {"created": 5, "updated": 1, "unchanged": 1, "skipped": 0}
    items = FeedbackItem.objects.filter(organization=alice.organization)
    assert items.count() == 10
    assert items.get(external_id="e-3").text == "Changed text"


def test_imported_items_are_searchable_and_tagged_once_the_index_task_ran(
    alice, django_capture_on_commit_callbacks
):
    tag = feedback_services.tag_create(
        organization=alice.organization, name="Logistics", by=alice.membership
    )
    feedback_services.tagging_rule_create(
        organization=alice.organization,
        name="Logistics",
        tag=tag,
        phrases=["物流"],
        by=alice.membership,
    )
    data = feedback_rows(4)
    data[1][2] = "这次的物流太慢了，等了两个星期。"
    data[2][2] = "配達がとても速くて、梱包も丁寧でした。"
    job = mapped(uploaded(alice.membership, csv_bytes([FEEDBACK_HEADER, *data])), alice.membership)
    with django_capture_on_commit_callbacks(execute=True):
        job = run(job, alice.membership)
    assert job.rows_created == 4
    items = FeedbackItem.objects.filter(organization=alice.organization)
    assert SearchState.objects.filter(item__in=items).count() == 4

    def found(query: str) -> list[str]:
        listed = feedback_list(organization=alice.organization, filters=FeedbackFilters(q=query))
        return [item.external_id for item in listed]

    assert found("物流") == ["r-2"]
    assert found("梱包") == ["r-3"]
    assert list(ItemTag.objects.filter(tag=tag).values_list("item__external_id", flat=True)) == [
        "r-2"
    ]


def test_running_the_index_task_again_changes_nothing(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        bulk_upsert(
            organization=alice.organization,
            kind="feedback",
            records=[_record(1, "物流很快")],
            skip_bad=False,
            by=alice.membership,
        )
    item = FeedbackItem.objects.get(organization=alice.organization)
    from clearloop.feedback.tasks import feedback_items_index

    feedback_items_index.enqueue(
        organization_id=alice.organization.pk, id_ranges=[[item.pk, item.pk]]
    )
    listed = feedback_list(organization=alice.organization, filters=FeedbackFilters(q="物流"))
    assert [found.pk for found in listed] == [item.pk]


def test_id_ranges_are_runs_of_consecutive_ids():
    assert id_ranges([]) == []
    assert id_ranges([7, 3, 4, 5, 9, 8, 20]) == [[3, 5], [7, 9], [20, 20]]


def test_naive_moments_near_the_ends_of_the_range_are_still_judged_exactly():
    parse = rows.moment(dt.UTC)
    assert parse("1900-01-01 00:00").year == 1900
    with pytest.raises(rows.Invalid):
        parse("1899-12-31 23:59")
    with pytest.raises(rows.Invalid):
        parse("2100-01-01 00:01")


def test_the_gc_is_paused_only_while_the_bulk_write_runs():
    import gc

    assert gc.isenabled()
    with rows.gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
