"""The outbox table: one row per work key, claims with leases, expiry, stopped workspaces, pruning, gates."""

from __future__ import annotations

from datetime import timedelta

from conftest import T0, later

from copbot.store import deliveries as store
from copbot.store import gates
from copbot.store.db import unit_of_work
from copbot.store.workspaces import refuse_token

LEASE = timedelta(seconds=30)


def _claim(session_factory, *, now, worker="w1", limit=10):
    with unit_of_work(session_factory) as session:
        return store.claim_due(session, now=now, worker=worker, lease=LEASE, limit=limit)


def test_one_row_per_work_key(notice, deliveries):
    """Adding the same work twice (a double click, a retry, two loops) leaves one row."""
    first = notice("T1", "U1", "same")
    again = notice("T1", "U1", "same")
    assert first is not None
    assert again == first
    assert [key for key, *_ in deliveries()] == ["notice:same"]


def test_only_due_deliveries_are_claimed_and_each_once(notice, session_factory):
    """A delivery is claimed once it is due, by one claimer; a second claimer finds nothing."""
    now_id = notice("T1", "U1", "now")
    notice("T1", "U1", "later", now=later(hours=1))
    claimed = _claim(session_factory, now=later(seconds=1))
    assert [c.id for c in claimed] == [now_id]
    assert claimed[0].attempts == 1
    assert _claim(session_factory, now=later(seconds=1), worker="w2") == []


def test_a_dead_claimers_delivery_is_taken_over_after_its_lease(notice, session_factory):
    """Claimed and never finished: due again for anyone once the lease has run out."""
    delivery_id = notice("T1", "U1", "orphan")
    assert [c.id for c in _claim(session_factory, now=T0, worker="dead")] == [delivery_id]
    assert _claim(session_factory, now=T0 + LEASE - timedelta(seconds=1), worker="w2") == []
    [taken] = _claim(session_factory, now=T0 + LEASE + timedelta(seconds=1), worker="w2")
    assert (taken.id, taken.attempts) == (delivery_id, 2)


def test_past_its_time_a_delivery_is_skipped_and_counted(notice, session_factory, deliveries):
    """Nobody sent it within its window: it is skipped (never sent late) and the skip is counted."""
    notice("T1", "U1", "stale")  # a notice to a DM is worth an hour
    notice("T1", "U1", "fresh", now=later(minutes=50))
    with unit_of_work(session_factory) as session:
        assert store.skip_expired(session, now=later(minutes=61)) == ["notice"]
    assert [(key, status, error) for key, status, _, error in deliveries()] == [
        ("notice:stale", "skipped", "expired"),
        ("notice:fresh", "pending", None),
    ]
    assert [c.work_key for c in _claim(session_factory, now=later(minutes=61))] == ["notice:fresh"]


def test_a_workspace_whose_token_is_refused_waits(notice, session_factory):
    """Deliveries of a workspace whose token Slack refused are not claimed; others' are."""
    notice("T1", "U1", "stopped")
    other = notice("T2", "U2", "going")
    with unit_of_work(session_factory) as session:
        refuse_token(session, team_id="T1", reason="token_revoked", now=T0)
    assert [c.id for c in _claim(session_factory, now=T0)] == [other]


def test_release_puts_it_back_and_a_gate_wait_is_not_an_attempt(notice, session_factory):
    """Given back after a 429, a delivery is due at the gate's time with its attempt not counted."""
    delivery_id = notice("T1", "U1", "gated")
    _claim(session_factory, now=T0)
    with unit_of_work(session_factory) as session:
        assert store.release(
            session,
            delivery_id,
            worker="w1",
            now=T0,
            due_at=later(seconds=2),
            reason=None,
            counts_as_attempt=False,
        )
    assert _claim(session_factory, now=later(seconds=1)) == []
    [again] = _claim(session_factory, now=later(seconds=2))
    assert again.attempts == 1


def test_a_lost_lease_is_not_recorded_over(notice, session_factory, deliveries):
    """A sender whose claim was taken over cannot mark the delivery: the new claimer owns it."""
    delivery_id = notice("T1", "U1", "contested")
    _claim(session_factory, now=T0, worker="slow")
    _claim(session_factory, now=T0 + LEASE * 2, worker="quick")
    with unit_of_work(session_factory) as session:
        assert not store.mark_sent(session, delivery_id, worker="slow", now=T0, message_ts="1.0")
        assert store.mark_sent(session, delivery_id, worker="quick", now=T0, message_ts="1.0")
    assert deliveries()[0][1] == "sent"


def test_prune_forgets_old_finished_deliveries_only(notice, session_factory, deliveries):
    """Finished deliveries older than the kept period go; pending ones stay whatever their age."""
    sent_id = notice("T1", "U1", "old-sent")
    notice("T1", "U1", "old-pending")
    _claim(session_factory, now=T0, limit=1)
    with unit_of_work(session_factory) as session:
        store.mark_sent(session, sent_id, worker="w1", now=T0, message_ts=None)
    kept = timedelta(days=30)
    with unit_of_work(session_factory) as session:
        assert store.prune(session, now=T0 + kept, events_kept=kept, deliveries_kept=kept) == 0
        assert store.prune(session, now=later(days=31), events_kept=kept, deliveries_kept=kept) == 1
    assert [key for key, *_ in deliveries()] == ["notice:old-pending"]


def test_pace_gate_lets_a_short_burst_through_then_one_a_second(session_factory, notice):
    """Three posts at once pass, the fourth waits a second; a second later one more may go."""
    notice("T1", "U1", "workspace")  # the gate belongs to a workspace row
    second = timedelta(seconds=1)

    def go(now):
        with unit_of_work(session_factory) as session:
            return gates.pass_through(
                session, team_id="T1", key=gates.pace_key("C1"), now=now, interval=second, burst=3
            )

    assert [go(T0) for _ in range(3)] == [None, None, None]
    assert go(T0) == T0 + second
    assert go(T0 + second) is None
    assert go(T0 + second) == T0 + 2 * second


def test_a_closed_gate_keeps_the_latest_closing(session_factory, notice):
    """Two 429s close a gate: it stays closed until the later of the two Retry-Afters."""
    notice("T1", "U1", "workspace")
    with unit_of_work(session_factory) as session:
        gates.close_until(session, team_id="T1", key="method:users.info", until=later(seconds=30))
        gates.close_until(session, team_id="T1", key="method:users.info", until=later(seconds=10))
    with unit_of_work(session_factory) as session:
        assert gates.closed_until(session, team_id="T1", key="method:users.info", now=T0) == later(seconds=30)
        assert (
            gates.closed_until(session, team_id="T1", key="method:users.info", now=later(seconds=30)) is None
        )
