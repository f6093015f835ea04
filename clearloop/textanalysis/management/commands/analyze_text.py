"""`manage.py analyze_text --input texts.csv --output results.jsonl`: score a file.

The CSV has the columns `id,text` and optionally `language` (en, zh, zh-hans, ja, …;
empty means detect). Each output line is one JSON object, in input order:

    {"id": "17", "language": "en", "sentiment": "negative", "score": -0.62,
     "aspects": [{"aspect": "delivery", "sentiment": "negative", "score": -0.62}],
     "topics": ["delivery late · parcel"]}

No database or organization is needed. Topics are discovered from the file itself
(when it holds at least --min-topic-texts texts; otherwise, or with --no-topics, the
list is empty) and named by their key phrases.
"""

from __future__ import annotations

import csv
import io
import json
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from clearloop.textanalysis import pipeline, services, topics

BATCH = 500
MIN_TOPIC_TEXTS = 30
MAX_TEXT = 20000
LANGUAGE_ALIASES = {"zh-hans": "zh", "zh-cn": "zh", "zh_hans": "zh", "jp": "ja"}


class Command(BaseCommand):
    help = "Score a CSV file of texts (id,text[,language]) into JSON lines."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--input", required=True, help="CSV file with columns id,text[,language]."
        )
        parser.add_argument("--output", required=True, help="Where to write the JSON lines.")
        parser.add_argument(
            "--no-topics", action="store_true", help="Leave every topics list empty."
        )
        parser.add_argument(
            "--topics",
            type=int,
            default=None,
            help="How many topics to look for (default: by size).",
        )
        parser.add_argument("--min-topic-texts", type=int, default=MIN_TOPIC_TEXTS)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        rows = read_rows(Path(options["input"]))
        results = analyze_rows(rows)
        names = (
            []
            if options["no_topics"] or len(rows) < options["min_topic_texts"]
            else topic_names(rows, results, options["topics"])
        )
        with _open_output(Path(options["output"])) as out:
            for n, (row, result) in enumerate(zip(rows, results, strict=True)):
                out.write(
                    json.dumps(
                        output_line(row["id"], result, names[n] if names else []),
                        ensure_ascii=False,
                    )
                    + "\n"
                )
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Analysed {len(rows)} texts in {seconds:.1f} s "
            f"({len(rows) / max(seconds, 1e-9):.0f} texts/s)."
        )


def _open_output(path: Path) -> io.TextIOWrapper:
    try:
        return path.open("w", encoding="utf-8")
    except OSError as error:
        raise CommandError(f"Cannot write {path}: {error.strerror}.") from error


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of the CSV, checked: UTF-8 (a BOM is fine), columns id and text, no
    empty id. Errors name the line to fix."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CommandError(
            f"{path} is not UTF-8 text (line {line}); save it as UTF-8 CSV and try again."
        ) from error
    reader = csv.DictReader(io.StringIO(content, newline=""))
    columns = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in ("id", "text") if name not in columns]
    if missing:
        found = ", ".join(columns) or "none"
        raise CommandError(
            f"{path} needs the columns id and text (missing: {', '.join(missing)}; found: {found})."
        )
    reader.fieldnames = columns
    rows = []
    try:
        for row in reader:
            line = reader.line_num
            if not (row.get("id") or "").strip():
                raise CommandError(f"Line {line}: the id is empty.")
            language = (row.get("language") or "").strip().lower()
            rows.append(
                {
                    "id": row["id"].strip(),
                    "text": (row.get("text") or "")[:MAX_TEXT],
                    "language": LANGUAGE_ALIASES.get(language, language),
                }
            )
    except csv.Error as error:
        raise CommandError(f"Line {reader.line_num}: {error}.") from error
    return rows


def analyze_rows(rows: list[dict[str, str]]) -> list[pipeline.TextAnalysis]:
    provider = services.current_provider()
    results: list[pipeline.TextAnalysis] = []
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        results += pipeline.analyze_texts(
            [row["text"] for row in batch], provider, [row["language"] or None for row in batch]
        )
    return results


def topic_names(
    rows: list[dict[str, str]], results: list[pipeline.TextAnalysis], count: int | None
) -> list[list[str]]:
    documents = [
        topics.document_terms(row["text"], result.language)
        for row, result in zip(rows, results, strict=True)
    ]
    found = topics.discover(documents, count)
    matcher = topics.TopicMatcher.of(found)
    return [
        [found[key].name for key, _weight, _rule in matcher.match(terms)] for terms in documents
    ]


def output_line(identifier: str, result: pipeline.TextAnalysis, names: list[str]) -> dict[str, Any]:
    return {
        "id": identifier,
        "language": result.language,
        "sentiment": result.label,
        "score": result.score,
        "aspects": result.aspect_summary(),
        "topics": names,
    }
