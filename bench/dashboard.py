# ruff: noqa: S608  (the raw SQL is built from the bench's own constants and ids)
"""Dashboard figures over many responses: Clearloop's code (rollups) next to the same
question asked in plain SQL of the raw tables, in one run.

    .venv/bin/python bench/dashboard.py                      # 1,000,000 responses, SQLite
    .venv/bin/python bench/dashboard.py --rows 200000        # a quicker run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/dashboard.py
                                                             # 10,000,000 on PostgreSQL

SQLite runs in a temporary file; PostgreSQL in a database of its own beside DATABASE_URL,
dropped after. One organization (time zone UTC, so the raw SQL buckets like the code):
a relationship survey (NPS and a matrix of four attribute ratings, 30% of responses) and a
post-support survey (CSAT, 70%, each after an interaction with one of 40 agents in 5
teams), over two years, customers in 6 regions and 4 segments, 5 channels, 3 languages.
Loaded with the fastest bulk path (COPY on PostgreSQL; one executemany transaction on
SQLite), then `rollups_rebuild` builds the rollups (timed).

Each figure is timed (median of 5 after one warm-up) through Clearloop's selectors and as
raw SQL on the raw answers: overall NPS with interval, weekly NPS over two years, NPS by
region x channel, CSAT by agent (with the tests against the rest and Holm), driver analysis.
Last, 1,000 late responses (one day a year ago, typed in today) and 100 new ones arrive and
the every-minute refresh is timed until the figures include them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ["North", "South", "East", "West", "Central", "Overseas"]
SEGMENTS = ["Consumer", "Business", "Trade", "VIP"]
CHANNELS = ["link", "email", "widget", "qr", "api"]
LANGUAGES = ["en", "zh-hans", "ja"]
ROWS = ["quality", "delivery", "price", "staff"]
CUSTOMERS = 20_000
INTERACTIONS = 50_000
AGENTS = 40
TEAMS = 5
DAYS = 730
RUNS = 5


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


# --- Loading ----------------------------------------------------------------------------


def _columns(model: Any) -> list[Any]:
    return [field for field in model._meta.concrete_fields if not field.generated]


def _bulk_load(model: Any, rows: Iterator[tuple[Any, ...]]) -> int:
    """Rows in the order of `_columns(model)`; COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection, transaction

    columns = [field.column for field in _columns(model)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            adapt = connection.ops.adapt_datetimefield_value
            rows = (
                tuple(adapt(v) if isinstance(v, dt.datetime) else v for v in row) for row in rows
            )
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append(row)
                if len(batch) == 50_000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
    return count


def _world() -> dict[str, Any]:
    """The organization, its surveys, questions, customers, agents and interactions (few
    rows, through the ORM)."""
    from clearloop.accounts.models import Membership, Organization, Team, User
    from clearloop.customers.models import Customer, Interaction
    from clearloop.surveys.models import Question, Survey, SurveyVersion

    organization = Organization.objects.create(name="Bench", slug="bench", time_zone="UTC")
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    surveys, versions, questions = {}, {}, {}
    for key, name in (("nps", "Relationship"), ("csat", "Post-support")):
        survey = Survey.objects.create(organization=organization, name=name, status="live")
        version = SurveyVersion.objects.create(
            organization=organization, survey=survey, number=1, published_at=now
        )
        surveys[key], versions[key] = survey, version
    questions["nps"] = Question.objects.create(
        organization=organization, version=versions["nps"], key="nps", kind="nps", texts={"en": "?"}
    )
    questions["matrix"] = Question.objects.create(
        organization=organization,
        version=versions["nps"],
        key="attributes",
        kind="matrix",
        position=1,
        texts={"en": "Rate us"},
        options={
            "rows": [{"key": r, "texts": {"en": r}} for r in ROWS],
            "scale": {"min": 1, "max": 5},
        },
    )
    questions["csat"] = Question.objects.create(
        organization=organization,
        version=versions["csat"],
        key="csat",
        kind="csat",
        texts={"en": "?"},
    )
    teams = [Team.objects.create(organization=organization, name=f"Team {i}") for i in range(TEAMS)]
    agents = User.objects.bulk_create(
        User(email=f"agent{i}@bench.test", full_name=f"Agent {i:02d}") for i in range(AGENTS)
    )
    Membership.objects.bulk_create(
        Membership(organization=organization, user=agent, role="agent") for agent in agents
    )
    customers = Customer.objects.bulk_create(
        (
            Customer(
                organization=organization,
                external_id=f"C{i}",
                name=f"Customer {i}",
                region=REGIONS[i % len(REGIONS)],
                segment=SEGMENTS[(i // 7) % len(SEGMENTS)],
            )
            for i in range(CUSTOMERS)
        ),
        batch_size=5000,
    )
    interactions = Interaction.objects.bulk_create(
        (
            Interaction(
                organization=organization,
                customer=customers[i % CUSTOMERS],
                channel="phone",
                agent=agents[i % AGENTS],
                team=teams[(i % AGENTS) % TEAMS],
                started_at=now,
                resolved_on_first_contact=i % 4 != 0,
            )
            for i in range(INTERACTIONS)
        ),
        batch_size=5000,
    )
    return {
        "organization": organization,
        "surveys": surveys,
        "versions": versions,
        "questions": questions,
        "customers": [c.pk for c in customers],
        "interactions": [(x.pk, x.customer_id) for x in interactions],
        "agent_quality": {agent.pk: (i % 7) / 10 for i, agent in enumerate(agents)},
    }


def _load(
    world: dict[str, Any],
    responses: int,
    first_id: int,
    days_ago: int = 0,
    days: int = DAYS,
    end: dt.datetime | None = None,
) -> tuple[int, int]:
    """`responses` responses (ids from `first_id`) and their answers. Scores follow the
    ratings and the agent, so drivers and segments find something."""
    import numpy as np

    from clearloop.surveys.models import Answer, Response

    rng = np.random.default_rng(first_id)
    organization_id = world["organization"].pk
    # Rows typed in later than the base load are created now: the refresh's watermark sees them.
    stamp = (
        dt.datetime(2026, 1, 2, tzinfo=dt.UTC) if first_id >= 1_000_000 else dt.datetime.now(dt.UTC)
    )
    end = (end or dt.datetime(2026, 1, 1, tzinfo=dt.UTC)) - dt.timedelta(days=days_ago)
    seconds = rng.integers(0, days * 86400, responses)
    is_nps = rng.random(responses) < 0.3
    ratings = np.clip(np.round(rng.normal(3.6, 1.0, (responses, 4))), 1, 5).astype(int)
    latent = ratings @ np.array([0.9, 0.6, 0.35, 0.5]) - 7.4 + rng.normal(0, 1.1, responses)
    nps = np.clip(np.round(latent + 7.5), 0, 10).astype(int)
    channel = rng.integers(0, len(CHANNELS), responses)
    language = rng.integers(0, len(LANGUAGES), responses)
    customer = rng.integers(0, len(world["customers"]), responses)
    interaction = rng.integers(0, len(world["interactions"]), responses)
    noise = rng.normal(0, 1, responses)
    versions, surveys, questions = world["versions"], world["surveys"], world["questions"]

    def response_rows() -> Iterator[tuple[Any, ...]]:
        for i in range(responses):
            completed = end - dt.timedelta(seconds=int(seconds[i]))
            kind = "nps" if is_nps[i] else "csat"
            interaction_id, interaction_customer = (
                world["interactions"][interaction[i]] if kind == "csat" else (None, None)
            )
            yield (
                first_id + i, stamp, stamp, organization_id, surveys[kind].pk, versions[kind].pk,
                interaction_customer or world["customers"][customer[i]], interaction_id, None,
                None, CHANNELS[channel[i]], LANGUAGES[language[i]], "{}",
                completed - dt.timedelta(minutes=2), completed,
            )  # fmt: skip

    quality = world["agent_quality"]
    agent_ids = list(quality)  # interaction k was handled by agent k % AGENTS

    def answer_rows() -> Iterator[tuple[Any, ...]]:
        answer_id = first_id * 6
        for i in range(responses):
            response_id = first_id + i
            if is_nps[i]:
                answer_id += 1
                yield (
                    answer_id,
                    stamp,
                    stamp,
                    organization_id,
                    response_id,
                    questions["nps"].pk,
                    "",
                    int(nps[i]),
                    "[]",
                    "",
                )
                for j, row in enumerate(ROWS):
                    answer_id += 1
                    yield (
                        answer_id,
                        stamp,
                        stamp,
                        organization_id,
                        response_id,
                        questions["matrix"].pk,
                        row,
                        int(ratings[i, j]),
                        "[]",
                        "",
                    )
            else:
                agent = agent_ids[int(interaction[i]) % AGENTS]
                score = int(min(5, max(1, round(3.9 + quality[agent] + noise[i]))))
                answer_id += 1
                csat = questions["csat"].pk
                yield (answer_id, stamp, stamp, organization_id, response_id, csat, "", score, "[]", "")  # noqa: E501  # fmt: skip

    loaded_responses = _bulk_load(Response, response_rows())
    loaded_answers = _bulk_load(Answer, answer_rows())
    return loaded_responses, loaded_answers


# --- Timing ----------------------------------------------------------------------------


def _median_ms(call: Callable[[], Any]) -> float:
    call()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _raw(sql: str, params: list[Any]) -> Callable[[], Any]:
    from django.db import connection

    def run() -> Any:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def _raw_queries(world: dict[str, Any], vendor: str) -> dict[str, tuple[str, list[Any]]]:
    org = world["organization"].pk
    nps_q, csat_q, matrix_q = (world["questions"][k].pk for k in ("nps", "csat", "matrix"))
    counts = (
        "COUNT(*), SUM(CASE WHEN a.number >= 9 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN a.number <= 6 THEN 1 ELSE 0 END)"
    )
    base = (
        "FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id "
        "WHERE a.organization_id = %s AND a.question_id = %s AND a.number IS NOT NULL "
        "AND r.completed_at IS NOT NULL"
    )
    week = (
        "date_trunc('week', r.completed_at)"
        if vendor == "postgresql"
        else "date(r.completed_at, 'weekday 0', '-6 days')"
    )
    pivot = ", ".join(
        f"MAX(CASE WHEN a.question_id = {matrix_q} AND a.row = '{row}' THEN a.number END) x{i}"
        for i, row in enumerate(ROWS)
    )
    names = [f"x{i}" for i in range(len(ROWS))] + ["y"]
    products = ", ".join(f"SUM(1.0 * {a} * {b})" for i, a in enumerate(names) for b in names[i:])
    return {
        "overall NPS with interval": (f"SELECT {counts} {base}", [org, nps_q]),
        "weekly NPS, two years": (
            f"SELECT {week} AS w, {counts} {base} AND r.completed_at >= %s GROUP BY w",
            [org, nps_q, dt.datetime(2024, 1, 2, tzinfo=dt.UTC)],
        ),
        "NPS by region x channel": (
            "SELECT c.region, r.channel, "
            + counts
            + " FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id "
            "LEFT JOIN customers_customer c ON c.id = r.customer_id "
            "WHERE a.organization_id = %s AND a.question_id = %s AND a.number IS NOT NULL "
            "AND r.completed_at IS NOT NULL GROUP BY c.region, r.channel",
            [org, nps_q],
        ),
        "CSAT by agent": (
            "SELECT i.agent_id, COUNT(*), SUM(CASE WHEN a.number >= 4 THEN 1 ELSE 0 END) "
            "FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id "
            "LEFT JOIN customers_interaction i ON i.id = r.interaction_id "
            "WHERE a.organization_id = %s AND a.question_id = %s AND a.number IS NOT NULL "
            "AND r.completed_at IS NOT NULL GROUP BY i.agent_id",
            [org, csat_q],
        ),
        "driver analysis": (
            f"SELECT COUNT(*), {products} FROM (SELECT a.response_id, {pivot}, "
            f"MAX(CASE WHEN a.question_id = {nps_q} THEN a.number END) y "
            "FROM surveys_answer a WHERE a.organization_id = %s AND a.question_id IN (%s, %s) "
            "GROUP BY a.response_id) p WHERE " + " AND ".join(f"{n} IS NOT NULL" for n in names),
            [org, nps_q, matrix_q],
        ),
    }


def _clearloop_calls(world: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    from clearloop.analytics import selectors
    from clearloop.analytics.selectors import MetricFilters

    organization = world["organization"]
    two_years = MetricFilters(date_from=dt.date(2024, 1, 2), date_to=dt.date(2025, 12, 31))
    question = selectors.driver_questions(organization=organization)[0]
    return {
        "overall NPS with interval": lambda: selectors.metric_figure(
            organization=organization, metric="nps", filters=MetricFilters()
        ),
        "weekly NPS, two years": lambda: selectors.metric_trend(
            organization=organization, metric="nps", filters=two_years, period="week"
        ),
        "NPS by region x channel": lambda: selectors.metric_crosstab(
            organization=organization,
            metric="nps",
            filters=MetricFilters(),
            rows="region",
            columns="channel",
        ),
        "CSAT by agent": lambda: selectors.metric_breakdown(
            organization=organization, metric="csat", filters=MetricFilters(), dimension="agent"
        ),
        "driver analysis": lambda: selectors.driver_analysis(
            organization=organization, question=question, filters=MetricFilters()
        ),
    }


def run(database_url: str, var_dir: str, rows: int) -> None:
    _setup_django(database_url, var_dir)
    from django.db import connection

    from clearloop.analytics import rollups, selectors
    from clearloop.analytics.models import ScoreRollup
    from clearloop.analytics.selectors import MetricFilters

    vendor = connection.vendor
    print(f"Clearloop dashboard bench: {rows:,} responses on {vendor}")
    world = _world()
    started = time.perf_counter()
    responses, answers = _load(world, rows, first_id=1_000_000)
    load_seconds = time.perf_counter() - started
    print(f"loaded {responses:,} responses and {answers:,} answers in {load_seconds:.1f} s "
          f"({(responses + answers) / load_seconds:,.0f} rows/s)")  # fmt: skip
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    started = time.perf_counter()
    rollup_rows = rollups.rollups_rebuild(organization=world["organization"])
    build = time.perf_counter() - started
    print(f"rollups built in {build:.1f} s: {rollup_rows:,} rows "
          f"({rollup_rows / answers:.1%} of the answer rows)")  # fmt: skip
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE analytics_scorerollup")
    rollups.rollups_refresh()  # sets the watermark to now

    raw = _raw_queries(world, vendor)
    print(f"\n{'figure':<28} {'Clearloop ms':>13} {'raw SQL ms':>11} {'ratio':>7}")
    for name, call in _clearloop_calls(world).items():
        ours = _median_ms(call)
        theirs = _median_ms(_raw(*raw[name]))
        print(f"{name:<28} {ours:>13.1f} {theirs:>11.1f} {theirs / ours:>6.1f}x")

    overall = selectors.metric_figure(
        organization=world["organization"], metric="nps", filters=MetricFilters()
    ).estimate
    interval = f"95% CI {overall.low:.1f} to {overall.high:.1f}"
    print(f"\noverall NPS {overall.value:.1f} ({interval}), n = {overall.n:,}")
    started = time.perf_counter()
    # A store's paper surveys of one day a year ago, typed in today, and a minute's submits.
    late, _answers = _load(world, 1000, first_id=900_000, days_ago=365, days=1)
    late += _load(world, 100, first_id=910_000, days=1, end=dt.datetime.now(dt.UTC))[0]
    refreshed = rollups.rollups_refresh()
    refresh = time.perf_counter() - started
    after = ScoreRollup.objects.filter(organization=world["organization"], grain="", kind="nps")
    total = sum(after.values_list("n", flat=True))
    cells = f"{refreshed} survey-days recounted"
    print(f"{late:,} new responses (1,000 completed a year ago) loaded and refreshed "
          f"in {refresh:.2f} s ({cells}); NPS n now {total:,}")  # fmt: skip


def _postgres_admin(url: str, sql: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.encode())


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = 10_000_000 if url.startswith("postgres") else 1_000_000
    parser.add_argument(
        "--rows", type=int, default=default, help=f"responses (default {default:,})"
    )
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory(prefix="clearloop-bench-dashboard-") as var_dir:
        if not url.startswith("postgres"):
            run(f"sqlite:///{var_dir}/bench.sqlite3", var_dir, rows)
            return
        name = f"clearloop_bench_dashboard_{secrets.token_hex(4)}"
        _postgres_admin(url, f'CREATE DATABASE "{name}"')
        try:
            run(urlunsplit(urlsplit(url)._replace(path=f"/{name}")), var_dir, rows)
        finally:
            from django.db import connections

            connections.close_all()
            _postgres_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
