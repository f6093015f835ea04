"""Words of a text, per language: jieba for Chinese, MeCab (fugashi with the IPAdic
dictionary from PyPI) for Japanese, a regular expression for languages written with
spaces. Aspects, signals and topics all read words from here, so a keyword such as
配送 or 待ち時間 matches a word, not any run of characters that happens to contain it.

Both tokenizers load lazily, once per process (jieba takes about half a second to build
its prefix dictionary; MeCab with IPAdic a few milliseconds). See ADR 0013.
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
import threading
from typing import Any

_LATIN_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d+", re.UNICODE)
_CJK_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaffー]")
_ASCII_RUN = re.compile(r"[A-Za-z][A-Za-z0-9]*")
# MeCab part-of-speech tags (IPAdic) that carry meaning; particles and auxiliaries do not.
_JA_CONTENT = ("名詞", "動詞", "形容詞", "形容動詞", "副詞", "感動詞")
_JA_NOT_CONTENT = ("非自立", "接尾", "代名詞", "数")
_lock = threading.Lock()
_jieba_words: set[str] = set()


def _cjk(language: str) -> bool:
    return language.startswith(("zh", "ja"))


@functools.cache
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


@functools.cache
def _mecab() -> Any:
    import fugashi
    import ipadic

    return fugashi.GenericTagger(ipadic.MECAB_ARGS)


def add_chinese_words(words: set[str]) -> None:
    """Teach jieba domain words (aspect keywords, taxonomy rules) so it keeps them whole."""
    new = words - _jieba_words
    if not new:
        return
    jieba = _jieba()
    with _lock:
        for word in new:
            if _CJK_WORD.search(word):
                jieba.add_word(word, freq=20000)
        _jieba_words.update(new)


def words(text: str, language: str) -> list[str]:
    """Every word of `text`, lower-cased for Latin script, punctuation dropped."""
    if language.startswith("zh"):
        return [w.lower() for w in _jieba().lcut(text) if _is_word(w)]
    if language.startswith("ja"):
        return [_base(node) for node in _mecab()(text) if _is_word(node.surface)]
    return [w.lower() for w in _LATIN_WORD.findall(text)]


def content_words(text: str, language: str) -> list[str]:
    """The words that say what a text is about: for Japanese nouns, verbs and adjectives
    in their dictionary form; elsewhere every word (callers drop stop words)."""
    if not language.startswith("ja"):
        return words(text, language)
    found = []
    for node in _mecab()(text):
        feature = node.feature
        meaningful = feature[0] in _JA_CONTENT and feature[1] not in _JA_NOT_CONTENT
        if meaningful and _is_word(node.surface):
            found.append(_base(node))
    return found


def _base(node: Any) -> str:
    base = node.feature[6] if len(node.feature) > 6 else "*"
    return str(base if base and base != "*" else node.surface).lower()


def _is_word(token: str) -> bool:
    return bool(_CJK_WORD.search(token) or _ASCII_RUN.search(token) or token.isdigit())


def joiner(language: str) -> str:
    """How two words make a phrase: a space between English words, nothing in CJK."""
    return "" if _cjk(language) else " "


def phrases(tokens: list[str], language: str) -> set[str]:
    """The words and the two-word phrases of a token list."""
    glue = joiner(language)
    return set(tokens) | {a + glue + b for a, b in itertools.pairwise(tokens)}
