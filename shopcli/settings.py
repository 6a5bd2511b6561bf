"""Where data lives and what time it is: resolved once per run from options, environment, the
config file and defaults.

Precedence: option > environment (SHOPCLI_DB, SHOPCLI_CATALOG, SHOPCLI_NOW) > config file
(``shop config path``) > default. The config file is read only when a setting is actually needed
and no option or environment variable gave it. The clock is passed in everywhere, never read
inside the core, so tests and transcripts are deterministic.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, time, timezone
from pathlib import Path

from .errors import UsageError
from .paths import config_file_path, default_db_path

__all__ = ["Settings", "parse_now", "default_db_path", "config_file_path", "SOURCES"]

#: where a setting came from, strongest first
SOURCES = ("option", "environment", "config", "default")


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
    """The resolved places and clock of one run; heavy things (catalog, store, config) load on first use.

    ``db``/``catalog_path``/``now_text`` are what the option or environment gave (None: not given);
    ``sources`` says which of the two it was, for ``shop config show``.
    """

    db: str | None = None
    catalog_path: str | None = None
    now_text: str | None = None
    sources: dict[str, str] = field(default_factory=dict)
    config_file: str | None = None   # another config file than $SHOPCLI_CONFIG / the default
    _catalog: object = field(default=None, repr=False)
    _store: object = field(default=None, repr=False)
    _now: datetime | None = field(default=None, repr=False)
    _config: object = field(default=None, repr=False)

    @property
    def now(self) -> datetime:
        if self._now is None:
            self._now = parse_now(self.now_text)
        return self._now

    # -- the config file ---------------------------------------------------------------------
    @property
    def config_path(self) -> Path:
        """The config file of this run (it need not exist)."""
        return Path(self.config_file) if self.config_file else config_file_path()

    @property
    def config(self):
        """The config file's settings (:class:`shopcli.config.Config`); DataError when it is broken."""
        if self._config is None:
            from .config import load_config

            self._config = load_config(self.config_path)
        return self._config

    def _from_config(self, key: str) -> str | None:
        if self._config is None and not os.path.lexists(self.config_path):
            return None   # no file: nothing to read, and no need to load the config module
        return self.config.resolved(key)

    def resolve(self, key: str) -> tuple[str | None, str]:
        """A setting's value and where it came from: option, environment, config or default."""
        given = {"db": self.db, "catalog": self.catalog_path, "now": self.now_text}.get(key)
        if given is not None and str(given).strip():
            return str(given), self.sources.get(key, "option")
        if key == "now":
            return None, "default"
        value = self._from_config(key)
        return (value, "config") if value is not None else (None, "default")

    @property
    def db_path(self) -> Path:
        value, _ = self.resolve("db")
        if value is not None:
            return Path(os.path.expanduser(value))
        return default_db_path()

    @property
    def catalog_source(self) -> str | None:
        """The catalog path to open, or None for the catalog shipped with the package."""
        return self.resolve("catalog")[0]

    @property
    def default_window(self) -> tuple[time, time] | None:
        """The config's delivery window for a day said without a time (None: the built-in one)."""
        text = self._from_config("delivery_window")
        if text is None:
            return None
        from .config import parse_window

        return parse_window(text)

    @property
    def default_pickup(self) -> str | None:
        """The config's preferred pickup store, or None."""
        return self._from_config("pickup")

    @property
    def money_format(self) -> str | None:
        """The config's currency_format (None: "5.67 USD" as always)."""
        return self._from_config("currency_format")

    @property
    def catalog(self):
        if self._catalog is None:
            from .catalog.cache import open_catalog

            self._catalog = open_catalog(self.catalog_source)
        return self._catalog

    @property
    def store(self):
        if self._store is None:
            from .store.db import Store

            self._store = Store(self.db_path)
        return self._store
