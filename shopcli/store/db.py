"""The order store: a TinyDB JSON file that never loses or corrupts an order.

Design (see the module's tests for the guarantees):

* **Readers** (:meth:`Store.read`) take no lock.  They read the file's bytes
  once and parse them; that is safe because writers never modify the file in
  place, they replace it atomically.
* **Writers** (:meth:`Store.transaction`) take an inter-process
  :class:`filelock.FileLock` on ``<path>.lock``, open the database *fresh*
  inside the lock (no long-lived TinyDB handle with cached document ids), let
  the caller work on an in-memory TinyDB, and on success write the whole
  database exactly once (group commit): temporary file in the same folder,
  ``fsync``, ``os.replace`` onto the store, ``fsync`` of the folder.  A crash
  (even ``SIGKILL``) at any moment leaves either the old or the new file.
* A damaged, foreign or newer file is never modified; every problem is reported
  as :class:`~shopcli.errors.DataError` naming the path.

On disk the file stays a real TinyDB file::

    {"_meta": {"1": {"schema": 1, "app": "shopcli", "counters": {"order": 7}}},
     "orders": {"1": {...}, "2": {...}}}
"""

from __future__ import annotations

import contextlib
import copy
import errno
import gc
import itertools
import json
import os
import re
import stat
import tempfile
import threading
import zlib
from collections.abc import Iterable, Iterator, MutableMapping
from pathlib import Path
from typing import Any, Callable

import filelock
import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from ..errors import DataError
from ..files import not_a_file
from .head import DECODER as _DECODER
from .head import reject_constant as _reject_constant
from .head import value_at

__all__ = [
    "SCHEMA_VERSION",
    "META_TABLE",
    "APP_NAME",
    "Store",
    "Transaction",
    "AtomicJSONStorage",
]

#: Version of the on-disk layout.  Bump it (and add a migration) on any
#: incompatible change; files with a newer schema are refused.
SCHEMA_VERSION = 1

#: Name of the internal table holding the single meta document.
META_TABLE = "_meta"

#: Value of the ``app`` field of the meta document.
APP_NAME = "shopcli"

_DAMAGED_HINT = (
    "Restore it from a backup (shop orders export/import) or move it aside to start a new store; "
    "shopcli has not changed it."
)
_FOREIGN_HINT = (
    "Check the store path, or move the file aside to start a new store; shopcli has not changed it."
)
_NEWER_HINT = "Upgrade shopcli, or use another store path; shopcli has not changed the file."
_READ_HINT = "Check that the store path names a readable file (not a folder), or use another store path."

_DOC_ID = re.compile(r"(?:0|[1-9][0-9]*)\Z")

# (realpath of the store) for the transactions open in the current thread,
# to turn an accidental nested transaction into a clear error instead of a
# lock timeout.
_active = threading.local()


# --------------------------------------------------------------------------- errors


def _reason(exc: BaseException) -> str:
    """The OS reason of an error as one short phrase ("No space left on device")."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _write_error(path: Path, exc: OSError) -> DataError:
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        hint = "Free some disk space and try again; the store was not changed."
    elif code == errno.EFBIG:
        hint = "The file system refuses a file this large; move the store elsewhere. The store was not changed."
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = (
            f"Check that you may write to {path.parent} (and that it is not read-only), "
            "or use another store path; the store was not changed."
        )
    elif code in (errno.ENOTDIR, errno.EISDIR, errno.EEXIST):
        hint = "The store path must name a file inside a folder; use another store path. The store was not changed."
    else:
        hint = "Fix the problem and try again; the store was not changed."
    return DataError(f"cannot write the store {path}: {_reason(exc)}", hint=hint)


def _damaged(path: Path, what: str) -> DataError:
    return DataError(f"the store {path} is damaged: {what}", hint=_DAMAGED_HINT)


# --------------------------------------------------------------------------- parsing


_WS = re.compile(r"[ \t\n\r]*")
# 19 digits in a row, found with translate + find: a regex takes ~0.6 s on a 50 MB store
_DIGITS_TO_NINE = bytes.maketrans(b"012345678", b"999999999")
_LONG_RUN = b"9" * 19


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while building or dumping millions of containers.

    json.loads of a 50 MB store is ~3x slower with the GC running, which
    keeps rescanning the objects it has just created.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _refuse_read_only(real: str, shown: Path) -> None:
    """A store made read-only (``chmod 444``) is never rewritten: the rename that replaces it would
    ignore the file's own mode, so the mode is checked first (the owner's choice, even for root)."""
    try:
        mode = os.stat(real).st_mode
    except OSError:
        return                               # missing: created; unreadable: the read says why
    if stat.S_ISREG(mode) and not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise DataError(f"the store {shown} is read-only", hint="make it writable (chmod u+w) or use another store")


def _read_bytes(path: Path) -> bytes | None:
    """The file's bytes, or ``None`` if it does not exist (read in one go)."""
    special = not_a_file(path)
    if special is not None:
        raise DataError(f"cannot read the store {path}: it is {special}, not a file", hint=_READ_HINT)
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise DataError(f"cannot read the store {path}: it is a folder, not a file", hint=_READ_HINT) from None
    except OSError as exc:
        raise DataError(f"cannot read the store {path}: {_reason(exc)}", hint=_READ_HINT) from None


