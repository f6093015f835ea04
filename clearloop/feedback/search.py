"""The search tokenizer: pure functions from text to the tokens the search index stores.

Chinese and Japanese put no spaces between words, so a word is found by its overlapping
character bigrams: 这次的物流太慢了 holds 物流, and a search for 物流 looks up that one bigram.
Latin-script text is split into lower-cased words, indexed by their prefixes of 3, 5 and 8
characters, so "deliv" finds "delivery". Each token is stored as a 64-bit hash (compact,
one integer index), and every hit is confirmed with a substring test on the text, so a
collision or two bigrams that are not adjacent never yield a wrong result.

Terms shorter than a token (one CJK character, one or two Latin letters) have no tokens;
the selector searches them by substring alone.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Han (with extensions A and compatibility), kana, and Hangul: scripts written without
# spaces between words (Korean has spaces, but bigrams still serve it well).
_CJK = "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_RUNS = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>(?:(?![{_CJK}])[^\W_])+)")
PREFIX_LENGTHS = (3, 5, 8)
MAX_QUERY_TERMS = 10


def _normalized(text: str) -> str:
    # NFKC folds full-width Latin and half-width kana into their usual forms.
    return unicodedata.normalize("NFKC", text).casefold()


def token_hash(token: str) -> int:
    digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _prefixes(word: str) -> list[str]:
    return [word[:length] for length in PREFIX_LENGTHS if len(word) >= length]


def text_tokens(text: str) -> set[str]:
    """Every token of `text`, as strings (`index_tokens` hashes them)."""
    tokens: set[str] = set()
    for match in _RUNS.finditer(_normalized(text)):
        if match.group("cjk"):
            tokens.update(_bigrams(match.group("cjk")))
        else:
            tokens.update(_prefixes(match.group("word")))
    return tokens


def index_tokens(text: str) -> set[int]:
    return {token_hash(token) for token in text_tokens(text)}


def _longest_prefix(word: str) -> str | None:
    fitting = [length for length in PREFIX_LENGTHS if len(word) >= length]
    return word[: fitting[-1]] if fitting else None


def term_tokens(term: str) -> set[str]:
    """The tokens an item must hold to contain `term`: all bigrams of each CJK run and
    the longest indexed prefix of each Latin word."""
    tokens: set[str] = set()
    for match in _RUNS.finditer(_normalized(term)):
        if match.group("cjk"):
            tokens.update(_bigrams(match.group("cjk")))
        elif prefix := _longest_prefix(match.group("word")):
            tokens.add(prefix)
    return tokens


def query_terms(query: str) -> list[str]:
    """The whitespace-separated terms of a search (all must match), at most ten."""
    seen: dict[str, None] = {}
    for term in query.split():
        seen.setdefault(term, None)
    return list(seen)[:MAX_QUERY_TERMS]


def contains_phrase(text: str, phrase: str) -> bool:
    """Whether `text` contains `phrase`, ignoring case and width (what a rule matches)."""
    needle = _normalized(phrase).strip()
    return bool(needle) and needle in _normalized(text)
