"""The baseline for benchmarks/http_load.py: a bare Bolt app answering the same requests as copbot.

No database, no middleware, no Slack calls in a request: `/cop list` is acknowledged with a fixed list of
as many communities as the benchmark seeds, laid out as copbot lays them out (a section with a Join button
and a context line each), any other `/cop …` with a fixed text the size of copbot's help, and a join
submission with an empty ack, as copbot does. Served by gunicorn with copbot's settings (its gthread
worker, same workers and threads), it is the floor that Bolt, gunicorn and the signature check set for
any app.

Bolt is set up as its documentation sets up an HTTP app: listeners run on Bolt's thread pool while the
request waits for their ack (process_before_response off, Bolt's default; Bolt looks for the ack every
10 ms). copbot runs its listeners before the response instead, inside the request's transaction
(copbot.app). `BARE_BOLT_BEFORE_RESPONSE=1` sets the bare app up that way too, a stricter floor
(benchmarks/http_load.py --bare-before-response).

    SLACK_BOT_TOKEN=… SLACK_SIGNING_SECRET=… COPBOT_SLACK_API_URL=… gunicorn benchmarks.bare_bolt:application
"""

from __future__ import annotations

import os

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

HELP = "copbot commands: " + "`/cop something` — does something. " * 12  # about the size of copbot's help
COMMUNITIES = 20  # as many as benchmarks/http_load.py seeds
LIST = [
    block
    for n in range(COMMUNITIES)
    for block in (
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"*Community {n}* · `c{n}`\nGetting better at testing, together.\n"
                "_For: Anyone who tests_",
            },
            "accessory": {
                "type": "button",
                "text": {"type": "plain_text", "text": "Join"},
                "action_id": "community_join_button",
                "value": str(n + 1),
                "style": "primary",
            },
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"50 members · <#C0000{n:04d}>"}]},
    )
]


def build() -> App:
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["COPBOT_SLACK_API_URL"])
    before_response = os.environ.get("BARE_BOLT_BEFORE_RESPONSE") == "1"
    app = App(
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=before_response,
    )

    @app.command("/cop")
    def command(ack: Ack, command: dict[str, str]) -> None:
        if command.get("text", "").strip() == "list":
            ack(response_type="ephemeral", text="Communities", blocks=LIST)
        else:
            ack(response_type="ephemeral", text=HELP)

    @app.view("community_join")
    def join(ack: Ack) -> None:
        ack()

    return app


application = SlackRequestHandler(build())
