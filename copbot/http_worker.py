"""copbot serve's gunicorn worker: gthread's, with its threads kept for requests that have arrived.

A module of its own, importing nothing of copbot, so that another app (the HTTP benchmark's bare one) can
be served by the same worker without loading copbot.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from gunicorn.workers import gthread

THREAD_START_TIMEOUT = 10.0  # seconds for a worker's request threads to start


def start_every_thread(pool: ThreadPoolExecutor, count: int) -> None:
    """Start all `count` threads of the pool now rather than one at a time as work comes.

    A ThreadPoolExecutor starts a thread only when no finished task has freed one, and a finished task
    counts as freeing its thread even when that thread goes straight on to a queued one. So a burst of
    requests after a quiet spell was served by the two or three threads the quiet spell had needed, and
    queued for hundreds of milliseconds while the others were never started.
    """
    everyone_started = threading.Barrier(count)
    for started in [pool.submit(everyone_started.wait, THREAD_START_TIMEOUT) for _ in range(count)]:
        started.result()


class RequestThreadWorker(gthread.ThreadWorker):  # type: ignore[misc]
    """gunicorn's gthread worker, its threads kept for requests that have arrived.

    gthread hands each new connection to a request thread that waits up to 5 s for the request: a few
    clients slow to send, or connections opened ahead of their requests, held every thread and kept
    requests behind them waiting past Slack's 3 s. A new connection with nothing to read yet waits in
    the worker's poller instead, as kept-alive ones do.
    """

    def get_thread_pool(self) -> ThreadPoolExecutor:
        pool: ThreadPoolExecutor = super().get_thread_pool()
        start_every_thread(pool, self.cfg.threads)
        return pool

    def handle(self, conn: Any) -> Any:
        if not conn.initialized and not conn.data_ready and not conn.wait_for_data(0):
            return gthread._DEFER  # noqa: SLF001 - gthread's own "wait in the poller" answer
        return super().handle(conn)
