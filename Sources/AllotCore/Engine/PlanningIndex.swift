/// The snapshot re-indexed for planning: integer ids for warehouses and regions, lane tables, and every
/// per-sku list the engine needs, so that solving one sku touches only that sku's rows.
///
/// Built once per snapshot (linear time); an incremental re-plan reuses it and patches the rows an event changed.
public struct PlanningIndex: Sendable {
    public internal(set) var snapshot: Snapshot

    var warehouseIndex: [WarehouseID: Int] = [:]
    var regionIndex: [String: Int] = [:]
    var regionCount = 0
    /// Lanes by `warehouse * regionCount + region`.
    var groundLane: [LaneInfo?] = []
    var expediteLane: [LaneInfo?] = []
    var transfersFrom: [[TransferInfo]] = []
    /// Every non-dominated way from a warehouse's supply to a region, for supply available on day 0 (a bucket's
    /// routes are these moved to its first day): per `(warehouse * regionCount + region) * 2 + (stock ? 1 : 0)`.
    /// Built once, so that solving a sku looks its routes up instead of working them out per bucket. One flat table,
    /// each key's ways at `routeStart[key] ..< routeStart[key + 1]`: the solver reads millions of them without
    /// retaining an array per look.
    var routeTable: [RouteCandidate] = []
    var routeStart: [Int] = [0]
    var customerIndex: [CustomerID: Int] = [:]
    var itemIndex: [SKU: Int] = [:]
    var orderIndex: [OrderID: Int] = [:]
    /// Per snapshot line, its order's position in `snapshot.orders` (-1: no such order); per order, its customer's
    /// position in `snapshot.customers` (-1: none). Solving a sku reads them instead of hashing two ids per line.
    var lineOrder: [Int] = []
    var orderCustomer: [Int] = []
    /// Per customer, its part of its lines' facts; the customers' tiers by number (0 is no tier).
    var customerFacts: [CustomerFacts] = []
    var tiers: [String] = [""]
    /// Whether `snapshot.lines` is in strictly increasing key order (then a line's position is its rank by key).
    var linesInKeyOrder = true
    /// Per snapshot line, what the solver reads of it, its order and its customer (see `LineFacts`).
    var lineFacts: [LineFacts] = []
    var linesBySku: [SKU: [Int]] = [:]
    var inventoryBySku: [SKU: [Int]] = [:]
    var receiptsBySku: [SKU: [Int]] = [:]
    var substitutesBySku: [SKU: [Substitute]] = [:]
    var commitmentsBySku: [SKU: [Int]] = [:]
    /// Quota indices by the sku or family they cap.
    var quotasByKey: [String: [Int]] = [:]
    /// Units already released by Allot, by `sku|warehouse|source`.
    var released: [String: Int] = [:]
    var reservedLines: Set<LineKey> = []
    /// Skus that must be solved together (substitutes, family quotas), each sorted; and each sku's group.
    public internal(set) var groups: [[SKU]] = []
    var groupOfSku: [SKU: Int] = [:]

    struct LaneInfo: Sendable { var transitDays: Int; var costPerUnit: Double }
    struct TransferInfo: Sendable { var to: Int; var leadDays: Int; var costPerUnit: Double }

