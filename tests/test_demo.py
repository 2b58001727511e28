"""`copbot demo` as a newcomer runs it: a real process, on a fresh SQLite file, no Slack account."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from copbot.store.models import Community

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo() -> tuple[subprocess.CompletedProcess[str], float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COPBOT_"))}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "copbot", "demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result, time.monotonic() - started


def test_demo_succeeds_within_a_minute(demo):
    """The demo exits 0 in under a minute and ends with how to connect a real workspace."""
    result, seconds = demo
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert seconds < 60
    assert "To connect a real workspace:" in result.stdout
    assert "copbot db upgrade && copbot run" in result.stdout


def test_demo_shows_progress_step_by_step(demo):
    """Each scene is numbered, so the reader sees how far the story has got."""
    result, _ = demo
    steps = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert len(steps) >= 8
    assert steps[0].startswith("[1/")
    assert steps[-1].startswith(f"[{len(steps)}/{len(steps)}]")


def test_demo_transcript_shows_what_people_see(demo):
    """The welcome post, the join modal, the welcome DM and a member's App Home are in the transcript."""
    out = demo[0].stdout
    assert "Everyone in #testing-guild sees a post (pinned):" in out
    assert "Welcome to Testing Guild" in out
    assert "Bruno Lefèvre sees a modal “Rejoindre une communauté”" in out
    assert "Votre équipe ou votre service: <plain_text_input>" in out
    assert "Bruno Lefèvre sees a DM from copbot:" in out
    assert "Commencez par partager une histoire : `/cop share`" in out
    # Slack refuses Bruno's welcome once; the outbox keeps it, and the loop's next tick sends it.
    refused = out.index("Slack answered 500 to the welcome DM.")
    assert out.index("Bruno Lefèvre sees a DM from copbot:") > refused
    assert "Bruno Lefèvre sees copbot's App Home tab:" in out
    assert "Vos communautés" in out
    assert "Alice Martin sees copbot's App Home tab:" in out
    assert "Community health, last 30 days:" in out


def test_demo_shows_a_prompt_its_answers_similar_stories_and_a_french_search(demo):
    """The scheduled prompt, two answers through its button, the similar stories and a search in French."""
    out = demo[0].stdout
    prompt = out.index("│ Story prompt: ")
    assert out.index("✓ maya pressed “Share your story”") > prompt
    assert "Maya Patel sees a message only they can see:" in out
    assert "Stories like yours were told before in Testing Guild:" in out
    assert "(you could ask @Chen Wei about it)" in out
    assert "1 histoire de Testing Guild correspond à « binômes exploratoire »" in out


def test_demo_shows_an_organisers_stats_and_where_the_chart_is(demo):
    """Alice's /cop stats answer is in the transcript, with the path of the PNG copbot uploaded to her DM."""
    out = demo[0].stdout
    assert "Testing Guild: the last 30 days" in out
    assert "Alice Martin sees a DM from copbot:" in out
    saved = out.split("The chart copbot uploaded (stats.png) is saved at ", 1)[1].split()[0]
    assert Path(saved).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_demo_runs_a_round_of_introductions(demo):
    """A round: the channel post, an introduction, "We met" and its question, a follow-up, the count."""
    out = demo[0].stdout
    assert "A new round of introductions: 3 groups." in out
    assert "Bruno Lefèvre sees a group DM from copbot:" in out
    assert "would you propose a time that suits you all?" in out
    assert "Chen Wei sees a modal “You met”:" in out
    assert "This round ends soon. Did you manage to meet?" in out
    assert "Last round of introductions: 1 of 3 groups met." in out


def test_demo_on_a_given_database(database_url, session_factory):
    """With --database-url the demo plays on that database (PostgreSQL in CI's second run) and keeps it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COPBOT_"))}
    result = subprocess.run(
        [sys.executable, "-m", "copbot", "demo", "--database-url", database_url],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert f"data in {database_url}" in result.stdout
    with session_factory() as session:
        assert session.scalars(select(Community.slug)).all() == ["testing-guild"]


def test_demo_plans_a_weekly_session_and_follows_it(demo):
    """The session scenes: a reminder answered in place, a cancelled date, and the takeaway question."""
    out = demo[0].stdout
    assert "Alice Martin sees a modal “New session”" in out
    assert "1 going · 1 maybe · 0 can't go" in out
    assert "Going: @Bruno Lefèvre" in out
    unwrapped = " ".join(line.strip(" │") for line in out.splitlines())  # the transcript wraps long lines
    assert "(Europe/Paris)) is cancelled." in unwrapped
    assert "What did you take away from *Bug bash*?" in out


def test_demo_ends_with_a_members_and_an_organisers_home(demo):
    """After every feature ran, Chen's Home (profile, latest stories, search) and Alice's controls show."""
    out = demo[0].stdout
    scene = out[out.index("After all that, Chen (a member) and Alice (an organiser) open their App Home") :]
    assert "Chen Wei sees copbot's App Home tab:" in scene
    assert "Your profile: Experienced · team Platform · performance, observability" in scene
    assert "*Latest stories*" in scene
    assert "[Search stories] [Edit my profile]" in scene
    assert "Chen Wei sees a modal “Search stories”:" in scene
    assert "The latest stories shared in Testing Guild" in scene
    assert "Alice Martin sees copbot's App Home tab:" in scene
    assert "[Edit] [Plan a session] [Prompts] [Stats] [Pause the community] [Archive]" in scene
