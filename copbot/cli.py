"""The `copbot` command: the only place that prints."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from copbot.config import Settings, SettingsError, load_settings

F = TypeVar("F", bound=Callable[..., Any])


def _settings_errors_exit(func: F) -> F:
    """A missing or invalid setting ends the command with one line and status 2, no traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SettingsError as error:
            click.echo(f"copbot: {error}", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def _settings(**overrides: object) -> Settings:
    settings = load_settings(**overrides)
    from copbot.logs import configure_logging  # noqa: PLC0415 - keeps `copbot --help` fast

    configure_logging(settings.log_level_number)
    return settings


@click.group()
@click.version_option(package_name="copbot")
def main() -> None:
    """copbot runs communities of practice in Slack."""


@main.command()
@click.option(
    "--database-url", help="Where to keep the demo's data (default: a SQLite file in a temporary folder)."
)
@_settings_errors_exit
def demo(database_url: str | None) -> None:
    """Play a scripted story against the bundled Slack sandbox; no Slack account needed."""
    from copbot.demo import run_demo  # noqa: PLC0415 - keeps `copbot --help` fast

    sys.exit(run_demo(database_url=database_url, echo=click.echo))


@main.command()
@_settings_errors_exit
def run() -> None:
    """Connect one workspace over Socket Mode (needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN)."""
    from copbot.runner import run_socket_mode  # noqa: PLC0415

    settings = _settings()
    settings.require("slack_bot_token", "slack_app_token")
    run_socket_mode(settings)


@main.command()
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")  # noqa: S104
@click.option(
    "--port", default=3000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on."
)
@click.option(
    "--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="gunicorn processes."
)
@click.option(
    "--threads", default=8, show_default=True, type=click.IntRange(1, 256), help="Threads per process."
)
@_settings_errors_exit
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Answer Slack over HTTP at /slack/events under gunicorn (needs SLACK_SIGNING_SECRET and a token)."""
    from copbot.metrics_dir import prepare_multiprocess_dir, remove_multiprocess_dir  # noqa: PLC0415

    settings = _settings()
    settings.require("slack_signing_secret")
    settings.require("secret_key" if settings.oauth_enabled else "slack_bot_token")
    folder = prepare_multiprocess_dir()  # before anything imports prometheus_client
    try:
        from copbot.runner import serve_http  # noqa: PLC0415

        serve_http(settings, host=host, port=port, workers=workers, threads=threads)
    finally:
        remove_multiprocess_dir(folder)


@main.command()
@click.option("--host", default="0.0.0.0", show_default=True, help="Address for /healthz and /metrics.")  # noqa: S104
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    help="Serve /healthz and /metrics on this port (none: not served).",
)
@_settings_errors_exit
def worker(host: str, port: int | None) -> None:
    """Run only the loop: send what is due, plan what becomes due (needs a token or OAuth credentials)."""
    from copbot.runner import run_worker  # noqa: PLC0415

    settings = _settings()
    if not settings.oauth_enabled:
        settings.require("slack_bot_token")
    run_worker(settings, host=host, port=port)


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command()
@_settings_errors_exit
def upgrade() -> None:
    """Bring the database (COPBOT_DATABASE_URL) to the latest schema; safe to run again."""
    from copbot.store.migrate import upgrade as upgrade_database  # noqa: PLC0415

    settings = _settings()
    notes: list[str] = []
    applied = upgrade_database(settings.database_url, notes)
    for note in notes:
        click.echo(f"Note: {note}")
    if applied:
        click.echo(f"Database upgraded: applied {', '.join(applied)}.")
    else:
        click.echo("Database already up to date.")


@main.group()
def secrets() -> None:
    """The key that encrypts stored Slack tokens (COPBOT_SECRET_KEY)."""


@secrets.command("new-key")
def new_key() -> None:
    """Print a new key: put it first in COPBOT_SECRET_KEY (comma-separated), then run `secrets rotate`."""
    from copbot.store.sealing import new_key as make_key  # noqa: PLC0415

    click.echo(make_key())


@secrets.command()
@_settings_errors_exit
def rotate() -> None:
    """Re-encrypt every stored token with the first key of COPBOT_SECRET_KEY; older keys can then go."""
    from copbot.secrets import reseal_stored_tokens  # noqa: PLC0415

    settings = _settings()
    settings.require("secret_key", "slack_client_id")
    click.echo(f"Re-encrypted {reseal_stored_tokens(settings)} stored tokens with the first key.")


@main.command()
@click.option("--request-url", help="Public base URL for HTTP mode, e.g. https://copbot.example.org")
def manifest(request_url: str | None) -> None:
    """Print the Slack app manifest (Socket Mode, or HTTP with --request-url)."""
    from copbot.manifest import render_manifest  # noqa: PLC0415

    click.echo(render_manifest(request_url), nl=False)
