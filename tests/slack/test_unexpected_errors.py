"""An unexpected failure is logged with its traceback, undone, and explained to the user."""

from __future__ import annotations

import logging

from sqlalchemy import select

from copbot.store.models import Community, Delivery
from copbot.store.models import Workspace as WorkspaceRow


def test_a_failing_command_apologises_and_changes_nothing(
    driver, sandbox, workspace, people, session_factory, caplog
):
    """Slack refusing views.open mid-command gets an apology, a logged traceback, and no stored row."""
    sandbox.inject_fault("views.open", error="fatal_error", times=1)
    with caplog.at_level(logging.ERROR, logger="copbot.slack.errors"):
        response = driver.command(workspace, people.alice, text="create")
    assert response.status == 200
    assert response.json == {
        "response_type": "ephemeral",
        "text": "Sorry, something went wrong on copbot's side and nothing was changed. "
        "Please try again; if it keeps happening, tell whoever runs copbot here.",
    }
    [record] = [r for r in caplog.records if r.name == "copbot.slack.errors"]
    assert record.exc_info is not None
    assert "fatal_error" in str(record.exc_info[1])
    with session_factory() as session:
        # The workspace is recorded at first contact, in a transaction of its own; nothing else is kept.
        assert [row.team_id for row in session.scalars(select(WorkspaceRow))] == [workspace.team_id]
        assert session.scalars(select(Community)).all() == []
        assert session.scalars(select(Delivery)).all() == []


def test_the_apology_is_in_the_users_language(driver, sandbox, workspace, people):
    """A French speaker gets the apology in French."""
    sandbox.inject_fault("views.open", error="fatal_error", times=1)
    response = driver.command(workspace, people.bruno, text="create")
    assert response.json["text"].startswith("Désolé, un problème est survenu du côté de copbot")
