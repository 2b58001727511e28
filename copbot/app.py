"""Composition root: settings, clock, store and Slack wired into one copbot application."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.listener_matcher.builtins import BuiltinListenerMatcher
from slack_bolt.listener_matcher.listener_matcher import ListenerMatcher
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from copbot.clock import Clock, SystemClock
from copbot.config import Settings
from copbot.i18n import translator
from copbot.scheduler.loop import Loop
from copbot.scheduler.planners import all_planners
from copbot.slack import middleware
from copbot.slack.client import REQUEST_BUDGET_SECONDS, make_web_client
from copbot.slack.deps import Deps
from copbot.slack.errors import NOT_INSTALLED, register_error_handler
from copbot.slack.ids import BOT_SCOPES
from copbot.slack.kinds import all_kinds
from copbot.slack.listeners import (
    attendance,
    commands,
    communities,
    community_life,
    home,
    lifecycle,
    membership,
    my_stories,
    organisers,
    pairing,
    prompts,
    sessions,
    stats,
    stories,
    story_search,
)
from copbot.slack.metadata import MetadataSeal
from copbot.slack.middleware import EVENT_TO_RECORD
from copbot.slack.outbox.sender import Sender, SenderSettings
from copbot.slack.people import People
from copbot.slack.tokens import REFRESH_MARGIN_MINUTES, BotTokens
from copbot.store.db import make_engine, make_session_factory, unit_of_work
from copbot.store.deliveries import take_new_ids
from copbot.store.installations import SealedInstallationStore
from copbot.store.reservations import Reservations
from copbot.store.sealing import TokenSealer
from copbot.store.workspaces import accept_token, first_delivery

OAUTH_STATE_SECONDS = 600
FEATURES = (
    communities,
    community_life,
    membership,
    organisers,
    home,
    sessions,
    attendance,
    stories,
    story_search,
    my_stories,
    prompts,
    pairing,
    stats,
    lifecycle,
)


class CopbotBolt(App):
    """Bolt's App, with each request's listeners run inside one database transaction.

    Listeners run before the response is sent (process_before_response), so the transaction is
    committed before Slack hears back: an acknowledged action is never lost. What the request put in
    the outbox is handed to the sender once committed; the sender's threads send it while Slack reads
    the answer. Slack calls the request itself makes share a budget that starts here.
    """

    def __init__(self, session_factory: sessionmaker[Session], clock: Clock, **kwargs: Any) -> None:
        super().__init__(process_before_response=True, **kwargs)
        self._session_factory = session_factory
        self._clock = clock
        self.sender: Sender | None = None

    def _register_listener(
        self, functions: Any, primary_matcher: ListenerMatcher, *args: Any, **kwargs: Any
    ) -> Any:
        """Bolt's listener, its built-in matcher called with the body directly (see _BodyMatcher)."""
        if isinstance(primary_matcher, BuiltinListenerMatcher) and primary_matcher.arg_names == ["body"]:
            primary_matcher = _BodyMatcher(primary_matcher.func)
        return super()._register_listener(functions, primary_matcher, *args, **kwargs)

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        req.context["deadline"] = time.monotonic() + REQUEST_BUDGET_SECONDS
        with self._session_factory() as session:
            req.context["session"] = session
            response: BoltResponse = super().dispatch(req)
            keep = response.status < 500 and not req.context.get("rollback")  # noqa: PLR2004
            if keep and self._first_time(session, req):
                session.commit()
                new_ids = take_new_ids(session)
            else:
                session.rollback()
                take_new_ids(session)  # rolled back: there is nothing to send
                new_ids = []
        if self.sender is not None:
            self.sender.send_soon(new_ids)
        return response

    def _first_time(self, session: Session, req: BoltRequest) -> bool:
        """Record the event as processed; False when a redelivery of it got there first (undo ours)."""
        event = req.context.get(EVENT_TO_RECORD)
        if event is None:
            return True
        event_id, team_id = event
        return first_delivery(session, event_id=event_id, team_id=team_id, now=self._clock.now())


class _BodyMatcher(ListenerMatcher):
    """Bolt's built-in matcher (command, action, view, event…) asked about the body alone.

    Bolt tries every listener's matcher in turn until one matches, and builds each one all the arguments a
    listener could ask for (action, view, options, shortcut…) before calling it: with copbot's forty-odd
    listeners that was a third of the CPU time a `/cop help` took. The built-in matchers only read the body.
    """

    def __init__(self, func: Any) -> None:
        self.func = func

    def matches(self, req: BoltRequest, resp: BoltResponse) -> bool:  # noqa: ARG002 - Bolt's signature
        return bool(self.func(req.body))


@dataclass(frozen=True)
class Copbot:
    settings: Settings
    clock: Clock
    engine: Engine
    session_factory: sessionmaker[Session]
    bolt: CopbotBolt
    sender: Sender
    loop: Loop
    tokens: BotTokens  # tokens.bot_token_for(team_id): the token the sender sends with

    def token_works(self, team_id: str) -> None:
        """Slack just accepted the workspace's token: deliveries stopped by a refusal may go again."""
        with unit_of_work(self.session_factory) as session:
            accept_token(session, team_id=team_id)

    def start_loop(self) -> None:
        """Run the loop in this process, unless COPBOT_SCHEDULER=off (web-only replicas)."""
        if self.settings.scheduler:
            self.loop.start()

    def close(self) -> None:
        """Stop the loop and the sender (what they hold is finished or given back), then the engine."""
        self.loop.stop()
        self.engine.dispose()


