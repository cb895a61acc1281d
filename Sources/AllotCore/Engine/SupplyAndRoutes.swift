/// One pool of supply for one sku: a warehouse's available-to-promise stock, or one inbound receipt.
struct SupplyBucket: Sendable {
    enum Kind: Sendable, Equatable { case onHand, receipt(String) }
    var sku: SKU
    var skuSlot: Int
    var warehouse: Int
    var kind: Kind
    /// The first day its units can leave the site (the as-of date for stock, the eta for a receipt).
    var availableDay: Int32
    /// Units the plan may still use (never negative).
    var capacity: Int
    /// on_hand − reserved − safety stock − released, for display (may be negative).
    var atp: Int
    /// Age of the oldest stock in days (aging bonus), 0 for receipts.
    var ageDays: Int
    /// The position was counted longer ago than the policy allows.
    var stale: Bool
    var onHand: Int = 0, reserved: Int = 0, safetyStock: Int = 0, released: Int = 0
}

/// How units of one bucket reach one region: directly, or by a transfer to another site first.
struct RouteCandidate: Sendable {
    /// The warehouse the units ship from (the receiving warehouse of a transfer).
    var shipWarehouse: Int
    /// The sending warehouse of a transfer, or -1.
    var transferFrom: Int
    var shipDay: Int32
    var arrivalDay: Int32
    /// Lane cost plus transfer cost, per unit.
    var unitFreight: Double
    var mode: LaneMode
    /// The ground arrival of the same path (expedite is considered only when ground would be late).
    var groundArrival: Int32
}

extension RouteCandidate {
    /// The same way taken `days` later (a ground arrival of `Int32.max` means there is no ground lane, and stays).
    func shifted(by days: Int32) -> RouteCandidate {
        var c = self
        c.shipDay += days; c.arrivalDay += days
        if groundArrival != Int32.max { c.groundArrival += days }
        return c
    }
}

/// The route chosen for one (line class, bucket) pair, with its costs.
struct ArcRoute: Sendable {
    var route: RouteCandidate
    var daysLate: Int
    /// Freight plus lateness per unit: what the contract's `cost` counts.
    var unitCost: Double
}

enum Routing {
    /// Every non-dominated way for a bucket's units to reach `region` (from the index's table, moved to the
    /// bucket's first day).
    static func candidates(bucket b: SupplyBucket, region r: Int, index ix: PlanningIndex) -> [RouteCandidate] {
        ix.routes(from: b.warehouse, stock: b.kind == .onHand, to: r).map { $0.shifted(by: b.availableDay) }
    }

    /// The route a bucket's units take to a line due on `requested`: `choose` over the index's table of ways, with
    /// the days moved to the bucket's first day (the same choice as over `candidates`, without building them); only
    /// among the ways that ship from warehouse `shippingFrom` when it is not -1.
    static func arc(bucket b: SupplyBucket, region r: Int, requested: Int32, shippingFrom w: Int = -1, index ix: PlanningIndex,
                    policy: Policy) -> ArcRoute? {
        arc(ix.routes(from: b.warehouse, stock: b.kind == .onHand, to: r), availableDay: b.availableDay, requested: requested,
            shippingFrom: w, policy: policy)
    }

    /// The same over a bucket's table of ways read in place, for supply first available on `availableDay`.
    @inline(__always)
    static func arc<C: Collection<RouteCandidate>>(_ table: C, availableDay: Int32, requested: Int32, shippingFrom w: Int = -1,
                                                   policy: Policy) -> ArcRoute? {
        guard var arc = choose(table, requested: requested &- availableDay, shippingFrom: w, policy: policy) else { return nil }
        arc.route = arc.route.shifted(by: availableDay)
        return arc
    }

    /// Every non-dominated way for units of warehouse `w`, available on `day`, to reach `region` (stock may also be
    /// transferred to another site first; a receipt ships from its own site).
    static func build(warehouse w0: Int, stock: Bool, day: Int32, region r: Int, index ix: PlanningIndex) -> [RouteCandidate] {
        var out: [RouteCandidate] = []
        guard r >= 0 else { return out }
        let whs = ix.snapshot.warehouses
        func add(ship w: Int, from: Int, leaveDay: Int32, extraCost: Double) {
            let ship = leaveDay + Int32(whs[w].handlingDays)
            let g = ix.ground(w, r)
            let gArr = g.map { ship + Int32($0.transitDays) } ?? Int32.max
            if let g { out.append(RouteCandidate(shipWarehouse: w, transferFrom: from, shipDay: ship, arrivalDay: gArr,
                                                 unitFreight: g.costPerUnit + extraCost, mode: .ground, groundArrival: gArr)) }
            if let e = ix.expedite(w, r) {
                out.append(RouteCandidate(shipWarehouse: w, transferFrom: from, shipDay: ship, arrivalDay: ship + Int32(e.transitDays),
                                          unitFreight: e.costPerUnit + extraCost, mode: .expedite, groundArrival: gArr))
            }
        }
        add(ship: w0, from: -1, leaveDay: day, extraCost: 0)
        if stock {
            for t in ix.transfersFrom[w0] {
                add(ship: t.to, from: w0, leaveDay: day + Int32(t.leadDays), extraCost: t.costPerUnit)
            }
        }
        if out.count <= 1 { return out }
        // Drop routes another route beats on both arrival and cost (expedite ones also need a wider on-time window).
        var kept: [RouteCandidate] = []
        for (i, c) in out.enumerated() {
            let dominated = out.enumerated().contains { j, d in
                guard j != i, d.mode == c.mode, d.arrivalDay <= c.arrivalDay, d.unitFreight <= c.unitFreight,
                      c.mode == .ground || d.groundArrival >= c.groundArrival else { return false }
                return d.arrivalDay < c.arrivalDay || d.unitFreight < c.unitFreight || d.groundArrival > c.groundArrival || j < i
            }
            if !dominated { kept.append(c) }
        }
        return kept
    }

