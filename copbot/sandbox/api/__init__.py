"""The Web API methods the sandbox answers, by Slack method name."""

from copbot.sandbox.api import apps, chat, conversations, misc, users, views
from copbot.sandbox.api.base import Call, Handler

METHODS: dict[str, Handler] = {
    **chat.HANDLERS,
    **conversations.HANDLERS,
    **users.HANDLERS,
    **views.HANDLERS,
    **misc.HANDLERS,
    **apps.HANDLERS,
}

__all__ = ["METHODS", "Call"]
