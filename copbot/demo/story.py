"""The demo's actors: people who type commands, fill modals, click buttons and open their App Home."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from copbot.app import Copbot
from copbot.demo.clock import DemoClock
from copbot.demo.people import PEOPLE, user_id
from copbot.demo.transcript import Echo, Transcript, blocks_to_lines
from copbot.sandbox import DriverResponse, SlackDriver, SlackSandbox, Workspace
from copbot.sandbox.forms import fill
from copbot.store.models import Community

MENTION = re.compile(r"<([@#])([UWC][A-Z0-9]+)(?:\|[^>]*)?>")
SLACK_DATE = re.compile(r"<!date\^[^|>]*\|([^>]*)>")  # a reader's Slack shows the date; the demo its fallback


class DemoError(Exception):
    """Something in the story did not go as scripted: the demo stops and says what."""


class Story:
    def __init__(  # noqa: PLR0917 - the story's cast, named at its one call site
        self,
        sandbox: SlackSandbox,
        workspace: Workspace,
        driver: SlackDriver,
        copbot: Copbot,
        echo: Echo,
        steps: int,
        clock: DemoClock,
    ) -> None:
        self.sandbox = sandbox
        self.workspace = workspace
        self.driver = driver
        self.copbot = copbot
        self.clock = clock
        self.transcript = Transcript(echo, total_steps=steps)

    # --- what people do -------------------------------------------------------------------------

    def command(self, handle: str, text: str, *, show: bool = True) -> DriverResponse:
        """`handle` types `/cop text`; an ephemeral answer, if any, is shown."""
        response = self._expect_ok(self.driver.command(self.workspace, user_id(handle), text=text), text)
        body = response.json or {}
        if show and (body.get("text") or body.get("blocks")):
            lines = blocks_to_lines(body.get("blocks", [])) or [body.get("text", "")]
            self._show(_name(handle), f"copbot's reply to /cop {text}".rstrip(), lines)
        return response

    def command_opening_modal(self, handle: str, text: str) -> dict[str, Any]:
        before = len(self.workspace.views(user_id(handle)))
        self.command(handle, text)
        return self._new_modal(handle, before, f"/cop {text}")

    def click_opening_modal(
        self,
        handle: str,
        action_id: str,
        *,
        value: str,
        message: dict[str, Any],
        channel_id: str | None = None,
    ) -> dict[str, Any]:
        before = len(self.workspace.views(user_id(handle)))
        response = self.driver.action(
            self.workspace,
            user_id(handle),
            action_id,
            value=value or None,
            message=message,
            channel_id=channel_id,
        )
        self._expect_ok(response, action_id)
        return self._new_modal(handle, before, action_id)

    def click(self, handle: str, action_id: str, *, value: str, message: dict[str, Any]) -> None:
        """`handle` presses a button in a message that is not a modal's opener (e.g. Going)."""
        response = self.driver.action(
            self.workspace, user_id(handle), action_id, value=value, message=message
        )
        self._expect_ok(response, action_id)

    def ephemeral_surface(self, handle: str) -> dict[str, Any]:
        """Where a click on one of copbot's private replies to `handle` happens (their DM with copbot)."""
        return {"message_ts": "1.0", "channel": self.workspace.open_dm(user_id(handle)), "blocks": []}

    def submit(
        self, handle: str, view: dict[str, Any], answers: dict[str, Any], *, show: bool = True
    ) -> None:
        """`handle` fills the modal in and presses its submit button."""
        if show and answers:
            filled = ", ".join(f"{key}: {value}" for key, value in answers.items())
            self.transcript.note(f"{_name(handle)} fills in {filled} and submits.")
        response = self.driver.submit(self.workspace, user_id(handle), view, fill(view, answers))
        body = self._expect_ok(response, view.get("callback_id", "modal")).json or {}
        if body.get("response_action") == "errors":
            raise DemoError(f"the {view.get('callback_id')} modal refused {answers}: {body['errors']}")

    def open_home(self, handle: str) -> dict[str, Any]:
        event = {"type": "app_home_opened", "user": user_id(handle), "tab": "home", "event_ts": "1.0"}
        event["channel"] = self.workspace.open_dm(user_id(handle))
        self._expect_ok(self.driver.event(self.workspace, event), "app_home_opened")
        view = self.workspace.home_view(user_id(handle))
        if view is None:
            raise DemoError(f"no App Home was published for {handle}")
        return view

    def press_on_home(self, handle: str, action_id: str, value: str) -> dict[str, Any]:
        """A button on the person's App Home; the modal it opened."""
        home = self.open_home(handle)
        response = self.driver.action(self.workspace, user_id(handle), action_id, value=value, view=home)
        self._expect_ok(response, action_id)
        return self._last(self.workspace.views(user_id(handle)), f"{action_id} opened no modal for {handle}")

    def join_channel_directly(self, handle: str, channel_id: str) -> None:
        self.workspace.join_channel(channel_id, user_id(handle))
        event = {"type": "member_joined_channel", "user": user_id(handle), "channel": channel_id}
        event |= {"channel_type": "C", "team": self.workspace.team_id, "event_ts": "1.0"}
        self._expect_ok(self.driver.event(self.workspace, event), "member_joined_channel")

    def pass_time(self, **delta: float) -> int:
        """Time goes by (without waiting for it): the loop ticks once; the deliveries it handled."""
        self.clock.advance(timedelta(**delta))
        handled = self.copbot.loop.tick()
        self.copbot.sender.wait_idle()
        return handled

    # --- what people see ------------------------------------------------------------------------

    def show_modal(self, handle: str, view: dict[str, Any]) -> None:
        title = view.get("title", {}).get("text", "")
        self._show(_name(handle), f"a modal “{title}”", blocks_to_lines(view.get("blocks", [])))

    def show_channel_post(self, channel_id: str, *, about: str | None = None) -> dict[str, Any]:
        """The channel's latest post, or the latest one whose text mentions `about`."""
        posts = self.workspace.messages(channel_id)
        if about is not None:
            posts = [post for post in posts if about in post.get("text", "")]
        message = self._last(posts, f"no post in {channel_id}" + (f" about {about}" if about else ""))
        name = self.workspace.channel(channel_id)["name"]
        pinned = " (pinned)" if message["ts"] in self.workspace.pins(channel_id) else ""
        self._show(f"Everyone in #{name}", f"a post{pinned}", _message_lines(message))
        return message

    def show_message(self, handle: str, where: str, message: dict[str, Any]) -> None:
        """A message `handle` sees somewhere else than in their own DM (a group DM, a thread)."""
        self._show(_name(handle), where, _message_lines(message))

    def show_dm(self, handle: str) -> dict[str, Any]:
        message = self._last(self.workspace.dm_messages(user_id(handle)), f"no DM for {handle}")
        self._show(_name(handle), "a DM from copbot", _message_lines(message))
        return message

    def show_ephemeral(self, handle: str) -> dict[str, Any]:
        message = self._last(self.workspace.ephemerals(user_id=user_id(handle)), f"no ephemeral for {handle}")
        self._show(_name(handle), "a message only they can see", _message_lines(message))
        return message

    def show_later_reply(self, handle: str) -> dict[str, Any]:
        """What copbot sent afterwards in answer to the person's command (through its response_url)."""
        reply = self._last(self.workspace.responses(user_id(handle)), f"no later reply for {handle}")
        self._show(_name(handle), "copbot's reply, once counted", _message_lines(reply))
        return reply

    def uploaded_file(self, file_id: str) -> bytes:
        """The bytes copbot uploaded for a file it shared."""
        with self.workspace.lock:
            return bytes(self.workspace.state.files[file_id]["data"])

    def show_home(self, handle: str, view: dict[str, Any]) -> None:
        self._show(_name(handle), "copbot's App Home tab", blocks_to_lines(view.get("blocks", [])))

    def _show(self, who: str, where: str, lines: list[str]) -> None:
        """Show lines as Slack renders them: mentions become @names and #channels."""
        readable = [SLACK_DATE.sub(r"\1", MENTION.sub(self._mention, line)) for line in lines]
        self.transcript.show(who, MENTION.sub(self._mention, where), readable)

    def _mention(self, match: re.Match[str]) -> str:
        sigil, target = match.groups()
        if sigil == "@":
            return "@" + str(self.workspace.user(target)["real_name"])
        return "#" + str(self.workspace.channel(target)["name"])

    # --- looking things up ----------------------------------------------------------------------

    def community(self, slug: str) -> Community:
        with self.copbot.session_factory() as session:
            query = select(Community).where(
                Community.team_id == self.workspace.team_id, Community.slug == slug
            )
            community = session.scalar(query)
        if community is None:
            raise DemoError(f"community {slug!r} was not created")
        return community

    def _new_modal(self, handle: str, before: int, what: str) -> dict[str, Any]:
        views = self.workspace.views(user_id(handle))
        if len(views) <= before:
            raise DemoError(f"{what} opened no modal for {handle}")
        return views[-1]

    @staticmethod
    def _expect_ok(response: DriverResponse, what: str) -> DriverResponse:
        if response.status != 200:  # noqa: PLR2004 - Slack wants exactly 200
            raise DemoError(f"copbot answered {what} with HTTP {response.status}: {response.text[:200]}")
        return response

    @staticmethod
    def _last(items: list[dict[str, Any]], missing: str) -> dict[str, Any]:
        if not items:
            raise DemoError(missing)
        return items[-1]


def _name(handle: str) -> str:
    return next(person.real_name for person in PEOPLE if person.handle == handle)


def _message_lines(message: dict[str, Any]) -> list[str]:
    files = [f"[file {shared['name']}: {shared['title']}]" for shared in message.get("files") or []]
    text = blocks_to_lines(message.get("blocks") or []) or [str(message.get("text", ""))]
    return files if files and text == [""] else text + files
