"""The one shape every sentiment provider has, and the registry that names them.

A provider scores a batch of texts at once (a remote model is called once per batch, a
local one can vectorize the batch). Scores lie in [-1, 1]; the label is the provider's own
decision, not a fixed cut of the score, so a provider may keep a neutral band."""

from __future__ import annotations

import importlib
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


# Providers that ship with Clearloop, imported (and so registered) on first use.
_BUNDLED = {
    "builtin": "clearloop.textanalysis.engine.builtin",
    "openai": "clearloop.textanalysis.engine.openai_compatible",
}


def get_provider(name: str = "builtin", **options: Any) -> SentimentProvider:
    if name in _BUNDLED and name not in _FACTORIES:
        importlib.import_module(_BUNDLED[name])  # the module registers itself
    try:
        factory = _FACTORIES[name]
    except KeyError:
        known = ", ".join(sorted(set(_FACTORIES) | set(_BUNDLED)))
        raise ValueError(f"Unknown sentiment provider {name!r}; known: {known}.") from None
    return factory(**options)
