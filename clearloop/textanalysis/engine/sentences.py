"""Sentence boundaries for English, Chinese and Japanese, as character offsets."""

from __future__ import annotations

import re

_END = re.compile(r"[^.!?。！？\n]+(?:[.!?。！？]+|\n+|$)")  # noqa: RUF001  (CJK stops are meant)


def split_sentences(text: str, language: str = "") -> list[tuple[int, int]]:
    spans = []
    for match in _END.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans
