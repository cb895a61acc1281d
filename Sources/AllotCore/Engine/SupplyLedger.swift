/// The units of each supply a plan leaves free, for the passes that re-source whole lines after the solver (ship
/// complete, site capacity): built on demand, one sku at a time, from the index and the plan's lines of that sku.
///
/// The passes only ever move a line's units into free units, so no other line loses anything: fills (and with them
/// priority, commitments and quotas) stay exactly as the solver left them.
struct SupplyLedger {
    let index: PlanningIndex
    let policy: Policy
    let asOf: Day
    /// Supplies of each loaded sku, in the solver's order (stock by warehouse, then receipts by eta).
    private(set) var buckets: [SKU: [SupplyBucket]] = [:]
    /// Units of each loaded sku's supplies that the plan's lines use, per bucket.
    private var used: [SKU: [Int]] = [:]
    /// Skus whose free units cannot be known from the lines alone (a substitute allocation that more than one of the
    /// substitute's supplies could have served; a commitment withholds units no line shows): the passes leave them alone.
    private(set) var closed: Set<SKU> = []

    init(index: PlanningIndex, policy: Policy, asOf: Day) {
        self.index = index; self.policy = policy; self.asOf = asOf
    }

    /// Loads `sku` from the plan's lines (sorted by key) unless already loaded.
    mutating func load(_ sku: SKU, lines: [LineRecommendation]) {
        guard buckets[sku] == nil else { return }
        var list: [SupplyBucket] = []
        let staleBefore = asOf.unixSeconds - policy.exceptions.staleInventoryHours * 3600
        let positions = (index.inventoryBySku[sku] ?? []).map { index.snapshot.inventory[$0] }.sorted { $0.warehouseID < $1.warehouseID }
        for p in positions {
            guard let w = index.warehouseIndex[p.warehouseID] else { continue }
            let rel = index.released["\(sku)|\(p.warehouseID)|on_hand"] ?? 0
            let atp = p.onHand - p.reserved - p.safetyStock - rel
            list.append(SupplyBucket(sku: sku, skuSlot: 0, warehouse: w, kind: .onHand, availableDay: asOf.ordinal,
                                     capacity: max(0, atp), atp: atp,
                                     ageDays: p.oldestReceiptDate.map { max(0, asOf - $0) } ?? 0,
                                     stale: p.asOf.map { $0.seconds < staleBefore } ?? false))
        }
        let receipts = (index.receiptsBySku[sku] ?? []).map { index.snapshot.receipts[$0] }.sorted { ($0.eta, $0.id) < ($1.eta, $1.id) }
        for r in receipts {
            guard let w = index.warehouseIndex[r.warehouseID] else { continue }
            let atp = r.qty - (index.released["\(sku)|\(r.warehouseID)|receipt:\(r.id)"] ?? 0)
            list.append(SupplyBucket(sku: sku, skuSlot: 0, warehouse: w, kind: .receipt(r.id),
                                     availableDay: max(asOf.ordinal, r.eta.ordinal), capacity: max(0, atp), atp: atp,
                                     ageDays: 0, stale: false))
        }
        buckets[sku] = list
        var u = [Int](repeating: 0, count: list.count)
        if !(index.commitmentsBySku[sku] ?? []).isEmpty { closed.insert(sku) }
        // Every line that can draw on this sku's supplies is in its group (its own lines, and lines substituting it).
        for other in index.group(of: sku) {
            for li in index.linesBySku[other] ?? [] {
                guard let r = SupplyLedger.find(index.snapshot.lines[li].key, in: lines) else { continue }
                for a in lines[r].allocations {
                    if case .substitute(let s) = a.source {
                        guard s == sku else { continue }
                        if let b = substituteBucket(of: a, line: lines[r], in: list) { u[b] += a.qty } else { closed.insert(sku) }
                        continue
                    }
                    guard other == sku, let b = bucket(of: a, sku: sku) else { continue }
                    u[b] += a.qty
                }
            }
        }
        used[sku] = u
    }

    /// The supply a substitute allocation drew on: the one supply of the substitute sku whose route to the line ships
    /// from the allocation's warehouse on its dates (nil when none or several match: the sku is then left alone).
    func substituteBucket(of a: Allocation, line: LineRecommendation, in list: [SupplyBucket]) -> Int? {
        guard let order = index.order(line.orderID), let ship = index.warehouseIndex[a.warehouseID],
              let region = (order.shipToRegion ?? index.customer(of: order)?.region).flatMap({ index.regionIndex[$0] }) else { return nil }
        var found: Int?
        for (b, bucket) in list.enumerated() {
            let match = Routing.candidates(bucket: bucket, region: region, index: index).contains {
                $0.shipWarehouse == ship && $0.shipDay == a.shipDate.ordinal && $0.arrivalDay == a.arrivalDate.ordinal && $0.mode == a.mode
            }
            guard match else { continue }
            if found != nil { return nil }
            found = b
        }
        return found
    }

