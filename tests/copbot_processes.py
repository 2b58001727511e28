"""copbot as real processes for the tests: `copbot serve` and `copbot worker`, killed or stopped at will."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass
from pathlib import Path

from fixtures_app import SIGNING_SECRET

START_TIMEOUT = 30.0
# gunicorn gives a worker its graceful timeout (30 s) to finish, then kills it; the master exits after that.
STOP_TIMEOUT = 45.0
SLOW_STOP = 10.0  # a stop this slow is reported (a warning with the log): a worker did not stop when told


def environment(workspace, sandbox, database_url: str, tmp: Path, **settings: str) -> dict[str, str]:
    """What a copbot process of the test gets: the sandbox, the test's database, its own temp folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COPBOT_", "PROMETHEUS_"))}
    tmp.mkdir(parents=True, exist_ok=True)
    return env | {
        "SLACK_BOT_TOKEN": workspace.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "COPBOT_SLACK_API_URL": sandbox.api_url,
        "COPBOT_DATABASE_URL": database_url,
        "COPBOT_LOG_LEVEL": "WARNING",
        "TMPDIR": str(tmp),
        **settings,
    }


@dataclass
class Running:
    process: subprocess.Popen[bytes]
    log: Path
    url: str | None = None

    def kill(self) -> None:
        """SIGKILL for the process and its children (gunicorn's workers): no goodbye, nothing given back."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def terminate(self) -> None:
        """SIGTERM for the main process alone, as an orchestrator sends it; it must stop its workers itself.

        One still running after STOP_TIMEOUT fails the test with its log, once it and its children are killed;
        one slower than SLOW_STOP is reported with its log.
        """
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(
                f"copbot did not stop within {STOP_TIMEOUT} s of SIGTERM:\n{self.output()}"
            ) from None
        took = time.monotonic() - started
        if took > SLOW_STOP:
            warnings.warn(
                f"copbot took {took:.0f} s to stop after SIGTERM:\n{self.output()[-6000:]}", stacklevel=2
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start(args: list[str], env: dict[str, str], log: Path) -> Running:
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "copbot", *args], env=env, stdout=sink, stderr=sink, start_new_session=True
        )
    return Running(process, log)


def start_serve(env: dict[str, str], log: Path, *, workers: int = 1) -> Running:
    port = free_port()
    running = start(
        ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--threads", "4"],
        env,
        log,
    )
    running.url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if running.process.poll() is not None:
            raise AssertionError(f"copbot serve exited early:\n{running.output()}")
        try:
            with urllib.request.urlopen(running.url + "/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return running
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    running.stop()
    raise AssertionError(f"copbot serve was not healthy within {START_TIMEOUT} s:\n{running.output()}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition, *, timeout: float, what: str, every: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(every)
