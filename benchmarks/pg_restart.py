"""Fault drill: PostgreSQL restarted under traffic; every request gets a clean answer, copbot recovers alone.

Starts a PostgreSQL cluster of its own (initdb and pg_ctl from /usr/lib/postgresql/*/bin, in a temp dir, on a
free port; as the postgres user when run as root), migrates it, and runs on it `copbot serve` (2 workers x 8
threads, no loop) and one `copbot worker`, both talking to the Slack sandbox in a process of its own. A
separate process sends signed `/cop help`, `/cop list` and join submissions at --rate per second for
--seconds; at --restart-at seconds the cluster is stopped (--mode immediate: a crash; fast: a clean
shutdown), left down for --down seconds and started again. Neither copbot process is touched.

Then it checks, and prints beside the figures:
- every request got a clean answer: 200 (a result, or copbot's apology) or a 5xx without a traceback;
- copbot recovered without a restart: same processes, the first success after the cluster came back, a
  burst of requests afterwards all answered, both /healthz at 200;
- nothing half-written: every joiner stored has its `joined` activity and its welcome delivery and nothing
  else does; every acknowledged join is stored; the outbox drains (nothing left pending or claimed), each
  welcome delivery sent;
- no delivery sent twice: Slack received one welcome DM per welcome delivery, and no two chat.postMessage
  calls carried the same work key in their metadata (each post carries its delivery's). Duplicates are
  listed by kind, DM or channel. A channel post taken over after a lost record is looked for in the channel
  before being posted again; a DM cannot be (copbot does not read DMs), so a DM whose record could not be
  written before its lease was taken over goes twice. The sender retries the record for a lease and a half
  (the drill's lease is 10 s): a record is sure to land when the database is back before the lease ends,
  and usually beats the next claimer for half a lease more; a claimed delivery that waited for a thread
  until less than half its lease was left is given back unsent.
Also printed: how often the sender retried recording a send while the database was away, and how many
records it gave up (each one a delivery that would be sent again).
Writes benchmarks/results/pg_restart.json (and copbot's logs beside it); exits 1 when a check fails. Not a
test: the shared test server's PostgreSQL is not to be restarted.

    v/bin/python benchmarks/pg_restart.py [--rate 50] [--seconds 30] [--restart-at 10] [--down 3]
        [--mode immediate|fast]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlencode

from http_load import (
    COMMUNITIES,
    ROOT,
    SECRET,
    TIMEOUT,
    SandboxProcess,
    _children,
    _env,
    _free_port,
    _join_views,
    _seed,
)
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

from copbot.domain.enums import ActivityKind, DeliveryStatus
from copbot.sandbox.forms import fill
from copbot.services.membership import WELCOME_DM
from copbot.slack.errors import SOMETHING_WENT_WRONG
from copbot.store.db import make_engine
from copbot.store.models import Activity, Community, Delivery, Member

RESULTS = ROOT / "benchmarks" / "results" / "pg_restart.json"
APOLOGY = SOMETHING_WENT_WRONG.split(" and ", 1)[0]  # "Sorry, something went wrong on copbot's side"
KINDS = ("/cop help", "/cop list", "join submission")
AFTER_BURST = 10  # requests of each kind once the drill is over: all must succeed


# --- the PostgreSQL cluster ---------------------------------------------------------------------------


class Cluster:
    """A throwaway PostgreSQL cluster: initdb in a temp dir, started and stopped with pg_ctl."""

    def __init__(self) -> None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[4]))
        if not found:
            raise SystemExit(
                "no PostgreSQL binaries under /usr/lib/postgresql/*/bin (apt install postgresql)"
            )
        self.bin = found[-1].parent
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="copbot-pg-"))
        self.data = self.dir / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def __enter__(self) -> Self:
        if os.geteuid() == 0:  # initdb refuses root
            shutil.chown(self.dir, "postgres", "postgres")
        self._pg("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._pg("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200"
        log = str(self.dir / "postgres.log")
        self._pg("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "-t", "60", "start")

    def stop(self, mode: str) -> None:
        self._pg("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def _pg(self, program: str, *args: str, check: bool = True) -> None:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=check, capture_output=True, cwd=self.dir)  # noqa: S603


# --- copbot ----------------------------------------------------------------------------------------


@dataclass
class Process:
    """A copbot process in its own group, its output in a log file."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path
    url: str

    @classmethod
    def start(cls, name: str, args: list[str], env: dict[str, str], log: Path, port: int) -> Process:
        with log.open("wb") as sink:
            process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "copbot", *args, "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                stdout=sink,
                stderr=sink,
                cwd=ROOT,
                start_new_session=True,
            )
        started = cls(name, process, log, f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 30
        while started.health() != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                started.stop()
                raise SystemExit(f"{name} did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        return started

    def pids(self) -> list[int]:
        return [self.process.pid, *sorted(_children(self.process.pid))]

    def health(self) -> int | None:
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=5) as answer:  # noqa: S310 - loopback
                return int(answer.status)
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None

    def tracebacks(self) -> int:
        return self.log.read_text(errors="replace").count("Traceback (most recent call last)")

    def lines_with(self, *texts: str) -> int:
        """How many log lines (one event each) contain all of `texts`."""
        lines = self.log.read_text(errors="replace").splitlines()
        return sum(all(text in line for text in texts) for line in lines)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


# --- the traffic -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    kind: str
    body: bytes
    joiner: tuple[str, str] | None = None  # (community slug, user id) for a join submission


@dataclass(frozen=True)
class Answer:
    kind: str
    at: float  # seconds after the traffic started
    status: int | None  # None: no answer (connection refused or reset, or TIMEOUT)
    outcome: str  # ok, apology, 5xx, 4xx, no answer
    traceback: bool
    ms: float
    joiner: tuple[str, str] | None


def _requests(slack: SandboxProcess, views: list[dict[str, Any]], count: int) -> list[Request]:
    """help, list and join in turn; each join a new member, whose writes a restart could cut in half.

    The joins go through the USERS x COMMUNITIES (user, community) pairs in turn.
    """
    users = slack.info["users"]
    made = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        if kind == "join submission":
            joins = i // len(KINDS)
            user, c = users[joins % len(users)], (joins // len(users)) % COMMUNITIES
            view = views[c]
            filled = {**view, "state": {"values": fill(view, {"experience": "practising", "team": "Ops"})}}
            body = urlencode({"payload": json.dumps(slack.call("submission", user, filled))}).encode()
            made.append(Request(kind, body, (f"c{c}", user)))
        else:
            command = slack.call("command", users[i % len(users)], kind.split()[1])
            made.append(Request(kind, urlencode(command).encode()))
    return made


def _traffic(url: str, requests: list[Request], rate: float, pipe: Connection) -> None:
    """The generator's process: each request leaves at its time (open loop); the answers go back."""
    verifier, started = SignatureVerifier(SECRET), time.perf_counter()
    pipe.send("started")

    def one(i: int) -> Answer:
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        sent = time.perf_counter()
        status, body = _post(url, verifier, requests[i].body)
        ms = (time.perf_counter() - sent) * 1000
        return Answer(
            requests[i].kind,
            sent - started,
            status,
            _outcome(status, body),
            b"Traceback" in body,
            ms,
            requests[i].joiner,
        )

    with ThreadPoolExecutor(max_workers=min(256, int(rate * 4))) as pool:
        answers = list(pool.map(one, range(len(requests))))
    pipe.send(answers)


def _post(url: str, verifier: SignatureVerifier, body: bytes) -> tuple[int | None, bytes]:
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": verifier.generate_signature(timestamp=stamp, body=body.decode()) or "",
    }
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
    try:
        connection.request("POST", "/slack/events", body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException):
        return None, b""
    finally:
        connection.close()


def _outcome(status: int | None, body: bytes) -> str:
    if status is None:
        return "no answer"
    if status >= 500:
        return "5xx"
    if status != 200:
        return "4xx"
    try:
        text = str(json.loads(body).get("text", "")) if body else ""
    except (ValueError, AttributeError):
        text = ""
    return "apology" if APOLOGY in text else "ok"


def _clean(answer: Answer) -> bool:
    return answer.outcome in ("ok", "apology", "5xx") and not answer.traceback


# --- the drill -------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=50.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the traffic lasts")
    parser.add_argument("--restart-at", type=float, default=10.0, help="seconds into the traffic")
    parser.add_argument("--down", type=float, default=3.0, help="seconds the cluster stays down")
    parser.add_argument("--mode", choices=("immediate", "fast"), default="immediate")
    options = parser.parse_args()
    with Cluster() as cluster, SandboxProcess() as slack:
        _seed(slack, cluster.url)
        env = _env(slack) | {
            "COPBOT_DATABASE_URL": cluster.url,
            "COPBOT_LOG_LEVEL": "WARNING",
            "COPBOT_TICK_SECONDS": "1",
            "COPBOT_DELIVERY_LEASE_SECONDS": "10",
        }
        serve = Process.start(
            "copbot serve",
            ["serve", "--workers", "2", "--threads", "8"],
            env | {"COPBOT_SCHEDULER": "off"},
            cluster.dir / "serve.log",
            _free_port(),
        )
        worker = Process.start("copbot worker", ["worker"], env, cluster.dir / "worker.log", _free_port())
        try:
            report = _drill(options, cluster, slack, serve, worker)
        finally:
            worker.stop()
            serve.stop()
            RESULTS.parent.mkdir(exist_ok=True)
            for process in (serve, worker):  # the temp dir goes with the cluster; keep what they logged
                shutil.copyfile(process.log, RESULTS.parent / f"pg_restart-{process.log.name}")
    return _report(report, options)


def _drill(
    options: argparse.Namespace, cluster: Cluster, slack: SandboxProcess, serve: Process, worker: Process
) -> dict[str, Any]:
    views = _join_views(slack, serve.url)
    requests = _requests(slack, views, int(options.rate * options.seconds))
    pids = {"serve": serve.pids(), "worker": worker.pids()}
    pipe, child = multiprocessing.get_context("fork").Pipe()
    generator = multiprocessing.get_context("fork").Process(
        target=_traffic, args=(serve.url, requests, options.rate, child)
    )
    generator.start()
    pipe.recv()
    started = time.perf_counter()
    time.sleep(options.restart_at)
    stopping = time.perf_counter() - started
    cluster.stop(options.mode)
    down = time.perf_counter() - started
    time.sleep(options.down)
    cluster.start()
    up = time.perf_counter() - started
    answers: list[Answer] = pipe.recv()
    generator.join()

    after = _post_requests(slack, views, serve.url)
    health = {"serve": serve.health(), "worker": worker.health()}
    drained_in = _drain(cluster.url)
    posts = slack.call("calls", "chat.postMessage")
    return {
        "timeline_s": {"stop_began": stopping, "down": down, "up": up},
        "answers": answers,
        "after": after,
        "recovered_after_s": _first_success_after(answers, up),
        "same_processes": pids == {"serve": serve.pids(), "worker": worker.pids()},
        "health": health,
        "drained_in_s": drained_in,
        "store": _store_checks(cluster.url, answers, set(slack.info["users"])),
        "welcome_dms_received": sum("Welcome to *" in json.dumps(call) for call in posts),
        "posted_twice": _posted_twice(cluster.url, posts),
        "records": {
            name: {
                "retried": process.lines_with("cannot record a sent delivery yet"),
                "given_up": process.lines_with("the sender failed on a delivery", "in mark_sent"),
                "after_lease": process.lines_with("was sent after its lease ran out"),
            }
            for name, process in (("serve", serve), ("worker", worker))
        },
        "log_tracebacks": {"serve": serve.tracebacks(), "worker": worker.tracebacks()},
    }


def _post_requests(slack: SandboxProcess, views: list[dict[str, Any]], url: str) -> Counter[str]:
    """AFTER_BURST more requests of each kind, one at a time, once the drill is over."""
    verifier = SignatureVerifier(SECRET)
    outcomes: Counter[str] = Counter()
    for request in _requests(slack, views, AFTER_BURST * len(KINDS)):
        status, body = _post(url, verifier, request.body)
        outcomes[_outcome(status, body)] += 1
    return outcomes


def _posted_twice(url: str, posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The work keys Slack got more than one chat.postMessage for: kind, DM or channel, and how many."""
    keys: Counter[tuple[str, str]] = Counter()
    for args in posts:
        metadata = args.get("metadata") or {}
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        key = (metadata.get("event_payload") or {}).get("work_key")
        if key is not None:
            channel = str(args.get("channel", ""))
            keys[(key, "channel" if channel.startswith(("C", "G")) else "DM")] += 1
    twice = {key: (where, n) for (key, where), n in keys.items() if n > 1}
    engine = make_engine(url)
    with engine.connect() as connection:
        query = select(Delivery.work_key, Delivery.kind).where(Delivery.work_key.in_(twice))
        kinds = {key: kind for key, kind in connection.execute(query)}  # noqa: C416 - rows are not pairs to dict()
    engine.dispose()
    return [
        {"work_key": key, "kind": kinds.get(key, "?"), "where": where, "posts": n}
        for key, (where, n) in sorted(twice.items())
    ]


def _first_success_after(answers: list[Answer], up: float) -> float | None:
    """Seconds from the cluster being up again to the first request sent after it that succeeded."""
    later = [answer.at for answer in answers if answer.at >= up and answer.outcome == "ok"]
    return min(later) - up if later else None


def _drain(url: str, timeout: float = 60.0) -> float | None:
    """Seconds until no delivery is pending or claimed (None: still some after `timeout`)."""
    engine, started = make_engine(url), time.monotonic()
    open_ = (DeliveryStatus.PENDING, DeliveryStatus.CLAIMED)
    try:
        while time.monotonic() - started < timeout:
            with engine.connect() as connection:
                left = connection.scalar(select(func.count()).where(Delivery.status.in_(open_)))
            if not left:
                return time.monotonic() - started
            time.sleep(0.5)
        return None
    finally:
        engine.dispose()


def _store_checks(url: str, answers: list[Answer], users: set[str]) -> dict[str, Any]:
    """Joiners, their `joined` activity and their welcome delivery: the same people, all written or none."""
    engine = make_engine(url)
    with engine.connect() as connection:
        slugs = dict(connection.execute(select(Community.id, Community.slug)).all())
        members = {
            (slugs[c], u)
            for c, u in connection.execute(
                select(Member.community_id, Member.user_id).where(Member.user_id.in_(users))
            )
        }
        joined = Counter(
            (slugs[c], u)
            for c, u in connection.execute(
                select(Activity.community_id, Activity.user_id).where(Activity.kind == ActivityKind.JOINED)
            )
        )
        welcomes = Counter(
            (slugs[c], payload["user_id"])
            for c, payload in connection.execute(
                select(Delivery.community_id, Delivery.payload).where(Delivery.kind == WELCOME_DM)
            )
        )
        statuses = Counter(
            f"{kind} {status.value}"
            for kind, status in connection.execute(select(Delivery.kind, Delivery.status))
        )
    engine.dispose()
    acknowledged = {a.joiner for a in answers if a.joiner is not None and a.outcome == "ok"}
    refused = {a.joiner for a in answers if a.joiner is not None and a.outcome != "ok"}
    return {
        "joiners_stored": len(members),
        "joined_activities": sum(joined.values()),
        "welcome_deliveries": sum(welcomes.values()),
        "welcomes_sent": statuses.get(f"{WELCOME_DM} sent", 0),
        "consistent": set(joined) == members
        and set(welcomes) == members
        and max(joined.values(), default=1) == 1
        and max(welcomes.values(), default=1) == 1,
        "acknowledged_joins_lost": len(acknowledged - members),
        "unacknowledged_joins_stored": len((refused - acknowledged) & members),
        "deliveries": dict(sorted(statuses.items())),
    }


def _report(report: dict[str, Any], options: argparse.Namespace) -> int:
    answers: list[Answer] = report.pop("answers")
    timeline, store = report["timeline_s"], report["store"]
    by_kind = {kind: Counter(a.outcome for a in answers if a.kind == kind) for kind in KINDS}
    statuses = Counter(str(a.status) for a in answers)
    window = [a for a in answers if timeline["stop_began"] - 1 <= a.at <= timeline["up"] + 5]
    unclean = [a for a in answers if not _clean(a)]
    checks = {
        "every answer clean": not unclean,
        "recovered without a restart": report["same_processes"]
        and report["recovered_after_s"] is not None
        and report["after"].get("ok", 0) == AFTER_BURST * len(KINDS)
        and report["health"] == {"serve": 200, "worker": 200},
        "nothing half-written": store["consistent"]
        and store["acknowledged_joins_lost"] == 0
        and report["drained_in_s"] is not None
        and store["welcomes_sent"] == store["welcome_deliveries"],
        "no delivery sent twice": report["welcome_dms_received"] == store["welcomes_sent"]
        and not report["posted_twice"],
    }
    print(
        f"{len(answers)} requests at {options.rate:g}/s over {options.seconds:g} s; PostgreSQL stopped "
        f"(-m {options.mode}) at {timeline['stop_began']:.1f} s, down at {timeline['down']:.1f} s, "
        f"up again at {timeline['up']:.1f} s"
    )
    print(f"{'request':16} {'ok':>5} {'apology':>8} {'5xx':>5} {'4xx':>5} {'no answer':>10}")
    for kind, counts in by_kind.items():
        cells = [counts.get(o, 0) for o in ("ok", "apology", "5xx", "4xx", "no answer")]
        print(f"{kind:16} {cells[0]:5d} {cells[1]:8d} {cells[2]:5d} {cells[3]:5d} {cells[4]:10d}")
    print(f"statuses: {dict(statuses)}")
    slowest = max((a.ms for a in window), default=0.0)
    print(
        f"around the restart: {len(window)} requests, {dict(Counter(a.outcome for a in window))}, "
        f"slowest {slowest:.0f} ms"
    )
    print(
        f"answers with a traceback: {sum(a.traceback for a in answers)}; "
        f"tracebacks in logs: {report['log_tracebacks']}"
    )
    recovered = report["recovered_after_s"]
    print(
        f"first success {_seconds(recovered)} s after the cluster was up;"
        f" afterwards {dict(report['after'])}; /healthz {report['health']};"
        f" same processes: {report['same_processes']}"
    )
    print(
        f"store: {store['joiners_stored']} joiners, {store['joined_activities']} joined activities, "
        f"{store['welcome_deliveries']} welcome deliveries ({store['welcomes_sent']} sent), "
        f"{report['welcome_dms_received']} welcome DMs received; acknowledged joins lost: "
        f"{store['acknowledged_joins_lost']}; joins answered with an error yet stored: "
        f"{store['unacknowledged_joins_stored']}; outbox drained in {_seconds(report['drained_in_s'])} s"
    )
    records = report["records"]
    print(
        "records of sends while the database was away: "
        + "; ".join(
            f"{name} retried {r['retried']} times, gave up {r['given_up']}, "
            f"found taken over {r['after_lease']}"
            for name, r in records.items()
        )
    )
    twice = report["posted_twice"]
    twice_by_kind = Counter(f"{d['kind']} ({d['where']})" for d in twice)
    print(f"posted twice: {dict(twice_by_kind) if twice else 'none'}")
    if any(d["where"] == "DM" for d in twice):
        print(
            "  a DM whose record was lost is sent again once its lease is taken over: copbot cannot look "
            "for it in the DM first (see the sender's log for the records given up)"
        )
    for name, passed in checks.items():
        print(f"  {'PASS' if passed else 'FAIL'}  {name}")
    RESULTS.parent.mkdir(exist_ok=True)
    summary = {
        "options": vars(options),
        **report,
        "after": dict(report["after"]),
        "by_kind": {kind: dict(counts) for kind, counts in by_kind.items()},
        "statuses": dict(statuses),
        "unclean": [asdict(a) for a in unclean[:20]],
        "checks": checks,
    }
    RESULTS.write_text(json.dumps(summary, indent=2, default=str))
    print(f"written to {RESULTS}")
    return 0 if all(checks.values()) else 1


def _seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.2f}"


if __name__ == "__main__":
    sys.exit(main())
