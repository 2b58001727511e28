"""`/cop prompts add|list|remove [community]`: organisers shape the pool; others and bad input are refused."""

from __future__ import annotations

from sqlalchemy import select

from copbot.prompts.library import builtin_library
from copbot.services.prompts import prompt_pool
from copbot.store.models import Community, HiddenPrompt, Prompt


def prompts(driver, workspace, user_id, text):
    response = driver.command(workspace, user_id, text=f"prompts {text}".rstrip())
    assert response.status == 200
    return response.json


def pool_keys(session_factory, place) -> list[str]:
    with session_factory() as session:
        return [prompt.key for prompt in prompt_pool(session, session.get(Community, place.id))]


def own(session_factory) -> list[tuple[str, object]]:
    with session_factory() as session:
        return [(p.text, p.removed_at) for p in session.scalars(select(Prompt).order_by(Prompt.id))]


def test_an_organiser_adds_lists_and_removes_their_own_prompt(
    driver, workspace, people, testing, session_factory
):
    """alice adds a prompt with an apostrophe, sees it listed, removes it: it leaves the pool."""
    answer = prompts(driver, workspace, people.alice, "add What's a test you're proud of?")
    [(text, removed)] = own(session_factory)
    assert (text, removed) == ("What's a test you're proud of?", None)
    assert answer["text"].startswith("Added to the prompts of Testing (key `own-")
    key = answer["text"].split("`")[1]
    assert key in pool_keys(session_factory, testing)

    listing = prompts(driver, workspace, people.alice, "list testing")
    shown = "\n".join(block["text"]["text"] for block in listing["blocks"])
    assert f"`{key}` _your own_: What's a test you're proud of?" in shown
    assert listing["text"].startswith(f"Story prompts of Testing ({len(builtin_library().prompts) + 1}).")
    assert shown.count("\n`") == len(builtin_library().prompts) + 1

    prompts(driver, workspace, people.alice, f"remove testing {key}")
    assert own(session_factory)[0][1] is not None
    assert key not in pool_keys(session_factory, testing)


def test_removing_a_built_in_prompt_hides_it_for_that_community_only(
    driver, workspace, people, testing, design, session_factory
):
    """bruno hides a built-in prompt in Design (in French); Testing keeps it."""
    key = builtin_library().prompts[0].key
    answer = prompts(driver, workspace, people.bruno, f"remove design {key}")
    assert answer["text"].startswith("Retirée des invitations de Design : ")
    assert key not in pool_keys(session_factory, design)
    assert key in pool_keys(session_factory, testing)
    prompts(driver, workspace, people.bruno, f"remove design {key}")  # again: nothing more to hide
    with session_factory() as session:
        assert len(session.scalars(select(HiddenPrompt)).all()) == 1


def test_bad_prompts_are_refused_and_nothing_is_stored(driver, workspace, people, testing, session_factory):
    """Empty, over 500 characters, an unknown key or an unknown action: a clear reply, nothing stored."""
    assert prompts(driver, workspace, people.alice, "add")["text"] == (
        "Please write the prompt: the question your community will be asked."
    )
    assert prompts(driver, workspace, people.alice, "add testing   ")["text"].startswith(
        "Please write the prompt"
    )
    assert prompts(driver, workspace, people.alice, "add " + "x" * 501)["text"] == (
        "A prompt can be at most 500 characters (this one has 501)."
    )
    assert prompts(driver, workspace, people.alice, "remove testing nope")["text"] == (
        "Testing has no prompt “nope”. `/cop prompts list` shows them."
    )
    assert prompts(driver, workspace, people.alice, "rename x")["text"].startswith("Use `/cop prompts add`")
    assert own(session_factory) == []


def test_members_who_do_not_organise_are_refused(driver, workspace, people, testing, session_factory):
    """chen is a member, not an organiser: no add, no remove, in English."""
    assert prompts(driver, workspace, people.chen, "add testing Why?")["text"] == (
        "Only the organisers of Testing can change its prompts."
    )
    key = builtin_library().prompts[0].key
    assert prompts(driver, workspace, people.chen, f"remove testing {key}")["text"].startswith(
        "Only the organisers"
    )
    assert own(session_factory) == []
    assert key in pool_keys(session_factory, testing)
