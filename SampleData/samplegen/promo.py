"""The `promo-three-warehouses` scenario: a housewares distributor in the middle of a stand-mixer promotion.

Three regional warehouses (DAL, ATL, CHI) serve SOUTH, EAST and MIDWEST; WEST has no warehouse and is reached
only by long lanes from DAL and CHI. The promoted MX family is short; a strategic retailer's large promo order
(SO-1901) lands on top of hundreds of smaller orders. See SampleData/README.md for the story and what to check.
"""
import random
from .common import day, iso, plus, money, boolean, network_tables, story_order_maker, add_orders, open_demand, add_users

AS_OF = day("2026-11-29")
PROMO_START, PROMO_END = day("2026-11-23"), day("2026-12-20")
SEED = 20261129

WAREHOUSES = [
    # id, name, region, handling_days, daily_line_capacity
    ("DAL", "Dallas TX regional DC", "SOUTH", 1, 420),
    ("ATL", "Atlanta GA regional DC", "EAST", 1, 360),
    ("CHI", "Chicago IL regional DC (Joliet)", "MIDWEST", 2, 240),
]
# (from, region, transit days, cost per unit, mode): WEST has no warehouse, only long lanes from DAL and CHI.
LANES = [
    ("DAL", "SOUTH", 2, 1.15, "ground"), ("DAL", "MIDWEST", 3, 2.05, "ground"),
    ("DAL", "EAST", 4, 2.45, "ground"), ("DAL", "WEST", 5, 3.80, "ground"),
    ("ATL", "EAST", 2, 1.05, "ground"), ("ATL", "SOUTH", 3, 1.85, "ground"), ("ATL", "MIDWEST", 4, 2.35, "ground"),
    ("CHI", "MIDWEST", 2, 1.10, "ground"), ("CHI", "EAST", 3, 1.95, "ground"),
    ("CHI", "SOUTH", 4, 2.60, "ground"), ("CHI", "WEST", 5, 3.55, "ground"),
    ("DAL", "WEST", 2, 9.40, "expedite"), ("CHI", "SOUTH", 2, 5.90, "expedite"),
]
TRANSFERS = [
    ("DAL", "ATL", 2, 0.85), ("ATL", "DAL", 2, 0.85), ("DAL", "CHI", 3, 0.95),
    ("CHI", "DAL", 3, 0.95), ("ATL", "CHI", 2, 0.80), ("CHI", "ATL", 2, 0.80),
]
AS_OF_STAMP = {"DAL": "2026-11-29T05:40:00Z", "ATL": "2026-11-29T06:10:00Z",
               # The Joliet WMS feed has been down since Tuesday night: its counts are five days old.
               "CHI": "2026-11-24T22:15:00Z"}

