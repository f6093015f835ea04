"""`manage.py analyze_text`: the output format, topics from the file, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command


def _run(tmp_path: Path, content: bytes, *args: str) -> list[dict]:
    source, target = tmp_path / "in.csv", tmp_path / "out.jsonl"
    source.write_bytes(content)
    call_command("analyze_text", "--input", str(source), "--output", str(target), *args)
    return [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]


def test_each_line_has_exactly_the_documented_fields(tmp_path: Path) -> None:
    content = (
        "\ufeffid,text,language\n1,Lovely staff but the delivery was awful,\n"
        "2,配送太慢了,zh-hans\n3,接客が丁寧,\n"
    )
    lines = _run(tmp_path, content.encode("utf-8"))
    assert [list(line) for line in lines] == [
        ["id", "language", "sentiment", "score", "aspects", "topics"]
    ] * 3
    assert [line["id"] for line in lines] == ["1", "2", "3"]
    assert [line["language"] for line in lines] == ["en", "zh", "ja"]
    assert all(line["sentiment"] in ("negative", "neutral", "positive") for line in lines)
    assert all(-1 <= line["score"] <= 1 and line["topics"] == [] for line in lines)
    aspects = {a["aspect"]: a["sentiment"] for a in lines[0]["aspects"]}
    assert aspects == {"staff": "positive", "delivery": "negative"}


def test_topics_come_from_the_file_itself(tmp_path: Path) -> None:
    rows = [f"{n},Still waiting for my refund {n}" for n in range(20)]
    rows += [f"{n + 20},The sofa fabric is soft" for n in range(20)]
    lines = _run(tmp_path, ("id,text\n" + "\n".join(rows)).encode(), "--topics", "2")
    assert any("refund" in name for name in lines[0]["topics"])
    assert any("sofa" in name or "fabric" in name for name in lines[-1]["topics"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"ident,body\n1,x\n", "needs the columns id and text"),
        ("id,text\n1,caf\u00e9\n".encode("latin-1"), "not UTF-8"),
        (b"id,text\n,hello\n", "Line 2: the id is empty"),
    ],
)
def test_a_bad_file_gets_a_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        _run(tmp_path, content)


def test_a_missing_file_gets_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        call_command(
            "analyze_text", "--input", str(tmp_path / "nope.csv"), "--output", str(tmp_path / "o")
        )
