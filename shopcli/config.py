"""The user's configuration file: defaults for the store, catalog, money display, delivery and pickup.

A small TOML file of top-level ``key = "value"`` lines, in the user's config directory
(``SHOPCLI_CONFIG`` names another file). Every key and value is checked when the file is read; a
broken file is a data error (exit 3) naming the file and the problem. ``shop config set`` edits one
line in place, so comments and the order of the other lines survive.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Callable

from .errors import DataError, UsageError

__all__ = ["KEYS", "Key", "Config", "config_path", "load_config", "check_value", "check_key", "set_value",
           "unset_value", "parse_window", "toml_line"]


def config_path() -> Path:
    """``$SHOPCLI_CONFIG``, or config.toml in the user's config directory (platform convention)."""
    from .paths import config_file_path

    return config_file_path()


# -- values ----------------------------------------------------------------------------------

_WINDOW = re.compile(r"^\s*(\d{1,2}):([0-5]\d)\s*-\s*(\d{1,2}):([0-5]\d)\s*$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def parse_window(text: str) -> tuple[time, time]:
    """``"09:00-11:00"`` as two times; ValueError saying what is wrong otherwise."""
    m = _WINDOW.match(text)
    if not m:
        raise ValueError("expected HH:MM-HH:MM, for example 09:00-11:00")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or h2 > 23:
        raise ValueError("hours run from 00 to 23")
    if (h1, m1) >= (h2, m2):
        raise ValueError("the window must start before it ends")
    return time(h1, m1), time(h2, m2)


def _window(text: str) -> str:
    m = _WINDOW.match(text)
    parse_window(text)
    h1, m1, h2, m2 = m.groups()  # type: ignore[union-attr]
    return f"{int(h1):02d}:{m1}-{int(h2):02d}:{m2}"


def _money_format(text: str) -> str:
    names = _PLACEHOLDER.findall(text)
    if names.count("amount") != 1:
        raise ValueError("it must hold {amount} exactly once, for example '${amount}' or '{amount} {code}'")
    if any(n not in ("amount", "code") for n in names):
        raise ValueError("only {amount} and {code} may appear in braces")
    if "{" in _PLACEHOLDER.sub("", text) or "}" in _PLACEHOLDER.sub("", text):
        raise ValueError("unbalanced brace")
    if len(text) > 24:
        raise ValueError("at most 24 characters")
    return text


def _path(text: str) -> str:
    if not text.strip():
        raise ValueError("an empty path")
    return text


def _name(text: str) -> str:
    if not text.strip():
        raise ValueError("an empty name")
    if len(text) > 80:
        raise ValueError("at most 80 characters")
    return text.strip()


@dataclass(frozen=True)
class Key:
    """One setting of the file: what it means and how its value is checked (and normalised)."""

    name: str
    help: str
    example: str
    check: Callable[[str], str]
    is_path: bool = False


KEYS: dict[str, Key] = {k.name: k for k in (
    Key("db", "order store file (TinyDB JSON); --db and SHOPCLI_DB win over it", "~/groceries/orders.json",
        _path, is_path=True),
    Key("catalog", "product catalog file or folder; --catalog and SHOPCLI_CATALOG win over it",
        "~/groceries/catalog", _path, is_path=True),
    Key("currency_format", "how amounts read in tables and plain output ({amount}, {code}); JSON is unchanged",
        "${amount}", _money_format),
    Key("delivery_window", "the window a delivery day without a time gets", "09:00-11:00", _window),
    Key("pickup", "preferred pickup store: orders are picked up there unless --deliver or the request "
        "says otherwise", "Downtown", _name),
)}


def check_key(key: str) -> Key:
    """The known key ``key``; a usage error with "did you mean" otherwise."""
    found = KEYS.get(key)
    if found is None:
        import difflib

        close = difflib.get_close_matches(key.lower().replace("-", "_"), list(KEYS), n=1, cutoff=0.5)
        hint = f"did you mean {close[0]}? " if close else ""
        raise UsageError(f"unknown setting {key[:40]!r}", hint=f"{hint}settings: {', '.join(KEYS)}")
    return found


def check_value(key: str, value: object) -> str:
    """The value normalised; ValueError saying what is wrong otherwise."""
    if not isinstance(value, str):
        raise ValueError(f"must be a string, not {type(value).__name__}")
    if _CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    return KEYS[key].check(value)


# -- the file --------------------------------------------------------------------------------

@dataclass
class Config:
    """The settings read from one file (empty when the file does not exist)."""

    path: Path
    values: dict[str, str]
    exists: bool = True

    def get(self, key: str) -> str | None:
        return self.values.get(key)

    def resolved(self, key: str) -> str | None:
        """A path setting with ``~`` expanded; a relative path is relative to the file's folder."""
        value = self.values.get(key)
        if value is None or not KEYS[key].is_path:
            return value
        p = Path(os.path.expanduser(value))
        return str(p if p.is_absolute() else self.path.parent / p)


def _broken(path: Path, why: str, hint: str | None = None) -> DataError:
    return DataError(f"config file {path}: {why}",
                     hint=hint or "fix or delete the file (shop config set rewrites one setting; shop config path shows where)")


def _read_text(path: Path) -> str | None:
    from .files import not_a_file

    special = not_a_file(path)
    if special is not None:
        raise _broken(path, f"is {special}, not a file", hint="point SHOPCLI_CONFIG at a file")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise _broken(path, "is a folder, not a file", hint="point SHOPCLI_CONFIG at a file") from None
    except OSError as e:
        raise _broken(path, f"cannot be read ({e.strerror or e})") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _broken(path, "is not UTF-8 text") from None


def _parse(path: Path, text: str) -> dict[str, str]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise _broken(path, f"invalid TOML ({e})") from None
    values: dict[str, str] = {}
    for key, value in data.items():
        if key not in KEYS:
            import difflib

            close = difflib.get_close_matches(key, list(KEYS), n=1, cutoff=0.5)
            kind = "table" if isinstance(value, dict) else "setting"
            raise _broken(path, f"unknown {kind} {key[:40]!r}",
                          hint=(f"did you mean {close[0]}? " if close else "") + f"settings: {', '.join(KEYS)}")
        try:
            values[key] = check_value(key, value)
        except ValueError as e:
            raise _broken(path, f"{key}: {e}", hint=f"for example: {toml_line(key, KEYS[key].example)}") from None
    return values


def load_config(path: Path | None = None) -> Config:
    """The configuration at ``path`` (default :func:`config_path`); DataError if it is broken."""
    path = path or config_path()
    text = _read_text(path)
    if text is None:
        return Config(path, {}, exists=False)
    return Config(path, _parse(path, text))


# -- writing ---------------------------------------------------------------------------------

def _toml_string(value: str) -> str:
    out = ['"']
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_line(key: str, value: str) -> str:
    """``key = "value"`` as one TOML line."""
    return f"{key} = {_toml_string(value)}"


def _key_line(key: str) -> re.Pattern[str]:
    return re.compile(rf"""^[ \t]*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')[ \t]*=""")


def _edit(path: Path, text: str, key: str, value: str | None) -> str:
    """The file's text with one setting replaced, added (value) or removed (None), other lines kept."""
    lines = text.splitlines(keepends=True)
    rx = _key_line(key)
    hits = [i for i, line in enumerate(lines) if rx.match(line)]
    new = None if value is None else toml_line(key, value) + "\n"
    if len(hits) == 1 and _single_line(lines[hits[0]], key):
        i = hits[0]
        lines[i:i + 1] = [] if new is None else [new]
        edited = "".join(lines)
    elif not hits:
        if new is None:
            return text
        edited = text + ("" if not text or text.endswith("\n") else "\n") + new
    else:  # a multi-line value or another layout: write the settings afresh (comments are lost)
        values = _parse(path, text)
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
        edited = "".join(toml_line(k, v) + "\n" for k, v in values.items())
    _parse(path, edited)  # never write a file that would not read back
    return edited


def _single_line(line: str, key: str) -> bool:
    try:
        return set(tomllib.loads(line)) == {key}
    except tomllib.TOMLDecodeError:
        return False


def _write(path: Path, text: str) -> None:
    from .files import replace_file

    try:
        replace_file(path, text.encode("utf-8"))
    except OSError as e:
        raise DataError(f"cannot write the config file {path}: {e.strerror or e}") from None


def set_value(key: str, value: str, path: Path | None = None) -> str:
    """Check and write one setting; returns the value as stored. The rest of the file is kept."""
    check_key(key)
    try:
        value = check_value(key, value)
    except ValueError as e:
        raise UsageError(f"{key}: {e}", hint=f"example: shop config set {key} '{KEYS[key].example}'") from None
    path = _target(path or config_path())
    with _locked(path):                      # read, edit and write as one step ("config.lock", as git)
        text = _read_text(path) or ""
        if text:
            _parse(path, text)  # a broken file is reported, not overwritten
        _write(path, _edit(path, text, key, value))
    return value


def unset_value(key: str, path: Path | None = None) -> bool:
    """Remove one setting from the file; False when it was not set."""
    check_key(key)
    path = _target(path or config_path())
    with _locked(path):
        text = _read_text(path)
        if not text or key not in _parse(path, text):
            return False
        _write(path, _edit(path, text, key, None))
    return True


def _target(path: Path) -> Path:
    """The file a config path names: a symbolic link (dotfiles kept in a repository) is followed,
    so the link stays and its target is what changes."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _locked(path: Path):
    """An exclusive lock beside the config file, held while it is read and rewritten, so that two
    `shop config set` at once never lose a value."""
    from filelock import FileLock, Timeout

    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path) + ".lock", timeout=10)

    class _Held:
        def __enter__(self):
            try:
                lock.acquire()
            except Timeout:
                raise DataError(f"the config file {path} is locked by another shop",
                                hint=f"try again, or remove {path}.lock if no shop is running") from None
            except OSError as e:
                raise DataError(f"cannot lock the config file {path}: {e.strerror or e}") from None

        def __exit__(self, *exc):
            lock.release()
            return False

    return _Held()
