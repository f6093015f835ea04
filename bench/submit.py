"""Responses per second through the public JSON submit endpoint, against a plain Django
view that inserts one row, on the same gunicorn server in one run.

    .venv/bin/python bench/submit.py                     # a fresh SQLite file in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/submit.py

On PostgreSQL it creates a database of its own beside DATABASE_URL and drops it after.
Everything stays on loopback; the loops are bounded (REQUESTS per endpoint, after a
warm-up) and the server is stopped at the end. The two endpoints take turns in rounds, so
other work on the machine slows both alike: compare the ratio, not the absolute figures.

This one file plays three parts, so the baseline view never enters the product URLs:
the driver (run as a script), the settings module of the server it starts
(CLEARLOOP_BENCH_SETTINGS=1: the product settings with the rate limit lifted), and its
URLconf (the product URLs plus ``/bench/insert``).
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2000"))
WARMUP = 200
ROUNDS = 10  # the two endpoints take turns, REQUESTS / ROUNDS requests at a time
CLIENT_THREADS = 8
WORKERS, WORKER_THREADS = 2, 4

if os.environ.get("CLEARLOOP_BENCH_SETTINGS") == "1":
    from config.settings import *  # noqa: F403

    DEBUG = False
    ROOT_URLCONF = "bench.submit"
    CLEARLOOP_SURVEY_POSTS_PER_MINUTE = 10**9
    LOGGING = {"version": 1, "disable_existing_loggers": False}


def baseline_insert(request: Any) -> Any:
    """The yardstick: parse JSON, insert one row, answer JSON."""
    from django.http import JsonResponse
    from django.utils import timezone

    from clearloop.feedback.models import FeedbackItem, FeedbackSource

    body = json.loads(request.body)
    item = FeedbackItem.objects.create(
        organization_id=int(body["organization"]),
        source=FeedbackSource.IN_APP,
        text=str(body["text"]),
        occurred_at=timezone.now(),
    )
    return JsonResponse({"id": item.pk}, status=201)


def __getattr__(name: str) -> Any:
    # The URLconf part, built on first use: importing the product URLs needs ready apps.
    if name != "urlpatterns":
        raise AttributeError(name)
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt
    from django.views.decorators.http import require_POST

    from config.urls import urlpatterns as product

    return [path("bench/insert", csrf_exempt(require_POST(baseline_insert))), *product]


# --- The driver --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server_env(database_url: str, var_dir: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.submit",
        "CLEARLOOP_BENCH_SETTINGS": "1",
        "CLEARLOOP_TESTING": "0",
        "CLEARLOOP_VAR_DIR": var_dir,
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
    }


def _postgres_admin(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.encode())


def _seed(env: dict[str, str]) -> tuple[str, int]:
    """Migrate, then create one live survey behind a link; returns (token, organization id)."""
    python = sys.executable
    subprocess.run(  # noqa: S603  (our own interpreter and fixed arguments)
        [python, str(ROOT / "manage.py"), "migrate", "-v", "0"], env=env, check=True, cwd=ROOT
    )
    code = """
import secrets
import django
django.setup()
from django.utils import timezone
from clearloop.accounts.models import Organization
from clearloop.surveys.models import Distribution, Question, Survey, SurveyVersion
org = Organization.objects.create(name="Bench", slug="bench")
survey = Survey.objects.create(organization=org, name="Bench", status="live",
                               languages=["en", "ja"])
version = SurveyVersion.objects.create(organization=org, survey=survey, number=1,
                                       published_at=timezone.now())
Question.objects.create(organization=org, version=version, key="nps", kind="nps", page=1,
                        position=1, required=True, texts={"en": "Recommend us?"})
Question.objects.create(organization=org, version=version, key="why", kind="text", page=2,
                        position=2, texts={"en": "Why?"})