    public init(_ snapshot: Snapshot) {
        self.snapshot = snapshot
        for (i, w) in snapshot.warehouses.enumerated() { warehouseIndex[w.id] = i }
        func region(_ r: String) -> Int {
            if let i = regionIndex[r] { return i }
            let i = regionIndex.count; regionIndex[r] = i; return i
        }
        for w in snapshot.warehouses { _ = region(w.region) }
        for l in snapshot.lanes { _ = region(l.toRegion) }
        regionCount = regionIndex.count
        let wCount = snapshot.warehouses.count
        groundLane = Array(repeating: nil, count: wCount * regionCount)
        expediteLane = Array(repeating: nil, count: wCount * regionCount)
        for l in snapshot.lanes {
            guard let w = warehouseIndex[l.from], let r = regionIndex[l.toRegion] else { continue }
            let info = LaneInfo(transitDays: l.transitDays, costPerUnit: l.costPerUnit)
            if l.mode == .ground { groundLane[w * regionCount + r] = info } else { expediteLane[w * regionCount + r] = info }
        }
        transfersFrom = Array(repeating: [], count: wCount)
        for t in snapshot.transfers {
            guard let f = warehouseIndex[t.from], let to = warehouseIndex[t.to], f != to else { continue }
            transfersFrom[f].append(TransferInfo(to: to, leadDays: t.leadDays, costPerUnit: t.costPerUnit))
        }
        for w in 0..<wCount {
            for r in 0..<regionCount {
                for stock in [false, true] {
                    routeTable.append(contentsOf: Routing.build(warehouse: w, stock: stock, day: 0, region: r, index: self))
                    routeStart.append(routeTable.count)
                }
            }
        }
        for (i, c) in snapshot.customers.enumerated() { customerIndex[c.id] = i }
        for (i, it) in snapshot.items.enumerated() { itemIndex[it.sku] = i }
        orderIndex.reserveCapacity(snapshot.orders.count)
        for (i, o) in snapshot.orders.enumerated() { orderIndex[o.id] = i }
        orderCustomer = snapshot.orders.map { customerIndex[$0.customerID] ?? -1 }
        indexLines()
        for (i, p) in snapshot.inventory.enumerated() { inventoryBySku[p.sku, default: []].append(i) }
        for (i, r) in snapshot.receipts.enumerated() { receiptsBySku[r.sku, default: []].append(i) }
        for s in snapshot.substitutes where s.sku != s.substituteSKU { substitutesBySku[s.sku, default: []].append(s) }
        for k in substitutesBySku.keys {
            substitutesBySku[k]!.sort { ($0.rank, $0.substituteSKU) < ($1.rank, $1.substituteSKU) }
        }
        for (i, c) in snapshot.commitments.enumerated() { commitmentsBySku[c.sku, default: []].append(i) }
        for (i, q) in snapshot.quotas.enumerated() { quotasByKey[q.skuOrFamily, default: []].append(i) }
        for r in snapshot.reservations {
            released[PlanningIndex.releasedKey(reservation: r), default: 0] += r.qty
            reservedLines.insert(r.lineKey)
        }
        buildGroups()
    }

    /// Units Allot already released from a sku's stock at a warehouse, or (with `receipt`) from one receipt there.
    /// Without reservations no key is spelled (a plan asks once per supply).
    func releasedUnits(_ sku: SKU, at warehouse: WarehouseID, receipt: String? = nil) -> Int {
        guard !released.isEmpty else { return 0 }
        let key = receipt.map { "\(sku)|\(warehouse)|receipt:\($0)" } ?? "\(sku)|\(warehouse)|on_hand"
        return released[key] ?? 0
    }

    /// The key under which a reservation consumes supply: the receipt it drew on, or the on-hand stock of the
    /// warehouse it drew from (for a transfer, the sending warehouse; for a substitute, the substitute sku).
    static func releasedKey(reservation r: Reservation) -> String {
        switch r.source {
        case .onHand: return "\(r.sku)|\(r.warehouseID)|on_hand"
        case .receipt(let id): return "\(r.sku)|\(r.warehouseID)|receipt:\(id)"
        case .transfer(let from): return "\(r.sku)|\(from)|on_hand"
        case .substitute(let s): return "\(s)|\(r.warehouseID)|on_hand"
        }
    }

