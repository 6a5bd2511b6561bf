"""The one place that prints: rich tables on a terminal, plain stable lines when piped, JSON for scripts.

User and catalog text is always passed to rich as ``Text`` (never markup), cleaned of control
characters and cut to a length rich can wrap quickly.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
import unicodedata
from typing import Any, Iterable

__all__ = ["Output", "dumps", "clean", "format_money", "receipt_lines", "stats_lines", "bar"]

CELL_LIMIT = 120
# characters JSON allows raw but a terminal acts on: C1 controls, bidi overrides, line separators
_UNSAFE_JSON = re.compile("[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def dumps(obj: Any) -> str:
    """JSON text safe to print: UTF-8 kept readable, terminal-active characters escaped."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False)
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


#: terminal escape sequences (CSI, OSC, single-character escapes)
ESCAPE = r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])|\x9b[0-?]*[ -/]*[@-~]"


@functools.cache
def _escape_re() -> re.Pattern[str]:
    return re.compile(ESCAPE)


def safe_text(text: str, limit: int | None = None) -> str:
    """User or catalog text made safe to echo on a terminal: control and format characters become '?'."""
    if text.isprintable():
        return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"
    text = _escape_re().sub("", text)
    out = "".join("?" if unicodedata.category(c)[0] == "C" and c not in "\t" else c for c in text)
    if limit is not None and len(out) > limit:
        out = out[: limit - 1] + "…"
    return out


def clean(text: str | None, limit: int = CELL_LIMIT) -> str:
    """Text safe to show in a terminal cell."""
    return safe_text(text or "", limit)


def _cell(text, limit: int) -> str:
    """``clean`` for long listings: printable short text (the common case) passes untouched."""
    if isinstance(text, str) and len(text) <= limit and text.isprintable():
        return text
    return clean(text if isinstance(text, str) else str(text or ""), limit)


_UNTIL_EXIT: list = []
#: set by the `shop` command, which ends its process without freeing what it built (cli._exit)
FAST_EXIT = False


def keep_until_exit(value) -> None:
    """Leave a large result for the end of the process to drop, when the process ends that way;
    a program using shopcli as a library keeps nothing."""
    if FAST_EXIT:
        _UNTIL_EXIT.append(value)


