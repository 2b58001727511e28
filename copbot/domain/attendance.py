"""Who came to a session, as organisers mark it: the form's rules and the refusals around it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from copbot.domain.errors import InvalidInput
from copbot.domain.text import N_

MARK_ATTENDANCE = "mark_attendance"  # the community form's block id (and its checkbox's value)
ATTENDED = "attended"  # the attendance modal's block id: the people who came
ATTENDED_MAX = 1000  # more than any session gathers: a longer list is forged
USER_ID = re.compile(r"[UW][A-Z0-9]{2,31}")

NOT_MARKED_HERE = N_(
    "{name} does not mark who came to its sessions. Organisers can turn it on in `/cop edit`."
)
NOT_STARTED = N_("That session has not started yet: mark who came once it has.")
ORGANISERS_MARK = N_("Only the organisers of “{name}” can mark who came.")
NOT_MEMBERS = N_("Only members of {name} can be marked: remove the people who have not joined it.")
NOT_PEOPLE = N_("Pick people from the list.")
TOO_MANY = N_("Mark at most {max} people.")


def parse_attended(picked: Sequence[object]) -> list[str]:
    """The Slack user ids picked, once each in the order picked; anything else is a forged form."""
    if len(picked) > ATTENDED_MAX:
        raise InvalidInput(TOO_MANY, field=ATTENDED, max=ATTENDED_MAX)
    users = [user for user in picked if isinstance(user, str) and USER_ID.fullmatch(user)]
    if len(users) != len(picked):
        raise InvalidInput(NOT_PEOPLE, field=ATTENDED)
    return list(dict.fromkeys(users))
