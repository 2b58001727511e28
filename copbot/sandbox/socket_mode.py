"""Slack's Socket Mode on loopback: a small WebSocket server that hands envelopes to the app.

apps.connections.open issues a single-use ticket; the app opens ws://127.0.0.1:<port>/link/?ticket=…,
gets a `hello`, then receives envelopes and answers each with `{"envelope_id": …, "payload": …}`.
Frames are encoded and read by copbot.sandbox.websocket.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BufferedIOBase
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

from copbot.sandbox.state import Hub
from copbot.sandbox.websocket import (
    ABNORMAL,
    CLOSE,
    GOING_AWAY,
    INVALID_DATA,
    MAX_MESSAGE,
    NO_STATUS,
    NORMAL,
    PING,
    PONG,
    TEXT,
    TOO_BIG,
    Frame,
    ProtocolError,
    accept_key,
    close_payload,
    encode_frame,
    message_kind,
    read_frame,
    upgrade_refusal,
)

logger = logging.getLogger(__name__)

CLOSE_GRACE = 1.0  # seconds a peer gets to answer our close frame before the socket is cut
HANDSHAKE_TIMEOUT = 10.0


class SocketConnection:
    """One WebSocket the app opened: send it messages and envelopes, read its acks, ping it, close it."""

    def __init__(self, sock: socket.socket, stream: BufferedIOBase, *, team_id: str, number: int) -> None:
        self.team_id = team_id
        self.number = number  # 1 for the server's first connection, then 2, …
        self.close_code: int | None = None
        self._sock = sock
        self._stream = stream
        self._send_lock = threading.Lock()
        self._changed = threading.Condition()
        self._received: list[dict[str, Any]] = []
        self._acks: dict[str, dict[str, Any]] = {}
        self._pongs: list[bytes] = []
        self._close_sent: int | None = None
        self._closed = False

    def __repr__(self) -> str:
        state = "open" if self.is_open else f"closed {self.close_code}"
        return f"<SocketConnection {self.number} {self.team_id} {state}>"

    @property
    def is_open(self) -> bool:
        return not self._closed

    def received(self) -> list[dict[str, Any]]:
        """Every JSON message the app sent on this connection, acks included, oldest first."""
        with self._changed:
            return [dict(message) for message in self._received]

    # --- sending -----------------------------------------------------------------------------------

    def send(self, message: dict[str, Any]) -> None:
        if self._close_sent is not None or self._closed:
            raise ConnectionError(f"{self!r} is closing: Slack sends nothing more on it")
        self._send_frame(TEXT, json.dumps(message).encode())

    def request(self, envelope: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send an envelope and return the app's ack for it (`{"envelope_id": …, "payload": …}`)."""
        envelope_id = str(envelope["envelope_id"])
        self.send(envelope)
        deadline = time.monotonic() + timeout
        with self._changed:
            while envelope_id not in self._acks:
                remaining = deadline - time.monotonic()
                if self._closed:
                    raise ConnectionError(f"{self!r} closed before the app acknowledged {envelope_id}")
                if remaining <= 0:
                    raise TimeoutError(f"the app did not acknowledge {envelope_id} within {timeout} s")
                self._changed.wait(remaining)
            return self._acks.pop(envelope_id)

    def ping(self, payload: bytes = b"sandbox", timeout: float = 5.0) -> bool:
        """Ping the app; True once it answered with a pong carrying the same payload."""
        self._send_frame(PING, payload)
        with self._changed:
            answered = self._changed.wait_for(lambda: payload in self._pongs or self._closed, timeout)
            if answered and payload in self._pongs:
                self._pongs.remove(payload)
                return True
            return False

    def send_disconnect(self, reason: str = "refresh_requested") -> None:
        """Slack's warning that this connection is going away: the app should connect to a new URL."""
        self.send({"type": "disconnect", "reason": reason, "debug_info": {"host": "sandbox-applink"}})

    def close(self, code: int = NORMAL, reason: str = "", timeout: float = CLOSE_GRACE) -> None:
        """Start the close handshake; cut the socket if the app has not closed its side within `timeout`.

        An app that already dropped the connection makes the close frame fail to send; the connection is then
        just as closed, as it would be on Slack.
        """
        with contextlib.suppress(ConnectionError):
            self.begin_close(code, reason)
        if not self.wait_closed(timeout):
            self.cut()

    def begin_close(self, code: int, reason: str = "") -> None:
        with self._send_lock:
            if self._close_sent is not None or self._closed:
                return
            self._close_sent = code
        self._send_frame(CLOSE, close_payload(code, reason), after_close=True)

    def wait_closed(self, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self._closed, timeout)

    def cut(self) -> None:
        """Drop the TCP connection without ceremony; the reading thread then sees the end of the stream."""
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)

    def _send_frame(self, opcode: int, payload: bytes, *, after_close: bool = False) -> None:
        with self._send_lock:
            if self._closed or (self._close_sent is not None and not after_close):
                raise ConnectionError(f"{self!r} is closed")
            try:
                self._sock.sendall(encode_frame(opcode, payload))
            except OSError as error:
                raise ConnectionError(f"{self!r} is broken: {error}") from error

    # --- receiving (on the connection's own thread) ------------------------------------------------

    def serve(self) -> None:
        """Read frames until the close handshake or the end of the stream."""
        code = ABNORMAL
        try:
            code = self._read_messages()
        except ProtocolError as error:
            logger.info("closing %r: %s", self, error)
            with contextlib.suppress(ConnectionError):
                self.begin_close(error.code, str(error))
            code = error.code
        except (ConnectionError, OSError):
            code = self._close_sent or ABNORMAL
        finally:
            self.cut()
            with self._changed:
                self.close_code = code
                self._closed = True
                self._changed.notify_all()

    def _read_messages(self) -> int:
        parts: list[bytes] = []
        kind: int | None = None
        while (frame := read_frame(self._stream, masked=True)) is not None:
            if frame.opcode >= CLOSE:
                code = self._on_control(frame)
                if code is not None:
                    return code
                continue
            kind = message_kind(frame, kind)
            parts.append(frame.payload)
            if sum(map(len, parts)) > MAX_MESSAGE:
                raise ProtocolError("message too big", TOO_BIG)
            if frame.fin:
                self._on_message(kind, b"".join(parts))
                parts, kind = [], None
        return self._close_sent or ABNORMAL

    def _on_control(self, frame: Frame) -> int | None:
        """Answer pings, note pongs; on a close frame, echo it and return its code."""
        if frame.opcode == PING:
            if self._close_sent is None:  # once closing, pings may go unanswered
                self._send_frame(PONG, frame.payload)
        elif frame.opcode == PONG:
            with self._changed:
                self._pongs.append(frame.payload)
                self._changed.notify_all()
        elif frame.opcode == CLOSE:
            code = struct.unpack("!H", frame.payload[:2])[0] if len(frame.payload) >= 2 else NO_STATUS  # noqa: PLR2004
            with contextlib.suppress(ConnectionError):
                self.begin_close(code)
            return code
        else:
            raise ProtocolError(f"unknown opcode {frame.opcode:#x}")
        return None

    def _on_message(self, kind: int, data: bytes) -> None:
        if kind != TEXT:
            logger.debug("%r ignored a binary message of %d bytes", self, len(data))
            return
        try:
            message = json.loads(data.decode())
        except UnicodeDecodeError:
            raise ProtocolError("text message is not UTF-8", INVALID_DATA) from None
        except json.JSONDecodeError:
            logger.warning("%r: the app sent a text message that is not JSON: %r", self, data[:200])
            return
        if not isinstance(message, dict):
            logger.warning("%r: the app sent JSON that is not an object: %r", self, data[:200])
            return
        with self._changed:
            self._received.append(message)
            if "envelope_id" in message:
                self._acks[str(message["envelope_id"])] = message
            self._changed.notify_all()


