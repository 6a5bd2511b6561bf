"""Where data lives and what time it is: resolved once per run from options, environment and defaults.

Precedence: option > environment (SHOPCLI_DB, SHOPCLI_CATALOG, SHOPCLI_NOW) > default. The clock is
passed in everywhere, never read inside the core, so tests and transcripts are deterministic.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .errors import UsageError

__all__ = ["Settings", "parse_now", "default_db_path"]


def default_db_path() -> Path:
    """orders.json in the user's data directory (platform convention)."""
    from platformdirs import user_data_path

    return user_data_path("shopcli", appauthor=False) / "orders.json"


def parse_now(text: str | None) -> datetime:
    """The clock: an ISO 8601 time (naive means UTC), or the system clock when None."""
    if text is None or not text.strip():
        return datetime.now(timezone.utc).replace(microsecond=0)
    try:
        now = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--now / SHOPCLI_NOW is not an ISO 8601 time: {text[:40]!r}",
                         hint="example: 2026-11-23T14:03:00+00:00") from None
    return now if now.tzinfo else now.replace(tzinfo=timezone.utc)


@dataclass
class Settings:
    """The resolved places and clock of one run; heavy things (catalog, store) load on first use."""

    db: str | None = None
    catalog_path: str | None = None
    now_text: str | None = None
    _catalog: object = field(default=None, repr=False)
    _store: object = field(default=None, repr=False)
    _now: datetime | None = field(default=None, repr=False)

    @property
    def now(self) -> datetime:
        if self._now is None:
            self._now = parse_now(self.now_text)
        return self._now

    @property
    def db_path(self) -> Path:
        if self.db is not None and str(self.db).strip():
            return Path(os.path.expanduser(str(self.db)))
        return default_db_path()

    @property
    def catalog(self):
        if self._catalog is None:
            from .catalog_cache import open_catalog

            self._catalog = open_catalog(self.catalog_path or None)
        return self._catalog

    @property
    def store(self):
        if self._store is None:
            from .store import Store

            self._store = Store(self.db_path)
        return self._store
