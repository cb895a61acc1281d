"""The `medical-supplies` scenario: a medical distributor in a respiratory-season shortage.

Four distribution centres (EDI, MEM, KCI, RNO) serve hospitals in five regions; MOUNTAIN has no warehouse and is
reached only by long lanes or air. Heated adult ventilator circuits (VC-AD22H) are on manufacturer allocation
while an RSV/flu surge hits CENTRAL and MOUNTAIN ICUs, so the engine must choose which region's hospitals get
the circuits there are. See SampleData/README.md for the story and what to check.
"""
import random
from .common import day, iso, plus, money, boolean, network_tables, story_order_maker, add_orders, open_demand, add_users

AS_OF = day("2026-11-29")
PERIOD_START, PERIOD_END = day("2026-11-23"), day("2026-12-31")
SEED = 20261130
SURGE_REGIONS = {"CENTRAL", "MOUNTAIN"}

WAREHOUSES = [
    ("EDI", "Edison NJ distribution centre", "NORTHEAST", 1, 300),
    ("MEM", "Memphis TN national distribution centre", "SOUTHEAST", 1, 450),
    ("KCI", "Kansas City KS distribution centre", "CENTRAL", 1, 260),
    ("RNO", "Reno NV distribution centre", "PACIFIC", 1, 160),
]
LANES = [
    ("EDI", "NORTHEAST", 1, 0.60, "ground"), ("EDI", "SOUTHEAST", 3, 1.40, "ground"), ("EDI", "CENTRAL", 3, 1.55, "ground"),
    ("MEM", "SOUTHEAST", 1, 0.55, "ground"), ("MEM", "NORTHEAST", 2, 1.20, "ground"), ("MEM", "CENTRAL", 2, 1.10, "ground"),
    ("MEM", "MOUNTAIN", 4, 2.30, "ground"), ("MEM", "PACIFIC", 5, 2.90, "ground"),
    ("KCI", "CENTRAL", 1, 0.60, "ground"), ("KCI", "SOUTHEAST", 2, 1.25, "ground"), ("KCI", "NORTHEAST", 3, 1.60, "ground"),
    ("KCI", "MOUNTAIN", 3, 1.45, "ground"),
    ("RNO", "PACIFIC", 1, 0.70, "ground"), ("RNO", "MOUNTAIN", 2, 1.10, "ground"), ("RNO", "CENTRAL", 4, 2.10, "ground"),
    # Next-day air out of the Memphis hub, and a dedicated Kansas City - Denver courier.
    ("MEM", "NORTHEAST", 1, 3.80, "expedite"), ("MEM", "CENTRAL", 1, 3.50, "expedite"),
    ("MEM", "MOUNTAIN", 1, 4.60, "expedite"), ("MEM", "PACIFIC", 1, 5.20, "expedite"),
    ("KCI", "MOUNTAIN", 1, 3.90, "expedite"),
]
TRANSFERS = [("EDI", "MEM", 2, 0.70), ("MEM", "EDI", 2, 0.70), ("MEM", "KCI", 2, 0.65), ("KCI", "MEM", 2, 0.65),
             ("KCI", "RNO", 3, 0.90), ("RNO", "KCI", 3, 0.90), ("MEM", "RNO", 4, 1.10), ("RNO", "MEM", 4, 1.10),
             ("EDI", "KCI", 3, 0.85), ("KCI", "EDI", 3, 0.85)]
AS_OF_STAMP = {"EDI": "2026-11-29T04:55:00Z", "MEM": "2026-11-29T05:20:00Z", "KCI": "2026-11-29T05:05:00Z",
               # Reno's WMS interface failed over the holiday weekend: its counts are from Friday evening.
               "RNO": "2026-11-27T18:30:00Z"}

