"""Sample event feeds (contract section 2, JSON Lines) that continue each scenario's story on the morning of 11-29.

`<scenario>/events/morning.jsonl` is what the ERP and the WMSs send after the snapshot: every line valid, with one
re-sent event (a duplicate) and one late-arriving older count (stale), so `allot import` reports
`applied N, duplicate 1, stale 1, rejected 0`. `<scenario>/events/rejected-examples.jsonl` shows the dead-letter
path: one valid event among lines that each break the contract in a different way.
"""
import csv
import json
import os


def envelope(source, seq, etype, at, data, eid=None):
    return {"id": eid or f"{source}-{seq:06d}", "source": source, "seq": seq, "type": etype, "at": at, "data": data}


def inventory_rows(tables, warehouse):
    return [r for r in tables["inventory.csv"] if r["warehouse_id"] == warehouse]


def promo_events(tables):
    """CHI's WMS comes back, a PO slips, a hold is released, a rush order arrives, an order is cancelled."""
    ev = []
    # The Joliet WMS reconnects and resends every position, counted this morning. While it was down it kept
    # shipping: its MX-200 are 27 fewer than the stale count, a few other counts moved too.
    seq = 8101
    for r in inventory_rows(tables, "CHI"):
        on_hand = int(r["on_hand"])
        if r["sku"] == "MX-200":
            on_hand -= 27
        elif r["sku"] in ("MX-100", "AF-6", "MXA-BOWL"):
            on_hand = max(int(r["reserved"]) + int(r["safety_stock"]), on_hand - 9)
        ev.append(envelope("wms-chi", seq, "inventory.snapshot", "2026-11-29T07:31:00Z", {
            "warehouse_id": "CHI", "sku": r["sku"], "on_hand": on_hand, "reserved": int(r["reserved"]),
            "safety_stock": int(r["safety_stock"]), "as_of": "2026-11-29T07:30:00Z"}))
        seq += 1
    # A count from Tuesday, stuck in the WMS outbox, arrives after the fresh one: older seq, so stale.
    ev.append(envelope("wms-chi", 8040, "inventory.snapshot", "2026-11-29T07:33:00Z", {
        "warehouse_id": "CHI", "sku": "MX-200", "on_hand": 215, "reserved": 0, "safety_stock": 10,
        "as_of": "2026-11-24T22:15:00Z"}))
    # Dallas writes off a dozen damaged bowls.
    ev.append(envelope("wms-dal", 5521, "inventory.adjusted", "2026-11-29T07:45:00Z", {
        "warehouse_id": "DAL", "sku": "MXA-BOWL", "delta": -12, "reason": "damaged in handling",
        "as_of": "2026-11-29T07:44:00Z"}))
    # Atlanta receives the MX-350 transfer that was in transit.
    ev.append(envelope("wms-atl", 6310, "receipt.received", "2026-11-29T08:05:00Z", {
        "receipt_id": "TR-88120", "qty": 30, "received_at": "2026-11-29T08:02:00Z"}))
    # The ERP: the supplier pushes PO-46010 (DAL, MX-200 240) from 12-03 to 12-05.
    release = envelope("erp", 120402, "order.released", "2026-11-29T08:12:00Z", {
        "order_id": "SO-1904", "reason": "Promo price approved by sales"})
    ev.append(envelope("erp", 120401, "receipt.upserted", "2026-11-29T08:10:00Z", {
        "receipt_id": "PO-46010", "warehouse_id": "DAL", "sku": "MX-200", "qty": 240, "eta": "2026-12-05",
        "kind": "po"}))
    ev.append(release)
    # A rush order from Lone Star Housewares (A, SOUTH) for the weekend ad.
    ev.append(envelope("erp", 120403, "order.upserted", "2026-11-29T08:20:00Z", {
        "order_id": "SO-1911", "customer_id": "C-2002", "order_date": "2026-11-29", "requested_date": "2026-12-03",
        "ship_complete": False, "status": "open",
        "lines": [{"line_no": 1, "sku": "MX-200", "qty": 24, "unit_price": 210.32, "allow_partial": True,
                   "allow_substitute": True},
                  {"line_no": 2, "sku": "MX-100", "qty": 12, "unit_price": 113.52}]}))
    # A C-tier customer cancels its small MX-200 order (the first such open order in the snapshot).
    cust_tier = {c["customer_id"]: c["tier"] for c in tables["customers.csv"]}
    mx_orders = {l["order_id"] for l in tables["order_lines.csv"] if l["sku"] == "MX-200"}
    victim = next(o["order_id"] for o in tables["orders.csv"]
                  if o["status"] == "open" and cust_tier[o["customer_id"]] == "C" and o["order_id"] in mx_orders)
    ev.append(envelope("erp", 120404, "order.cancelled", "2026-11-29T08:31:00Z", {
        "order_id": victim, "reason": "Customer bought elsewhere"}))
    # The ERP's retry resends the release: same id, so a duplicate.
    ev.append(release)
    return ev, victim