class Output:
    """Where a command's results go; decides between rich, plain and JSON once."""

    def __init__(self, stdout=None, stderr=None, *, money_format: str | None = None,
                 width: int | None = None) -> None:
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self._console = None
        self.money_format = money_format   # the config's currency_format; None: "5.67 USD"
        self.width = width                 # None: the terminal's width

    def money(self, amount: str, code: str | None = None) -> str:
        """An amount for tables and plain lines (JSON keeps the contract's money strings)."""
        return format_money(self.money_format, amount, code)

    @property
    def is_terminal(self) -> bool:
        try:
            return self.stdout.isatty()
        except (AttributeError, ValueError):
            return False

    @property
    def console(self):
        if self._console is None:
            from rich.console import Console

            self._console = Console(file=self.stdout, emoji=False, markup=False, highlight=False,
                                    no_color=bool(os.environ.get("NO_COLOR")) or None, width=self.width)
        return self._console

    def line(self, text: str = "") -> None:
        self.stdout.write(text + "\n")

    def json(self, obj: Any) -> None:
        self.stdout.write(dumps(obj) + "\n")
        self.stdout.flush()

    def error(self, message: str, hint: str | None = None) -> None:
        text = f"error: {clean(message, 300)}"
        if hint:
            text += f" — {clean(hint, 300)}"
        self.stderr.write(text + "\n")
        self.stderr.flush()

    def note(self, message: str) -> None:
        self.stderr.write(clean(message, 500) + "\n")

    def flush(self) -> None:
        self.stdout.flush()

    # -- shop parse --------------------------------------------------------------------------
    def parse_result(self, result) -> None:
        if self.is_terminal:
            self._parse_table(result)
        else:
            for line in parse_lines(result):
                self.line(line)
        self.flush()

    def _parse_table(self, result) -> None:
        from rich.table import Table
        from rich.text import Text

        table = Table(title=Text(clean(result.request, 80)), title_justify="left", expand=False)
        for col, kw in (("said", {}), ("qty", {"justify": "right"}), ("unit", {}), ("product", {}),
                        ("sku", {}), ("packs", {"justify": "right"}), ("status", {})):
            table.add_column(col, overflow="fold", **kw)
        styles = {"matched": "green", "ambiguous": "yellow", "unknown": "red"}
        for it in result.items:
            product = Text(clean(it.product.label) if it.product else "—")
            if it.status == "ambiguous" and it.alternatives:
                product.append("\nor " + ", ".join(clean(p.name, 40) for p, _ in it.alternatives[:3]),
                               style="dim")
            if it.status == "unknown" and it.hint:
                product.append("\ndid you mean " + ", ".join(clean(h, 40) for h in it.hint), style="dim")
            status = Text(it.status + (f" {it.score:.0f}" if it.product else ""), style=styles[it.status])
            if it.problem:
                status = Text(clean(it.problem, 60), style="red")
            table.add_row(Text(clean(it.text)), Text(_num(it.quantity)), Text(it.unit or ""), product,
                          Text(clean(it.product.sku, 40) if it.product else ""), Text(str(it.packs)), status)
        self.console.print(table)
        for u in result.unparsed:
            self.console.print(Text("not understood: " + clean(u), style="yellow"))
        for r in getattr(result, "remarks", ()):
            self.console.print(Text("not an item: " + clean(r), style="dim"))


    # -- orders ------------------------------------------------------------------------------
    def receipt(self, order: dict, placed: bool) -> None:
        if not self.is_terminal:
            for line in receipt_lines(order, placed, self.money_format):
                self.line(line)
            self.flush()
            return
        from rich.table import Table
        from rich.text import Text

        title = f"Order {clean(order.get('id') or '', 40)}" if placed and order.get("id") else "Your order"
        table = Table(title=Text(title), title_justify="left")
        table.add_column("product", overflow="fold")
        table.add_column("sku", overflow="fold")
        table.add_column("packs", justify="right")
        table.add_column("unit price", justify="right")
        table.add_column("total", justify="right")
        for line in order.get("lines", []):
            table.add_row(Text(clean(line["name"])), Text(clean(line["sku"], 40)), Text(str(line["packs"])),
                          Text(self.money(line["unit_price"])), Text(self.money(line["line_total"])))
        table.add_section()
        table.add_row(Text("subtotal"), "", "", "", Text(self.money(order["subtotal"])))
        if order.get("discount") not in (None, "0.00"):
            table.add_row(Text("discount"), "", "", "", Text("-" + self.money(order["discount"])))
        table.add_row(Text("total", style="bold"), "", "", "",
                      Text(self.money(order["total"], order["currency"]), style="bold"))
        self.console.print(table)
        self.console.print(Text(delivery_text(order.get("delivery"))))
        if order.get("suggestions"):
            self.console.print(Text("Goes well with: " + "; ".join(
                f"{clean(s['name'], 40)} ({clean(s['reason'], 60)})" for s in order["suggestions"]), style="dim"))
        if placed:
            self.console.print(Text(f"status: {order.get('status')}", style="green"))

    def order_list(self, orders: list[dict]) -> None:
        if not orders:
            self.line("no orders")
            return
        if not self.is_terminal:
            fmt = self.money_format
            lines = []
            for o in orders:                 # 100,000 orders: the common case is spelt out
                oid, request, total, code = o.get("id"), o.get("request"), str(o.get("total")), o.get("currency")
                if not (oid.__class__ is str and len(oid) <= 40 and oid.isprintable()):
                    oid = _cell(oid, 40)
                if not (request.__class__ is str and len(request) <= 60 and request.isprintable()):
                    request = _cell(request, 60)
                money = (f"{total} {code}" if code else total) if fmt is None else format_money(fmt, total, code)
                lines.append(f"{oid}\t{o.get('created_at') or ''}\t{o.get('status') or ''}\t{money}\t{request}\n")
            self.stdout.write("".join(lines))
            self.flush()
            return
        from rich.table import Table
        from rich.text import Text

        table = Table()
        for col in ("id", "created", "status", "total", "items", "request"):
            table.add_column(col, overflow="fold", justify="right" if col == "total" else "left")
        for o in orders:
            n = sum(l.get("packs", 0) for l in o.get("lines", []))
            table.add_row(Text(clean(o.get("id"), 40)), Text((o.get("created_at") or "")[:16].replace("T", " ")),
                          Text(o.get("status") or ""), Text(self.money(str(o.get("total")))), Text(str(n)),
                          Text(clean(o.get("request"), 60)))
        self.console.print(table)

    def status_line(self, order_id: str, status: str, delivery: dict | None) -> None:
        self.line(f"{clean(order_id, 40)}: {status.replace('_', ' ')} — {delivery_text(delivery)}")

    # -- shop config --------------------------------------------------------------------------
    def config_table(self, path: str, exists: bool, rows: dict[str, dict]) -> None:
        """``shop config show``: each setting, its value now and where that comes from."""
        head = f"config file: {clean(path, 300)}" + ("" if exists else " (not created yet)")
        values = {k: "(none)" if r["value"] is None else clean(str(r["value"]), 300) for k, r in rows.items()}
        if not self.is_terminal:
            self.line(head)
            kw = max(map(len, rows))
            vw = min(60, max(map(len, values.values())))
            for k, r in rows.items():
                self.line(f"{k:<{kw}}  {values[k]:<{vw}}  {r['source']}")
            self.flush()
            return
        from rich.table import Table
        from rich.text import Text

        table = Table(title=Text(head), title_justify="left")
        table.add_column("setting", no_wrap=True)
        table.add_column("value", overflow="fold")
        table.add_column("from", no_wrap=True)
        styles = {"option": "bold", "environment": "yellow", "config": "green", "default": "dim"}
        for k, r in rows.items():
            table.add_row(Text(k), Text(values[k]), Text(r["source"], style=styles.get(r["source"], "")))
        self.console.print(table)

    # -- shop stats ---------------------------------------------------------------------------
    def stats(self, st) -> None:
        """``shop stats``: a bar chart of spending by period, top products and categories."""
        if not st.orders:
            self.line(empty_stats_text(st))
            self.flush()
            return
        if not self.is_terminal:
            for line in stats_lines(st, self.money_format):
                self.line(line)
            self.flush()
            return
        from rich import box
        from rich.table import Table
        from rich.text import Text

        console = self.console
        m = self.money
        head = Text(_n(st.orders, "order"), style="bold")
        head.append(f"  spent {m(_fmt(st.spent), st.currency)}  average basket "
                    f"{m(_fmt(st.average_basket), st.currency)} ({_n(st.average_items, 'item')})")
        if st.cancelled:
            head.append(f"  ({st.cancelled} cancelled, not counted)", style="dim")
        console.print(head)
        periods, hidden = _shown_periods(st)
        amounts = [m(_fmt(p.spent)) for p in periods]
        money_w = max(len(a) for a in amounts)
        width = max(4, min(40, console.width - 12 - 7 - money_w - 8))
        top = max((p.spent for p in periods), default=0)
        table = Table(title=Text(_period_title(st, hidden)), title_justify="left", box=box.SIMPLE_HEAD,
                      show_edge=False, pad_edge=False)
        table.add_column("week of" if st.by == "week" else "month", no_wrap=True)
        table.add_column("orders", justify="right", no_wrap=True)
        table.add_column("spent", justify="right", no_wrap=True)
        table.add_column("", no_wrap=True, overflow="crop", max_width=width)
        for p, amount in zip(periods, amounts):
            table.add_row(Text(_period_label(p)), Text(str(p.orders)), Text(amount),
                          Text(bar(p.spent, top, width), style="cyan"))
        console.print(table)
        if st.products:
            t = Table(title=Text("Top products"), title_justify="left", box=box.SIMPLE_HEAD, show_edge=False,
                      pad_edge=False)
            t.add_column("product", overflow="fold", ratio=3)
            t.add_column("sku", overflow="fold", ratio=2)
            for col in ("packs", "orders", "spent"):
                t.add_column(col, justify="right", no_wrap=True)
            for p in st.products:
                t.add_row(Text(clean(p.name)), Text(clean(p.sku, 40)), Text(str(p.packs)), Text(str(p.orders)),
                          Text(m(_fmt(p.spent))))
            console.print(t)
        if st.categories:
            t = Table(title=Text("Top categories"), title_justify="left", box=box.SIMPLE_HEAD, show_edge=False,
                      pad_edge=False)
            t.add_column("category", overflow="fold")
            for col in ("packs", "orders", "spent"):
                t.add_column(col, justify="right", no_wrap=True)
            for c in st.categories:
                t.add_row(Text(clean(c.category, 60)), Text(str(c.packs)), Text(str(c.orders)),
                          Text(m(_fmt(c.spent))))
            console.print(t)


