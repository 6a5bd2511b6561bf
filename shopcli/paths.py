"""Where shopcli keeps its files by default: the platform's user directories (platformdirs)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["config_file_path", "default_db_path"]


def config_file_path() -> Path:
    """``$SHOPCLI_CONFIG``, or config.toml in the user's config directory (platform convention)."""
    env = os.environ.get("SHOPCLI_CONFIG")
    if env and env.strip():
        return Path(os.path.expanduser(env))
    from platformdirs import user_config_path

    return user_config_path("shopcli", appauthor=False) / "config.toml"


def default_db_path() -> Path:
    """orders.json in the user's data directory (platform convention)."""
    from platformdirs import user_data_path

    return user_data_path("shopcli", appauthor=False) / "orders.json"
