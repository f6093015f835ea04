"""Pure matching of tagging and listening rules against one item's text and metadata.

A phrase matches when the text contains it, ignoring case and character width, so a
Chinese or Japanese phrase matches inside a sentence with no spaces. Hashtags and
mentions match whole: `#delivery` matches "#Delivery" and metadata {"hashtags":
["delivery"]}, not "#deliveryfail".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from clearloop.feedback.search import contains_phrase

_HASHTAG = re.compile(r"[#\uff03]([^\W_]\w*)")  # also full-width # and @
_MENTION = re.compile(r"(?<![\w.])[@\uff20](\w[\w.]*\w|\w)")


def _key(value: str) -> str:
    return unicodedata.normalize("NFKC", value).casefold().lstrip("#@").strip()


def _listed(metadata: Mapping[str, Any], key: str) -> set[str]:
    values = metadata.get(key) or []
    if isinstance(values, str):
        values = [values]
    return {_key(str(value)) for value in values if isinstance(value, str | int)}


def hashtags_of(text: str, metadata: Mapping[str, Any]) -> set[str]:
    found = {_key(tag) for tag in _HASHTAG.findall(text)}
    return found | _listed(metadata, "hashtags")


def mentions_of(text: str, metadata: Mapping[str, Any]) -> set[str]:
    found = {_key(handle) for handle in _MENTION.findall(text)}
    return found | _listed(metadata, "mentions") | _listed(metadata, "author_handle")


@dataclass(frozen=True)
class Watch:
    """What one rule looks for; an item matches when any one of them is present."""

    phrases: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        *,
        phrases: Iterable[str] = (),
        hashtags: Iterable[str] = (),
        mentions: Iterable[str] = (),
    ) -> Watch:
        return cls(
            phrases=tuple(p for p in phrases if p.strip()),
            hashtags=tuple(k for k in map(_key, hashtags) if k),
            mentions=tuple(k for k in map(_key, mentions) if k),
        )

    def matches(self, text: str, metadata: Mapping[str, Any]) -> bool:
        if any(contains_phrase(text, phrase) for phrase in self.phrases):
            return True
        if self.hashtags and hashtags_of(text, metadata) & set(self.hashtags):
            return True
        return bool(self.mentions and mentions_of(text, metadata) & set(self.mentions))


def clean_list(raw: str | Iterable[str], *, prefix: str = "") -> list[str]:
    """Split a comma- or newline-separated entry into distinct, trimmed values; a leading
    `prefix` (# or @) is dropped so "#sale" and "sale" are one hashtag."""
    # Commas include the CJK ones, which people type in Chinese and Japanese.
    parts = re.split(r"[,\n\u3001\uff0c]", raw) if isinstance(raw, str) else list(raw)
    values: dict[str, None] = {}
    for part in parts:
        value = str(part).strip()
        if prefix:
            value = value.lstrip(prefix + {"#": "\uff03", "@": "\uff20"}.get(prefix, "")).strip()
        if value:
            values.setdefault(value, None)
    return list(values)
