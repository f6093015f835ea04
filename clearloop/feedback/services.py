"""Writes of the feedback inbox: items, the search index, tags, rules and saved views.

Every writer that creates feedback items (imports, intake, feeds, the API, survey
comments) calls `feedback_items_added` once the items exist: it indexes them for search,
runs the tagging and listening rules over the new ones, and has text analysis look at
them once the writer's transaction commits. The periodic task
`feedback_index_pending` catches any item a writer did not report, so none is missed.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from clearloop.accounts.models import Membership, Organization
from clearloop.core.errors import Conflict, PermissionDenied, ValidationFailed
from clearloop.core.scoping import assert_same_organization
from clearloop.core.tasks import enqueue_on_commit
from clearloop.customers.models import Customer
from clearloop.feedback import search
from clearloop.feedback.matching import Watch
from clearloop.feedback.models import (
    FeedbackItem,
    FeedbackSource,
    ItemTag,
    ListeningMatch,
    ListeningRule,
    SavedView,
    SearchState,
    SearchToken,
    Tag,
    TagColour,
    TaggingRule,
    TagOrigin,
)
from clearloop.feedback.permissions import may_curate

CHUNK = 1000
TOKEN_BATCH = 5000
PENDING_WINDOW = dt.timedelta(days=2)


# --- Indexing and rules on new items ------------------------------------------------------


def feedback_items_added(*, organization_id: int, item_ids: list[int]) -> None:
    """Index `item_ids` for search and apply the organization's tagging and listening
    rules to those never seen before. Call after the items are saved (inside or after
    the writer's transaction); calling twice for the same items changes nothing."""
    for start in range(0, len(item_ids), CHUNK):
        _index_chunk(organization_id, item_ids[start : start + CHUNK])
    # Text analysis and cases build on feedback, not the other way round.
    from clearloop.cases.hooks import feedback_added
    from clearloop.textanalysis.services import analyze_later

    analyze_later(organization_id=organization_id, item_ids=item_ids)
    feedback_added(organization_id, item_ids)


@transaction.atomic
def _index_chunk(organization_id: int, item_ids: Sequence[int]) -> None:
    items = list(
        FeedbackItem.objects.for_organization(organization_id)
        .filter(pk__in=item_ids)
        .only("pk", "organization_id", "text", "metadata", "occurred_at")
    )
    ids = [item.pk for item in items]
    seen = set(SearchState.objects.filter(item_id__in=ids).values_list("item_id", flat=True))
    SearchToken.objects.filter(item_id__in=ids).delete()
    _insert_tokens(organization_id, items)
    SearchState.objects.bulk_create(
        [SearchState(item_id=pk) for pk in ids if pk not in seen], ignore_conflicts=True
    )
    _apply_rules(organization_id, [item for item in items if item.pk not in seen])


def _insert_tokens(organization_id: int, items: Iterable[FeedbackItem]) -> None:
    """Millions of three-integer rows are too many for model instances: PostgreSQL gets
    them through COPY, SQLite (in-process, no round trips) through executemany."""
    rows = [
        (organization_id, token, item.pk)
        for item in items
        for token in search.index_tokens(item.text)
    ]
    if not rows:
        return
    table = connection.ops.quote_name(SearchToken._meta.db_table)
    columns = "(organization_id, token, item_id)"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} {columns} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} {columns} VALUES (%s, %s, %s)"  # noqa: S608
        for start in range(0, len(rows), TOKEN_BATCH):
            cursor.executemany(sql, rows[start : start + TOKEN_BATCH])


