"""A sentiment provider backed by a self-hosted model behind an OpenAI-compatible API.

    get_provider("openai", base_url="http://127.0.0.1:8000/v1", model="qwen2.5-7b-instruct",
                 api_key="…", timeout=30, batch_size=20)

Any server that speaks `POST {base_url}/chat/completions` works (vLLM, llama.cpp's server,
Ollama, LocalAI, TGI …). Each batch of texts is one call: the texts go in as a numbered JSON
list and the model is asked for `{"results": [{"i": 0, "label": …, "score": …}, …]}`. The
answer is parsed leniently (code fences, prose around the JSON, a bare list, a missing
score or label are all accepted) but never guessed: a missing or unknown item is an error.

Errors (all `ProviderError`, a `ClearloopError` that maps to 502):
    ProviderError
    ├── ProviderTimeout       the server did not answer within `timeout` seconds
    ├── ProviderUnavailable   connection refused/reset, or an HTTP status ≥ 400
    └── ProviderBadAnswer     the answer is not the JSON asked for
No retries here: the calling task retries with backoff.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import urllib3

from clearloop.core.errors import ClearloopError
from clearloop.textanalysis.engine.base import LABELS, Label, SentimentResult, register_provider

SYSTEM_PROMPT = (
    "You are a sentiment classifier for customer feedback in any language. For each "
    'numbered text, answer with JSON only: {"results": [{"i": <number>, "label": '
    '"negative" | "neutral" | "positive", "score": <number from -1 (most negative) to 1 '
    "(most positive)>}, ...]} with exactly one result per text, in order. Judge the "
    "writer's overall feeling about the business; sarcasm counts as negative."
)
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.MULTILINE)


class ProviderError(ClearloopError):
    status_code = 502
    code = "provider_error"
    default_message = "The sentiment provider failed."


class ProviderTimeout(ProviderError):
    default_message = "The sentiment provider did not answer in time."


class ProviderUnavailable(ProviderError):
    default_message = "The sentiment provider could not be reached."


class ProviderBadAnswer(ProviderError):
    default_message = "The sentiment provider's answer could not be read."


class OpenAICompatibleProvider:
    name = "openai"

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str = "",
        timeout: float = 30.0,
        batch_size: int = 20,
        json_mode: bool = True,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must be an http(s) URL, not {base_url!r}.")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1.")
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.batch_size = batch_size
        self.json_mode = json_mode
        self._http = urllib3.PoolManager(retries=False)

    def analyze(self, texts: Sequence[str], languages: Sequence[str]) -> list[SentimentResult]:
        if len(texts) != len(languages):
            raise ValueError("analyze() needs one language per text.")
        results: list[SentimentResult] = []
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            results += self._analyze_batch(batch, list(languages[start : start + len(batch)]))
        return results

    def _analyze_batch(self, texts: list[str], languages: list[str]) -> list[SentimentResult]:
        if not texts:
            return []
        items = [
            {"i": i, "language": lang, "text": t}
            for i, (t, lang) in enumerate(zip(texts, languages, strict=True))
        ]
        body: dict[str, Any] = {
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": json.dumps(items, ensure_ascii=False)},
            ],
        }
        if self.json_mode:
            body["response_format"] = {"type": "json_object"}
        content = self._post(body)
        return parse_answer(content, expected=len(texts))

    def _post(self, body: dict[str, Any]) -> str:
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        try:
            response = self._http.request(
                "POST",
                self.url,
                body=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                headers=headers,
                timeout=urllib3.Timeout(total=self.timeout),
            )
        except urllib3.exceptions.NewConnectionError as error:  # a ConnectTimeoutError too
            raise ProviderUnavailable(f"Could not connect to {self.url}: {error}.") from error
        except urllib3.exceptions.TimeoutError as error:
            raise ProviderTimeout(
                f"{self.url} did not answer within {self.timeout:g} s."
            ) from error
        except urllib3.exceptions.HTTPError as error:
            raise ProviderUnavailable(f"Could not reach {self.url}: {error}.") from error
        if response.status >= 400:
            snippet = response.data[:200].decode("utf-8", "replace")
            raise ProviderUnavailable(f"{self.url} answered HTTP {response.status}: {snippet}")
        try:
            payload = json.loads(response.data)
            content = payload["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as error:
            raise ProviderBadAnswer(
                "The answer is not a chat completion (choices[0].message.content)."
            ) from error
        if not isinstance(content, str):
            raise ProviderBadAnswer("The completion's content is not text.")
        return content


def parse_answer(content: str, *, expected: int) -> list[SentimentResult]:
    """The model's JSON answer → one SentimentResult per text, in order."""
    data = _load_json(content)
    items = data.get("results") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ProviderBadAnswer('The answer has no "results" list.')
    by_index: dict[int, SentimentResult] = {}
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            raise ProviderBadAnswer(f"Result {position} is not an object.")
        index = item.get("i", item.get("index", item.get("id", position)))
        if not isinstance(index, int) or isinstance(index, bool):
            raise ProviderBadAnswer(f"Result {position} has no integer index.")
        by_index[index] = _result(item, position)
    missing = [i for i in range(expected) if i not in by_index]
    if missing:
        raise ProviderBadAnswer(f"The answer has {len(by_index)} results for {expected} texts.")
    return [by_index[i] for i in range(expected)]


def _load_json(content: str) -> Any:
    text = _FENCE.sub("", content.strip())
    try:
        return json.loads(text)
    except ValueError:
        pass
    for opening, closing in (("{", "}"), ("[", "]")):  # JSON wrapped in prose
        start, end = text.find(opening), text.rfind(closing)
        if 0 <= start < end:
            try:
                return json.loads(text[start : end + 1])
            except ValueError:
                continue
    raise ProviderBadAnswer("The answer is not JSON.")


def _result(item: dict[str, Any], position: int) -> SentimentResult:
    raw_label = item.get("label", item.get("sentiment"))
    raw_score = item.get("score")
    label = str(raw_label).strip().lower() if raw_label is not None else None
    if label is not None and label not in LABELS:
        raise ProviderBadAnswer(f"Result {position} has an unknown label {raw_label!r}.")
    score: float | None = None
    if raw_score is not None:
        try:
            score = max(-1.0, min(1.0, float(raw_score)))
        except (TypeError, ValueError) as error:
            raise ProviderBadAnswer(
                f"Result {position} has a score that is not a number."
            ) from error
        if score != score:  # NaN
            raise ProviderBadAnswer(f"Result {position} has a score that is not a number.")
    if label is None and score is None:
        raise ProviderBadAnswer(f"Result {position} has neither label nor score.")
    if score is None:
        score = {"negative": -0.7, "neutral": 0.0, "positive": 0.7}[label or "neutral"]
    final: Label
    if label is None:
        final = "neutral" if abs(score) < 0.2 else "positive" if score > 0 else "negative"
    else:
        final = label  # type: ignore[assignment]  # checked against LABELS above
    return SentimentResult(label=final, score=score)


register_provider("openai", OpenAICompatibleProvider)
