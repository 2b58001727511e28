"""Two workspaces installed over OAuth, seeded alike: every command stays in its workspace; then one leaves.

Each workspace's rows carry a marker word (its communities' purposes, its stories, its members' teams).
Everything a workspace was shown — the HTTP answers to its requests, every Web API call made with its
token (messages, modals, Home tabs, invites), every response_url post — is searched for the other
workspace's marker, user ids, channel ids and community ids.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from factories import make_community, make_member, make_story
from fixtures_app import OAuthApp
from sqlalchemy import select

from copbot.domain.enums import DeliveryStatus, Role
from copbot.sandbox import SlackDriver, SlackSandbox, Workspace
from copbot.sandbox.driver import DriverResponse
from copbot.sandbox.forms import fill
from copbot.services.channels import COULD_NOT_ADD
from copbot.services.notices import NOTICE
from copbot.services.outbox import deliver
from copbot.slack.blocks.stories import COMMUNITY_INPUT
from copbot.slack.ids import JOIN_BUTTON, LEAVE_BUTTON, SHARE_BUTTON
from copbot.store.db import unit_of_work
from copbot.store.models import BOTS, INSTALLATIONS, Delivery
from copbot.store.workspaces import ensure_workspace

COMMUNITY_BUTTONS = (JOIN_BUTTON, LEAVE_BUTTON, SHARE_BUTTON)  # their value is a community id


@dataclass
class Tenant:
    """One workspace as the test sees it: its people, its seeded rows, and every answer it was given."""

    ws: Workspace
    marker: str  # a word in every text row of this workspace
    organiser: str
    member: str
    newcomer: str
    channel: str = ""
    community_ids: set[int] = field(default_factory=set)
    answers: list[str] = field(default_factory=list)

    @property
    def user_ids(self) -> list[str]:
        with self.ws.lock:
            return [*self.ws.state.users]

    @property
    def channel_ids(self) -> list[str]:
        with self.ws.lock:
            return [*self.ws.state.channels]


class Acting:
    """Drive one workspace like its people do, keeping every HTTP answer copbot gave it."""

    def __init__(self, driver: SlackDriver, tenant: Tenant) -> None:
        self.driver, self.tenant, self.ws = driver, tenant, tenant.ws

    def _kept(self, response: DriverResponse, typed: str = "") -> DriverResponse:
        """Keep the answer, less any echo of what the person typed (theirs to see, not a leak)."""
        assert response.status == 200, response.text
        self.tenant.answers.append(response.text.replace(typed, "") if typed else response.text)
        return response

    def command(self, user_id: str, text: str, typed: str = "") -> DriverResponse:
        return self._kept(self.driver.command(self.ws, user_id, text), typed)

    def modal(self, user_id: str, text: str) -> dict[str, Any]:
        """Run a command that opens a modal; the modal Slack shows."""
        before = len(self.ws.views(user_id))
        response = self.command(user_id, text)
        assert len(self.ws.views(user_id)) == before + 1, response.text
        return self.ws.view(self.ws.views(user_id)[-1]["id"])

    def submit(self, user_id: str, view: dict[str, Any], **answers: Any) -> DriverResponse:
        response = self._kept(self.driver.submit(self.ws, user_id, view, fill(view, answers)))
        assert response.text == "", response.text  # accepted: the modal closes
        return response

    def click(self, user_id: str, action_id: str, value: str) -> DriverResponse:
        home = {"type": "home", "id": "V0HOME", "blocks": [_button(action_id, value)]}
        return self._kept(self.driver.action(self.ws, user_id, action_id, value=value, view=home))

    def event(self, event: dict[str, Any]) -> DriverResponse:
        return self._kept(self.driver.event(self.ws, event))

    def every_command(self, other: Tenant) -> None:
        """Every `/cop` subcommand, each through its modal's submission; then reach for the other's rows."""
        t = self.tenant
        self.command(t.organiser, "help")
        assert t.marker in self.command(t.member, "list").text  # the seeded rows are found
        self.command(t.member, "organisers testing")
        view = self.modal(t.organiser, "create")
        self.submit(
            t.organiser,
            view,
            name=f"{t.marker} Club",
            purpose=f"{t.marker} club purpose",
            audience=f"{t.marker} folk",
            new_channel=f"cop-{t.marker.lower()}-club",
        )
        self.submit(t.organiser, self.modal(t.organiser, "edit testing"), audience=f"{t.marker} everyone")
        self.command(t.organiser, f"organisers add <@{t.member}> testing")
        view = self.modal(t.newcomer, "join testing")
        self.submit(t.newcomer, view, experience="new", team=f"{t.marker} QA", interests="ci")
        view = self.modal(t.member, "share testing")
        self.submit(t.member, view, title=f"{t.marker} retro", story=f"{t.marker} tried pairing.", tags="ci")
        self.submit(t.newcomer, self.modal(t.newcomer, "leave testing"))
        self.event({"type": "app_home_opened", "user": t.member, "tab": "home", "channel": "D0HOME"})
        # The other workspace's community, by name and by a button carrying its id: not found here.
        other_only = f"{other.marker.lower()}-guild"
        for command in ("join", "share", "edit", "leave", "organisers"):
            answer = self.command(t.member, f"{command} {other_only}", typed=other_only)
            assert f"no community called “{other_only}” here" in (answer.json or {}).get("text", ""), answer
        for action_id in (JOIN_BUTTON, SHARE_BUTTON):
            for community_id in other.community_ids:
                self.click(t.member, action_id, str(community_id))


def _button(action_id: str, value: str) -> dict[str, Any]:
    button = {
        "type": "button",
        "action_id": action_id,
        "value": value,
        "text": {"type": "plain_text", "text": "Go"},
    }
    return {"type": "actions", "block_id": "b", "elements": [button]}


def _seed(session_factory, tenant: Tenant) -> None:
    """“Testing” (a name both workspaces use) and a “<marker> Guild”, with members and stories."""
    ws, marker = tenant.ws, tenant.marker
    tenant.channel = ws.add_channel(
        f"{marker.lower()}-testing", members=[tenant.organiser, tenant.member], bot_is_member=True
    )
    guild_channel = ws.add_channel(f"{marker.lower()}-guild", members=[tenant.organiser], bot_is_member=True)
    with session_factory() as session, session.begin():
        for name, channel in (("Testing", tenant.channel), (f"{marker} Guild", guild_channel)):
            community = make_community(
                session,
                team_id=ws.team_id,
                channel_id=channel,
                created_by=tenant.organiser,
                name=name,
                purpose=f"{marker} practise {name}",
                audience=f"{marker} people",
            )
            make_member(session, community, tenant.organiser, role=Role.ORGANISER, team_name=f"{marker} Ops")
            make_member(session, community, tenant.member, team_name=f"{marker} Dev")
            make_story(
                session, community, tenant.member, title=f"{marker} flaky build", body=f"{marker} fixed it"
            )
            tenant.community_ids.add(community.id)


@pytest.fixture
def tenants(
    multi_driver, oauth_app: OAuthApp, workspace, other_workspace, people, session_factory
) -> tuple[Tenant, Tenant]:
    """Acme (marker Aardvark) and Beta (marker Zebra), both installed over OAuth and seeded alike."""
    olga = next(uid for uid, user in other_workspace.state.users.items() if user["name"] == "olga")
    acme = Tenant(workspace, "Aardvark", organiser=people.alice, member=people.chen, newcomer=people.dana)
    beta = Tenant(
        other_workspace,
        "Zebra",
        organiser=olga,
        member=other_workspace.add_user(name="pavel", real_name="Pavel Novak", locale="en-GB"),
        newcomer=other_workspace.add_user(name="quinn", real_name="Quinn Hale", tz="Europe/Oslo"),
    )
    for tenant in (acme, beta):
        _seed(session_factory, tenant)
    return acme, beta


def _seen_by(sandbox: SlackSandbox, tenant: Tenant) -> list[Any]:
    """Everything the workspace was shown: copbot's HTTP answers, Web API calls, response_url posts."""
    calls = [{"method": call.method, "args": call.args} for call in sandbox.calls(team_id=tenant.ws.team_id)]
    with tenant.ws.lock:
        responses = json.loads(json.dumps(tenant.ws.state.responses, default=str))
    return [*tenant.answers, *calls, *responses]