    /// The position of the line with `key` in lines sorted by key.
    static func find(_ key: LineKey, in lines: [LineRecommendation]) -> Int? {
        var lo = 0, hi = lines.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if lines[mid].key < key { lo = mid + 1 } else { hi = mid }
        }
        return lo < lines.count && lines[lo].key == key ? lo : nil
    }

    /// The supply of `sku` an allocation of the line's own sku drew on (a transfer draws on its sender's stock).
    func bucket(of a: Allocation, sku: SKU) -> Int? {
        guard let list = buckets[sku] else { return nil }
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

    /// Units of a loaded sku's bucket nobody uses (0 for a closed sku).
    func free(_ sku: SKU, _ b: Int) -> Int {
        guard !closed.contains(sku), let list = buckets[sku], let u = used[sku] else { return 0 }
        return max(0, list[b].capacity - u[b])
    }

    /// Records that a line's allocations of its own `sku` stop using their supplies (substitute units are not tracked).
    mutating func release(_ allocations: [Allocation], sku: SKU) {
        for a in allocations { if let b = bucket(of: a, sku: sku) { used[sku]![b] -= a.qty } }
    }

    /// Records that a line's allocations of its own `sku` use their supplies.
    mutating func take(_ allocations: [Allocation], sku: SKU) {
        for a in allocations { if let b = bucket(of: a, sku: sku) { used[sku]![b] += a.qty } }
    }

    /// One way to serve a line from bucket `b` of its sku, shipping from `via` when given: the allocation for `qty`
    /// units, and the solver's objective per unit (contract cost minus the aging bonus) for ranking.
    func route(line: LineRecommendation, order: Order, bucket b: Int, qty: Int, via: Int? = nil) -> (Allocation, Double)? {
        guard let bucket = buckets[line.sku]?[b] else { return nil }
        let regionName = order.shipToRegion ?? index.customer(of: order)?.region
        guard let region = regionName.flatMap({ index.regionIndex[$0] }) else { return nil }
        var cands = Routing.candidates(bucket: bucket, region: region, index: index)
        if let via { cands.removeAll { $0.shipWarehouse != via } }
        guard let arc = Routing.choose(cands, requested: order.requestedDate.ordinal, policy: policy) else { return nil }
        let r = arc.route
        let whs = index.snapshot.warehouses
        let source: SupplySource
        if r.transferFrom >= 0 { source = .transfer(from: whs[r.transferFrom].id) }
        else if case .receipt(let id) = bucket.kind { source = .receipt(id) } else { source = .onHand }
        let alloc = Allocation(warehouseID: whs[r.shipWarehouse].id, qty: qty, source: source, shipDate: Day(ordinal: r.shipDay),
                               arrivalDate: Day(ordinal: r.arrivalDay), cost: Double(qty) * arc.unitCost, mode: r.mode)
        var objective = arc.unitCost
        if bucket.kind == .onHand { objective -= policy.cost.agingBonusPerUnitDay * Double(bucket.ageDays) }
        return (alloc, objective)
    }

    /// Re-derives the exceptions that depend on where a line's units come from (split, late, transfer, expedite,
    /// low margin, high value, stale data) after a pass changed its allocations; the others stay as the solver set them.
    func refreshSourcing(_ r: inout LineRecommendation, order: Order) {
        let sourcing: Set<ExceptionKind> = [.split, .late, .transfer, .expedite, .lowMargin, .highValue, .staleData, .substitution]
        var ex = r.exceptions.filter { !sourcing.contains($0) }
        if r.allocations.count > 1 { ex.append(.split) }
        if r.allocations.contains(where: { $0.arrivalDate > order.requestedDate }) { ex.append(.late) }
        if r.allocations.contains(where: { if case .substitute = $0.source { return true }; return false }) { ex.append(.substitution) }
        if r.allocations.contains(where: { if case .transfer = $0.source { return true }; return false }) { ex.append(.transfer) }
        if r.allocations.contains(where: { $0.mode == .expedite }) { ex.append(.expedite) }
        let line = (index.linesBySku[r.sku] ?? []).lazy.map { self.index.snapshot.lines[$0] }.first { $0.key == r.key }
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
