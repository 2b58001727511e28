"""The `copbot` command as a user runs it: a real process, its exit status and what it prints."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from copbot.store import migrate

COPBOT = [sys.executable, "-m", "copbot"]
SLACK_VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
)


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if k not in SLACK_VARIABLES and not k.startswith("COPBOT_")
    }
    environment.update(env)
    return subprocess.run(
        [*COPBOT, *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=60, check=False
    )


def test_help_lists_every_command(tmp_path):
    """`copbot --help` lists demo, run, serve, db and manifest."""
    result = _run(["--help"], tmp_path)
    assert result.returncode == 0
    for command in ("demo", "run", "serve", "worker", "db", "manifest"):
        assert f"  {command} " in result.stdout


@pytest.mark.parametrize(
    ("command", "env", "missing"),
    [
        (["run"], {}, "SLACK_BOT_TOKEN"),
        (["run"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN"),
        (["serve"], {}, "SLACK_SIGNING_SECRET"),
        (["serve"], {"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        (
            ["serve"],
            {"SLACK_SIGNING_SECRET": "s", "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c"},
            "COPBOT_SECRET_KEY",
        ),
    ],
)
def test_missing_tokens_stop_with_one_line(tmp_path, command, env, missing):
    """Without its tokens, run/serve exits 2 with one line naming the missing variable and no traceback."""
    result = _run(command, tmp_path, **env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"copbot: {missing} is not set: ")
    assert "Traceback" not in result.stderr


def test_invalid_setting_stops_with_one_line(tmp_path):
    """An invalid value stops the command the same way, naming the variable."""
    result = _run(["db", "upgrade"], tmp_path, COPBOT_LANGUAGE="klingon")
    assert result.returncode == 2
    assert result.stderr.strip() == "copbot: COPBOT_LANGUAGE is invalid: Input should be 'en' or 'fr'"


def test_a_secret_key_that_is_not_a_fernet_key_is_refused(tmp_path):
    """COPBOT_SECRET_KEY must be Fernet keys; anything else stops the command, saying how to make one."""
    result = _run(["db", "upgrade"], tmp_path, COPBOT_SECRET_KEY="hunter2")
    assert result.returncode == 2
    assert result.stderr.startswith("copbot: COPBOT_SECRET_KEY is invalid: must be one or more Fernet keys")
    assert "hunter2" not in result.stderr


def test_secrets_new_key_then_rotate(tmp_path):
    """`secrets new-key` prints a usable key; `secrets rotate` re-encrypts what is stored (none yet)."""
    key = _run(["secrets", "new-key"], tmp_path).stdout.strip()
    url = f"sqlite:///{tmp_path / 'copbot.db'}"
    assert _run(["db", "upgrade"], tmp_path, COPBOT_DATABASE_URL=url).returncode == 0
    result = _run(
        ["secrets", "rotate"], tmp_path, COPBOT_DATABASE_URL=url, COPBOT_SECRET_KEY=key, SLACK_CLIENT_ID="1.2"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Re-encrypted 0 stored tokens with the first key."


def test_db_upgrade_twice(tmp_path):
    """`copbot db upgrade` creates the schema in an empty SQLite file, and the second run changes nothing."""
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    first = _run(["db", "upgrade"], tmp_path, COPBOT_DATABASE_URL=url)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Database upgraded: applied 0001")
    second = _run(["db", "upgrade"], tmp_path, COPBOT_DATABASE_URL=url)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "Database already up to date."


def test_run_refuses_a_database_without_schema(tmp_path):
    """With tokens but an un-migrated database, `copbot run` says to run `copbot db upgrade`."""
    result = _run(
        ["run"],
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_APP_TOKEN="xapp-1",
        COPBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}",
    )
    assert result.returncode == 2
    assert "run `copbot db upgrade` first" in result.stderr


def test_manifest_with_request_url(tmp_path):
    """`copbot manifest --request-url` prints the HTTP variant with every URL filled in."""
    result = _run(["manifest", "--request-url", "https://cop.example.org/"], tmp_path)
    assert result.returncode == 0
    assert "url: https://cop.example.org/slack/events" in result.stdout
    assert "https://cop.example.org/slack/oauth_redirect" in result.stdout
    assert "socket_mode_enabled: false" in result.stdout


def test_db_upgrade_reports_the_duplicates_it_resolved(tmp_path):
    """Communities stored twice under one name before 0002: `copbot db upgrade` says what it changed."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade_to(url, "0001")
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO workspaces (team_id, name, installed_at) VALUES ('T1', '', '2026-01-01')")
        )
        for number, name in enumerate(("Testing Guild", "testing guild")):
            connection.execute(
                text(
                    "INSERT INTO communities (team_id, slug, name, purpose, audience, channel_id, "
                    "timezone, language, prompt_cadence, prompt_weekday, prompt_time, "
                    "pairing_every_weeks, pairing_weekday, pairing_group_size, created_by, created_at, "
                    "updated_at) VALUES ('T1', :slug, :name, 'p', 'a', :channel, 'UTC', 'en', 'off', 0, "
                    "'10:00:00', 0, 0, 2, 'U1', '2026-01-01', '2026-01-01')"
                ),
                {"slug": f"s{number}", "name": name, "channel": f"C{number}"},
            )
    engine.dispose()
    result = _run(["db", "upgrade"], tmp_path, COPBOT_DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert (
        "Note: community 2 “testing guild” renamed “testing guild (2)”: the name was taken" in result.stdout
    )


def test_worker_without_a_token_stops_with_one_line(tmp_path):
    """`copbot worker` needs a bot token (or OAuth credentials), and says so in one line."""
    result = _run(["worker"], tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("copbot: SLACK_BOT_TOKEN is not set: ")
