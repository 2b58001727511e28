"""The scripted story `copbot demo` plays, step by step, printing what each person sees."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

from copbot.app import create_app
from copbot.config import Settings
from copbot.demo.people import PEOPLE
from copbot.demo.transcript import Echo, Transcript, blocks_to_lines
from copbot.sandbox import SlackDriver, SlackSandbox, Workspace
from copbot.store.migrate import upgrade
from copbot.web import build_wsgi, serve_in_background

DEMO_SIGNING_SECRET = "copbot-demo-signing-secret"  # noqa: S105 - the sandbox's, not a real secret

CONNECT_A_REAL_WORKSPACE = """\
That was copbot against a Slack stand-in. To connect a real workspace:
  1. copbot manifest > manifest.yml, then create an app at https://api.slack.com/apps
     "From an app manifest" and paste it; install it to your workspace.
  2. export SLACK_BOT_TOKEN=xoxb-… (OAuth & Permissions) and SLACK_APP_TOKEN=xapp-…
     (Basic Information → App-Level Tokens, scope connections:write).
  3. copbot db upgrade && copbot run
See README.md for HTTP mode (copbot serve), PostgreSQL and several replicas."""


def run_demo(*, database_url: str | None, echo: Echo) -> int:
    """Play the story; return the process exit status."""
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="copbot-demo-") as folder:
        url = database_url or f"sqlite:///{Path(folder) / 'copbot-demo.db'}"
        echo(f"copbot demo — data in {url}")
        upgrade(url)
        with SlackSandbox() as sandbox:
            workspace = _seed(sandbox)
            settings = Settings.model_validate(
                {
                    "slack_bot_token": workspace.bot_token,
                    "slack_signing_secret": DEMO_SIGNING_SECRET,
                    "slack_api_url": sandbox.api_url,
                    "database_url": url,
                }
            )
            copbot = create_app(settings)
            server = serve_in_background(build_wsgi(copbot))
            try:
                driver = SlackDriver(
                    sandbox, app_url=server.url + "/slack/events", signing_secret=DEMO_SIGNING_SECRET
                )
                _play(Story(sandbox, workspace, driver, echo))
            finally:
                server.stop()
                copbot.engine.dispose()
    echo("")
    echo(CONNECT_A_REAL_WORKSPACE)
    return 0


def _seed(sandbox: SlackSandbox) -> Workspace:
    workspace = sandbox.add_workspace(team_id="T0DEMO001", name="Acme Corp", domain="acme")
    for person in PEOPLE:
        workspace.add_user(
            name=person.handle,
            real_name=person.real_name,
            tz=person.tz,
            locale=person.locale,
            is_admin=person.is_admin,
            user_id="U" + person.handle.upper().ljust(8, "0")[:8],
        )
    return workspace


class Story:
    """The demo's actors and the helpers each step uses."""

    def __init__(self, sandbox: SlackSandbox, workspace: Workspace, driver: SlackDriver, echo: Echo) -> None:
        self.sandbox = sandbox
        self.workspace = workspace
        self.driver = driver
        self.transcript = Transcript(echo, total_steps=len(STEPS))

    def user(self, handle: str) -> str:
        return "U" + handle.upper().ljust(8, "0")[:8]

    def command(self, handle: str, text: str) -> None:
        """`handle` types `/cop text`; show the ephemeral answer they get."""
        response = self.driver.command(self.workspace, self.user(handle), text=text)
        body = response.json or {}
        lines = blocks_to_lines(body.get("blocks", [])) or [body.get("text", response.text)]
        self.transcript.show(handle.capitalize(), f"an ephemeral reply to /cop {text}".rstrip(), lines)


def _help_in_english(story: Story) -> None:
    story.transcript.step("Alice asks copbot what it can do")
    story.command("alice", "help")


def _help_in_french(story: Story) -> None:
    story.transcript.step("Bruno, whose Slack is in French, asks the same")
    story.command("bruno", "help")


def _typo(story: Story) -> None:
    story.transcript.step("Chen mistypes a command")
    story.command("chen", "hlep")


STEPS: tuple[Callable[[Story], None], ...] = (_help_in_english, _help_in_french, _typo)


def _play(story: Story) -> None:
    for step in STEPS:
        step(story)