def delivery_text(d: dict | None) -> str:
    """ "delivery 2026-11-24 08:00–12:00", "pickup at Downtown", "no delivery time set"."""
    if not d or (d.get("method") != "pickup" and not d.get("window_start")):
        return "delivery time not set yet (use --deliver WHEN or --pickup STORE)"
    window = ""
    if d.get("window_start") and d.get("window_end"):
        a, b = d["window_start"], d["window_end"]
        window = f" {a[:10]} {a[11:16]}–{b[11:16]}"
    if d.get("method") == "pickup":
        return f"pickup at {clean(d.get('store'), 60)}{window}"
    return f"delivery{window}"


def format_money(fmt: str | None, amount: str, code: str | None = None) -> str:
    """An amount as the config's currency_format says; without one, "5.67 USD" (or "5.67" with no code)."""
    if fmt is None:
        return f"{amount} {code}" if code else amount
    return fmt.replace("{amount}", amount).replace("{code}", code or "").strip()


def receipt_lines(order: dict, placed: bool, money_format: str | None = None) -> Iterable[str]:
    """Plain receipt: one line per product, then totals, delivery and the acknowledgement."""
    def m(amount: str, code: str | None = None) -> str:
        return format_money(money_format, amount, code)

    for line in order.get("lines", []):
        yield (f"{line['packs']} x {clean(line['name'])} [{clean(line['sku'], 40)}] @ {m(line['unit_price'])}"
               f" = {m(line['line_total'])}")
    yield (f"subtotal {m(order['subtotal'])}  discount {m(order['discount'])}  "
           f"total {m(order['total'], order['currency'])}")
    yield delivery_text(order.get("delivery"))
    for s in order.get("suggestions") or []:
        yield f"suggest: {clean(s['name'], 60)} [{clean(s['sku'], 40)}] ({clean(s['reason'], 80)})"
    if placed:
        yield f"placed {clean(order.get('id'), 40)}"
    else:
        yield "not placed (dry run)"


