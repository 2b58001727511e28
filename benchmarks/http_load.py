"""copbot under a steady request rate, side by side with a bare Bolt app under the same gunicorn settings.

Starts `copbot serve` (2 workers x 8 threads, on PostgreSQL, the scheduler off as in the compose file's
web replicas) and benchmarks/bare_bolt.py under gunicorn with the same settings (copbot's gthread
worker, workers, threads, timeout), both talking to the bundled Slack sandbox, which runs in a process of
its own. The bare app is Bolt as its documentation sets up an HTTP app (listeners on Bolt's thread pool,
the request waiting for their ack); --bare-before-response runs its listeners before the response
instead, as copbot does.
From this process it sends signed `/cop help`, `/cop list` and join-modal submissions at 25, 50, 100 and
200 per second (open loop: a request leaves at its time whether or not earlier ones were answered),
--seconds per rate, kind and server. The two servers take turns in quarters of that (A B B A B A A B), so
that whatever else the machine does weighs on both alike. It reports throughput, p50/p99 latency, errors
(non-200 or no answer within 10 s), the servers' peak memory (resident set of gunicorn's master and
workers), their CPU time per answered request (steadier than latency on a busy machine; PostgreSQL's own
not counted), the answers that took over 3 s (Slack would have given up on them), the load average when
the row started and this generator's own CPU use (near 100 % it would be the bottleneck). Before
anything is measured, each server answers each kind for --warmup seconds (connections opened, the first
joins' deliveries sent). Writes benchmarks/results/http_load.json.

    v/bin/python benchmarks/http_load.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB
        [--seconds 20] [--rates 25,50,100,200] [--warmup 3] [--bare-before-response]

The database must be one copbot may write to: it is migrated, and the benchmark workspace's rows replaced.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlencode, urlsplit

from slack_sdk.signature import SignatureVerifier
from sqlalchemy import delete

from copbot.domain.enums import Experience, Role
from copbot.sandbox import SlackSandbox, payloads
from copbot.sandbox.forms import fill
from copbot.store.db import make_engine, make_session_factory
from copbot.store.migrate import upgrade
from copbot.store.models import Community, Member
from copbot.store.models import Workspace as WorkspaceRow
from copbot.store.workspaces import ensure_workspace

SECRET = "benchmark-signing-secret"  # noqa: S105 - the benchmark's own
ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "http_load.json"
TEAM = "T0LOAD001"
COMMUNITIES = 20
USERS = 50
TIMEOUT = 10.0
WARM_UP_RATE = 50  # requests per second while warming up, not measured
SLACK_TIMEOUT_MS = 3000  # Slack gives up on an answer after 3 s: such an answer counts apart
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("COPBOT_BENCH_DATABASE_URL"))
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds per rate, kind and server")
    parser.add_argument("--rates", default="25,50,100,200", help="requests per second, comma-separated")
    parser.add_argument(
        "--warmup", type=float, default=3.0, help="seconds of each kind per server before measuring"
    )
    parser.add_argument(
        "--bare-before-response",
        action="store_true",
        help="run the bare app's listeners before its response, as copbot does (Bolt's default: after)",
    )
    options = parser.parse_args()
    if not options.database_url or not options.database_url.startswith("postgresql"):
        parser.error("--database-url (or COPBOT_BENCH_DATABASE_URL) must be a PostgreSQL URL")
    rates = [int(rate) for rate in options.rates.split(",")]
    rows = []
    with SandboxProcess() as slack:
        _seed(slack, options.database_url)
        bare_server = Server.bare(slack, before_response=options.bare_before_response)
        with Server.copbot(slack, options.database_url) as copbot, bare_server as bare:
            views = _join_views(slack, copbot.url)
            kinds = _kinds(slack, views)
            _warm_up((copbot, bare), kinds, options.warmup)
            for rate in rates:
                for kind, make in kinds.items():
                    load = os.getloadavg()[0]
                    figures = _interleaved((copbot, bare), make, rate, options.seconds)
                    rows.append({"rate": rate, "kind": kind, "load_average": load, **figures})
                    print(f"  {rate}/s {kind}: done", file=sys.stderr)
    _report(rows, options)
    return 0


def _warm_up(servers: tuple[Server, Server], kinds: dict[str, Make], seconds: float) -> None:
    """Each server answers every kind for `seconds` at WARM_UP_RATE before anything is measured.

    As in a service that has been up a while: connections opened, statements prepared, and the first
    joins (each (person, community) pair's first is a real join: invitation, welcome DM, Home) sent.
    """
    for server in servers:
        for make in kinds.values():
            _load(server, [make(i) for i in range(int(WARM_UP_RATE * seconds))], WARM_UP_RATE)
    time.sleep(seconds)  # what the first joins queued is sent meanwhile


def _interleaved(servers: tuple[Server, Server], make: Make, rate: int, seconds: float) -> dict[str, Any]:
    """Each server loaded for `seconds` in all, in quarters: A B B A B A A B.

    So what else the machine is doing meanwhile weighs on both alike.
    """
    first, second = servers
    order = [first, second, second, first, second, first, first, second]
    tallies = {server.name: Slice() for server in servers}
    made = 0
    for server in order:
        count = max(int(rate * seconds / 4), 1)
        bodies = [make(made + i) for i in range(count)]
        made += count
        tallies[server.name].add(_load(server, bodies, rate))
    return {name: tally.figures() for name, tally in tallies.items()}


# --- the servers -----------------------------------------------------------------------------------


@dataclass
class Server:
    """A gunicorn server in its own process group; its peak memory is sampled while it is loaded."""

    name: str
    command: list[str]
    env: dict[str, str]
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @classmethod
    def copbot(cls, slack: SandboxProcess, url: str) -> Server:
        port = _free_port()
        command = [sys.executable, "-m", "copbot", "serve", "--host", "127.0.0.1", "--port", str(port)]
        # As the compose file's web replicas: the scheduler loop is `copbot worker`'s job, not theirs.
        env = _env(slack) | {
            "COPBOT_DATABASE_URL": url,
            "COPBOT_LOG_LEVEL": "WARNING",
            "COPBOT_SCHEDULER": "off",
        }
        return cls("copbot", [*command, "--workers", "2", "--threads", "8"], env, port)

    @classmethod
    def bare(cls, slack: SandboxProcess, *, before_response: bool) -> Server:
        port = _free_port()
        gunicorn = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
        settings = [
            "--threads",
            "8",
            "--worker-class",
            "copbot.http_worker.RequestThreadWorker",  # copbot serve's own: gthread, threads started at boot
            "--timeout",
            "30",
            "--log-level",
            "warning",
        ]
        env = _env(slack) | {
            "PYTHONPATH": str(ROOT),
            "BARE_BOLT_BEFORE_RESPONSE": "1" if before_response else "0",
        }
        return cls("bare Bolt", [*gunicorn, *settings, "benchmarks.bare_bolt:application"], env, port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Self:
        quiet = subprocess.DEVNULL
        self.process = subprocess.Popen(self.command, env=self.env, stdout=quiet, stderr=quiet, cwd=ROOT)  # noqa: S603
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.2)
        self.__exit__()
        raise SystemExit(f"{self.name} did not start")

    def __exit__(self, *_: object) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)

    def processes(self) -> list[int]:
        """gunicorn's master and its workers (found by reading every process's stat: not while loading)."""
        assert self.process is not None
        return [self.process.pid, *_children(self.process.pid)]

    @staticmethod
    def memory_mb(pids: list[int]) -> float:
        """Resident memory of the master and its workers."""
        return sum(_rss_kb(pid) for pid in pids) / 1024

    @staticmethod
    def cpu_seconds(pids: list[int]) -> float:
        """CPU time (user and system) the master and its workers have used so far.

        Less at the mercy of other work on the machine than latency is; the database's own is not counted.
        """
        return sum(_cpu_ticks(pid) for pid in pids) / CLOCK_TICKS


def _env(slack: SandboxProcess) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COPBOT_", "PROMETHEUS_"))}
    return keep | {
        "SLACK_BOT_TOKEN": slack.info["bot_token"],
        "SLACK_SIGNING_SECRET": SECRET,
        "COPBOT_SLACK_API_URL": slack.info["api_url"],
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime and stime (fields 14 and 15 of stat)


def _rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    line = next((line for line in status.splitlines() if line.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1])


# --- the requests ----------------------------------------------------------------------------------


class SandboxProcess:
    """The Slack sandbox in a process of its own: answering copbot's calls does not share the generator's CPU.

    The generator asks it for request bodies (they carry its trigger ids and response URLs) before each
    run, never during one.
    """

    def __enter__(self) -> Self:
        self._pipe, child = multiprocessing.get_context("fork").Pipe()
        self._process = multiprocessing.get_context("fork").Process(target=_sandbox_main, args=(child,))
        self._process.start()
        self.info: dict[str, Any] = self._pipe.recv()
        return self

    def __exit__(self, *_: object) -> None:
        self._pipe.send(("stop", ()))
        self._process.join(timeout=10)

    def call(self, name: str, *args: Any) -> Any:
        self._pipe.send((name, args))
        return self._pipe.recv()


def _sandbox_main(pipe: Connection) -> None:
    with SlackSandbox() as sandbox:
        workspace = sandbox.add_workspace(team_id=TEAM, name="Load", domain="load")
        users = [workspace.add_user(name=f"user{n}", locale="en-US") for n in range(USERS)]
        general = workspace.add_channel("general", members=users, bot_is_member=True)
        channels = [workspace.add_channel(f"c{c}", bot_is_member=True) for c in range(COMMUNITIES)]
        pipe.send(
            {
                "api_url": sandbox.api_url,
                "bot_token": workspace.bot_token,
                "users": users,
                "channels": channels,
            }
        )
        answers: dict[str, Callable[..., Any]] = {
            "command": lambda user, text: payloads.command_form(
                workspace, user, command="/cop", text=text, channel_id=general
            ),
            "submission": lambda user, view: payloads.view_submission(workspace, user, view),
            "views": lambda user: [
                v for v in workspace.views(user) if v.get("callback_id") == "community_join"
            ],
            "calls": lambda method: [call.args for call in sandbox.calls(method)],
        }
        while True:
            name, args = pipe.recv()
            if name == "stop":
                return
            pipe.send(answers[name](*args))


def _seed(slack: SandboxProcess, url: str) -> None:
    """COMMUNITIES communities of 50 members each in the benchmark workspace (its old rows replaced)."""
    upgrade(url)
    users, channels = slack.info["users"], slack.info["channels"]
    now = datetime.now(UTC)
    engine = make_engine(url)
    with make_session_factory(engine)() as session, session.begin():
        session.execute(delete(WorkspaceRow).where(WorkspaceRow.team_id == TEAM))
        ensure_workspace(session, team_id=TEAM, now=now)
        for c, channel in enumerate(channels):
            community = Community(
                team_id=TEAM,
                slug=f"c{c}",
                name=f"Community {c}",
                purpose="Getting better at testing, together.",
                audience="Anyone who tests",
                channel_id=channel,
                created_by=users[0],
                created_at=now,
                updated_at=now,
            )
            session.add(community)
            session.flush()
            session.add_all(
                Member(
                    team_id=TEAM,
                    community_id=community.id,
                    user_id=f"U{c:04d}{m:05d}",
                    role=Role.ORGANISER if m == 0 else Role.MEMBER,
                    experience=Experience.PRACTISING,
                    joined_at=now,
                )
                for m in range(50)
            )
    engine.dispose()


def _join_views(slack: SandboxProcess, url: str) -> list[dict[str, Any]]:
    """One join modal per community, opened by copbot for the first user (the submissions reuse them)."""
    signer, first = Signer(url), slack.info["users"][0]
    for c in range(COMMUNITIES):
        status = signer.send(urlencode(slack.call("command", first, f"join c{c}")).encode())
        if status != 200:
            raise SystemExit(f"opening a join modal answered {status}")
    return list(slack.call("views", first)[-COMMUNITIES:])


Make = Callable[[int], bytes]


def _kinds(slack: SandboxProcess, views: list[dict[str, Any]]) -> dict[str, Make]:
    users = slack.info["users"]

    def command(text: str) -> Make:
        return lambda i: urlencode(slack.call("command", users[i % len(users)], text)).encode()

    def join(i: int) -> bytes:
        view = views[i % len(views)]
        filled = {**view, "state": {"values": fill(view, {"experience": "practising", "team": "Platform"})}}
        payload = slack.call("submission", users[i % len(users)], filled)
        return urlencode({"payload": json.dumps(payload)}).encode()

    return {"/cop help": command("help"), "/cop list": command("list"), "join submission": join}


class Signer:
    """Signs and posts bodies over one kept-alive connection per thread, as a load balancer would."""

    def __init__(self, url: str) -> None:
        self._target = urlsplit(url)
        self._verifier = SignatureVerifier(SECRET)
        self._local = threading.local()

    def send(self, body: bytes) -> int:
        """POST the signed body; a kept-alive connection the server closed meanwhile is reopened once."""
        try:
            return self._send(body, self._connection())
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self._local.connection = None
            return self._send(body, self._connection())

    def _send(self, body: bytes, connection: http.client.HTTPConnection) -> int:
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": self._verifier.generate_signature(timestamp=stamp, body=body.decode()) or "",
        }
        try:
            connection.request("POST", "/slack/events", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            self._local.connection = None
            connection.close()
            raise
        return response.status

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection(self._target.hostname, self._target.port, timeout=TIMEOUT)
            self._local.connection = connection
        return connection


# --- the load --------------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, latency_ms: float, *, ok: bool) -> None:
        with self.lock:
            if ok:
                self.latencies.append(latency_ms)
            else:
                self.errors += 1


@dataclass
class Slice:
    """What one server's share of a row added up to, over its slices."""

    latencies: list[float] = field(default_factory=list)
    sent: int = 0
    errors: int = 0
    seconds: float = 0.0
    server_cpu: float = 0.0
    generator_cpu: float = 0.0
    memory_mb: float = 0.0

    def add(self, other: Slice) -> None:
        self.latencies += other.latencies
        self.sent += other.sent
        self.errors += other.errors
        self.seconds += other.seconds
        self.server_cpu += other.server_cpu
        self.generator_cpu += other.generator_cpu
        self.memory_mb = max(self.memory_mb, other.memory_mb)

    def figures(self) -> dict[str, float]:
        latencies = sorted(self.latencies) or [float("nan")]
        cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0]] * 99
        answered = len(self.latencies)
        return {
            "sent": self.sent,
            "answered_per_s": answered / self.seconds if self.seconds else 0.0,
            "p50_ms": cuts[49],
            "p99_ms": cuts[98],
            "errors": self.errors,
            "over_3s": sum(latency > SLACK_TIMEOUT_MS for latency in self.latencies),
            "memory_mb": self.memory_mb,
            "cpu_ms_per_request": self.server_cpu * 1000 / max(answered, 1),
            "generator_cpu_percent": 100 * self.generator_cpu / self.seconds if self.seconds else 0.0,
        }


