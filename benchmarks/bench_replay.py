"""Replay speed: 100 recorded chats of 10 turns, replayed in one process, against parsing the same
turns with parse_request alone; prints figures, asserts nothing.

    python benchmarks/bench_replay.py [--transcripts 100] [--turns 10]

The chats are generated from templates of realistic turns (items, amounts, questions, checkout,
order status) and recorded in-process first. Then, each with cold matcher caches and best of
``--repeat`` runs, the user turns are parsed through ``parse_request`` and the transcripts are
replayed (each in its own fresh store, every answer compared; the slowest turn is that of the
last run). Target: replay within 3x the time of the same requests through `shop parse` in one
process; no turn slower than 50 ms. Three comparisons, from the strictest: replay against the bare
``parse_request`` (no output); the two commands' work in this process (`shop parse --json` printing
a JSON line a request, `shop replay` printing its report, both to /dev/null, start-up excluded);
and the two as whole commands, one process each, fed the same turns.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import byte_compile  # noqa: E402
from shopcli.chat import assistant  # noqa: E402
from shopcli.parse.pipeline import parse_request  # noqa: E402
from shopcli.settings import Settings  # noqa: E402
from shopcli.parse.normalize import check_request  # noqa: E402
from shopcli.render import Output  # noqa: E402
from shopcli.chat.transcript import ReplaySession, read_transcript, record, replay, run_replay  # noqa: E402

NOW = "2026-11-23T14:03:00+00:00"
ITEMS = ["rice", "eggs", "milk", "bananas", "bread", "olive oil", "oat milk", "spaghetti", "ground beef",
         "chicken breast", "cheddar", "yogurt", "apples", "tortilla chips", "salsa", "coffee", "butter",
         "onions", "potatoes", "orange juice", "peanut butter", "strawberries", "spinach", "salmon", "tea"]
OPENERS = ["{n} bags of {a} and a dozen eggs", "{a}, {b} and {c}", "can you grab {n} {a} and some {b}",
           "I need {a} and {n} {b}", "{n} lb of bananas and a gallon of milk", "{a} and {b}"]
MIDDLES = ["make that {n}", "one more", "only 6 eggs", "remove the {a}", "how much is {c}?", "do you have {c}?",
           "what goes with {a}?", "yes, add that", "show my cart", "make it organic", "{n} more",
           "anything vegan under $5 in snacks?", "2", "same again", "no {b} after all", "turkey", "the second one",
           "what's my total?", "add {c}", "{n} {c}"]
CLOSERS = ["checkout, deliver tomorrow evening", "check out for pickup at Downtown", "checkout, deliver friday 9am"]


def conversation(rng: random.Random, turns: int) -> list[str]:
    def fill(t: str) -> str:
        a, b, c = rng.sample(ITEMS, 3)
        return t.format(n=rng.randint(2, 4), a=a, b=b, c=c)

    out = [fill(rng.choice(OPENERS))]
    out += [fill(rng.choice(MIDDLES)) for _ in range(turns - 3)]
    out += [fill(rng.choice(CLOSERS)), "where's my order?"]
    return out


def clear_caches(catalog) -> None:
    catalog.index.clear_caches()


def main() -> None:
    byte_compile()
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--transcripts", type=int, default=100)
    ap.add_argument("--turns", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of each (the best counts)")
    args = ap.parse_args()
    gc.disable()                       # as the shop command runs (see shopcli.cli.app.main)
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="bench-replay-") as tmp:
        folder = Path(tmp)
        base = Settings(db=str(folder / "unused.json"), now_text=NOW)
        catalog = base.catalog
        t0 = time.perf_counter()
        for k in range(args.transcripts):
            run = Settings(db=str(folder / f"rec{k}" / "orders.json"), now_text=NOW, _catalog=catalog)
            record(folder / f"chat{k:03d}.txt", conversation(rng, args.turns), run)
        recorded = time.perf_counter() - t0
        files = sorted(folder.glob("chat*.txt"))
        transcripts = [read_transcript(f) for f in files]
        said = [turn.said for t in transcripts for turn in t.turns]

        times: list[tuple[float, str]] = []
        plain_turn = assistant.Assistant.turn

        def timed_turn(self, text):
            t = time.perf_counter()
            reply = plain_turn(self, text)
            times.append((time.perf_counter() - t, text))
            return reply

        parse_runs, replay_runs, parse_cmd_runs, replay_cmd_runs = [], [], [], []
        sink = open(os.devnull, "w")
        paths = [str(f) for f in files]
        for _ in range(args.repeat):               # alternate them; the best of each run counts
            clear_caches(catalog)
            t0 = time.perf_counter()
            for text in said:
                parse_request(text, catalog)
            parse_runs.append(time.perf_counter() - t0)

            clear_caches(catalog)
            out = Output(sink, sink)
            t0 = time.perf_counter()
            for text in said:                      # what `shop parse --json` does with each line
                out.json(parse_request(check_request(text), catalog).to_dict())
            parse_cmd_runs.append(time.perf_counter() - t0)

            clear_caches(catalog)
            t0 = time.perf_counter()
            code = run_replay(base, Output(sink, sink), paths)
            replay_cmd_runs.append(time.perf_counter() - t0)
            assert code == 0, "every transcript replays perfectly"

            clear_caches(catalog)
            catalogs = ReplaySession(base)
            times.clear()
            assistant.Assistant.turn = timed_turn
            try:
                t0 = time.perf_counter()
                grades = [replay(read_transcript(f), base, catalogs).grade for f in files]
                replay_runs.append(time.perf_counter() - t0)
            finally:
                assistant.Assistant.turn = plain_turn
                catalogs.close()
        sink.close()
        parse_s, replay_s = min(parse_runs), min(replay_runs)
        parse_cmd_s, replay_cmd_s = min(parse_cmd_runs), min(replay_cmd_runs)
        cli_parse, cli_replay = whole_commands(folder, files, said)
    slowest, slow_text = max(times)
    times.sort()
    median = times[len(times) // 2][0]
    print(f"{len(files)} transcripts x {args.turns} turns ({len(said)} turns), recorded in {recorded:.2f} s")
    print(f"best of {args.repeat} runs each, matcher caches cleared before every run")
    print(f"parse_request alone : {parse_s * 1000:8.1f} ms  ({parse_s / len(said) * 1000:.2f} ms a turn)")
    print(f"replay, in-process  : {replay_s * 1000:8.1f} ms  ({replay_s / len(said) * 1000:.2f} ms a turn, "
          f"{grades.count('perfect')}/{len(grades)} perfect)")
    print(f"ratio replay/parse  : {replay_s / parse_s:8.2f}x  (the strictest: against the bare parse, no output)")
    print(f"commands in-process : shop replay {replay_cmd_s * 1000:.1f} ms, shop parse --json "
          f"{parse_cmd_s * 1000:.1f} ms ({replay_cmd_s / parse_cmd_s:.2f}x, target <= 3x; output to /dev/null)")
    print(f"as whole commands   : shop replay {cli_replay * 1000:.0f} ms, shop parse --json < the same turns "
          f"{cli_parse * 1000:.0f} ms ({cli_replay / cli_parse:.2f}x, target <= 3x; median of 5, start-up "
          "included)")
    print(f"median turn         : {median * 1000:8.2f} ms")
    print(f"slowest turn        : {slowest * 1000:8.2f} ms  (target <= 50 ms): {slow_text!r}")


def whole_commands(folder: Path, files: list[Path], said: list[str], runs: int = 5) -> tuple[float, float]:
    """Median wall time of `shop parse --json` fed every turn on standard input, and of
    `shop replay` on every transcript: one process each, run in turn."""
    import statistics
    import subprocess

    env = dict(os.environ, SHOPCLI_DB=str(folder / "cli.json"))
    turns = ("\n".join(said) + "\n").encode()
    shop = [sys.executable, "-m", "shopcli"]
    parse_t, replay_t = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(shop + ["parse", "--json"], input=turns, capture_output=True, env=env, check=True)
        parse_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        subprocess.run(shop + ["replay", *map(str, files)], capture_output=True, env=env, check=True)
        replay_t.append(time.perf_counter() - t0)
    return statistics.median(parse_t), statistics.median(replay_t)


if __name__ == "__main__":
    main()
