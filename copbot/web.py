"""The HTTP face of copbot: Slack's endpoints, a health check and metrics, as one WSGI application."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from sqlalchemy import text

from copbot import metrics
from copbot.slack.ids import EVENTS_PATH
from copbot.webguard import BOLT_REQUEST, SlackGate

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

    from copbot.app import Copbot

logger = logging.getLogger(__name__)


def build_wsgi(copbot: Copbot) -> WSGIApplication:
    """Route /healthz and /metrics here, everything else to Bolt (events, install, OAuth redirect).

    Everything passes the SlackGate: Slack's requests are verified and checked before Bolt sees them, and
    every request gets one log line and its metrics.
    """
    if copbot.settings.slack_signing_secret is None:
        copbot.settings.require("slack_signing_secret")  # raises: HTTP without signatures is not offered
    assert copbot.settings.slack_signing_secret is not None
    slack = SlackRequestHandler(copbot.bolt, path=EVENTS_PATH)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            return _healthz(copbot, start_response)
        if path == "/metrics":
            body, content_type = metrics.render()
            return _plain(start_response, "200 OK", body, content_type)
        request = environ.get(BOLT_REQUEST)
        if isinstance(request, BoltRequest) and str(environ.get("SERVER_PROTOCOL", "")).startswith("HTTP"):
            return _bolt_answer(copbot.bolt.dispatch(request), start_response)  # what the handler would do
        return slack(environ, start_response)

    return SlackGate(
        application,
        signing_secret=copbot.settings.slack_signing_secret.get_secret_value(),
        engine=copbot.engine,
    )


def build_worker_wsgi(copbot: Copbot) -> WSGIApplication:
    """What `copbot worker --port` serves: /healthz (database and loop) and /metrics, nothing from Slack."""

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            return _healthz(copbot, start_response)
        if path == "/metrics":
            body, content_type = metrics.render()
            return _plain(start_response, "200 OK", body, content_type)
        return _plain(start_response, "404 Not Found", b"not found", "text/plain")

    return application


def _healthz(copbot: Copbot, start_response: StartResponse) -> Iterable[bytes]:
    try:
        with copbot.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        logger.exception("health check: the database does not answer")
        body = json.dumps({"status": "error", "database": "unreachable"})
        return _plain(start_response, "503 Service Unavailable", body.encode(), "application/json")
    if copbot.loop.stalled():
        logger.error("health check: the loop has not ticked for a while")
        body = json.dumps({"status": "error", "loop": "stalled"})
        return _plain(start_response, "503 Service Unavailable", body.encode(), "application/json")
    return _plain(start_response, "200 OK", json.dumps({"status": "ok"}).encode(), "application/json")


def _bolt_answer(response: BoltResponse, start_response: StartResponse) -> Iterable[bytes]:
    """Bolt's answer as its WSGI handler writes it."""
    answer = WsgiHttpResponse(status=response.status, headers=response.headers, body=response.body)
    start_response(answer.status, answer.get_headers())
    return answer.get_body()


def _plain(start_response: StartResponse, status: str, data: bytes, content_type: str) -> Iterable[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(data)))])
    return [data]


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 resets connections when many people click at once


class _QuietHandler(WSGIRequestHandler):
    """No access line of its own: the SlackGate logs each request, without its query string."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002, ARG002 - the base class's signature
        return


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