def _load(server: Server, bodies: list[bytes], rate: int) -> Slice:
    """Send the bodies at `rate` a second, each at its scheduled time; measure the answers.

    The generator must not pause: a pause holds back the requests due meanwhile, which then leave
    together, and a burst is not the rate being measured. So its garbage collector is off while it sends
    (a full collection of this process took 77 ms), and the servers' processes are looked up once
    before, not at each memory sample (reading every process's stat held the sending threads too).
    """
    signer, tally, total = Signer(server.url), Tally(), len(bodies)
    pids = server.processes()
    peak = [server.memory_mb(pids)]
    cpu_before, generator_before = server.cpu_seconds(pids), time.process_time()
    gc.collect()
    gc.disable()
    started = time.perf_counter()

    def one(i: int) -> None:
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        sent = time.perf_counter()
        try:
            ok = signer.send(bodies[i]) == 200
        except (OSError, http.client.HTTPException):
            ok = False
        tally.add((time.perf_counter() - sent) * 1000, ok=ok)
        if i % max(rate // 2, 1) == 0:
            peak[0] = max(peak[0], server.memory_mb(pids))

    try:
        with ThreadPoolExecutor(max_workers=min(256, rate * 2)) as pool:
            list(pool.map(one, range(total)))
    finally:
        gc.enable()
    return Slice(
        latencies=tally.latencies,
        sent=total,
        errors=tally.errors,
        seconds=time.perf_counter() - started,
        server_cpu=server.cpu_seconds(pids) - cpu_before,
        generator_cpu=time.process_time() - generator_before,
        memory_mb=peak[0],
    )


def _report(rows: list[dict[str, Any]], options: argparse.Namespace) -> None:
    print(
        f"{options.seconds:g} s per rate, kind and server, interleaved, after {options.warmup:g} s of each"
        f" kind at {WARM_UP_RATE}/s; gunicorn 2 workers x 8 threads (copbot's gthread worker);"
        " PostgreSQL; loopback"
    )
    setup = (
        "before its response, as copbot's"
        if options.bare_before_response
        else "on Bolt's thread pool (default)"
    )
    print(f"bare Bolt app's listeners run {setup}")
    head = f"{'rate':>5} {'request':16} {'load':>5}"
    side = f"{'req/s':>6} {'p50 ms':>7} {'p99 ms':>7} {'err':>4} {'>3 s':>5} {'MB':>5} {'cpu ms':>6}"
    print(f"{'':28} {'copbot':^46} | {'bare Bolt':^46} | generator")
    print(f"{head} {side} | {side} | {'cpu %':>9}")
    for row in rows:
        cells = [
            f"{r['answered_per_s']:6.1f} {r['p50_ms']:7.1f} {r['p99_ms']:7.1f} {r['errors']:4d}"
            f" {r['over_3s']:5d} {r['memory_mb']:5.0f} {r['cpu_ms_per_request']:6.2f}"
            for r in (row["copbot"], row["bare Bolt"])
        ]
        generator = max(row["copbot"]["generator_cpu_percent"], row["bare Bolt"]["generator_cpu_percent"])
        line = f"{row['rate']:5d} {row['kind']:16} {row['load_average']:5.1f}"
        print(f"{line} {cells[0]} | {cells[1]} | {generator:9.0f}")
    RESULTS.parent.mkdir(exist_ok=True)
    settings = {
        "seconds": options.seconds,
        "warmup_seconds": options.warmup,
        "bare_before_response": options.bare_before_response,
    }
    RESULTS.write_text(json.dumps({**settings, "rows": rows}, indent=2))
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    sys.exit(main())
