"""How fast the demo organization is written: rows per second at a few sizes.

    .venv/bin/python bench/seed_demo.py                       # SQLite file in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_seed .venv/bin/python bench/seed_demo.py

Creates (and drops, on PostgreSQL) a database of its own; prints one line per size.
"""

from __future__ import annotations

import os
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

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from clearloop.demo.services import demo_seed, demo_summary  # noqa: E402

SIZES = [(150, 750), (600, 3_000), (2_400, 12_000)]


def main() -> None:
    old = setup_databases(verbosity=0, interactive=False)
    try:
        call_command("migrate", verbosity=0)
        print(f"database: {connection.vendor}")
        for customers, responses in SIZES:
            started = time.perf_counter()
            organization = demo_seed(seed=7, customers=customers, responses=responses, reset=True)
            seconds = time.perf_counter() - started
            rows = sum(demo_summary(organization=organization).values())
            print(
                f"customers={customers:>5} responses={responses:>6} rows={rows:>7} "
                f"seconds={seconds:6.2f} rows_per_second={rows / seconds:8.0f}"
            )
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