token = secrets.token_urlsafe(32)
Distribution.objects.create(organization=org, survey=survey, kind="link", public_token=token)
print(token, org.pk)
"""
    out = subprocess.run(  # noqa: S603
        [python, "-c", code], env=env, check=True, cwd=ROOT, capture_output=True, text=True
    )
    token, organization = out.stdout.split()
    return token, int(organization)


def _start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            f"--workers={WORKERS}",
            f"--threads={WORKER_THREADS}",
            f"--bind=127.0.0.1:{port}",
            "--keep-alive=30",
            "--log-level=warning",
        ],
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def _drive(port: int, path: str, bodies: list[bytes]) -> float:
    """Send every body with CLIENT_THREADS keep-alive connections; returns the seconds taken."""
    local = threading.local()
    failures: list[int] = []

    def send(body: bytes) -> None:
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = http.client.HTTPConnection("127.0.0.1", port)
        connection.request("POST", path, body, {"Content-Type": "application/json"})
        reply = connection.getresponse()
        reply.read()
        if reply.status not in (200, 201):
            failures.append(reply.status)

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        list(pool.map(send, bodies))
    seconds = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed, e.g. status {failures[0]}")
    return seconds


def _submit_bodies(count: int) -> list[bytes]:
    return [
        json.dumps(
            {
                "submission_id": str(uuid.uuid4()),
                "language": "en",
                "answers": {"nps": index % 11, "why": "Fast and friendly"},
            }
        ).encode()
        for index in range(count)
    ]


def _insert_bodies(count: int, organization: int) -> list[bytes]:
    return [
        json.dumps({"organization": organization, "text": "Fast and friendly"}).encode()
        for _index in range(count)
    ]


def _interleaved(
    port: int, submit_path: str, organization: int
) -> tuple[float, float, list[float]]:
    """Requests per second of the baseline and of the submit, sent in alternating rounds so
    that load from other work on the machine falls on both alike; and each round's ratio."""
    per_round = max(1, REQUESTS // ROUNDS)
    paths = {"baseline": "/bench/insert", "submit": submit_path}
    bodies = {
        "baseline": lambda: _insert_bodies(per_round, organization),
        "submit": lambda: _submit_bodies(per_round),
    }
    seconds = {"baseline": 0.0, "submit": 0.0}
    ratios = []
    for number in range(ROUNDS):
        order = ("baseline", "submit") if number % 2 == 0 else ("submit", "baseline")
        taken = {name: _drive(port, paths[name], bodies[name]()) for name in order}
        ratios.append(taken["baseline"] / taken["submit"])
        for name in order:
            seconds[name] += taken[name]
    total = per_round * ROUNDS
    return total / seconds["baseline"], total / seconds["submit"], ratios


def run(database_url: str, var_dir: str) -> None:
    env = _server_env(database_url, var_dir)
    token, organization = _seed(env)
    port = _free_port()
    server = _start_server(env, port)
    try:
        submit_path = f"/s/{token}/submit"
        _drive(port, submit_path, _submit_bodies(WARMUP))
        _drive(port, "/bench/insert", _insert_bodies(WARMUP, organization))
        baseline, submit, ratios = _interleaved(port, submit_path, organization)
    finally:
        server.terminate()
        server.wait(timeout=30)
    vendor = "postgresql" if database_url.startswith("postgres") else "sqlite"
    print(
        f"database={vendor} requests={REQUESTS} workers={WORKERS}x{WORKER_THREADS} "
        f"baseline_insert={baseline:,.0f}/s submit={submit:,.0f}/s ratio={submit / baseline:.2f} "
        f"(rounds {min(ratios):.2f}-{max(ratios):.2f})"
    )


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="clearloop-bench-submit-") as var_dir:
        if not url.startswith("postgres"):
            run(f"sqlite:///{var_dir}/bench.sqlite3", var_dir)
            return
        name = f"clearloop_bench_submit_{secrets.token_hex(4)}"
        _postgres_admin(url, f'CREATE DATABASE "{name}"')
        try:
            run(urlunsplit(urlsplit(url)._replace(path=f"/{name}")), var_dir)
        finally:
            _postgres_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
