"""`/cop create`, `/cop edit`, `/cop list` and `/cop organisers`, and the create/edit modal's submissions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from copbot.domain.communities import NAME, CommunityDraft, page_number, validate_draft
from copbot.domain.errors import CopbotError, FieldErrors, InvalidInput
from copbot.domain.reminders import REMINDERS, parse_reminder_offsets
from copbot.i18n import N_, Translator
from copbot.services import organisers
from copbot.services.communities import (
    Actor,
    check_may_create,
    check_organiser,
    choose_community,
    create_community,
    list_page,
    update_community,
)
from copbot.services.home import refresh_home
from copbot.slack.blocks import communities as messages
from copbot.slack.blocks.community_life import build_organiser_question
from copbot.slack.blocks.community_modal import ModalValues, build_create_modal, build_edit_modal
from copbot.slack.deps import Deps
from copbot.slack.gateways.communities import SlackCommunities
from copbot.slack.ids import CREATE_VIEW, EDIT_VIEW
from copbot.slack.listeners.commands import CommandRequest, Subcommand
from copbot.slack.payloads_communities import (
    attendance_answer,
    open_edit_metadata,
    parse_community_form,
    parse_organisers,
    reminder_answers,
)
from copbot.slack.request import Request, as_actor
from copbot.store.models import Community


def _refuse(request: CommandRequest, error: CopbotError) -> None:
    """An ephemeral explanation; nothing this request changed is kept."""
    request.session.rollback()
    request.refuse(error)


def _create(request: CommandRequest) -> None:
    request.open_modal(lambda: create_view(request))


def create_view(request: Request) -> dict[str, Any]:
    """The create form (`/cop create`, the App Home's Create), once the person may create one."""
    person = request.deps.people.get(request.client, request.team_id, request.user_id)
    check_may_create(
        as_actor(request.user_id, person), admins_only=request.deps.settings.create_requires_admin
    )
    values = ModalValues(language=request.tr.language, timezone=(person and person.tz) or "UTC")
    return build_create_modal(request.tr, values)


def _edit(request: CommandRequest) -> None:
    def view() -> dict[str, Any]:
        community = _organised(request, " ".join(request.text.args) or None)
        return _edit_modal(request.tr, request.deps, community)

    request.open_modal(view)


def edit_view(request: Request, community: Community) -> dict[str, Any]:
    """The App Home's Edit: the same form as `/cop edit`, for an organiser of `community`."""
    check_organiser(request.session, community, request.actor())
    return _edit_modal(request.tr, request.deps, community)


def _edit_modal(tr: Translator, deps: Deps, community: Community) -> dict[str, Any]:
    sealed = deps.seal.seal({"community_id": community.id, "team_id": community.team_id})
    return build_edit_modal(tr, _prefilled(community), private_metadata=sealed)


def _list(request: CommandRequest) -> None:
    try:
        page = page_number(request.text.args[0] if request.text.args else None)
        shown = list_page(request.session, team_id=request.team_id, page=page)
    except CopbotError as error:
        _refuse(request, error)
        return
    request.ack(**messages.build_list(request.tr, shown))


def _organisers(request: CommandRequest) -> None:
    try:
        command = parse_organisers(request.text.args)
        if command.action == "list":
            answer = _list_organisers(request, command.community)
        else:
            answer = _change_organisers(request, command.action, command.user_id or "", command.community)
    except CopbotError as error:
        _refuse(request, error)
        return
    request.ack(**answer)


def _list_organisers(request: CommandRequest, name: str | None) -> dict[str, Any]:
    session, by = request.session, request.actor()
    community = choose_community(session, team_id=request.team_id, actor=by, name=name, organised_only=False)
    user_ids = organisers.organiser_ids(session, community=community)
    return messages.build_organisers(request.tr, community.name, user_ids)


def _change_organisers(
    request: CommandRequest, action: str, user_id: str, name: str | None
) -> dict[str, Any]:
    """Checked as if made (the same refusals), then undone: the change waits for the asker's Confirm."""
    community = _organised(request, name)
    community_id, community_name = community.id, community.name
    change = OrganiserChange(action, user_id, request.actor(), request.origin)
    apply_organiser_change(request.session, request.deps, request.client, community, change)
    request.session.rollback()
    value = f"{action}:{community_id}:{user_id}"
    return build_organiser_question(
        request.tr, adding=action == "add", name=community_name, user_id=user_id, value=value
    )


@dataclass(frozen=True)
class OrganiserChange:
    action: str  # "add" or "remove"
    user_id: str
    by: Actor
    origin: str


def apply_organiser_change(
    session: Session, deps: Deps, client: WebClient, community: Community, change: OrganiserChange
) -> None:
    """Slack is asked who the person is before anything is written (no Slack call holds a write lock)."""
    now = deps.clock.now()
    if change.action == "remove":
        organisers.remove_organiser(
            session,
            community=community,
            actor=change.by,
            target_user_id=change.user_id,
            origin=change.origin,
            now=now,
        )
        return
    person = deps.people.get(client, community.team_id, change.user_id)
    target = None if person is None else as_actor(change.user_id, person)
    organisers.add_organiser(
        session, community=community, actor=change.by, target=target, origin=change.origin, now=now
    )


def _organised(request: CommandRequest, name: str | None) -> Community:
    """The community named (or the one the requester organises), once we know they may organise it."""
    by = request.actor()
    community = choose_community(
        request.session, team_id=request.team_id, actor=by, name=name, organised_only=True
    )
    check_organiser(request.session, community, by)
    return community


def _prefilled(community: Community) -> ModalValues:
    return ModalValues(
        language=community.language,
        timezone=community.timezone,
        name=community.name,
        slug=community.slug,
        purpose=community.purpose,
        audience=community.audience,
        channel_id=community.channel_id,
        prompt_cadence=community.prompt_cadence,
        prompt_weekday=community.prompt_weekday,
        prompt_time=community.prompt_time,
        pairing_every_weeks=community.pairing_every_weeks,
        pairing_weekday=community.pairing_weekday,
        group_size=community.pairing_group_size,
        reminder_offsets=tuple(community.reminder_offsets),
        mark_attendance=community.mark_attendance,
    )


def submit_create(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    request = Request.of(context)

    def create() -> None:
        create_community(
            request.session,
            team_id=request.team_id,
            actor=request.actor(),
            draft=_draft(view),
            admins_only=request.deps.settings.create_requires_admin,
            origin=request.origin,
            now=request.now,
            slack=SlackCommunities(request.client),
            holds=request.deps.holds,
        )
        _refresh_home(request)

    _save(ack, request, create)


def submit_edit(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    request = Request.of(context)
    deps, team_id = request.deps, request.team_id

    def update() -> None:
        update_community(
            request.session,
            team_id=team_id,
            community_id=open_edit_metadata(deps.seal, view.get("private_metadata", ""), team_id=team_id),
            actor=request.actor(),
            draft=_draft(view),
            origin=request.origin,
            now=request.now,
            slack=SlackCommunities(request.client),
            holds=deps.holds,
        )
        _refresh_home(request)

    _save(ack, request, update)


def _refresh_home(request: Request) -> None:
    """Whoever used the form from the App Home sees the change there."""
    refresh_home(
        request.session,
        team_id=request.team_id,
        user_id=request.user_id,
        origin=request.origin,
        now=request.now,
    )


def _draft(view: dict[str, Any]) -> CommunityDraft:
    """The community form's answers, the reminder offsets with them: every problem at once."""
    problems: dict[str, CopbotError] = {}
    try:
        draft = validate_draft(parse_community_form(view))
    except FieldErrors as error:
        problems |= error.errors
    answers = reminder_answers(view)
    try:
        offsets = None if answers is None else parse_reminder_offsets(answers)
    except InvalidInput as error:
        problems[REMINDERS] = error
    if problems:
        raise FieldErrors(problems)
    return replace(draft, reminder_offsets=offsets, mark_attendance=attendance_answer(view))


def _save(ack: Ack, request: Request, save: Callable[[], None]) -> None:
    """Close the modal (the organiser's DM follows); or keep it open with the problems shown inline."""
    try:
        save()
    except CopbotError as error:
        ack(**request.modal_errors(error, default_block=NAME))
        return
    ack()


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand("create", "create", N_("start a new community"), _create),
    Subcommand("edit", N_("edit [community]"), N_("change a community you organise"), _edit),
    Subcommand("list", N_("list [page]"), N_("see this workspace's communities"), _list),
    Subcommand(
        "organisers",
        N_("organisers [add|remove @someone] [community]"),
        N_("see or change who organises a community"),
        _organisers,
    ),
)


def register(app: App) -> None:
    """Register this feature's actions, views and events on `app`."""
    app.view(CREATE_VIEW)(submit_create)
    app.view(EDIT_VIEW)(submit_edit)
