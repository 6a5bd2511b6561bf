"""Transcripts of chats: the file format, recording, replaying, comparing and grading.

A transcript is plain text a person can read, write and review in a diff::

    # shopcli transcript v1
    # now: 2026-11-23T14:03:00+00:00
    # catalog: default
    > two bags of rice and a dozen eggs
    Added 2 x Mahatma Long Grain White Rice (2 lb) and 1 x Large Eggs (12 ct). Your cart: 3 items, 9.57 USD.
    = cart: RICE-WHITE-2LB×2, EGG-L-12×1

Header lines (``# key: value``, before the first turn): ``now`` (the clock), ``catalog``
(``default`` or a path, relative to the transcript's folder), and the starting state: ``orders``
(a file of orders, one JSON object a line, as ``shop orders export`` writes them), ``order`` (one
such object inline, repeatable), ``preferences`` (a JSON object) and ``counter`` (the store's order
counter; without it, new orders are numbered after the highest id imported). Other ``#`` lines are
comments. ``> `` starts a turn; the lines after it up to the next turn are the answer, except
``= cart: …`` and ``= order: …`` lines, which record the cart and the orders placed or cancelled
by the turn. Blank lines are ignored; an answer line that would start
with ``>``, ``=``, ``#`` or ``\\`` is written with a ``\\`` in front.

Replaying runs every turn in-process, in a fresh temporary store, with the transcript's clock; the
grade is perfect, cart-correct or failed (with a repair cost), see ``grade``.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError, ShopError, UsageError

__all__ = ["Transcript", "Turn", "Recorder", "Outcome", "TranscriptError", "read_transcript", "parse_transcript",
           "format_transcript", "record", "replay", "ReplaySession", "grade", "repair_cost", "run_replay",
           "HEADER"]

HEADER = "# shopcli transcript v1"
_KEY_RE = re.compile(r"^#\s*(now|catalog|orders|order|preferences|counter)\s*:\s*(.*?)\s*$")
_STATE_RE = re.compile(r"^= (cart|order): (.*)$")
_ESCAPE = (">", "=", "#", "\\")
PROGRESS_MIN = 5


class TranscriptError(DataError):
    """A transcript that cannot be read: names the file and the line."""


@dataclass
class Turn:
    said: str
    answer: list[str]
    state: list[str]
    line: int
    comments: list[str] = field(default_factory=list)


@dataclass
class Transcript:
    path: Path
    header: list[str]                        # the header lines as written (kept by --update)
    turns: list[Turn]
    now: str | None = None
    catalog: str | None = None
    orders: list[tuple[int, str]] = field(default_factory=list)   # (header line, JSON text)
    orders_file: tuple[int, str] | None = None
    preferences: dict | None = None
    counter: int | None = None


# -- reading and writing ---------------------------------------------------------------------------

def read_transcript(path: str | os.PathLike) -> Transcript:
    """Read and check a transcript; TranscriptError names the file and line of any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise TranscriptError(f"{path}: cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise TranscriptError(f"{path}: not UTF-8 text") from None
    return parse_transcript(text, path)


def parse_transcript(text: str, path: Path) -> Transcript:
    lines = text.splitlines()

    def bad(n: int, why: str) -> TranscriptError:
        return TranscriptError(f"{path}:{n}: {why}")

    if not lines or lines[0].rstrip() != HEADER:
        m = re.match(r"^# shopcli transcript v(\S+)", lines[0] if lines else "")
        if m:
            raise bad(1, f"unsupported transcript version v{m[1]} (this shopcli reads v1)")
        raise bad(1, f"not a shopcli transcript: the first line must be '{HEADER}'")
    t = Transcript(path, [HEADER], [])
    turn: Turn | None = None
    for n, raw in enumerate(lines[1:], 2):
        line = raw.rstrip()
        if turn is None and not line.startswith(">"):
            if line and not line.startswith("#"):
                raise bad(n, "expected a header line ('# key: value') or a turn ('> …') before the first turn")
            t.header.append(line)
            m = _KEY_RE.match(line)
            if m:
                _header_value(t, m[1], m[2], n, bad)
            continue
        if line.startswith(">"):
            said = line[1:].strip()
            if not said:
                raise bad(n, "empty turn: write what the shopper says after '> '")
            turn = Turn(said, [], [], n)
            t.turns.append(turn)
        elif line.startswith("="):
            m = _STATE_RE.match(line)
            if not m or not _valid_state(m[1], m[2]):
                raise bad(n, "a state line reads '= cart: SKU×2, SKU×1' (or 'empty') or "
                             "'= order: ORD-000001 placed SKU×2, …' / '= order: ORD-000001 cancelled'")
            turn.state.append(line)
        elif line.startswith("#"):
            turn.comments.append(line)
        elif line.startswith("\\"):
            turn.answer.append(line[1:])
        elif line:
            turn.answer.append(line)
    if not t.turns:
        raise bad(len(lines), "no turns: a turn is a line starting with '> '")
    return t


def _header_value(t: Transcript, key: str, value: str, n: int, bad) -> None:
    if key == "now":
        from ..settings import parse_now

        try:
            parse_now(value)
        except UsageError as e:
            raise bad(n, f"now: {e.message}") from None
        t.now = value
    elif key == "catalog":
        t.catalog = value or None
    elif key == "orders":
        t.orders_file = (n, value)
    elif key == "order":
        try:
            json.loads(value)
        except ValueError as e:
            raise bad(n, f"order: not valid JSON ({getattr(e, 'msg', e)})") from None
        t.orders.append((n, value))
    elif key == "preferences":
        try:
            prefs = json.loads(value)
        except ValueError:
            prefs = None
        if not isinstance(prefs, dict) or not all(isinstance(prefs.get(k, []), list) for k in prefs):
            raise bad(n, 'preferences: a JSON object such as {"diet": ["vegetarian"], "avoid": ["peanuts"]}')
        t.preferences = prefs
    elif key == "counter":
        if not value.isdigit():
            raise bad(n, "counter: a whole number (the store's last order number)")
        t.counter = int(value)


_ORDER_STATE_RE = re.compile(r"^(\S+) (placed|cancelled)(?: (.*))?$")
_SKU_PACKS_RE = (re.compile(r"^(.+)×(\d+)$"), re.compile(r"^(.+?)\s*x(\d+)$"))


def _valid_state(kind: str, value: str) -> bool:
    if kind == "cart":
        return value == "empty" or all(_sku_packs(part) for part in value.split(", "))
    m = _ORDER_STATE_RE.match(value)
    if not m:
        return False
    return m[2] == "cancelled" or (m[3] is not None and all(_sku_packs(p) for p in m[3].split(", ")))


def _sku_packs(text: str) -> tuple[str, int] | None:
    m = _SKU_PACKS_RE[0].match(text) or _SKU_PACKS_RE[1].match(text)
    return (m[1], int(m[2])) if m else None


def _escaped(line: str) -> str:
    return "\\" + line if line.startswith(_ESCAPE) else line


def format_transcript(header: list[str], turns: list[tuple[str, list[str], list[str], list[str]]]) -> str:
    """The text of a transcript: header lines, then each turn's ``> `` line, answer, state and comments."""
    out = list(header)
    for said, answer, state, comments in turns:
        out.append(f"> {said}")
        out.extend(_escaped(line) for line in answer)
        out.extend(state)
        out.extend(comments)
    return "\n".join(out) + "\n"


# -- recording ---------------------------------------------------------------------------------------

class Recorder:
    """Writes a chat as it happens (each turn flushed), starting with the clock, the catalog and the
    store's orders and preferences, so that the transcript replays the same in a fresh store."""

    def __init__(self, f) -> None:
        self._f = f

    @classmethod
    def open(cls, path: str, settings) -> "Recorder":
        target = Path(path)
        header = [HEADER, f"# now: {settings.now.isoformat()}", f"# catalog: {_catalog_ref(settings, target)}"]
        header.extend(_starting_state(settings.store))
        try:
            f = open(target, "w", encoding="utf-8", newline="\n")
        except OSError as e:
            raise UsageError(f"cannot write the transcript {path}: {e.strerror or e}",
                             hint="choose a file in a folder you can write to") from None
        f.write("\n".join(header) + "\n")
        f.flush()
        return cls(f)

    def turn(self, said: str, answer: str, state: list[str]) -> None:
        from ..parse.normalize import check_request

        try:
            said = check_request(said)
        except ShopError:
            pass
        said = " ".join(said.split())
        self._f.write(format_transcript([], [(said, answer.split("\n"), state, [])]))
        self._f.flush()

    def close(self) -> None:
        self._f.close()


def record(path: str | os.PathLike, turns: list[str], settings) -> None:
    """Chat the given turns in-process and write the transcript (the way ``shop chat --record`` does)."""
    from .assistant import Assistant

    bot = Assistant(settings)
    recorder = Recorder.open(str(path), settings)
    try:
        for text in turns:
            if not text.strip():
                continue
            reply = bot.turn(text)
            recorder.turn(text, reply.text, bot.state_lines())
            if reply.done:
                break
    finally:
        recorder.close()


def _catalog_ref(settings, target: Path) -> str:
    if not settings.catalog_path:
        return "default"
    catalog = Path(settings.catalog_path).expanduser().resolve()
    try:
        return os.path.relpath(catalog, target.expanduser().resolve().parent)
    except ValueError:           # another drive (Windows)
        return str(catalog)


def _starting_state(store) -> list[str]:
    from .preferences import PREFERENCES
    from ..orders.lifecycle import canonical
    from ..render import dumps

    data = store.read()
    lines = [f"# order: {dumps(canonical(o))}" for o in data.get("orders", [])]
    prefs = data.get(PREFERENCES) or []
    if prefs:
        lines.append(f"# preferences: {dumps(prefs[0])}")
    counter = (store.read_meta().get("counters") or {}).get("order", 0)
    if counter or data.get("orders"):
        lines.append(f"# counter: {counter}")
    return lines


def _max_order_number(ids) -> int:
    best = 0
    for oid in ids:
        m = re.fullmatch(r"ORD-(\d+)", oid or "")
        if m:
            best = max(best, int(m[1]))
    return best


# -- replaying ---------------------------------------------------------------------------------------

@dataclass
class Outcome:
    """One transcript replayed: the new answers and states, its grade and repair cost."""

    transcript: Transcript
    answers: list[list[str]]
    states: list[list[str]]
    grade: str = ""
    cost: int | None = None

    @property
    def answer_diffs(self) -> list[int]:
        return [k for k, t in enumerate(self.transcript.turns) if t.answer != self.answers[k]]

    @property
    def state_diffs(self) -> list[int]:
        return [k for k, t in enumerate(self.transcript.turns) if t.state and t.state != self.states[k]]


class ReplaySession:
    """What the transcripts of one replay run share: the catalogs (opened once, by path) and a
    scratch folder, on a RAM disk when there is one, holding a fresh store file per transcript."""

    def __init__(self, settings) -> None:
        self.settings = settings
        self._open: dict[str | None, object] = {}
        self._refs: dict[tuple, tuple[str | None, object]] = {}
        self._scratch: tempfile.TemporaryDirectory | None = None
        self._count = 0

    def new_store(self):
        """A store no one has used, in a folder of its own (it goes when the run ends); private to
        this process, so it takes no lock and skips fsync."""
        from ..store.db import Store

        if self._scratch is None:
            ram = "/dev/shm"
            where = ram if os.path.isdir(ram) and os.access(ram, os.W_OK) else None
            self._scratch = tempfile.TemporaryDirectory(prefix="shopcli-replay-", dir=where)
        self._count += 1
        return Store(os.path.join(self._scratch.name, str(self._count), "orders.json"), private=True)

    def close(self) -> None:
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    def get(self, ref: str | None, folder: Path) -> tuple[str | None, object]:
        key = (ref, folder)
        if key not in self._refs:
            self._refs[key] = self._get(ref, folder)
        return self._refs[key]

    def _get(self, ref: str | None, folder: Path) -> tuple[str | None, object]:
        from ..catalog.cache import open_catalog

        if ref is None:
            path = self.settings.catalog_path or None
        elif ref == "default":
            path = None
        else:
            path = str((folder / Path(ref).expanduser()).resolve())
        if path not in self._open:
            self._open[path] = self.settings.catalog if path == (self.settings.catalog_path or None) else \
                open_catalog(path)
        return path, self._open[path]


def replay(t: Transcript, settings, session: ReplaySession | None = None) -> Outcome:
    """Run every turn of ``t`` in a fresh temporary store with its clock; grade the result."""
    from .assistant import Assistant
    from ..settings import Settings

    own = session is None
    session = session or ReplaySession(settings)
    try:
        try:
            catalog_path, catalog = session.get(t.catalog, t.path.parent)
        except ShopError as e:
            raise TranscriptError(f"{t.path}: catalog: {e.message}", e.hint) from None
        now_text = t.now or settings.now.isoformat()
        store = session.new_store()
        run = Settings(db=str(store.path), catalog_path=catalog_path, now_text=now_text, _catalog=catalog,
                       _store=store)
        _seed(run, t)
        bot = Assistant(run)
        answers, states = [], []
        for turn in t.turns:
            reply = bot.turn(turn.said)
            answers.append(reply.text.split("\n"))
            states.append(bot.state_lines())
    finally:
        if own:
            session.close()
    out = Outcome(t, answers, states)
    out.grade, out.cost = grade(out)
    return out


def _seed(settings, t: Transcript) -> None:
    """The starting state of a transcript, written to its fresh store."""
    from ..orders.lifecycle import import_orders

    store = settings.store
    if t.orders_file is not None:
        n, ref = t.orders_file
        file = (t.path.parent / ref).expanduser()
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as e:
            raise TranscriptError(f"{t.path}:{n}: orders: cannot read {file}: {getattr(e, 'strerror', None) or e}") \
                from None
        try:
            import_orders(store, lines, settings.catalog, settings.now)
        except ShopError as e:
            raise TranscriptError(f"{t.path}:{n}: orders: {file}: {e.message}") from None
    if t.orders:
        try:
            import_orders(store, [text for _, text in t.orders], settings.catalog, settings.now)
        except ShopError as e:
            m = re.match(r"import line (\d+): (.*)", e.message)
            where, why = (t.orders[int(m[1]) - 1][0], m[2]) if m else (t.orders[0][0], e.message)
            raise TranscriptError(f"{t.path}:{where}: order: {why}") from None
    if t.preferences or t.counter is not None or t.orders or t.orders_file:
        from .preferences import PREFERENCES

        with store.transaction() as tx:
            if t.preferences:
                tx.table(PREFERENCES).insert({k: list(v) for k, v in t.preferences.items()})
            counters = tx.meta.setdefault("counters", {})
            if t.counter is not None:           # recorded: the store's counter exactly
                counters["order"] = t.counter
            else:                               # written by hand: after the highest id
                top = _max_order_number(o.get("id") for o in tx.table("orders").all())
                counters["order"] = max(counters.get("order", 0), top)


# -- grades ------------------------------------------------------------------------------------------

def grade(out: Outcome) -> tuple[str, int | None]:
    """perfect (every answer and recorded state the same), cart-correct (answers differ, every
    recorded cart and order right) or failed, with the repair cost of a failed one."""
    recorded = any(t.state for t in out.transcript.turns)
    states_ok = not out.state_diffs
    if not out.answer_diffs and states_ok:
        return "perfect", 0
    if recorded and states_ok:
        return "cart-correct", 0
    return "failed", repair_cost(out) if recorded else None


def repair_cost(out: Outcome) -> int:
    """Line edits (add a line, remove one, change its packs) that turn the replayed final cart into
    the recorded one, plus those that turn each replayed order into the recorded one (an order on
    one side only costs its lines; a different status costs one)."""
    turns = out.transcript.turns
    last = max((k for k, t in enumerate(turns) if any(s.startswith("= cart:") for s in t.state)), default=None)
    cost = 0
    if last is not None:
        cost += _line_edits(_cart(turns[last].state), _cart(out.states[last]))
    want = _orders(s for t in turns for s in t.state)
    got = _orders(s for st in out.states for s in st)
    for oid in sorted(set(want) | set(got)):
        if oid not in want or oid not in got:
            cost += max(1, len((want.get(oid) or got.get(oid))[1]))
        else:
            cost += _line_edits(want[oid][1], got[oid][1]) + (want[oid][0] != got[oid][0])
    return cost


def _cart(state: list[str]) -> dict[str, int]:
    for s in state:
        if s.startswith("= cart: "):
            value = s[len("= cart: "):]
            return {} if value == "empty" else dict(_sku_packs(p) for p in value.split(", "))
    return {}


def _orders(states) -> dict[str, tuple[str, dict[str, int]]]:
    out: dict[str, tuple[str, dict[str, int]]] = {}
    for s in states:
        m = re.match(r"^= order: (\S+) (placed|cancelled)(?: (.*))?$", s)
        if not m:
            continue
        if m[2] == "placed":
            out[m[1]] = ("placed", dict(_sku_packs(p) for p in m[3].split(", ")))
        else:
            out[m[1]] = ("cancelled", out.get(m[1], ("", {}))[1])
    return out


def _line_edits(a: dict[str, int], b: dict[str, int]) -> int:
    return len(a.keys() ^ b.keys()) + sum(1 for k in a.keys() & b.keys() if a[k] != b[k])


# -- shop replay -------------------------------------------------------------------------------------

def run_replay(settings, out, files: list[str], *, update: bool = False, compare: str = "answers") -> int:
    """``shop replay``: replay each transcript, print a diff for each difference and a summary.

    Exit 0 when every transcript matches (``--compare carts``: when every cart and order matches),
    1 when one does not, 3 when a transcript cannot be read or is malformed (the others still run).
    With ``--update`` the recorded answers and states are rewritten and the exit is 0 (or 3).
    """
    if compare not in ("answers", "carts"):
        raise UsageError(f"--compare must be 'answers' or 'carts', not {compare[:20]!r}")
    session = ReplaySession(settings)
    outcomes: list[tuple[str, Outcome | None]] = []
    malformed = False
    try:
        for name in _each(files, out):
            try:
                outcome = replay(read_transcript(name), settings, session)
            except TranscriptError as e:
                out.error(e.message, e.hint)
                outcomes.append((name, None))
                malformed = True
                continue
            outcomes.append((name, outcome))
            if update:
                _update(out, name, outcome)
            else:
                _print_diffs(out, name, outcome, compare)
    finally:
        session.close()
    _summary(out, outcomes)
    if malformed:
        return 3
    if update:
        return 0
    ok = ("perfect",) if compare == "answers" else ("perfect", "cart-correct")
    return 0 if all(o.grade in ok for _, o in outcomes if o is not None) else 1


def _each(files: list[str], out):
    """The files, with a progress bar on a terminal when there are many."""
    if not (out.is_terminal and len(files) >= PROGRESS_MIN):
        yield from files
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("replaying"), BarColumn(), MofNCompleteColumn(), console=out.console,
                  transient=True) as progress:
        task = progress.add_task("replay", total=len(files))
        for name in files:
            yield name
            progress.advance(task)


