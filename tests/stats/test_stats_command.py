"""`/cop stats` end to end: the answer, the chart and the export in the organiser's DM, in both languages."""

from __future__ import annotations

import csv
import io
import struct

from factories import make_member
from history import NOW
from sqlalchemy import func, select, update
from stats_support import answer_text, figures_text, shared_files

from copbot.domain.enums import Role
from copbot.domain.stats import Period
from copbot.services import stats
from copbot.store.models import Community, Delivery, Member

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _figures(session_factory, community_id: int, period: Period) -> stats.CommunityStats:
    with session_factory() as session:
        community = session.get(Community, community_id)
        assert community is not None
        return stats.community_stats(session, community, period=period, now=NOW)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_an_organiser_sees_the_figures_and_gets_the_chart(
    driver, workspace, people, history, at_history_end, sandbox, session_factory
):
    """alice is told copbot is counting, then gets the figures in its place and a 1000x600 PNG by DM."""
    response = driver.command(workspace, people.alice, "stats testing 90d")
    assert response.json["text"] == "Counting the figures of *Testing* for the last 90 days…"
    text = figures_text(workspace, people.alice)
    figures = _figures(session_factory, history.community_id, Period.DAYS_90)
    assert "Testing: the last 90 days" in text
    assert (
        f"Members: {figures.members.now} ({figures.members.delta:+d}, {figures.members.percent:+d}%)" in text
    )
    assert f"Active members: {figures.active.now} " in text
    assert f"Stories shared: {figures.stories.now} " in text
    assert f"Introductions: {figures.pairing.groups.now} " in text
    assert "A chart of these weeks is on its way" in text
    [chart] = shared_files(workspace, people.alice)
    assert chart["name"] == "stats.png"
    assert _png_size(chart["data"]) == (1000, 600)
    [asked] = sandbox.calls("files.getUploadURLExternal")
    assert asked.args["filename"] == "stats.png"
    assert int(asked.args["length"]) == len(chart["data"])
    [completed] = sandbox.calls("files.completeUploadExternal")
    assert completed.args["channel_id"] == workspace.dm_channel(people.alice)


def test_the_answer_names_only_those_who_allowed_it(
    driver, workspace, people, history, at_history_end, session_factory
):
    """The only people named are the authors of the answers shown, each of whom allowed it."""
    driver.command(workspace, people.alice, "stats testing")
    text = figures_text(workspace, people.alice)
    named = {part.split(">")[0] for part in text.split("<@")[1:]}
    figures = _figures(session_factory, history.community_id, Period.DAYS_30)
    assert named == {item.user_id for item in figures.learned}
    assert named


def test_the_answer_is_in_french_for_a_french_organiser(
    driver, workspace, people, history, at_history_end, session_factory
):
    """bruno, organiser too, reads the figures and his chart's comment in French."""
    with session_factory() as session, session.begin():
        community = session.get(Community, history.community_id)
        make_member(session, community, people.bruno, role=Role.ORGANISER, joined_at=NOW)
    counting = driver.command(workspace, people.bruno, "stats testing 365d")
    assert counting.json["text"] == "Je compte les chiffres de *Testing* sur les 365 derniers jours…"
    text = figures_text(workspace, people.bruno)
    assert "Testing : les 365 derniers jours" in text
    assert "*Présentations*" in text
    assert "Toujours membres après 30, 60 et 90 jours" in text
    assert "septembre 2026" in text or "août 2026" in text
    comment, shared = workspace.dm_messages(people.bruno)[-2:]
    assert comment["text"] == "Votre graphique pour *Testing*."
    assert [f["title"] for f in shared["files"]] == ["Testing : les 365 derniers jours"]


def test_an_export_sends_two_csvs_whose_sums_match(
    driver, workspace, people, history, at_history_end, session_factory
):
    """The weekly CSV adds up to the period's figures; the pairing CSV has one row per introduction."""
    answer = answer_text(driver.command(workspace, people.alice, "stats export testing 90d"))
    assert "CSV files for *Testing*" in answer
    files = {f["name"]: f["data"].decode() for f in shared_files(workspace, people.alice)}
    assert set(files) == {"weekly.csv", "pairing.csv"}
    weekly = list(csv.DictReader(io.StringIO(files["weekly.csv"])))
    figures = _figures(session_factory, history.community_id, Period.DAYS_90)
    assert len(weekly) == figures.weeks
    assert sum(int(row["joined"]) for row in weekly) == figures.joined.now
    assert sum(int(row["left"]) for row in weekly) == figures.left.now
    assert sum(int(row["stories"]) for row in weekly) == figures.stories.now
    assert int(weekly[-1]["members_at_week_end"]) == figures.members.now
    pairing = list(csv.DictReader(io.StringIO(files["pairing.csv"])))
    assert len(pairing) == figures.pairing.groups.now
    assert sum(row["outcome"] == "met" for row in pairing) == figures.pairing.met.now
    shown = [
        row["learned_shared_with_organisers"] for row in pairing if row["learned_shared_with_organisers"]
    ]
    answers = [answer for group in history.groups for answer in group["answers"]]
    allowed = {answer["text"] for answer in answers if answer["shown"]}
    hidden = {answer["text"] for answer in answers if not answer["shown"]}
    assert shown
    assert all(set(cell.split(" | ")) <= allowed for cell in shown)
    assert not {part for cell in shown for part in cell.split(" | ")} & (hidden - allowed)


