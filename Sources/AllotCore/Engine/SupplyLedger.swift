import Dispatch

/// One supply of a sku with units the solver left free: the warehouse's stock (no receipt) or one receipt.
struct FreeSupply: Hashable, Sendable {
    var warehouse: Int
    var receipt: String?
    var units: Int
}

/// The units of each supply a plan leaves free, for the passes that re-source whole lines after the solver (ship
/// complete, site capacity): the solver's free units per supply, loaded one sku at a time with the supplies' details.
///
/// The passes only ever move a line's units into free units, so no other line loses anything: fills (and with them
/// priority, commitments and quotas) stay exactly as the solver left them.
struct SupplyLedger {
    let index: PlanningIndex
    let policy: Policy
    let asOf: Day
    /// What the solver left free, by sku.
    let solverFree: [SKU: [FreeSupply]]
    /// Each loaded sku's slot in the arrays below: hot loops look a sku up once and then read by slot, not hashing
    /// the sku per supply (which was a third of the ship-complete pass).
    private var slotOf: [SKU: Int] = [:]
    /// Per slot: the sku's supplies, in the solver's order (stock by warehouse, then receipts by eta).
    private var lists: [[SupplyBucket]] = []
    /// Per slot: free units of each of the sku's supplies.
    private var freeUnits: [[Int]] = []
    /// Per slot: ways from a supply to a region, worked out once per ledger, by `bucket * regionCount + region`.
    private var routeSlots: [[[RouteCandidate]?]] = []

    /// Whether every sku a plan's line draws on was loaded from the start (`loaded`): nothing is left to preload.
    private(set) var everySkuLoaded = false

    /// One sku's supplies and free units as `supplies(of:)` works them out, taken from a solved group instead.
    struct Loaded: Sendable {
        var sku: SKU
        var list: [SupplyBucket]
        var free: [Int]
    }

    /// Each solved sku's supplies and free units as its group's solve left them (`SolverRecord.supplies`): read instead
    /// of worked out from the index and `solverFree` when a sku is loaded.
    let solverSupplies: [SKU: Loaded]

    /// With `loaded`, the supplies of every sku a plan's line draws on, as the plan's groups left them (`loaded(_:)`):
    /// they are not worked out again. `supplies`: the solver's record of the skus' supplies (see `solverSupplies`).
    init(index: PlanningIndex, policy: Policy, asOf: Day, free: [SKU: [FreeSupply]], supplies: [SKU: Loaded] = [:],
         loaded: [Loaded]? = nil) {
        self.index = index; self.policy = policy; self.asOf = asOf; solverFree = free; solverSupplies = supplies
        guard let loaded else { return }
        slotOf.reserveCapacity(loaded.count)
        lists.reserveCapacity(loaded.count); freeUnits.reserveCapacity(loaded.count); routeSlots.reserveCapacity(loaded.count)
        for l in loaded { append(l.sku, l.list, l.free) }
        everySkuLoaded = true
    }

    /// Every sku of a solved group with its supplies and the units the solver left free: what `supplies(of:)` would work
    /// out for each from the index and `Engine.freeSupply` (the same supplies in the same order, the same free units).
    static func loaded(_ s: GroupSolver) -> [Loaded] {
        var out: [Loaded] = []
        let buckets = s.p.buckets
        var start = 0
        // A group lists each sku's supplies together, sku after sku (a sku may have none).
        for (slot, sku) in s.p.skus.enumerated() {
            var end = start
            while end < buckets.count && buckets[end].skuSlot == slot { end += 1 }
            var list = Array(buckets[start..<end])
            for b in list.indices { list[b].skuSlot = 0 }
            var free = [Int](repeating: 0, count: list.count)
            for b in start..<end where s.cap[b] > 0 { place(s.cap[b], warehouse: buckets[b].warehouse, kind: buckets[b].kind, in: list, &free) }
            out.append(Loaded(sku: sku, list: list, free: free))
            start = end
        }
        return out
    }

    /// Loads `sku`'s supplies and their free units unless already loaded; returns its slot.
    @discardableResult
    mutating func load(_ sku: SKU) -> Int {
        if let s = slotOf[sku] { return s }
        let (list, free) = supplies(of: sku)
        return append(sku, list, free)
    }