class SocketModeServer:
    """The sandbox's Socket Mode endpoint: accepts connections for tickets issued by apps.connections.open."""

    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._changed = threading.Condition()
        self._connections: list[SocketConnection] = []
        self._threads: list[threading.Thread] = []

    def start(self) -> str:
        """Listen on a free loopback port; returns the base URL (ws://127.0.0.1:<port>)."""
        self._server = _Server(self)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return f"ws://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        """Refuse new connections, close the open ones (1001 going away), and wait for their threads."""
        if self._server is None or self._thread is None:
            return
        self._server.shutdown()
        self._server.server_close()  # reconnect attempts are now refused at once
        self._thread.join()
        open_connections = self.connections()
        for connection in open_connections:
            with contextlib.suppress(ConnectionError):
                connection.begin_close(GOING_AWAY, "sandbox stopping")
        deadline = time.monotonic() + CLOSE_GRACE
        for connection in open_connections:
            if not connection.wait_closed(max(0.0, deadline - time.monotonic())):
                connection.cut()
        with self._changed:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout=CLOSE_GRACE)
        self._server = self._thread = None

    def connections(
        self, team_id: str | None = None, *, include_closed: bool = False
    ) -> list[SocketConnection]:
        with self._changed:
            return [
                c for c in self._connections if team_id in (None, c.team_id) and (include_closed or c.is_open)
            ]

    def wait_for_connection(self, team_id: str, timeout: float, count: int = 1) -> SocketConnection:
        """The newest open connection of a workspace, once it has opened at least `count` in all."""

        def ready() -> SocketConnection | None:
            ever = [c for c in self._connections if c.team_id == team_id]
            opened = [c for c in ever if c.is_open]
            return opened[-1] if len(ever) >= count and opened else None

        with self._changed:
            if not self._changed.wait_for(lambda: ready() is not None, timeout):
                ever = len(self.connections(team_id, include_closed=True))
                raise TimeoutError(
                    f"no open Socket Mode connection from {team_id} within {timeout} s "
                    f"(expected {count} opened in all, saw {ever})"
                )
            return cast("SocketConnection", ready())

    def redeem_ticket(self, ticket: str) -> str | None:
        return self._hub.redeem_socket_ticket(ticket)

    def serve_connection(self, sock: socket.socket, stream: BufferedIOBase, team_id: str) -> None:
        """Run one upgraded connection on the calling (server) thread: hello, then read until closed."""
        with self._changed:
            connection = SocketConnection(sock, stream, team_id=team_id, number=len(self._connections) + 1)
            self._connections.append(connection)
            self._threads.append(threading.current_thread())
            siblings = len(self.connections(team_id))
        try:
            connection.send(_hello(self._hub.app_id, siblings))
        except ConnectionError:
            connection.cut()
        with self._changed:
            self._changed.notify_all()
        connection.serve()
        with self._changed:
            self._changed.notify_all()


def _hello(app_id: str, num_connections: int) -> dict[str, Any]:
    return {
        "type": "hello",
        "num_connections": num_connections,
        "debug_info": {"host": "sandbox-applink", "build_number": 1, "approximate_connection_time": 18060},
        "connection_info": {"app_id": app_id},
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: SocketModeServer) -> None:
        super().__init__(("127.0.0.1", 0), _Handshake)
        self.owner = owner


class _Handshake(BaseHTTPRequestHandler):
    """The HTTP/1.1 Upgrade request; once switched, the socket belongs to a SocketConnection."""

    protocol_version = "HTTP/1.1"
    timeout = HANDSHAKE_TIMEOUT  # a client that connects and never sends its request is dropped

    def do_GET(self) -> None:
        refusal = self._refusal()
        if refusal is not None:
            self._refuse(*refusal)
            return
        url = urlsplit(self.path)
        ticket = parse_qs(url.query).get("ticket", [""])[0]
        owner = cast("_Server", self.server).owner
        team_id = owner.redeem_ticket(ticket)
        if team_id is None:
            self._refuse(401, "invalid_ticket: call apps.connections.open for a new URL")
            return
        self.send_response(101, "Switching Protocols")
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept_key(self.headers["Sec-WebSocket-Key"].strip()))
        self.end_headers()
        self.close_connection = True
        self.connection.settimeout(None)
        owner.serve_connection(self.connection, self.rfile, team_id)

    def _refusal(self) -> tuple[int, str] | None:
        """Why this is not a WebSocket handshake for the Socket Mode endpoint, if it is not."""
        if urlsplit(self.path).path.rstrip("/") != "/link":
            return 404, "not_found"
        return upgrade_refusal(self.headers)

    def _refuse(self, status: int, text: str) -> None:
        body = text.encode()
        self.send_response(status)
        if status == 426:  # noqa: PLR2004 - Upgrade Required names the version we speak
            self.send_header("Sec-WebSocket-Version", "13")
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, fmt: str, *args: Any) -> None:
        logger.debug(fmt, *args)
