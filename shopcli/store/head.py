"""The head of a store file: its meta document, read without parsing the orders after it.

Light on imports on purpose: `shop suggest` checks its statistics against the meta document without
loading the store's machinery (TinyDB, file locks, orjson).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

__all__ = ["head_meta", "value_at", "reject_constant", "DECODER"]

HEAD_BYTES = 1 << 16        # how much of the file holds its meta document, usually
MAX_HEAD_BYTES = 1 << 25    # and at most (the held stock of very many products)
_META_HEAD = re.compile(rb'\s*\{\s*"_meta"\s*:\s*')


def reject_constant(name: str) -> Any:
    raise ValueError(f"the number {name} is not allowed")


DECODER = json.JSONDecoder(parse_constant=reject_constant)


def value_at(raw: bytes, start: int) -> tuple[Any, int] | None:
    """The JSON value that starts at byte *start* of *raw* and the byte where it ends, decoding only
    as much as it takes; None when there is none (or it does not end within *raw*)."""
    window = HEAD_BYTES
    while True:
        stop = min(len(raw), start + window)
        while stop < len(raw) and raw[stop] & 0xC0 == 0x80:  # not in the middle of a character
            stop -= 1
        try:
            text = raw[start:stop].decode("utf-8")
            value, end = DECODER.raw_decode(text)
        except UnicodeDecodeError:
            return None
        except (ValueError, RecursionError):
            if stop >= len(raw):
                return None
            window *= 8
            continue
        return value, start + len(text[:end].encode("utf-8"))


def head_meta(path: Path) -> dict | None:
    """The store's meta document read from the head of the file ({} for no store or an empty one),
    or None when it is not there (then the caller parses the whole file)."""
    from ..files import not_a_file

    if not_a_file(path) is not None:
        return None                          # the full read says what it is, without opening it
    size = HEAD_BYTES
    while True:
        try:
            with open(path, "rb") as f:
                head = f.read(size)
        except FileNotFoundError:
            return {}
        except OSError:
            return None
        if not head.strip():
            return {}
        m = _META_HEAD.match(head)
        if m is None:
            return None
        found = value_at(head, m.end())
        if found is not None:
            break
        if len(head) < size or size >= MAX_HEAD_BYTES:
            return None
        size *= 8
    table = found[0]
    if not isinstance(table, dict) or len(table) != 1:
        return None
    (meta,) = table.values()
    return meta if isinstance(meta, dict) else None
