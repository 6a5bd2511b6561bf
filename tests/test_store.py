"""Tests of shopcli.store.db: the order store must never lose or corrupt an order."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import zlib
from pathlib import Path

import filelock
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tinydb import Query, TinyDB
from tinydb.table import Document

from shopcli.store import db as store_module
from shopcli.errors import DataError
from shopcli.store.db import SCHEMA_VERSION, Store

REPO = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- helpers


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def meta_doc(**extra: object) -> dict:
    return {"schema": SCHEMA_VERSION, "app": "shopcli", "counters": {}, **extra}


def write_json(path: Path, data: object, **kwargs: object) -> None:
    path.write_text(json.dumps(data, **kwargs), encoding="utf-8")


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def assert_one_line_error(exc: DataError, path: Path) -> None:
    assert str(path) in exc.message
    assert "\n" not in exc.message
    assert exc.hint
    assert exc.exit_code == 3


# --------------------------------------------------------------------------- basics


def test_missing_file_is_an_empty_store_and_read_never_writes(store: Store, path: Path) -> None:
    assert store.read() == {}
    assert store.table("orders") == []
    assert store.read_meta() == {}
    assert not path.exists()
    assert not path.parent.joinpath("orders.json.lock").exists()


def test_round_trip(store: Store, path: Path) -> None:
    with store.transaction() as tx:
        orders = tx.table("orders")
        orders.insert({"id": tx.next_id(), "item": "milk", "qty": 2, "price": 1.29})
        orders.insert({"id": tx.next_id(), "item": "Crème fraîche ☕", "tags": ["a", "b"], "addr": {"zip": "10115"}})
        tx.table("lists").insert({"name": "weekly"})
        tx.meta["stats_version"] = 3
    data = store.read()
    assert data == {
        "orders": [
            {"id": 1, "item": "milk", "qty": 2, "price": 1.29},
            {"id": 2, "item": "Crème fraîche ☕", "tags": ["a", "b"], "addr": {"zip": "10115"}},
        ],
        "lists": [{"name": "weekly"}],
    }
    assert store.table("lists") == [{"name": "weekly"}]
    assert store.table("nope") == []
    meta = store.read_meta()
    assert meta["stats_version"] == 3
    assert meta["counters"] == {"order": 2}

    # A second transaction sees the first one's data and adds to it.
    with store.transaction() as tx:
        assert [d["id"] for d in tx.table("orders").all()] == [1, 2]
        assert tx.meta["stats_version"] == 3
        assert sorted(tx.tables()) == ["lists", "orders"]
        tx.table("orders").insert({"id": tx.next_id()})
    assert [d["id"] for d in store.table("orders")] == [1, 2, 3]


def test_file_is_valid_tinydb_json_with_meta(store: Store, path: Path) -> None:
    with store.transaction() as tx:
        tx.table("orders").insert_multiple({"id": tx.next_id(), "n": "ü"} for _ in range(3))
    raw = path.read_bytes()
    data = json.loads(raw)
    assert set(data) == {"_meta", "orders"}
    (meta,) = data["_meta"].values()
    layout = meta.pop("layout")
    assert meta == {"schema": SCHEMA_VERSION, "app": "shopcli", "counters": {"order": 3}}
    body = json.dumps(data["orders"], ensure_ascii=False, separators=(",", ":")).encode()
    check = zlib.crc32(b"[3,3,null]", zlib.crc32(body))
    assert layout == [{"name": "orders", "bytes": len(body), "docs": 3, "last_id": 3, "check": check}]
    assert raw.endswith(b',"orders":' + body + b"}")
    assert list(data["orders"]) == ["1", "2", "3"]
    assert "ü".encode() in raw  # ensure_ascii=False
    assert b": " not in raw and b", " not in raw  # compact separators
    db = TinyDB(path, access_mode="r")
    try:
        assert db.table("orders").all() == [{"id": i, "n": "ü"} for i in (1, 2, 3)]
        assert db.table("orders").get(doc_id=2) == {"id": 2, "n": "ü"}
        assert db.table("_meta").all()[0]["schema"] == SCHEMA_VERSION
    finally:
        db.close()
    assert path.read_bytes() == raw


def test_next_id_is_monotonic_per_counter_and_persisted(store: Store) -> None:
    seen = []
    for _ in range(5):
        with store.transaction() as tx:
            seen.append(tx.next_id())
            seen.append(tx.next_id())
            assert tx.next_id("list") == len(seen) // 2
    assert seen == list(range(1, 11))
    assert store.read_meta()["counters"] == {"order": 10, "list": 5}


def test_exception_in_transaction_writes_nothing(store: Store, path: Path) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        with store.transaction() as tx:
            tx.table("orders").insert({"id": tx.next_id()})
            raise Boom
    assert not path.exists()  # a new store is not even created

    with store.transaction() as tx:
        tx.table("orders").insert({"id": tx.next_id()})
    before = sha(path)
    with pytest.raises(Boom):
        with store.transaction() as tx:
            tx.table("orders").insert({"id": tx.next_id()})
            tx.table("orders").update({"id": 99})
            tx.meta["x"] = 1
            raise Boom
    assert sha(path) == before
    with store.transaction() as tx:
        assert tx.next_id() == 2  # the failed transaction's id was not used


def test_unchanged_transaction_does_not_rewrite(store: Store, path: Path) -> None:
    with store.transaction() as tx:
        tx.table("orders").all()
    assert not path.exists()
    with store.transaction() as tx:
        tx.table("orders").insert({"id": 1})
    ino, mtime = path.stat().st_ino, path.stat().st_mtime_ns
    with store.transaction() as tx:
        assert len(tx.table("orders")) == 1
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (ino, mtime)


def test_tinydb_operations_in_a_transaction(store: Store) -> None:
    with store.transaction() as tx:
        t = tx.table("orders")
        t.insert_multiple({"id": i, "status": "open"} for i in range(1, 6))
    with store.transaction() as tx:
        t = tx.table("orders")
        q = Query()
        t.update({"status": "done"}, q.id == 2)
        t.remove(q.id == 3)
        t.upsert({"id": 4, "status": "upserted"}, q.id == 4)
        t.insert({"id": 6, "status": "open"})
        assert t.count(q.status == "open") == 3
        assert t.get(q.id == 2)["status"] == "done"
    docs = store.table("orders")
    assert [(d["id"], d["status"]) for d in docs] == [
        (1, "open"), (2, "done"), (4, "upserted"), (5, "open"), (6, "open")
    ]
    with store.transaction() as tx:
        tx.table("orders").truncate()
        tx.table("orders").insert({"id": 7})
    assert store.table("orders") == [{"id": 7}]


def test_failing_tinydb_operation_changes_nothing(store: Store) -> None:
    with store.transaction() as tx:
        tx.table("orders").insert_multiple([{"id": 1}, {"id": 2}])
    with store.transaction() as tx:
        t = tx.table("orders")
        with pytest.raises(ValueError):
            t.insert_multiple([{"id": 3}, {"id": 4}, "not a mapping"])  # type: ignore[list-item]
        with pytest.raises(ValueError):
            t.insert(Document({"id": "dup"}, doc_id=1))
        assert t.all() == [{"id": 1}, {"id": 2}]
        t.insert({"id": 3})
    assert store.table("orders") == [{"id": 1}, {"id": 2}, {"id": 3}]


def test_read_returns_documents_in_doc_id_order(path: Path, store: Store) -> None:
    write_json(path, {"_meta": {"1": meta_doc()}, "orders": {"10": {"n": 10}, "2": {"n": 2}, "1": {"n": 1}}})
    assert store.table("orders") == [{"n": 1}, {"n": 2}, {"n": 10}]
    with store.transaction() as tx:
        tx.table("orders").insert(Document({"n": 5}, doc_id=5))
    assert store.table("orders") == [{"n": 1}, {"n": 2}, {"n": 5}, {"n": 10}]


def test_transaction_objects_are_dead_after_the_block(store: Store) -> None:
    with store.transaction() as tx:
        table = tx.table("orders")
    with pytest.raises(RuntimeError):
        table.insert({"late": True})
    with pytest.raises(RuntimeError):
        tx.next_id()
    with pytest.raises(RuntimeError):
        tx.table("orders")


def test_meta_table_is_not_a_user_table(store: Store) -> None:
    with store.transaction() as tx:
        with pytest.raises(ValueError):
            tx.table("_meta")
        tx.table("orders").insert({"id": 1})
    assert "_meta" not in store.read()


def test_nested_transaction_is_a_clear_error(store: Store) -> None:
    with store.transaction():
        with pytest.raises(RuntimeError, match="already open"):
            with Store(store.path).transaction():
                pass


@pytest.mark.parametrize("content", [b"", b"{}", b'{"_default": {}}', b'{"_default":{}}\n'])
def test_acceptable_empty_files(path: Path, store: Store, content: bytes) -> None:
    path.write_bytes(content)
    assert store.read() in ({}, {"_default": []})
    assert path.read_bytes() == content
    with store.transaction() as tx:
        tx.table("orders").insert({"id": tx.next_id()})
    assert store.table("orders") == [{"id": 1}]
    assert store.read_meta()["schema"] == SCHEMA_VERSION


def test_file_written_by_tinydb_itself_is_appended_to_correctly(path: Path, store: Store) -> None:
    # Indented, escaped, non-ASCII: the commit reuses the old text of the table and appends.
    data = {
        "_meta": {"1": meta_doc(counters={"order": 2})},
        "orders": {"1": {"id": 1, "t": "é\u2028\t\"x\""}, "2": {"id": 2, "t": "😀"}},
        "lists": {"1": {"name": "ünïcode"}},
    }
    write_json(path, data, indent=2, ensure_ascii=False)
    with store.transaction() as tx:
        tx.table("orders").insert({"id": tx.next_id(), "t": "ß"})
    text = path.read_text(encoding="utf-8")
    assert '"name": "ünïcode"' in text  # the untouched table's text was copied as it was
    assert '"id": 2,' in text and '"id":3,' in text  # old documents kept, the new one appended
    assert text.index('"id": 2,') < text.index('"id":3,') < text.index('"lists":{')
    assert store.read() == {
        "orders": [{"id": 1, "t": "é\u2028\t\"x\""}, {"id": 2, "t": "😀"}, {"id": 3, "t": "ß"}],
        "lists": [{"name": "ünïcode"}],
    }
    with store.transaction() as tx:  # an empty table gets its first document
        tx.table("lists").truncate()
    with store.transaction() as tx:
        tx.table("lists").insert({"name": "x"})
        tx.table("orders").remove(doc_ids=[1])
    assert store.table("lists") == [{"name": "x"}]
    assert [d["id"] for d in store.table("orders")] == [2, 3]
    json.loads(path.read_bytes())


def test_lone_surrogates_are_escaped_not_lost(store: Store, path: Path) -> None:
    with store.transaction() as tx:
        tx.table("orders").insert({"s": "a\udc80b", "\ud800": 1})
    assert store.table("orders") == [{"s": "a\udc80b", "\ud800": 1}]
    path.read_bytes().decode("utf-8")  # still valid UTF-8


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_nan_and_infinity_never_reach_the_file(store: Store, path: Path, bad: float) -> None:
    with store.transaction() as tx:
        tx.table("orders").insert({"id": 1})
    before = sha(path)
    with pytest.raises(DataError) as info:
        with store.transaction() as tx:
            tx.table("orders").insert({"price": bad})
    assert_one_line_error(info.value, path)
    assert sha(path) == before
    assert temp_files(path.parent) == []


# --------------------------------------------------------------------------- damaged files

VALID = {"_meta": {"1": meta_doc(counters={"order": 1})}, "orders": {"1": {"id": 1, "item": "milk"}}}
VALID_BYTES = json.dumps(VALID).encode()

DAMAGED: dict[str, tuple[bytes, str]] = {
    "invalid json": (b'{"_meta": {"1": {"schema": 1,, }}}', "damaged"),
    "truncated": (VALID_BYTES[: len(VALID_BYTES) // 2], "truncated"),
    "truncated at the end": (VALID_BYTES[:-1], "damaged"),
    "trailing garbage": (VALID_BYTES + b" {}", "after the end"),
    "two documents": (VALID_BYTES + b"\n" + VALID_BYTES, "after the end"),
    "nul bytes": (VALID_BYTES[:20] + b"\x00" * 16 + VALID_BYTES[20:], "NUL"),
    "only nul bytes": (b"\x00" * 4096, "NUL"),
    "invalid utf-8": (VALID_BYTES.replace(b"milk", b"m\xffk"), "UTF-8"),
    "utf-8 bom": (b"\xef\xbb\xbf" + VALID_BYTES, "damaged"),
    "whitespace only": (b"  \n", "damaged"),
    "json array": (b"[1, 2]", "array"),
    "json string": (b'"orders"', "string"),
    "json number": (b"42", "number"),
    "json null": (b"null", "null"),
    "table is a list": (json.dumps({**VALID, "orders": [{"id": 1}]}).encode(), "table 'orders'"),
    "document is a string": (json.dumps({**VALID, "orders": {"1": "x"}}).encode(), "document '1'"),
    "document id not a number": (json.dumps({**VALID, "orders": {"abc": {}}}).encode(), "'abc'"),
    "NaN in a document": (VALID_BYTES.replace(b'"milk"', b"NaN"), "NaN"),
    "Infinity in a document": (VALID_BYTES.replace(b'"milk"', b"-Infinity"), "Infinity"),
    "deeply nested": (b'{"_meta": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "damaged"),
    "foreign tinydb file": (b'{"_default": {"1": {"name": "not ours"}}}', "not written by shopcli"),
    "foreign empty tables": (b'{"users": {}}', "not written by shopcli"),
    "other app": (json.dumps({"_meta": {"1": {"schema": 1, "app": "other"}}}).encode(), "not written by shopcli"),
    "meta without schema": (json.dumps({"_meta": {"1": {"app": "shopcli"}}}).encode(), "no schema"),
    "schema zero": (json.dumps({"_meta": {"1": meta_doc(schema=0)}}).encode(), "unknown"),
    "schema string": (json.dumps({"_meta": {"1": meta_doc(schema="1")}}).encode(), "unknown"),
    "schema bool": (json.dumps({"_meta": {"1": meta_doc(schema=True)}}).encode(), "unknown"),
    "newer schema": (json.dumps({"_meta": {"1": meta_doc(schema=SCHEMA_VERSION + 1)}}).encode(), "newer shopcli"),
    "two meta documents": (json.dumps({"_meta": {"1": meta_doc(), "2": meta_doc()}}).encode(), "exactly one"),
    "empty meta table": (json.dumps({"_meta": {}}).encode(), "exactly one"),
    "bad counters": (json.dumps({"_meta": {"1": meta_doc(counters={"order": "7"})}}).encode(), "counters"),
}


@pytest.mark.parametrize("case", sorted(DAMAGED))
def test_damaged_file_raises_and_is_never_modified(path: Path, store: Store, case: str) -> None:
    content, expected = DAMAGED[case]
    path.write_bytes(content)
    before = sha(path)
    with pytest.raises(DataError) as info:
        store.read()
    assert_one_line_error(info.value, path)
    assert expected in info.value.message
    with pytest.raises(DataError):
        store.read_meta()
    with pytest.raises(DataError) as info:
        with store.transaction() as tx:  # pragma: no cover - never entered
            tx.table("orders").insert({"id": tx.next_id()})
    assert expected in info.value.message
    assert sha(path) == before
    assert temp_files(path.parent) == []
    if "newer" in case:
        assert "newer" in info.value.message
    elif "foreign" in case or "other app" in case:
        assert "move" in (info.value.hint or "")
    else:
        assert "backup" in (info.value.hint or "") or "not written" in info.value.message


def test_directory_at_the_path(path: Path, store: Store) -> None:
    path.mkdir()
    with pytest.raises(DataError) as info:
        store.read()
    assert_one_line_error(info.value, path)
    with pytest.raises(DataError):
        with store.transaction():
            pass  # pragma: no cover
    assert path.is_dir() and list(path.iterdir()) == []


def test_path_under_a_regular_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("I am a file")
    store = Store(blocker / "orders.json")
    with pytest.raises(DataError) as info:
        store.read()
    assert_one_line_error(info.value, store.path)
    with pytest.raises(DataError) as info:
        with store.transaction() as tx:
            tx.table("orders").insert({"id": 1})  # pragma: no cover
    assert_one_line_error(info.value, store.path)
    assert "cannot write" in info.value.message
    assert blocker.read_text() == "I am a file"


def test_permission_error_on_read(path: Path, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    path.write_bytes(VALID_BYTES)

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(store_module, "open", denied, raising=False)
    with pytest.raises(DataError) as info:
        store.read()
    assert_one_line_error(info.value, path)
    assert "Permission denied" in info.value.message


# --------------------------------------------------------------------------- write failures


@pytest.mark.parametrize("victim", ["replace", "fsync", "mkstemp", "write"])
@pytest.mark.parametrize("existing", [True, False])
def test_write_failure_leaves_the_old_store_intact(
    path: Path, store: Store, monkeypatch: pytest.MonkeyPatch, victim: str, existing: bool
) -> None:
    if existing:
        with store.transaction() as tx:
            tx.table("orders").insert({"id": tx.next_id()})
        before = sha(path)

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if victim == "mkstemp":
        monkeypatch.setattr(tempfile, "mkstemp", no_space)
    elif victim == "write":
        monkeypatch.setattr(store_module, "_atomic_write", _failing_after_partial_write(store_module._atomic_write))
    else:
        monkeypatch.setattr(os, victim, no_space)
    with pytest.raises(DataError) as info:
        with store.transaction() as tx:
            tx.table("orders").insert({"id": tx.next_id(), "big": "x" * 100_000})
    monkeypatch.undo()
    assert info.value.message == f"cannot write the store {path}: No space left on device"
    assert info.value.hint and "not changed" in info.value.hint
    if existing:
        assert sha(path) == before
        assert [d["id"] for d in store.table("orders")] == [1]
    else:
        assert not path.exists()
    assert temp_files(path.parent) == []


def _failing_after_partial_write(real_atomic_write):  # type: ignore[no-untyped-def]
    """An _atomic_write whose chunks fail with ENOSPC after some bytes were written."""

    def atomic_write(path, chunks):  # type: ignore[no-untyped-def]
        def gen():  # type: ignore[no-untyped-def]
            for chunk in chunks:
                yield bytes(chunk)[:10]
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        return real_atomic_write(path, gen())

    return atomic_write


def test_read_only_folder(path: Path, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    with store.transaction() as tx:
        tx.table("orders").insert({"id": 1})
    before = sha(path)

    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    with pytest.raises(DataError) as info:
        with store.transaction() as tx:
            tx.table("orders").insert({"id": 2})
    assert info.value.message == f"cannot write the store {path}: Read-only file system"
    assert sha(path) == before


def test_new_store_mode_is_0600_and_existing_mode_is_kept(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        path = tmp_path / "deep" / "er" / "orders.json"  # parent folders are created
        store = Store(path)
        with store.transaction() as tx:
            tx.table("orders").insert({"id": 1})
        assert path.stat().st_mode & 0o777 == 0o600
        os.chmod(path, 0o640)
        with store.transaction() as tx:
            tx.table("orders").insert({"id": 2})
        assert path.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old_umask)


def test_symlinked_store_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real" / "orders.json"
    real.parent.mkdir()
    link = tmp_path / "link.json"
    link.symlink_to(real)
    store = Store(link)
    with store.transaction() as tx:
        tx.table("orders").insert({"id": 1})
    assert link.is_symlink()
    assert Store(real).table("orders") == [{"id": 1}]
    with Store(real).transaction() as tx:  # same lock whichever name is used
        with pytest.raises(RuntimeError):
            with store.transaction():
                pass  # pragma: no cover


def test_stale_temp_files_are_removed_by_the_next_commit(path: Path, store: Store) -> None:
    with store.transaction() as tx:
        tx.table("orders").insert({"id": 1})
    stale = path.parent / ".orders.json.abc123xy.tmp"          # as mkstemp names them
    stale.write_bytes(b"half a store")
    other = path.parent / ".other.json.abc123xy.tmp"
    other.write_bytes(b"not ours")
    # the live temporary file of a store named "orders.json.test" in the same folder (issue 19)
    neighbour = path.parent / ".orders.json.test.k2j4h6g8.tmp"
    neighbour.write_bytes(b"another store's commit in progress")
    with store.transaction() as tx:
        tx.table("orders").insert({"id": 2})
    assert not stale.exists()
    assert other.exists() and neighbour.exists()


# --------------------------------------------------------------------------- locking and concurrency


def test_lock_timeout(path: Path) -> None:
    store = Store(path, lock_timeout=0.2)
    with store.transaction() as tx:
        tx.table("orders").insert({"id": 1})
    before = sha(path)
    with filelock.FileLock(str(path) + ".lock"):
        start = time.monotonic()
        with pytest.raises(DataError) as info:
            with store.transaction() as tx:
                tx.table("orders").insert({"id": 2})  # pragma: no cover
        elapsed = time.monotonic() - start
        assert store.table("orders") == [{"id": 1}]  # reading needs no lock
    assert 0.15 <= elapsed < 2.0
    assert info.value.message == f"the store {path} is locked by another process"
    assert info.value.hint
    assert sha(path) == before
    with store.transaction() as tx:  # free again
        tx.table("orders").insert({"id": 2})


WORKER = textwrap.dedent(
    """
    import sys
    from shopcli.store.db import Store
    store = Store(sys.argv[1], lock_timeout=60)
    for _ in range(int(sys.argv[2])):
        with store.transaction() as tx:
            tx.table("orders").insert({"id": tx.next_id(), "worker": sys.argv[3]})
    """
)


def test_concurrent_processes_lose_nothing(path: Path) -> None:
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(path), "100", str(w)], env=child_env())
        for w in range(4)
    ]
    for p in procs:
        assert p.wait(timeout=120) == 0
    docs = Store(path).table("orders")
    ids = [d["id"] for d in docs]
    assert len(docs) == 400
    assert sorted(ids) == list(range(1, 401))
    assert sorted(d["worker"] for d in docs) == sorted(str(w) for w in range(4) for _ in range(100))
    assert Store(path).read_meta()["counters"] == {"order": 400}


KILLED = textwrap.dedent(
    """
    import sys
    from shopcli.store.db import Store
    store = Store(sys.argv[1])
    while True:
        with store.transaction() as tx:
            i = tx.next_id()
            tx.table("orders").insert({"id": i, "pad": "é" * 2000})
        print(i, flush=True)
    """
)


def test_sigkill_at_any_moment_loses_no_committed_order(path: Path) -> None:
    rng = random.Random(1234)
    printed: list[int] = []
    for _ in range(5):
        proc = subprocess.Popen(
            [sys.executable, "-c", KILLED, str(path)], stdout=subprocess.PIPE, env=child_env(), text=True
        )
        assert proc.stdout is not None
        first = proc.stdout.readline()  # the child is up and has committed once
        assert first.strip().isdigit()
        time.sleep(rng.uniform(0.0, 0.3))
        proc.send_signal(signal.SIGKILL)
        rest = proc.stdout.read()
        proc.wait()
        printed += [int(line) for line in (first + rest).split()]
        stored = [d["id"] for d in Store(path).table("orders")]  # the file always loads
        assert set(printed) <= set(stored)
        assert stored == list(range(1, len(stored) + 1))  # no gaps, no duplicates
    assert len(printed) >= 5
    with Store(path).transaction() as tx:  # and the store still works, leaving no temp files
        tx.table("orders").insert({"id": tx.next_id()})
    assert temp_files(path.parent) == []


# --------------------------------------------------------------------------- properties and scale

json_text = st.text(max_size=20) | st.sampled_from(
    ["", "\x00\x01\x1f\x7f", "\u2028\u2029", "\"\\'", "😀 ünï €", "\ufeff"]
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | json_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(json_text, children, max_size=4),
    max_leaves=12,
)
json_docs = st.lists(st.dictionaries(json_text, json_values, max_size=5), max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=json_docs, second=json_docs)
def test_any_json_documents_read_back_equal(tmp_path: Path, first: list[dict], second: list[dict]) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    store = Store(folder / "orders.json")
    with store.transaction() as tx:
        tx.table("orders").insert_multiple(first)
    assert store.table("orders") == first
    with store.transaction() as tx:  # appended to the existing text of the table
        for doc in second:
            tx.table("orders").insert(doc)
        tx.table("other").insert_multiple(second)
    assert store.read() == {"orders": first + second, "other": second}
    db = TinyDB(folder / "orders.json", access_mode="r")
    try:
        assert db.table("orders").all() == first + second
    finally:
        db.close()


def test_ten_thousand_inserts_in_one_transaction_are_fast(store: Store) -> None:
    start = time.monotonic()
    with store.transaction() as tx:
        orders = tx.table("orders")
        for _ in range(10_000):
            orders.insert({"id": tx.next_id(), "items": [{"sku": "A1", "qty": 1}], "note": "x" * 50})
    elapsed = time.monotonic() - start
    docs = store.table("orders")
    assert len(docs) == 10_000
    assert [d["id"] for d in docs] == list(range(1, 10_001))
    assert elapsed < 10  # one insert at a time through TinyDB's own storage takes minutes


def test_private_store_takes_no_lock_and_skips_fsync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A replayed transcript's scratch store: only this process uses it, durability does not matter.
    path = tmp_path / "scratch" / "orders.json"
    store = Store(path, private=True)

    def no_fsync(fd: int) -> None:
        raise AssertionError("a private store must not fsync")

    monkeypatch.setattr(os, "fsync", no_fsync)
    with store.transaction() as tx:
        tx.table("orders").insert({"id": tx.next_id()})
    with store.transaction() as tx:
        tx.append("orders", [{"id": tx.next_id()}])
    assert [d["id"] for d in store.table("orders")] == [1, 2]
    assert sorted(p.name for p in path.parent.iterdir()) == ["orders.json"]  # no lock file, no temp file
    with pytest.raises(RuntimeError):
        with store.transaction():
            with store.transaction():
                pass  # pragma: no cover