def _community_ids_shown(seen: list[Any]) -> set[int]:
    """Community ids carried by what was shown: buttons' values, the community picker, sealed metadata."""
    found: set[int] = set()

    def walk(item: Any, *, in_picker: bool = False) -> None:
        if isinstance(item, str) and item[:1] in "{[":
            try:
                walk(json.loads(item), in_picker=in_picker)  # a JSON body, or blocks sent as a string
            except ValueError:
                return
        elif isinstance(item, list):
            for each in item:
                walk(each, in_picker=in_picker)
        elif isinstance(item, dict):
            action_id = str(item.get("action_id", ""))
            if action_id in COMMUNITY_BUTTONS or (in_picker and "text" in item and "value" in item):
                found.add(int(item["value"]))
            if isinstance(item.get("private_metadata"), str) and item["private_metadata"]:
                found.update(_sealed_community_ids(item["private_metadata"]))
            for value in item.values():
                walk(value, in_picker=in_picker or action_id == COMMUNITY_INPUT)

    walk(seen)
    return found


def _sealed_community_ids(sealed: str) -> set[int]:
    data = json.loads(base64.urlsafe_b64decode(sealed.rpartition(".")[0]))
    return {value for key, value in data.items() if "community" in key and isinstance(value, int)}


def _assert_nothing_of(other: Tenant, seen: list[Any]) -> None:
    text = json.dumps(seen)
    assert other.marker.lower() not in text.lower()
    assert other.ws.team_id not in text
    leaked_ids = [uid for uid in [*other.user_ids, *other.channel_ids] if uid in text]
    assert leaked_ids == []
    assert not _community_ids_shown(seen) & other.community_ids


