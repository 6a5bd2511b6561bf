"""The one place that prints: rich tables on a terminal, plain stable lines when piped, JSON for scripts.

User and catalog text is always passed to rich as ``Text`` (never markup), cleaned of control
characters and cut to a length rich can wrap quickly.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any, Iterable

from .parse.normalize import safe_text

__all__ = ["Output", "dumps", "clean"]

CELL_LIMIT = 120
# characters JSON allows raw but a terminal acts on: C1 controls, bidi overrides, line separators
_UNSAFE_JSON = re.compile("[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def dumps(obj: Any) -> str:
    """JSON text safe to print: UTF-8 kept readable, terminal-active characters escaped."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False)
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def clean(text: str | None, limit: int = CELL_LIMIT) -> str:
    """Text safe to show in a terminal cell."""
    return safe_text(text or "", limit)


class Output:
    """Where a command's results go; decides between rich, plain and JSON once."""

    def __init__(self, stdout=None, stderr=None) -> None:
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self._console = None

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
                                    no_color=bool(os.environ.get("NO_COLOR")) or None)
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


    # -- orders ------------------------------------------------------------------------------
    def receipt(self, order: dict, placed: bool) -> None:
        if not self.is_terminal:
            for line in receipt_lines(order, placed):
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
                          Text(line["unit_price"]), Text(line["line_total"]))
        table.add_section()
        table.add_row(Text("subtotal"), "", "", "", Text(order["subtotal"]))
        if order.get("discount") not in (None, "0.00"):
            table.add_row(Text("discount"), "", "", "", Text("-" + order["discount"]))
        table.add_row(Text("total", style="bold"), "", "", "", Text(f"{order['total']} {order['currency']}", style="bold"))
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
            self.stdout.write("".join(
                f"{clean(o.get('id'), 40)}\t{o.get('created_at') or ''}\t{o.get('status') or ''}\t"
                f"{o.get('total')} {o.get('currency')}\t{clean(o.get('request'), 60)}\n" for o in orders))
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
                          Text(o.get("status") or ""), Text(f"{o.get('total')}"), Text(str(n)),
                          Text(clean(o.get("request"), 60)))
        self.console.print(table)

    def status_line(self, order_id: str, status: str, delivery: dict | None) -> None:
        self.line(f"{clean(order_id, 40)}: {status.replace('_', ' ')} — {delivery_text(delivery)}")


def delivery_text(d: dict | None) -> str:
    """ "delivery 2026-11-24 08:00–12:00", "pickup at Downtown", "no delivery time set"."""
    if not d:
        return "no delivery time set (use --deliver or --pickup)"
    window = ""
    if d.get("window_start") and d.get("window_end"):
        a, b = d["window_start"], d["window_end"]
        window = f" {a[:10]} {a[11:16]}–{b[11:16]}"
    if d.get("method") == "pickup":
        return f"pickup at {clean(d.get('store'), 60)}{window}"
    return f"delivery{window}"


def receipt_lines(order: dict, placed: bool) -> Iterable[str]:
    """Plain receipt: one line per product, then totals, delivery and the acknowledgement."""
    for line in order.get("lines", []):
        yield (f"{line['packs']} x {clean(line['name'])} [{clean(line['sku'], 40)}] @ {line['unit_price']}"
               f" = {line['line_total']}")
    yield f"subtotal {order['subtotal']}  discount {order['discount']}  total {order['total']} {order['currency']}"
    yield delivery_text(order.get("delivery"))
    for s in order.get("suggestions") or []:
        yield f"suggest: {clean(s['name'], 60)} [{clean(s['sku'], 40)}] ({clean(s['reason'], 80)})"
    if placed:
        yield f"placed {clean(order.get('id'), 40)}"
    else:
        yield "not placed (dry run)"


def parse_lines(result) -> Iterable[str]:
    """Plain, stable lines for one parse result (one per item)."""
    if not result.items and not result.unparsed:
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


def _num(x: float) -> str:
    return f"{x:g}"
