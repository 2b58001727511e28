"""The Slack app manifest, generated from the same identifiers the code registers."""

from __future__ import annotations

from typing import Any

import yaml

from copbot.slack.ids import BOT_EVENTS, BOT_SCOPES, COMMAND, EVENTS_PATH, OAUTH_REDIRECT_PATH

HINTED = [
    "create",
    "join",
    "leave",
    "list",
    "share",
    "stories",
    "prompts",
    "sessions",
    "session",
    "pair",
    "stats",
    "organisers",
    "edit",
    "pause",
    "resume",
    "archive",
    "unarchive",
    "delete",
    "help",
]
USAGE_HINT = f"[{'|'.join(HINTED)}] [community]"


def build_manifest(request_url: str | None = None) -> dict[str, Any]:
    """Socket Mode without a public URL (`copbot run`); HTTP at `request_url` otherwise (`copbot serve`)."""
    base = request_url.rstrip("/") if request_url else None
    command: dict[str, Any] = {
        "command": COMMAND,
        "description": "Join communities of practice, share stories, see what's on",
        "usage_hint": USAGE_HINT,
        "should_escape": True,
    }
    settings: dict[str, Any] = {
        "event_subscriptions": {"bot_events": list(BOT_EVENTS)},
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": base is None,
        # HTTP mode installs over OAuth, and copbot refreshes rotating tokens before they expire. A Socket
        # Mode app runs on one SLACK_BOT_TOKEN from the environment, which nothing could refresh.
        "token_rotation_enabled": base is not None,
    }
    oauth: dict[str, Any] = {"scopes": {"bot": list(BOT_SCOPES)}}
    if base is not None:
        command["url"] = base + EVENTS_PATH
        settings["event_subscriptions"]["request_url"] = base + EVENTS_PATH
        settings["interactivity"]["request_url"] = base + EVENTS_PATH
        oauth["redirect_urls"] = [base + OAUTH_REDIRECT_PATH]
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": "copbot",
            "description": "Runs communities of practice in Slack",
            "background_color": "#1d3557",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                # copbot does not read DMs: the Messages tab shows what it sends (welcomes, introductions)
                # and cannot be written in, rather than taking messages nobody answers.
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": True,
            },
            "bot_user": {"display_name": "copbot", "always_online": True},
            "slash_commands": [command],
        },
        "oauth_config": oauth,
        "settings": settings,
    }


def render_manifest(request_url: str | None = None) -> str:
    header = "# Slack app manifest for copbot. Regenerate with: copbot manifest > manifest.yml\n"
    if request_url is None:
        header += (
            "# Socket Mode (copbot run). For HTTP (copbot serve): copbot manifest --request-url https://…\n"
        )
    return header + yaml.safe_dump(build_manifest(request_url), sort_keys=False, allow_unicode=True)
