"""Shared pieces of the sample-scenario generator: dates, the contract's CSV layout, writing and validation.

Everything here is deterministic: rows are written in the order they are built, money with two decimals,
booleans as true/false, dates as YYYY-MM-DD, so re-running the generator gives byte-identical files.
"""
import csv
import os
import re
import tomllib
from datetime import date, timedelta

# The contract's section 1: every file, its columns in the order we write them, and its key columns.
LAYOUT = {
    "warehouses.csv": (["warehouse_id", "name", "region", "handling_days", "daily_line_capacity"], ["warehouse_id"]),
    "customers.csv": (["customer_id", "name", "tier", "region", "credit_status", "credit_limit", "service_target"], ["customer_id"]),
    "items.csv": (["sku", "description", "family", "unit_cost", "unit_price", "critical"], ["sku"]),
    "lanes.csv": (["from_warehouse", "to_region", "transit_days", "cost_per_unit", "mode"], ["from_warehouse", "to_region", "mode"]),
    "transfers.csv": (["from_warehouse", "to_warehouse", "lead_days", "cost_per_unit"], ["from_warehouse", "to_warehouse"]),
    "inventory.csv": (["warehouse_id", "sku", "on_hand", "reserved", "safety_stock", "as_of", "oldest_receipt_date"], ["warehouse_id", "sku"]),
    "receipts.csv": (["receipt_id", "warehouse_id", "sku", "qty", "eta", "kind"], ["receipt_id"]),
    "orders.csv": (["order_id", "customer_id", "order_date", "requested_date", "ship_to_region", "ship_complete", "status", "hold_reason"], ["order_id"]),
    "order_lines.csv": (["order_id", "line_no", "sku", "qty", "unit_price", "allow_partial", "allow_substitute"], ["order_id", "line_no"]),
    "substitutes.csv": (["sku", "substitute_sku", "rank"], ["sku", "substitute_sku"]),
    "commitments.csv": (["customer_id", "sku", "qty", "period_start", "period_end"], ["customer_id", "sku", "period_start"]),
    "quotas.csv": (["sku_or_family", "tier", "max_qty", "period_start", "period_end"], ["sku_or_family", "tier", "period_start"]),
    "users.csv": (["user", "role"], ["user"]),
}
ROLES = {"planner", "customer_service", "supervisor", "finance", "admin"}
REQUIRED_USERS = {"planner1": "planner", "planner2": "planner", "cs1": "customer_service", "super1": "supervisor",
                  "super2": "supervisor", "finance1": "finance", "admin": "admin"}


def day(text):
    """A date from YYYY-MM-DD."""
    return date.fromisoformat(text)


def iso(d):
    return d.isoformat()


def plus(d, n):
    return d + timedelta(days=n)


def money(x):
    return f"{x:.2f}"


def boolean(b):
    return "true" if b else "false"


def network_tables(warehouses, lanes, transfers):
    """Every snapshot table, empty, but for the network: warehouses, lanes and transfer routes filled in."""
    t = {name: [] for name in ("warehouses.csv", "customers.csv", "items.csv", "lanes.csv", "transfers.csv",
                               "inventory.csv", "receipts.csv", "orders.csv", "order_lines.csv", "substitutes.csv",
                               "commitments.csv", "quotas.csv", "users.csv")}
    for w, name, region, handling, cap in warehouses:
        t["warehouses.csv"].append(dict(warehouse_id=w, name=name, region=region, handling_days=handling, daily_line_capacity=cap))
    for f, r, days, cost, mode in lanes:
        t["lanes.csv"].append(dict(from_warehouse=f, to_region=r, transit_days=days, cost_per_unit=money(cost), mode=mode))
    for f, to, days, cost in transfers:
        t["transfers.csv"].append(dict(from_warehouse=f, to_warehouse=to, lead_days=days, cost_per_unit=money(cost)))
    return t


def story_order_maker(rng, items, customers, orders, line):
    """The `special(order_id, customer_id, order_date, requested_date, lines, **order_fields)` that adds a story order.

    The story's lines state their rules: partial allowed and no substitute unless said otherwise; every line has a price.
    """
    def special(oid, cid, od, req, lines, **kw):
        tier = customers[cid]["tier"]
        ls = [line(rng, items, s, q, tier, **{"partial": True, "substitute": False, "may_omit_price": False, **opts})
              for s, q, opts in lines]
        orders.append(dict(order_id=oid, customer_id=cid, order_date=day(od), requested_date=day(req), lines=ls, **kw))
    return special


