"""The same request gets the same answer on every run: no set or hash order decides anything.

Every request of the parse corpora goes through `shop parse --json` in real subprocesses under
several PYTHONHASHSEED values, and the outputs must be equal byte for byte.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).parent / "data"


def corpus_requests() -> str:
    out = []
    for path in sorted(DATA.glob("parse_*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if " => " in line and not line.lstrip().startswith("#"):
                out.append(line.split(" => ")[0].replace("\\n", " ; "))
    return "\n".join(out) + "\n"


def parse_under(seed: str, requests: str, tmp_path: Path) -> bytes:
    env = dict(os.environ, PYTHONHASHSEED=seed, SHOPCLI_CACHE_DIR=str(tmp_path / f"cache{seed}"),
               SHOPCLI_DB=str(tmp_path / "orders.json"), SHOPCLI_CONFIG=str(tmp_path / "none.toml"))
    env.pop("SHOPCLI_CATALOG", None)
    r = subprocess.run([sys.executable, "-m", "shopcli", "parse", "--json"], input=requests.encode(),
                       capture_output=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr.decode()[-500:]
    return r.stdout


def test_parse_answers_do_not_depend_on_the_hash_seed(tmp_path):
    requests = corpus_requests()
    assert requests.count("\n") > 1000
    first = parse_under("0", requests, tmp_path)
    assert first.count(b"\n") == requests.count("\n")
    for seed in ("1", "4242", "random"):
        assert parse_under(seed, requests, tmp_path) == first, f"PYTHONHASHSEED={seed} answers differently"
