"""The one shape every sentiment provider has, and the registry that names them.

A provider scores a batch of texts at once (a remote model is called once per batch, a
local one can vectorize the batch). Scores lie in [-1, 1]; the label is the provider's own
decision, not a fixed cut of the score, so a provider may keep a neutral band."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

Label = Literal["negative", "neutral", "positive"]
LABELS: tuple[Label, ...] = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class SentimentResult:
    label: Label
    score: float  # -1 (most negative) … 1 (most positive)


class SentimentProvider(Protocol):
    name: str

    def analyze(self, texts: Sequence[str], languages: Sequence[str]) -> list[SentimentResult]: ...


_FACTORIES: dict[str, Callable[..., SentimentProvider]] = {}


def register_provider(name: str, factory: Callable[..., SentimentProvider]) -> None:
    _FACTORIES[name] = factory


def get_provider(name: str = "builtin", **options: Any) -> SentimentProvider:
    if name == "builtin" and name not in _FACTORIES:
        from clearloop.textanalysis.engine import builtin  # noqa: F401  registers itself
    try:
        factory = _FACTORIES[name]
    except KeyError:
        known = ", ".join(sorted(_FACTORIES)) or "none"
        raise ValueError(f"Unknown sentiment provider {name!r}; known: {known}.") from None
    return factory(**options)