def add_orders(t, orders):
    """Writes the orders and their numbered lines into orders.csv and order_lines.csv."""
    for o in orders:
        t["orders.csv"].append(dict(order_id=o["order_id"], customer_id=o["customer_id"], order_date=iso(o["order_date"]),
                                    requested_date=iso(o["requested_date"]), ship_to_region=o.get("ship_to_region"),
                                    ship_complete=boolean(o.get("ship_complete", False)), status=o.get("status", "open"),
                                    hold_reason=o.get("hold_reason")))
        for n, ln in enumerate(o["lines"], start=1):
            t["order_lines.csv"].append(dict(order_id=o["order_id"], line_no=n, **ln))


def open_demand(orders, skus):
    """Units ordered per sku over the orders that are not cancelled (every sku of `skus` present, in its order)."""
    demand = {s: 0 for s in skus}
    for o in orders:
        if o.get("status", "open") != "cancelled":
            for ln in o["lines"]:
                demand[ln["sku"]] += ln["qty"]
    return demand


USERS = (("planner1", "planner"), ("planner2", "planner"), ("cs1", "customer_service"), ("cs2", "customer_service"),
         ("super1", "supervisor"), ("super2", "supervisor"), ("finance1", "finance"), ("admin", "admin"))


def add_users(t):
    """The same eight users, one or two per role, in every scenario."""
    for user, role in USERS:
        t["users.csv"].append(dict(user=user, role=role))


