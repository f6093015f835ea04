"""Text analysis throughput: demo-like feedback texts per language through the app's
pipeline (language detection, sentiment of the text and each sentence, aspect clauses,
signals, and the key-phrase terms topic assignment reads), with the builtin provider.

    .venv/bin/python bench/text_pipeline.py            # 3,000 texts per language
    BENCH_TEXTS=10000 .venv/bin/python bench/text_pipeline.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_text .venv/bin/python \
        bench/text_pipeline.py

The texts come from the demo generator (`seed_demo`'s plan). Two stages, one process (one
core): the pipeline alone (median of three runs after a warm-up), then the task's whole
path, `services.items_analyze`, which also stores sentences, aspects, signals and topic
assignments, against a test database of its own (SQLite in a temp dir, or a throwaway
one beside DATABASE_URL) with 8 topics discovered first. DESIGN.md asks for >= 300
texts/s per core in every language.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

os.environ.setdefault("CLEARLOOP_VAR_DIR", tempfile.mkdtemp(prefix="clearloop-bench-"))

import django  # noqa: E402

django.setup()

from clearloop.demo.generator import generate_plan  # noqa: E402
from clearloop.textanalysis import pipeline, services, topics  # noqa: E402

TEXTS = int(os.environ.get("BENCH_TEXTS", "3000"))
BATCH = 500
LANGUAGES = {"en": "en", "zh-hans": "zh", "ja": "ja"}


def demo_texts() -> dict[str, list[str]]:
    plan = generate_plan(seed=7, customers=600, responses=3000, anchor=dt.date(2026, 11, 30))
    found: dict[str, list[str]] = {code: [] for code in LANGUAGES.values()}
    for feedback in plan.feedback:
        code = LANGUAGES.get(feedback.language)
        if code:
            found[code].append(feedback.text)
    return found


def run(texts: list[str], language: str, detect: bool) -> float:
    provider = services.current_provider()
    started = time.perf_counter()
    for start in range(0, len(texts), BATCH):
        batch = texts[start : start + BATCH]
        results = pipeline.analyze_texts(
            batch, provider, None if detect else [language] * len(batch)
        )
        for text, result in zip(batch, results, strict=True):
            topics.document_terms(text, result.language)
    return len(texts) / (time.perf_counter() - started)


def run_database(pools: dict[str, list[str]], rng: random.Random) -> None:
    from django.test.utils import setup_databases, teardown_databases
    from django.utils import timezone

    from clearloop.accounts.models import Organization
    from clearloop.feedback.models import FeedbackItem

    old = setup_databases(verbosity=0, interactive=False, serialized_aliases=[])
    try:
        organization = Organization.objects.create(name="Bench", slug="bench")
        for language, pool in pools.items():
            items = FeedbackItem.objects.bulk_create(
                [
                    FeedbackItem(
                        organization=organization,
                        source="review",
                        text=rng.choice(pool),
                        occurred_at=timezone.now(),
                    )
                    for _ in range(TEXTS)
                ],
                batch_size=2000,
            )
            services.topics_discover(organization_id=organization.pk, count=8)
            ids = [item.pk for item in items]
            started = time.perf_counter()
            services.items_analyze(organization_id=organization.pk, item_ids=ids)
            rate = len(ids) / (time.perf_counter() - started)
            print(f"{language} with the database ({organization_vendor()}): {rate:,.0f} texts/s")
    finally:
        teardown_databases(old, verbosity=0)


def organization_vendor() -> str:
    from django.db import connection

    return connection.vendor


def main() -> None:
    rng = random.Random(7)
    pools = demo_texts()
    print(f"provider={services.current_provider().name} texts per language={TEXTS} batch={BATCH}")
    for language, pool in pools.items():
        texts = [rng.choice(pool) for _ in range(TEXTS)]
        mean_chars = statistics.mean(len(t) for t in texts)
        run(texts[:200], language, True)  # warm-up: loads jieba / MeCab
        rates = [run(texts, language, detect=True) for _ in range(3)]
        print(
            f"{language}: {statistics.median(rates):,.0f} texts/s "
            f"(runs {', '.join(f'{r:,.0f}' for r in rates)}; {len(pool)} distinct demo texts, "
            f"mean {mean_chars:.0f} characters)"
        )
    run_database(pools, rng)


if __name__ == "__main__":
    main()