# sku, description, family, unit cost, list price, promo price (MX family during the promotion), order weight
ITEMS = [
    ("MX-100", "Stand mixer 4.5 qt tilt-head", "MX", 92.00, 149.00, 129.00, 3),
    ("MX-200", "Stand mixer 5 qt tilt-head (promo hero)", "MX", 168.00, 279.00, 239.00, 5),
    ("MX-250", "Stand mixer 5 qt bowl-lift", "MX", 196.00, 319.00, 289.00, 2),
    ("MX-300", "Stand mixer 6 qt pro bowl-lift", "MX", 232.00, 389.00, 349.00, 2.5),
    ("MX-350", "Stand mixer 7 qt commercial", "MX", 298.00, 479.00, 449.00, 1.5),
    ("MXA-BOWL", "Mixer bowl 5 qt stainless", "MXA", 22.00, 39.00, None, 2.5),
    ("MXA-PASTA", "Mixer pasta roller set", "MXA", 48.00, 89.00, None, 2),
    ("MXA-GRIND", "Mixer food grinder attachment", "MXA", 31.00, 59.00, None, 2),
    ("MXA-SPIR", "Mixer spiralizer attachment", "MXA", 27.00, 49.00, None, 1.5),
    ("MXA-ICE", "Mixer ice cream maker bowl", "MXA", 38.00, 79.00, None, 1.5),
    ("BL-100", "Personal blender 20 oz", "BL", 19.00, 34.00, None, 2.5),
    ("BL-300", "Countertop blender 56 oz", "BL", 48.00, 89.00, None, 2),
    ("BL-500", "High-performance blender 64 oz", "BL", 142.00, 249.00, None, 3),
    ("BL-550", "High-performance blender with vacuum", "BL", 171.00, 299.00, None, 1),
    ("CF-10", "Drip coffee maker 10 cup", "CF", 24.00, 44.00, None, 2),
    ("CF-12", "Programmable coffee maker 12 cup", "CF", 36.00, 69.00, None, 2.5),
    ("CF-SS", "Single-serve pod brewer", "CF", 41.00, 79.00, None, 2),
    ("ES-700", "Espresso machine semi-automatic", "ES", 310.00, 499.00, None, 1),
    ("ES-900", "Espresso machine dual boiler", "ES", 610.00, 899.00, None, 0.8),
    ("AF-4", "Air fryer 4 qt", "AF", 38.00, 69.00, None, 2.5),
    ("AF-6", "Air fryer 6 qt", "AF", 52.00, 99.00, None, 4),
    ("AF-8", "Air fryer 8 qt dual basket", "AF", 74.00, 139.00, None, 1.5),
    ("TO-2", "Toaster 2 slice", "TO", 18.40, 29.00, None, 2),
    ("TO-4", "Toaster 4 slice", "TO", 27.00, 44.00, None, 1.5),
    ("TO-OV", "Countertop toaster oven", "TO", 58.00, 109.00, None, 2),
    ("KT-EL", "Electric kettle 1.7 l", "KT", 17.00, 34.00, None, 2),
    ("KT-VAR", "Variable-temperature kettle", "KT", 33.00, 64.00, None, 1.5),
    ("FP-8", "Food processor 8 cup", "FP", 46.00, 89.00, None, 1.5),
    ("FP-12", "Food processor 12 cup", "FP", 78.00, 149.00, None, 1.5),
    ("FP-14", "Food processor 14 cup with dicing kit", "FP", 96.00, 179.00, None, 0.8),
    ("SC-6", "Slow cooker 6 qt", "SC", 22.00, 42.00, None, 2),
    ("SC-PR", "Electric pressure multicooker 6 qt", "SC", 54.00, 99.00, None, 2.5),
    ("HM-5", "Hand mixer 5 speed", "HM", 14.00, 27.00, None, 2),
    ("HM-9", "Hand mixer 9 speed with case", "HM", 24.00, 46.00, None, 1.5),
    ("IB-2", "Immersion blender 2 speed", "HM", 22.00, 44.00, None, 1.5),
    ("WF-1", "Belgian waffle maker", "SM", 19.00, 36.00, None, 1),
    ("GR-2", "Electric griddle 20 in", "SM", 26.00, 49.00, None, 1),
    ("JU-1", "Centrifugal juicer", "SM", 44.00, 84.00, None, 1),
    ("RC-10", "Rice cooker 10 cup", "SM", 29.00, 55.00, None, 1.5),
    ("SV-1", "Sous vide precision cooker", "SM", 61.00, 119.00, None, 1),
]
SUBSTITUTES = [("MX-200", "MX-250", 1), ("MX-200", "MX-300", 2), ("MX-300", "MX-350", 1),
               ("BL-500", "BL-550", 1), ("AF-6", "AF-8", 1), ("FP-12", "FP-14", 1), ("KT-EL", "KT-VAR", 1)]

STRATEGIC = [("C-1001", "Crestline Home Stores", "SOUTH", 2_500_000, 0.98),
             ("C-1002", "Northway Department Stores", "MIDWEST", 1_800_000, 0.97),
             ("C-1003", "Pacific Kitchen Outfitters", "WEST", 1_200_000, 0.97)]