def test_an_empty_community_gets_a_friendly_answer_and_no_chart(
    driver, workspace, people, design, at_history_end
):
    """A community with no activity yet: a kind sentence in French, no figures divided by zero, no upload."""
    driver.command(workspace, people.bruno, "stats design")
    text = figures_text(workspace, people.bruno)
    assert "Rien à compter pour l'instant dans *Design*" in text
    assert shared_files(workspace, people.bruno) == []


def _deliveries(session_factory) -> int:
    with session_factory() as session:
        return session.scalar(select(func.count(Delivery.id))) or 0


REFUSAL = "Only a community's organisers and workspace admins can see its stats."


def test_a_workspace_owner_who_organises_nothing_sees_the_figures(driver, workspace, history, at_history_end):
    """Otto owns the workspace and is in no community: he gets the figures and the chart all the same."""
    owner = workspace.add_user("otto", is_owner=True)
    response = driver.command(workspace, owner, "stats testing 90d")
    assert response.json["text"] == "Counting the figures of *Testing* for the last 90 days…"
    assert "Testing: the last 90 days" in figures_text(workspace, owner)
    [chart] = shared_files(workspace, owner)
    assert chart["name"] == "stats.png"


def test_an_admin_who_is_only_a_member_sees_the_figures(
    driver, workspace, people, history, at_history_end, session_factory
):
    """alice, a workspace admin, sees the figures of a community where she is an ordinary member."""
    with session_factory() as session, session.begin():
        session.execute(
            update(Member)
            .where(Member.community_id == history.community_id, Member.user_id == people.alice)
            .values(role=Role.MEMBER)
        )
    response = driver.command(workspace, people.alice, "stats testing 90d")
    assert response.json["text"] == "Counting the figures of *Testing* for the last 90 days…"
    assert "Testing: the last 90 days" in figures_text(workspace, people.alice)


def test_a_member_who_does_not_organise_is_refused_without_a_figure(
    driver, workspace, people, history, at_history_end, session_factory
):
    """chen (not an organiser) gets the plain refusal, nothing else, and nothing is sent."""
    before = _deliveries(session_factory)
    with session_factory() as session, session.begin():
        make_member(session, session.get(Community, history.community_id), people.chen, joined_at=NOW)
    text = answer_text(driver.command(workspace, people.chen, "stats testing 90d"))
    assert text.strip() == REFUSAL
    assert _deliveries(session_factory) == before
    assert shared_files(workspace, people.chen) == []
    assert workspace.responses(people.chen) == []


def test_an_organiser_of_another_community_is_refused(
    driver, workspace, people, history, design, at_history_end
):
    """bruno organises Design, not Testing: the same refusal, in French, with no figure."""
    text = answer_text(driver.command(workspace, people.bruno, "stats testing"))
    assert text.strip() == (
        "Seuls les organisateurs d'une communauté et les administrateurs de l'espace de travail "
        "peuvent voir ses statistiques."
    )


def test_an_unknown_community_is_named_back(driver, workspace, people, history, at_history_end):
    """A name that matches no community says so, suggesting a close one."""
    text = answer_text(driver.command(workspace, people.alice, "stats testin"))
    assert "There is no community called “testin” here. Did you mean `testing`?" in text


def test_an_unknown_period_lists_the_choices(
    driver, workspace, people, history, at_history_end, session_factory
):
    """7d is refused with the periods copbot knows, and nothing is sent."""
    before = _deliveries(session_factory)
    text = answer_text(driver.command(workspace, people.alice, "stats testing 7d"))
    assert text.strip() == "“7d” is not a period I know: use 30d, 90d or 365d."
    assert _deliveries(session_factory) == before


def test_another_workspace_cannot_see_the_community(multi_driver, other_workspace, history, at_history_end):
    """olga, admin of Beta, asking for Acme's Testing is told there is no such community in her workspace."""
    olga = next(user for user in other_workspace.state.users if user.startswith("U"))
    text = answer_text(multi_driver.command(other_workspace, olga, "stats testing"))
    assert text.strip() == "There is no community called “testing” here. `/cop list` shows them all."