def _print_diffs(out, name: str, o: Outcome, compare: str) -> None:
    from ..render import clean

    turns = o.transcript.turns
    answer_diffs = set(o.answer_diffs) if compare == "answers" else set()
    state_diffs = set(o.state_diffs) if compare == "carts" or not o.answer_diffs else set()
    for k in sorted(answer_diffs | state_diffs):
        t = turns[k]
        want, got = [], []
        if k in answer_diffs:
            want, got = list(t.answer), list(o.answers[k])
        if k in state_diffs:
            want, got = want + t.state, got + o.states[k]
        lines = difflib.unified_diff(want, got, f"{name}:{t.line} > {t.said}", "replayed", lineterm="", n=1)
        _diff_lines(out, [clean(line, 1000) for line in lines])


def _diff_lines(out, lines: list[str]) -> None:
    if not out.is_terminal:
        for line in lines:
            out.line(line)
        out.flush()
        return
    from rich.text import Text

    styles = {"+": "green", "-": "red", "@": "cyan"}
    for line in lines:
        style = "bold" if line.startswith(("---", "+++")) else styles.get(line[:1], "")
        out.console.print(Text(line, style=style))


def _update(out, name: str, o: Outcome) -> None:
    t = o.transcript
    turns = [(turn.said, o.answers[k], o.states[k], turn.comments) for k, turn in enumerate(t.turns)]
    text = format_transcript(t.header, turns)
    path = Path(name)
    if path.read_text(encoding="utf-8") == text:
        return
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(tmp, path)
    changed = len(set(o.answer_diffs) | {k for k, turn in enumerate(t.turns) if turn.state != o.states[k]})
    out.line(f"updated {name} ({changed} turn{'s' if changed != 1 else ''} changed)")
    o.grade, o.cost = "updated", 0