TIER_A = [("Harbor Kitchen Co", "EAST"), ("Lone Star Housewares", "SOUTH"), ("Great Lakes Home Goods", "MIDWEST"),
          ("Peachtree Cook Supply", "EAST"), ("Bayou Kitchen and Bath", "SOUTH"), ("Prairie Home Centers", "MIDWEST"),
          ("Sierra Cookware", "WEST"), ("Atlantic Culinary Group", "EAST"), ("Gulf Coast Appliance", "SOUTH"),
          ("Heartland Hardware", "MIDWEST")]
TIER_B = [("Magnolia Gourmet Supply", "SOUTH"), ("Riverbend Kitchens", "MIDWEST"), ("Cedar and Steel Cookware", "EAST"),
          ("Tri-State Housewares", "EAST"), ("Blue Ridge Home", "EAST"), ("Copper Pot Outfitters", "WEST"),
          ("Mesa Kitchen Supply", "SOUTH"), ("Lakeshore Living", "MIDWEST"), ("Ozark Mercantile", "SOUTH"),
          ("Keystone Home Center", "EAST"), ("Bluebonnet Home", "SOUTH"), ("Capitol Kitchen Supply", "EAST"),
          ("Summit Housewares", "WEST"), ("Coastal Chef Supply", "SOUTH"), ("Pinewood Home Goods", "MIDWEST"),
          ("Red River Merchants", "SOUTH"), ("Granite State Kitchens", "EAST"), ("Desert Bloom Home", "WEST"),
          ("Willamette Cook Shop", "WEST"), ("Twin Cities Culinary", "MIDWEST")]
TIER_C = ["The Whisk and Ladle", "Mainstreet Kitchen", "Butter and Crumb", "Dough Bros Bakery Supply", "Spoon Theory",
          "Ladle and Lid", "HomeChef Direct", "KitchenDealz Online", "Oak Street Cooks", "Copper Kettle Shop",
          "Pantry Provisions", "Stir Crazy Kitchenware", "Little Italy Imports", "Harvest Table", "Sugar and Spice Supply",
          "The Cook's Nook", "Cast Iron Corner", "Fresh Start Appliances", "Bench Scraper Co", "Good Grain Market",
          "Saucepan Alley", "Rolling Pin Emporium", "Brew and Bake", "Skillet Street", "Prep School Kitchen Store",
          "Cuisine Outlet Online", "Zest Market"]
REGIONS = ["SOUTH", "EAST", "MIDWEST", "WEST"]
TIER_DISCOUNT = {"strategic": 0.82, "A": 0.88, "B": 0.93, "C": 1.00}
# How much of the promotion-window demand each sku's supply covers (within the horizon); 1.4 when not listed.
COVERAGE = {"MX-100": 0.45, "MX-300": 0.62, "MX-250": 1.05, "MX-350": 1.15, "MXA-BOWL": 0.85, "AF-6": 0.80,
            "BL-500": 0.88, "ES-900": 0.75, "CF-SS": 1.0, "TO-OV": 1.1}
# MX-200, the hero, gets hand-set supply so the story's numbers are stable: (on_hand, reserved, safety, oldest receipt)
MX200_STOCK = {"DAL": (420, 0, 20, "2026-10-19"), "ATL": (275, 10, 15, "2026-10-27"), "CHI": (215, 0, 10, "2026-09-30")}


