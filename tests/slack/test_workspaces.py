"""Multi-workspace mode: installs over OAuth, and each workspace is answered with its own token."""

from __future__ import annotations

from sqlalchemy import select

from copbot.store.models import Workspace as WorkspaceRow


def test_each_installed_workspace_is_answered_with_its_own_token(
    multi_driver, sandbox, workspace, other_workspace, people, session_factory
):
    """After two OAuth installs, each workspace's command is served with that workspace's bot token."""
    olga = other_workspace.add_user(name="olga2", real_name="Olga Two", locale="fr-FR")
    sandbox.reset_calls()
    assert "show this help" in multi_driver.command(workspace, people.alice, text="help").json["text"]
    assert "afficher cette aide" in multi_driver.command(other_workspace, olga, text="help").json["text"]
    tokens = {call.team_id: call.token for call in sandbox.calls("users.info")}
    assert tokens == {
        workspace.team_id: workspace.bot_token,
        other_workspace.team_id: other_workspace.bot_token,
    }
    with session_factory() as session:
        assert sorted(session.scalars(select(WorkspaceRow.team_id))) == sorted(
            [workspace.team_id, other_workspace.team_id]
        )


def test_uninstalled_workspace_is_told_to_install(multi_driver, sandbox, session_factory):
    """A workspace copbot was never installed in gets Bolt's reinstall message, not someone else's data."""
    stranger_ws = sandbox.add_workspace(team_id="T0GAMMA01", name="Gamma", domain="gamma")
    stranger = stranger_ws.add_user(name="gus", real_name="Gus", locale="en-US")
    response = multi_driver.command(stranger_ws, stranger, text="help")
    assert response.status == 200
    assert [answer["text"] for answer in stranger_ws.responses()] == [
        "copbot is not installed in this workspace, so it can't help you here."
    ]
    with session_factory() as session:
        assert stranger_ws.team_id not in set(session.scalars(select(WorkspaceRow.team_id)))
