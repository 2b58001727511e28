"""`copbot run` for real: its own process, connected to the sandbox over Socket Mode."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from copbot.sandbox import SocketModeDriver

pytestmark = pytest.mark.slow

START_TIMEOUT = 20.0
STOP_TIMEOUT = 5.0


def _environment(sandbox, database_url: str, *, bot_token: str, app_token: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COPBOT_"))}
    return env | {
        "SLACK_BOT_TOKEN": bot_token,
        "SLACK_APP_TOKEN": app_token,
        "COPBOT_SLACK_API_URL": sandbox.api_url,
        "COPBOT_DATABASE_URL": database_url,
        "COPBOT_LOG_LEVEL": "INFO",
    }


def _wait_until_connected(sandbox, workspace, process: subprocess.Popen[str]):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"copbot run exited early:\n{process.stderr.read() if process.stderr else ''}")
        try:
            return sandbox.wait_for_socket_connection(workspace, timeout=0.2)
        except TimeoutError:
            continue
    pytest.fail(f"copbot run did not connect in {START_TIMEOUT} s")


@pytest.fixture
def running(sandbox, workspace, database_url) -> Iterator[subprocess.Popen[str]]:
    env = _environment(sandbox, database_url, bot_token=workspace.bot_token, app_token=workspace.app_token)
    process = subprocess.Popen(
        [sys.executable, "-m", "copbot", "run"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        _wait_until_connected(sandbox, workspace, process)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


def _help_text(ack: dict | None) -> str:
    assert ack is not None
    return ack["text"] + "\n" + "\n".join(b["text"]["text"] for b in ack["blocks"] if "text" in b)


def test_run_answers_help_over_socket_mode(running, sandbox, workspace, people):
    """`copbot run` opens one Socket Mode connection with the app token and answers /cop help on it."""
    (opened,) = sandbox.calls("apps.connections.open")
    assert (opened.token, opened.team_id, opened.response["ok"]) == (
        workspace.app_token,
        "T0ACME001",
        True,
    )
    (connection,) = sandbox.socket_connections(workspace)
    driver = SocketModeDriver(sandbox)
    english = driver.command(workspace, people.alice, text="help")
    assert english["response_type"] == "ephemeral"
    assert "`/cop help` — show this help" in _help_text(english)
    french = driver.command(workspace, people.bruno, text="help")
    assert "`/cop help` — afficher cette aide" in _help_text(french)
    assert len(connection.received()) == 2  # one ack per envelope, nothing else


def test_run_disconnects_cleanly_on_sigterm(running, sandbox, workspace):
    """SIGTERM makes `copbot run` drop its connection and exit 0 within a few seconds, no traceback."""
    connection = sandbox.wait_for_socket_connection(workspace)
    started = time.monotonic()
    running.send_signal(signal.SIGTERM)
    assert running.wait(timeout=STOP_TIMEOUT) == 0
    assert time.monotonic() - started < STOP_TIMEOUT
    assert connection.wait_closed(1)
    stderr = running.stderr.read()
    assert "Disconnecting from Slack" in stderr
    assert "Traceback" not in stderr


WRONG_TOKENS = {
    "SLACK_APP_TOKEN": (
        "app_token",
        "xapp-1-A0SANDBOX1-revoked",
        "use an app-level token (xapp-…) with connections:write from your Slack app's Basic Information page",
    ),
    "SLACK_BOT_TOKEN": (
        "bot_token",
        "xoxb-revoked",
        "use the bot token (xoxb-…) from your Slack app's OAuth & Permissions page",
    ),
}


@pytest.mark.parametrize("variable", WRONG_TOKENS)
def test_run_refuses_a_wrong_token_in_one_line(variable, sandbox, workspace, database_url):
    """A token Slack refuses ends `copbot run` with status 2 and one line naming the variable."""
    field, token, hint = WRONG_TOKENS[variable]
    tokens = {"bot_token": workspace.bot_token, "app_token": workspace.app_token, field: token}
    result = subprocess.run(
        [sys.executable, "-m", "copbot", "run"],
        env=_environment(sandbox, database_url, **tokens),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-1] == f"copbot: {variable} was refused by Slack (invalid_auth): {hint}"
    assert "Traceback" not in result.stderr
    assert sandbox.socket_connections(workspace, include_closed=True) == []
    assert len(sandbox.calls("apps.connections.open")) == (1 if field == "app_token" else 0)
