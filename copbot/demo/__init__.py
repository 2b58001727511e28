"""`copbot demo`: the real app, over real HTTP, against the bundled Slack sandbox, with a scripted story."""

from copbot.demo.run import run_demo

__all__ = ["run_demo"]
