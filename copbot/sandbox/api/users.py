"""users.info, users.list and users.lookupByEmail."""

from __future__ import annotations

import copy
import time
from typing import Any

from copbot.sandbox.api.base import Call, Handler, paginate
from copbot.sandbox.errors import SlackError


def _shown(call: Call, record: dict[str, Any]) -> dict[str, Any]:
    """A user as the caller sees it: `locale` only when asked for with include_locale."""
    user = copy.deepcopy(record)
    if not call.flag("include_locale"):
        user.pop("locale", None)
    return user


def info(call: Call) -> dict[str, Any]:
    record = call.ws.state.users.get(str(call.require("user", "user_not_found")))
    if record is None:
        raise SlackError("user_not_found")
    return {"user": _shown(call, record)}


def list_users(call: Call) -> dict[str, Any]:
    page, next_cursor = paginate(call, list(call.ws.state.users.values()), 0)
    return {
        "members": [_shown(call, record) for record in page],
        "cache_ts": int(time.time()),
        "response_metadata": {"next_cursor": next_cursor},
    }


def lookup_by_email(call: Call) -> dict[str, Any]:
    email = str(call.require("email", "users_not_found")).lower()
    for record in call.ws.state.users.values():
        if str(record["profile"].get("email", "")).lower() == email:
            return {"user": _shown(call, record)}
    raise SlackError("users_not_found")


HANDLERS: dict[str, Handler] = {
    "users.info": info,
    "users.list": list_users,
    "users.lookupByEmail": lookup_by_email,
}
