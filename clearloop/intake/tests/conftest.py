"""Local HTTP servers for intake tests: real sockets on 127.0.0.1, which the product
refuses unless a test lists loopback in CLEARLOOP_FETCH_ALLOWED_NETWORKS."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

Answer = tuple[int, dict[str, str], bytes]
Route = Callable[[dict[str, str]], Answer]


@dataclass
class LocalServer:
    port: int
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def serve(self, path: str, body: bytes, *, status: int = 200, **headers: str) -> None:
        self.routes[path] = lambda _request: (status, headers, body)

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.routes[path] = lambda _request: (status, {"Location": location}, b"")


def _handler(server_state: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            headers = {name.lower(): value for name, value in self.headers.items()}
            server_state.requests.append({"path": self.path, "headers": headers})
            route = server_state.routes.get(self.path)
            status, extra, body = route(headers) if route else (404, {}, b"not found")
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name.replace("_", "-"), value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    state = LocalServer(port=0)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def allow_loopback(settings: Any) -> None:
    """Let the fetcher reach 127.0.0.1 (only), as the local test servers need."""
    settings.CLEARLOOP_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