def _organization_zone(organization_id: int) -> dt.tzinfo:
    name = Organization.objects.values_list("time_zone", flat=True).get(pk=organization_id)
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def _apply_rules(organization_id: int, items: Sequence[FeedbackItem]) -> None:
    if not items:
        return
    tagging = TaggingRule.objects.for_organization(organization_id).filter(active=True)
    listening = ListeningRule.objects.for_organization(organization_id).filter(active=True)
    tags: list[ItemTag] = []
    for rule in tagging:
        watch = Watch.of(phrases=rule.phrases)
        tags += [
            ItemTag(
                organization_id=organization_id,
                item=item,
                tag_id=rule.tag_id,
                origin=TagOrigin.RULE,
            )
            for item in items
            if watch.matches(item.text, item.metadata)
        ]
    matches = _listening_matches(organization_id, list(listening), items)
    tags += [
        ItemTag(
            organization_id=organization_id,
            item_id=match.item_id,
            tag_id=tag_id,
            origin=TagOrigin.LISTENING,
        )
        for match, tag_id in matches
    ]
    ItemTag.objects.bulk_create(tags, ignore_conflicts=True)
    ListeningMatch.objects.bulk_create([match for match, _tag_id in matches], ignore_conflicts=True)


def _watch_of(rule: ListeningRule) -> Watch:
    return Watch.of(phrases=rule.keywords, hashtags=rule.hashtags, mentions=rule.mentions)


def _listening_matches(
    organization_id: int, rules: list[ListeningRule], items: Sequence[FeedbackItem]
) -> list[tuple[ListeningMatch, int]]:
    if not rules:
        return []
    zone = _organization_zone(organization_id)
    found = []
    for rule in rules:
        watch = _watch_of(rule)
        for item in items:
            if watch.matches(item.text, item.metadata):
                day = item.occurred_at.astimezone(zone).date()
                match = ListeningMatch(
                    organization_id=organization_id, rule=rule, item_id=item.pk, day=day
                )
                found.append((match, rule.tag_id))
    return found


def feedback_index_pending(
    *, limit: int = 20 * CHUNK, created_within: dt.timedelta | None = PENDING_WINDOW
) -> int:
    """Index items no writer reported (at most `limit` per call); returns how many.
    The periodic run looks only at recent items (the created_at index keeps that cheap on
    a large inbox); the backfill command passes `created_within=None` for all of them."""
    pending = FeedbackItem.objects.filter(search_state__isnull=True)
    if created_within is not None:
        pending = pending.filter(created_at__gte=timezone.now() - created_within)
    by_organization: dict[int, list[int]] = {}
    for organization_id, pk in pending.order_by("pk").values_list("organization_id", "pk")[:limit]:
        by_organization.setdefault(organization_id, []).append(pk)
    for organization_id, ids in by_organization.items():
        feedback_items_added(organization_id=organization_id, item_ids=ids)
    return sum(len(ids) for ids in by_organization.values())


def rules_back_apply(
    *,
    organization_id: int,
    tagging_rule_id: int | None = None,
    listening_rule_id: int | None = None,
) -> int:
    """Run one rule over every existing item of the organization; returns the matches.
    Safe to run twice: tags and matches are unique per item."""
    tagging = TaggingRule.objects.for_organization(organization_id).filter(pk=tagging_rule_id)
    listening = ListeningRule.objects.for_organization(organization_id).filter(pk=listening_rule_id)
    rule_tag = [(Watch.of(phrases=r.phrases), r.tag_id, None) for r in tagging] + [
        (_watch_of(r), r.tag_id, r) for r in listening
    ]
    items = FeedbackItem.objects.for_organization(organization_id).only(
        "pk", "text", "metadata", "occurred_at"
    )
    total = 0
    zone = _organization_zone(organization_id)
    for watch, tag_id, listening_rule in rule_tag:
        for chunk in _chunks(items.order_by("pk").iterator(chunk_size=CHUNK), CHUNK):
            hits = [item for item in chunk if watch.matches(item.text, item.metadata)]
            _store_hits(organization_id, hits, tag_id, listening_rule, zone)
            total += len(hits)
    return total


def _chunks(items: Iterable[FeedbackItem], size: int) -> Iterable[list[FeedbackItem]]:
    chunk: list[FeedbackItem] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@transaction.atomic
def _store_hits(
    organization_id: int,
    hits: list[FeedbackItem],
    tag_id: int,
    listening_rule: ListeningRule | None,
    zone: dt.tzinfo,
) -> None:
    origin = TagOrigin.LISTENING if listening_rule else TagOrigin.RULE
    ItemTag.objects.bulk_create(
        [
            ItemTag(organization_id=organization_id, item=item, tag_id=tag_id, origin=origin)
            for item in hits
        ],
        ignore_conflicts=True,
    )
    if listening_rule is not None:
        ListeningMatch.objects.bulk_create(
            [
                ListeningMatch(
                    organization_id=organization_id,
                    rule=listening_rule,
                    item=item,
                    day=item.occurred_at.astimezone(zone).date(),
                )
                for item in hits
            ],
            ignore_conflicts=True,
        )