def promo_rejected():
    """Lines that each break the contract in one way, around one valid event."""
    good = envelope("erp", 120409, "order.held", "2026-11-29T09:00:00Z", {
        "order_id": "SO-1905", "reason": "Credit review above limit"})
    return [
        '{"id":"erp-120405","source":"erp","seq":120405,"type":"order.upserted","at":"2026-11-29T08:59:00Z","data":{',
        json.dumps(envelope("erp", 120406, "inventory.adjusted", "2026-11-29T09:01:00Z", {
            "warehouse_id": "DAL", "sku": "MX-999", "delta": 5, "reason": "found in cycle count"}), separators=(",", ":")),
        json.dumps(envelope("erp", 120407, "order.shipped", "2026-11-29T09:02:00Z", {"order_id": "SO-1001"}),
                   separators=(",", ":")),
        json.dumps(envelope("wms-atl", 6311, "inventory.snapshot", "2026-11-29T09:03:00Z", {
            "warehouse_id": "ATL", "sku": "MX-300", "on_hand": -4, "reserved": 0, "safety_stock": 0,
            "as_of": "2026-11-29T09:03:00Z"}), separators=(",", ":")),
        json.dumps({"id": "erp-120408", "source": "erp", "type": "order.cancelled", "at": "2026-11-29T09:04:00Z",
                    "data": {"order_id": "SO-1002"}}, separators=(",", ":")),
        json.dumps(good, separators=(",", ":")),
    ]


def medical_events(tables):
    """Reno's WMS comes back, the circuit manufacturer pulls in a PO, and a surge stat order arrives."""
    ev = []
    seq = 3301
    for r in inventory_rows(tables, "RNO"):
        on_hand = int(r["on_hand"])
        if r["sku"] == "VC-AD22H":
            on_hand -= 11  # Reno kept shipping circuits to Pacific ICUs over the weekend
        ev.append(envelope("wms-rno", seq, "inventory.snapshot", "2026-11-29T06:40:00Z", {
            "warehouse_id": "RNO", "sku": r["sku"], "on_hand": on_hand, "reserved": int(r["reserved"]),
            "safety_stock": int(r["safety_stock"]), "as_of": "2026-11-29T06:35:00Z"}))
        seq += 1
    ev.append(envelope("wms-rno", 3290, "inventory.snapshot", "2026-11-29T06:42:00Z", {
        "warehouse_id": "RNO", "sku": "VC-AD22H", "on_hand": 58, "reserved": 0, "safety_stock": 4,
        "as_of": "2026-11-27T18:30:00Z"}))
    po = envelope("erp", 88010, "receipt.upserted", "2026-11-29T07:05:00Z", {
        "receipt_id": "PO-78001", "warehouse_id": "MEM", "sku": "VC-AD22H", "qty": 300, "eta": "2026-12-04",
        "kind": "po"})
    ev.append(po)
    ev.append(envelope("erp", 88011, "order.upserted", "2026-11-29T07:20:00Z", {
        "order_id": "SO-5911", "customer_id": "H-108", "order_date": "2026-11-29", "requested_date": "2026-12-01",
        "lines": [{"line_no": 1, "sku": "VC-AD22H", "qty": 40, "unit_price": 57.60, "allow_substitute": True},
                  {"line_no": 2, "sku": "HME-FLT", "qty": 20, "unit_price": 88.20}]}))
    ev.append(envelope("erp", 88012, "order.released", "2026-11-29T07:35:00Z", {
        "order_id": "SO-5906", "reason": "PO number received"}))
    ev.append(po)  # re-sent by the ERP's retry: a duplicate
    return ev


def write(path, lines):
    with open(path, "w", encoding="utf-8") as f:
        for line in lines:
            f.write((line if isinstance(line, str) else json.dumps(line, separators=(",", ":"))) + "\n")


def write_feeds(directory, scenario, tables):
    """Writes the scenario's `events/` folder."""
    folder = os.path.join(directory, "events")
    os.makedirs(folder, exist_ok=True)
    if scenario == "promo-three-warehouses":
        feed, _ = promo_events(tables)
        write(os.path.join(folder, "rejected-examples.jsonl"), promo_rejected())
    else:
        feed = medical_events(tables)
    write(os.path.join(folder, "morning.jsonl"), feed)


def validate(directory):
    """Checks that `events/morning.jsonl` is valid JSON Lines naming known warehouses, skus, orders, receipts."""
    def keys(name, col):
        with open(os.path.join(directory, name), newline="", encoding="utf-8") as f:
            return {r[col] for r in csv.DictReader(f)}
    wh, skus, custs = keys("warehouses.csv", "warehouse_id"), keys("items.csv", "sku"), keys("customers.csv", "customer_id")
    orders, receipts = keys("orders.csv", "order_id"), keys("receipts.csv", "receipt_id")
    problems, ids = [], {}
    path = os.path.join(directory, "events", "morning.jsonl")
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, start=1):
            where = f"events/morning.jsonl:{n}"
            e = json.loads(raw)
            for k in ("id", "source", "seq", "type", "at", "data"):
                if k not in e:
                    problems.append(f"{where}: missing {k}")
            if e["id"] in ids and ids[e["id"]] != raw:
                problems.append(f"{where}: id {e['id']} reused for a different event")
            ids[e["id"]] = raw
            d = e["data"]
            if "warehouse_id" in d and d["warehouse_id"] not in wh:
                problems.append(f"{where}: unknown warehouse {d['warehouse_id']}")
            for s in [d.get("sku")] + [l["sku"] for l in d.get("lines", [])]:
                if s is not None and s not in skus:
                    problems.append(f"{where}: unknown sku {s}")
            if "customer_id" in d and d["customer_id"] not in custs:
                problems.append(f"{where}: unknown customer {d['customer_id']}")
            if e["type"] in ("order.cancelled", "order.held", "order.released") and d["order_id"] not in orders:
                problems.append(f"{where}: unknown order {d['order_id']}")
            if e["type"] == "receipt.received" and d["receipt_id"] not in receipts:
                problems.append(f"{where}: unknown receipt {d['receipt_id']}")
    return problems
