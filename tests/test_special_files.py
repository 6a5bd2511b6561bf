"""Only regular files are stores, catalogs and configs (issue 19, finding 3): a device, a named pipe
or a socket is exit 3 with one line, at once, and is never read (a FIFO would block, /dev/zero
never ends)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero"),
                                reason="POSIX special files")


def shop(env_extra: dict, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, **env_extra)
    return subprocess.run([sys.executable, "-m", "shopcli", *args], capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=20)


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return str(path)


@pytest.mark.parametrize("args", [("orders", "list"), ("order", "--yes", "milk"), ("suggest", "milk"),
                                  ("stats",), ("orders", "export")])
@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "/dev/full"])
def test_a_special_file_as_the_store(tmp_path, fifo, args, special):
    path = fifo if special == "fifo" else special
    r = shop({"SHOPCLI_DB": path, "SHOPCLI_CACHE_DIR": str(tmp_path / "c")}, *args)
    assert r.returncode == 3, r.stderr
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1 and "not a file" in r.stderr


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_a_special_file_as_the_catalog(tmp_path, fifo, special):
    path = fifo if special == "fifo" else special
    r = shop({"SHOPCLI_CACHE_DIR": str(tmp_path / "c")}, "--catalog", path, "parse", "milk")
    assert r.returncode == 3 and r.stderr.count("\n") == 1 and "not a file" in r.stderr


def test_a_special_file_as_the_config(tmp_path, fifo):
    r = shop({"SHOPCLI_CONFIG": fifo}, "config", "show")
    assert r.returncode == 3 and r.stderr.count("\n") == 1 and "not a file" in r.stderr


def test_a_read_only_store_is_never_rewritten(tmp_path):
    """Issue 19, finding 8: a store made read-only with chmod 444 was still replaced."""
    store = tmp_path / "orders.json"
    env = {"SHOPCLI_DB": str(store), "SHOPCLI_CACHE_DIR": str(tmp_path / "c")}
    assert shop(env, "order", "--yes", "milk").returncode == 0
    store.chmod(0o444)
    before = store.read_bytes()
    for args in (("order", "--yes", "bread"), ("orders", "cancel", "ORD-000001")):
        r = shop(env, *args)
        assert r.returncode == 3 and "read-only" in r.stderr and r.stderr.count("\n") == 1
    assert store.read_bytes() == before and store.stat().st_mode & 0o777 == 0o444
    assert "ORD-000001" in shop(env, "orders", "list").stdout        # reading still works