SPARE_CONNECTIONS = 2  # the loop's tick, and a request's replay check or token lookup beside its own


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    engine: Engine | None = None,
    request_threads: int = 0,
) -> Copbot:
    """Build the app: single-workspace with SLACK_BOT_TOKEN, or multi-workspace with OAuth credentials.

    `request_threads`: how many threads answer Slack in this process. The engine's pool keeps a connection
    for each of them and each sender thread: with fewer kept, a busy process closed the connections it
    had just opened and opened new ones, each a new PostgreSQL backend whose first statements are slow.
    """
    clock = clock or SystemClock()
    kept = request_threads + settings.sender_threads + SPARE_CONNECTIONS
    engine = engine or make_engine(settings.database_url, pool_size=kept)
    session_factory = make_session_factory(engine)
    arguments = _bolt_arguments(settings, engine)
    bolt = CopbotBolt(session_factory, clock, **arguments)
    deps = Deps(
        settings=settings,
        clock=clock,
        session_factory=session_factory,
        people=People(),
        seal=MetadataSeal(_metadata_secret(settings)),
        holds=Reservations(session_factory, clock),
    )
    middleware.attach(bolt, deps)
    register_error_handler(bolt, settings.language)
    for feature in FEATURES:
        feature.register(bolt)
    commands.register(bolt, [sub for feature in FEATURES for sub in feature.SUBCOMMANDS])
    tokens = BotTokens(settings, arguments.get("installation_store"), _rotator(settings))
    bolt.sender = _sender(settings, deps, tokens)
    loop = Loop(
        session_factory=session_factory,
        clock=clock,
        sender=bolt.sender,
        planners=all_planners(),
        tick_seconds=settings.tick_seconds,
    )
    return Copbot(
        settings=settings,
        clock=clock,
        engine=engine,
        session_factory=session_factory,
        bolt=bolt,
        sender=bolt.sender,
        loop=loop,
        tokens=tokens,
    )


def _sender(settings: Settings, deps: Deps, tokens: BotTokens) -> Sender:
    return Sender(
        session_factory=deps.session_factory,
        clock=deps.clock,
        kinds=all_kinds(),
        tokens=tokens,
        people=deps.people,
        settings=SenderSettings(
            api_url=settings.slack_api_url,
            default_language=settings.language,
            lease=timedelta(seconds=settings.delivery_lease_seconds),
            threads=settings.sender_threads,
        ),
    )


def _bolt_arguments(settings: Settings, engine: Engine) -> dict[str, Any]:
    signing_secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    tr = translator(settings.language)
    arguments: dict[str, Any] = {
        "logger": _bolt_logger(),
        "user_facing_authorize_error_message": tr.gettext(NOT_INSTALLED),
        "signing_secret": signing_secret,
        "request_verification_enabled": signing_secret is not None,
        "ignoring_self_events_enabled": True,
    }
    if settings.oauth_enabled:
        return arguments | _oauth_arguments(settings, engine)
    # Bolt takes the bot token from the client, which also carries copbot's API URL and retry policy.
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    arguments["client"] = make_web_client(settings, token)
    return arguments


def _oauth_arguments(settings: Settings, engine: Engine) -> dict[str, Any]:
    """Installs over OAuth, tokens stored encrypted (COPBOT_SECRET_KEY), rotated before they expire."""
    settings.require("secret_key")
    assert settings.slack_client_id is not None
    assert settings.slack_client_secret is not None
    assert settings.secret_key is not None
    sealer = TokenSealer(settings.secret_key.get_secret_value())
    installation_store = SealedInstallationStore(
        client_id=settings.slack_client_id, engine=engine, sealer=sealer
    )
    oauth_settings = OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=list(BOT_SCOPES),
        installation_store=installation_store,
        state_store=SQLAlchemyOAuthStateStore(expiration_seconds=OAUTH_STATE_SECONDS, engine=engine),
        token_rotation_expiration_minutes=REFRESH_MARGIN_MINUTES,
    )
    # Bolt's own rotator would call slack.com whatever COPBOT_SLACK_API_URL says.
    oauth_settings.authorize.token_rotator = _rotator(settings)  # type: ignore[attr-defined]
    # Without the cache Bolt asks Slack's auth.test about the token on every request; keyed by token, the
    # cache cannot serve a rotated or deleted token.
    oauth_settings.authorize.cache_enabled = True  # type: ignore[attr-defined]
    return {
        "client": make_web_client(settings),
        "installation_store": installation_store,
        "oauth_settings": oauth_settings,
    }


def _rotator(settings: Settings) -> TokenRotator | None:
    if not settings.oauth_enabled:
        return None
    assert settings.slack_client_id is not None
    assert settings.slack_client_secret is not None
    return TokenRotator(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        client=make_web_client(settings),
    )


class _EnvironmentTokenWarning(logging.Filter):
    """Bolt also reads SLACK_BOT_TOKEN itself and warns that our client wins; the client holds that token."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("As you gave `client` as well, `token` will be unused")


@cache
def _bolt_logger() -> logging.Logger:
    logger = logging.getLogger("copbot.bolt")
    logger.addFilter(_EnvironmentTokenWarning())
    return logger


def _metadata_secret(settings: Settings) -> str:
    """A secret every replica shares: the signing secret (HTTP), else the client secret or bot token."""
    candidates = (settings.slack_signing_secret, settings.slack_client_secret, settings.slack_bot_token)
    secrets = [secret.get_secret_value() for secret in candidates if secret is not None]
    if not secrets:
        settings.require("slack_signing_secret")  # raises, naming the variable
    return secrets[0]