def write_scenario(directory, tables, policy_text):
    """Writes every table of `tables` (file name -> list of dict rows) and policy.toml into `directory`."""
    os.makedirs(directory, exist_ok=True)
    for name, (columns, _) in LAYOUT.items():
        rows = tables[name]
        with open(os.path.join(directory, name), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(columns)
            for r in rows:
                extra = set(r) - set(columns)
                assert not extra, f"{name}: unexpected columns {extra}"
                w.writerow(["" if r.get(c) is None else str(r[c]) for c in columns])
    with open(os.path.join(directory, "policy.toml"), "w", encoding="utf-8") as f:
        f.write(policy_text)


def write_what_ifs(directory, policies):
    """Writes alternative policies into `directory/what-if/`, each a complete policy file."""
    os.makedirs(os.path.join(directory, "what-if"), exist_ok=True)
    for name, text in policies.items():
        with open(os.path.join(directory, "what-if", name), "w", encoding="utf-8") as f:
            f.write(text)


DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RFC3339_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def validate(directory):
    """Re-reads a written scenario and checks what the importer will check: keys, references, formats.

    Returns a list of problems (empty when the scenario is sound).
    """
    problems = []
    data = {}
    for name, (columns, key) in LAYOUT.items():
        path = os.path.join(directory, name)
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        data[name] = rows
        seen = set()
        for i, r in enumerate(rows, start=2):
            k = tuple(r[c] for c in key)
            if k in seen:
                problems.append(f"{name}:{i}: duplicate key {k}")
            seen.add(k)
    wh = {r["warehouse_id"] for r in data["warehouses.csv"]}
    skus = {r["sku"] for r in data["items.csv"]}
    families = {r["family"] for r in data["items.csv"] if r["family"]}
    cust = {r["customer_id"]: r for r in data["customers.csv"]}
    tiers = {r["tier"] for r in cust.values()}
    orders = {r["order_id"]: r for r in data["orders.csv"]}
    regions = {r["region"] for r in data["warehouses.csv"]} | {r["region"] for r in cust.values() if r["region"]}
    lanes = {(r["from_warehouse"], r["to_region"]) for r in data["lanes.csv"]}

    def need(cond, where, msg):
        if not cond:
            problems.append(f"{where}: {msg}")

    def whole(v):
        return re.fullmatch(r"\d+", v) is not None

    def check_date(v, where, field, optional=False):
        if optional and v == "":
            return
        need(DATE_RE.match(v) is not None, where, f"{field} '{v}' is not YYYY-MM-DD")
        if DATE_RE.match(v):
            try:
                day(v)
            except ValueError:
                problems.append(f"{where}: {field} '{v}' is not a real date")

    for i, r in enumerate(data["customers.csv"], 2):
        need(r["credit_status"] in ("ok", "hold", ""), f"customers.csv:{i}", "credit_status")
        if r["service_target"]:
            need(0 <= float(r["service_target"]) <= 1, f"customers.csv:{i}", "service_target out of 0..1")
    for i, r in enumerate(data["items.csv"], 2):
        need(r["critical"] in ("true", "false"), f"items.csv:{i}", "critical must be true/false")
        need(float(r["unit_price"]) > float(r["unit_cost"]) > 0, f"items.csv:{i}", "price must exceed cost")
    for i, r in enumerate(data["lanes.csv"], 2):
        need(r["from_warehouse"] in wh, f"lanes.csv:{i}", "unknown warehouse")
        need(r["to_region"] in regions, f"lanes.csv:{i}", "unknown region")
        need(r["mode"] in ("ground", "expedite"), f"lanes.csv:{i}", "mode")
        need(whole(r["transit_days"]), f"lanes.csv:{i}", "transit_days")
    for i, r in enumerate(data["transfers.csv"], 2):
        need(r["from_warehouse"] in wh and r["to_warehouse"] in wh and r["from_warehouse"] != r["to_warehouse"],
             f"transfers.csv:{i}", "bad warehouses")
    for i, r in enumerate(data["inventory.csv"], 2):
        w = f"inventory.csv:{i}"
        need(r["warehouse_id"] in wh, w, "unknown warehouse")
        need(r["sku"] in skus, w, "unknown sku")
        for c in ("on_hand", "reserved", "safety_stock"):
            need(whole(r[c]), w, f"{c} '{r[c]}' not a whole number >= 0")
        need(int(r["reserved"]) + int(r["safety_stock"]) <= int(r["on_hand"]), w, "reserved + safety exceed on hand")
        need(RFC3339_RE.match(r["as_of"]) is not None, w, f"as_of '{r['as_of']}' not RFC 3339")
        check_date(r["oldest_receipt_date"], w, "oldest_receipt_date", optional=True)
    for i, r in enumerate(data["receipts.csv"], 2):
        w = f"receipts.csv:{i}"
        need(r["warehouse_id"] in wh, w, "unknown warehouse")
        need(r["sku"] in skus, w, "unknown sku")
        need(whole(r["qty"]), w, "qty")
        check_date(r["eta"], w, "eta")
        need(r["kind"] in ("po", "transfer"), w, "kind")
    for i, r in enumerate(data["orders.csv"], 2):
        w = f"orders.csv:{i}"
        need(r["customer_id"] in cust, w, f"unknown customer {r['customer_id']}")
        check_date(r["order_date"], w, "order_date")
        check_date(r["requested_date"], w, "requested_date")
        need(r["order_date"] <= r["requested_date"], w, "requested before ordered")
        need(r["status"] in ("open", "held", "cancelled"), w, "status")
        need(r["ship_complete"] in ("true", "false"), w, "ship_complete")
        region = r["ship_to_region"] or cust.get(r["customer_id"], {}).get("region", "")
        need(any((x, region) in lanes for x in wh), w, f"no lane serves region {region}")
    lines_per_order = {}
    for i, r in enumerate(data["order_lines.csv"], 2):
        w = f"order_lines.csv:{i}"
        need(r["order_id"] in orders, w, f"unknown order {r['order_id']}")
        need(r["sku"] in skus, w, f"unknown sku {r['sku']}")
        need(whole(r["qty"]) and int(r["qty"]) > 0, w, f"qty '{r['qty']}'")
        need(whole(r["line_no"]), w, "line_no")
        for c in ("allow_partial", "allow_substitute"):
            need(r[c] in ("true", "false"), w, c)
        if r["unit_price"]:
            need(float(r["unit_price"]) > 0, w, "unit_price")
        lines_per_order[r["order_id"]] = lines_per_order.get(r["order_id"], 0) + 1
    for oid in orders:
        need(lines_per_order.get(oid, 0) > 0, "orders.csv", f"order {oid} has no lines")
    for i, r in enumerate(data["substitutes.csv"], 2):
        need(r["sku"] in skus and r["substitute_sku"] in skus and r["sku"] != r["substitute_sku"], f"substitutes.csv:{i}", "bad skus")
    for i, r in enumerate(data["commitments.csv"], 2):
        w = f"commitments.csv:{i}"
        need(r["customer_id"] in cust, w, "unknown customer")
        need(r["sku"] in skus, w, "unknown sku")
        check_date(r["period_start"], w, "period_start", True)
        check_date(r["period_end"], w, "period_end", True)
    for i, r in enumerate(data["quotas.csv"], 2):
        w = f"quotas.csv:{i}"
        need(r["sku_or_family"] in skus or r["sku_or_family"] in families, w, "unknown sku or family")
        need(r["tier"] in tiers, w, f"unknown tier {r['tier']}")
        need(whole(r["max_qty"]), w, "max_qty")
    users = {r["user"]: r["role"] for r in data["users.csv"]}
    for i, r in enumerate(data["users.csv"], 2):
        need(r["role"] in ROLES, f"users.csv:{i}", f"role {r['role']}")
    for u, role in REQUIRED_USERS.items():
        need(users.get(u) == role, "users.csv", f"needs user {u} as {role}")
    problems += validate_policy(os.path.join(directory, "policy.toml"), tiers)
    what_if = os.path.join(directory, "what-if")
    for name in sorted(os.listdir(what_if)) if os.path.isdir(what_if) else []:
        problems += validate_policy(os.path.join(what_if, name), tiers)
        with open(os.path.join(directory, "policy.toml"), encoding="utf-8") as a, open(os.path.join(what_if, name), encoding="utf-8") as b:
            if a.read() == b.read():
                problems.append(f"what-if/{name}: identical to policy.toml")
    return problems


# The keys AllotCore/Policy/PolicyParsing.swift reads (contract section 4 plus Allot's workflow keys).
POLICY_KEYS = {
    "priority": {"tier_order", "critical_items_first", "within_class", "service_targets"},
    "cost": {"lateness_per_unit_day", "split_penalty", "max_late_days", "aging_bonus_per_unit_day", "respect_capacity"},
    "exceptions": {"min_margin_pct", "high_value_limit", "stale_inventory_hours"},
    "auto_release": {"enabled", "allow"},
    "override": {"max_cost_increase_pct", "max_extra_late_days"},
    "insight": {"stockout_cover_days", "demand_smoothing", "substitution_auto_acceptance", "promise_risk_threshold",
                "unusual_z_score"},
}
EXCEPTION_KINDS = {"SHORTAGE", "BACKORDER", "SPLIT", "LATE", "LOW_MARGIN", "HIGH_VALUE", "SUBSTITUTION", "TRANSFER",
                   "EXPEDITE", "QUOTA_LIMIT", "COMMITMENT_CONFLICT", "STALE_DATA", "ORDER_HOLD", "CREDIT_HOLD",
                   "SHIP_COMPLETE"}


def validate_policy(path, tiers):
    """Checks policy.toml parses and uses only keys and values Allot knows."""
    with open(path, "rb") as f:
        p = tomllib.load(f)
    problems = []
    for key in p:
        if key not in POLICY_KEYS and key not in ("version", "routing", "reasons", "sla"):
            problems.append(f"policy.toml: unknown key {key}")
    for table, keys in POLICY_KEYS.items():
        for k in p.get(table, {}):
            if k not in keys:
                problems.append(f"policy.toml: unknown key {table}.{k}")
    for k, role in p.get("routing", {}).items():
        if k not in EXCEPTION_KINDS or role not in ROLES:
            problems.append(f"policy.toml: routing.{k} = {role}")
    for k in p.get("auto_release", {}).get("allow", []):
        if k not in EXCEPTION_KINDS:
            problems.append(f"policy.toml: auto_release.allow {k}")
    for k in p.get("sla", {}):
        if k not in ROLES:
            problems.append(f"policy.toml: sla.{k}")
    order = p.get("priority", {}).get("tier_order", [])
    if set(order) != tiers:
        problems.append(f"policy.toml: tier_order {order} does not list the customers' tiers {sorted(tiers)}")
    if p.get("priority", {}).get("within_class", "fcfs") not in ("fcfs", "fair_share", "margin"):
        problems.append("policy.toml: priority.within_class")
    return problems
