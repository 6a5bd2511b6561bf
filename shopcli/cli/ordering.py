"""Running the order commands: batches from standard input, prompts on a terminal, acknowledgements.

The CLI calls these; they tie the core (orders, store) to input and output. In a batch, orders
are written in groups (one atomic write per group) and each is printed only after its group is
durable on disk.
"""

from __future__ import annotations

import os
import select
import sys
from datetime import datetime
from typing import Iterator

from ..orders import lifecycle as core
from ..errors import DataError, NotDone, ShopError, UsageError
from ..parse.normalize import check_request
from ..render import Output, clean, keep_until_exit

__all__ = ["run_order", "run_list", "run_show", "run_status", "run_cancel", "run_export", "run_import",
           "stdin_batches"]

MAX_BATCH = 2000


def stdin_batches(max_batch: int = MAX_BATCH) -> Iterator[list[bytes]]:
    """Lines of standard input in groups: a group ends when no more input is waiting (so output
    streams as input arrives) or when it holds ``max_batch`` lines."""
    try:
        fd = sys.stdin.fileno()
        select.select([fd], [], [], 0)
    except (AttributeError, OSError, ValueError, TypeError):
        lines = [raw.rstrip(b"\n") for raw in sys.stdin.buffer]
        for i in range(0, len(lines), max_batch):
            yield lines[i:i + max_batch]
        return
    buf = bytearray()
    batch: list[bytes] = []
    eof = False
    while True:
        if not eof and (not batch or select.select([fd], [], [], 0)[0]):
            chunk = os.read(fd, 1 << 16)
            if chunk:
                buf += chunk
            else:
                eof = True
        start = 0
        while len(batch) < max_batch:
            nl = buf.find(b"\n", start)
            if nl < 0:
                break
            batch.append(bytes(buf[start:nl]))
            start = nl + 1
        del buf[:start]
        if eof and buf and b"\n" not in buf:
            batch.append(bytes(buf))        # the last line, without its newline; never lines still
            buf.clear()                     # waiting behind a full batch (they are one order each)
        if batch and (len(batch) >= max_batch or eof or not select.select([fd], [], [], 0)[0]):
            yield batch
            batch = []
        if eof and not buf and not batch:
            return


def _refusal(problems: list[core.Problem]) -> NotDone:
    what = "; ".join(str(p) for p in problems[:5])
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    stock = [p.why == "out of stock" or p.why.startswith("only ") or "more than" in p.why for p in problems]
    hint = ("order fewer, or drop the item" if all(stock) else
            "say which product you mean, or drop the item" if not any(stock) else
            "say which product you mean, order fewer, or drop the item")
    return NotDone(f"order not placed: {what}{more}", hint=hint)


def run_order(settings, out: Output, requests: list[str] | None, *, yes: bool, dry_run: bool, as_json: bool,
              deliver: str | None, pickup: str | None) -> int:
    catalog = settings.catalog
    if requests is not None:
        request = check_request(requests[0])
        interactive = not yes and out.is_terminal and sys.stdin.isatty()
        draft = core.draft_order(request, catalog, settings.now, deliver=deliver, pickup=pickup,
                                 store=settings.store, **_defaults(settings))
        if draft.problems:
            if not interactive:
                raise _refusal(draft.problems)
            draft = _repair(draft, catalog, settings.now, out)
            if draft is None:
                return 1
        if dry_run:
            _show(out, draft.doc, as_json, placed=False)
            return 0
        if interactive:
            out.receipt(draft.doc, placed=False)
            import typer

            if not typer.confirm("Place this order?", default=True):
                out.note("Order not placed.")
                return 1
        placed = core.place_orders(settings.store, [draft.doc], catalog)[0]
        if isinstance(placed, list):
            raise _refusal(placed)
        _acknowledge(out, [placed], as_json)
        return 0
    return _run_batch(settings, out, dry_run=dry_run, as_json=as_json, deliver=deliver, pickup=pickup)


