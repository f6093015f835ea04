"""The built-in offline provider. Placeholder: a handful of words per language, so the
app around it can be built; the trained models replace it."""

from __future__ import annotations

from collections.abc import Sequence

from clearloop.textanalysis.engine.base import Label, SentimentResult, register_provider

_POSITIVE = ("good", "great", "love", "excellent", "好", "满意", "喜欢", "良い", "最高", "満足")
_NEGATIVE = ("bad", "terrible", "slow", "broken", "差", "慢", "失望", "悪い", "遅い", "最悪")


class BuiltinProvider:
    name = "builtin"

    def analyze(self, texts: Sequence[str], languages: Sequence[str]) -> list[SentimentResult]:
        return [self._one(text.lower()) for text in texts]

    def _one(self, text: str) -> SentimentResult:
        balance = sum(w in text for w in _POSITIVE) - sum(w in text for w in _NEGATIVE)
        score = max(-1.0, min(1.0, balance / 2))
        label: Label = "positive" if score > 0 else "negative" if score < 0 else "neutral"
        return SentimentResult(label=label, score=score)


register_provider("builtin", BuiltinProvider)