# sku, description, family, cost, list price, critical, base qty (a trauma centre's weekly order), order weight
ITEMS = [
    ("VC-AD22H", "Adult ventilator circuit heated wire 22 mm (each)", "VENT", 38.50, 64.00, True, 24, 3),
    ("VC-AD22", "Adult ventilator circuit non-heated 22 mm (each)", "VENT", 21.00, 37.00, True, 18, 2),
    ("VC-PD15H", "Pediatric ventilator circuit heated wire 15 mm (each)", "VENT", 44.00, 76.00, True, 12, 1.5),
    ("HME-FLT", "HME bacterial/viral filter (box of 50)", "VENT", 52.00, 98.00, True, 20, 3),
    ("ETT-75", "Endotracheal tube 7.5 mm cuffed (box of 10)", "VENT", 24.00, 52.00, True, 15, 2),
    ("OX-CAN", "Adult nasal cannula 7 ft (case of 50)", "RESP", 27.50, 62.00, True, 20, 3),
    ("NEB-KIT", "Nebulizer kit with mouthpiece (case of 50)", "RESP", 46.00, 89.00, False, 10, 2.5),
    ("IV-PRI-15", "Primary IV administration set 15 drop (case of 48)", "IV", 148.80, 262.00, True, 30, 4),
    ("IV-PRI-60", "Primary IV set 60 drop micro-drip (case of 48)", "IV", 163.20, 281.00, True, 12, 2),
    ("IV-SEC", "Secondary piggyback IV set (case of 48)", "IV", 91.20, 168.00, True, 20, 3),
    ("IV-EXT", "IV extension set 7 in (case of 50)", "IV", 60.00, 118.00, False, 12, 2),
    ("IVC-20G", "IV catheter 20 G safety (box of 50)", "IV", 67.50, 139.00, True, 20, 3),
    ("IVC-22G", "IV catheter 22 G safety (box of 50)", "IV", 67.50, 139.00, True, 16, 2.5),
    ("NS-1000", "Sodium chloride 0.9% 1000 mL bag (case of 12)", "FLUID", 19.80, 46.80, True, 150, 5),
    ("NS-1000B", "Sodium chloride 0.9% 1000 mL bag, alternate maker (case of 12)", "FLUID", 22.40, 49.50, True, 60, 1.5),
    ("N95-S", "N95 respirator small (box of 20)", "PPE", 14.50, 26.00, True, 40, 2),
    ("N95-M", "N95 respirator medium (box of 20)", "PPE", 14.50, 26.00, True, 120, 4),
    ("N95-L", "N95 respirator large (box of 20)", "PPE", 14.50, 26.00, True, 60, 2.5),
    ("GWN-ISO", "Isolation gown AAMI level 2 (case of 50)", "PPE", 31.00, 52.00, False, 60, 3.5),
    ("GLV-NIT-S", "Nitrile exam gloves small (case of 10 boxes)", "PPE", 42.00, 79.00, False, 30, 2.5),
    ("GLV-NIT-M", "Nitrile exam gloves medium (case of 10 boxes)", "PPE", 42.00, 79.00, False, 50, 4),
    ("GLV-NIT-L", "Nitrile exam gloves large (case of 10 boxes)", "PPE", 42.00, 79.00, False, 30, 2.5),
    ("MSK-PROC", "Procedure mask ear-loop (case of 500)", "PPE", 38.00, 71.00, False, 30, 3),
    ("FS-1", "Full-length face shield (case of 24)", "PPE", 18.00, 33.00, False, 10, 1.5),
    ("GZ-4X4", "Gauze sponge 4x4 12-ply (case of 1200)", "WOUND", 24.00, 52.00, False, 10, 2.5),
    ("TP-SILK", "Silk surgical tape 1 in (box of 12)", "WOUND", 7.20, 17.40, False, 20, 2),
    ("DRS-FOAM", "Foam dressing with border 4x4 (box of 10)", "WOUND", 19.00, 43.00, False, 25, 2),
    ("BND-ELS", "Elastic bandage 4 in (box of 10)", "WOUND", 9.50, 22.00, False, 15, 1.5),
    ("SYR-10", "Syringe 10 mL luer-lock (case of 800)", "INJ", 65.60, 127.00, True, 12, 3),
    ("SYR-3", "Syringe 3 mL with needle (case of 800)", "INJ", 59.20, 113.60, False, 12, 2.5),
    ("NDL-22", "Hypodermic needle 22 G (case of 800)", "INJ", 40.80, 78.40, False, 10, 2),
    ("SHC-2G", "Sharps container 2 gal (case of 20)", "INJ", 48.00, 102.00, False, 10, 2),
    ("WIPE-DIS", "Germicidal disposable wipes (case of 12 canisters)", "GEN", 61.20, 112.80, False, 20, 3),
    ("SPEC-BAG", "Biohazard specimen bags (case of 1000)", "GEN", 44.00, 86.00, False, 6, 1.5),
    ("EXAM-PPR", "Exam table paper 18 in (case of 12 rolls)", "GEN", 38.40, 76.80, False, 8, 1.5),
]
SUBSTITUTES = [("VC-AD22H", "VC-AD22", 1), ("NS-1000", "NS-1000B", 1), ("GLV-NIT-M", "GLV-NIT-L", 1),
               ("GLV-NIT-M", "GLV-NIT-S", 2), ("N95-M", "N95-L", 1)]

