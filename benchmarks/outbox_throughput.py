"""How fast the outbox sends, and what each delivery costs copbot itself.

10,000 story posts (one per channel, so Slack's per-channel pace does not set the speed) are put in the
outbox, due at once; then `copbot worker` processes (1, then 3) send them to the bundled Slack sandbox,
which runs here, in this process, with its rate limits off. Reported per database and number of loops:
deliveries per second (first post to last), copbot's own cost per delivery (the workers' CPU time while
sending, divided by the deliveries: claiming, rendering, recording and the database work on SQLite —
not Slack's time, which is the sandbox's, in this process), and duplicates (must be 0).

The baseline, measured side by side against the same sandbox: one process posting the same messages
straight away with as many threads as the workers have (8 each), without any outbox (no claim, no
record, no retry, nothing kept when it dies). Writes benchmarks/results/outbox_throughput.json.

    v/bin/python benchmarks/outbox_throughput.py [--deliveries 10000] [--loops 1 3]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test]   (or COPBOT_BENCH_POSTGRES_URL)
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from copbot.domain.enums import DeliveryStatus, Role
from copbot.sandbox import SlackSandbox, Workspace
from copbot.services import stories
from copbot.store import search
from copbot.store.db import make_engine, make_session_factory, unit_of_work
from copbot.store.migrate import upgrade
from copbot.store.models import Community, Delivery, Member, Story
from copbot.store.workspaces import ensure_workspace

RESULTS = Path(__file__).parent / "results" / "outbox_throughput.json"
SCHEMA = "outbox_bench"
THREADS = 8
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

BASELINE = """
import sys
from concurrent.futures import ThreadPoolExecutor
from slack_sdk import WebClient
from sqlalchemy import create_engine, text
api, token, url, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
query = "SELECT s.title, c.channel_id FROM stories s JOIN communities c ON c.id = s.community_id"
with create_engine(url).connect() as c:
    work = list(c.execute(text(query)))
client = WebClient(token=token, base_url=api, retry_handlers=[])
def post(row):
    client.chat_postMessage(channel=row[1], text="shared a story: " + row[0])
with ThreadPoolExecutor(threads) as pool:
    list(pool.map(post, work))