def _defaults(settings) -> dict:
    """The config file's delivery window and preferred pickup store, for draft_order."""
    return {"default_window": getattr(settings, "default_window", None),
            "default_pickup": getattr(settings, "default_pickup", None)}


def _run_batch(settings, out: Output, *, dry_run: bool, as_json: bool, deliver, pickup) -> int:
    catalog = settings.catalog
    defaults = _defaults(settings)
    worst = 0
    lineno = 0
    for raw_lines in stdin_batches():
        drafts: list[tuple[int, dict]] = []
        for raw in raw_lines:
            lineno += 1
            try:
                text = raw.decode("utf-8", errors="replace").rstrip("\r")
                if not text.strip():
                    continue
                draft = core.draft_order(check_request(text), catalog, settings.now, deliver=deliver, pickup=pickup,
                                         store=settings.store, **defaults)
                if draft.problems:
                    raise _refusal(draft.problems)
                drafts.append((lineno, draft.doc))
            except ShopError as e:
                out.error(f"line {lineno}: {e.message}", e.hint)
                worst = max(worst, e.exit_code)
        if dry_run:
            for _, doc in drafts:
                _show(out, doc, as_json, placed=False)
            continue
        if not drafts:
            continue
        try:
            results = core.place_orders(settings.store, [d for _, d in drafts], catalog)
        except DataError as e:
            out.error(e.message, e.hint)
            return 3
        placed = []
        for (n, _), res in zip(drafts, results):
            if isinstance(res, list):
                err = _refusal(res)
                out.error(f"line {n}: {err.message}", err.hint)
                worst = max(worst, 1)
            else:
                placed.append(res)
        if not _acknowledge(out, placed, as_json):
            return worst                    # nothing more is read, so nothing more is placed unseen
    return worst


def _acknowledge(out: Output, placed: list[dict], as_json: bool) -> bool:
    """Print the orders just stored. When the output cannot be written (a closed pipe), they are
    placed all the same: say so on standard error with their ids, so that a script that retries
    does not order twice, and return False (the batch stops reading)."""
    try:
        for doc in placed:
            _show(out, doc, as_json, placed=True)
        out.flush()
        return True
    except (BrokenPipeError, OSError, ValueError) as e:
        ids = ", ".join(d["id"] for d in placed)
        why = getattr(e, "strerror", None) or type(e).__name__
        out.error(f"placed {ids}, but the output could not be written ({why})",
                  "the orders are in the store: check with shop orders list before retrying")
        _silence_stdout()
        return False