def _scan_top(text: str) -> tuple[dict[str, Any], dict[str, tuple[int, int]]]:
    """Parse a top-level JSON object, recording where each member's value is.

    Raises ValueError (or RecursionError) on anything but a well-formed object;
    the caller then falls back to :func:`json.loads` for a precise message.
    """
    ws = _WS.match
    scanstring = json.decoder.scanstring
    raw_decode = _DECODER.raw_decode
    i = ws(text, 0).end()
    if text[i : i + 1] != "{":
        raise ValueError("not an object")
    i = ws(text, i + 1).end()
    data: dict[str, Any] = {}
    spans: dict[str, tuple[int, int]] = {}
    if text[i : i + 1] == "}":
        i += 1
    else:
        while True:
            if text[i : i + 1] != '"':
                raise ValueError("expected a name")
            key, i = scanstring(text, i + 1, True)
            i = ws(text, i).end()
            if text[i : i + 1] != ":":
                raise ValueError("expected ':'")
            i = ws(text, i + 1).end()
            value, end = raw_decode(text, i)
            data[key] = value
            spans[key] = (i, end)
            i = ws(text, end).end()
            c = text[i : i + 1]
            if c == ",":
                i = ws(text, i + 1).end()
            elif c == "}":
                i += 1
                break
            else:
                raise ValueError("expected ',' or '}'")
    if ws(text, i).end() != len(text):
        raise ValueError("extra data")
    return data, spans


