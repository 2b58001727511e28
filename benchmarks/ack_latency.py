"""How fast copbot acknowledges Slack under load (Slack gives up after 3 s).

Runs `copbot serve` (gunicorn) against the bundled Slack sandbox, seeds a workspace with communities,
then fires signed requests from several threads at once and reports latency percentiles per kind of
request, next to a baseline measured side by side: GET /healthz on the same server (HTTP, gunicorn and
one database round trip, no Slack work). Writes benchmarks/results/ack_latency.json.

    v/bin/python benchmarks/ack_latency.py [--requests 300] [--concurrency 16] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from copbot.domain.enums import Experience, Role
from copbot.sandbox import SlackDriver, SlackSandbox, Workspace
from copbot.store.db import make_engine, make_session_factory
from copbot.store.migrate import upgrade
from copbot.store.models import Community, Member
from copbot.store.workspaces import ensure_workspace

SECRET = "benchmark-signing-secret"  # noqa: S105
RESULTS = Path(__file__).parent / "results" / "ack_latency.json"
SLACK_LIMIT_MS = 3000.0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=300, help="requests per kind")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight at once")
    parser.add_argument("--communities", type=int, default=40)
    parser.add_argument("--members", type=int, default=250, help="members per community")
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, SlackSandbox() as sandbox:
        url = options.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        workspace, users = _seed(sandbox, url, options.communities, options.members)
        with ServedCopbot(sandbox, workspace, url) as base:
            driver = SlackDriver(sandbox, app_url=base + "/slack/events", signing_secret=SECRET)
            kinds: dict[str, Callable[[int], None]] = {
                "baseline GET /healthz": lambda _: _get(base + "/healthz"),
                "/cop help": lambda i: _ok(driver.command(workspace, users[i % len(users)], text="help")),
                "/cop list": lambda i: _ok(driver.command(workspace, users[i % len(users)], text="list")),
                "/cop join <name> (opens a modal)": lambda i: _ok(
                    driver.command(workspace, users[i % len(users)], text=f"join c{i % options.communities}")
                ),
            }
            figures = {
                name: _measure(call, options.requests, options.concurrency) for name, call in kinds.items()
            }
    _report(figures, options, url)
    return 0


def _seed(sandbox: SlackSandbox, url: str, communities: int, members: int) -> tuple[Workspace, list[str]]:
    workspace = sandbox.add_workspace(team_id="T0BENCH01", name="Bench", domain="bench")
    users = [workspace.add_user(name=f"user{n}", real_name=f"User {n}", locale="en-US") for n in range(50)]
    now = datetime.now(UTC)
    engine = make_engine(url)
    with make_session_factory(engine)() as session, session.begin():
        ensure_workspace(session, team_id=workspace.team_id, now=now)
        for c in range(communities):
            channel = workspace.add_channel(f"c{c}", bot_is_member=True)
            community = Community(
                team_id=workspace.team_id,
                slug=f"c{c}",
                name=f"Community {c}",
                purpose="p" * 200,
                audience="a" * 100,
                channel_id=channel,
                created_by=users[0],
                created_at=now,
                updated_at=now,
            )
            session.add(community)
            session.flush()
            session.add_all(
                Member(
                    team_id=workspace.team_id,
                    community_id=community.id,
                    user_id=f"U{c:04d}{m:05d}",
                    role=Role.ORGANISER if m == 0 else Role.MEMBER,
                    experience=Experience.PRACTISING,
                    joined_at=now,
                )
                for m in range(members)
            )
    engine.dispose()
    return workspace, users


class ServedCopbot:
    """`copbot serve` in its own process group, stopped on exit."""

    def __init__(self, sandbox: SlackSandbox, workspace: Workspace, url: str) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COPBOT_"))} | {
            "SLACK_BOT_TOKEN": workspace.bot_token,
            "SLACK_SIGNING_SECRET": SECRET,
            "COPBOT_SLACK_API_URL": sandbox.api_url,
            "COPBOT_DATABASE_URL": url,
            "COPBOT_LOG_LEVEL": "WARNING",
        }

    def __enter__(self) -> str:
        command = [sys.executable, "-m", "copbot", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        quiet = subprocess.DEVNULL
        self.process = subprocess.Popen(command, env=self.env, stderr=quiet, stdout=quiet)  # noqa: S603
        base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                _get(base + "/healthz")
            except OSError:
                time.sleep(0.2)
            else:
                return base
        self.__exit__()
        raise SystemExit("copbot serve did not start")

    def __exit__(self, *_: object) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def _get(url: str) -> None:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
        response.read()


def _ok(response: object) -> None:
    status = getattr(response, "status", None)
    if status != 200:
        raise RuntimeError(f"HTTP {status}")


def _measure(call: Callable[[int], None], requests: int, concurrency: int) -> dict[str, float]:
    for i in range(min(20, requests)):  # warm up caches and connections
        call(i)

    def timed(i: int) -> float:
        started = time.perf_counter()
        call(i)
        return (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        latencies = sorted(pool.map(timed, range(requests)))
    elapsed = time.perf_counter() - started
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "p50_ms": quantiles[49],
        "p95_ms": quantiles[94],
        "p99_ms": quantiles[98],
        "max_ms": latencies[-1],
        "throughput_per_s": requests / elapsed,
        "over_slack_limit": sum(latency > SLACK_LIMIT_MS for latency in latencies),
    }


def _report(figures: dict[str, dict[str, float]], options: argparse.Namespace, url: str) -> None:
    baseline = figures["baseline GET /healthz"]["p95_ms"]
    database = url.split(":", 1)[0]
    print(f"{options.requests} requests per kind, {options.concurrency} at once, gunicorn 2x8, {database}")
    columns = ("p50 ms", "p95 ms", "p99 ms", "max ms")
    print(
        f"{'request':36} "
        + " ".join(f"{c:>8}" for c in columns)
        + f" {'req/s':>7} {'p95÷base':>9} {'>3s':>4}"
    )
    for name, row in figures.items():
        ratio = row["p95_ms"] / baseline if baseline else float("nan")
        print(
            f"{name:36} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {row['p99_ms']:8.1f} {row['max_ms']:8.1f}"
            f" {row['throughput_per_s']:7.0f} {ratio:9.1f} {int(row['over_slack_limit']):4d}"
        )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps({"options": vars(options) | {"database": database}, "figures": figures}, indent=2)
    )
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    sys.exit(main())
