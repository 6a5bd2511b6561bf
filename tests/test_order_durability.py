"""Orders are never lost: concurrent writers on one store, and writers killed with SIGKILL mid-batch."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

MINI = Path(__file__).parent / "data" / "mini.json"
ITEMS = ["1 milk", "2 eggs", "a bag of rice", "3 onions", "2 cans of diced tomatoes", "bananas"]


def _env(db: Path) -> dict:
    return dict(os.environ, SHOPCLI_DB=str(db), SHOPCLI_CATALOG=str(MINI), SHOPCLI_NOW="2026-11-23T14:03:00+00:00")


def _writer(db: Path) -> subprocess.Popen:
    """`shop order --json` reading orders from a pipe: each line written alone is its own commit."""
    return subprocess.Popen([sys.executable, "-m", "shopcli", "order", "--json"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(db))


def _feed(p: subprocess.Popen, n: int, acked: list, pause: float = 0.002) -> None:
    """Send n orders one at a time, reading each acknowledgement before sending the next."""
    for i in range(n):
        p.stdin.write(f"{ITEMS[i % len(ITEMS)]}\n".encode())
        p.stdin.flush()
        line = p.stdout.readline()
        if not line:
            return
        acked.append(json.loads(line)["id"])
        time.sleep(pause)
    p.stdin.close()


def _ids(db: Path) -> list[str]:
    out = subprocess.run([sys.executable, "-m", "shopcli", "orders", "export"], capture_output=True,
                         env=_env(db), check=True).stdout
    return [json.loads(l)["id"] for l in out.splitlines()]


def test_four_writers_hundred_orders_each_none_lost(tmp_path):
    db = tmp_path / "orders.json"
    procs = [_writer(db) for _ in range(4)]
    acked: list[list[str]] = [[] for _ in procs]
    threads = [threading.Thread(target=_feed, args=(p, 100, a)) for p, a in zip(procs, acked)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    for p in procs:
        assert p.wait(timeout=60) == 0, p.stderr.read()
    stored = _ids(db)
    all_acked = [i for a in acked for i in a]
    assert len(all_acked) == 400
    assert sorted(stored) == sorted(all_acked)
    assert len(set(stored)) == 400


@pytest.mark.parametrize("seed", range(4))
def test_writer_killed_mid_batch_keeps_every_acknowledged_order(tmp_path, seed):
    db = tmp_path / "orders.json"
    # some orders already in the store
    subprocess.run([sys.executable, "-m", "shopcli", "order", "--json"], input=b"milk\neggs\n", env=_env(db),
                   capture_output=True, check=True)
    before = _ids(db)
    p = _writer(db)
    acked: list[str] = []
    t = threading.Thread(target=_feed, args=(p, 10_000, acked, 0.0))
    t.start()
    time.sleep(0.4 + random.Random(seed).random() * 1.2)
    p.send_signal(signal.SIGKILL)
    p.wait()
    t.join(timeout=30)
    stored = _ids(db)   # loads: the file is intact
    assert set(before) <= set(stored)
    assert set(acked) <= set(stored), "an order printed as placed is missing"
    assert len(stored) == len(set(stored))
    # and the store is still writable
    assert subprocess.run([sys.executable, "-m", "shopcli", "order", "--yes", "milk"], env=_env(db),
                          capture_output=True).returncode == 0