    /// Groups skus linked by a substitute some open line may use, or by a family-level quota.
    mutating func buildGroups() {
        var skus = Set<SKU>()
        for it in snapshot.items { skus.insert(it.sku) }
        for k in linesBySku.keys { skus.insert(k) }
        for k in inventoryBySku.keys { skus.insert(k) }
        for k in receiptsBySku.keys { skus.insert(k) }
        let sorted = skus.sorted()
        var id: [SKU: Int] = [:]
        id.reserveCapacity(sorted.count)
        for (i, s) in sorted.enumerated() { id[s] = i }
        var parent = Array(0..<sorted.count)
        func find(_ x: Int) -> Int { var x = x; while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }; return x }
        func union(_ a: Int, _ b: Int) { let ra = find(a), rb = find(b); if ra != rb { parent[max(ra, rb)] = min(ra, rb) } }
        for (sku, subs) in substitutesBySku {
            guard let a = id[sku], let lines = linesBySku[sku],
                  lines.contains(where: { lineFacts[$0].flags.contains(.allowSubstitute) }) else { continue }
            for s in subs { if let b = id[s.substituteSKU] { union(a, b) } }
        }
        var familyQuota = Set<String>()
        for q in snapshot.quotas { familyQuota.insert(q.skuOrFamily) }
        var firstOfFamily: [String: Int] = [:]
        for it in snapshot.items {
            guard let f = it.family, familyQuota.contains(f), let a = id[it.sku] else { continue }
            if let b = firstOfFamily[f] { union(a, b) } else { firstOfFamily[f] = a }
        }
        var byRoot: [Int: Int] = [:]
        groups = []
        groupOfSku = [:]
        groupOfSku.reserveCapacity(sorted.count)
        for (i, s) in sorted.enumerated() {
            let r = find(i)
            if let g = byRoot[r] { groups[g].append(s); groupOfSku[s] = g } else {
                byRoot[r] = groups.count; groupOfSku[s] = groups.count; groups.append([s])
            }
        }
    }

    /// The group of skus solved together with `sku`.
    public func group(of sku: SKU) -> [SKU] { groupOfSku[sku].map { groups[$0] } ?? [sku] }

    /// The ways from warehouse `w`'s stock (or a receipt there) to region `r` for supply available on day 0.
    func routes(from w: Int, stock: Bool, to r: Int) -> ArraySlice<RouteCandidate> {
        routeTable[routeRange(from: w, stock: stock, to: r)]
    }

    /// Where `routes(from:stock:to:)` lies in `routeTable` (empty for no region).
    @inline(__always) func routeRange(from w: Int, stock: Bool, to r: Int) -> Range<Int> {
        guard r >= 0 else { return 0..<0 }
        let key = routeKey(from: w, stock: stock, to: r)
        return routeStart[key]..<routeStart[key + 1]
    }

    /// The number of the table of ways from warehouse `w` (stock or a receipt) to region `r` (which is not -1).
    @inline(__always) func routeKey(from w: Int, stock: Bool, to r: Int) -> Int { (w * regionCount + r) * 2 + (stock ? 1 : 0) }

    func ground(_ w: Int, _ r: Int) -> LaneInfo? { r < 0 ? nil : groundLane[w * regionCount + r] }
    func expedite(_ w: Int, _ r: Int) -> LaneInfo? { r < 0 ? nil : expediteLane[w * regionCount + r] }

    func customer(of order: Order) -> Customer? { customerIndex[order.customerID].map { snapshot.customers[$0] } }
    /// The order of snapshot line `i`, and that order's customer, by position (no id hashed).
    func order(ofLine i: Int) -> Order? { lineOrder[i] < 0 ? nil : snapshot.orders[lineOrder[i]] }
    func customer(ofOrderAt i: Int) -> Customer? { orderCustomer[i] < 0 ? nil : snapshot.customers[orderCustomer[i]] }
    func item(_ sku: SKU) -> Item? { itemIndex[sku].map { snapshot.items[$0] } }
    func order(_ id: OrderID) -> Order? { orderIndex[id].map { snapshot.orders[$0] } }

    /// Replaces one stock position (an inventory event), keeping the index consistent; the sku's group is unchanged.
    public mutating func apply(inventory position: InventoryPosition) {
        if let list = inventoryBySku[position.sku],
           let i = list.first(where: { snapshot.inventory[$0].warehouseID == position.warehouseID }) {
            snapshot.inventory[i] = position
        } else {
            snapshot.inventory.append(position)
            inventoryBySku[position.sku, default: []].append(snapshot.inventory.count - 1)
        }
    }
}
