"""slack_sdk's SQLAlchemy installation store, with every token encrypted on save and decrypted on read.

Bolt and slack_sdk call this store as they call theirs (OAuth installs, token rotation, uninstalls); only
the token columns differ, holding Fernet tokens (copbot.store.sealing). An install also records the
workspace and clears its uninstalled mark, so that a reinstall resumes what an uninstall stopped.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from copbot.store.models import BOTS, INSTALLATIONS, TOKEN_COLUMNS
from copbot.store.sealing import TokenSealer
from copbot.store.workspaces import mark_installed


class SealedInstallationStore(SQLAlchemyInstallationStore):
    def __init__(self, *, client_id: str, engine: Engine, sealer: TokenSealer) -> None:
        super().__init__(client_id=client_id, engine=engine)
        self._sealer = sealer

    def save(self, installation: Installation) -> None:
        super().save(self._sealed(installation))
        if installation.team_id is None:  # an org-wide install: copbot does not offer those
            return
        installed_at = datetime.fromtimestamp(installation.installed_at, UTC)
        with Session(self.engine) as session, session.begin():
            mark_installed(
                session, team_id=installation.team_id, now=installed_at, bot_user_id=installation.bot_user_id
            )

    def save_bot(self, bot: Bot) -> None:
        super().save_bot(self._sealed(bot))

    # slack_sdk makes these classmethods; here they need the sealer, and slack_sdk calls them on self.
    def build_installation_entity(self, row: Mapping[str, Any]) -> Installation:  # type: ignore[override]
        return super().build_installation_entity(self._opened(row))

    def build_bot_entity(self, row: Mapping[str, Any]) -> Bot:  # type: ignore[override]
        return super().build_bot_entity(self._opened(row))

    def reseal_all(self) -> int:
        """Re-encrypt every stored token with the first key (`copbot secrets rotate`); return how many."""
        count = 0
        with self.engine.begin() as connection:
            for table in (INSTALLATIONS, BOTS):
                columns = [table.c[name] for name in TOKEN_COLUMNS if name in table.c]
                for row in connection.execute(select(table.c.id, *columns)).mappings():
                    values = {column.name: self._sealer.reseal(row[column.name]) for column in columns}
                    connection.execute(update(table).where(table.c.id == row["id"]).values(**values))
                    count += sum(value is not None for value in values.values())
        return count

    def _sealed(self, record: Any) -> Any:
        sealed = copy.copy(record)
        for name in TOKEN_COLUMNS:
            if hasattr(sealed, name):
                setattr(sealed, name, self._sealer.seal(getattr(sealed, name)))
        return sealed

    def _opened(self, row: Mapping[str, Any]) -> dict[str, Any]:
        return {
            key: self._sealer.open(value) if key in TOKEN_COLUMNS else value for key, value in row.items()
        }
