"""The metrics the rest of copbot reports through, counted in this process's registry."""

from __future__ import annotations

from prometheus_client import REGISTRY

from copbot import metrics


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_delivery_finished_counts_by_kind_and_status():
    """Each finished delivery adds one to its kind and status, and only there."""
    before = _sample("copbot_deliveries_total", kind="welcome-dm", status="sent")
    other = _sample("copbot_deliveries_total", kind="welcome-dm", status="failed")
    metrics.delivery_finished("welcome-dm", "sent")
    metrics.delivery_finished("welcome-dm", "sent")

    assert _sample("copbot_deliveries_total", kind="welcome-dm", status="sent") == before + 2
    assert _sample("copbot_deliveries_total", kind="welcome-dm", status="failed") == other


def test_slack_api_error_counts_by_method_and_code():
    """A failed Web API call is counted under its method and Slack's error code."""
    before = _sample("copbot_slack_api_errors_total", method="chat.postMessage", code="ratelimited")
    metrics.slack_api_error("chat.postMessage", "ratelimited")

    assert (
        _sample("copbot_slack_api_errors_total", method="chat.postMessage", code="ratelimited") == before + 1
    )


def test_loop_lag_keeps_the_latest_value_never_below_zero():
    """The loop's lag is a gauge of the last tick; a tick early by clock noise reads as zero."""
    metrics.loop_lag(2.5)
    assert _sample("copbot_scheduler_loop_lag_seconds") == 2.5
    metrics.loop_lag(-0.1)
    assert _sample("copbot_scheduler_loop_lag_seconds") == 0.0


def test_slack_request_counts_and_times_the_answer():
    """An answered Slack request is counted by kind and outcome, and its latency lands in the histogram."""
    before = _sample("copbot_slack_requests_total", kind="view_submission", outcome="ok")
    count = _sample("copbot_slack_ack_seconds_count", kind="view_submission")
    fast = _sample("copbot_slack_ack_seconds_bucket", kind="view_submission", le="0.05")
    metrics.slack_request("view_submission", "ok", 0.04)

    assert _sample("copbot_slack_requests_total", kind="view_submission", outcome="ok") == before + 1
    assert _sample("copbot_slack_ack_seconds_count", kind="view_submission") == count + 1
    assert _sample("copbot_slack_ack_seconds_bucket", kind="view_submission", le="0.05") == fast + 1


def test_render_is_the_prometheus_text_format():
    """/metrics serves Prometheus' text exposition, naming copbot's metrics."""
    body, content_type = metrics.render()

    assert content_type.startswith("text/plain; version=")
    assert b"# TYPE copbot_slack_ack_seconds histogram" in body
