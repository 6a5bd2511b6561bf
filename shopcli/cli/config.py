"""`shop config`: show, set, unset and locate your defaults."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from ..errors import UsageError as ShopUsageError
from ..render import Output
from ..render import clean as clean_text
from ..settings import Settings
from .complete import complete_config_key, complete_config_value
from .root import _settings, app


# -- shop config --------------------------------------------------------------------------------

config_app = typer.Typer(help="""Your defaults: store, catalog, money, delivery, pickup.

A TOML file (shop config path); options and environment variables win over it.

Examples:

  shop config show

  shop config set currency_format '${amount}'

  shop config path
""", rich_markup_mode=None)
app.add_typer(config_app, name="config")


@config_app.command("show")
def config_show(ctx: typer.Context,
                as_json: bool = typer.Option(False, "--json", help="Settings, values and sources as JSON.")) -> None:
    """Every setting, its value and where it comes from.

    Sources: option, environment, config (the file), default. Precedence: option > environment > config file > default.

    Examples:

      shop config show

      SHOPCLI_DB=/tmp/test.json shop config show --json
    """
    from ..catalog.load import default_catalog_path
    from ..config import KEYS
    from ..parse.delivery import DEFAULT_WINDOW

    settings = _settings(ctx)
    config = settings.config
    defaults = {"db": str(settings.db_path) if settings.resolve("db")[1] == "default" else None,
                "catalog": str(default_catalog_path()), "currency_format": "{amount} {code}",
                "delivery_window": f"{DEFAULT_WINDOW[0]:%H:%M}-{DEFAULT_WINDOW[1]:%H:%M}", "pickup": None}
    rows = {}
    for key in KEYS:
        if key in ("db", "catalog"):
            value, source = settings.resolve(key)
            if value is not None and source != "config":
                value = str(Path(os.path.expanduser(value)))
        else:
            value = config.resolved(key)
            source = "config" if value is not None else "default"
        rows[key] = {"value": value if value is not None else defaults[key], "source": source}
    out = Output()
    if as_json:
        out.json({"file": str(config.path), "exists": config.exists, "settings": rows})
    else:
        out.config_table(str(config.path), config.exists, rows)


@config_app.command("set")
def config_set(ctx: typer.Context,
               key: str = typer.Argument(..., metavar="KEY", help="db, catalog, currency_format, delivery_window "
                                         "or pickup.", autocompletion=complete_config_key),
               value: str = typer.Argument(..., metavar="VALUE", help="The new value.",
                                           autocompletion=complete_config_value)) -> None:
    """Set one default in the config file.

    Only that line changes: other settings and comments are kept. Keys: db, catalog,
    currency_format ({amount}, {code}), delivery_window (HH:MM-HH:MM), pickup (a store of the catalog).

    Examples:

      shop config set db ~/groceries/orders.json

      shop config set currency_format '${amount}'

      shop config set delivery_window 17:00-19:00

      shop config set pickup Downtown
    """
    from ..config import check_key, set_value

    settings = _settings(ctx)
    check_key(key)
    if key in ("db", "catalog") and value.strip():
        value = os.path.abspath(os.path.expanduser(value))
        if key == "catalog" and not os.path.exists(value):
            raise ShopUsageError(f"no catalog at {value}", hint="give a .json/.csv file or a folder of them")
    if key == "pickup":
        value = _pickup_store_name(settings, value)
    path = settings.config_path
    stored = set_value(key, value, path)
    Output().line(f"{key} = {clean_text(stored)}  ({path})")


def _pickup_store_name(settings: Settings, value: str) -> str:
    """The pickup store named by ``value`` (id or name), as the catalog's stores.toml spells it."""
    from ..catalog.load import default_catalog_path
    from ..parse.delivery import find_store, load_stores

    source = Path(settings.catalog_source) if settings.catalog_source else default_catalog_path()
    stores = (source if source.is_dir() else source.parent) / "stores.toml"
    if not stores.is_file():
        raise ShopUsageError("this catalog lists no pickup stores", hint="put a stores.toml beside the catalog")
    return find_store(value, load_stores(stores)).name


@config_app.command("unset")
def config_unset(ctx: typer.Context,
                 key: str = typer.Argument(..., metavar="KEY", help="The setting to remove.",
                                           autocompletion=complete_config_key)) -> None:
    """Remove one setting from the config file.

    Its default (or the environment) applies again.

    Examples:

      shop config unset pickup
    """
    from ..config import unset_value

    settings = _settings(ctx)
    path = settings.config_path
    removed = unset_value(key, path)
    Output().line(f"{key} removed ({path})" if removed else f"{key} was not set ({path})")


@config_app.command("path")
def config_path_cmd(ctx: typer.Context,
                    as_json: bool = typer.Option(False, "--json", help='{"path", "exists"} as JSON.')) -> None:
    """Print where the config file is.

    SHOPCLI_CONFIG overrides the place; the path is printed whether or not the file exists yet.

    Examples:

      shop config path

      $EDITOR "$(shop config path)"
    """
    settings = _settings(ctx)
    path = settings.config_path
    if as_json:
        Output().json({"path": str(path), "exists": path.is_file()})
    else:
        Output().line(str(path))