def _silence_stdout() -> None:
    """Stop later writes and the final flush from failing on the same closed output."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _show(out: Output, doc: dict, as_json: bool, placed: bool) -> None:
    if as_json:
        out.json(doc if placed else dict(doc, status="draft"))
    else:
        out.receipt(doc, placed=placed)


def _repair(draft: core.Draft, catalog, now: datetime, out: Output) -> core.Draft | None:
    """On a terminal: ask which product an ambiguous item means; correct or drop an unknown one."""
    import typer

    from ..parse.pipeline import parse_request
    from ..catalog.units import packs_for

    lines: dict[str, int] = {}
    for it in draft.items:
        product = it.product
        if it.problem:
            out.note(f"{clean(it.text)}: {it.problem} — dropped")
            continue
        if it.status == "ambiguous":
            options = list(dict.fromkeys([it.product] + [p for p, _ in it.alternatives]))[:5]
            out.note(f"Which one for '{clean(it.text)}'? " +
                     "  ".join(f"{k}) {clean(p.label)}" for k, p in enumerate(options, 1)) + "  0) drop it")
            answer = typer.prompt("Choice", default="1").strip()
            product = _choose(answer, options)
            if product is None:
                continue
        elif it.status == "unknown":
            hint = f" (did you mean {', '.join(clean(h) for h in it.hint)}?)" if it.hint else ""
            answer = typer.prompt(f"'{clean(it.text)}' is not in the catalog{hint}. Type a product, or Enter to drop",
                                  default="", show_default=False).strip()
            if not answer:
                continue
            fixed = parse_request(answer, catalog).items
            if not fixed or fixed[0].product is None:
                out.note(f"still not found: {clean(answer)} — dropped")
                continue
            product = fixed[0].product
        n = it.packs if product is it.product else packs_for(it.quantity, it.unit, product.size)
        lines[product.sku] = lines.get(product.sku, 0) + max(1, n)
    if not lines:
        out.note("Nothing left to order.")
        return None
    doc = core.build_order(draft.doc["request"], [(catalog.by_sku[s], n) for s, n in lines.items()], now,
                           draft.doc["delivery"])
    doc["suggestions"] = draft.doc["suggestions"]
    return core.Draft(doc, [])


def _choose(answer: str, options: list):
    if answer.isdigit():
        k = int(answer)
        return options[k - 1] if 1 <= k <= len(options) else None
    low = answer.lower()
    for p in options:
        if low and (low in p.name.lower() or low == p.sku.lower()):
            return p
    return None


# -- shop orders ----------------------------------------------------------------------------

def _date_arg(text: str | None, now: datetime, name: str) -> datetime | None:
    if text is None:
        return None
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{name} is not a date: {text[:40]!r}", hint="use YYYY-MM-DD") from None
    return t if t.tzinfo else t.replace(tzinfo=now.tzinfo)


def run_list(settings, out: Output, status: str | None, since: str | None, until: str | None,
             as_json: bool) -> None:
    if status is not None and status not in core.STATUSES:
        raise UsageError(f"unknown status {status[:30]!r}", hint="one of " + ", ".join(core.STATUSES))
    now = settings.now
    orders = core.list_orders(settings.store, status, now, _date_arg(since, now, "--since"),
                              _date_arg(until, now, "--until"))
    if as_json:
        out.json(orders)
    else:
        out.order_list(orders)
    keep_until_exit(orders)


def run_show(settings, out: Output, order_id: str, as_json: bool) -> None:
    o = core.find_order(settings.store, order_id)
    o = dict(o, status=core.order_status(o, settings.now))
    if as_json:
        out.json(o)
    else:
        out.receipt(o, placed=True)


def run_status(settings, out: Output, order_id: str, as_json: bool) -> None:
    o = core.find_order(settings.store, order_id)
    s = core.order_status(o, settings.now)
    if as_json:
        out.json({"id": o["id"], "status": s, "delivery": o.get("delivery")})
    else:
        out.status_line(o["id"], s, o.get("delivery"))


def run_cancel(settings, out: Output, order_id: str, as_json: bool) -> None:
    o = core.cancel_order(settings.store, order_id, settings.now)
    if as_json:
        out.json(o)
    else:
        out.line(f"cancelled {clean(o['id'])}")


def run_export(settings, out: Output) -> None:
    orders = settings.store.table(core.TABLE)
    for o in orders:
        out.stdout.write(_export_line(o) + "\n")
    out.flush()
    keep_until_exit(orders)


def _export_line(o: dict) -> str:
    from ..render import dumps

    return dumps(core.canonical(o))


def run_import(settings, out: Output, file: str, as_json: bool = False) -> None:
    if file == "-":
        lines = [raw.decode("utf-8", errors="strict") for raw in sys.stdin.buffer]
    else:
        try:
            with open(file, encoding="utf-8") as f:
                lines = f.read().splitlines()
        except OSError as e:
            raise DataError(f"cannot read {file}: {e.strerror or e}") from None
        except UnicodeDecodeError:
            raise DataError(f"{file}: not valid UTF-8") from None
    n = core.import_orders(settings.store, lines, settings.catalog, settings.now)
    if as_json:
        out.json({"imported": n})
    else:
        out.line(f"imported {n} order{'s' if n != 1 else ''}")
