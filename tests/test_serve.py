"""`copbot serve` for real: gunicorn in its own process, answering Slack over HTTP."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from copbot_processes import environment, start_serve
from fixtures_app import SIGNING_SECRET
from sqlalchemy import event, text

from copbot.app import SPARE_CONNECTIONS, create_app
from copbot.http_worker import start_every_thread
from copbot.sandbox import SlackDriver

pytestmark = pytest.mark.slow

SLACK_ACK_SECONDS = 3  # Slack gives up on an answer after this


@contextlib.contextmanager
def _serving(workspace, sandbox, database_url, tmp: Path) -> Iterator[str]:
    """`copbot serve` with two workers, its temporary files in `tmp`; stopped with SIGTERM on exit."""
    env = environment(workspace, sandbox, database_url, tmp, COPBOT_LOG_LEVEL="INFO")  # the log, if it fails
    running = start_serve(env, tmp.parent / "serve.log", workers=2)
    try:
        assert running.url is not None
        yield running.url
    finally:
        running.terminate()


@pytest.fixture
def served(sandbox, workspace, database_url, tmp_path) -> Iterator[str]:
    with _serving(workspace, sandbox, database_url, tmp_path / "tmp") as url:
        yield url


def test_serve_keeps_its_metrics_folder_only_while_it_runs(sandbox, workspace, database_url, tmp_path):
    """copbot serve makes the workers' metrics folder in the temporary folder and removes it when it stops."""
    tmp = tmp_path / "tmp"
    with _serving(workspace, sandbox, database_url, tmp):
        assert [path.name.startswith("copbot-metrics-") for path in tmp.iterdir()] == [True]
        assert any(path.suffix == ".db" for path in next(tmp.iterdir()).iterdir())
    assert list(tmp.iterdir()) == []


def test_serve_answers_signed_commands_under_gunicorn(served, sandbox, workspace, people):
    """Under gunicorn, /healthz is up, a signed `/cop help` gets the help and a forged one gets 401."""
    driver = SlackDriver(sandbox, app_url=served + "/slack/events", signing_secret=SIGNING_SECRET)
    answer = driver.command(workspace, people.bruno, text="help")
    assert answer.status == 200
    assert "afficher cette aide" in answer.json["text"]
    forged = SlackDriver(sandbox, app_url=served + "/slack/events", signing_secret="not-the-secret")
    assert forged.command(workspace, people.alice, text="help").status == 401


def _metrics(url: str) -> dict[str, float]:
    with urllib.request.urlopen(url + "/metrics", timeout=5) as response:
        lines = response.read().decode().splitlines()
    return {
        name: float(value) for name, _, value in (line.rpartition(" ") for line in lines) if name[:1] != "#"
    }


def test_serve_exposes_metrics_of_all_workers(served, sandbox, workspace, people):
    """/metrics adds up every gunicorn worker: requests by path and status, Slack requests, ack latency."""
    driver = SlackDriver(sandbox, app_url=served + "/slack/events", signing_secret=SIGNING_SECRET)
    for _ in range(6):
        driver.command(workspace, people.alice, text="help")
    samples = _metrics(served)
    assert samples['copbot_http_requests_total{path="/slack/events",status="200"}'] == 6
    assert samples['copbot_slack_requests_total{kind="command",outcome="ok"}'] == 6
    assert samples['copbot_slack_ack_seconds_count{kind="command"}'] == 6
    assert samples['copbot_slack_ack_seconds_bucket{kind="command",le="+Inf"}'] == 6


def test_a_worker_starts_every_request_thread_before_serving():
    """A worker's request threads all start at boot, not one by one as requests queue."""
    pool = ThreadPoolExecutor(6, thread_name_prefix="request-probe")
    try:
        start_every_thread(pool, 6)
        started = [thread for thread in threading.enumerate() if thread.name.startswith("request-probe")]
        assert len(started) == 6
    finally:
        pool.shutdown()


def test_a_busy_process_keeps_the_connections_it_opened(settings):
    """Every request and sender thread holding a connection at once, twice: the second time opens none.

    With fewer connections kept than threads, a busy process closed some as they came back and opened
    new ones for the next requests.
    """
    copbot = create_app(settings.model_copy(update={"sender_threads": 3}), request_threads=6)
    opened = []
    event.listen(copbot.engine, "connect", lambda *_: opened.append(1))
    busy = 6 + 3 + SPARE_CONNECTIONS
    try:
        for _ in range(2):
            together = threading.Barrier(busy)

            def hold(together: threading.Barrier = together) -> None:
                with copbot.engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
                    together.wait(10)

            holders = [threading.Thread(target=hold) for _ in range(busy)]
            for holder in holders:
                holder.start()
            for holder in holders:
                holder.join(15)
        assert len(opened) == busy
    finally:
        copbot.close()


def test_connections_that_send_nothing_hold_up_no_request(served, sandbox, workspace, people):
    """Silent connections, more than the workers have threads, hold up no signed command.

    Slow clients or a balancer's spare connections: the command is still answered well within Slack's
    3 seconds. gthread gave each new connection a thread that waited up to 5 s for its request.
    """
    address = urlsplit(served)
    silent = [socket.create_connection((address.hostname, address.port)) for _ in range(2 * 4 + 4)]
    try:
        time.sleep(0.2)  # the workers have accepted them
        driver = SlackDriver(sandbox, app_url=served + "/slack/events", signing_secret=SIGNING_SECRET)
        started = time.monotonic()
        answer = driver.command(workspace, people.alice, text="help")
        waited = time.monotonic() - started
    finally:
        for connection in silent:
            connection.close()
    assert answer.status == 200
    assert waited < SLACK_ACK_SECONDS / 2, f"answered after {waited:.1f} s"