"""


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--loops", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--postgres-url", default=os.environ.get("COPBOT_BENCH_POSTGRES_URL"))
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for database, url in _databases(Path(folder), options.postgres_url):
            rows.extend(
                _run(database, url, loops, options.deliveries, Path(folder)) for loops in options.loops
            )
            rows.append(_run_baseline(database, url, max(options.loops), options.deliveries))
            _drop(url)
    _report(rows, options)
    return 0


def _databases(folder: Path, postgres_url: str | None) -> list[tuple[str, str]]:
    databases = [("sqlite", f"sqlite:///{folder / 'bench.db'}")]
    if postgres_url:
        url = make_url(postgres_url).update_query_dict({"options": f"-csearch_path={SCHEMA}"})
        databases.append(("postgresql", url.render_as_string(hide_password=False)))
    return databases


def _fresh(url: str) -> None:
    """An empty database at the newest schema (PostgreSQL: a scratch schema of its own)."""
    if url.startswith("sqlite"):
        Path(str(make_url(url).database)).unlink(missing_ok=True)
    else:
        _scratch_schema(url, create=True)
    upgrade(url)


def _drop(url: str) -> None:
    if not url.startswith("sqlite"):
        _scratch_schema(url, create=False)


def _scratch_schema(url: str, *, create: bool) -> None:
    server = make_url(url).update_query_dict({}, append=False)
    engine = create_engine(server.set(query={}), poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        if create:
            connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    engine.dispose()


def _seed(sandbox: SlackSandbox, url: str, count: int) -> Workspace:
    """`count` communities, each in its own channel with one story whose post is due now."""
    workspace = sandbox.add_workspace(team_id="T0BENCH01", name="Bench", domain="bench")
    author = workspace.add_user("author", real_name="Author")
    now = datetime.now(UTC)
    engine = make_engine(url)
    with unit_of_work(make_session_factory(engine)) as session:
        ensure_workspace(session, team_id=workspace.team_id, now=now)
        for number in range(count):
            channel = workspace.add_channel(f"c{number}", bot_is_member=True)
            community = Community(
                team_id=workspace.team_id, slug=f"c{number}", name=f"C {number}", purpose="p", audience="a",
                channel_id=channel, created_by=author, created_at=now, updated_at=now,
            )  # fmt: skip
            session.add(community)
            session.flush()
            member = Member(
                team_id=workspace.team_id, community_id=community.id, user_id=author, joined_at=now,
                role=Role.MEMBER,
            )  # fmt: skip
            story = Story(
                team_id=workspace.team_id, community_id=community.id, author_user_id=author, language="en",
                title=f"story {number}", body="what happened", created_at=now, updated_at=now,
            )  # fmt: skip
            session.add_all([member, story])
            session.flush()
            search.index_story(session, story)
            stories.deliver_post(session, story, community, now=now)
    engine.dispose()
    return workspace


def _run(database: str, url: str, loops: int, count: int, folder: Path) -> dict[str, object]:
    _fresh(url)
    with SlackSandbox() as sandbox:
        workspace = _seed(sandbox, url, count)
        env = _environment(sandbox, workspace, url, folder)
        workers = [_start_worker(env, folder / f"worker-{database}-{loops}-{n}.log") for n in range(loops)]
        sandbox.wait_for_calls("auth.test", loops, timeout=60)
        time.sleep(1.0)  # past imports and start-up: the CPU counted from here on is the sending
        before = sum(_cpu_seconds(worker.pid) for worker in workers)
        _wait_until_sent(url, count)
        after = sum(_cpu_seconds(worker.pid) for worker in workers)
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
        return _figures(
            f"copbot, {loops} loop{'s' if loops > 1 else ''}", database, sandbox, count, after - before
        )


def _run_baseline(database: str, url: str, loops: int, count: int) -> dict[str, object]:
    _fresh(url)
    with SlackSandbox() as sandbox:
        workspace = _seed(sandbox, url, count)
        plain = url.split("?", maxsplit=1)[0] if database == "sqlite" else url
        command = [
            sys.executable,
            "-c",
            BASELINE,
            sandbox.api_url,
            workspace.bot_token,
            plain,
            str(THREADS * loops),
        ]
        process = subprocess.Popen(command)  # noqa: S603 - our own snippet
        _, status, _usage = os.wait4(process.pid, 0)
        assert status == 0, "the baseline failed"
        return _figures(f"baseline: direct posts, {THREADS * loops} threads", database, sandbox, count, None)


def _environment(sandbox: SlackSandbox, workspace: Workspace, url: str, folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COPBOT_", "PROMETHEUS_"))}
    return env | {
        "SLACK_BOT_TOKEN": workspace.bot_token,
        "COPBOT_SLACK_API_URL": sandbox.api_url,
        "COPBOT_DATABASE_URL": url,
        "COPBOT_LOG_LEVEL": "WARNING",
        "COPBOT_TICK_SECONDS": "0.2",
        "COPBOT_SENDER_THREADS": str(THREADS),
        "TMPDIR": str(folder),
    }


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "copbot", "worker"],
            env=env,
            stdout=sink,
            stderr=sink,
            start_new_session=True,
        )


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux: /proc/<pid>/stat, fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _wait_until_sent(url: str, count: int, timeout: float = 900) -> None:
    engine = create_engine(url, poolclass=NullPool)
    deadline = time.monotonic() + timeout
    query = select(func.count()).select_from(Delivery).where(Delivery.status == DeliveryStatus.SENT)
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                if connection.scalar(query) == count:
                    return
            time.sleep(0.2)
    finally:
        engine.dispose()
    raise SystemExit(f"not all {count} deliveries were sent within {timeout} s")


def _figures(
    name: str, database: str, sandbox: SlackSandbox, count: int, cpu: float | None
) -> dict[str, object]:
    posts = [call for call in sandbox.calls("chat.postMessage") if call.status == 200]
    titles = Counter(call.args["text"].rsplit(": ", 1)[-1] for call in posts)
    seconds = max(call.at for call in posts) - min(call.started for call in posts)
    return {
        "database": database,
        "sender": name,
        "deliveries": count,
        "sent": len(titles),
        "duplicates": sum(n - 1 for n in titles.values()),
        "seconds": round(seconds, 2),
        "per_second": round(len(posts) / seconds, 1),
        "own_cpu_ms_per_delivery": None if cpu is None else round(cpu * 1000 / count, 3),
    }


def _report(rows: list[dict[str, object]], options: argparse.Namespace) -> None:
    header = f"{'database':<11} {'sender':<36} {'sent':>6} {'dupl.':>5} {'s':>7} {'per s':>8}"
    print(f"\n{header} {'own ms/delivery':>16}")
    for row in rows:
        cpu = "—" if row["own_cpu_ms_per_delivery"] is None else f"{row['own_cpu_ms_per_delivery']:.2f}"
        print(
            f"{row['database']:<11} {row['sender']:<36} {row['sent']:>6} {row['duplicates']:>5} "
            f"{row['seconds']:>7} {row['per_second']:>8} {cpu:>16}"
        )
    for database in {str(row["database"]) for row in rows}:
        base = next(r for r in rows if r["database"] == database and str(r["sender"]).startswith("baseline"))
        for row in rows:
            if row["database"] == database and row is not base:
                ratio = float(row["per_second"]) / float(base["per_second"])  # type: ignore[arg-type]
                print(f"{database}: {row['sender']} sends at {ratio:.2f} times the baseline's rate")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"options": vars(options), "rows": rows}, indent=2))
    print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    sys.exit(main())