def _spans(text: str, data: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Where each top-level member's value lies in ``text``, for a document already parsed.

    Every member but the last is re-scanned (they are small: the meta table comes first); the last
    one, the big orders table, ends at the closing brace, so it is never parsed twice.
    """
    ws = _WS.match
    scanstring = json.decoder.scanstring
    raw_decode = _DECODER.raw_decode
    keys = list(data)
    spans: dict[str, tuple[int, int]] = {}
    i = ws(text, 0).end()
    if text[i : i + 1] != "{":
        raise ValueError("not an object")
    i = ws(text, i + 1).end()
    close = len(text.rstrip(" \t\n\r")) - 1
    for n, name in enumerate(keys):
        if text[i : i + 1] != '"':
            raise ValueError("expected a name")
        found, i = scanstring(text, i + 1, True)
        if found != name:
            raise ValueError("duplicate or reordered member")
        i = ws(text, i).end()
        if text[i : i + 1] != ":":
            raise ValueError("expected ':'")
        i = ws(text, i + 1).end()
        if n == len(keys) - 1:
            end = close
            while text[end - 1] in " \t\n\r":
                end -= 1
            spans[name] = (i, end)
            break
        _, end = raw_decode(text, i)
        spans[name] = (i, end)
        i = ws(text, end).end()
        if text[i : i + 1] != ",":
            raise ValueError("expected ','")
        i = ws(text, i + 1).end()
    return spans


def _decode(path: Path, raw: bytes, spans: bool = True) -> tuple[str, Any, dict[str, tuple[int, int]]]:
    """Decode and parse the file's bytes: (text, value, spans of the top-level members, unless
    ``spans`` is false: a reader that writes nothing needs none)."""
    if b"\x00" in raw:
        raise _damaged(path, "it contains NUL bytes (probably a crash or disk error)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _damaged(path, f"it is not valid UTF-8 text (byte {exc.start})") from None
    data = None  # damaged or unusual: the paths below say precisely what is wrong
    if _LONG_RUN not in raw.translate(_DIGITS_TO_NINE):  # orjson turns integers beyond 64 bits into floats
        try:
            data = orjson.loads(raw)  # about 4x faster than json on a 50 MB store
        except orjson.JSONDecodeError:
            pass
    if isinstance(data, dict):
        if not spans:
            return text, data, {}
        try:
            return text, data, _spans(text, data)
        except (ValueError, RecursionError):
            return text, data, {}
    try:
        data, spans = _scan_top(text)
        return text, data, spans
    except (ValueError, RecursionError):
        pass  # damaged or unusual: let json.loads say precisely what is wrong
    try:
        return text, json.loads(text, parse_constant=_reject_constant), {}
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            what = f"unexpected data after the end of the JSON document (line {exc.lineno} column {exc.colno})"
        elif exc.pos >= len(text.rstrip()):
            what = "the file ends in the middle of the JSON document (truncated)"
        else:
            what = f"it is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        raise _damaged(path, what) from None
    except RecursionError:
        raise _damaged(path, "its JSON is nested too deeply") from None
    except ValueError as exc:
        raise _damaged(path, f"it is not valid JSON ({exc})") from None


class _Loaded:
    """A parsed and validated store file."""

    __slots__ = ("data", "raw", "text", "spans")

    def __init__(
        self, data: dict[str, dict[str, dict]], raw: bytes = b"", text: str = "", spans: dict | None = None
    ) -> None:
        self.data = data  #: TinyDB data {table: {doc_id: doc}}
        self.raw = raw  #: the file's bytes
        self.text = text  #: the file's text
        self.spans = spans or {}  #: {table: (start, end)} of each table's JSON in text (characters)


def _parse(path: Path, raw: bytes | None, spans: bool = True) -> _Loaded:
    """Parse and validate the file's bytes; never touches the file.

    A missing or empty file, ``{}`` and ``{"_default": {}}`` give a store
    without meta table.  Anything else must carry a valid shopcli meta table.
    """
    if not raw:
        return _Loaded({})
    with _gc_paused():
        text, data, spans = _decode(path, raw, spans)
        if not isinstance(data, dict):
            raise _damaged(path, f"it holds a JSON {_json_type(data)}, not an object of tables")
        for name, table in data.items():
            _check_table(path, name, table)

    if META_TABLE not in data:
        if data == {} or data == {"_default": {}}:
            return _Loaded(data, raw, text, spans)
        raise DataError(
            f"the store {path} was not written by shopcli (it has no {META_TABLE} table)", hint=_FOREIGN_HINT
        )
    _check_meta(path, data[META_TABLE])
    return _Loaded(data, raw, text, spans)


def _check_meta(path: Path, meta_table: dict[str, dict]) -> None:
    if len(meta_table) != 1:
        raise _damaged(path, f"its {META_TABLE} table must hold exactly one document, not {len(meta_table)}")
    (meta,) = meta_table.values()
    app = meta.get("app")
    if app != APP_NAME:
        raise DataError(
            f"the store {path} was not written by shopcli (its app is {app!r})", hint=_FOREIGN_HINT
        )
    schema = meta.get("schema")
    if schema is None:
        raise _damaged(path, f"its {META_TABLE} document has no schema version")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise _damaged(path, f"its schema version {schema!r} is unknown")
    if schema > SCHEMA_VERSION:
        raise DataError(
            f"the store {path} was written by a newer shopcli "
            f"(schema {schema}; this version reads schema {SCHEMA_VERSION})",
            hint=_NEWER_HINT,
        )
    counters = meta.get("counters", {})
    if not isinstance(counters, dict) or not all(
        type(v) is int and v >= 0 for v in counters.values()
    ):
        raise _damaged(path, f"its {META_TABLE} counters are not a mapping of counter names to numbers")


def _json_type(value: object) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"


def _dumps(value: Any, ensure_ascii: bool = False) -> str:
    return json.dumps(value, ensure_ascii=ensure_ascii, allow_nan=False, separators=(",", ":"))


_Chunks = list["bytes | memoryview"]


def _encode(path: Path, render: Callable[[bool], _Chunks]) -> _Chunks:
    """Run ``render(ensure_ascii)``, which returns the file as byte chunks.

    JSON problems become DataError: NaN/Infinity never reach the file
    (``allow_nan=False``).  Lone surrogates, which UTF-8 cannot hold, are
    written as ``\\udxxx`` escapes instead (they read back identical).
    """
    try:
        with _gc_paused():
            try:
                return render(False)
            except UnicodeEncodeError:
                return render(True)
    except (ValueError, RecursionError) as exc:
        raise DataError(
            f"cannot write the store {path}: the data cannot be saved as JSON ({exc})",
            hint="This is a bug in shopcli, please report it; the store was not changed.",
        ) from None


# --------------------------------------------------------------------------- durable write


def _fsync_dir(folder: Path) -> None:
    """Make a rename in *folder* durable (best effort: not every OS allows it)."""
    if os.name == "nt":  # pragma: no cover
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _temp_prefix(target: Path) -> str:
    return "." + target.name + "."


def _remove_stale_temps(target: Path) -> None:
    """Delete temporary files a killed writer left next to *target*.

    Only called with the store's lock held: temporary files are created only
    by lock holders, so any that exist then belong to a dead writer.
    """
    # exactly the names mkstemp gives (eight random characters): ".orders.json.test.x1y2z3w4.tmp"
    # is the live temporary file of another store, "orders.json.test", and is left alone
    own = re.compile(re.escape(_temp_prefix(target)) + r"[a-z0-9_]{8}\.tmp")
    try:
        with os.scandir(target.parent) as entries:
            stale = [e.path for e in entries if own.fullmatch(e.name)]
    except OSError:
        return
    for name in stale:
        with contextlib.suppress(OSError):
            os.unlink(name)


def _atomic_write(path: Path, chunks: Iterable[bytes | memoryview]) -> None:
    """Replace *path* by the concatenation of *chunks*, atomically and durably.

    The old file is left byte-for-byte unchanged on any error, which is raised
    as :class:`DataError`.  A new file gets mode 0o600; an existing file keeps
    its mode.  Symbolic links are followed (the link's target is replaced).
    """
    target = Path(os.path.realpath(path))
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        try:
            old = os.stat(target)
        except FileNotFoundError:
            old = None
        if old is not None and stat.S_ISDIR(old.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=_temp_prefix(target), suffix=".tmp")
    except OSError as exc:
        raise _write_error(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as f:
            mode = 0o600 if old is None else stat.S_IMODE(old.st_mode)
            if mode != 0o600:
                os.fchmod(f.fileno(), mode)
            if old is not None and hasattr(os, "fchown") and old.st_uid != os.geteuid():
                with contextlib.suppress(OSError):  # e.g. root editing a user's store
                    os.fchown(f.fileno(), old.st_uid, old.st_gid)
            for chunk in chunks:
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _write_error(path, exc) from None
        raise
    _fsync_dir(folder)


def _scratch_write(path: Path, chunks: Iterable[bytes | memoryview]) -> None:
    """Write a private scratch store in place: no one else reads it and it goes when the run ends."""
    try:
        with open(path, "wb") as f:
            f.writelines(chunks)
    except OSError as exc:
        raise _write_error(path, exc) from None


# --------------------------------------------------------------------------- TinyDB glue


class _TableState:
    """What a transaction did to one table that existed in the file.

    While ``rewritten`` is false, the table's dict still starts with its
    ``orig_len`` original documents, unchanged, and only new documents follow:
    the commit then reuses the original JSON text and appends the new
    documents, instead of serializing the whole table again.
    """

    __slots__ = ("raw", "orig_len", "_orig_keys", "rewritten")

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.orig_len = len(raw)
        self._orig_keys: set[str] | None = None
        self.rewritten = False

    def touch(self, key: str) -> None:
        """Note an access that may change document *key*."""
        if self.rewritten or not self.orig_len:
            return
        if self._orig_keys is None:
            self._orig_keys = set(itertools.islice(self.raw, self.orig_len))
        if key in self._orig_keys:
            self.rewritten = True


# --------------------------------------------------------------------------- verified layout
#
# Every commit records in the meta document where each table lies in the file, with its size,
# number of documents, last document id and a CRC-32 check over its text, those numbers and its
# summary ("layout").  When a transaction opens a file
# whose bytes match that record exactly, the file is known to be one this module wrote whole, so
# its tables need not be parsed (nor re-checked) until someone reads them: placing one order on a
# 50 MB store appends to the orders table's bytes instead of parsing 100,000 orders first.  Any
# mismatch (an older shopcli, a hand edit, damage) falls back to parsing and checking everything.

_LAYOUT = "layout"
_SUMMARIES = "summaries"


def _seal(body_crc: int, docs: int, last_id: int, summary: Any) -> int:
    """The check of a layout entry: the CRC-32 of the table's text followed by its document count,
    last id and summary (so that editing any of them by hand is noticed)."""
    return zlib.crc32(_dumps([docs, last_id, summary], ensure_ascii=True).encode("ascii"), body_crc)


class _Body:
    """A table's JSON text as it is in the file, with what the layout says of it."""

    __slots__ = ("data", "prefix_crc", "docs", "last_id")

    def __init__(self, data: memoryview, prefix_crc: int | None, docs: int, last_id: int | None) -> None:
        self.data = data  #: the table's JSON object, braces included
        self.prefix_crc = prefix_crc  #: CRC-32 of ``data`` without its closing brace (None: not computed)
        self.docs = docs  #: number of documents
        self.last_id = last_id  #: the highest document id (None: not known)

    def crc_without_brace(self) -> int:
        if self.prefix_crc is None:
            self.prefix_crc = zlib.crc32(self.data[:-1])
        return self.prefix_crc


def _is_count(value: object) -> bool:
    return type(value) is int and value >= 0


def _read_verified(path: Path, raw: bytes) -> tuple[dict[str, dict], dict[str, _Body]] | None:
    """The meta table and the verified bodies of the other tables, if *raw* is exactly what the
    layout in its meta document describes; None otherwise (then the caller parses everything).

    :raises DataError: the meta document itself is refused (foreign app, newer schema).
    """
    head = b'{"' + META_TABLE.encode() + b'":'
    if not raw.startswith(head):
        return None
    found = value_at(raw, len(head))
    if found is None:
        return None
    meta_table, pos = found
    if not isinstance(meta_table, dict) or len(meta_table) != 1:
        return None
    (meta,) = meta_table.values()
    if not isinstance(meta, dict) or not isinstance(meta.get(_LAYOUT), list):
        return None
    _check_meta(path, meta_table)
    summaries = meta.get(_SUMMARIES, {})
    if not isinstance(summaries, dict):
        return None
    view = memoryview(raw)
    bodies: dict[str, _Body] = {}
    for entry in meta[_LAYOUT]:
        if not isinstance(entry, dict):
            return None
        name, size, check = entry.get("name"), entry.get("bytes"), entry.get("check")
        docs, last_id = entry.get("docs"), entry.get("last_id")
        if (not isinstance(name, str) or name == META_TABLE or name in bodies
                or not all(map(_is_count, (size, check, docs, last_id))) or size < 2):
            return None
        member = ("," + _dumps(name) + ":").encode("utf-8", "surrogatepass")
        if not raw.startswith(member, pos):
            return None
        pos += len(member)
        data = view[pos : pos + size]
        if len(data) != size or data[0] != 0x7B or data[-1] != 0x7D:  # { ... }
            return None
        prefix_crc = zlib.crc32(data[:-1])
        if _seal(zlib.crc32(b"}", prefix_crc), docs, last_id, summaries.get(name)) != check:
            return None
        bodies[name] = _Body(data, prefix_crc, docs, last_id)
        pos += size
    if raw[pos:] != b"}":
        return None
    return meta_table, bodies


def _check_table(path: Path, name: str, table: object) -> None:
    """Refuse a table that is not an object of documents with numeric ids."""
    if not isinstance(table, dict):
        raise _damaged(path, f"table {name!r} is a JSON {_json_type(table)}, not an object of documents")
    match = _DOC_ID.match
    if all(map(match, table)) and set(map(type, table.values())) <= {dict}:
        return  # the fast path; the loop below says what is wrong
    for doc_id, doc in table.items():
        if doc.__class__ is not dict:
            raise _damaged(path, f"document {doc_id!r} of table {name!r} is a JSON {_json_type(doc)}, not an object")
        if match(doc_id) is None:
            raise _damaged(path, f"table {name!r} has a document id {doc_id!r} that is not a number")


def _parse_body(path: Path, name: str, data: memoryview) -> dict[str, dict]:
    """Parse a verified table body (it is valid JSON: this module wrote it)."""
    raw = bytes(data)
    with _gc_paused():
        if _LONG_RUN in raw.translate(_DIGITS_TO_NINE):  # see _decode
            table = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
        else:
            table = orjson.loads(raw)
        _check_table(path, name, table)
    return table


class AtomicJSONStorage(Storage):
    """A TinyDB storage that reads the file once and writes it only on :meth:`commit`.

    ``read()`` returns the (validated) data parsed from the file, ``write()``
    only keeps the new data in memory; :meth:`commit` writes it to disk
    atomically (temporary file, ``fsync``, ``os.replace``, ``fsync`` of the
    folder).  It takes no lock itself: :meth:`Store.transaction` does.

    A table of a file whose layout checks out (see above) is parsed only
    when it is first read; :meth:`append` adds documents without parsing it.

    Usable on its own too: ``TinyDB(path, storage=AtomicJSONStorage)``.
    """

    def __init__(self, path: str | os.PathLike[str], durable: bool = True) -> None:
        self.path = Path(path)
        self.durable = durable
        raw = _read_bytes(self.path)
        verified = _read_verified(self.path, raw) if raw else None
        self._lazy: dict[str, _Body] = {}  # tables not parsed yet
        self._pending: dict[str, list[tuple[int, dict]]] = {}  # documents appended to those
        self._bodies: dict[str, _Body] = {}  # the original text of each table read from the file
        if verified is not None:
            meta_table, self._lazy = verified
            self._data: dict[str, dict[str, Any]] = {META_TABLE: meta_table}
            self._data.update(dict.fromkeys(self._lazy, _UNLOADED))
            self._orig_tables: dict[str, dict] = {}
        else:
            loaded = _parse(self.path, raw)
            self._data = loaded.data
            for name, (start, end) in loaded.spans.items():
                start, end = _byte_offset(loaded, start), _byte_offset(loaded, end)
                self._bodies[name] = _Body(memoryview(loaded.raw)[start:end], None, len(loaded.data[name]), None)
            # The table objects as parsed: only those may reuse their original text.
            self._orig_tables = {name: loaded.data[name] for name in loaded.spans}
        meta = self._meta_doc()
        if meta is not None:
            meta.pop(_LAYOUT, None)  # written anew by every commit
            if verified is None or not isinstance(meta.get(_SUMMARIES), dict):
                meta.pop(_SUMMARIES, None)  # the tables may have changed since they were summed up
        self._states: dict[str, _TableState] = {}
        self._replaced = False
        self.dirty = False
        self.closed = False

    def _meta_doc(self) -> dict[str, Any] | None:
        table = self._data.get(META_TABLE)
        if not table:
            return None
        (meta,) = table.values()
        return meta

    def names(self) -> list[str]:
        """The names of the tables, without parsing any."""
        return list(self._data)

    def table_data(self, name: str) -> dict[str, dict[str, Any]]:
        """The data with table *name* parsed (the others may still be unparsed)."""
        if name in self._lazy:
            self._load(name)
        return self._data

    def _load(self, name: str) -> None:
        body = self._lazy.pop(name)
        table = _parse_body(self.path, name, body.data)
        self._data[name] = table
        self._bodies[name] = body
        self._orig_tables[name] = table
        pending = self._pending.pop(name, None)
        if pending:
            state = self.state(name, table)
            for doc_id, doc in pending:
                if state is not None:
                    state.touch(str(doc_id))
                table[str(doc_id)] = doc

    def read(self) -> dict[str, dict[str, Any]]:
        """The current data, every table parsed (no copy: TinyDB tables mutate it)."""
        for name in list(self._lazy):
            self._load(name)
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Keep *data* in memory until :meth:`commit`."""
        if self.closed:
            raise RuntimeError(f"the transaction on {self.path} is finished; start a new one")
        if data is not self._data:
            self.read()
            self._data = data
            self._replaced = True
            meta = self._meta_doc()
            if meta is not None:
                meta.pop(_SUMMARIES, None)
        self.dirty = True

    def changed(self, name: str) -> None:
        """Note that table *name* was changed by TinyDB: its summary no longer holds."""
        summaries = (self._meta_doc() or {}).get(_SUMMARIES)
        if isinstance(summaries, dict):
            summaries.pop(name, None)

    def is_parsed(self, name: str) -> bool:
        return name not in self._lazy

    def append(self, name: str, docs: list[dict]) -> list[int]:
        """Add documents at the end of the unparsed table *name*; their doc ids.

        The table stays unparsed: its text is reused and the documents are written after it.
        """
        if self.closed:
            raise RuntimeError(f"the transaction on {self.path} is finished; start a new one")
        body = self._lazy[name]  # KeyError: parsed already (use TinyDB)
        pending = self._pending.setdefault(name, [])
        first = (pending[-1][0] if pending else body.last_id) + 1
        ids = list(range(first, first + len(docs)))
        pending.extend(zip(ids, (dict(d) for d in docs)))
        self.dirty = True
        return ids

    def count(self, name: str) -> int:
        """The number of documents in table *name*, without parsing it."""
        if name in self._lazy:
            return self._lazy[name].docs + len(self._pending.get(name, ()))
        return len(self._data.get(name) or ())

    def meta_document(self) -> dict[str, Any]:
        """The meta document, added (in memory) to a store that has none yet."""
        meta = self._meta_doc()
        if meta is None:
            table = {"1": {"schema": SCHEMA_VERSION, "app": APP_NAME, "counters": {}}}
            self._data = {META_TABLE: table, **{k: v for k, v in self._data.items() if k != META_TABLE}}
            (meta,) = table.values()
        return meta

    def state(self, name: str, raw: dict[str, Any]) -> _TableState | None:
        """The change tracker of table *name* (``None`` if it is not the table read from the file)."""
        if self._replaced or self._orig_tables.get(name) is not raw:
            return None
        state = self._states.get(name)
        if state is None:
            state = self._states[name] = _TableState(raw)
        return state

    def _render_table(self, name: str, table: dict, ensure_ascii: bool) -> tuple[_Chunks, int, int, int, int]:
        """One table's JSON as byte chunks, its size, the CRC-32 of its text, its document count
        and its last document id."""
        body = self._lazy.get(name)
        if body is not None:
            new = dict((str(i), d) for i, d in self._pending.get(name, ()))
            docs = body.docs + len(new)
            last_id = max(body.last_id, *map(int, new)) if new else body.last_id
            orig = body
        else:
            body = self._bodies.get(name)
            state = self._states.get(name)
            reusable = (body is not None and not self._replaced and self._orig_tables.get(name) is table
                        and not (state and state.rewritten))
            docs = len(table)
            last_id = max(map(int, table)) if table else 0
            if not reusable:
                data = _dumps(table, ensure_ascii).encode("utf-8")
                return [data], len(data), zlib.crc32(data), docs, last_id
            new = {} if state is None else dict(itertools.islice(table.items(), state.orig_len, None))
            orig = body
        if not new:
            size, crc, chunks = len(orig.data), zlib.crc32(b"}", orig.crc_without_brace()), [orig.data]
        else:
            tail = (("," if orig.docs else "") + _dumps(new, ensure_ascii)[1:-1] + "}").encode("utf-8")
            size, crc = len(orig.data) - 1 + len(tail), zlib.crc32(tail, orig.crc_without_brace())
            chunks = [orig.data[:-1], tail]
        return chunks, size, crc, docs, last_id

    def _render(self, ensure_ascii: bool) -> _Chunks:
        """The file's new content as byte chunks: the meta table first, then every other table.

        Tables the transaction did not touch are copied from the old file as
        they are, tables that only got new documents get them appended; only
        the rest is serialized again (a 50 MB table is not re-encoded to add
        one order).
        """
        chunks: _Chunks = []
        layout = []
        summaries = (self._meta_doc() or {}).get(_SUMMARIES) or {}
        for name, table in self._data.items():
            if name == META_TABLE:
                continue
            table_chunks, size, crc, docs, last_id = self._render_table(name, table, ensure_ascii)
            chunks.append(("," + _dumps(name, ensure_ascii) + ":").encode("utf-8"))
            chunks.extend(table_chunks)
            check = _seal(crc, docs, last_id, summaries.get(name))
            layout.append({"name": name, "bytes": size, "docs": docs, "last_id": last_id, "check": check})
        meta_table = self._data.get(META_TABLE)
        if meta_table:
            ((key, meta),) = meta_table.items()
            meta_table = {key: dict(meta, **{_LAYOUT: layout})}
            head = "{" + _dumps(META_TABLE) + ":" + _dumps(meta_table, ensure_ascii)
        else:
            head = "{"
            if chunks:
                chunks[0] = bytes(chunks[0])[1:]  # no comma before the first member
        return [head.encode("utf-8"), *chunks, b"}"]

    def commit(self) -> None:
        """Write the data to the file, once, atomically.  Raises DataError."""
        if self.durable:
            _atomic_write(self.path, _encode(self.path, self._render))
        else:
            _scratch_write(self.path, _encode(self.path, self._render))
        self.dirty = False

    def close(self) -> None:
        """Refuse further writes (the data is dropped unless committed)."""
        self.closed = True


# Stands for a table not parsed yet in AtomicJSONStorage._data (never handed out).
_UNLOADED: dict[str, Any] = {}


def _byte_offset(loaded: _Loaded, index: int) -> int:
    """The byte offset in the file of character *index* of its text."""
    text = loaded.text
    if text.isascii():
        return index
    if index <= len(text) // 2:
        return len(text[:index].encode("utf-8"))
    return len(loaded.raw) - len(text[index:].encode("utf-8"))


_MISSING = object()


class _IntKeyView(MutableMapping):
    """The ``{int doc_id: doc}`` mapping TinyDB's updaters expect, as a view
    over the raw ``{"doc_id": doc}`` dict, changed in place: O(1) per insert
    instead of TinyDB's two O(n) copies of the table.  Keeps an undo log so
    that a failing updater leaves the table as it was, like TinyDB does."""

    __slots__ = ("raw", "undo", "state")

    def __init__(self, raw: dict[str, Any], state: _TableState | None) -> None:
        self.raw = raw
        self.undo: dict[str, Any] = {}
        self.state = state

    def _log(self, key: str) -> None:
        if self.state is not None:
            self.state.touch(key)
        if key not in self.undo:
            self.undo[key] = self.raw.get(key, _MISSING)

    def __getitem__(self, doc_id: int) -> Any:
        key = str(doc_id)
        if self.state is not None:
            self.state.touch(key)  # the caller may change the document in place
        return self.raw[key]

    def __setitem__(self, doc_id: int, doc: Any) -> None:
        key = str(doc_id)
        self._log(key)
        self.raw[key] = doc

    def __delitem__(self, doc_id: int) -> None:
        key = str(doc_id)
        if key not in self.raw:
            raise KeyError(doc_id)
        self._log(key)
        del self.raw[key]

    def __contains__(self, doc_id: object) -> bool:
        return str(doc_id) in self.raw

    def __iter__(self) -> Iterator[int]:
        return map(int, list(self.raw))

    def __len__(self) -> int:
        return len(self.raw)

    def clear(self) -> None:
        for key in self.raw:
            self._log(key)
        self.raw.clear()

    def rollback(self) -> None:
        """Undo this updater's insertions, replacements and deletions."""
        restored = False
        for key, old in self.undo.items():
            if old is _MISSING:
                self.raw.pop(key, None)
            else:
                self.raw[key] = old
                restored = True
        if restored:
            # Re-inserted keys went to the end: restore ascending doc id order.
            items = sorted(self.raw.items(), key=lambda kv: int(kv[0]))
            self.raw.clear()
            self.raw.update(items)
            if self.state is not None:
                self.state.rewritten = True


class _FastTable(Table):
    """A TinyDB table whose updates work in place on the in-memory data."""

    def _tables(self) -> dict[str, Any] | None:
        storage = self._storage
        if isinstance(storage, AtomicJSONStorage):
            return storage.table_data(self.name)  # the other tables may stay unparsed
        return storage.read()

    def _read_table(self) -> dict[str, Any]:
        tables = self._tables()
        return {} if tables is None else tables.get(self.name, {})

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> None:
        storage = self._storage
        tables = self._tables()
        if tables is None:  # pragma: no cover - AtomicJSONStorage never returns None
            tables = {}
        raw = tables.get(self.name)
        if raw is None:
            raw = tables[self.name] = {}
        fast = isinstance(storage, AtomicJSONStorage)
        state = storage.state(self.name, raw) if fast else None
        view = _IntKeyView(raw, state)
        try:
            updater(view)  # type: ignore[arg-type]
        except BaseException:
            view.rollback()
            self.clear_cache()
            raise
        storage.write(tables)
        if fast:
            storage.changed(self.name)
        self.clear_cache()


class _ShopDB(TinyDB):
    table_class = _FastTable


# --------------------------------------------------------------------------- public API


class Transaction:
    """A write transaction, valid only inside ``with store.transaction() as tx:``.

    All changes stay in memory and are written at once when the ``with``
    block ends normally; nothing is written if it raises.
    """

    def __init__(self, store: Store, db: TinyDB, storage: AtomicJSONStorage) -> None:
        self._store = store
        self._db = db
        self._storage = storage
        self._meta = storage.meta_document()
        self._meta.setdefault("counters", {})
        self._meta_before = copy.deepcopy(self._meta)

    def table(self, name: str) -> Table:
        """The TinyDB table *name* of the freshly opened database (in memory until commit).

        The usual TinyDB API works (insert, insert_multiple, search, update,
        remove, get…).  Batch inserts cost O(1) per document.
        """
        if name == META_TABLE:
            raise ValueError(f"the table {META_TABLE!r} is internal; use Transaction.meta")
        if self._storage.closed:
            raise RuntimeError(f"the transaction on {self._store.path} is finished; start a new one")
        return self._db.table(name)

    def tables(self) -> list[str]:
        """Names of the tables present (without the meta table)."""
        return [name for name in self._storage.names() if name != META_TABLE]

    def append(self, name: str, docs: Iterable[dict]) -> list[int]:
        """Insert *docs* at the end of table *name*; their doc ids.

        Unlike ``table(name).insert_multiple``, it does not parse the table
        when the file's layout checks out (placing one order does not read
        every order) and it keeps the table's summary (see :meth:`summary`).
        """
        if self._storage.closed:
            raise RuntimeError(f"the transaction on {self._store.path} is finished; start a new one")
        docs = list(docs)
        if not docs:
            return []
        if not self._storage.is_parsed(name):
            return self._storage.append(name, docs)
        summaries = self._meta.get(_SUMMARIES)
        kept = summaries.get(name) if isinstance(summaries, dict) else None
        ids = self._db.table(name).insert_multiple(docs)
        if kept is not None:
            self._meta.setdefault(_SUMMARIES, {})[name] = kept
        return ids

    def count(self, name: str) -> int:
        """The number of documents in table *name*, without parsing it."""
        return self._storage.count(name)

    def summary(self, name: str) -> Any:
        """What the caller last saved with :meth:`set_summary` about table *name*, or None.

        A summary (say, the stock held by all orders) is kept in the meta
        document and lets a caller skip reading a large table.  It holds only
        while the table is exactly as it was when the summary was saved: any
        change through :meth:`table` drops it, as does any change to the file
        by other means (a hand edit, an older shopcli).  Changes through
        :meth:`append` keep it; the caller updates it.
        """
        summaries = self._meta.get(_SUMMARIES)
        return summaries.get(name) if isinstance(summaries, dict) else None

    def set_summary(self, name: str, value: Any) -> None:
        """Save a JSON-serialisable summary of table *name* (see :meth:`summary`)."""
        self._meta.setdefault(_SUMMARIES, {})[name] = value

    def next_id(self, counter: str = "order") -> int:
        """Next value of the named counter: 1, 2, 3…

        Unique across processes because it is only called with the store's
        lock held; persisted in the meta table at commit (so an id handed out
        by a transaction that then fails may be handed out again).
        """
        if not isinstance(counter, str):
            raise TypeError("the counter name must be a string")
        if self._storage.closed:
            raise RuntimeError(f"the transaction on {self._store.path} is finished; start a new one")
        counters = self._meta.setdefault("counters", {})
        value = int(counters.get(counter, 0)) + 1
        counters[counter] = value
        return value

    @property
    def meta(self) -> dict[str, Any]:
        """The meta document, read/write and persisted at commit.

        Store your own keys in it (e.g. ``tx.meta["stats_version"] = 3``).
        The keys ``schema``, ``app`` and ``counters`` are managed by the store.
        """
        return self._meta

    # -- internal

    def _changed(self) -> bool:
        return self._storage.dirty or self._meta != self._meta_before

    def _commit(self) -> None:
        if not self._changed():
            return  # nothing to write (a read-only transaction never creates or rewrites the file)
        self._meta["schema"] = SCHEMA_VERSION
        self._meta["app"] = APP_NAME
        counters = self._meta.get("counters")
        if not isinstance(counters, dict) or not all(type(v) is int and v >= 0 for v in counters.values()):
            raise ValueError("Transaction.meta['counters'] must map counter names to non-negative ints")
        self._storage.commit()


class Store:
    """The order store, a TinyDB JSON file at :attr:`path`.

    ``Store`` objects hold no open file and no cached data: every call reads
    the file again, every transaction opens it fresh inside the lock.
    """

    path: Path

    def __init__(self, path: str | os.PathLike[str], *, lock_timeout: float = 10.0, private: bool = False) -> None:
        self.path = Path(os.path.abspath(Path(path).expanduser()))
        self.lock_timeout = lock_timeout
        #: a scratch store only this process uses (a replayed transcript's): no inter-process
        #: lock, written in place without fsync (it goes when the run ends)
        self.private = private

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    @property
    def lock_path(self) -> Path:
        """The lock file: ``<store>.lock`` next to the store (symbolic links resolved)."""
        return Path(os.path.realpath(self.path) + ".lock")

    def _load(self) -> dict[str, dict[str, dict]]:
        return _parse(self.path, _read_bytes(self.path), spans=False).data

    def read(self) -> dict[str, list[dict]]:
        """Consistent read-only snapshot without taking the write lock.

        Returns ``{table_name: [doc, ...]}`` in insertion (doc id) order, never
        including the internal meta table.  The documents are fresh plain
        dicts (parsed for this call; change them freely).  A missing or
        0-byte file is an empty store.  Never writes.

        :raises DataError: the file is unreadable, damaged, foreign or newer.
        """
        data = self._load()
        with _gc_paused():
            return {name: _documents(table) for name, table in data.items() if name != META_TABLE}

    def table(self, name: str) -> list[dict]:
        """The documents of one table (``[]`` if it does not exist)."""
        return self.read().get(name, [])

    def signature(self) -> tuple[int, int, int] | None:
        """What changes whenever the file is written: (inode, size, mtime in ns); None when there
        is no file. Writers replace the file, so a reader may keep what it read while this holds."""
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_ino, st.st_size, st.st_mtime_ns

    def read_meta(self) -> dict[str, Any]:
        """A copy of the meta document (``{}`` for an empty store), without the lock."""
        table = self._load().get(META_TABLE)
        if not table:
            return {}
        (meta,) = table.values()
        return dict(meta)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Open a write transaction.

        Takes the inter-process lock (``<path>.lock``, waiting at most
        ``lock_timeout`` seconds), opens the file fresh and yields a
        :class:`Transaction`.  On normal exit the whole database is written
        once, atomically (only if something changed); on exception nothing is
        written and the exception is re-raised.

        :raises DataError: locked by another process, unreadable/damaged file,
            or the write failed (then the old file is unchanged).
        :raises RuntimeError: a transaction on the same store is already open
            in this thread.
        """
        real = str(self.path) if self.private else os.path.realpath(self.path)
        active: set[str] = _active.__dict__.setdefault("paths", set())
        if real in active:
            raise RuntimeError(f"a transaction on {self.path} is already open in this thread")
        lock_path = real + ".lock"
        _refuse_read_only(real, self.path)
        try:
            if not self.private or not os.path.isdir(os.path.dirname(real)):
                Path(real).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _write_error(self.path, exc) from None
        lock = _NoLock() if self.private else filelock.FileLock(lock_path, timeout=self.lock_timeout, mode=0o600)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise DataError(
                f"the store {self.path} is locked by another process",
                hint=(
                    "Another shop command is still writing it; wait for it to finish and try again "
                    f"(lock file: {lock_path})."
                ),
            ) from None
        except OSError as exc:
            raise DataError(
                f"cannot lock the store {self.path}: {_reason(exc)}",
                hint=f"Check that you may write to {Path(lock_path).parent}, or use another store path.",
            ) from None
        active.add(real)
        storage: AtomicJSONStorage | None = None
        try:
            storage = AtomicJSONStorage(self.path, durable=not self.private)
            db = _ShopDB(storage=lambda: storage)
            tx = Transaction(self, db, storage)
            yield tx
            if not self.private:
                _remove_stale_temps(Path(real))
            tx._commit()
        finally:
            if storage is not None:
                storage.close()
            active.discard(real)
            lock.release()


class _NoLock:
    """The lock of a private store: nothing to wait for."""

    def acquire(self) -> None:
        pass

    def release(self) -> None:
        pass


def _documents(table: dict[str, dict]) -> list[dict]:
    """The documents of a raw table in ascending doc id order."""
    ids = [int(k) for k in table]
    docs = list(table.values())
    if any(a > b for a, b in zip(ids, itertools.islice(ids, 1, None))):
        return [doc for _, doc in sorted(zip(ids, docs), key=lambda pair: pair[0])]
    return docs