    /// The route a line due on `requested` uses from these candidates (those that ship from `shippingFrom` when it is
    /// not -1): the cheapest (freight plus lateness) within the lateness horizon, where an expedite lane counts only
    /// when the ground lane would be late and it is faster.
    static func choose<C: Collection<RouteCandidate>>(_ cands: C, requested: Int32, shippingFrom w: Int = -1, policy: Policy) -> ArcRoute? {
        chooseIndex(cands, requested: requested, shippingFrom: w, policy: policy).map {
            ArcRoute(route: cands[$0.index], daysLate: $0.late, unitCost: $0.unit)
        }
    }

    /// `choose` over a table of ways read in place, for supply first available on `availableDay`: the chosen way's
    /// position in `ways` and its days late, or nil.
    @inline(__always)
    static func chooseWay(_ ways: UnsafeBufferPointer<RouteCandidate>, availableDay: Int32, requested: Int32,
                          policy: Policy) -> (way: Int, late: Int)? {
        chooseIndex(ways, requested: requested &- availableDay, policy: policy).map { ($0.index, $0.late) }
    }

    /// The choice of `choose`: where the chosen candidate is, its days late and its cost per unit.
    static func chooseIndex<C: Collection<RouteCandidate>>(_ cands: C, requested: Int32, shippingFrom w: Int = -1,
                                                           policy: Policy) -> (index: C.Index, late: Int, unit: Double)? {
        var best: (index: C.Index, late: Int, unit: Double)?
        for i in cands.indices {
            let c = cands[i]
            guard w < 0 || c.shipWarehouse == w else { continue }
            // Expedite only where ground would arrive late, and only if it arrives sooner; then it competes on cost.
            if c.mode == .expedite && !(c.groundArrival > requested && c.arrivalDay < c.groundArrival) { continue }
            let late = max(0, Int(c.arrivalDay - requested))
            if late > policy.cost.maxLateDays { continue }
            let unit = unitCost(c, late: late, latenessPerUnitDay: policy.cost.latenessPerUnitDay)
            if let b = best {
                let bc = cands[b.index]
                if (unit, c.arrivalDay, c.transferFrom >= 0 ? 1 : 0, c.mode == .expedite ? 1 : 0, c.shipWarehouse)
                    < (b.unit, bc.arrivalDay, bc.transferFrom >= 0 ? 1 : 0, bc.mode == .expedite ? 1 : 0, bc.shipWarehouse) {
                    best = (i, late, unit)
                }
            } else { best = (i, late, unit) }
        }
        return best
    }

    /// A way's cost per unit when it arrives `late` days late: its freight plus the lateness.
    @inline(__always)
    static func unitCost(_ way: RouteCandidate, late: Int, latenessPerUnitDay: Double) -> Double {
        way.unitFreight + latenessPerUnitDay * Double(late)
    }

    /// The route of `way` for supply first available on `availableDay`, `late` days late, with its cost as `choose`
    /// works it out.
    @inline(__always)
    static func arc(_ way: RouteCandidate, availableDay: Int32, late: Int, latenessPerUnitDay: Double) -> ArcRoute {
        ArcRoute(route: way.shifted(by: availableDay), daysLate: late,
                 unitCost: unitCost(way, late: late, latenessPerUnitDay: latenessPerUnitDay))
    }
}

