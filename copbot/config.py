"""copbot's settings, read once from the environment (and an optional ``.env``) and passed down."""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SUPPORTED_LANGUAGES = ("en", "fr")
SLACK_API_URL = "https://slack.com/api/"
FERNET_KEY_BYTES = 32


class SettingsError(Exception):
    """A setting is missing or invalid; the message is one line naming the variable and what to do."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, validation_alias="SLACK_SIGNING_SECRET")
    slack_client_id: str | None = Field(default=None, validation_alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = Field(default=None, validation_alias="SLACK_CLIENT_SECRET")
    database_url: str = Field(default="sqlite:///copbot.db", validation_alias="COPBOT_DATABASE_URL")
    slack_api_url: str = Field(default=SLACK_API_URL, validation_alias="COPBOT_SLACK_API_URL")
    language: Literal["en", "fr"] = Field(default="en", validation_alias="COPBOT_LANGUAGE")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", validation_alias="COPBOT_LOG_LEVEL"
    )
    create_requires_admin: bool = Field(default=False, validation_alias="COPBOT_CREATE_REQUIRES_ADMIN")
    scheduler: bool = Field(default=True, validation_alias="COPBOT_SCHEDULER")
    tick_seconds: float = Field(default=10.0, gt=0, le=3600, validation_alias="COPBOT_TICK_SECONDS")
    delivery_lease_seconds: int = Field(
        default=120, ge=5, le=3600, validation_alias="COPBOT_DELIVERY_LEASE_SECONDS"
    )
    sender_threads: int = Field(default=8, ge=1, le=64, validation_alias="COPBOT_SENDER_THREADS")
    # Fernet keys, comma-separated: the first encrypts stored Slack tokens, every one decrypts (rotation).
    secret_key: SecretStr | None = Field(default=None, validation_alias="COPBOT_SECRET_KEY")

    @field_validator(
        "slack_bot_token", "slack_app_token", "slack_signing_secret", "slack_client_secret", "secret_key"
    )
    @classmethod
    def _blank_is_unset(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value().strip() else None

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value

    @field_validator("secret_key")
    @classmethod
    def _secret_key_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not all(_is_fernet_key(key) for key in value.get_secret_value().split(",")):
            raise ValueError(
                "must be one or more Fernet keys separated by commas (make one with: copbot secrets new-key)"
            )
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_shape(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:", "postgres:")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        # psycopg 3 is the driver we ship for PostgreSQL; plain URLs from hosting providers name none.
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value.removeprefix(prefix)
        return value

    @property
    def log_level_number(self) -> int:
        return logging.getLevelNamesMapping()[self.log_level]

    @property
    def oauth_enabled(self) -> bool:
        return self.slack_client_id is not None and self.slack_client_secret is not None

    def require(self, *names: str) -> None:
        """Raise SettingsError for the first of `names` (field names) that is unset."""
        for name in names:
            if getattr(self, name) is None:
                raise SettingsError(f"{_env_name(name)} is not set: {_HOW_TO_SET[name]}")


def _is_fernet_key(key: str) -> bool:
    """32 bytes in URL-safe base64, as Fernet.generate_key() makes them."""
    try:
        return len(base64.urlsafe_b64decode(key.strip().encode())) == FERNET_KEY_BYTES
    except (binascii.Error, ValueError):
        return False


_HOW_TO_SET = {
    "slack_bot_token": "export the bot token (xoxb-…) from your Slack app's OAuth & Permissions page",
    "slack_app_token": "export an app-level token (xapp-…) with connections:write "
    "from your Slack app's Basic Information page",
    "slack_signing_secret": "export the Signing Secret from your Slack app's Basic Information page",
    "slack_client_id": "export the Client ID from your Slack app's Basic Information page",
    "slack_client_secret": "export the Client Secret from your Slack app's Basic Information page",
    "secret_key": "OAuth mode stores every workspace's tokens encrypted with it; "
    "make one with `copbot secrets new-key` and keep it safe",
}


def _env_name(field_name: str) -> str:
    alias = Settings.model_fields[field_name].validation_alias
    return str(alias)


def load_settings(**overrides: object) -> Settings:
    """Build Settings from the environment, turning validation errors into one readable SettingsError."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        name = field if field.isupper() else _env_name(field)
        raise SettingsError(f"{name} is invalid: {first['msg'].removeprefix('Value error, ')}") from None
