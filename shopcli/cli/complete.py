"""Tab completion of values: SKUs, product names, order ids, statuses, pickup stores and config
keys and values."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import typer

from ..settings import Settings


# -- completion of values ------------------------------------------------------------------------
# Called by the shell (through _SHOP_COMPLETE) on every Tab: they import what they need, read only
# what they must, and never fail or print — any problem simply means no suggestions.

COMPLETION_LIMIT = 500


def _quietly(fn):
    """Completions never fail, and catalog or store text reaches the shell cleaned (no escapes)."""
    @functools.wraps(fn)
    def wrapper(ctx: typer.Context, incomplete: str):
        try:
            return [_safe(v) for v in fn(ctx, incomplete or "")]
        except Exception:
            return []
    return wrapper


def _safe(value):
    from ..render import safe_text

    if isinstance(value, tuple):
        return tuple(safe_text(v) if isinstance(v, str) else v for v in value)
    return safe_text(value) if isinstance(value, str) else value


def _completion_settings(ctx) -> Settings:
    """The settings of the command line being completed (its callbacks have not run)."""
    root = ctx.find_root()
    if isinstance(root.obj, Settings):
        return root.obj
    p = root.params
    return Settings(db=p.get("db"), catalog_path=p.get("catalog"), now_text=p.get("now"))


def _shell_word(value: str) -> str:
    """A value with spaces, as one word: bash inserts completions as they are."""
    if os.environ.get("_SHOP_COMPLETE", "").endswith("bash"):
        return value.replace(" ", "\\ ")
    return value


def _catalog_rows(settings: Settings) -> list[tuple[str, str]]:
    """(sku, name) of every product, straight from the catalog cache when there is one."""
    catalog = settings.catalog
    con = getattr(catalog, "_con", None)
    if con is not None:
        try:
            return con.execute("SELECT sku, name FROM product ORDER BY id").fetchall()
        except Exception:
            pass
    return [(p.sku, p.name) for p in catalog.products]


@_quietly
def complete_sku(ctx: typer.Context, incomplete: str):
    """SKUs that start with what was typed, each with its product name."""
    rows = _catalog_rows(_completion_settings(ctx))
    return sorted((sku, name) for sku, name in rows if sku.startswith(incomplete))[:COMPLETION_LIMIT]


@_quietly
def complete_product(ctx: typer.Context, incomplete: str):
    """Product names that start with the word being typed (in the case it was typed)."""
    if not incomplete or incomplete.startswith("-"):
        return []
    lower = incomplete == incomplete.lower()
    out = []
    for _, name in _catalog_rows(_completion_settings(ctx)):
        value = name.lower() if lower else name
        if value.startswith(incomplete):
            out.append(value)
    return sorted(dict.fromkeys(out))[:COMPLETION_LIMIT]


@_quietly
def complete_order_id(ctx: typer.Context, incomplete: str):
    """Order ids in the store, newest first; for cancel, only the orders that can still be cancelled."""
    from ..orders.lifecycle import order_status
    from ..store.db import Store

    settings = _completion_settings(ctx)
    path = settings.db_path
    if not path.is_file():
        return []
    now = settings.now
    out = []
    for o in reversed(Store(path).table("orders")):
        oid = o.get("id")
        if not isinstance(oid, str) or not oid.startswith(incomplete):
            continue
        status = order_status(o, now)
        if ctx.info_name == "cancel" and status not in ("placed", "scheduled"):
            continue
        request = " ".join(str(o.get("request") or "").split())[:40]
        out.append((oid, f"{status.replace('_', ' ')}, {o.get('total')} {o.get('currency')}: {request}"))
        if len(out) >= COMPLETION_LIMIT:
            break
    return out


@_quietly
def complete_status(ctx: typer.Context, incomplete: str):
    from ..orders.lifecycle import STATUSES

    return [s for s in STATUSES if s.startswith(incomplete.lower())]


@_quietly
def complete_pickup(ctx: typer.Context, incomplete: str):
    """Pickup stores of the catalog (the preferred one first), matched on name or id in any case."""
    from ..catalog.load import default_catalog_path
    from ..parse.delivery import load_stores

    settings = _completion_settings(ctx)
    source = Path(settings.catalog_source) if settings.catalog_source else default_catalog_path()
    stores = load_stores((source if source.is_dir() else source.parent) / "stores.toml")
    preferred = (settings.default_pickup or "").lower()
    stores.sort(key=lambda st: st.name.lower() != preferred and st.id.lower() != preferred)
    low, out = incomplete.lower(), []
    for st in stores:
        for value in (st.name, st.id):
            if value.lower().startswith(low):
                out.append((_shell_word(incomplete + value[len(incomplete):]), f"{st.address}, {st.hours}"))
                break
    return out


@_quietly
def complete_config_key(ctx: typer.Context, incomplete: str):
    from ..config import KEYS

    return [(k, key.help) for k, key in KEYS.items() if k.startswith(incomplete)]


@_quietly
def complete_config_value(ctx: typer.Context, incomplete: str):
    from ..config import KEYS

    key = ctx.params.get("key")
    if key == "pickup":
        return complete_pickup(ctx, incomplete)
    if key in KEYS and not KEYS[key].is_path:
        example = KEYS[key].example
        return [example] if example.startswith(incomplete) else []
    return []