    /// Loads the skus not loaded yet, on every core: the values `load` would work out one at a time, ready before a
    /// pass that must take orders one by one. (Their ways to a region are read from the index's tables as needed.)
    mutating func preload(_ wanted: Set<SKU>) {
        let todo = wanted.filter { slotOf[$0] == nil }.sorted()
        guard !todo.isEmpty else { return }
        let chunks = min(todo.count, 64)
        var out = [(list: [SupplyBucket], free: [Int])?](repeating: nil, count: todo.count)
        let ledger = self
        out.withUnsafeMutableBufferPointer { buffer in
            // Each slot is written by the one worker whose stride reaches it.
            nonisolated(unsafe) let buffer = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                var k = chunk
                while k < todo.count {
                    buffer[k] = ledger.supplies(of: todo[k])
                    k += chunks
                }
            }
        }
        for (k, sku) in todo.enumerated() { if let o = out[k] { append(sku, o.list, o.free) } }
    }

    @discardableResult
    private mutating func append(_ sku: SKU, _ list: [SupplyBucket], _ free: [Int]) -> Int {
        let slot = lists.count
        slotOf[sku] = slot
        lists.append(list)
        freeUnits.append(free)
        routeSlots.append([])
        return slot
    }

    /// `sku`'s supplies, in the solver's order, and the units of each that the solver left free (as the solver's record
    /// has them, when it lists the sku).
    func supplies(of sku: SKU) -> (list: [SupplyBucket], free: [Int]) {
        if let recorded = solverSupplies[sku] { return (recorded.list, recorded.free) }
        var list: [SupplyBucket] = []
        index.appendSupplies(of: sku, slot: 0, policy: policy, asOf: asOf, to: &list)
        var free = [Int](repeating: 0, count: list.count)
        for f in solverFree[sku] ?? [] {
            Self.place(f.units, warehouse: f.warehouse, kind: f.receipt.map { .receipt($0) } ?? .onHand, in: list, &free)
        }
        return (list, free)
    }

    /// Sets the free units of the supply of `list` at `warehouse` of `kind` (the first such) to `units`, never more than
    /// the supply holds, whatever the record says.
    private static func place(_ units: Int, warehouse: Int, kind: SupplyBucket.Kind, in list: [SupplyBucket], _ free: inout [Int]) {
        if let b = list.firstIndex(where: { $0.warehouse == warehouse && $0.kind == kind }) { free[b] = min(units, list[b].capacity) }
    }

    /// The slot of a loaded sku.
    func slot(_ sku: SKU) -> Int? { slotOf[sku] }

    /// A loaded sku's supplies.
    func buckets(_ sku: SKU) -> [SupplyBucket]? { slotOf[sku].map { lists[$0] } }

    /// Supply `b` of the sku loaded at `slot`.
    func bucket(slot: Int, _ b: Int) -> SupplyBucket { lists[slot][b] }

    /// The position of the line with `key` in lines sorted by key.
    static func find(_ key: LineKey, in lines: [LineRecommendation]) -> Int? {
        let at = Engine.lowerBound(key, in: lines, lines.indices)
        return at < lines.count && lines[at].key == key ? at : nil
    }

    /// The supply of `sku` an allocation of the line's own sku drew on (a transfer draws on its sender's stock).
    func bucket(of a: Allocation, sku: SKU) -> Int? {
        guard let slot = slotOf[sku] else { return nil }
        return bucket(of: a, slot: slot)
    }

    /// The supply of the sku loaded at `slot` that an allocation of its own sku drew on.
    func bucket(of a: Allocation, slot: Int) -> Int? {
        let list = lists[slot]
        switch a.source {
        case .onHand:
            guard let w = index.warehouseIndex[a.warehouseID] else { return nil }
            return list.firstIndex { $0.kind == .onHand && $0.warehouse == w }
        case .transfer(let from):
            guard let w = index.warehouseIndex[from] else { return nil }
            return list.firstIndex { $0.kind == .onHand && $0.warehouse == w }
        case .receipt(let id):
            return list.firstIndex { $0.kind == .receipt(id) }
        case .substitute:
            return nil
        }
    }

    /// Units of a loaded sku's bucket nobody uses.
    func free(_ sku: SKU, _ b: Int) -> Int { slotOf[sku].map { freeUnits[$0][b] } ?? 0 }

    /// Units of supply `b` of the sku loaded at `slot` nobody uses.
    func free(slot: Int, _ b: Int) -> Int { freeUnits[slot][b] }

    /// Records that a line's allocations of its own `sku` stop using their supplies (substitute units are not moved).
    mutating func release(_ allocations: [Allocation], sku: SKU) {
        let slot = load(sku)
        for a in allocations { if let b = bucket(of: a, slot: slot) { freeUnits[slot][b] += a.qty } }
    }

    /// Records that a line's allocations of its own `sku` use their supplies.
    mutating func take(_ allocations: [Allocation], sku: SKU) {
        let slot = load(sku)
        for a in allocations {
            if let b = bucket(of: a, slot: slot) {
                freeUnits[slot][b] -= a.qty
                precondition(freeUnits[slot][b] >= 0, "a pass after the solver over-used a supply")
            }
        }
    }

    /// The ways from bucket `b` of `sku` to `region` (worked out once per ledger).
    mutating func candidates(_ sku: SKU, _ b: Int, region: Int) -> [RouteCandidate] {
        guard let slot = slotOf[sku] else { return [] }
        return candidates(slot: slot, b, region: region)
    }

    /// The ways from bucket `b` of the sku loaded at `slot` to `region` (worked out once per ledger).
    private mutating func candidates(slot: Int, _ b: Int, region: Int) -> [RouteCandidate] {
        let regions = index.regionCount
        if routeSlots[slot].isEmpty { routeSlots[slot] = Array(repeating: nil, count: lists[slot].count * regions) }
        if let c = routeSlots[slot][b * regions + region] { return c }
        let c = Routing.candidates(bucket: lists[slot][b], region: region, index: index)
        routeSlots[slot][b * regions + region] = c
        return c
    }

    func region(of order: Order) -> Int? {
        (order.shipToRegion ?? index.customer(of: order)?.region).flatMap { index.regionIndex[$0] }
    }

    /// For a line of the sku loaded at `slot`, to `region`, due on `requested`: per warehouse, the supplies with
    /// units free in `free` (the slot's free units as the caller sees them) it could ship from there, each with the
    /// route the solver's rules would pick among that warehouse's ways, cheapest first. Reads the ways from the index's
    /// tables in place (nothing is built or kept per supply), so that orders can be weighed side by side.
    func optionsByWarehouse(slot: Int, region: Int, requested: Int32, free: [Int]) -> [[ShipComplete.Option]] {
        var out = [[ShipComplete.Option]](repeating: [], count: index.snapshot.warehouses.count)
        let list = lists[slot]
        var ships: [Int] = []
        for b in list.indices where free[b] > 0 {
            let bucket = list[b]
            ships.removeAll(keepingCapacity: true)
            for c in index.routes(from: bucket.warehouse, stock: bucket.kind == .onHand, to: region) where !ships.contains(c.shipWarehouse) {
                ships.append(c.shipWarehouse)
            }
            for w in ships {
                guard let arc = Routing.arc(bucket: bucket, region: region, requested: requested, shippingFrom: ships.count == 1 ? -1 : w,
                                            index: index, policy: policy) else { continue }
                out[w].append(ShipComplete.Option(b: b, arc: arc, obj: objective(arc, bucket: bucket)))
            }
        }
        for w in out.indices where out[w].count > 1 { out[w].sort { ($0.obj, $0.b) < ($1.obj, $1.b) } }
        return out
    }

    /// The free units of the sku loaded at `slot`.
    func freeUnits(slot: Int) -> [Int] { freeUnits[slot] }

    func allocation(_ arc: ArcRoute, bucket: SupplyBucket, qty: Int) -> Allocation {
        let r = arc.route
        let whs = index.snapshot.warehouses
        let source: SupplySource
        if r.transferFrom >= 0 { source = .transfer(from: whs[r.transferFrom].id) }
        else if case .receipt(let id) = bucket.kind { source = .receipt(id) } else { source = .onHand }
        return Allocation(warehouseID: whs[r.shipWarehouse].id, qty: qty, source: source, shipDate: Day(ordinal: r.shipDay),
                          arrivalDate: Day(ordinal: r.arrivalDay), cost: Double(qty) * arc.unitCost, mode: r.mode)
    }

    func objective(_ arc: ArcRoute, bucket: SupplyBucket) -> Double {
        arc.unitCost - (bucket.kind == .onHand ? policy.cost.agingBonusPerUnitDay * Double(bucket.ageDays) : 0)
    }

    /// One way to serve a line from bucket `b` of its sku, shipping from `via` when given: the allocation for `qty`
    /// units, and the solver's objective per unit (contract cost minus the aging bonus) for ranking.
    mutating func route(line: LineRecommendation, order: Order, bucket b: Int, qty: Int, via: Int? = nil) -> (Allocation, Double)? {
        guard let slot = slotOf[line.sku], let region = region(of: order) else { return nil }
        let bucket = lists[slot][b]
        let cands = candidates(line.sku, b, region: region)
        guard let arc = Routing.choose(cands, requested: order.requestedDate.ordinal, shippingFrom: via ?? -1, policy: policy)
        else { return nil }
        return (allocation(arc, bucket: bucket, qty: qty), objective(arc, bucket: bucket))
    }

    /// The exceptions that a line's sourcing decides (`refreshSourcing` works them out again).
    static let sourcingExceptions: Set<ExceptionKind> = [.split, .late, .transfer, .expedite, .lowMargin, .highValue, .staleData,
                                                         .substitution]

    /// Re-derives the exceptions that depend on where a line's units come from (split, late, transfer, expedite,
    /// low margin, high value, stale data) after a pass changed its allocations; the others stay as the solver set them.
    func refreshSourcing(_ r: inout LineRecommendation, order: Order) {
        var ex = r.exceptions.filter { !SupplyLedger.sourcingExceptions.contains($0) }
        if r.allocations.count > 1 { ex.append(.split) }
        if r.allocations.contains(where: { $0.arrivalDate > order.requestedDate }) { ex.append(.late) }
        if r.allocations.contains(where: { if case .substitute = $0.source { return true }; return false }) { ex.append(.substitution) }
        if r.allocations.contains(where: { if case .transfer = $0.source { return true }; return false }) { ex.append(.transfer) }
        if r.allocations.contains(where: { $0.mode == .expedite }) { ex.append(.expedite) }
        // Among the sku's few lines, not the snapshot's million (each probe of those is a cache miss).
        let line = index.line(r.key, sku: r.sku)
        let item = index.item(r.sku)
        let allocated = r.allocated
        if let price = line?.unitPrice ?? item?.unitPrice, price > 0, allocated > 0 {
            let freight = r.allocations.reduce(0.0) { t, a in
                t + a.cost - policy.cost.latenessPerUnitDay * Double(a.qty * max(0, a.arrivalDate - order.requestedDate))
            }
            let revenue = price * Double(allocated)
            if (revenue - Double(allocated) * (item?.unitCost ?? 0) - freight) / revenue < policy.exceptions.minMarginPct { ex.append(.lowMargin) }
            if revenue > policy.exceptions.highValueLimit { ex.append(.highValue) }
        }
        let staleBefore = asOf.unixSeconds - policy.exceptions.staleInventoryHours * 3600
        let stale = r.allocations.contains { a in
            let from: WarehouseID, sku: SKU
            switch a.source {
            case .onHand: (from, sku) = (a.warehouseID, r.sku)
            case .transfer(let w): (from, sku) = (w, r.sku)
            case .substitute(let s): (from, sku) = (a.warehouseID, s)
            case .receipt: return false
            }
            return (index.inventoryBySku[sku] ?? []).contains { i in
                let p = index.snapshot.inventory[i]
                return p.warehouseID == from && (p.asOf.map { $0.seconds < staleBefore } ?? false)
            }
        }
        if stale { ex.append(.staleData) }
        ex.sort()
        r.exceptions = ex
        r.status = Engine.status(for: r, policy: policy)
    }
}