TIERS = ["trauma", "acute", "clinic", "long_term_care"]
TIER_FACTOR = {"trauma": 1.0, "acute": 0.55, "clinic": 0.2, "long_term_care": 0.2}
TIER_PRICE = {"trauma": 0.90, "acute": 0.94, "clinic": 1.00, "long_term_care": 1.00}  # GPO contract discounts
TIER_TARGET = {"trauma": 0.99, "acute": 0.97, "clinic": 0.95, "long_term_care": 0.93}
# Items a clinic or a long-term-care home never orders.
HOSPITAL_ONLY = {"VC-AD22H", "VC-AD22", "VC-PD15H", "ETT-75", "IV-PRI-60", "HME-FLT"}
CUSTOMERS = [
    ("H-101", "Hudson Valley University Hospital", "trauma", "NORTHEAST"),
    ("H-102", "Carolina Regional Trauma Center", "trauma", "SOUTHEAST"),
    ("H-103", "Mercy Plains Medical Center", "trauma", "CENTRAL"),
    ("H-104", "Front Range Trauma Institute", "trauma", "MOUNTAIN"),
    ("H-105", "Pacific Crest University Medical Center", "trauma", "PACIFIC"),
    ("H-106", "Gulf Shore Medical Center", "trauma", "SOUTHEAST"),
    ("H-107", "Great Plains Children's Hospital", "trauma", "CENTRAL"),
    ("H-108", "Wasatch Regional Medical Center", "trauma", "MOUNTAIN"),
    ("H-201", "Berkshire Community Hospital", "acute", "NORTHEAST"),
    ("H-202", "Lehigh Valley General", "acute", "NORTHEAST"),
    ("H-203", "Cape Fear Memorial", "acute", "SOUTHEAST"),
    ("H-204", "Chattahoochee Valley Hospital", "acute", "SOUTHEAST"),
    ("H-205", "Magic City Medical Center", "acute", "SOUTHEAST"),
    ("H-206", "Flint Hills Regional Hospital", "acute", "CENTRAL"),
    ("H-207", "Ozark Health Medical Center", "acute", "CENTRAL"),
    ("H-208", "Platte River Medical Center", "acute", "CENTRAL"),
    ("H-209", "Sangre de Cristo Hospital", "acute", "MOUNTAIN"),
    ("H-210", "Bitterroot Valley Hospital", "acute", "MOUNTAIN"),
    ("H-211", "Snake River Regional", "acute", "MOUNTAIN"),
    ("H-212", "Sierra Foothills Hospital", "acute", "PACIFIC"),
    ("H-213", "Redwood Coast Medical Center", "acute", "PACIFIC"),
    ("H-214", "Willamette Valley Medical Center", "acute", "PACIFIC"),
    ("H-215", "Mohawk Valley Health", "acute", "NORTHEAST"),
    ("H-216", "Sandhills Regional Medical", "acute", "CENTRAL"),
    ("C-301", "Northeast Surgical Partners ASC", "clinic", "NORTHEAST"),
    ("C-302", "Piedmont Urgent Care Group", "clinic", "SOUTHEAST"),
    ("C-303", "Heartland Ambulatory Surgery", "clinic", "CENTRAL"),
    ("C-304", "Rocky Mountain Urgent Care", "clinic", "MOUNTAIN"),
    ("C-305", "Golden State Surgery Centers", "clinic", "PACIFIC"),
    ("C-306", "Tidewater Dialysis Clinics", "clinic", "SOUTHEAST"),
    ("C-307", "Prairie Family Medicine", "clinic", "CENTRAL"),
    ("C-308", "Cascade Outpatient Infusion", "clinic", "PACIFIC"),
    ("C-309", "Hudson Endoscopy Center", "clinic", "NORTHEAST"),
    ("C-310", "Desert Sky Urgent Care", "clinic", "MOUNTAIN"),
    ("C-311", "Bluegrass Surgical Suites", "clinic", "SOUTHEAST"),
    ("C-312", "Twin Rivers Community Clinic", "clinic", "CENTRAL"),
    ("L-401", "Sunset Ridge Senior Living", "long_term_care", "SOUTHEAST"),
    ("L-402", "Evergreen Skilled Nursing", "long_term_care", "PACIFIC"),
    ("L-403", "Maplewood Care Center", "long_term_care", "NORTHEAST"),
    ("L-404", "Prairie Rose Rehabilitation", "long_term_care", "CENTRAL"),
    ("L-405", "Aspen Grove Nursing Home", "long_term_care", "MOUNTAIN"),
    ("L-406", "Magnolia Gardens LTACH", "long_term_care", "SOUTHEAST"),
    ("L-407", "Harbor View Skilled Nursing", "long_term_care", "NORTHEAST"),
    ("L-408", "Red Rock Post-Acute", "long_term_care", "MOUNTAIN"),
]
CREDIT_HOLD = {"L-401"}
# Supply within the horizon as a share of open demand; 1.5 when not listed. VC-AD22H is set by hand below.
COVERAGE = {"VC-AD22": 0.95, "NS-1000": 0.85, "NS-1000B": 0.9, "N95-M": 1.05, "IVC-20G": 0.85, "VC-PD15H": 1.1}
# VC-AD22H, the shortage item: (on_hand, reserved, safety, oldest receipt) per site.
VC_STOCK = {"EDI": (170, 20, 10, "2026-10-02"), "MEM": (255, 0, 15, "2026-10-21"),
            "KCI": (72, 0, 6, "2026-11-04"), "RNO": (58, 0, 4, "2026-09-18")}


