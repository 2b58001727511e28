"""The HTTP face of copbot: Slack's endpoints, a health check and metrics, as one WSGI application."""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text

from copbot.slack.ids import EVENTS_PATH

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

    from copbot.app import Copbot

logger = logging.getLogger(__name__)


@dataclass
class RequestCounter:
    """Counts answered requests by path and status, for /metrics."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: str, status: str) -> None:
        with self.lock:
            self.counts[(path, status.split(" ", 1)[0])] += 1

    def render(self) -> str:
        with self.lock:
            rows = sorted(self.counts.items())
        lines = ["# TYPE copbot_http_requests_total counter"]
        lines += [f'copbot_http_requests_total{{path="{p}",status="{s}"}} {n}' for (p, s), n in rows]
        return "\n".join(lines) + "\n"


def build_wsgi(copbot: Copbot) -> WSGIApplication:
    """Route /healthz and /metrics here, everything else to Bolt (events, install, OAuth redirect)."""
    slack = SlackRequestHandler(copbot.bolt, path=EVENTS_PATH)
    counter = RequestCounter()
    known_paths = {EVENTS_PATH, "/healthz", "/metrics", "/slack/install", "/slack/oauth_redirect"}

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")

        def counting_start_response(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            counter.add(path if path in known_paths else "other", status)
            return start_response(status, headers, *args)

        if path == "/healthz":
            return _healthz(copbot, counting_start_response)
        if path == "/metrics":
            return _plain(counting_start_response, "200 OK", counter.render(), "text/plain; version=0.0.4")
        return slack(environ, counting_start_response)

    return application


def _healthz(copbot: Copbot, start_response: StartResponse) -> Iterable[bytes]:
    try:
        with copbot.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        logger.exception("health check: the database does not answer")
        body = json.dumps({"status": "error", "database": "unreachable"})
        return _plain(start_response, "503 Service Unavailable", body, "application/json")
    return _plain(start_response, "200 OK", json.dumps({"status": "ok"}), "application/json")


def _plain(start_response: StartResponse, status: str, body: str, content_type: str) -> Iterable[bytes]:
    data = body.encode()
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(data)))])
    return [data]


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        logger.debug(format, *args)


@dataclass
class LocalServer:
    """A threaded WSGI server on loopback, for tests and `copbot demo` (production uses gunicorn)."""

    url: str
    stop: Callable[[], None]


def serve_in_background(application: WSGIApplication, host: str = "127.0.0.1", port: int = 0) -> LocalServer:
    server = make_server(
        host, port, application, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return LocalServer(url=f"http://{host}:{server.server_port}", stop=stop)
