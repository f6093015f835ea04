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


# A contrast opens a new clause: "great food | but delivery took an hour".
_CONTRAST = {
    "en": re.compile(r"(?i)(?:,\s*|\s+)(?=(?:but|however|although|though|yet|except)\b)"),
    "zh": re.compile(r"[,，;；]?\s*(?=但是|可是|不过|然而|(?<!不)但|只是|可惜)"),  # noqa: RUF001
    "ja": re.compile(
        r"(?:(?<=けど)|(?<=けれど)|(?<=ものの)|(?<=のに))[、,]?|(?<=が)[、,]|[、,]?(?=しかし|でも|ただ)"
    ),
}


def split_clauses(text: str, language: str = "") -> list[tuple[int, int]]:
    """Sentences, further cut where a contrast starts a clause (but/但是/けど …), as
    character offsets: the unit that carries one sentiment about one thing."""
    pattern = _CONTRAST.get(language, _CONTRAST["en"])
    spans = []
    for start, end in split_sentences(text, language):
        cut = start
        for match in pattern.finditer(text, start, end):
            if match.start() > cut:
                spans.append((cut, match.start()))
            cut = max(cut, match.end())
        spans.append((cut, end))
    return [(s, e) for s, e in (_strip(text, s, e) for s, e in spans) if s < e]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",，、"):  # noqa: RUF001
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
