"""A stand-in for Slack: a Web API server with workspace state, and a driver sending signed requests.

Used by copbot's tests and by `copbot demo`; nothing of copbot is mocked at this seam.
"""

from copbot.sandbox.calllog import ApiCall
from copbot.sandbox.driver import DriverResponse, SlackDriver
from copbot.sandbox.driver_socket import SocketModeDriver
from copbot.sandbox.server import SlackSandbox
from copbot.sandbox.socket_mode import SocketConnection
from copbot.sandbox.world import Workspace

__all__ = [
    "ApiCall",
    "DriverResponse",
    "SlackDriver",
    "SlackSandbox",
    "SocketConnection",
    "SocketModeDriver",
    "Workspace",
]
