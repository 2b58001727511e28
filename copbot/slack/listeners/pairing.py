"""`/cop pair …`, the answer buttons of an introduction, the "what did you learn" modal, Resume."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext

from copbot.domain.enums import PairingOutcome
from copbot.domain.errors import CopbotError, InvalidInput, NotAllowed, NotFound
from copbot.i18n import N_
from copbot.services import notices, pairing_controls, pairing_groups
from copbot.services.pairing import TooFew
from copbot.services.pairing_controls import AVOID_FIELD, PAUSE_FIELD, UNTIL_FIELD
from copbot.slack import ids
from copbot.slack.blocks.common import slack_day
from copbot.slack.blocks.pairing import (
    FREQUENCY_FIELD,
    LEARNED_BLOCK,
    SHARE_BLOCK,
    build_learned_modal,
    build_preferences_modal,
    build_status,
    left_out,
)
from copbot.slack.errors import explain
from copbot.slack.listeners.commands import CommandRequest, Subcommand
from copbot.slack.listeners.membership import tell
from copbot.slack.modal_values import ModalValues
from copbot.slack.payloads import button_community_id, button_id
from copbot.slack.request import Request

MENTION = re.compile(r"^<@([UW][A-Z0-9]{2,30})(\|[^>]*)?>$")
USAGE = N_("pair [now|pause|resume|status|avoid|unavoid|every]")
ACTIONS = N_(
    "Try `/cop pair now [community]`, `pause [2w|until YYYY-MM-DD]`, `resume`, `status`, "
    "`avoid @someone`, `unavoid @someone`, `every round` or `every other`."
)
OUTCOMES = {
    ids.PAIR_MET: PairingOutcome.MET,
    ids.PAIR_NOT_YET: PairingOutcome.NOT_MET,
    ids.PAIR_CANT: PairingOutcome.SKIPPED,
}
THANKS = {
    PairingOutcome.NOT_MET: N_("Noted: there is still time. Propose a slot in this conversation?"),
    PairingOutcome.SKIPPED: N_("Noted, no problem: maybe next round."),
}


def handle_pair(request: CommandRequest) -> None:
    action, args = (
        (request.text.args[0].lower(), request.text.args[1:]) if request.text.args else ("status", [])
    )
    handler = HANDLERS.get(action)
    try:
        if handler is None:
            raise InvalidInput(ACTIONS)
        text = handler(request, args)
    except CopbotError as error:
        request.refuse(error)
        return
    request.ack(response_type="ephemeral", text=text)


def _now(request: CommandRequest, args: list[str]) -> str:
    person = request.deps.people.get(request.client, request.team_id, request.user_id)
    try:
        community, eligible = pairing_controls.pair_now(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            name=" ".join(args) or None,
            is_admin=person is not None and person.is_admin,
            now=request.now,
        )
    except TooFew as too_few:  # said with who is left out, as the organisers' note on a planned round
        return "\n".join(filter(None, [explain(request.tr, too_few), left_out(request.tr, too_few.counts)]))
    return request.tr.gettext(
        "Starting a round in *{community}* among {count} members: "
        "I check who is around, then send the introductions.",
        community=community.name,
        count=eligible,
    )


def _pause(request: CommandRequest, args: list[str]) -> str:
    until = pairing_controls.pause(
        request.session,
        team_id=request.team_id,
        user_id=request.user_id,
        words=args,
        now=request.now,
    )
    if until is None:
        return request.tr.gettext("Introductions paused until you `/cop pair resume`.")
    return request.tr.gettext("Introductions paused until {day}.", day=slack_day(request.tr, until))


def _resume(request: CommandRequest, args: list[str]) -> str:  # noqa: ARG001
    if not pairing_controls.resume(request.session, team_id=request.team_id, user_id=request.user_id):
        return request.tr.gettext(pairing_controls.NOT_TAKING_PART)
    return request.tr.gettext(pairing_controls.RESUMED)


def _status(request: CommandRequest, args: list[str]) -> str:  # noqa: ARG001
    now = request.now
    status = pairing_controls.status(
        request.session, team_id=request.team_id, user_id=request.user_id, now=now
    )
    return build_status(request.tr, status)


def _every(request: CommandRequest, args: list[str]) -> str:
    choice = " ".join(args).lower()
    if choice not in {"round", "other", "tour", "autre"}:
        raise InvalidInput("Say `/cop pair every round` or `/cop pair every other`.")
    every_other = choice in {"other", "autre"}
    pairing_controls.set_every_other(
        request.session, team_id=request.team_id, user_id=request.user_id, every_other=every_other
    )
    if every_other:
        return request.tr.gettext("You will be introduced every other round.")
    return request.tr.gettext("You will be introduced every round.")


def _avoid(request: CommandRequest, args: list[str]) -> str:
    other = _person(request, args)
    pairing_controls.avoid(
        request.session,
        team_id=request.team_id,
        user_id=request.user_id,
        other=other,
        now=request.now,
    )
    return request.tr.gettext("Done: you won't be introduced to <@{user}>. Nobody is told.", user=other)


def _unavoid(request: CommandRequest, args: list[str]) -> str:
    other = _mentioned(args)
    if not pairing_controls.unavoid(
        request.session, team_id=request.team_id, user_id=request.user_id, other=other
    ):
        return request.tr.gettext("<@{user}> was not on your avoid list.", user=other)
    return request.tr.gettext("<@{user}> is off your avoid list.", user=other)


def _mentioned(args: list[str]) -> str:
    match = MENTION.match(args[0]) if len(args) == 1 else None
    if match is None:
        raise InvalidInput("Name one person, as a mention: `/cop pair avoid @someone`.")
    return match.group(1)


def _person(request: CommandRequest, args: list[str]) -> str:
    user_id = _mentioned(args)
    _check_avoidable(request, user_id)
    return user_id


def _check_avoidable(request: Request, other: str) -> None:
    """`other` may be avoided only if a live person of this workspace (and not the one asking)."""
    if other == request.user_id:
        raise InvalidInput("You can't avoid yourself.", field=AVOID_FIELD)
    person = request.deps.people.get(request.client, request.team_id, other)
    if person is None or person.deleted:
        raise NotFound("I can't find that person in this workspace.", field=AVOID_FIELD)
    if person.is_bot:
        raise InvalidInput("That's a bot: bots are never introduced.", field=AVOID_FIELD)
    if person.team_id and person.team_id != request.team_id:
        raise NotAllowed(
            "That person is in another workspace: only people of this one are introduced.", field=AVOID_FIELD
        )


HANDLERS: dict[str, Callable[[CommandRequest, list[str]], str]] = {
    "now": _now,
    "pause": _pause,
    "resume": _resume,
    "status": _status,
    "every": _every,
    "avoid": _avoid,
    "unavoid": _unavoid,
}

SUBCOMMANDS = (
    Subcommand("pair", USAGE, N_("introductions: pause, resume, avoid someone, start a round"), handle_pair),
)


def answer(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    """We met / Not yet / Can't this time; "We met" opens the one optional question."""
    ack()
    request, outcome = Request.of(context), OUTCOMES[action["action_id"]]
    try:
        group_id = _group_id(action.get("value"))
        if outcome is PairingOutcome.MET:  # the modal first: no Slack call once the answer is written
            view = build_learned_modal(request.tr, request.deps.seal.seal({"group_id": group_id}))
            request.client.views_open(trigger_id=body["trigger_id"], view=view)
        pairing_groups.answer(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            group_id=group_id,
            outcome=outcome,
            now=request.now,
        )
        if outcome is PairingOutcome.MET:
            return
        notices.notify(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            message=THANKS[outcome],
            params={},
            key=request.origin,
            now=request.now,
            response_url=body.get("response_url"),
        )
    except CopbotError as error:
        tell(request, body, error)


