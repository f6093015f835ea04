"""The offline text engine: language detection, sentence splitting and sentiment for
English, Simplified Chinese and Japanese. Pure Python (numpy at most), no Django: the
`textanalysis` app calls it from tasks, the `analyze_text` command and the benchmarks.

    detect_language(text) -> "en" | "zh" | "ja" | another ISO 639-1 code | "und"
    split_sentences(text, language) -> [(start, end), ...]
    get_provider(name, **options).analyze(texts, languages) -> [SentimentResult, ...]
"""

from clearloop.textanalysis.engine.base import (
    Label,
    SentimentProvider,
    SentimentResult,
    get_provider,
    register_provider,
)
from clearloop.textanalysis.engine.language import detect_language
from clearloop.textanalysis.engine.sentences import split_sentences

__all__ = [
    "Label",
    "SentimentProvider",
    "SentimentResult",
    "detect_language",
    "get_provider",
    "register_provider",
    "split_sentences",
]
