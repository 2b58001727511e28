"""`/cop join`, `/cop leave`, the Join and Leave buttons, their modals, and people joining a channel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk.errors import SlackApiError

from copbot.domain.errors import CopbotError, InvalidInput, NotAMember, NotFound
from copbot.domain.membership import (
    COMMUNITY_FIELD,
    EXPERIENCE_FIELD,
    INTERESTS_FIELD,
    PAIRING_FIELD,
    TEAM_FIELD,
    JoinAnswers,
    parse_join,
)
from copbot.i18n import N_, Translator
from copbot.services import communities, lookup, membership, notices
from copbot.services.membership import JoinForm, LeaveForm
from copbot.slack import ids
from copbot.slack.blocks.common import build_notice
from copbot.slack.blocks.communities import build_list
from copbot.slack.blocks.membership import (
    build_join_modal,
    build_leave_modal,
    build_offer_joined,
    build_problem_modal,
)
from copbot.slack.deps import Deps
from copbot.slack.errors import explain, refusal
from copbot.slack.gateways.membership import MembershipGateway
from copbot.slack.listeners.commands import CommandRequest, Subcommand
from copbot.slack.listeners.lifecycle import copbot_back_in_channel
from copbot.slack.modal_values import ModalValues
from copbot.slack.payloads import button_community_id
from copbot.slack.request import Request

ERASE_OPTIONS = ("--erase", "—erase")  # Slack clients may turn a typed "--" into an em dash
NAME_MAX = 80  # no community name is longer, so neither is a useful search


def _join_command(request: CommandRequest) -> None:
    def view() -> dict[str, Any]:
        form = membership.join_form(
            request.session, team_id=request.team_id, user_id=request.user_id, name=_name(request.text.args)
        )
        return _join_modal(request.tr, request.deps, form)

    request.open_modal(view)


def _leave_command(request: CommandRequest) -> None:
    def view() -> dict[str, Any]:
        erase, name = _leave_arguments(request.text.args)
        form = membership.leave_form(
            request.session, team_id=request.team_id, user_id=request.user_id, erase=erase, name=name
        )
        return _leave_modal(request.tr, request.deps, form)

    request.open_modal(view)


SUBCOMMANDS = (
    Subcommand(
        "join", N_("join [community]"), N_("join a community, or update your profile in it"), _join_command
    ),
    Subcommand(
        "leave",
        N_("leave [community] [--erase]"),
        N_("leave a community; --erase also removes your data from it"),
        _leave_command,
    ),
)


def _from_button(view: Callable[[Request, int], dict[str, Any]]) -> Callable[..., None]:
    """A button listener: the modal `view` makes for the button's community, or why there is none."""

    def open_modal(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
        ack()
        request = Request.of(context)
        try:
            modal = view(request, button_community_id(action.get("value")))
            request.client.views_open(trigger_id=body["trigger_id"], view=modal)
        except CopbotError as error:
            tell(request, body, error)

    return open_modal


def open_join_modal(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    """A Join button (in /cop list, the welcome post, the App Home, the channel-joiner offer).

    From /cop list or the offer, the modal keeps where the button was, to say "Joined ✓" there after.
    """
    ack()
    request = Request.of(context)
    try:
        form = membership.join_form(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            community_id=button_community_id(action.get("value")),
        )
        modal = _join_modal(request.tr, request.deps, form, reply=_reply_to(body, action))
        request.client.views_open(trigger_id=body["trigger_id"], view=modal)
    except CopbotError as error:
        tell(request, body, error)


def _reply_to(body: dict[str, Any], action: dict[str, Any]) -> dict[str, str] | None:
    """The message whose Join button becomes "Joined ✓": only /cop list and the offer are the person's own."""
    block_id, url = str(action.get("block_id") or ""), body.get("response_url")
    if not url or not block_id.startswith((f"{ids.JOIN_FROM_LIST}:", f"{ids.JOIN_FROM_OFFER}:")):
        return None
    return {"url": str(url), "block": block_id}


def _leave_from_button(request: Request, community_id: int) -> dict[str, Any]:
    """The App Home's Leave button: the same confirmation as `/cop leave`, without erasing."""
    form = membership.leave_form(
        request.session,
        team_id=request.team_id,
        user_id=request.user_id,
        erase=False,
        community_id=community_id,
    )
    return _leave_modal(request.tr, request.deps, form)


open_leave_modal = _from_button(_leave_from_button)


def dismiss_offer(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """The "Not now" button on the offer to a channel joiner: the offer goes away."""
    ack()
    if body.get("response_url"):
        request = Request.of(context)
        notices.respond(
            request.session,
            team_id=request.team_id,
            response_url=str(body["response_url"]),
            body={"delete_original": True},
            key=request.origin,
            now=request.now,
        )


def submit_join(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    request = Request.of(context)
    try:
        sealed = request.deps.seal.open(view.get("private_metadata", ""))
        answers = _join_answers(view, sealed.get("community_id"))
        membership.join(
            request.session,
            _gateway(request),
            team_id=request.team_id,
            user_id=request.user_id,
            community_id=answers.community_id,
            profile=answers.profile,
            origin=request.origin,
            now=request.now,
        )
    except CopbotError as error:
        fallback = COMMUNITY_FIELD if _has_block(view, COMMUNITY_FIELD) else TEAM_FIELD
        ack(**request.modal_errors(error, default_block=fallback))
        return
    if isinstance(sealed.get("reply"), dict):
        _say_joined(request, sealed["reply"], answers.community_id)
    ack()


def _say_joined(request: Request, reply: dict[str, Any], community_id: int) -> None:
    """The /cop list or offer the person joined from shows "Joined ✓" in place of that Join button."""
    session, tr, team_id = request.session, request.tr, request.team_id
    source, *rest = str(reply.get("block", "")).split(":")
    if source == ids.JOIN_FROM_LIST and rest and rest[0].isdigit():
        shown = communities.list_page(session, team_id=team_id, page=int(rest[0]))
        body = {"replace_original": True, **build_list(tr, shown, joined=community_id)}
    else:
        card = lookup.community_card(session, community_id=community_id)
        body = build_offer_joined(tr, card.name if card else "")
    notices.respond(
        session,
        team_id=team_id,
        response_url=str(reply.get("url", "")),
        body=body,
        key=f"{request.origin}:joined",
        now=request.now,
    )


def submit_leave(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    request = Request.of(context)
    try:
        sealed = request.deps.seal.open(view.get("private_metadata", ""))
        membership.leave(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            community_id=_sealed_id(sealed),
            erase=sealed.get("erase") is True,
            origin=request.origin,
            now=request.now,
        )
    except CopbotError as error:
        # The confirmation has no input to hang an inline error on: the modal turns into the explanation.
        request.keep_nothing()
        ack(response_action="update", view=build_problem_modal(request.tr, explain(request.tr, error)))
        return
    ack()


def offer_to_joiner(event: dict[str, Any], context: BoltContext) -> None:
    """Someone joined a community's channel directly (copbot's own joins are not news).

    Nor are the people copbot invites itself (a join, a new organiser): Slack may tell of the invitation
    before the request that made it has stored the membership, which would earn them an offer to join.
    """
    user_id, channel_id = event.get("user"), event.get("channel")
    if not isinstance(user_id, str) or not isinstance(channel_id, str):
        return
    request = Request.of(context)
    copbot = request.bot_user_id
    if copbot is not None and user_id == copbot:
        copbot_back_in_channel(request, channel_id)  # added back to a channel: it may post there again
        return
    if copbot is not None and copbot == event.get("inviter"):
        return
    membership.welcome_channel_joiner(
        request.session,
        _gateway(request),
        team_id=request.team_id,
        channel_id=channel_id,
        user_id=user_id,
        origin=request.origin,
        now=request.now,
    )


def register(app: App) -> None:
    """Register this feature's actions, views and events on `app`."""
    app.action(ids.JOIN_BUTTON)(open_join_modal)
    app.action(ids.LEAVE_BUTTON)(open_leave_modal)
    app.action(ids.JOINER_DISMISS)(dismiss_offer)
    app.view(ids.JOIN_VIEW)(submit_join)
    app.view(ids.LEAVE_VIEW)(submit_leave)
    app.event("member_joined_channel")(offer_to_joiner)


def _join_modal(
    tr: Translator, deps: Deps, form: JoinForm, *, reply: dict[str, str] | None = None
) -> dict[str, Any]:
    sealed: dict[str, Any] = {"community_id": form.community.id if form.community else None}
    metadata = deps.seal.seal(sealed | ({"reply": reply} if reply else {}))
    return build_join_modal(tr, form, metadata=metadata)


def _leave_modal(tr: Translator, deps: Deps, form: LeaveForm) -> dict[str, Any]:
    metadata = deps.seal.seal({"community_id": form.community.id, "erase": form.erase})
    return build_leave_modal(tr, form, metadata=metadata)


def _name(args: list[str]) -> str | None:
    return " ".join(args)[:NAME_MAX] or None


def _leave_arguments(args: list[str]) -> tuple[bool, str | None]:
    """`[community] [--erase]`, in any order; any other option is a typo worth pointing out."""
    unknown = next((arg for arg in args if arg.startswith(("--", "—")) and arg not in ERASE_OPTIONS), None)
    if unknown is not None:
        raise InvalidInput(
            "I don't know the option `{option}`. Usage: `/cop leave [community] [--erase]`",
            option=unknown[:40],
        )
    return any(arg in ERASE_OPTIONS for arg in args), _name([arg for arg in args if arg not in ERASE_OPTIONS])


def _sealed_id(sealed: dict[str, Any]) -> int:
    community_id = sealed.get("community_id")
    if not isinstance(community_id, int):
        raise NotFound("That community no longer exists.")
    return community_id


def _join_answers(view: dict[str, Any], sealed_community: object) -> JoinAnswers:
    form = ModalValues(view)
    chosen = sealed_community if isinstance(sealed_community, int) else form.text(COMMUNITY_FIELD)
    return parse_join(
        community=None if chosen is None else str(chosen),
        experience=form.text(EXPERIENCE_FIELD),
        team=form.text(TEAM_FIELD),
        interests=form.text(INTERESTS_FIELD),
        pairing=bool(form.options(PAIRING_FIELD)),
    )


def _has_block(view: dict[str, Any], block_id: str) -> bool:
    return any(block.get("block_id") == block_id for block in view.get("blocks", []))


def _gateway(request: Request) -> MembershipGateway:
    return MembershipGateway(request.client, team_id=request.team_id, people=request.deps.people)


def tell(request: Request, body: dict[str, Any], error: CopbotError) -> None:
    """Why a click did nothing: beside the message clicked; from the App Home, in a modal (else by DM).

    Beside a message, someone not in the community gets a Join button with it.
    """
    if isinstance(error, NotAMember) and body.get("response_url"):
        notices.respond(
            request.session,
            team_id=request.team_id,
            response_url=str(body["response_url"]),
            body={"response_type": "ephemeral", "replace_original": False, **refusal(request.tr, error)},
            key=request.origin,
            now=request.now,
        )
        return
    if not body.get("response_url") and _in_a_modal(request, body, explain(request.tr, error)):
        return
    notices.explain_error(
        request.session,
        error,
        team_id=request.team_id,
        user_id=request.user_id,
        key=request.origin,
        now=request.now,
        response_url=body.get("response_url"),
    )


def _in_a_modal(request: Request, body: dict[str, Any], text: str) -> bool:
    """The Home tab has no message to answer beside: a small modal says it, while the trigger lasts."""
    trigger_id = body.get("trigger_id")
    if not trigger_id:
        return False
    try:
        request.client.views_open(trigger_id=trigger_id, view=build_notice(request.tr, text))
    except (CopbotError, SlackApiError):  # the trigger was used or expired, or Slack is busy
        return False
    return True