extension PlanningIndex {
    /// Appends `sku`'s supplies as the solver sees them to `buckets`: its stock per warehouse (by warehouse id), then its
    /// receipts (by eta, then id), each with what it has available to promise after Allot's releases. The solver and
    /// the passes after it (`SupplyLedger`) read the same list.
    func appendSupplies(of sku: SKU, slot: Int, policy: Policy, asOf: Day, to buckets: inout [SupplyBucket]) {
        let asOfDay = asOf.ordinal
        let staleBefore = asOf.unixSeconds - policy.exceptions.staleInventoryHours * 3600
        let positions = (inventoryBySku[sku] ?? []).map { snapshot.inventory[$0] }.sorted { $0.warehouseID < $1.warehouseID }
        buckets.reserveRoom(for: positions.count)
        for p in positions {
            guard let w = warehouseIndex[p.warehouseID] else { continue }
            let rel = releasedUnits(sku, at: p.warehouseID)
            let atp = p.onHand - p.reserved - p.safetyStock - rel
            let age = p.oldestReceiptDate.map { max(0, asOf - $0) } ?? 0
            let stale = p.asOf.map { $0.seconds < staleBefore } ?? false
            buckets.append(SupplyBucket(sku: sku, skuSlot: slot, warehouse: w, kind: .onHand, availableDay: asOfDay,
                                        capacity: max(0, atp), atp: atp, ageDays: age, stale: stale,
                                        onHand: p.onHand, reserved: p.reserved, safetyStock: p.safetyStock, released: rel))
        }
        let receipts = (receiptsBySku[sku] ?? []).map { snapshot.receipts[$0] }.sorted { ($0.eta, $0.id) < ($1.eta, $1.id) }
        buckets.reserveRoom(for: receipts.count)
        for r in receipts {
            guard let w = warehouseIndex[r.warehouseID] else { continue }
            let rel = releasedUnits(sku, at: r.warehouseID, receipt: r.id)
            let atp = r.qty - rel
            buckets.append(SupplyBucket(sku: sku, skuSlot: slot, warehouse: w, kind: .receipt(r.id),
                                        availableDay: max(asOfDay, r.eta.ordinal), capacity: max(0, atp), atp: atp,
                                        ageDays: 0, stale: false, released: rel))
        }
    }
}

/// Every way's choice (`Routing.choose`) worked out once per plan: per table of ways (a warehouse, stock or receipt,
/// and a region) and per slack (days from the supply's first day to the requested date), the route and its costs.
///
/// The choice depends on the slack alone, and only within a short span: below it every way is more than
/// `max_late_days` late (no route), above it every way is on time and the choice stays as it is. A plan of the 1M-line
/// scenario weighs some fifteen million (class, supply) pairs, each a pass over its table's ways; looked up here they
/// cost a read each. Slacks outside a table's stored span (a policy allowing many days late) are weighed as before.
struct ArcMemo: Sendable {
    /// Per table of ways: where its choices start in `choice`, the slack of the first, and how many are stored.
    private var start: [Int] = []
    private var low: [Int] = []
    private var count: [Int] = []
    /// Per table and slack, the chosen way's position in the table (`none`: no way), one byte each: a plan reads the
    /// table at random some fifteen million times, and kept as whole routes (64 bytes each, over a megabyte) most of
    /// those reads missed the cache. The route's lateness and cost are worked out from the way as `Routing.choose` does.
    private var choice: [UInt8] = []
    private static let none: UInt8 = .max
    /// The most choices stored per table of ways.
    static let widest = 64

    init(index ix: PlanningIndex, policy: Policy) {
        let tables = ix.routeStart.count - 1
        start.reserveCapacity(tables); low.reserveCapacity(tables); count.reserveCapacity(tables)
        let maxLate = max(0, policy.cost.maxLateDays)
        for k in 0..<tables {
            let ways = ix.routeTable[ix.routeStart[k]..<ix.routeStart[k + 1]]
            var lo = Int.max, hi = Int.min
            for c in ways {
                lo = min(lo, Int(c.arrivalDay))
                hi = max(hi, Int(c.arrivalDay))
                if c.groundArrival != Int32.max { hi = max(hi, Int(c.groundArrival)) }
            }
            // Below `lo - maxLate` every way is too late; from `hi` on every way is on time (and no expedite is wanted).
            let first = ways.isEmpty || maxLate > Int(Int32.max) ? 0 : lo - maxLate
            let n = ways.isEmpty || maxLate > Int(Int32.max) || ways.count >= Int(Self.none) ? 0 : min(Self.widest, hi - first + 1)
            start.append(choice.count); low.append(first); count.append(n)
            for s in 0..<n {
                let chosen = Routing.chooseIndex(ways, requested: Int32(first + s), policy: policy)
                choice.append(chosen.map { UInt8($0.index - ways.startIndex) } ?? Self.none)
            }
        }
    }

    /// The way (its position in the table `ways`) that `Routing.chooseWay` chooses from table of ways `key`
    /// (`PlanningIndex.routeKey`) for supply first available on `availableDay` and a line due on `requested`, and its
    /// days late, looked up.
    @inline(__always)
    func way(_ key: Int, ways: UnsafeBufferPointer<RouteCandidate>, availableDay: Int32, requested: Int32,
             policy: Policy) -> (way: Int, late: Int)? {
        let n = count[key]
        guard n > 0 else { return Routing.chooseWay(ways, availableDay: availableDay, requested: requested, policy: policy) }
        let s = Int(requested) - Int(availableDay) - low[key]
        let k: UInt8
        if s < 0 {
            return nil
        } else if s < n {
            k = choice[start[key] + s]
        } else if n < Self.widest {
            // Past the span: every way on time, the choice of its last slack.
            k = choice[start[key] + n - 1]
        } else {
            return Routing.chooseWay(ways, availableDay: availableDay, requested: requested, policy: policy)
        }
        guard k != Self.none else { return nil }
        return (Int(k), max(0, Int(ways[Int(k)].arrivalDay - (requested &- availableDay))))
    }
}
