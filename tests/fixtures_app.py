"""Fixtures that run the real app over HTTP against the Slack sandbox (shared by every end-to-end test)."""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from copbot.app import Copbot, create_app
from copbot.config import Settings
from copbot.sandbox import SlackDriver, SlackSandbox, Workspace
from copbot.web import LocalServer, build_wsgi, serve_in_background

SIGNING_SECRET = "test-signing-secret"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


@dataclass
class TestClock:
    """A clock tests move by hand."""

    current: datetime = START

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@dataclass(frozen=True)
class People:
    """The seeded users of the main test workspace."""

    alice: str  # English, workspace admin
    bruno: str  # French
    chen: str  # English
    dana: str  # English, a second ordinary member
    bot_user: str  # another app's bot
    deleted: str  # a deactivated account


@pytest.fixture
def sandbox() -> Iterator[SlackSandbox]:
    with SlackSandbox() as running:
        yield running


@pytest.fixture
def workspace(sandbox: SlackSandbox) -> Workspace:
    return sandbox.add_workspace(team_id="T0ACME001", name="Acme", domain="acme")


@pytest.fixture
def people(workspace: Workspace) -> People:
    return People(
        alice=workspace.add_user(
            name="alice", real_name="Alice Martin", tz="Europe/Paris", locale="en-GB", is_admin=True
        ),
        bruno=workspace.add_user(name="bruno", real_name="Bruno Lefèvre", tz="Europe/Paris", locale="fr-FR"),
        chen=workspace.add_user(name="chen", real_name="Chen Wei", tz="America/New_York", locale="en-US"),
        dana=workspace.add_user(name="dana", real_name="Dana Scott", tz="America/New_York", locale="en-US"),
        bot_user=workspace.add_user(name="otherbot", real_name="Other Bot", is_bot=True),
        deleted=workspace.add_user(name="gone", real_name="Gone Person", deleted=True),
    )


@pytest.fixture
def clock() -> TestClock:
    return TestClock()


@pytest.fixture
def settings(sandbox: SlackSandbox, workspace: Workspace, database_url: str) -> Settings:
    return Settings.model_validate(
        {
            "slack_bot_token": workspace.bot_token,
            "slack_signing_secret": SIGNING_SECRET,
            "slack_api_url": sandbox.api_url,
            "database_url": database_url,
            "language": "en",
        }
    )


@pytest.fixture
def copbot(settings: Settings, engine: Engine, clock: TestClock) -> Iterator[Copbot]:
    app = create_app(settings, clock=clock, engine=engine)
    yield app
    app.loop.stop()


@pytest.fixture
def app_server(copbot: Copbot) -> Iterator[LocalServer]:
    server = serve_in_background(build_wsgi(copbot))
    yield server
    server.stop()


@pytest.fixture
def driver(sandbox: SlackSandbox, app_server: LocalServer, copbot: Copbot) -> SlackDriver:
    """Slack sending signed requests; after each, it waits until copbot sent what the request decided."""
    return SlackDriver(
        sandbox,
        app_url=app_server.url + "/slack/events",
        signing_secret=SIGNING_SECRET,
        settle=copbot.sender.wait_idle,
    )


@pytest.fixture
def raw_driver(sandbox: SlackSandbox, app_server: LocalServer) -> SlackDriver:
    """Slack sending signed requests, and nothing more: for tests of what happens after the answer."""
    return SlackDriver(sandbox, app_url=app_server.url + "/slack/events", signing_secret=SIGNING_SECRET)


CLIENT_ID = "1111.2222"
CLIENT_SECRET = "test-client-secret"
SECRET_KEY = "mkA6uLx2vB3pZ9cQ1rT5wY8eH0jN4sD7fG2kL6oP9aU="  # a Fernet key for the tests' stored tokens


def install_over_oauth(server_url: str, sandbox: SlackSandbox, workspace: Workspace) -> None:
    """Add copbot to `workspace` the way a browser does: install page, Slack's consent, redirect back."""
    with urllib.request.urlopen(server_url + "/slack/install", timeout=10) as page:
        cookie = page.headers["Set-Cookie"].split(";", 1)[0]
        state = cookie.split("=", 1)[1]
    code = sandbox.install_oauth(CLIENT_ID, CLIENT_SECRET, workspace)
    query = urllib.parse.urlencode({"code": code, "state": state})
    request = urllib.request.Request(
        server_url + "/slack/oauth_redirect?" + query, headers={"Cookie": cookie}
    )
    with urllib.request.urlopen(request, timeout=10) as redirect:
        assert redirect.status == 200


@pytest.fixture
def other_workspace(sandbox: SlackSandbox) -> Workspace:
    """A second workspace, with people of its own, to show that nothing crosses over."""
    other = sandbox.add_workspace(team_id="T0BETA001", name="Beta", domain="beta")
    other.add_user(name="olga", real_name="Olga Berg", tz="Europe/Oslo", locale="en-GB", is_admin=True)
    return other


@dataclass
class OAuthApp:
    """copbot in multi-workspace (OAuth) mode on loopback, installed nowhere yet."""

    copbot: Copbot
    url: str
    driver: SlackDriver
    sandbox: SlackSandbox

    def install(self, workspace: Workspace) -> None:
        install_over_oauth(self.url, self.sandbox, workspace)


@pytest.fixture
def oauth_app(
    sandbox: SlackSandbox, database_url: str, engine: Engine, clock: TestClock
) -> Iterator[OAuthApp]:
    settings = Settings.model_validate(
        {
            "slack_client_id": CLIENT_ID,
            "slack_client_secret": CLIENT_SECRET,
            "slack_signing_secret": SIGNING_SECRET,
            "secret_key": SECRET_KEY,
            "slack_api_url": sandbox.api_url,
            "database_url": database_url,
            "language": "en",
        }
    )
    copbot = create_app(settings, clock=clock, engine=engine)
    server = serve_in_background(build_wsgi(copbot))
    try:
        driver = SlackDriver(
            sandbox,
            app_url=server.url + "/slack/events",
            signing_secret=SIGNING_SECRET,
            settle=copbot.sender.wait_idle,
        )
        yield OAuthApp(copbot=copbot, url=server.url, driver=driver, sandbox=sandbox)
    finally:
        server.stop()
        copbot.loop.stop()


@pytest.fixture
def multi_driver(
    people: People, workspace: Workspace, other_workspace: Workspace, oauth_app: OAuthApp
) -> SlackDriver:
    """copbot in multi-workspace (OAuth) mode, installed in `workspace` and `other_workspace`."""
    for installed in (workspace, other_workspace):
        oauth_app.install(installed)
    return oauth_app.driver
