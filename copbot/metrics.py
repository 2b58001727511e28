"""copbot's Prometheus metrics, and the one function per fact that the rest of the code calls.

Under `copbot serve` every gunicorn worker writes its samples to files in PROMETHEUS_MULTIPROC_DIR (set by
`copbot serve` before this module is imported: copbot.metrics_dir), and /metrics adds up all
workers' files, so one scrape sees the whole server. Anywhere else (tests, `copbot run`, `copbot demo`)
the samples live in this process's default registry.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from copbot.metrics_dir import MULTIPROC_VARIABLE

# Slack gives up after 3 s: the buckets are finest where an answer is fine, and mark 1, 2 and 3 s.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)

REQUESTS = Counter(
    "copbot_http_requests", "HTTP requests answered, by route and status code.", ["path", "status"]
)
SLACK_REQUESTS = Counter(
    "copbot_slack_requests",
    "Requests from Slack by kind (command, block_actions, view_submission, event…) and outcome.",
    ["kind", "outcome"],
)
ACK_SECONDS = Histogram(
    "copbot_slack_ack_seconds",
    "Time from receiving a Slack request to answering it.",
    ["kind"],
    buckets=ACK_BUCKETS,
)
DELIVERIES = Counter(
    "copbot_deliveries", "Outbox deliveries finished, by kind and final status.", ["kind", "status"]
)
SLACK_API_ERRORS = Counter(
    "copbot_slack_api_errors",
    "Slack Web API calls that failed, by method and error code.",
    ["method", "code"],
)
LOOP_LAG = Gauge(
    "copbot_scheduler_loop_lag_seconds",
    "How late the scheduler loop's last tick ran; the largest among live processes.",
    multiprocess_mode="livemax",
)


def slack_request(kind: str, outcome: str, seconds: float) -> None:
    """One request from Slack answered: `outcome` is ok, refused, rejected or error."""
    SLACK_REQUESTS.labels(kind, outcome).inc()
    ACK_SECONDS.labels(kind).observe(seconds)


def http_request(path: str, status: int) -> None:
    REQUESTS.labels(path, str(status)).inc()


def delivery_finished(kind: str, status: str) -> None:
    """An outbox delivery reached a final status (sent, failed, skipped…)."""
    DELIVERIES.labels(kind, status).inc()


def slack_api_error(method: str, code: str) -> None:
    """A Slack Web API call failed; `code` is Slack's error (ratelimited, not_in_channel…) or HTTP status."""
    SLACK_API_ERRORS.labels(method, code).inc()


def loop_lag(seconds: float) -> None:
    """The scheduler loop ran a tick `seconds` after it was due."""
    LOOP_LAG.set(max(seconds, 0.0))


def render() -> tuple[bytes, str]:
    """The exposition for /metrics and its content type: every worker's samples when multiprocess."""
    if os.environ.get(MULTIPROC_VARIABLE):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def worker_exited(pid: int) -> None:
    """gunicorn's child_exit hook: drop the live-only gauges of a worker that is gone."""
    if os.environ.get(MULTIPROC_VARIABLE):
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]
