"""`/cop share` and the Share button end to end: modal, stored story, channel post, in English and French."""

from __future__ import annotations

from datetime import timedelta

from factories import make_community, make_member
from sqlalchemy import select

from copbot.domain.enums import ActivityKind
from copbot.slack.ids import SHARE_BUTTON, SHARE_VIEW
from copbot.store.models import Activity, Community


def test_share_in_english_posts_and_keeps_the_story(sharing, workspace, people, testing, clock, blocks_text):
    """A member shares with `/cop share testing`: the story is kept, posted, and linked to its post."""
    view = sharing.open(people.chen, "testing")
    assert view["title"]["text"] == "Share a story"
    assert "Your story goes to *Testing*." in blocks_text(view["blocks"])
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == [
        "title",
        "story",
        "lesson",
        "tags",
        "ask_me",
    ]

    response = sharing.submit(
        people.chen,
        view,
        title="  Pairing on flaky tests ",
        story="We paired.\nIt helped.",
        tags="#CI, Flaky Tests, ci",
    )

    assert response.status == 200
    assert response.text == ""  # the modal closes
    [post] = workspace.messages(testing.channel)
    shown = blocks_text(post["blocks"])
    assert f"<@{people.chen}> shared a story" in shown
    assert "*Pairing on flaky tests*" in shown
    assert "We paired.\nIt helped." in shown
    assert "`#ci` `#flaky-tests`" in shown
    [story] = sharing.stories()
    assert (story.title, story.body, story.tags) == (
        "Pairing on flaky tests",
        "We paired.\nIt helped.",
        ["ci", "flaky-tests"],
    )
    assert (story.channel_id, story.message_ts, story.author_user_id) == (
        testing.channel,
        post["ts"],
        people.chen,
    )
    assert story.created_at == clock.now()
    assert story.member_id is not None
    with sharing.session_factory() as session:
        [activity] = session.scalars(select(Activity)).all()
    assert (activity.kind, activity.user_id, activity.community_id) == (
        ActivityKind.STORY_SHARED,
        people.chen,
        testing.id,
    )
    assert activity.data == {"story_id": story.id}


def test_french_member_gets_a_french_modal_and_the_channel_keeps_its_language(
    sharing, workspace, people, testing, blocks_text
):
    """bruno's modal is in French; his story is posted in the English community in English."""
    view = sharing.open(people.bruno, "testing")
    assert view["title"]["text"] == "Partager une histoire"
    assert view["submit"]["text"] == "Partager"
    assert "Votre histoire sera partagée avec *Testing*." in blocks_text(view["blocks"])
    assert sharing.submit(people.bruno, view, title="Tests exploratoires", story="Trois idées.").text == ""
    [post] = workspace.messages(testing.channel)
    assert f"<@{people.bruno}> shared a story" in blocks_text(post["blocks"])


def test_french_community_gets_its_post_in_french(sharing, workspace, people, design, blocks_text):
    """An English speaker sharing with a French community: the modal in English, the post in French."""
    view = sharing.open(people.chen, "design")
    assert view["title"]["text"] == "Share a story"
    sharing.submit(people.chen, view, title="Grilles", story="Une grille de 8 colonnes.")
    [post] = workspace.messages(design.channel)
    assert f"<@{people.chen}> a partagé une histoire" in blocks_text(post["blocks"])
    assert post["text"] == f"<@{people.chen}> a partagé une histoire : Grilles"


def test_several_communities_offer_a_choice_of_the_persons_own(
    sharing, workspace, people, testing, design, session_factory
):
    """With no community named, someone in two picks from exactly their two, and the pick is used."""
    with session_factory() as session, session.begin():
        community = session.get(Community, testing.id)
        make_member(session, community, people.dana, left_at=community.created_at + timedelta(days=1))
    view = sharing.open(people.chen)
    [select_block] = [b for b in view["blocks"] if b["block_id"] == "community"]
    options = [(o["text"]["text"], o["value"]) for o in select_block["element"]["options"]]
    assert options == [("Design", str(design.id)), ("Testing", str(testing.id))]

    assert (
        sharing.submit(
            people.chen, view, community=str(design.id), title="Couleurs", story="Du contraste."
        ).text
        == ""
    )

    [story] = sharing.stories()
    assert story.community_id == design.id
    assert len(workspace.messages(design.channel)) == 1
    assert workspace.messages(testing.channel) == []