def _summary(out, outcomes: list[tuple[str, Outcome | None]]) -> None:
    from ..render import clean

    rows = []
    for name, o in outcomes:
        if o is None:
            rows.append((clean(name, 200), "-", "malformed", "-"))
        else:
            cost = "-" if o.grade != "failed" else ("?" if o.cost is None else str(o.cost))
            rows.append((clean(name, 200), str(len(o.transcript.turns)), o.grade, cost))
    counts = {g: sum(1 for r in rows if r[2] == g) for g in ("perfect", "cart-correct", "failed", "updated",
                                                             "malformed")}
    total = f"{len(rows)} transcript{'s' if len(rows) != 1 else ''}: " + ", ".join(
        f"{n} {g}" for g, n in counts.items() if n or g in ("perfect", "failed"))
    if out.is_terminal:
        from rich.table import Table
        from rich.text import Text

        styles = {"perfect": "green", "cart-correct": "yellow", "failed": "red", "malformed": "red",
                  "updated": "cyan"}
        table = Table(caption=Text(total), caption_justify="left")
        for col, justify in (("file", "left"), ("turns", "right"), ("grade", "left"), ("repair cost", "right")):
            table.add_column(col, justify=justify, overflow="fold")
        for f, turns, g, cost in rows:
            table.add_row(Text(f), Text(turns), Text(g, style=styles.get(g, "")), Text(cost))
        out.console.print(table)
        return
    width = max(len(r[0]) for r in rows) if rows else 4
    out.line(f"{'file'.ljust(width)}  turns  {'grade'.ljust(12)}  repair cost")
    for f, turns, g, cost in rows:
        out.line(f"{f.ljust(width)}  {turns.rjust(5)}  {g.ljust(12)}  {cost}")
    out.line(total)
    out.flush()
