"""How `shop chat` does on conversations written by people who never saw its intent file.

tests/transcripts_heldout/ holds 40 dialogues (384 turns) written by a tester given only the README
and the catalog, each turn with the cart a careful clerk would have after it (and the order lines
of a checkout or cancel). This replays each in a fresh temporary store with the transcript's clock
and prints the share of turns whose cart (and orders) come out right, and of dialogues with every
turn right. The answers are written in the tester's words, so only carts and orders are compared.

    python benchmarks/eval_chat.py [--show N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shopcli.chat.transcript import read_transcript, replay  # noqa: E402
from shopcli.settings import Settings  # noqa: E402

HELD_OUT = ROOT / "tests" / "transcripts_heldout"
NOW = "2026-11-23T14:03:00+00:00"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--show", type=int, default=0, help="print the first wrong turn of N dialogues")
    args = ap.parse_args()
    paths = sorted(HELD_OUT.glob("*.txt"))
    turns = right = perfect = 0
    wrong_first = []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for path in paths:
            t = read_transcript(path)
            outcome = replay(t, Settings(db=str(Path(tmp) / "unused.json"), now_text=t.now or NOW))
            bad = set(outcome.state_diffs)
            turns += len(t.turns)
            right += len(t.turns) - len(bad)
            perfect += not bad
            if bad:
                k = min(bad)
                wrong_first.append((path.name, t.turns[k].said, t.turns[k].state, outcome.states[k]))
    elapsed = time.perf_counter() - t0
    print(f"{len(paths)} dialogues, {turns} turns (replayed in {elapsed:.1f} s)")
    print(f"turns with the right cart: {right}/{turns} = {100 * right / turns:.1f}%")
    print(f"dialogues without a mistake: {perfect}/{len(paths)} = {100 * perfect / len(paths):.1f}%")
    for name, said, want, got in wrong_first[: args.show]:
        print(f"  {name}: > {said}\n      want {want}\n      got  {got}")


if __name__ == "__main__":
    main()
