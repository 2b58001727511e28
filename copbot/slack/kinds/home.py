"""Publishing a person's App Home, drawn from the store as it is when it is sent."""

from __future__ import annotations

from copbot.services import home
from copbot.slack.blocks.home import build_home
from copbot.slack.outbox.kinds import DeliveryKind, Outgoing, Sent


class Publish(DeliveryKind):
    name = home.PUBLISH

    def send(self, out: Outgoing) -> Sent | None:
        user_id = str(out.payload["user_id"])
        person = out.person(user_id)
        with out.reading() as session:
            content = home.home_content(
                session,
                team_id=out.delivery.team_id,
                user_id=user_id,
                is_workspace_admin=person is not None and person.is_admin,
                now=out.now,
                focus=_focus(out.payload.get("focus")),
            )
        tz, locale = (person.tz, person.locale) if person is not None else (None, None)
        view = build_home(out.translator_for(user_id), content, tz=tz, locale=locale)
        out.client.views_publish(user_id=user_id, view=view)
        return Sent()


def _focus(value: object) -> int | None:
    return value if isinstance(value, int) else None


KINDS: tuple[DeliveryKind, ...] = (Publish(),)