def test_every_command_in_each_workspace_shows_only_its_own_rows(tenants, oauth_app, sandbox):
    """Both workspaces run every subcommand; neither is shown a word, id or community of the other."""
    acme, beta = tenants
    Acting(oauth_app.driver, acme).every_command(beta)
    Acting(oauth_app.driver, beta).every_command(acme)

    for tenant, other in ((acme, beta), (beta, acme)):
        seen = _seen_by(sandbox, tenant)
        # The commands did their work here: modals, the Home tab, posts and DMs, the newcomer invited.
        methods = {call["method"] for call in seen if isinstance(call, dict) and "method" in call}
        assert {"views.open", "views.publish", "chat.postMessage", "conversations.invite"} <= methods
        assert tenant.marker in json.dumps(seen)
        assert _community_ids_shown(seen) & tenant.community_ids
        _assert_nothing_of(other, seen)
    teams = {acme.ws.team_id, beta.ws.team_id}
    assert [call.method for call in sandbox.calls() if call.team_id not in teams] == ["oauth.v2.access"] * 2


def _due_later(session_factory, clock, tenant: Tenant, key: str) -> None:
    """A DM to the tenant's member, due in ten minutes (in the outbox, not sent yet)."""
    with unit_of_work(session_factory) as session:
        ensure_workspace(session, team_id=tenant.ws.team_id, now=clock.now())
        deliver(
            session,
            team_id=tenant.ws.team_id,
            kind=NOTICE,
            key=key,
            payload={
                "user_id": tenant.member,
                "message": COULD_NOT_ADD,
                "params": {"channel": "C0X"},
                "response_url": None,
            },
            now=clock.now(),
            due_at=clock.now() + timedelta(minutes=10),
        )


def _status(session_factory, key: str) -> DeliveryStatus:
    with session_factory() as session:
        return session.scalars(select(Delivery.status).where(Delivery.work_key == key)).one()


def _stored_token_teams(engine) -> set[str]:
    with engine.connect() as connection:
        return {
            team for table in (INSTALLATIONS, BOTS) for team in connection.scalars(select(table.c.team_id))
        }


def test_an_uninstalled_workspace_gets_nothing_more_and_the_other_goes_on(
    tenants, oauth_app, sandbox, session_factory, engine, clock
):
    """Beta removes copbot: its tokens go, its due DM is never sent; Acme goes on; a reinstall resumes."""
    acme, beta = tenants
    for tenant in (acme, beta):
        _due_later(session_factory, clock, tenant, f"later:{tenant.marker}")
    loop = oauth_app.copbot.loop

    sandbox.uninstall(beta.ws)
    Acting(oauth_app.driver, beta).event({"type": "app_uninstalled"})
    assert _stored_token_teams(engine) == {acme.ws.team_id}
    assert oauth_app.copbot.tokens.bot_token_for(beta.ws.team_id) is None
    uninstalled = len(sandbox.calls())

    # Acme carries on: a story is posted now, its DM goes when due.
    acting = Acting(oauth_app.driver, acme)
    acting.submit(acme.member, acting.modal(acme.member, "share testing"), title="Still here", story="Yes.")
    for minutes in (15, 60 * 6):
        clock.advance(minutes=minutes)
        loop.tick()
        after = sandbox.calls()[uninstalled:]
        assert [
            call for call in after if call.team_id == beta.ws.team_id or call.token == beta.ws.bot_token
        ] == []
        assert _status(session_factory, "later:Zebra") == DeliveryStatus.PENDING
    assert _status(session_factory, "later:Aardvark") == DeliveryStatus.SENT
    assert "Still here" in json.dumps([m["blocks"] for m in acme.ws.messages(acme.channel)])

    oauth_app.install(beta.ws)
    loop.tick()

    assert _status(session_factory, "later:Zebra") == DeliveryStatus.SENT
    [dm] = [call for call in sandbox.calls("chat.postMessage")[-1:] if call.team_id == beta.ws.team_id]
    assert dm.token == beta.ws.bot_token
    assert _stored_token_teams(engine) == {acme.ws.team_id, beta.ws.team_id}