def submit_learned(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    request = Request.of(context)
    form = ModalValues(view)
    try:
        group_id = _group_id(request.deps.seal.open(view.get("private_metadata") or "").get("group_id"))
        pairing_groups.save_learned(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            group_id=group_id,
            text=form.text(LEARNED_BLOCK) or "",
            shared=bool(form.options(SHARE_BLOCK)),
        )
    except CopbotError as error:
        ack(**request.modal_errors(error, default_block=LEARNED_BLOCK))
        return
    ack()


def pause_button(ack: Ack, action: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    """The App Home's Pause introductions: that community only, until resumed."""
    ack()
    request = Request.of(context)
    try:
        pairing_controls.pause_in(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            community_id=button_community_id(action.get("value")),
            origin=request.origin,
            now=request.now,
        )
    except CopbotError as error:
        tell(request, body, error)


def resume_button(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    """Resume introductions, from the pause DM or the App Home."""
    ack()
    request = Request.of(context)
    try:
        pairing_controls.resume_in(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            community_id=button_community_id(action.get("value")),
            origin=request.origin,
            response_url=body.get("response_url"),
            now=request.now,
        )
    except CopbotError as error:
        tell(request, body, error)


def frequency_button(ack: Ack, action: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    """The App Home's Every round / Every other round only, for that community."""
    ack()
    request = Request.of(context)
    try:
        pairing_controls.every_other_in(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            community_id=button_community_id(action.get("value")),
            every_other=action["action_id"] == ids.PAIR_EVERY_OTHER,
            origin=request.origin,
            now=request.now,
        )
    except CopbotError as error:
        tell(request, body, error)


def open_preferences(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """The App Home's Introductions… button: the modal of that community, filled in as things stand."""
    ack()
    request = Request.of(context)
    try:
        community_id = button_community_id(body["actions"][0].get("value"))
        preferences = pairing_controls.preferences_in(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            community_id=community_id,
            now=request.now,
        )
        metadata = request.deps.seal.seal({"community_id": community_id})
        request.client.views_open(
            trigger_id=body["trigger_id"], view=build_preferences_modal(request.tr, metadata, preferences)
        )
    except CopbotError as error:
        tell(request, body, error)


@dataclass(frozen=True)
class PreferencesForm:
    """The introductions modal as submitted."""

    pause_for: str
    until: date | None
    every_other: bool
    avoided: list[str]


def read_preferences(view: dict[str, Any]) -> PreferencesForm:
    """The modal's answers; a pause day that is not a date gets an inline error."""
    form = ModalValues(view)
    day = form.text(UNTIL_FIELD)
    try:
        until = date.fromisoformat(day) if day else None
    except ValueError:
        raise InvalidInput("Pick the day the pause ends.", field=UNTIL_FIELD) from None
    return PreferencesForm(
        pause_for=form.text(PAUSE_FIELD) or "",
        until=until,
        every_other=form.text(FREQUENCY_FIELD) == "other",
        avoided=[user for user in form.users(AVOID_FIELD) if isinstance(user, str)],
    )


def submit_preferences(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    request = Request.of(context)
    try:
        form = read_preferences(view)
        community_id = button_community_id(
            request.deps.seal.open(view.get("private_metadata") or "").get("community_id")
        )
        for other in pairing_controls.newly_avoided(
            request.session, team_id=request.team_id, user_id=request.user_id, chosen=form.avoided
        ):
            _check_avoidable(request, other)
        pairing_controls.save_preferences(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            community_id=community_id,
            pause_for=form.pause_for,
            until=form.until,
            every_other=form.every_other,
            avoided=form.avoided,
            origin=request.origin,
            now=request.now,
        )
    except CopbotError as error:
        ack(**request.modal_errors(error, default_block=PAUSE_FIELD))
        return
    ack()


def register(app: App) -> None:
    for action_id in OUTCOMES:
        app.action(action_id)(answer)
    app.action(ids.PAIR_RESUME)(resume_button)
    app.action(ids.PAIR_PAUSE)(pause_button)
    app.action(ids.PAIR_EVERY_ROUND)(frequency_button)
    app.action(ids.PAIR_EVERY_OTHER)(frequency_button)
    app.view(ids.PAIR_LEARNED_VIEW)(submit_learned)
    app.action(ids.PAIR_PREFERENCES)(open_preferences)
    app.view(ids.PAIR_PREFERENCES_VIEW)(submit_preferences)


def _group_id(value: object) -> int:
    return button_id(value, pairing_groups.GROUP_GONE)
