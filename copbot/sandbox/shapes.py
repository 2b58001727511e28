"""Slack's JSON shapes for users, conversations and views, built from the sandbox's records."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from copbot.sandbox.state import Channel


def _tz_fields(tz: str) -> dict[str, Any]:
    try:
        now = datetime.now(ZoneInfo(tz))
    except (ZoneInfoNotFoundError, ValueError):
        now = datetime.now(UTC)
    offset = now.utcoffset()
    return {
        "tz": tz,
        "tz_label": now.tzname() or tz,
        "tz_offset": int(offset.total_seconds()) if offset else 0,
    }


def user_record(
    *,
    user_id: str,
    team_id: str,
    name: str,
    real_name: str,
    tz: str,
    locale: str,
    flags: dict[str, bool],
    email: str | None,
) -> dict[str, Any]:
    """A users.info `user`; `locale` is kept and only shown when the caller asks for it (include_locale)."""
    profile: dict[str, Any] = {
        "real_name": real_name,
        "real_name_normalized": real_name,
        "display_name": name,
        "display_name_normalized": name,
        "team": team_id,
        "image_72": f"https://avatars.example.invalid/{user_id}_72.png",
    }
    if email is not None:
        profile["email"] = email
    return {
        "id": user_id,
        "team_id": team_id,
        "name": name,
        "deleted": flags["deleted"],
        "real_name": real_name,
        **_tz_fields(tz),
        "is_admin": flags["is_admin"],
        "is_owner": flags["is_owner"],
        "is_primary_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": flags["is_bot"],
        "is_app_user": False,
        "updated": int(time.time()),
        "locale": locale,
        "profile": profile,
    }


def channel_object(channel: Channel, *, team_id: str, bot_user_id: str) -> dict[str, Any]:
    """A conversations.info `channel`, seen from the bot (so `is_member` is the bot's membership)."""
    if channel.kind == "im":
        return {
            "id": channel.id,
            "created": channel.created,
            "is_im": True,
            "is_org_shared": False,
            "context_team_id": team_id,
            "user": channel.im_user,
            "is_user_deleted": False,
            "priority": 0,
        }
    return {
        "id": channel.id,
        "name": channel.name,
        "name_normalized": channel.name,
        "is_channel": channel.kind == "channel",
        "is_group": False,
        "is_im": False,
        "is_mpim": channel.kind == "mpim",
        "is_private": channel.is_private,
        "is_archived": channel.is_archived,
        "is_general": channel.name == "general",
        "is_shared": False,
        "is_ext_shared": False,
        "is_org_shared": False,
        "is_pending_ext_shared": False,
        "context_team_id": team_id,
        "created": channel.created,
        "creator": channel.creator,
        "unlinked": 0,
        "is_member": bot_user_id in channel.members,
        "topic": {"value": "", "creator": "", "last_set": 0},
        "purpose": {"value": "", "creator": "", "last_set": 0},
        "previous_names": [],
    }


# Fields of a view object the app supplies; everything else is Slack's bookkeeping.
VIEW_CONTENT = (
    "type",
    "title",
    "blocks",
    "close",
    "submit",
    "private_metadata",
    "callback_id",
    "clear_on_close",
    "notify_on_close",
    "external_id",
    "submit_disabled",
)


def view_object(view: dict[str, Any], *, ids: dict[str, Any], view_hash: str) -> dict[str, Any]:
    """The view Slack returns and later sends back in payloads; `ids` holds id/team/app/bot/stack links."""
    built: dict[str, Any] = {
        "id": ids["id"],
        "team_id": ids["team_id"],
        "type": "modal",
        "blocks": [],
        "private_metadata": "",
        "callback_id": "",
        "state": {"values": {}},
        "hash": view_hash,
        "title": None,
        "clear_on_close": False,
        "notify_on_close": False,
        "close": None,
        "submit": None,
        "previous_view_id": ids.get("previous_view_id"),
        "root_view_id": ids.get("root_view_id", ids["id"]),
        "app_id": ids["app_id"],
        "external_id": "",
        "app_installed_team_id": ids["team_id"],
        "bot_id": ids["bot_id"],
    }
    built.update({key: view[key] for key in VIEW_CONTENT if key in view})
    return built
