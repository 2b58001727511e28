"""Logging: one JSON object per line (structlog), for copbot's own logs and every library's.

What must never reach a log, at any level: tokens, secrets, OAuth codes, message text. So the Slack
libraries, which log whole requests and responses at DEBUG, are held at INFO; Bolt's "unhandled request"
warning, which quotes the payload, is cut to its first words; and anything shaped like a Slack token or an
OAuth code is masked in every line as a last line of defence.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import IO, Any

import structlog
from structlog.types import EventDict, WrappedLogger

# Loggers that print payloads or tokens below INFO.
CHATTY = (
    "slack_sdk",
    "copbot.slack.sdk",
    "slack_bolt",
    "copbot.bolt",
    "urllib3",
    "websocket",
    "gunicorn.access",
)
_TOKEN = re.compile(r"\bxox[a-z]?[.-][A-Za-z0-9.-]+|\bxapp-[A-Za-z0-9-]+|([?&]code=)[^&\s\"']+")
_SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


# structlog hands its events to the standard logging module, whose handlers (configure_logging, or pytest's)
# decide where they go; without configure_logging they are plain records.
# filter_by_level first: a line below the logger's level is dropped before the processors time-stamp it and
# copy the request's fields into it (each request logs one line at INFO).
structlog.configure(
    processors=[
        structlog.stdlib.filter_by_level,
        *_SHARED,
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    wrapper_class=structlog.stdlib.BoundLogger,
    cache_logger_on_first_use=True,
)


def get_logger(name: str) -> Any:
    return structlog.stdlib.get_logger(name)


def note(**fields: str) -> None:
    """Add fields to the current request's log lines (the request line included), e.g. outcome="error"."""
    structlog.contextvars.bind_contextvars(**fields)


def mask(text: str) -> str:
    """`text` with Slack tokens and OAuth codes replaced by a marker."""
    return _TOKEN.sub(lambda found: (found.group(1) or "") + "[redacted]", text)


class _Discreet(logging.Filter):
    """Drop the Slack libraries' DEBUG lines and shorten Bolt's payload-quoting warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.INFO and record.name.startswith(CHATTY):
            return False
        if record.name.startswith(("slack_bolt", "copbot.bolt")) and str(record.msg).startswith(
            "Unhandled request"
        ):
            record.msg, record.args = "Unhandled request: no listener matched", ()
        return True


def _mask_event(_logger: WrappedLogger, _name: str, event: EventDict) -> EventDict:
    return {key: mask(value) if isinstance(value, str) else value for key, value in event.items()}


def configure_logging(level: int, stream: IO[str] | None = None) -> logging.Handler:
    """Send every log record, as JSON, to `stream` (stderr by default); return the handler."""
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_SHARED,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            _mask_event,
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    handler.addFilter(_Discreet())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    return handler
