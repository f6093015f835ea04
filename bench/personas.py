"""Personas and churn risk over many customers: how long the pages take, step by step.

    .venv/bin/python bench/personas.py                   # 10,000 and 100,000 customers, SQLite
    .venv/bin/python bench/personas.py --customers 10000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/personas.py

SQLite runs in a temporary file; PostgreSQL in a database of its own beside DATABASE_URL,
dropped after. One organization; customers come from four planted behaviours (loyal
promoters, big occasional buyers, lapsed detractors, newcomers), each with orders in two
currencies, an NPS answer for about 60% of them, service contacts and a few open cases.
Loaded through `bulk_create`, then timed (median of 3 after a warm-up):
- counting the features in the database (`customer_features`, one grouped query per table),
- the clustering alone (`choose_k` on the standardised matrix),
- the whole personas page data (`personas_build`), and the same read again from the cache
  (what a second page view or the persona's customer list costs),
- the at-risk list (`customers_at_risk`: every customer scored and sorted).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
# (share, orders (low, high), days between orders, NPS (low, high), contacts, amount)
BEHAVIOURS = [
    (0.35, (4, 10), 30, (9, 10), 1, 60),
    (0.15, (1, 3), 120, (7, 9), 0, 900),
    (0.25, (1, 2), 200, (0, 5), 4, 80),
    (0.25, (1, 1), 10, (6, 9), 1, 50),
]


def _setup_django(database_url: str, var_dir: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        CLEARLOOP_VAR_DIR=var_dir,
        CLEARLOOP_TESTING="0",
    )
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _load(customers: int, seed: int = 1) -> Any:
    from clearloop.accounts.models import Organization
    from clearloop.cases.models import Case, CaseStatus
    from clearloop.customers.models import Customer, Interaction, Order
    from clearloop.surveys.models import Answer, Question, Response, Survey, SurveyVersion

    rng = random.Random(seed)
    organization = Organization.objects.create(
        name=f"Bench {customers}", slug=f"bench-{customers}", time_zone="UTC"
    )
    survey = Survey.objects.create(organization=organization, name="Relationship", status="live")
    version = SurveyVersion.objects.create(
        organization=organization, survey=survey, number=1, published_at=NOW
    )
    question = Question.objects.create(
        organization=organization, version=version, key="nps", kind="nps", texts={"en": "?"}
    )
    behaviours = rng.choices(BEHAVIOURS, weights=[b[0] for b in BEHAVIOURS], k=customers)
    people = Customer.objects.bulk_create(
        [
            Customer(organization=organization, name=f"C{i}", segment=rng.choice("ABCD"))
            for i in range(customers)
        ],
        batch_size=5000,
    )
    orders, contacts, responses, scores, cases = [], [], [], [], []
    for person, (_, (low, high), gap, (nps_low, nps_high), contact_count, amount) in zip(
        people, behaviours, strict=True
    ):
        last = NOW - rng.uniform(0, 2 * gap) * DAY
        for n in range(rng.randint(low, high)):
            currency = "EUR" if person.pk % 2 else "JPY"
            value = amount * rng.uniform(0.5, 1.5) * (1 if currency == "EUR" else 160)
            orders.append(
                Order(
                    organization=organization,
                    customer=person,
                    product="Lamp",
                    amount=Decimal(f"{value:.2f}"),
                    currency=currency,
                    ordered_at=last - n * gap * rng.uniform(0.7, 1.3) * DAY,
                )
            )
        for _ in range(rng.randint(0, 2 * contact_count)):
            contacts.append(
                Interaction(
                    organization=organization,
                    customer=person,
                    channel="email",
                    started_at=NOW - rng.uniform(0, 365) * DAY,
                )
            )
        if rng.random() < 0.6:
            at = NOW - rng.uniform(0, 300) * DAY
            responses.append(
                Response(
                    organization=organization,
                    survey=survey,
                    version=version,
                    customer=person,
                    channel="email",
                    language="en",
                    started_at=at,
                    completed_at=at,
                )
            )
            scores.append(rng.randint(nps_low, nps_high))
        if nps_high <= 5 and rng.random() < 0.1:
            cases.append(
                Case(
                    organization=organization,
                    customer=person,
                    subject="Unhappy",
                    status=CaseStatus.OPEN,
                    topic=f"bench-{person.pk}",
                )
            )
    Order.objects.bulk_create(orders, batch_size=5000)
    Interaction.objects.bulk_create(contacts, batch_size=5000)
    Response.objects.bulk_create(responses, batch_size=5000)
    Answer.objects.bulk_create(
        [
            Answer(organization=organization, response=response, question=question, number=score)
            for response, score in zip(responses, scores, strict=True)
        ],
        batch_size=5000,
    )
    Case.objects.bulk_create(cases, batch_size=5000)
    print(
        f"  loaded {customers:,} customers, {len(orders):,} orders, {len(contacts):,} contacts, "
        f"{len(responses):,} NPS answers, {len(cases):,} open cases"
    )
    return organization


def _timed(label: str, run: Callable[[], Any]) -> Any:
    result = run()  # warm-up
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    print(f"  {label:<44} {1000 * statistics.median(times):9.0f} ms")
    return result


def _bench(customers: int) -> None:
    from clearloop.analytics.persona_selectors import feature_matrix, personas_build
    from clearloop.analytics.personas import choose_k, standardise
    from clearloop.customers.features import (
        customer_features,
        customers_at_risk,
        with_customers,
    )

    print(f"\n{customers:,} customers")
    organization = _load(customers)
    found = _timed(
        "features counted in the database",
        lambda: customer_features(organization=organization, now=NOW),
    )
    matrix = standardise(feature_matrix([found[pk] for pk in sorted(found)]))
    choice = _timed("clustering (k-means++, k = 2..6 by silhouette)", lambda: choose_k(matrix))
    analysis = _timed(
        "personas page data (personas_build)",
        lambda: personas_build(organization=organization, now=NOW),
    )
    _timed(
        "personas again, from the cache (stamp queries)",
        lambda: personas_build(organization=organization),
    )
    rows = _timed(
        "at-risk list (every customer scored, sorted)",
        lambda: customers_at_risk(organization=organization, now=NOW),
    )
    _timed(
        "at-risk again, from the cache (stamp queries)",
        lambda: customers_at_risk(organization=organization),
    )
    _timed(
        "one page of 50 with reasons (with_customers)",
        lambda: with_customers(organization=organization, rows=rows[:50], now=NOW),
    )
    print(f"  k = {choice.k} (silhouette {choice.silhouette:.2f}); personas:")
    for persona in analysis.personas:
        nps = "—" if persona.nps.value is None else f"{persona.nps.value:.0f}"
        print(f"    {persona.number}. {persona.size:>7,}  NPS {nps:>4}  {persona.description}")
    high = sum(1 for row in rows if row.band == "high")
    print(f"  high churn risk: {high:,} customers")


def _database_url(base: str | None, work: str) -> tuple[str, Callable[[], None]]:
    if not base or not base.startswith("postgres"):
        return f"sqlite:///{work}/bench.sqlite3", lambda: None
    import psycopg

    name = f"clearloop_bench_personas_{os.getpid()}"
    parts = urlsplit(base)
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(base, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, action="append")
    arguments = parser.parse_args()
    sizes = arguments.customers or [10_000, 100_000]
    with tempfile.TemporaryDirectory() as work:
        url, drop = _database_url(os.environ.get("DATABASE_URL"), work)
        try:
            _setup_django(url, work)
            from django.db import connection

            print(f"Personas and churn risk on {connection.vendor}")
            for size in sizes:
                _bench(size)
        finally:
            drop()


if __name__ == "__main__":
    main()
