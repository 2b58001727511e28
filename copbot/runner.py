"""Long-running modes: Socket Mode for one workspace, HTTP under gunicorn for many."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication
from slack_bolt.adapter.socket_mode import SocketModeHandler

from copbot.app import create_app
from copbot.config import Settings, SettingsError
from copbot.store.migrate import is_up_to_date
from copbot.web import build_wsgi


def check_schema(settings: Settings) -> None:
    if not is_up_to_date(settings.database_url):
        raise SettingsError(
            "COPBOT_DATABASE_URL points at a database without copbot's latest schema: "
            "run `copbot db upgrade` first"
        )


def run_socket_mode(settings: Settings) -> None:
    check_schema(settings)
    assert settings.slack_app_token is not None
    copbot = create_app(settings)
    SocketModeHandler(copbot.bolt, settings.slack_app_token.get_secret_value()).start()  # type: ignore[no-untyped-call]


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn run from our own CLI: each worker builds its own app (own engine, own connections)."""

    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self._settings = settings
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return build_wsgi(create_app(self._settings))


def serve_http(settings: Settings, *, host: str, port: int, workers: int, threads: int) -> None:
    check_schema(settings)
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 30,
        "accesslog": "-",
        "loglevel": settings.log_level.lower(),
    }
    _Gunicorn(settings, options).run()