def build():
    rng = random.Random(SEED)
    t = network_tables(WAREHOUSES, LANES, TRANSFERS)
    items = {}
    for sku, desc, fam, cost, price, crit, base, weight in ITEMS:
        items[sku] = dict(cost=cost, price=price, base=base, weight=weight, critical=crit)
        t["items.csv"].append(dict(sku=sku, description=desc, family=fam, unit_cost=money(cost), unit_price=money(price),
                                   critical=boolean(crit)))
    for s, sub, rank in SUBSTITUTES:
        t["substitutes.csv"].append(dict(sku=s, substitute_sku=sub, rank=rank))
    customers = {}
    for cid, name, tier, region in CUSTOMERS:
        customers[cid] = dict(name=name, tier=tier, region=region)
        limit = {"trauma": 2_000_000, "acute": 600_000, "clinic": 120_000, "long_term_care": 80_000}[tier]
        target = TIER_TARGET[tier] - rng.choice([0, 0, 0.01, 0.02])
        t["customers.csv"].append(dict(customer_id=cid, name=name, tier=tier, region=region,
                                       credit_status="hold" if cid in CREDIT_HOLD else "ok",
                                       credit_limit=money(limit), service_target=f"{target:.2f}"))

    # Orders: hospitals order every few days for delivery within a week; requested 11-30 to 12-11.
    weights = {"trauma": 7, "acute": 5, "clinic": 2.5, "long_term_care": 2.2}
    cids = list(customers)
    cweights = [weights[customers[c]["tier"]] for c in cids]
    line_count = {"trauma": (3, 7), "acute": (3, 6), "clinic": (1, 4), "long_term_care": (1, 3)}
    drafts = []
    for _ in range(290):
        cid = rng.choices(cids, cweights)[0]
        c = customers[cid]
        if rng.random() < 0.06:
            req = plus(AS_OF, 1)  # a stat order for tomorrow: nothing ships that fast, it will be late
        else:
            req = plus(AS_OF, min(12, 2 + int(rng.expovariate(1 / 3.5))))  # next-day local delivery can make it
        od = max(day("2026-11-16"), min(plus(req, -rng.randint(2, 10)), plus(AS_OF, -1)))
        allowed = [s for s in items if c["tier"] in ("trauma", "acute") or s not in HOSPITAL_ONLY]
        sw = [items[s]["weight"] * (1.8 if s.startswith("VC-AD22") and c["region"] in SURGE_REGIONS else 1) for s in allowed]
        n = rng.randint(*line_count[c["tier"]])
        chosen = []
        while len(chosen) < n:
            s = rng.choices(allowed, sw)[0]
            if s not in chosen:
                chosen.append(s)
        lines = []
        for s in chosen:
            q = items[s]["base"] * TIER_FACTOR[c["tier"]] * rng.uniform(0.5, 1.5)
            if s.startswith("VC-") and c["region"] in SURGE_REGIONS:
                q *= 1.6  # the RSV/flu surge: ICUs there burn through circuits
            lines.append(line(rng, items, s, max(1, round(q)), c["tier"]))
        drafts.append(dict(customer_id=cid, order_date=od, requested_date=req, lines=lines,
                           ship_complete=c["tier"] == "clinic" and rng.random() < 0.3))
    drafts.sort(key=lambda d: (d["order_date"], d["customer_id"], d["requested_date"]))
    orders = []
    for i, d in enumerate(drafts):
        d["order_id"] = f"SO-{5001 + i}"
        orders.append(d)
    rng.choice(orders[50:250])["status"] = "cancelled"

    special = story_order_maker(rng, items, customers, orders, line)
    # The surge: Front Range (MOUNTAIN, no warehouse) needs 90 heated circuits by 11-30.
    special("SO-5901", "H-104", "2026-11-27", "2026-11-30", [
        ("VC-AD22H", 90, {"substitute": True}), ("HME-FLT", 30, {}), ("ETT-75", 20, {})])
    # Great Plains Children's: pediatric and adult heated circuits, no substitute (neonatal/pediatric ICU protocol).
    special("SO-5902", "H-107", "2026-11-26", "2026-12-01", [("VC-PD15H", 40, {}), ("VC-AD22H", 30, {})])
    # Mercy Plains draws on its contract commitment of 80 VC-AD22H.
    special("SO-5903", "H-103", "2026-11-27", "2026-12-02", [("VC-AD22H", 50, {}), ("NS-1000", 200, {})])
    # Hudson Valley restocks respirators for flu season: a high-value line.
    special("SO-5904", "H-101", "2026-11-24", "2026-12-01", [("N95-M", 1200, {}), ("GWN-ISO", 300, {})])
    # Carolina Regional: isolation gowns over the approval limit, and saline.
    special("SO-5905", "H-102", "2026-11-25", "2026-12-02", [("GWN-ISO", 600, {}), ("NS-1000", 300, {"substitute": True})])
    # Held: the hospital has not sent its purchase order number yet.
    special("SO-5906", "H-205", "2026-11-26", "2026-12-01", [("IV-PRI-15", 20, {}), ("NS-1000", 120, {})],
            status="held", hold_reason="Awaiting PO number from hospital purchasing")
    # Sunset Ridge is on credit hold.
    special("SO-5907", "L-401", "2026-11-25", "2026-12-01", [("NS-1000", 80, {}), ("GLV-NIT-M", 20, {})])
    # A surgery centre's procedure-day restock: ship complete, and all the saline or none.
    special("SO-5908", "C-301", "2026-11-27", "2026-12-01", [
        ("IV-PRI-15", 6, {}), ("IVC-20G", 4, {}), ("NS-1000", 20, {"partial": False}), ("SYR-10", 2, {})], ship_complete=True)
    # A dialysis group's GPO glove price is barely above cost: low margin after freight.
    special("SO-5909", "C-306", "2026-11-23", "2026-12-03", [("GLV-NIT-M", 120, {"price": 43.90})])
    # Pacific Crest needs circuits, but Reno's counts are stale and its stock thin.
    special("SO-5910", "H-105", "2026-11-27", "2026-12-01", [("VC-AD22H", 60, {"substitute": True}), ("VC-PD15H", 10, {})])

    add_orders(t, orders)

    demand = open_demand(orders, items)
    receipts = []
    shares_base = (0.30, 0.36, 0.20, 0.14)
    for s in items:
        if s == "VC-AD22H":
            for w, (oh, res, ss, oldest) in VC_STOCK.items():
                t["inventory.csv"].append(dict(warehouse_id=w, sku=s, on_hand=oh, reserved=res, safety_stock=ss,
                                               as_of=AS_OF_STAMP[w], oldest_receipt_date=oldest))
            continue
        cover = COVERAGE.get(s, round(rng.uniform(1.3, 1.9), 2))
        total = int(demand[s] * cover)
        inbound = int(total * rng.uniform(0.1, 0.25)) if rng.random() < 0.4 else 0
        shares = [rng.uniform(0.5, 1.5) * b for b in shares_base]
        for (w, *_), share in zip(WAREHOUSES, shares):
            usable = int((total - inbound) * share / sum(shares))
            safety = int(usable * (0.08 if items[s]["critical"] else 0.04)) if usable >= 20 else 0
            reserved = 0 if rng.random() < 0.85 else rng.randint(1, max(1, usable // 15))
            age = rng.randint(15, 300)
            t["inventory.csv"].append(dict(warehouse_id=w, sku=s, on_hand=usable + safety + reserved, reserved=reserved,
                                           safety_stock=safety, as_of=AS_OF_STAMP[w], oldest_receipt_date=iso(plus(AS_OF, -age))))
        if inbound:
            receipts.append((rng.choice(["EDI", "MEM", "KCI", "RNO"]), s, inbound, plus(AS_OF, rng.randint(2, 9))))
    po = 77101
    for w, s, q, eta in receipts:
        t["receipts.csv"].append(dict(receipt_id=f"PO-{po}", warehouse_id=w, sku=s, qty=q, eta=iso(eta), kind="po"))
        po += 2
    for rid, w, s, q, eta, kind in [
            ("PO-78001", "MEM", "VC-AD22H", 300, "2026-12-08", "po"),
            ("PO-78002", "KCI", "VC-AD22H", 250, "2027-01-04", "po"),
            ("PO-78003", "MEM", "NS-1000", 400, "2026-12-03", "po"),
            ("PO-78004", "EDI", "NS-1000B", 200, "2026-12-02", "po"),
            ("PO-78005", "RNO", "N95-M", 500, "2026-12-10", "po"),
            ("TR-78100", "KCI", "VC-AD22", 40, "2026-12-01", "transfer")]:
        t["receipts.csv"].append(dict(receipt_id=rid, warehouse_id=w, sku=s, qty=q, eta=eta, kind=kind))

    t["commitments.csv"].append(dict(customer_id="H-103", sku="VC-AD22H", qty=80, period_start=iso(PERIOD_START), period_end=iso(PERIOD_END)))
    # The distributor's shortage allocation protocol: clinics and care homes get capped shares of the scarce items.
    for sku, tier, cap in (("VC-AD22H", "acute", 150), ("FLUID", "trauma", 4000), ("FLUID", "acute", 1800),
                           ("FLUID", "clinic", 200), ("FLUID", "long_term_care", 120)):
        t["quotas.csv"].append(dict(sku_or_family=sku, tier=tier, max_qty=cap, period_start=iso(PERIOD_START), period_end=iso(PERIOD_END)))
    add_users(t)
    return t, dict(demand=demand, orders=orders)


def line(rng, items, sku, qty, tier, price=None, partial=None, substitute=None, may_omit_price=True):
    """One order line at the customer's GPO contract price, with its order rules."""
    it = items[sku]
    if price is None:
        price = it["price"] * TIER_PRICE[tier]
        if rng.random() < 0.04:
            # A GPO contract price barely above cost: it covers local freight, not a long lane (LOW_MARGIN).
            price = max(it["cost"] * rng.uniform(1.03, 1.08), it["cost"] + 1.00)
    omit = rng.random() < 0.03 and may_omit_price
    allow_partial = rng.random() > 0.06 if partial is None else partial
    has_sub = any(s == sku for s, _, _ in SUBSTITUTES)
    allow_substitute = has_sub and rng.random() < 0.4 if substitute is None else substitute
    return dict(sku=sku, qty=qty, unit_price=None if omit else money(price), allow_partial=boolean(allow_partial),
                allow_substitute=boolean(allow_substitute))


POLICY = """\
# Policy for a medical distributor during a shortage (contract section 4 plus Allot's workflow keys).
version = "2026-11-medical-shortage"

[priority]
tier_order = ["trauma", "acute", "clinic", "long_term_care"]
critical_items_first = true     # ventilator circuits, IV sets, saline, N95s, 10 mL syringes lift their line a class
within_class = "fair_share"     # a shortage is shared in proportion to what each hospital asked
service_targets = true          # hospitals below their fill-rate target move ahead within their class

[cost]
lateness_per_unit_day = 3.00    # a late circuit or IV set is a clinical risk, not just a cost
split_penalty = 10.0            # hospitals accept split deliveries readily
max_late_days = 5               # past this a hospital sources elsewhere
aging_bonus_per_unit_day = 0.01 # ship the oldest lots first (dated goods)
respect_capacity = true         # Reno ships at most 160 lines a day

[exceptions]
min_margin_pct = 0.08
high_value_limit = 25000.0
stale_inventory_hours = 24.0    # Reno's counts are from Friday evening

[routing]
SHORTAGE = "supervisor"         # who gets scarce critical items is a supervisor's call
BACKORDER = "customer_service"  # someone calls the hospital
SPLIT = "planner"
LATE = "customer_service"
LOW_MARGIN = "finance"
HIGH_VALUE = "supervisor"
SUBSTITUTION = "customer_service"  # clinical substitution needs the hospital's confirmation
TRANSFER = "planner"
EXPEDITE = "planner"
QUOTA_LIMIT = "supervisor"
COMMITMENT_CONFLICT = "supervisor"
STALE_DATA = "planner"
ORDER_HOLD = "customer_service"
CREDIT_HOLD = "finance"
SHIP_COMPLETE = "planner"

[auto_release]
enabled = true
allow = ["SPLIT", "TRANSFER", "EXPEDITE"]

[override]
max_cost_increase_pct = 0.25
max_extra_late_days = 1

[reasons]
accept = ["AS_RECOMMENDED"]
override = ["CLINICAL_PRIORITY", "PATIENT_SAFETY", "CUSTOMER_PRIORITY", "CHEAPER_FREIGHT", "CONSOLIDATE_SHIPMENT", "WAREHOUSE_ISSUE", "DATA_CORRECTION", "OTHER"]
escalate = ["NEEDS_APPROVAL", "CLINICAL_REVIEW", "POLICY_CONFLICT", "CUSTOMER_ESCALATION", "OTHER"]
approve = ["APPROVED"]
reject = ["NOT_JUSTIFIED", "COST_TOO_HIGH", "TAKES_PRIORITY_STOCK", "OTHER"]
hold = ["CREDIT_CHECK", "CUSTOMER_CONFIRMATION", "AWAITING_PO", "OTHER"]
release = ["CREDIT_CLEARED", "CUSTOMER_CONFIRMED", "PO_RECEIVED", "OTHER"]
cancel = ["CUSTOMER_CANCELLED", "DUPLICATE", "OTHER"]

[sla]                           # hours; critical supply cannot wait
planner = 4
customer_service = 2
supervisor = 2
finance = 8

[insight]
stockout_cover_days = 14
demand_smoothing = 0.4
substitution_auto_acceptance = 0.9
promise_risk_threshold = 0.3
unusual_z_score = 3.0
"""


# What-if policies (`allot plan --what-if SampleData/medical-supplies/what-if/<file>`): the same rules but one or two.
WHAT_IF = {
    "fcfs-no-targets.toml": POLICY
    .replace('version = "2026-11-medical-shortage"', 'version = "2026-11-medical-fcfs"')
    .replace('within_class = "fair_share"     # a shortage is shared in proportion to what each hospital asked',
             'within_class = "fcfs"           # first come, first served')
    .replace('service_targets = true          # hospitals below their fill-rate target move ahead within their class',
             'service_targets = false'),
}