def test_one_community_needs_no_choice(sharing, people, testing):
    """Someone in a single community shares there without naming it."""
    view = sharing.open(people.alice)
    assert all(block.get("block_id") != "community" for block in view["blocks"])
    sharing.submit(people.alice, view, title="Charters", story="Time-boxed charters work.")
    assert [story.community_id for story in sharing.stories()] == [testing.id]


def test_share_button_on_home_opens_the_modal_for_its_community(
    sharing, driver, workspace, people, testing, design
):
    """The Home tab's Share button opens the modal set to its community, and the story lands there."""
    driver.event(
        workspace, {"type": "app_home_opened", "user": people.chen, "channel": "D0HOME", "tab": "home"}
    )
    home = workspace.home_view(people.chen)
    response = driver.action(workspace, people.chen, SHARE_BUTTON, value=str(testing.id), view=home)
    assert response.status == 200
    view = sharing.modal(people.chen)
    assert view["callback_id"] == SHARE_VIEW
    assert all(block.get("block_id") != "community" for block in view["blocks"])
    sharing.submit(people.chen, view, title="From Home", story="It works.")
    assert [(story.community_id, story.title) for story in sharing.stories()] == [(testing.id, "From Home")]


def test_a_story_the_channel_refuses_is_kept_and_the_author_told_in_their_language(
    sharing, workspace, people, testing
):
    """The channel was archived: the story is kept (no post linked) and bruno hears why, in French, by DM."""
    view = sharing.open(people.bruno, "testing")
    workspace.archive_channel(testing.channel)
    assert sharing.submit(people.bruno, view, title="Archivé", story="Perdu ?").text == ""
    [story] = sharing.stories()
    assert (story.title, story.channel_id, story.message_ts) == ("Archivé", None, None)
    [dm] = workspace.dm_messages(people.bruno)
    assert dm["text"] == (
        "Votre histoire « Archivé » est enregistrée dans Testing, "
        f"mais je n'ai pas pu la publier dans <#{testing.channel}>. "
        "Le canal est peut-être archivé ou privé : merci de prévenir l'un des organisateurs. "
        "Je la publierai dès que je pourrai de nouveau publier dans ce canal, "
        "ou quand vous appuierez sur « Republier »."
    )


def test_a_private_channel_without_copbot_keeps_the_story_too(sharing, workspace, people, session_factory):
    """A private channel copbot is not in refuses the post; the story is kept, the author told in English."""
    channel = workspace.add_channel("secret", is_private=True, members=[people.chen])
    with session_factory() as session, session.begin():
        community = make_community(
            session, team_id=workspace.team_id, channel_id=channel, created_by=people.chen, name="Secret"
        )
        make_member(session, community, people.chen)
    view = sharing.open(people.chen)
    sharing.submit(people.chen, view, title="Hidden", story="Nobody sees it.")
    assert [story.message_ts for story in sharing.stories()] == [None]
    [dm] = workspace.dm_messages(people.chen)
    assert dm["text"].startswith("Your story “Hidden” is saved in Secret, but I couldn't post it")


def test_story_text_is_escaped_and_long_stories_fit(sharing, workspace, people, testing, blocks_text):
    """Typed mentions cannot ping the channel; 3,000 characters that grow when escaped still post."""
    body = "<!channel> " + "&" * 2989
    view = sharing.open(people.chen, "testing")
    assert sharing.submit(people.chen, view, title="<b>", story=body).text == ""
    [post] = workspace.messages(testing.channel)
    shown = blocks_text(post["blocks"])
    assert "<!channel>" not in shown
    assert "&lt;!channel&gt;" in shown
    assert "*&lt;b&gt;*" in shown
    assert shown.count("&amp;") == 2989
    assert all(len(block["text"]["text"]) <= 3000 for block in post["blocks"] if block["type"] == "section")
    assert sharing.stories()[0].body == body
