"""Installs over OAuth: tokens stored encrypted, rotated before they expire, removed on uninstall."""

from __future__ import annotations

from cryptography.fernet import Fernet
from fixtures_app import SECRET_KEY
from sqlalchemy import select

from copbot.store.models import BOTS, INSTALLATIONS
from copbot.store.models import Workspace as WorkspaceRow


def _stored_tokens(engine) -> dict[str, list[str]]:
    """Every bot token column of slack_sdk's tables, as the database holds them, by team."""
    found: dict[str, list[str]] = {}
    with engine.connect() as connection:
        for table in (INSTALLATIONS, BOTS):
            for team, token in connection.execute(select(table.c.team_id, table.c.bot_token)):
                found.setdefault(team, []).append(token)
    return found


def _uninstalled_at(session_factory) -> dict[str, object]:
    with session_factory() as session:
        rows = session.execute(select(WorkspaceRow.team_id, WorkspaceRow.uninstalled_at)).all()
        return dict(rows)


def test_tokens_are_stored_encrypted(multi_driver, oauth_app, engine, workspace, other_workspace):
    """The database holds Fernet tokens, never a Slack token; they decrypt to each workspace's own."""
    stored = _stored_tokens(engine)
    fernet = Fernet(SECRET_KEY.encode())

    assert set(stored) == {workspace.team_id, other_workspace.team_id}
    for team, tokens in stored.items():
        owner = workspace if team == workspace.team_id else other_workspace
        assert [fernet.decrypt(token.encode()).decode() for token in tokens] == [owner.bot_token] * 2
        assert not any(token.startswith("xox") for token in tokens)


def test_bot_token_for_gives_each_workspace_its_own_token(
    multi_driver, oauth_app, workspace, other_workspace
):
    """bot_token_for decrypts the stored token of the workspace asked for, and knows no other workspace."""
    tokens = oauth_app.copbot.tokens

    assert tokens.bot_token_for(workspace.team_id) == workspace.bot_token
    assert tokens.bot_token_for(other_workspace.team_id) == other_workspace.bot_token
    assert tokens.bot_token_for("T0NOWHERE1") is None


def test_uninstall_removes_the_tokens_and_marks_only_that_workspace(
    multi_driver, oauth_app, sandbox, engine, session_factory, workspace, other_workspace, people, clock
):
    """app_uninstalled deletes that workspace's tokens and marks it; the other is untouched, still served."""
    sandbox.uninstall(other_workspace)
    assert multi_driver.event(other_workspace, {"type": "app_uninstalled"}).status == 200

    assert set(_stored_tokens(engine)) == {workspace.team_id}
    assert _uninstalled_at(session_factory) == {workspace.team_id: None, other_workspace.team_id: clock.now()}
    assert oauth_app.copbot.tokens.bot_token_for(other_workspace.team_id) is None
    assert "show this help" in multi_driver.command(workspace, people.alice, text="help").json["text"]


def test_a_reinstall_resumes(multi_driver, oauth_app, sandbox, session_factory, workspace, other_workspace):
    """Installing again after an uninstall clears the mark and stores a token again."""
    sandbox.uninstall(other_workspace)
    multi_driver.event(other_workspace, {"type": "app_uninstalled"})

    oauth_app.install(other_workspace)

    assert _uninstalled_at(session_factory)[other_workspace.team_id] is None
    assert oauth_app.copbot.tokens.bot_token_for(other_workspace.team_id) == other_workspace.bot_token


def test_revoked_bot_token_is_an_uninstall(
    multi_driver, oauth_app, engine, session_factory, workspace, other_workspace
):
    """tokens_revoked naming the bot deletes the workspace's tokens and marks it uninstalled."""
    event = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [other_workspace.bot_user_id]}}
    assert multi_driver.event(other_workspace, event).status == 200

    assert set(_stored_tokens(engine)) == {workspace.team_id}
    assert _uninstalled_at(session_factory)[other_workspace.team_id] is not None
    assert _uninstalled_at(session_factory)[workspace.team_id] is None


def test_revoked_user_tokens_alone_change_nothing_for_the_bot(
    multi_driver, oauth_app, engine, session_factory, workspace
):
    """tokens_revoked naming only users keeps the bot's token and the workspace installed."""
    event = {"type": "tokens_revoked", "tokens": {"oauth": ["U0SOMEONE"], "bot": []}}
    assert multi_driver.event(workspace, event).status == 200

    assert oauth_app.copbot.tokens.bot_token_for(workspace.team_id) == workspace.bot_token
    assert _uninstalled_at(session_factory)[workspace.team_id] is None


def test_single_token_uninstall_marks_the_workspace(driver, workspace, people, session_factory, clock):
    """With one SLACK_BOT_TOKEN there is nothing stored to delete; the workspace is still marked."""
    driver.command(workspace, people.alice, text="help")
    assert driver.event(workspace, {"type": "app_uninstalled"}).status == 200

    assert _uninstalled_at(session_factory) == {workspace.team_id: clock.now()}


def test_single_token_mode_gives_the_configured_token(copbot, workspace):
    """bot_token_for in single-workspace mode is SLACK_BOT_TOKEN, whatever the team."""
    assert copbot.tokens.bot_token_for(workspace.team_id) == workspace.bot_token
