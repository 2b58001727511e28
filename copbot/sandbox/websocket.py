"""The WebSocket wire format (RFC 6455) the sandbox's Socket Mode server speaks: handshake key and frames.

Only what Slack's clients use: text and binary messages (possibly fragmented), ping/pong and close; no
extensions. Public so that tests can act as a client byte by byte.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass
from email.message import Message
from io import BufferedIOBase

WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
NORMAL, GOING_AWAY, PROTOCOL_ERROR, NO_STATUS, ABNORMAL, INVALID_DATA, TOO_BIG = (
    1000, 1001, 1002, 1005, 1006, 1007, 1009
)  # fmt: skip
MAX_MESSAGE = 16 * 1024 * 1024
MAX_CONTROL = 125
SHORT_LENGTH, LONG_LENGTH = 126, 127


class ProtocolError(Exception):
    """The peer broke RFC 6455; the connection is closed with `code`."""

    def __init__(self, reason: str, code: int = PROTOCOL_ERROR) -> None:
        super().__init__(reason)
        self.code = code


@dataclass(frozen=True)
class Frame:
    fin: bool
    opcode: int
    payload: bytes


def upgrade_refusal(headers: Message) -> tuple[int, str] | None:
    """The HTTP status and reason for refusing an upgrade request, or None when it is a valid one."""
    connection = {part.strip().lower() for part in headers.get("Connection", "").split(",")}
    if headers.get("Upgrade", "").lower() != "websocket" or "upgrade" not in connection:
        return 400, "expected a WebSocket upgrade (Upgrade: websocket, Connection: Upgrade)"
    if headers.get("Sec-WebSocket-Version", "").strip() != "13":
        return 426, "only WebSocket version 13 is spoken here"
    try:
        key = base64.b64decode(headers.get("Sec-WebSocket-Key", ""), validate=True)
    except binascii.Error:
        key = b""
    if len(key) != 16:  # noqa: PLR2004 - RFC 6455: a base64-encoded 16-byte nonce
        return 400, "Sec-WebSocket-Key must be a base64-encoded 16-byte nonce"
    return None


def accept_key(key: str) -> str:
    """Sec-WebSocket-Accept for a client's Sec-WebSocket-Key (RFC 6455 section 4.2.2)."""
    digest = hashlib.sha1((key + WEBSOCKET_GUID).encode(), usedforsecurity=False).digest()
    return base64.b64encode(digest).decode()


def apply_mask(data: bytes, mask: bytes) -> bytes:
    """XOR with the 4-byte key, repeated; masking and unmasking are the same operation."""
    repeated = (mask * (len(data) // 4 + 1))[: len(data)]
    return (int.from_bytes(data, "big") ^ int.from_bytes(repeated, "big")).to_bytes(len(data), "big")


def encode_frame(opcode: int, payload: bytes, *, mask: bytes | None = None, fin: bool = True) -> bytes:
    """One frame; a server sends them unmasked, a client (or a test acting as one) masked."""
    bit = 0x80 if mask else 0
    size = len(payload)
    head = bytes([(0x80 if fin else 0) | opcode])
    if size < SHORT_LENGTH:
        head += bytes([bit | size])
    elif size < 1 << 16:
        head += struct.pack("!BH", bit | SHORT_LENGTH, size)
    else:
        head += struct.pack("!BQ", bit | LONG_LENGTH, size)
    return (head + mask + apply_mask(payload, mask)) if mask else (head + payload)


def _read_exact(stream: BufferedIOBase, size: int) -> bytes:
    data = stream.read(size)
    if len(data) < size:
        raise ConnectionError("the peer closed the connection in the middle of a frame")
    return data


def read_frame(stream: BufferedIOBase, *, masked: bool) -> Frame | None:
    """The next frame, or None when the peer closed the connection between frames."""
    head = stream.read(2)
    if not head:
        return None
    if len(head) < 2:  # noqa: PLR2004 - the two header bytes
        raise ConnectionError("the peer closed the connection in the middle of a frame")
    first, second = head
    opcode, size = first & 0x0F, second & 0x7F
    if first & 0x70:
        raise ProtocolError("reserved bits set without a negotiated extension")
    if bool(second & 0x80) != masked:
        raise ProtocolError("client frames must be masked, server frames must not be")
    if size == SHORT_LENGTH:
        size = struct.unpack("!H", _read_exact(stream, 2))[0]
    elif size == LONG_LENGTH:
        size = struct.unpack("!Q", _read_exact(stream, 8))[0]
    if opcode >= CLOSE and (size > MAX_CONTROL or not first & 0x80):
        raise ProtocolError("control frames must be final and at most 125 bytes")
    if size > MAX_MESSAGE:
        raise ProtocolError("message too big", TOO_BIG)
    key = _read_exact(stream, 4) if masked else b""
    payload = _read_exact(stream, size)
    return Frame(bool(first & 0x80), opcode, apply_mask(payload, key) if key else payload)


def close_payload(code: int, reason: str = "") -> bytes:
    """A close frame's body: the status code, then a reason cut to fit the 125-byte control frame."""
    return b"" if code == NO_STATUS else struct.pack("!H", code) + reason.encode()[: MAX_CONTROL - 2]


def message_kind(frame: Frame, current: int | None) -> int:
    """The opcode of the message a data frame belongs to, checking the fragmentation rules."""
    if frame.opcode == CONTINUATION:
        if current is None:
            raise ProtocolError("continuation frame without a message to continue")
        return current
    if frame.opcode not in (TEXT, BINARY):
        raise ProtocolError(f"unknown opcode {frame.opcode:#x}")
    if current is not None:
        raise ProtocolError("a new message started inside a fragmented one")
    return frame.opcode