# --- Items --------------------------------------------------------------------------------


def _require_curator(by: Membership) -> None:
    if not may_curate(by.role):
        raise PermissionDenied(_("Your role may read feedback but not tag it or change rules."))


@transaction.atomic
def feedback_item_create(
    *,
    organization: Organization,
    source: str,
    text: str,
    occurred_at: dt.datetime,
    language: str = "",
    rating: int | None = None,
    customer: Customer | None = None,
    external_id: str = "",
    metadata: dict[str, Any] | None = None,
) -> FeedbackItem:
    """Store one non-survey feedback item, indexed and run through the rules."""
    if source == FeedbackSource.SURVEY_COMMENT:
        raise ValidationFailed(
            _("Survey comments are created by survey responses; pick another source."),
            fields={"source": "invalid"},
        )
    assert_same_organization(organization, customer)
    item = FeedbackItem(
        organization=organization,
        source=source,
        text=text,
        occurred_at=occurred_at,
        language=language,
        rating=rating,
        customer=customer,
        external_id=external_id,
        metadata=metadata or {},
    )
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as error:
        raise Conflict(
            _("A feedback item from this source with this external id already exists."),
            fields={"external_id": "duplicate"},
        ) from error
    feedback_items_added(organization_id=organization.pk, item_ids=[item.pk])
    return item


# --- Tags ---------------------------------------------------------------------------------


@transaction.atomic
def tag_create(
    *, organization: Organization, name: str, colour: str = TagColour.BLUE, by: Membership
) -> Tag:
    _require_curator(by)
    name = name.strip()
    if not name:
        raise ValidationFailed(_("Give the tag a name."), fields={"name": "required"})
    if colour not in TagColour.values:
        raise ValidationFailed(_("Pick a colour from the palette."), fields={"colour": "invalid"})
    if Tag.objects.for_organization(organization).filter(name__iexact=name).exists():
        raise Conflict(_("A tag with this name already exists."), fields={"name": "duplicate"})
    return Tag.objects.create(organization=organization, name=name, colour=colour)


@transaction.atomic
def tag_delete(*, tag: Tag, by: Membership) -> None:
    _require_curator(by)
    assert_same_organization(by.organization, tag)
    if tag.listening_rules.exists():
        raise Conflict(_("A listening rule uses this tag; delete the rule first."))
    tag.delete()


@transaction.atomic
def item_tag_add(*, item: FeedbackItem, tag: Tag, by: Membership) -> None:
    _require_curator(by)
    assert_same_organization(by.organization, item, tag)
    ItemTag.objects.get_or_create(
        item=item, tag=tag, defaults={"organization_id": item.organization_id}
    )


@transaction.atomic
def item_tag_remove(*, item: FeedbackItem, tag: Tag, by: Membership) -> None:
    _require_curator(by)
    assert_same_organization(by.organization, item, tag)
    ItemTag.objects.filter(item=item, tag=tag).delete()


@transaction.atomic
def item_tags_set(*, item: FeedbackItem, tags: list[Tag], by: Membership) -> None:
    """Make `tags` exactly the item's tags (the API's PATCH)."""
    _require_curator(by)
    assert_same_organization(by.organization, item, *tags)
    ItemTag.objects.filter(item=item).exclude(tag__in=tags).delete()
    ItemTag.objects.bulk_create(
        [ItemTag(organization_id=item.organization_id, item=item, tag=tag) for tag in tags],
        ignore_conflicts=True,
    )


