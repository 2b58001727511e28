"""`/cop stats [community] [30d|90d|365d]` and `/cop stats export [community] [period]`, for organisers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import App

from copbot.domain.errors import CopbotError
from copbot.domain.stats import EXPORT_PERIOD, Period, looks_like_period, parse_period
from copbot.i18n import N_
from copbot.services import stats
from copbot.slack.blocks.stats import build_counting, build_export_sent
from copbot.slack.listeners.commands import CommandRequest, Subcommand

EXPORT = "export"


@dataclass(frozen=True)
class StatsCommand:
    export: bool
    community: str | None
    period: Period


def parse_stats(args: list[str]) -> StatsCommand:
    """[export] [community words…] [period]: a last word such as 7d is a period, even an unknown one."""
    export = bool(args) and args[0].lower() == EXPORT
    words = args[1:] if export else list(args)
    period_word = words.pop() if words and looks_like_period(words[-1]) else None
    period = parse_period(period_word) if period_word or not export else EXPORT_PERIOD
    return StatsCommand(export=export, community=" ".join(words).strip() or None, period=period)


def handle_stats(request: CommandRequest) -> None:
    try:
        answer = _answer(request)
    except CopbotError as error:
        request.session.rollback()
        request.refuse(error)
        return
    request.ack(**answer)


def _answer(request: CommandRequest) -> dict[str, Any]:
    """Who may see what is decided now; the counting is the sender's, once Slack has this answer."""
    command = parse_stats(request.text.args)
    by = request.actor()
    session = request.session
    community = stats.viewable_community(session, team_id=request.team_id, actor=by, name=command.community)
    stats.ask(
        session,
        kind=stats.EXPORT if command.export else stats.ANSWER,
        community=community,
        user_id=request.user_id,
        period=command.period,
        origin=request.origin,
        now=request.now,
        response_url="" if command.export else request.response_url,
    )
    if command.export:
        return build_export_sent(request.tr, community.name)
    return build_counting(request.tr, community.name, command.period.days)


SUBCOMMANDS = (
    Subcommand(
        "stats",
        N_("stats [export] [community] [30d|90d|365d]"),
        N_("see how a community you organise is doing (organisers and admins)"),
        handle_stats,
    ),
)


def register(app: App) -> None:
    """Nothing to register beyond its subcommand."""
