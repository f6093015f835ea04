"""Bulk writes of feedback items: validate every record, then upsert by (source, external id).

Used by the importer (`clearloop.imports`) and the bulk API through the
`clearloop.imports.rows.BulkWriter` shape; see `clearloop.customers.bulk` for customers.

A record without an external id gets one made from its content: ``sha256:`` and the hash
of its source, moment (UTC), text and customer. Exports of reviews and chats often carry
no id, and refusing them would make the importer useless for those tools; a derived id
keeps a re-import idempotent and lets the database's own unique constraint
(organization, source, external id) guarantee that an item is stored once, which a hash
kept only in the metadata could not. The metadata records `"external_id_from": "content"`
so nobody mistakes it for the source's id. Editing the text in the file then makes a new
item, which is what it is.

Each chunk enqueues, once it commits, the background task that indexes its created and
changed items for search and applies the tagging and listening rules to them
(`clearloop.feedback.tasks.feedback_items_index`): the items are stored and listed at
once, and searchable and tagged as soon as a worker ran the task.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_tasks_db import DatabaseBackend

from clearloop.accounts.models import Organization
from clearloop.core.tasks import enqueue_on_commit
from clearloop.customers.bulk import (
    BaseWriter,
    customer_ref,
    customer_ref_specs,
    customers_for_refs,
)
from clearloop.feedback.models import FeedbackItem, FeedbackSource
from clearloop.imports import rows
from clearloop.imports.rows import ChunkResult, CleanRow, FieldSpec, Value

METADATA_FIELDS = ("site", "url", "author")
STORED_FIELDS = [
    "source",
    "external_id",
    "customer_id",
    "language",
    "text",
    "rating",
    "occurred_at",
    "metadata",
]
TEXT_MAX_LENGTH = 20_000


def content_id(values: dict[str, Value]) -> str:
    """The external id of a record that has none (see the module docstring)."""
    moment: dt.datetime = values["occurred_at"]
    ref = customer_ref(values) or ("", "")
    parts = [values["source"], moment.astimezone(dt.UTC).isoformat(), values["text"], *ref]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"sha256:{digest[:40]}"


def _text(value: Value) -> str:
    result = rows.long_text(value)
    if len(result) > TEXT_MAX_LENGTH:
        raise rows.Invalid(
            str(gettext_lazy("Keep the text under %(max)d characters.")) % {"max": TEXT_MAX_LENGTH}
        )
    return result


class FeedbackWriter(BaseWriter):
    def __init__(self, organization: Organization) -> None:
        super().__init__(organization)
        self.specs = [
            FieldSpec("external_id", str(gettext_lazy("External id")), rows.text(200)),
            FieldSpec(
                "source",
                str(gettext_lazy("Source")),
                rows.choice(FeedbackSource, exclude=[FeedbackSource.SURVEY_COMMENT]),
                required=True,
            ),
            FieldSpec("text", str(gettext_lazy("Text")), _text, required=True),
            FieldSpec(
                "occurred_at",
                str(gettext_lazy("Occurred at")),
                rows.moment(self.zone),
                required=True,
            ),
            FieldSpec(
                "rating", str(gettext_lazy("Rating, 1 to 5")), rows.integer(minimum=1, maximum=5)
            ),
            FieldSpec("language", str(gettext_lazy("Language")), rows.language),
            *customer_ref_specs(),
            FieldSpec("site", str(gettext_lazy("Site")), rows.text(200)),
            FieldSpec("url", str(gettext_lazy("URL")), rows.text(500)),
            FieldSpec("author", str(gettext_lazy("Author or handle")), rows.text(200)),
        ]

    expect_new = True

    def check(self, row: int, values: dict[str, Value]) -> list[rows.RowError]:
        if not values.get("external_id"):
            values["external_id"] = content_id(values)
            values["external_id_from_content"] = True
        return []

    def key(self, values: dict[str, Value]) -> Any:
        column = "text" if values.get("external_id_from_content") else "external_id"
        return (column, values["source"], values["external_id"])

    def write_chunk(self, clean: Sequence[CleanRow]) -> ChunkResult:
        refs = {ref for row in clean if (ref := customer_ref(row.values))}
        customers = (
            customers_for_refs(organization_id=self.organization_id, refs=refs) if refs else {}
        )
        records = [_record(row.values, customers) for row in clean]
        created_ids: list[int] = []
        if self.expect_new and rows.inserts_first(FeedbackItem):
            # PostgreSQL: the new items go in at once; only the others are compared. Once
            # a chunk met stored items (a re-import), the next ones look them up first.
            created_ids, stored_at = rows.insert_new(
                FeedbackItem,
                organization_id=self.organization_id,
                rows=records,
                scope_field="source",
                now=timezone.now(),
            )
            records = [records[position] for position in stored_at]
            self.expect_new = not stored_at
        stored = self._stored(records)

        def stored_for(values: dict[str, Value]) -> dict[str, Value] | None:
            found = stored.get((values["external_id"], values["source"]))
            if found is not None:
                # Metadata merges: keys another tool stored stay.
                values["metadata"] = {**found["metadata"], **values["metadata"]}
            return found

        plan = rows.plan(records, stored_for)
        result = rows.apply_plan(
            FeedbackItem,
            organization_id=self.organization_id,
            plan=plan,
            update_fields=[name for name in STORED_FIELDS if name not in ("source", "external_id")],
        )
        result.counts.created += len(created_ids)
        result.created_ids = [*created_ids, *result.created_ids]
        _items_added(self.organization_id, [*result.created_ids, *result.updated_ids])
        return result

    def _stored(self, records: list[dict[str, Value]]) -> dict[tuple[str, str], dict[str, Value]]:
        """The stored items under the records' keys, by (external id, source): their ids
        first (one query), then the full values of those found only."""
        ids = rows.stored_ids(
            FeedbackItem,
            organization_id=self.organization_id,
            keys=((values["external_id"], values["source"]) for values in records),
            scope_column="source",
        )
        if not ids:
            return {}
        found = (
            FeedbackItem.objects.filter(organization_id=self.organization_id, pk__in=ids.values())
            .order_by()
            .values("id", *STORED_FIELDS)
        )
        return {(item["external_id"], item["source"]): item for item in found}


def _record(values: dict[str, Value], customers: dict[Any, int]) -> dict[str, Value]:
    record = {name: values[name] for name in STORED_FIELDS if name in values}
    metadata = {name: values[name] for name in METADATA_FIELDS if name in values}
    if "external_id_from_content" in values:
        metadata["external_id_from"] = "content"
    record["metadata"] = metadata
    ref = customer_ref(values)
    if ref is not None:
        record["customer_id"] = customers[ref]
    return record


def _items_added(organization_id: int, item_ids: list[int]) -> None:
    """Index the written items for search and run the rules over them in the background:
    a large import is not held up by tokenizing every text; the items are in the inbox at
    once and searchable once the task ran (seconds later). The task is idempotent; were
    it lost, the periodic `feedback_index_pending` finds new items without a search state.

    With the database task backend the task row is written in the chunk's own
    transaction: committed with the items or not at all, and without a commit of its own
    per chunk (a disk flush each). A backend outside the database gets it after commit,
    so that its worker never looks for items it cannot see yet."""
    if not item_ids:
        return
    try:
        from clearloop.feedback.tasks import feedback_items_index, id_ranges
    except ImportError:
        return  # the rules engine is not installed in this build; items stay untagged
    ranges = id_ranges(item_ids)
    if isinstance(feedback_items_index.get_backend(), DatabaseBackend):
        feedback_items_index.enqueue(organization_id=organization_id, id_ranges=ranges)
    else:
        enqueue_on_commit(feedback_items_index, organization_id=organization_id, id_ranges=ranges)