@transaction.atomic
def tags_bulk_add(*, items: QuerySet[FeedbackItem], tag: Tag, by: Membership) -> int:
    """Tag every item of `items` (a filtered inbox); returns how many items were given."""
    _require_curator(by)
    assert_same_organization(by.organization, tag)
    ids = list(items.filter(organization_id=tag.organization_id).values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        ItemTag.objects.bulk_create(
            [
                ItemTag(organization_id=tag.organization_id, item_id=pk, tag=tag)
                for pk in ids[start : start + CHUNK]
            ],
            ignore_conflicts=True,
        )
    return len(ids)


# --- Rules --------------------------------------------------------------------------------


def _back_apply_later(organization_id: int, **rule: int) -> None:
    from clearloop.feedback.tasks import feedback_rules_back_apply

    enqueue_on_commit(feedback_rules_back_apply, organization_id=organization_id, **rule)


@transaction.atomic
def tagging_rule_create(
    *,
    organization: Organization,
    name: str,
    tag: Tag,
    phrases: list[str],
    back_apply: bool = False,
    by: Membership,
) -> TaggingRule:
    _require_curator(by)
    assert_same_organization(organization, tag)
    if not phrases:
        raise ValidationFailed(
            _("List at least one word or phrase to look for."), fields={"phrases": "required"}
        )
    rule = TaggingRule.objects.create(
        organization=organization, name=name.strip() or tag.name, tag=tag, phrases=phrases
    )
    if back_apply:
        _back_apply_later(organization.pk, tagging_rule_id=rule.pk)
    return rule


@transaction.atomic
def tagging_rule_delete(*, rule: TaggingRule, by: Membership) -> None:
    _require_curator(by)
    assert_same_organization(by.organization, rule)
    rule.delete()


def _listening_tag(organization: Organization, name: str) -> Tag:
    tag, _created = Tag.objects.get_or_create(
        organization=organization, name=name[:60], defaults={"colour": TagColour.PURPLE}
    )
    return tag


@transaction.atomic
def listening_rule_create(
    *,
    organization: Organization,
    name: str,
    keywords: list[str],
    hashtags: list[str],
    mentions: list[str],
    tag: Tag | None = None,
    back_apply: bool = False,
    by: Membership,
) -> ListeningRule:
    """Watch for keywords, hashtags and mentions; matches get `tag` (by default a tag
    named after the rule) and are counted per day."""
    _require_curator(by)
    assert_same_organization(organization, tag)
    name = name.strip()
    if not name:
        raise ValidationFailed(_("Give the rule a name."), fields={"name": "required"})
    if not (keywords or hashtags or mentions):
        raise ValidationFailed(
            _("List at least one keyword, hashtag or mention to watch."),
            fields={"keywords": "required"},
        )
    rule = ListeningRule.objects.create(
        organization=organization,
        name=name,
        keywords=keywords,
        hashtags=hashtags,
        mentions=mentions,
        tag=tag or _listening_tag(organization, name),
    )
    if back_apply:
        _back_apply_later(organization.pk, listening_rule_id=rule.pk)
    return rule


@transaction.atomic
def listening_rule_set_active(*, rule: ListeningRule, active: bool, by: Membership) -> None:
    _require_curator(by)
    assert_same_organization(by.organization, rule)
    rule.active = active
    rule.save(update_fields=["active", "updated_at"])


@transaction.atomic
def listening_rule_delete(*, rule: ListeningRule, by: Membership) -> None:
    _require_curator(by)
    assert_same_organization(by.organization, rule)
    rule.delete()


# --- Saved views --------------------------------------------------------------------------


@transaction.atomic
def saved_view_create(
    *, membership: Membership, name: str, query: str, shared: bool = False
) -> SavedView:
    """Save the inbox's current filter. Any member may keep personal views; sharing one
    with the organization needs a curating role."""
    if shared:
        _require_curator(membership)
    name = name.strip()
    if not name:
        raise ValidationFailed(_("Give the view a name."), fields={"name": "required"})
    return SavedView.objects.create(
        organization_id=membership.organization_id,
        name=name[:80],
        query=query[:1000],
        owner=None if shared else membership,
    )


@transaction.atomic
def saved_view_delete(*, view: SavedView, by: Membership) -> None:
    assert_same_organization(by.organization, view)
    if view.owner_id is None:
        _require_curator(by)
    elif view.owner_id != by.pk:
        raise PermissionDenied(_("Only its owner can delete a personal view."))
    view.delete()
