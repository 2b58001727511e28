"""manifest.yml agrees with what the code registers and with Slack's manifest schema limits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from slack_bolt import BoltRequest, BoltResponse

from copbot.app import FEATURES
from copbot.manifest import build_manifest, render_manifest
from copbot.slack.ids import BOT_EVENTS, BOT_SCOPES, COMMAND

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_file_is_the_generated_manifest():
    """The committed manifest.yml is exactly what `copbot manifest` prints (regenerate it after changes)."""
    assert (ROOT / "manifest.yml").read_text() == render_manifest()


def test_socket_mode_by_default(manifest):
    """The default manifest is for `copbot run`: Socket Mode on, no request URLs."""
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "url" not in manifest["features"]["slash_commands"][0]
    assert "request_url" not in manifest["settings"]["interactivity"]


def test_schema_limits(manifest):
    """Fields stay within Slack's manifest schema limits."""
    info = manifest["display_information"]
    assert 1 <= len(info["name"]) <= 35
    assert 1 <= len(info["description"]) <= 140
    command = manifest["features"]["slash_commands"][0]
    assert command["command"].startswith("/")
    assert 2 <= len(command["command"]) <= 32
    assert 1 <= len(command["description"]) <= 2000
    assert 1 <= len(command["usage_hint"]) <= 1000
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True


def test_lists_what_the_code_uses(manifest):
    """The command, bot events and bot scopes are the ones the code registers and needs."""
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == [COMMAND]
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == list(BOT_EVENTS)
    assert manifest["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)


def _matches(copbot, body: dict | str, content_type: str) -> bool:
    raw = body if isinstance(body, str) else json.dumps(body)
    request = BoltRequest(body=raw, headers={"content-type": [content_type]}, mode="socket_mode")
    response = BoltResponse(status=200, body="")
    return any(listener.matches(req=request, resp=response) for listener in copbot.bolt._listeners)


def test_the_app_listens_for_the_manifest_command(copbot, manifest):
    """The Bolt app has a listener for the manifest's slash command."""
    command = manifest["features"]["slash_commands"][0]["command"]
    body = f"command={command.replace('/', '%2F')}&text=help&team_id=T1&user_id=U1"
    assert _matches(copbot, body, "application/x-www-form-urlencoded")


def test_http_variant_fills_every_url():
    """With a request URL, commands, events, interactivity and OAuth all point at copbot's paths."""
    http = build_manifest("https://copbot.example.org/")
    assert http["settings"]["socket_mode_enabled"] is False
    assert http["features"]["slash_commands"][0]["url"] == "https://copbot.example.org/slack/events"
    assert http["settings"]["event_subscriptions"]["request_url"] == "https://copbot.example.org/slack/events"
    assert http["settings"]["interactivity"]["request_url"] == "https://copbot.example.org/slack/events"
    assert http["oauth_config"]["redirect_urls"] == ["https://copbot.example.org/slack/oauth_redirect"]


@pytest.mark.parametrize("event_type", BOT_EVENTS)
def test_the_app_listens_for_each_manifest_event(copbot, manifest, event_type):
    """Every bot event the manifest subscribes to has a listener in the app."""
    assert event_type in manifest["settings"]["event_subscriptions"]["bot_events"]
    body = {
        "type": "event_callback",
        "team_id": "T1",
        "event_id": "Ev1",
        "event": {"type": event_type, "user": "U1"},
    }
    assert _matches(copbot, body, "application/json")


def test_usage_hint_names_only_real_subcommands(manifest):
    """The usage hint Slack shows under /cop names subcommands the app really has."""
    hint = manifest["features"]["slash_commands"][0]["usage_hint"]
    named = set(hint.split("]", 1)[0].strip("[").split("|"))
    registered = {sub.name for feature in FEATURES for sub in feature.SUBCOMMANDS} | {"help"}
    assert named == registered


def test_http_variant_rotates_tokens_and_socket_mode_does_not():
    """Token rotation is on for HTTP (OAuth installs, refreshed by copbot), off for one env token."""
    assert build_manifest("https://copbot.example.org")["settings"]["token_rotation_enabled"] is True
    assert build_manifest()["settings"]["token_rotation_enabled"] is False


def test_messages_tab_is_read_only(manifest):
    """copbot answers no DMs, so its Messages tab shows what it sends and takes no messages."""
    assert manifest["features"]["app_home"]["messages_tab_read_only_enabled"] is True


def test_no_scope_for_what_copbot_does_not_do(manifest):
    """Reading reactions, opening DMs itself and posting where it is not a member are not asked for."""
    assert {"reactions:read", "im:write", "chat:write.public"}.isdisjoint(
        manifest["oauth_config"]["scopes"]["bot"]
    )
