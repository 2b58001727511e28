"""How long the loop takes to plan and send the reminders of many communities due in the same minute.

1,000 communities (one channel each, so Slack's per-channel pace does not set the speed), each with a weekly
series whose day-before reminder fell due a few seconds ago. Then `copbot worker` processes (1, then 3) plan
and send them to the bundled Slack sandbox, in this process, with its rate limits off. Reported per database
and number of loops: seconds from the workers' start to the last reminder posted, reminders per second,
copbot's own CPU per reminder (planning, claiming, rendering, recording), and duplicates (must be 0: each
reminder's work key is one per occurrence and offset, whatever the number of loops).

The baseline beside it is the outbox benchmark's figure for plain story posts, already planned: the same
sending path with no planning. Writes benchmarks/results/sessions_reminders.json.

    v/bin/python benchmarks/sessions_reminders.py [--communities 1000] [--loops 1 3]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test]   (or COPBOT_BENCH_POSTGRES_URL)
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.pool import NullPool

sys.path.insert(0, str(Path(__file__).parent))
import outbox_throughput as outbox

from copbot.domain.enums import Repeat, Role
from copbot.sandbox import SlackSandbox, Workspace
from copbot.store.db import make_engine, make_session_factory, unit_of_work
from copbot.store.models import Community, Meetup, Member, SessionPost
from copbot.store.workspaces import ensure_workspace

RESULTS = Path(__file__).parent / "results" / "sessions_reminders.json"
DUE_AGO = timedelta(seconds=5)  # every reminder fell due in the same minute, just before the loops start


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--communities", type=int, default=1_000)
    parser.add_argument("--loops", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--postgres-url", default=os.environ.get("COPBOT_BENCH_POSTGRES_URL"))
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for database, url in outbox._databases(Path(folder), options.postgres_url):  # noqa: SLF001
            rows.extend(
                _run(database, url, loops, options.communities, Path(folder)) for loops in options.loops
            )
            outbox._drop(url)  # noqa: SLF001
    _report(rows, options)
    return 0


def _seed(sandbox: SlackSandbox, url: str, count: int) -> Workspace:
    """`count` communities, each with a weekly series starting 24 h from now, minus DUE_AGO."""
    workspace = sandbox.add_workspace(team_id="T0BENCH01", name="Bench", domain="bench")
    organiser = workspace.add_user("organiser", real_name="Organiser")
    now = datetime.now(UTC)
    engine = make_engine(url)
    with unit_of_work(make_session_factory(engine)) as session:
        ensure_workspace(session, team_id=workspace.team_id, now=now)
        for number in range(count):
            channel = workspace.add_channel(f"c{number}", bot_is_member=True)
            community = Community(
                team_id=workspace.team_id, slug=f"c{number}", name=f"C {number}", purpose="p", audience="a",
                channel_id=channel, timezone="Europe/Paris", created_by=organiser, created_at=now,
                updated_at=now,
            )  # fmt: skip
            session.add(community)
            session.flush()
            session.add_all([
                Member(team_id=workspace.team_id, community_id=community.id, user_id=organiser, joined_at=now,
                       role=Role.ORGANISER),
                Meetup(team_id=workspace.team_id, community_id=community.id, title=f"Session {number}",
                       starts_at=(now + timedelta(hours=24) - DUE_AGO).replace(microsecond=0),
                       repeat=Repeat.WEEKLY, timezone="Europe/Paris", created_by=organiser, created_at=now),
            ])  # fmt: skip
    engine.dispose()
    return workspace


def _run(database: str, url: str, loops: int, count: int, folder: Path) -> dict[str, object]:
    outbox._fresh(url)  # noqa: SLF001
    with SlackSandbox() as sandbox:
        workspace = _seed(sandbox, url, count)
        env = outbox._environment(sandbox, workspace, url, folder)  # noqa: SLF001
        started = time.monotonic()
        logs = [folder / f"worker-{database}-{loops}-{n}.log" for n in range(loops)]
        workers = [outbox._start_worker(env, log) for log in logs]  # noqa: SLF001
        _wait_until_posted(url, count)
        seconds = time.monotonic() - started
        cpu = sum(outbox._cpu_seconds(worker.pid) for worker in workers)  # noqa: SLF001
        time.sleep(2.0)  # a few more ticks of every loop: a duplicate would show now
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
        return _figures(database, loops, sandbox, count=count, seconds=seconds, cpu=cpu)


def _wait_until_posted(url: str, count: int, timeout: float = 900) -> None:
    engine = create_engine(url, poolclass=NullPool)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                if connection.scalar(select(func.count()).select_from(SessionPost)) >= count:
                    return
            time.sleep(0.2)
    finally:
        engine.dispose()
    raise SystemExit(f"not all {count} reminders were posted within {timeout} s")


def _figures(
    database: str, loops: int, sandbox: SlackSandbox, *, count: int, seconds: float, cpu: float
) -> dict[str, object]:
    posts = [call for call in sandbox.calls("chat.postMessage") if call.status == 200]
    channels = Counter(str(call.args["channel"]) for call in posts)
    return {
        "database": database,
        "loops": loops,
        "communities": count,
        "reminders": len(channels),
        "duplicates": sum(n - 1 for n in channels.values()),
        "seconds": round(seconds, 2),
        "per_second": round(len(channels) / seconds, 1),
        # The workers' whole CPU time, start-up included (about a second each), over the reminders.
        "own_cpu_ms_per_reminder": round(cpu * 1000 / count, 3),
    }


def _report(rows: list[dict[str, object]], options: argparse.Namespace) -> None:
    columns = f"{'reminders':>9} {'dupl.':>5} {'s':>7} {'per s':>7} {'own ms/rem.':>11}"
    print(f"\n{'database':<11} {'loops':>5} {columns}")
    for row in rows:
        print(
            f"{row['database']:<11} {row['loops']:>5} {row['reminders']:>9} {row['duplicates']:>5} "
            f"{row['seconds']:>7} {row['per_second']:>7} {row['own_cpu_ms_per_reminder']:>11}"
        )
    baseline = outbox.RESULTS
    if baseline.exists():
        for base in json.loads(baseline.read_text())["rows"]:
            where = f"{base['database']}, {base['sender']}"
            print(f"baseline (outbox_throughput.json), {where}: {base['per_second']} posts/s")
    else:
        print("baseline: run benchmarks/outbox_throughput.py for plain posts without planning")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"options": vars(options), "rows": rows}, indent=2))
    print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    sys.exit(main())
