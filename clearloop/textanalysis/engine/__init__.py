"""The offline text engine: language detection, sentence splitting and sentiment for
English, Simplified Chinese and Japanese. Pure Python (numpy at most), no Django: the
`textanalysis` app calls it from tasks, the `analyze_text` command and the benchmarks.

    detect_language(text) -> "en" | "zh" | "ja" | another ISO 639-1 code | "und"
    split_sentences(text, language) -> [(start, end), ...]
    get_provider(name, **options).analyze(texts, languages) -> [SentimentResult, ...]

and helpers for the built-in model: `analyze_one(text, language)`,
`analyze_sentences(text, language, clauses=False) -> [(start, end, SentimentResult)]`,
`split_clauses(text, language)` (sentences cut at but/但是/けど, for aspects).
"""

from clearloop.textanalysis.engine.base import (
    Label,
    SentimentProvider,
    SentimentResult,
    get_provider,
    register_provider,
)
from clearloop.textanalysis.engine.builtin import analyze_one, analyze_sentences
from clearloop.textanalysis.engine.language import detect_language
from clearloop.textanalysis.engine.sentences import split_clauses, split_sentences

__all__ = [
    "Label",
    "SentimentProvider",
    "SentimentResult",
    "analyze_one",
    "analyze_sentences",
    "detect_language",
    "get_provider",
    "register_provider",
    "split_clauses",
    "split_sentences",
]
