"""A fake sentiment provider for the app's tests, so they never depend on the word lists
of the real model: a text is positive when it holds a word from POSITIVE, negative when
it holds one from NEGATIVE (both: neutral). Select it with the `fake_provider` fixture."""

from __future__ import annotations

from collections.abc import Sequence

from clearloop.textanalysis.engine import SentimentResult, register_provider

POSITIVE = ("great", "lovely", "friendly", "好吃", "很好", "满意", "美味しい", "丁寧", "最高")
NEGATIVE = ("awful", "rude", "broken", "太慢", "很差", "失望", "遅い", "最悪", "冷めて")


class FakeProvider:
    name = "fake"
    version = "1"
    calls = 0

    def analyze(self, texts: Sequence[str], languages: Sequence[str]) -> list[SentimentResult]:
        FakeProvider.calls += 1
        return [self._one(text.lower()) for text in texts]

    def _one(self, text: str) -> SentimentResult:
        balance = any(w in text for w in POSITIVE) - any(w in text for w in NEGATIVE)
        if balance > 0:
            return SentimentResult("positive", 0.8)
        if balance < 0:
            return SentimentResult("negative", -0.8)
        return SentimentResult("neutral", 0.0)


register_provider("fake", FakeProvider)
