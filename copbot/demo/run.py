"""`copbot demo`: the real app on loopback HTTP, the bundled Slack sandbox, a SQLite file, and a story."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from copbot.app import create_app
from copbot.config import Settings
from copbot.demo.clock import DemoClock
from copbot.demo.people import PEOPLE, user_id
from copbot.demo.script import STEPS, play
from copbot.demo.story import DemoError, Story
from copbot.demo.transcript import Echo
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
    """Play the story; return the process exit status (1 when a step did not go as scripted)."""
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="copbot-demo-") as folder:
        url = database_url or f"sqlite:///{Path(folder) / 'copbot-demo.db'}"
        echo(f"copbot demo — {len(PEOPLE)} people at Acme Corp, data in {url}")
        upgrade(url)
        try:
            _play_against_sandbox(url, echo)
        except DemoError as error:
            echo(f"\ncopbot demo failed: {error}")
            return 1
    echo("")
    echo(CONNECT_A_REAL_WORKSPACE)
    return 0


def _play_against_sandbox(database_url: str, echo: Echo) -> None:
    with SlackSandbox() as sandbox:
        workspace = _seed(sandbox)
        settings = Settings.model_validate(
            {
                "slack_bot_token": workspace.bot_token,
                "slack_signing_secret": DEMO_SIGNING_SECRET,
                "slack_api_url": sandbox.api_url,
                "database_url": database_url,
            }
        )
        clock = DemoClock()
        copbot = create_app(settings, clock=clock)
        server = serve_in_background(build_wsgi(copbot))
        try:
            driver = SlackDriver(
                sandbox,
                app_url=server.url + "/slack/events",
                signing_secret=DEMO_SIGNING_SECRET,
                settle=copbot.sender.wait_idle,  # people read Slack once copbot sent what it decided
            )
            play(Story(sandbox, workspace, driver, copbot, echo, steps=len(STEPS), clock=clock))
        finally:
            server.stop()
            copbot.close()


def _seed(sandbox: SlackSandbox) -> Workspace:
    workspace = sandbox.add_workspace(team_id="T0DEMO001", name="Acme Corp", domain="acme")
    for person in PEOPLE:
        workspace.add_user(
            name=person.handle,
            real_name=person.real_name,
            tz=person.tz,
            locale=person.locale,
            is_admin=person.is_admin,
            user_id=user_id(person.handle),
        )
    workspace.add_channel("general", members=[user_id(person.handle) for person in PEOPLE])
    return workspace
