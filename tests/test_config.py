"""Settings: defaults, validation, and one clear line for what is missing or wrong."""

from __future__ import annotations

import pytest

from copbot.config import Settings, SettingsError, load_settings

ALL_VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "COPBOT_DATABASE_URL",
    "COPBOT_SLACK_API_URL",
    "COPBOT_LANGUAGE",
    "COPBOT_LOG_LEVEL",
    "COPBOT_CREATE_REQUIRES_ADMIN",
)


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ALL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults(clean_env):
    """With nothing set, copbot uses SQLite, Slack's own API, English and INFO logs."""
    settings = load_settings()
    assert settings.database_url == "sqlite:///copbot.db"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.language == "en"
    assert settings.log_level == "INFO"
    assert settings.slack_bot_token is None
    assert settings.oauth_enabled is False


def test_reads_environment_and_dotenv(clean_env, monkeypatch, tmp_path):
    """Variables come from the environment, and from a .env file in the working folder."""
    (tmp_path / ".env").write_text("COPBOT_LANGUAGE=fr\nSLACK_SIGNING_SECRET=from-dotenv\n")
    monkeypatch.setenv("COPBOT_SLACK_API_URL", "http://127.0.0.1:9999/api")
    settings = load_settings()
    assert settings.language == "fr"
    assert settings.slack_signing_secret is not None
    assert settings.slack_signing_secret.get_secret_value() == "from-dotenv"
    assert settings.slack_api_url == "http://127.0.0.1:9999/api/"


def test_postgres_urls_use_psycopg(clean_env, monkeypatch):
    """A plain postgres:// URL, as hosting providers give, is run with psycopg 3."""
    monkeypatch.setenv("COPBOT_DATABASE_URL", "postgres://u:p@db:5432/copbot")
    assert load_settings().database_url == "postgresql+psycopg://u:p@db:5432/copbot"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("COPBOT_LANGUAGE", "de", "COPBOT_LANGUAGE is invalid: Input should be 'en' or 'fr'"),
        ("COPBOT_LOG_LEVEL", "LOUD", "COPBOT_LOG_LEVEL is invalid"),
        (
            "SLACK_BOT_TOKEN",
            "xoxp-user-token",
            "SLACK_BOT_TOKEN is invalid: must be a bot token starting with xoxb-",
        ),
        (
            "SLACK_APP_TOKEN",
            "xoxb-1",
            "SLACK_APP_TOKEN is invalid: must be an app-level token starting with xapp-",
        ),
        (
            "COPBOT_DATABASE_URL",
            "mysql://x",
            "COPBOT_DATABASE_URL is invalid: must be a sqlite:/// or postgresql://",
        ),
        ("COPBOT_SLACK_API_URL", "slack.com/api", "COPBOT_SLACK_API_URL is invalid: must be an http(s) URL"),
    ],
)
def test_invalid_values_name_the_variable(clean_env, monkeypatch, variable, value, expected):
    """An invalid value raises one line that names the variable and says what is expected."""
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert message.startswith(expected)
    assert "\n" not in message


def test_require_names_the_missing_variable(clean_env):
    """Asking for an unset setting names its variable and where to find the value."""
    settings = load_settings()
    with pytest.raises(
        SettingsError, match=r"^SLACK_APP_TOKEN is not set: export an app-level token \(xapp-"
    ):
        settings.require("slack_app_token")


def test_blank_tokens_count_as_unset(clean_env, monkeypatch):
    """An exported but empty token is treated as missing, not as a token."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "  ")
    assert load_settings().slack_bot_token is None


def test_oauth_needs_both_client_values(clean_env):
    """Multi-workspace (OAuth) mode is on only with both the client id and secret."""
    assert Settings(slack_client_id="1.2", _env_file=None).oauth_enabled is False
    assert Settings(slack_client_id="1.2", slack_client_secret="s", _env_file=None).oauth_enabled is True
