# ruff: noqa: RUF001  (Chinese and Japanese text keeps its full-width commas)
"""Feedback rows per second through the real import path, against the database's own bulk
load of the same rows, in one run.

    .venv/bin/python bench/import.py                     # a fresh SQLite file in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/import.py

On PostgreSQL it creates a database of its own beside DATABASE_URL and drops it after.

- **import**: a generated CSV of ROWS feedback rows (external id, source, text in English,
  Chinese and Japanese, date, rating, language) is uploaded and mapped as the pages do, then
  `services.import_job_run` runs as the worker runs it: it reads and decodes the file,
  validates every row, plans each chunk against the stored rows and writes it. Only that
  call is timed (validation included).
- **re-import**: the same file again; every row comes back unchanged.
- **raw**: the same rows, already typed in memory, loaded into the same table for another
  organization by the database's own bulk path: `COPY ... FROM STDIN` (psycopg
  `cursor.copy`) on PostgreSQL, one `executemany` INSERT in one transaction on SQLite.

- **index tasks**: each chunk enqueues `feedback_items_index` (search tokens, tagging and
  listening rules) for a worker; the items are in the inbox at once and searchable once
  it ran. The bench then runs those tasks here, one after the other as one worker would,
  and times them apart: `searchable_rows_per_s` is ROWS over import + index time.

The figures are rows per second and the ratio import / raw (DESIGN.md asks ≥ 0.5).
`BENCH_WITHOUT_RULES=1` skips the index tasks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
WITHOUT_RULES = os.environ.get("BENCH_WITHOUT_RULES") == "1"
REPEAT = int(os.environ.get("BENCH_REPEAT", "1"))
"""Raw load and first import each run this many times, alternating, each into a fresh
organization; the fastest of each counts (on a shared machine the others measure the
neighbours)."""
"""Skip the feedback app's indexing and rules, to measure the importer's own path."""
TEXTS = [
    "Delivery was quick and the lamp works perfectly, thank you!",
    "物流很快，包装也很好，下次还会再来购买。",
    "配達がとても速くて、梱包も丁寧でした。また注文します。",
    "The sofa arrived with a scratch; support replaced it within a week.",
]
LANGUAGES = ["en", "zh-hans", "ja", "en"]
HEADER = ["Review id", "Channel", "Comment", "Date", "Stars", "Language"]
COLUMNS = {
    "external_id": "Review id",
    "source": "Channel",
    "text": "Comment",
    "occurred_at": "Date",
    "rating": "Stars",
    "language": "Language",
}


def _rows() -> list[list[str]]:
    start = dt.datetime(2025, 1, 1, 8, 0, tzinfo=dt.UTC)
    return [
        [
            f"rev-{n}",
            "review",
            f"{TEXTS[n % 4]} #{n}",
            (start + dt.timedelta(minutes=n)).strftime("%Y-%m-%d %H:%M:%S"),
            str(1 + n % 5),
            LANGUAGES[n % 4],
        ]
        for n in range(ROWS)
    ]


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


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


def _owner(name: str) -> Any:
    from clearloop.accounts.models import Membership, Organization, User

    organization = Organization.objects.create(name=name, slug=f"{name}-{secrets.token_hex(3)}")
    user = User.objects.create_user(email=f"owner@{organization.slug}.test", password=None)
    return Membership.objects.create(organization=organization, user=user, role="owner")


def _timed_import(membership: Any, content: bytes) -> tuple[float, Any]:
    from clearloop.imports import services
    from clearloop.imports.services import MappingInput

    job = services.import_job_upload(
        organization=membership.organization,
        kind="feedback",
        source_name="Bench",
        filename="bench.csv",
        content=content,
        by=membership,
    )
    services.import_job_map(job=job, mapping=MappingInput(columns=COLUMNS), by=membership)
    services.import_job_start(job=job, by=membership)  # enqueues after commit: not run here
    started = time.perf_counter()
    outcome = services.import_job_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    assert outcome == "done", (outcome, job.failure)
    return elapsed, job


def _typed(rows: list[list[str]], organization_id: int) -> list[tuple[Any, ...]]:
    now = dt.datetime.now(dt.UTC)
    return [
        (
            organization_id,
            row[1],
            row[0],
            row[2],
            dt.datetime.fromisoformat(row[3]).replace(tzinfo=dt.UTC),
            int(row[4]),
            row[5],
            "{}",
            now,
            now,
        )
        for row in rows
    ]


RAW_COLUMNS = (
    "organization_id, source, external_id, text, occurred_at, rating, language, metadata, "
    "created_at, updated_at"
)


def _timed_raw(rows: list[list[str]], organization_id: int) -> float:
    from django.db import connection, transaction

    typed = _typed(rows, organization_id)
    table = "feedback_feedbackitem"
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({RAW_COLUMNS}) FROM STDIN") as copy:
                for row in typed:
                    copy.write_row(row)
        else:
            sqlite_rows = [
                (
                    *row[:4],
                    row[4].isoformat(" "),
                    *row[5:8],
                    row[8].isoformat(" "),
                    row[9].isoformat(" "),
                )
                for row in typed
            ]
            cursor.executemany(
                f"INSERT INTO {table} ({RAW_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
                sqlite_rows,
            )
    return time.perf_counter() - started


def _time_the_rules_engine() -> list[float]:
    """Measure (not replace) `feedback_items_added`, the feedback app's indexing and
    rules, which the writer calls after each chunk, so its share can be told apart."""
    from clearloop.feedback import services as feedback_services

    spent: list[float] = []
    original = feedback_services.feedback_items_added

    def timed(**kwargs: Any) -> None:
        started = time.perf_counter()
        if not WITHOUT_RULES:
            original(**kwargs)
        spent.append(time.perf_counter() - started)

    feedback_services.feedback_items_added = timed
    return spent


def _run_index_tasks() -> tuple[float, int]:
    """Run the index tasks the import enqueued, as a worker would; (seconds, tasks)."""
    from django_tasks_db.models import DBTaskResult

    from clearloop.feedback import services as feedback_services

    pending = DBTaskResult.objects.filter(task_path__endswith="feedback_items_index")
    arguments = [result.args_kwargs["kwargs"] for result in pending.order_by("enqueued_at")]
    started = time.perf_counter()
    for kwargs in arguments:  # what feedback_items_index does
        item_ids = [pk for first, last in kwargs["id_ranges"] for pk in range(first, last + 1)]
        feedback_services.feedback_items_added(
            organization_id=kwargs["organization_id"], item_ids=item_ids
        )
    elapsed = time.perf_counter() - started
    pending.delete()
    return elapsed, len(arguments)


def run(database_url: str, var_dir: str) -> None:
    _setup_django(database_url, var_dir)
    from django.db import connection

    from clearloop.feedback.models import FeedbackItem
    from clearloop.feedback.selectors import FeedbackFilters, feedback_list

    rules_seconds = _time_the_rules_engine()

    rows = _rows()
    content = _csv(rows)
    raw_times, import_times = [], []
    for attempt in range(REPEAT):
        raw_times.append(_timed_raw(rows, _owner(f"raw{attempt}").organization_id))
        owner = _owner(f"bench{attempt}")
        seconds, job = _timed_import(owner, content)
        import_times.append(seconds)
        if attempt < REPEAT - 1:
            _run_index_tasks()  # not timed: only the last import's tasks are
    raw_seconds, import_seconds = min(raw_times), min(import_times)
    in_inbox = FeedbackItem.objects.filter(organization_id=owner.organization_id).count()
    rules_seconds.clear()
    index_seconds, index_tasks = _run_index_tasks()
    rules = sum(rules_seconds)
    if not WITHOUT_RULES:  # the inbox finds the imported words once the tasks ran
        found = feedback_list(organization=owner.organization_id, filters=FeedbackFilters(q="梱包"))
        assert found.count() == ROWS // 4, found.count()
    again_seconds, again = _timed_import(owner, content)
    assert (job.rows_created, again.rows_unchanged, in_inbox) == (ROWS, ROWS, ROWS)
    raw_rate, import_rate, again_rate = (
        ROWS / raw_seconds,
        ROWS / import_seconds,
        ROWS / again_seconds,
    )
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "feedback_items_added": "skipped" if WITHOUT_RULES else "run",
                "rows": ROWS,
                "repeat": REPEAT,
                "raw_s": [round(t, 2) for t in raw_times],
                "import_s": [round(t, 2) for t in import_times],
                "file_mb": round(len(content) / 2**20, 1),
                "raw_rows_per_s": round(raw_rate),
                "import_rows_per_s": round(import_rate),
                "import_over_raw": round(import_rate / raw_rate, 2),
                "index_tasks": index_tasks,
                "index_tasks_s": round(index_seconds, 2),
                "of_which_feedback_items_added_s": round(rules, 2),
                "searchable_rows_per_s": round(ROWS / (import_seconds + index_seconds)),
                "reimport_rows_per_s": round(again_rate),
            }
        )
    )


def _postgres_admin(url: str, sql: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.encode())


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="clearloop-bench-import-") as var_dir:
        if not url.startswith("postgres"):
            run(f"sqlite:///{var_dir}/bench.sqlite3", var_dir)
            return
        name = f"clearloop_bench_import_{secrets.token_hex(4)}"
        _postgres_admin(url, f'CREATE DATABASE "{name}"')
        try:
            run(urlunsplit(urlsplit(url)._replace(path=f"/{name}")), var_dir)
        finally:
            from django.db import connections

            connections.close_all()
            _postgres_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
