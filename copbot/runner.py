"""Long-running modes: Socket Mode for one workspace, HTTP under gunicorn for many, and the worker.

Each runs the loop (copbot.scheduler) unless COPBOT_SCHEDULER=off; `copbot worker` runs only the loop.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

from gunicorn import glogging
from gunicorn.app.base import BaseApplication
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from copbot import metrics
from copbot.app import Copbot, create_app
from copbot.config import Settings, SettingsError
from copbot.http_worker import RequestThreadWorker
from copbot.slack.client import make_web_client
from copbot.store.migrate import is_up_to_date
from copbot.web import build_worker_wsgi, build_wsgi, serve_in_background

logger = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
NEWER_GUNICORN_OPTIONS = frozenset({"control_socket_disable"})  # set only where the gunicorn knows them
SOCKET_MODE_THREADS = 10  # Bolt's own default for the Socket Mode handler's pool
# Slack's answers that mean "this token is wrong", as opposed to Slack being briefly unwell.
TOKEN_ERRORS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "not_allowed_token_type",
        "missing_scope",
    }
)
TOKEN_HINTS = {
    "SLACK_BOT_TOKEN": "use the bot token (xoxb-…) from your Slack app's OAuth & Permissions page",
    "SLACK_APP_TOKEN": "use an app-level token (xapp-…) with connections:write "
    "from your Slack app's Basic Information page",
}


def check_schema(settings: Settings) -> None:
    if not is_up_to_date(settings.database_url):
        raise SettingsError(
            "COPBOT_DATABASE_URL points at a database without copbot's latest schema: "
            "run `copbot db upgrade` first"
        )


def run_socket_mode(settings: Settings) -> None:
    """Serve one workspace over Socket Mode until SIGTERM or SIGINT, then disconnect and return."""
    check_schema(settings)
    assert settings.slack_app_token is not None
    app_token = settings.slack_app_token.get_secret_value()
    with _stop_signals() as stop:
        team_id = _bot_token_team(settings)
        copbot = create_app(settings, request_threads=SOCKET_MODE_THREADS)
        copbot.token_works(team_id)
        handler = SocketModeHandler(copbot.bolt, app_token, concurrency=SOCKET_MODE_THREADS)
        # Asked here rather than inside connect(), which would log the refusal as a multi-line error.
        opened = _ask_slack(
            "SLACK_APP_TOKEN", lambda: copbot.bolt.client.apps_connections_open(app_token=app_token)
        )
        handler.client.wss_uri = opened["url"]
        handler.connect()  # type: ignore[no-untyped-call]
        copbot.start_loop()
        logger.info("Connected to Slack over Socket Mode; SIGTERM or Ctrl-C disconnects")
        stop.wait()
    logger.info("Disconnecting from Slack")
    _disconnect(handler)
    copbot.close()


def run_worker(settings: Settings, *, host: str, port: int | None) -> None:
    """Run only the loop until SIGTERM or SIGINT; serve /healthz and /metrics on `port` when given."""
    check_schema(settings)
    if not settings.scheduler:
        raise SettingsError("COPBOT_SCHEDULER=off: `copbot worker` runs nothing but the loop; unset it")
    with _stop_signals() as stop:
        team_id = None if settings.oauth_enabled else _bot_token_team(settings)
        copbot = create_app(settings)
        if team_id is not None:
            copbot.token_works(team_id)
        copbot.start_loop()
        server = serve_in_background(build_worker_wsgi(copbot), host, port) if port is not None else None
        logger.info("copbot worker running the loop; SIGTERM or Ctrl-C stops it")
        stop.wait()
    logger.info("Stopping the loop")
    if server is not None:
        server.stop()
    copbot.close()


def _bot_token_team(settings: Settings) -> str:
    """The workspace SLACK_BOT_TOKEN belongs to, as Slack says (a refused token stops the command)."""
    assert settings.slack_bot_token is not None
    client = make_web_client(settings, settings.slack_bot_token.get_secret_value())
    return str(_ask_slack("SLACK_BOT_TOKEN", client.auth_test)["team_id"])


def _disconnect(handler: SocketModeHandler) -> None:
    """Close the WebSocket now: the builtin client would first sit out its 3-second read timeout."""
    handler.client.auto_reconnect_enabled = False
    session = handler.client.current_session
    if session is not None and session.sock is not None:
        with contextlib.suppress(OSError):
            session.sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked reading it
    handler.close()  # type: ignore[no-untyped-call]


def _ask_slack(variable: str, call: Callable[[], SlackResponse]) -> SlackResponse:
    """Make a call whose refusal means the token in `variable` is wrong: then one clear line, no traceback."""
    try:
        return call()
    except SlackApiError as error:
        code = str(error.response.get("error", ""))
        if code not in TOKEN_ERRORS:
            raise
        raise SettingsError(f"{variable} was refused by Slack ({code}): {TOKEN_HINTS[variable]}") from None


@contextlib.contextmanager
def _stop_signals() -> Iterator[threading.Event]:
    """An event that SIGTERM and SIGINT set, so the process disconnects instead of dying mid-request."""
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:  # noqa: ARG001 - signal handler shape
        stop.set()

    previous = {number: signal.signal(number, request_stop) for number in STOP_SIGNALS}
    try:
        yield stop
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


class _JsonLogs(glogging.Logger):  # type: ignore[misc]
    """gunicorn's own messages (workers booting, timeouts) through copbot's JSON handler.

    gunicorn's access log stays off: copbot logs one line per request itself, with the path but never the
    query string (an OAuth redirect's ?code=… must not be written anywhere).
    """

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        self.error_log.handlers = list(logging.getLogger().handlers)


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn run from our own CLI: each worker builds its own app (own engine, own connections)."""

    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self._settings = settings
        self._options = options
        self._copbot: Copbot | None = None
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            if key in self.cfg.settings or key not in NEWER_GUNICORN_OPTIONS:
                self.cfg.set(key, value)
        self.cfg.set("worker_exit", self._worker_exit)

    def load(self) -> Any:
        """In each worker process: its own app and its own loop (threads do not survive a fork)."""
        self._copbot = create_app(self._settings, request_threads=self.cfg.threads)
        self._copbot.start_loop()
        return build_wsgi(self._copbot)

    def _worker_exit(self, _server: object, _worker: object) -> None:
        """The worker stops (SIGTERM, or gunicorn replacing it): finish or give back what it claimed."""
        if self._copbot is not None:
            self._copbot.close()


def serve_http(settings: Settings, *, host: str, port: int, workers: int, threads: int) -> None:
    """Run gunicorn; the metrics folder must already be set up (copbot.metrics_dir), before any import."""
    check_schema(settings)
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": RequestThreadWorker,
        "timeout": 30,
        "accesslog": None,
        "logger_class": _JsonLogs,
        "loglevel": settings.log_level.lower(),
        "child_exit": _worker_exited,
        # gunicorn 25's control socket sits at one path per user: replicas or tests on one machine would
        # take it from each other, and copbot does not use it.
        "control_socket_disable": True,
    }
    _Gunicorn(settings, options).run()


def _worker_exited(_server: object, worker: Any) -> None:
    metrics.worker_exited(worker.pid)