def parse_lines(result) -> Iterable[str]:
    """Plain, stable lines for one parse result (one per item)."""
    if not result.items and not result.unparsed and not getattr(result, "remarks", ()):
        yield f"{clean(result.request, 80)}: nothing to order"
    for it in result.items:
        said = clean(it.text, 80)
        if it.problem:
            yield f"{said}: {it.problem}"
        elif it.product is None:
            hint = f" (did you mean {', '.join(clean(h, 60) for h in it.hint)}?)" if it.hint else ""
            yield f"{said}: unknown{hint}"
        else:
            p = it.product
            extra = ""
            if it.status == "ambiguous":
                extra = " or " + " or ".join(clean(a.name, 60) for a, _ in it.alternatives[:3])
            yield f"{said}: {it.packs} x {clean(p.label)} [{clean(p.sku, 40)}] {it.status} {it.score:.0f}{extra}"
    for u in result.unparsed:
        yield f"{clean(u, 80)}: not understood"
    for r in getattr(result, "remarks", ()):
        yield f"{clean(r, 80)}: not an item"


def _num(x: float) -> str:
    return f"{x:g}"


# -- shop stats ------------------------------------------------------------------------------

MAX_PERIODS_SHOWN = 60
_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value, top, width: int, ascii: bool = False) -> str:
    """A horizontal bar of ``value`` out of ``top`` in at most ``width`` cells (eighths in unicode)."""
    if not top or value <= 0 or width <= 0:
        return ""
    cells = float(value) / float(top) * width
    if ascii:
        return "#" * max(1, round(cells))
    full = int(cells)
    part = int((cells - full) * 8)
    out = "█" * full + (_EIGHTHS[part] if part and full < width else "")
    return out or "▏"


