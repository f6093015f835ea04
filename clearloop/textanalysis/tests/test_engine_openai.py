"""The OpenAI-compatible provider against a real HTTP server on 127.0.0.1 (no mocks)."""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from clearloop.textanalysis.engine import get_provider
from clearloop.textanalysis.engine.openai_compatible import (
    ProviderBadAnswer,
    ProviderError,
    ProviderTimeout,
    ProviderUnavailable,
    parse_answer,
)


class FakeServer:
    """A chat-completions endpoint whose next answers the test decides."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answer = lambda body: (200, completion("{}"))
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length))
                server.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                status, payload = server.answer(body)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.base_url = f"http://127.0.0.1:{self.httpd.server_port}/v1"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


def completion(content):
    return {"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}


def scored(body):
    """Answers like a well-behaved model: one result per text, by keyword."""
    items = json.loads(body["messages"][-1]["content"])
    results = [
        {"i": item["i"], "label": "positive" if "good" in item["text"] else "negative",
         "score": 0.8 if "good" in item["text"] else -0.6}
        for item in items
    ]  # fmt: skip
    return 200, completion(json.dumps({"results": results}))


@pytest.fixture
def server():
    fake = FakeServer()
    yield fake
    fake.close()


def provider(server, **options):
    options.setdefault("timeout", 5)
    return get_provider(
        "openai", base_url=server.base_url, model="local-model", api_key="secret-key", **options
    )


def test_good_answer_is_parsed_in_order_and_the_request_is_a_chat_completion(server):
    server.answer = scored
    results = provider(server).analyze(["good food", "cold soup", "好"], ["en", "en", "zh"])
    assert [(r.label, r.score) for r in results] == [
        ("positive", 0.8), ("negative", -0.6), ("negative", -0.6)
    ]  # fmt: skip
    (request,) = server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer secret-key"
    assert request["body"]["model"] == "local-model"
    assert request["body"]["temperature"] == 0
    sent = json.loads(request["body"]["messages"][-1]["content"])
    assert [item["text"] for item in sent] == ["good food", "cold soup", "好"]


def test_one_call_per_batch(server):
    server.answer = scored
    results = provider(server, batch_size=2).analyze(["good"] * 5, ["en"] * 5)
    assert len(results) == 5
    assert len(server.requests) == 3


def test_answer_in_a_code_fence_with_prose_is_accepted(server):
    fenced = 'Sure! Here you go:\n```json\n{"results": [{"i": 0, "label": "Positive"}]}\n```'
    server.answer = lambda body: (200, completion(fenced))
    (result,) = provider(server).analyze(["nice"], ["en"])
    assert result.label == "positive"
    assert result.score == 0.7


@pytest.mark.parametrize(
    "content",
    [
        "I think it is positive.",
        '{"results": [{"i": 0, "label": "happy", "score": 0.5}]}',
        '{"results": [{"i": 0, "label": "positive"}]}',  # two texts, one result
        '{"results": [{"i": 0, "score": "high"}, {"i": 1, "score": 0}]}',
        '{"answer": "positive"}',
    ],
)
def test_malformed_answers_raise_bad_answer(server, content):
    server.answer = lambda body: (200, completion(content))
    with pytest.raises(ProviderBadAnswer):
        provider(server).analyze(["a", "b"], ["en", "en"])


def test_not_a_chat_completion_raises_bad_answer(server):
    server.answer = lambda body: (200, b"<html>proxy login</html>")
    with pytest.raises(ProviderBadAnswer, match="chat completion"):
        provider(server).analyze(["a"], ["en"])


def test_http_500_raises_unavailable_with_the_status(server):
    server.answer = lambda body: (500, {"error": {"message": "model crashed"}})
    with pytest.raises(ProviderUnavailable, match="HTTP 500"):
        provider(server).analyze(["a"], ["en"])


def test_timeout_raises_timeout(server):
    def slow(body):
        time.sleep(1.0)
        return scored(body)

    server.answer = slow
    started = time.monotonic()
    with pytest.raises(ProviderTimeout):
        provider(server, timeout=0.2).analyze(["good"], ["en"])
    assert time.monotonic() - started < 0.9


def test_refused_connection_raises_unavailable():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    offline = get_provider("openai", base_url=f"http://127.0.0.1:{port}/v1", model="m", timeout=2)
    with pytest.raises(ProviderUnavailable, match="connect"):
        offline.analyze(["a"], ["en"])


def test_errors_are_clearloop_errors_mapped_to_502():
    assert issubclass(ProviderTimeout, ProviderError)
    assert ProviderError.status_code == 502


def test_options_are_checked():
    with pytest.raises(ValueError, match="http"):
        get_provider("openai", base_url="ftp://x", model="m")


def test_bare_list_answer_and_scores_clamped():
    results = parse_answer('[{"label": "negative", "score": -3}, {"score": 0.05}]', expected=2)
    assert [(r.label, r.score) for r in results] == [("negative", -1.0), ("neutral", 0.05)]