def build():
    rng = random.Random(SEED)
    t = network_tables(WAREHOUSES, LANES, TRANSFERS)
    items = {}
    for sku, desc, fam, cost, price, promo, weight in ITEMS:
        items[sku] = dict(cost=cost, price=price, promo=promo, weight=weight, family=fam)
        t["items.csv"].append(dict(sku=sku, description=desc, family=fam, unit_cost=money(cost), unit_price=money(price), critical="false"))
    for s, sub, rank in SUBSTITUTES:
        t["substitutes.csv"].append(dict(sku=s, substitute_sku=sub, rank=rank))

    # Customers of every tier; Magnolia Gourmet Supply (B) is on credit hold.
    customers = {}

    def add_customer(cid, name, tier, region, limit, target, credit="ok"):
        customers[cid] = dict(name=name, tier=tier, region=region)
        t["customers.csv"].append(dict(customer_id=cid, name=name, tier=tier, region=region, credit_status=credit,
                                       credit_limit=money(limit), service_target=target))
    for cid, name, region, limit, target in STRATEGIC:
        add_customer(cid, name, "strategic", region, limit, f"{target:.2f}")
    for i, (name, region) in enumerate(TIER_A):
        add_customer(f"C-2{i + 1:03d}", name, "A", region, rng.choice([250_000, 300_000, 400_000, 500_000, 600_000]), "0.95")
    for i, (name, region) in enumerate(TIER_B):
        add_customer(f"C-3{i + 1:03d}", name, "B", region, rng.choice([60_000, 90_000, 120_000, 150_000, 180_000]), "0.93",
                     credit="hold" if name == "Magnolia Gourmet Supply" else "ok")
    for i, name in enumerate(TIER_C):
        region = REGIONS[rng.randrange(4)] if "Online" not in name and "Direct" not in name else "WEST"
        add_customer(f"C-4{i + 1:03d}", name, "C", region, rng.choice([10_000, 15_000, 25_000, 40_000]),
                     "0.90" if rng.random() < 0.6 else "")

    # Orders: a few hundred over the four weeks before the as-of day, requested from 11-30 to mid-December.
    weights = {"strategic": 5, "A": 9, "B": 6, "C": 3.5}
    cids = list(customers)
    cweights = [weights[customers[c]["tier"]] for c in cids]
    skus = list(items)
    sweights = [items[s]["weight"] for s in skus]
    qty_range = {"strategic": (20, 90), "A": (6, 36), "B": (2, 16), "C": (1, 8)}
    line_count = {"strategic": (4, 7), "A": (3, 5), "B": (2, 4), "C": (1, 3)}
    drafts = []
    for _ in range(338):
        cid = rng.choices(cids, cweights)[0]
        tier = customers[cid]["tier"]
        if rng.random() < 0.06:
            req = plus(AS_OF, rng.randint(1, 2))  # a rush order no lane can meet: it will be late
        else:
            req = plus(AS_OF, min(17, 3 + int(rng.expovariate(1 / 4.5))))  # the usual 2-4 day lanes can make it
        od = max(day("2026-11-02"), min(plus(req, -rng.randint(4, 24)), plus(AS_OF, -1)))
        n = rng.randint(*line_count[tier])
        chosen = []
        while len(chosen) < n:
            s = rng.choices(skus, sweights)[0]
            if s not in chosen:
                chosen.append(s)
        lines = []
        for s in chosen:
            lo, hi = qty_range[tier]
            q = rng.randint(lo, hi)
            if items[s]["price"] < 60:
                q = int(q * 1.5)
            if items[s]["family"] == "MX":  # chains already took their promo allocation early; top-ups are smaller
                q = max(1, int(q * {"strategic": 0.45, "A": 0.75}.get(tier, 1.0)))
            if tier == "strategic":
                q = max(10, round(q / 10) * 10)
            elif tier == "A":
                q = max(2, q - q % 2)
            lines.append(line(rng, items, s, q, tier))
        drafts.append(dict(customer_id=cid, order_date=od, requested_date=req, lines=lines,
                           ship_complete=tier == "C" and rng.random() < 0.25 or rng.random() < 0.06))
    drafts.sort(key=lambda d: (d["order_date"], d["customer_id"], d["requested_date"]))
    orders = []
    for i, d in enumerate(drafts):
        d["order_id"] = f"SO-{1001 + i}"
        orders.append(d)
    # Two orders were cancelled by the customer; a few Northway orders ship to its EAST distribution centre.
    for o in rng.sample(orders[40:300], 2):
        o["status"] = "cancelled"
    for o in orders:
        if o["customer_id"] == "C-1002" and rng.random() < 0.35:
            o["ship_to_region"] = "EAST"

    # The special orders that carry the story (fixed numbers so the README and tests can name them).
    special = story_order_maker(rng, items, customers, orders, line)
    # The big strategic promo order: Crestline's Black-Friday-week replenishment for its SOUTH stores.
    special("SO-1901", "C-1001", "2026-11-27", "2026-12-03", [
        ("MX-200", 900, {}), ("MX-300", 220, {}), ("MX-100", 300, {}), ("MXA-BOWL", 400, {})])
    # Harbor Kitchen (A, EAST) orders against its contract commitment of 150 MX-200.
    special("SO-1902", "C-2001", "2026-11-24", "2026-12-02", [("MX-200", 60, {}), ("MXA-PASTA", 24, {})])
    special("SO-1903", "C-2001", "2026-11-26", "2026-12-09", [("MX-200", 40, {}), ("MX-100", 20, {})])
    # Peachtree's promo order is held: the promo price it quoted is under dispute.
    special("SO-1904", "C-2004", "2026-11-25", "2026-12-01", [("MX-200", 36, {}), ("MX-300", 12, {})],
            status="held", hold_reason="Promo price dispute - awaiting sales approval")
    # High-value lines, over the 50,000 approval limit.
    special("SO-1905", "C-2008", "2026-11-20", "2026-12-04", [("ES-900", 70, {}), ("ES-700", 24, {})])
    special("SO-1906", "C-1002", "2026-11-23", "2026-12-07", [
        ("MX-300", 200, {}), ("MX-350", 40, {}), ("MXA-PASTA", 120, {})], ship_complete=True)
    # Pacific Kitchen (strategic, WEST) needs mixers by 12-02: only the DAL expedite lane gets there on time.
    special("SO-1907", "C-1003", "2026-11-25", "2026-12-02", [("MX-200", 80, {}), ("AF-6", 60, {})])
    # A deep-discount toaster deal for an online reseller: low margin after freight.
    special("SO-1908", "C-4007", "2026-11-22", "2026-12-04", [("TO-2", 240, {"price": 19.60}), ("KT-EL", 120, {"price": 18.10})])
    # All-or-nothing lines: a B customer's display build needs the full 24 MX-300 or none.
    special("SO-1909", "C-3004", "2026-11-21", "2026-12-02", [("MX-300", 24, {"partial": False}), ("MXA-ICE", 24, {"partial": False})])
    # Magnolia (credit hold) still sends promo orders.
    special("SO-1910", "C-3001", "2026-11-26", "2026-12-03", [("MX-200", 30, {}), ("BL-500", 12, {})])

    add_orders(t, orders)

    # Supply: on hand per site shaped to open demand, so MX is short and some sites are out of what their region needs.
    demand = open_demand(orders, skus)
    receipts = []
    for s in skus:
        if s == "MX-200":
            for w, (oh, res, ss, oldest) in MX200_STOCK.items():
                t["inventory.csv"].append(dict(warehouse_id=w, sku=s, on_hand=oh, reserved=res, safety_stock=ss,
                                               as_of=AS_OF_STAMP[w], oldest_receipt_date=oldest))
            continue
        cover = COVERAGE.get(s, round(rng.uniform(1.25, 1.8), 2))
        total = int(demand[s] * cover)
        # Most of the horizon's supply is on hand; the rest arrives on purchase orders.
        inbound = int(total * rng.uniform(0.1, 0.3)) if rng.random() < 0.45 else 0
        shares = [rng.uniform(0.6, 1.4) * base for base in (0.42, 0.34, 0.24)]
        for (w, *_), share in zip(WAREHOUSES, shares):
            usable = int((total - inbound) * share / sum(shares))
            safety = 0 if usable < 20 else int(usable * rng.choice([0, 0.03, 0.05, 0.08]))
            reserved = 0 if rng.random() < 0.8 else rng.randint(1, max(1, usable // 20))
            age = rng.randint(12, 75) if s.startswith("MX") else rng.randint(20, 240)
            t["inventory.csv"].append(dict(warehouse_id=w, sku=s, on_hand=usable + safety + reserved, reserved=reserved,
                                           safety_stock=safety, as_of=AS_OF_STAMP[w], oldest_receipt_date=iso(plus(AS_OF, -age))))
        if inbound:
            w = rng.choice(["DAL", "ATL", "CHI"])
            receipts.append((w, s, inbound, plus(AS_OF, rng.randint(3, 12)), "po"))
    po = 45101
    for w, s, q, eta, kind in receipts:
        t["receipts.csv"].append(dict(receipt_id=f"PO-{po}", warehouse_id=w, sku=s, qty=q, eta=iso(eta), kind=kind))
        po += 3
    # The story's inbound supply (fixed numbers): some within the horizon, some far too late for the promotion.
    for rid, w, s, q, eta, kind in [
            ("PO-46010", "DAL", "MX-200", 240, "2026-12-03", "po"),
            ("PO-46011", "ATL", "MX-300", 120, "2026-12-07", "po"),
            ("PO-46012", "CHI", "MX-200", 360, "2027-01-06", "po"),
            ("PO-46013", "DAL", "MX-100", 300, "2026-12-10", "po"),
            ("PO-46014", "ATL", "MX-250", 80, "2026-12-04", "po"),
            ("PO-46015", "DAL", "AF-6", 200, "2026-12-08", "po"),
            ("PO-46016", "CHI", "ES-900", 40, "2026-12-15", "po"),
            ("PO-46017", "ATL", "BL-500", 150, "2027-01-12", "po"),
            ("TR-88120", "ATL", "MX-350", 30, "2026-12-01", "transfer")]:
        t["receipts.csv"].append(dict(receipt_id=rid, warehouse_id=w, sku=s, qty=q, eta=eta, kind=kind))

    t["commitments.csv"].append(dict(customer_id="C-2001", sku="MX-200", qty=150, period_start=iso(PROMO_START), period_end=iso(PROMO_END)))
    for tier, cap in (("strategic", 1650), ("A", 650), ("B", 480), ("C", 160)):
        t["quotas.csv"].append(dict(sku_or_family="MX", tier=tier, max_qty=cap, period_start=iso(PROMO_START), period_end=iso(PROMO_END)))
    t["quotas.csv"].append(dict(sku_or_family="ES-900", tier="C", max_qty=6, period_start=iso(PROMO_START), period_end=iso(PROMO_END)))
    add_users(t)
    return t, dict(demand=demand, orders=orders)


def line(rng, items, sku, qty, tier, price=None, partial=None, substitute=None, may_omit_price=True):
    """One order line at the customer's tier price (promo price for the MX family), with its order rules."""
    it = items[sku]
    if price is None:
        base = it["promo"] or it["price"]
        price = base * TIER_DISCOUNT[tier]
        if it["price"] < 60 and rng.random() < 0.05:
            # A deal price near cost: it covers the local lane's freight, but not a long one (LOW_MARGIN).
            price = max(it["cost"] * rng.uniform(1.03, 1.09), it["cost"] + 1.50)
    omit = rng.random() < 0.03 and may_omit_price  # a few lines leave the price to the item's list price
    unit_price = None if omit else money(price)
    allow_partial = rng.random() > 0.08 if partial is None else partial
    has_sub = any(s == sku for s, _, _ in SUBSTITUTES)
    allow_substitute = has_sub and rng.random() < 0.35 if substitute is None else substitute
    return dict(sku=sku, qty=qty, unit_price=unit_price, allow_partial=boolean(allow_partial),
                allow_substitute=boolean(allow_substitute))


POLICY = """\
# Policy for the stand-mixer promotion (contract section 4 plus Allot's workflow keys).
version = "2026-11-promo"

[priority]
tier_order = ["strategic", "A", "B", "C"]   # earlier = served first
critical_items_first = true                 # no item in this catalogue is critical
within_class = "fcfs"                       # requested_date, order_date, order_id
service_targets = false

[cost]
lateness_per_unit_day = 2.00   # promo goods that miss the ad week are marked down: lateness is expensive
split_penalty = 25.0
max_late_days = 14
aging_bonus_per_unit_day = 0.0
respect_capacity = false

[exceptions]
min_margin_pct = 0.05          # LOW_MARGIN under 5% after freight
high_value_limit = 50000.0     # HIGH_VALUE above this allocated value
stale_inventory_hours = 72.0   # CHI's WMS counts are five days old

[routing]
SHORTAGE = "planner"
BACKORDER = "customer_service"
SPLIT = "planner"
LATE = "planner"
LOW_MARGIN = "finance"
HIGH_VALUE = "supervisor"
SUBSTITUTION = "customer_service"
TRANSFER = "planner"
EXPEDITE = "supervisor"
QUOTA_LIMIT = "planner"
COMMITMENT_CONFLICT = "supervisor"
STALE_DATA = "planner"
ORDER_HOLD = "customer_service"
CREDIT_HOLD = "finance"
SHIP_COMPLETE = "planner"

[auto_release]
enabled = true
allow = ["SPLIT"]              # a split alone does not need a person

[override]
max_cost_increase_pct = 0.10
max_extra_late_days = 2

[reasons]
accept = ["AS_RECOMMENDED"]
override = ["CUSTOMER_PRIORITY", "CHEAPER_FREIGHT", "CONSOLIDATE_SHIPMENT", "PROMO_COMMITMENT", "WAREHOUSE_ISSUE", "DATA_CORRECTION", "OTHER"]
escalate = ["NEEDS_APPROVAL", "POLICY_CONFLICT", "CUSTOMER_ESCALATION", "OTHER"]
approve = ["APPROVED"]
reject = ["NOT_JUSTIFIED", "COST_TOO_HIGH", "TAKES_PRIORITY_STOCK", "OTHER"]
hold = ["CREDIT_CHECK", "CUSTOMER_CONFIRMATION", "PRICING", "OTHER"]
release = ["CREDIT_CLEARED", "CUSTOMER_CONFIRMED", "PRICING_APPROVED", "OTHER"]
cancel = ["CUSTOMER_CANCELLED", "DUPLICATE", "OTHER"]

[sla]                          # hours an exception may wait in each queue
planner = 8
customer_service = 4
supervisor = 4
finance = 24

[insight]
stockout_cover_days = 10
demand_smoothing = 0.3
substitution_auto_acceptance = 0.8
promise_risk_threshold = 0.5
unusual_z_score = 3.5
"""


# What-if policies (`allot plan --what-if SampleData/promo-three-warehouses/what-if/<file>`): the same rules but one.
WHAT_IF = {
    "fair-share.toml": POLICY
    .replace('version = "2026-11-promo"', 'version = "2026-11-promo-fair-share"')
    .replace('within_class = "fcfs"                       # requested_date, order_date, order_id',
             'within_class = "fair_share"                 # a shortage is shared in proportion to what each line asked'),
    "oldest-stock-first.toml": POLICY
    .replace('version = "2026-11-promo"', 'version = "2026-11-promo-aging"')
    .replace("aging_bonus_per_unit_day = 0.0", "aging_bonus_per_unit_day = 0.02  # ship the oldest stock first"),
}
