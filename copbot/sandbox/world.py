"""A sandbox workspace: seed users and channels, then look at what the app did to them.

Every public method takes the workspace lock and returns copies, because the app under test calls the
sandbox from its own thread pools while the test reads.
"""

from __future__ import annotations

import copy
import secrets
import threading
import time
from typing import Any

from copbot.sandbox.shapes import channel_object, user_record
from copbot.sandbox.state import Channel, Hook, Hub, Trigger, WorkspaceState


class Workspace:
    """One installed workspace; `state` belongs to the Web API handlers, tests use the methods below."""

    def __init__(self, hub: Hub, *, team_id: str, name: str, domain: str) -> None:
        self.hub = hub
        self.team_id = team_id
        self.name = name
        self.domain = domain
        self.app_id = hub.app_id
        self.bot_token = f"xoxb-{team_id}-sandbox-{secrets.token_hex(12)}"
        self.app_token = f"xapp-1-{hub.app_id}-{team_id}-{secrets.token_hex(16)}"  # Socket Mode
        self.scopes: tuple[str, ...] = hub.default_scopes  # what copbot's install granted
        self.revoked = False  # copbot was uninstalled: none of its bot tokens works any more
        self.refresh_token: str | None = None
        self._rotating: dict[str, float] = {}  # rotating bot tokens issued over OAuth -> when they expire
        self.bot_user_id = hub.new_id("U")
        self.bot_id = hub.new_id("B")
        self.lock = threading.RLock()
        self.state = WorkspaceState()
        self.state.users[self.bot_user_id] = user_record(
            user_id=self.bot_user_id,
            team_id=team_id,
            name="copbot",
            real_name="copbot",
            tz="UTC",
            locale="en-US",
            flags={"is_admin": False, "is_owner": False, "is_bot": True, "deleted": False},
            email=None,
        )

    # --- seeding ---------------------------------------------------------------------------------

    def add_user(
        self,
        name: str,
        *,
        real_name: str | None = None,
        tz: str = "UTC",
        locale: str = "en-US",
        is_admin: bool = False,
        is_owner: bool = False,
        is_bot: bool = False,
        deleted: bool = False,
        email: str | None = None,
        user_id: str | None = None,
    ) -> str:
        with self.lock:
            uid = user_id or self.hub.new_id("U", self.state.users)
            if uid in self.state.users:
                raise ValueError(f"user {uid} already exists in {self.team_id}")
            flags = {"is_admin": is_admin, "is_owner": is_owner, "is_bot": is_bot, "deleted": deleted}
            self.state.users[uid] = user_record(
                user_id=uid,
                team_id=self.team_id,
                name=name,
                real_name=real_name or name.title(),
                tz=tz,
                locale=locale,
                flags=flags,
                email=email,
            )
            return uid

    def add_external_user(self, other: Workspace, user_id: str) -> None:
        """Someone of `other` seen here through a shared channel (Slack Connect).

        users.info answers with their own workspace's team_id.
        """
        with self.lock:
            self.state.users[user_id] = copy.deepcopy(other.state.users[user_id])

    def set_status(self, user_id: str, *, emoji: str = "", text: str = "") -> None:
        """The person sets their Slack status (an away status keeps them out of pairing rounds)."""
        with self.lock:
            profile = self.state.users[user_id]["profile"]
            profile["status_emoji"], profile["status_text"] = emoji, text

    def add_channel(
        self,
        name: str,
        *,
        is_private: bool = False,
        members: list[str] | None = None,
        is_archived: bool = False,
        bot_is_member: bool = False,
        channel_id: str | None = None,
    ) -> str:
        with self.lock:
            unknown = [uid for uid in members or [] if uid not in self.state.users]
            if unknown:
                raise ValueError(f"unknown users {unknown} in {self.team_id}")
            if any(ch.name == name and ch.kind == "channel" for ch in self.state.channels.values()):
                raise ValueError(f"channel #{name} already exists in {self.team_id}")
            members = list(dict.fromkeys([*(members or []), *([self.bot_user_id] if bot_is_member else [])]))
            cid = channel_id or self.hub.new_id("C", self.state.channels)
            creator = members[0] if members else self.bot_user_id
            self.state.channels[cid] = Channel(
                id=cid,
                name=name,
                is_private=is_private,
                members=members,
                created=int(time.time()),
                creator=creator,
                is_archived=is_archived,
            )
            return cid

    def join_channel(self, channel_id: str, user_id: str) -> None:
        """A person joins a channel by themselves (the app hears of it through member_joined_channel)."""
        with self.lock:
            members = self.state.channels[channel_id].members
            if user_id not in members:
                members.append(user_id)

    def archive_channel(self, channel_id: str) -> None:
        with self.lock:
            self.state.channels[channel_id].is_archived = True

    def unarchive_channel(self, channel_id: str) -> None:
        """Someone unarchives the channel (the app hears of it through channel_unarchive)."""
        with self.lock:
            self.state.channels[channel_id].is_archived = False

    def remove_from_channel(self, channel_id: str, user_id: str) -> None:
        """Someone removes a member (copbot too) from the channel."""
        with self.lock:
            members = self.state.channels[channel_id].members
            if user_id in members:
                members.remove(user_id)

    def add_reaction(self, channel_id: str, ts: str, name: str, user_id: str) -> None:
        """Seed a reaction on a message, for reactions.get (the app never adds reactions itself)."""
        with self.lock:
            message = next(m for m in self.state.messages.get(channel_id, []) if m["ts"] == ts)
            reactions: list[dict[str, Any]] = message.setdefault("reactions", [])
            entry = next((r for r in reactions if r["name"] == name), None)
            if entry is None:
                entry = {"name": name, "users": [], "count": 0}
                reactions.append(entry)
            if user_id not in entry["users"]:
                entry["users"].append(user_id)
                entry["count"] += 1

    def open_dm(self, user_id: str) -> str:
        """The bot's IM with a user, opened if needed, as conversations.open does."""
        with self.lock:
            existing = self.dm_channel(user_id)
            if existing is not None:
                return existing
            cid = self.hub.new_id("D", self.state.channels)
            self.state.channels[cid] = Channel(
                id=cid,
                name="",
                is_private=True,
                members=[self.bot_user_id, user_id],
                created=int(time.time()),
                creator=self.bot_user_id,
                kind="im",
                im_user=user_id,
            )
            return cid

    # --- bot tokens ----------------------------------------------------------------------------------

    def accepts_bot_token(self, token: str) -> bool:
        """The fixed bot token, or a rotating one not yet expired; none once copbot is uninstalled."""
        if self.revoked:
            return False
        return token == self.bot_token or self._rotating.get(token, 0.0) > time.time()

    def issued(self, token: str) -> bool:
        return token in (self.bot_token, self.app_token) or token in self._rotating

    def issue_rotating_token(self, lifetime: float) -> str:
        """A new expiring bot token (token rotation); the refresh token is made once and kept."""
        with self.lock:
            token = f"xoxe.xoxb-1-{self.team_id}-{secrets.token_hex(16)}"
            self._rotating[token] = time.time() + lifetime
            self.refresh_token = self.refresh_token or f"xoxe-1-{self.team_id}-{secrets.token_hex(16)}"
            return token

    def revoke(self) -> None:
        """copbot is uninstalled: its bot tokens and refresh token stop working."""
        with self.lock:
            self.revoked = True
            self.refresh_token = None

    def reinstate(self) -> None:
        """copbot is installed again: the fixed token works again, the old rotating ones never will."""
        with self.lock:
            if self.revoked:
                self.revoked = False
                self._rotating = dict.fromkeys(self._rotating, 0.0)

    # --- interaction tokens handed to the app in payloads ------------------------------------------

    def issue_trigger(self, user_id: str, *, ttl: float = 3.0) -> str:
        """A single-use trigger_id, valid for `ttl` seconds of wall time like Slack's."""
        trigger_id = f"{int(time.time())}.{secrets.randbelow(10**9)}.{secrets.token_hex(16)}"
        with self.lock:
            self.state.triggers[trigger_id] = Trigger(user_id, time.monotonic() + ttl)
        return trigger_id

    def response_url(self, user_id: str, kind: str = "commands") -> str:
        nonce = secrets.token_urlsafe(12)
        with self.lock:
            self.state.hooks[nonce] = Hook(user_id, kind)
        return f"{self.hub.url()}/hooks/{kind}/{self.team_id}/{nonce}"

    # --- inspection ------------------------------------------------------------------------------

    def user(self, user_id: str) -> dict[str, Any]:
        with self.lock:
            return copy.deepcopy(self.state.users[user_id])

    def channel(self, channel_id: str) -> dict[str, Any]:
        with self.lock:
            channel = self.state.channels[channel_id]
            shape = channel_object(channel, team_id=self.team_id, bot_user_id=self.bot_user_id)
            return {**shape, "members": list(channel.members)}

    def channel_members(self, channel_id: str) -> list[str]:
        with self.lock:
            return list(self.state.channels[channel_id].members)

    def messages(self, channel_id: str) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy(self.state.messages.get(channel_id, []))

    def dm_channel(self, user_id: str) -> str | None:
        with self.lock:
            ims = (ch.id for ch in self.state.channels.values() if ch.kind == "im" and ch.im_user == user_id)
            return next(ims, None)

    def dm_messages(self, user_id: str) -> list[dict[str, Any]]:
        channel_id = self.dm_channel(user_id)
        return self.messages(channel_id) if channel_id else []

    def ephemerals(self, user_id: str | None = None, channel_id: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy(
                [
                    e
                    for e in self.state.ephemerals
                    if user_id in (None, e["user"]) and channel_id in (None, e["channel"])
                ]
            )

    def views(self, user_id: str | None = None) -> list[dict[str, Any]]:
        """Modals as they were opened, pushed or updated, oldest first."""
        with self.lock:
            return copy.deepcopy([view for owner, view in self.state.view_log if user_id in (None, owner)])

    def view(self, view_id: str) -> dict[str, Any]:
        with self.lock:
            return copy.deepcopy(self.state.views[view_id])

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        with self.lock:
            view_id = self.state.homes.get(user_id)
            return copy.deepcopy(self.state.views[view_id]) if view_id else None

    def pins(self, channel_id: str) -> list[str]:
        with self.lock:
            return list(self.state.pins.get(channel_id, []))

    def responses(self, user_id: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy([r for r in self.state.responses if user_id in (None, r["user_id"])])
