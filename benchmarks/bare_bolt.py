"""The baseline for benchmarks/http_load.py: a bare Bolt app answering the same requests as copbot.

No database, no middleware, no Slack calls in a request: `/cop …` is acknowledged with a fixed ephemeral
text, a join submission with an empty ack. Served by gunicorn with copbot's settings (gthread, same workers
and threads), it is the floor that Bolt, gunicorn and the signature check set for any app.

    SLACK_BOT_TOKEN=… SLACK_SIGNING_SECRET=… COPBOT_SLACK_API_URL=… gunicorn benchmarks.bare_bolt:application
"""

from __future__ import annotations

import os

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

HELP = "copbot commands: " + "`/cop something` — does something. " * 12  # about the size of copbot's help


def build() -> App:
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["COPBOT_SLACK_API_URL"])
    app = App(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"], process_before_response=True)

    @app.command("/cop")
    def command(ack: Ack) -> None:
        ack(response_type="ephemeral", text=HELP)

    @app.view("community_join")
    def join(ack: Ack) -> None:
        ack()

    return app


application = SlackRequestHandler(build())
