class SlackError(Exception):
    """An `ok: false` answer (HTTP 200); handlers raise it, the dispatcher sends its body."""

    def __init__(self, error: str, *, messages: list[str] | None = None, **extra: object) -> None:
        super().__init__(error)
        self.body: dict[str, object] = {"ok": False, "error": error, **extra}
        if messages:
            self.body["response_metadata"] = {"messages": messages}