def _n(count, word: str) -> str:
    """"1 order", "3 orders", "1.5 items"."""
    return f"{count:g} {word}{'' if count == 1 else 's'}"


def _fmt(d) -> str:
    from decimal import ROUND_HALF_UP, Decimal

    return str(Decimal(d).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _period_label(p) -> str:
    return p.start.isoformat() if p.by == "week" else p.label


def _shown_periods(st) -> tuple[list, int]:
    hidden = max(0, len(st.periods) - MAX_PERIODS_SHOWN)
    return st.periods[hidden:], hidden


def _period_title(st, hidden: int) -> str:
    title = "by week (weeks start on Monday)" if st.by == "week" else "by month"
    if hidden:
        title += f"; {hidden} earlier {st.by}s not shown (use --since, or --json for all)"
    return title


def empty_stats_text(st) -> str:
    """What ``shop stats`` says when there is nothing to count."""
    if st.since or st.until:
        span = " ".join(x for x in (f"since {st.since.date()}" if st.since else "",
                                     f"before {st.until.date()}" if st.until else "") if x)
        text = f"no orders {span}"
    else:
        text = "no orders yet"
    if st.cancelled:
        text += f" ({st.cancelled} cancelled, not counted)"
    return text


def stats_lines(st, money_format: str | None = None) -> Iterable[str]:
    """Plain, stable lines for ``shop stats`` when the output is not a terminal."""
    def m(d, code=None) -> str:
        return format_money(money_format, _fmt(d), code)

    yield (f"{_n(st.orders, 'order')}  spent {m(st.spent, st.currency)}  "
           f"average basket {m(st.average_basket, st.currency)}  {_n(st.average_items, 'item')} per basket")
    if st.cancelled:
        yield f"cancelled orders (not counted): {st.cancelled}"
    periods, hidden = _shown_periods(st)
    yield _period_title(st, hidden) + ":"
    amounts = [m(p.spent) for p in periods]
    counts = [_n(p.orders, "order") for p in periods]
    aw, cw = max(map(len, amounts)), max(map(len, counts))
    top = max((p.spent for p in periods), default=0)
    for p, count, amount in zip(periods, counts, amounts):
        yield f"{_period_label(p)}  {count:<{cw}}  {amount:>{aw}}  {bar(p.spent, top, 30, ascii=True)}".rstrip()
    if st.products:
        yield "top products:"
        for p in st.products:
            yield f"  {p.packs} x {clean(p.name, 80)} [{clean(p.sku, 40)}]  {_n(p.orders, 'order')}  {m(p.spent)}"
    if st.categories:
        yield "top categories:"
        for c in st.categories:
            yield f"  {clean(c.category, 60)}  {_n(c.packs, 'pack')}  {_n(c.orders, 'order')}  {m(c.spent)}"
