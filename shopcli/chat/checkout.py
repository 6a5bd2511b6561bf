"""Checkout and the shopper's orders in the chat: the delivery or pickup, placing the order, and
order status, listing, cancelling and reordering. A mixin of ``Assistant``."""

from __future__ import annotations

from ..errors import NotDone, ShopError
from .intents import Intent
from .questions import Pending
from ..render import clean
from .replies import LIST_LIMIT, Reply, _join, _sentence

STATUS_WORDS = {"placed": "placed", "scheduled": "scheduled", "out_for_delivery": "out for delivery",
                "delivered": "delivered", "ready_for_pickup": "ready for pickup", "picked_up": "picked up",
                "cancelled": "cancelled"}


class CheckoutMixin:
    """Placing orders and the intents about past orders."""

    def _remember_delivery(self, text: str) -> str:
        from ..parse.delivery import find_clause
        from ..render import delivery_text

        try:
            self.delivery = self._delivery_for(find_clause(text))
        except ShopError as e:
            return f"About the delivery: {_sentence(e)}"
        return f"At checkout: {delivery_text(self.delivery)}."

    # -- intents: checkout and orders -----------------------------------------------------------------

    def _delivery_for(self, clause) -> dict | None:
        from ..orders.lifecycle import delivery_for

        if clause is None:
            return None
        if clause.kind == "delivery":
            return delivery_for(self.now, self.catalog, deliver=clause.text)
        return delivery_for(self.now, self.catalog, pickup=clause.text, when=clause.when or None)

    def _on_checkout(self, intent: Intent) -> Reply:
        from ..parse.delivery import find_clause

        if not self.cart:
            return Reply("Your cart is empty, so there's nothing to check out yet.")
        clause = find_clause(intent.text)
        rest = intent.slots.get("rest")
        if clause is None and rest:
            clause = find_clause(f"deliver {rest}") or find_clause(f"pickup {rest}")
            if clause is None:
                self.pending = Pending("checkout")
                return Reply(f"Sorry, I couldn't read '{clean(rest, 60)}' as a delivery time or a pickup store. "
                             "Say e.g. \"tomorrow evening\" or \"pickup at Downtown\".")
        try:
            delivery = self._delivery_for(clause) if clause is not None else self.delivery
        except ShopError as e:
            self.pending = Pending("checkout")
            return Reply(_sentence(e))
        if delivery is None:
            self.pending = Pending("checkout")
            return Reply("When should we deliver, or where will you pick it up? Say e.g. \"tomorrow evening\" "
                         "or \"pickup at Downtown\".")
        return self._place(delivery)

    def _checkout_answer(self, text: str) -> Reply | None:
        """The answer to "when should we deliver?": a time or a store; None when it is neither."""
        from ..parse.delivery import find_clause
        from .intents import normalize_turn

        norm = normalize_turn(text)
        clause = find_clause(norm) or find_clause(f"deliver {norm}")
        if clause is None:
            stores = self._store_names()
            first = norm.removeprefix("at ").removeprefix("the ")
            if any(first.startswith(s) for s in stores):
                clause = find_clause(f"pickup at {first}")
        if clause is None:
            return None
        try:
            delivery = self._delivery_for(clause)
        except ShopError as e:
            self.pending = Pending("checkout")
            return Reply(_sentence(e))
        if not self.cart:
            return Reply("Your cart is empty, so there's nothing to check out yet.")
        return self._place(delivery)

    def _store_names(self) -> list[str]:
        from ..parse.delivery import load_stores
        from ..orders.lifecycle import stores_path

        path = stores_path(self.catalog)
        if path is None:
            return []
        return [n for s in load_stores(path) for n in (s.name.lower(), s.id.lower())]

    def _place(self, delivery: dict) -> Reply:
        from ..orders.lifecycle import CURRENCY, place_orders
        from ..render import delivery_text

        doc = self._order_doc("; ".join(line.text for line in self.cart), delivery)
        in_cart = {line.sku for line in self.cart}
        doc["suggestions"] = [s for sku, s in self.offered.items() if sku not in in_cart][-5:]
        placed = place_orders(self.store, [doc], self.catalog)[0]
        if isinstance(placed, list):
            why = "; ".join(f"{clean(p.text, 60)}: {clean(p.why, 60)}" for p in placed)
            return Reply(f"Sorry, I couldn't place the order: {why}. Change the amount or remove it, "
                         "then check out again.")
        self.events.append(f"{placed['id']} placed " + ", ".join(f"{l['sku']}×{l['packs']}" for l in placed["lines"]))
        self.cart.clear()
        self.last_added = []
        self.delivery = None
        self.offered = {}
        return Reply(f"Order {clean(placed['id'], 40)} placed: {placed['total']} {CURRENCY}, "
                     f"{delivery_text(placed['delivery'])}.")

    def _orders(self) -> list[dict]:
        from ..orders.lifecycle import list_orders

        return list_orders(self.store, now=self.now)

    def _which_order(self, intent: Intent, *, usable: bool = False) -> dict | None:
        from ..orders.lifecycle import find_order, order_status

        oid = intent.slots.get("id")
        if oid:
            try:
                o = find_order(self.store, oid)
            except NotDone:
                raise NotDone(f"I can't find order {oid}", hint='say "my orders" to see yours') from None
            return dict(o, status=order_status(o, self.now))
        orders = self._orders()
        if usable:
            orders = [o for o in orders if o["status"] != "cancelled"] or orders
        return orders[0] if orders else None

    def _on_order_status(self, intent: Intent) -> Reply:
        o = self._which_order(intent)
        if o is None:
            return Reply("You have no orders yet.")
        return Reply(f"{clean(o['id'], 40)} ({o['total']} {o['currency']}): {STATUS_WORDS[o['status']]}, "
                     f"{_when(o.get('delivery'))}.")

    def _on_orders(self, intent: Intent) -> Reply:
        orders = self._orders()
        if not orders:
            return Reply("You have no orders yet.")
        rows = [f"- {clean(o['id'], 40)} {STATUS_WORDS[o['status']]}, {o['total']} {o['currency']}, "
                f"{_when(o.get('delivery'))}" for o in orders[:LIST_LIMIT]]
        more = f" (newest {LIST_LIMIT} of {len(orders)})" if len(orders) > LIST_LIMIT else ""
        return Reply("\n".join([f"Your orders{more}:"] + rows))

    def _on_cancel_order(self, intent: Intent) -> Reply:
        from ..orders.lifecycle import cancel_order

        o = self._which_order(intent)
        if o is None:
            return Reply("You have no orders to cancel.")
        if o["status"] == "cancelled":
            return Reply(f"{clean(o['id'], 40)} is already cancelled.")
        done = cancel_order(self.store, o["id"], self.now)
        self.events.append(f"{done['id']} cancelled")
        return Reply(f"Cancelled {clean(done['id'], 40)} ({done['total']} {done['currency']}).")

    def _on_reorder(self, intent: Intent) -> Reply:
        o = self._which_order(intent, usable=True)
        if o is None:
            return Reply("You have no past orders to repeat yet.")
        self.last_added = []
        added, gone = [], []
        for line in o.get("lines") or ():
            product = self.catalog.by_sku.get(line["sku"])
            if product is None:
                gone.append(clean(line.get("name") or line["sku"], 60))
                continue
            added.append(self._add(product, int(line["packs"])))
        notes = [f"{_join(gone)} {'is' if len(gone) == 1 else 'are'} no longer sold."] if gone else []
        if not added:
            return Reply(" ".join(notes) or "That order has nothing I can add.")
        return Reply(f"From {clean(o['id'], 40)}: added {_join(added)}. " + " ".join(notes + [self._summary()]))


def _when(delivery: dict | None) -> str:
    from ..render import delivery_text

    return delivery_text(delivery) if delivery else "no delivery time set"
