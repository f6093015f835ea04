"""Inbox search over 100,000 feedback items in English, Chinese and Japanese: how fast the
search index is built and how long a search takes, next to a plain substring scan.

    .venv/bin/python bench/search.py                     # SQLite file in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_search .venv/bin/python bench/search.py

Creates (and drops, on PostgreSQL) a database of its own. BENCH_ITEMS changes the size.
Each query is timed as the inbox runs it: the count and the first page of 50, median of
five runs after one warm-up.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CLEARLOOP_VAR_DIR", tempfile.mkdtemp(prefix="clearloop-bench-"))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

ITEMS = int(os.environ.get("BENCH_ITEMS", "100000"))
RUNS = 5

ENGLISH = [
    "The delivery took three weeks",
    "support answered quickly and kindly",
    "the sofa fabric feels cheap",
    "great value for the price",
    "the courier left the parcel in the rain",
    "assembly instructions were confusing",
    "I love the colour of the lamp",
    "refund took far too long",
    "the app keeps logging me out",
    "staff in the store were helpful",
]
CHINESE = [
    "这次的物流太慢了",
    "客服态度很好",
    "沙发的面料有点薄",
    "性价比很高",
    "快递员把包裹放在门外",
    "安装说明看不懂",
    "灯的颜色很漂亮",
    "退款等了很久",
    "应用总是自动退出",
    "门店的店员很热情",
]
JAPANESE = [
    "配送がとても遅かったです",
    "サポートの対応が丁寧でした",
    "ソファの生地が安っぽい",
    "値段の割に品質が良い",
    "荷物が雨の中に置かれていました",
    "組み立て説明書が分かりにくい",
    "ランプの色が気に入りました",
    "返金に時間がかかりすぎ",
    "アプリがすぐログアウトする",
    "店員さんが親切でした",
]
RARE = {"en": "zeppelin", "zh-hans": "飞艇", "ja": "飛行船"}
QUERIES = ["配送", "物流", "delivery", "deliv", "refund long", "飞艇", "zeppelin", "店"]


def _text(rng: random.Random, language: str, pool: list[str], n: int) -> str:
    joiner = " " if language == "en" else ("。" if language == "ja" else "\uff0c")
    parts = rng.sample(pool, rng.randint(2, 4))
    if n % 997 == 0:
        parts.append(RARE[language])
    return joiner.join(parts)


def _seed(organization: Any) -> list[int]:
    from clearloop.feedback.models import FeedbackItem, FeedbackSource

    rng = random.Random(7)
    languages = [("en", ENGLISH), ("zh-hans", CHINESE), ("ja", JAPANESE)]
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    rows = []
    for n in range(ITEMS):
        language, pool = languages[n % 3]
        rows.append(
            FeedbackItem(
                organization=organization,
                source=FeedbackSource.REVIEW,
                language=language,
                text=_text(rng, language, pool, n),
                occurred_at=start + dt.timedelta(minutes=7 * n),
            )
        )
    FeedbackItem.objects.bulk_create(rows, batch_size=2000)
    return list(FeedbackItem.objects.values_list("pk", flat=True))


def _timed(run: Any) -> tuple[float, Any]:
    run()  # warm-up
    times, result = [], None
    for _ in range(RUNS):
        started = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def _search_ms(organization: Any, query: str) -> tuple[float, int]:
    from clearloop.feedback.selectors import FeedbackFilters, feedback_list

    def run() -> int:
        items = feedback_list(organization=organization, filters=FeedbackFilters(q=query))
        list(items[:50])
        return items.count()

    return _timed(run)


def _scan_ms(organization: Any, query: str) -> tuple[float, int]:
    from clearloop.feedback.models import FeedbackItem

    def run() -> int:
        items = FeedbackItem.objects.filter(organization=organization)
        for term in query.split():
            items = items.filter(text__icontains=term)
        items = items.order_by("-occurred_at", "-pk")
        list(items[:50])
        return items.count()

    return _timed(run)


def main() -> None:
    from clearloop.accounts.models import Organization
    from clearloop.feedback.models import SearchToken
    from clearloop.feedback.services import feedback_items_added

    old = setup_databases(verbosity=0, interactive=False, serialized_aliases=[])
    try:
        organization = Organization.objects.create(name="Bench", slug="bench")
        Organization.objects.create(name="Other", slug="other")
        ids = _seed(organization)
        started = time.perf_counter()
        feedback_items_added(organization_id=organization.pk, item_ids=ids)
        seconds = time.perf_counter() - started
        tokens = SearchToken.objects.count()
        if connection.vendor == "postgresql":  # what autovacuum does after a bulk load
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(
            f"database={connection.vendor} items={ITEMS} tokens={tokens} "
            f"index_seconds={seconds:.1f} items_per_second={ITEMS / seconds:.0f}"
        )
        for query in QUERIES:
            indexed, hits = _search_ms(organization, query)
            scanned, scan_hits = _scan_ms(organization, query)
            assert hits == scan_hits, (query, hits, scan_hits)
            print(f"q={query!r:14} hits={hits:6} index_ms={indexed:7.1f} scan_ms={scanned:7.1f}")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
