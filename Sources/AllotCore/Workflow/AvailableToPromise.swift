/// Available-to-promise as the workflow checks it when a person commits units: what a supply pool still has
/// after stock held outside Allot, safety stock and the units Allot already released to other lines.
///
/// The engine plans with the same rule (the contract's feasibility rule 2); these small pure functions let the
/// workflow re-check a single line against the mirror's current state without planning again.
public struct SupplyPool: Hashable, Sendable, CustomStringConvertible {
    /// The sku whose stock is consumed (the substitute's sku for a substitution).
    public var sku: SKU
    /// The warehouse whose stock is consumed (the sending warehouse of a transfer, the receipt's warehouse).
    public var warehouseID: WarehouseID
    /// nil for on-hand stock, else the receipt drawn on.
    public var receiptID: String?

    public init(sku: SKU, warehouseID: WarehouseID, receiptID: String? = nil) {
        self.sku = sku; self.warehouseID = warehouseID; self.receiptID = receiptID
    }

    /// The pool an allocation (or reservation) of a line of `lineSKU` draws on.
    public init(lineSKU: SKU, warehouseID: WarehouseID, source: SupplySource, receipts: [String: Receipt] = [:]) {
        switch source {
        case .onHand: self.init(sku: lineSKU, warehouseID: warehouseID)
        case .receipt(let id): self.init(sku: lineSKU, warehouseID: receipts[id]?.warehouseID ?? warehouseID, receiptID: id)
        case .transfer(let from): self.init(sku: lineSKU, warehouseID: from)
        case .substitute(let s): self.init(sku: s, warehouseID: warehouseID)
        }
    }

    public var description: String {
        receiptID.map { "receipt \($0) of \(sku) at \(warehouseID)" } ?? "on-hand \(sku) at \(warehouseID)"
    }
}

/// The supply side of a snapshot, reduced to what a decision needs: ATP per pool, excluding one line's own
/// reservations (a line re-deciding gets its own units back first).
public struct AvailableToPromise: Sendable {
    public private(set) var available: [SupplyPool: Int] = [:]
    public let receipts: [String: Receipt]

    /// ATP of every pool in `snapshot`, not counting the reservations of `excluding`.
    public init(snapshot: Snapshot, excluding line: LineKey? = nil) {
        var receipts: [String: Receipt] = [:]
        for r in snapshot.receipts { receipts[r.id] = r }
        self.receipts = receipts
        for p in snapshot.inventory {
            available[SupplyPool(sku: p.sku, warehouseID: p.warehouseID), default: 0] += p.onHand - p.reserved - p.safetyStock
        }
        for r in snapshot.receipts {
            available[SupplyPool(sku: r.sku, warehouseID: r.warehouseID, receiptID: r.id), default: 0] += r.qty
        }
        for r in snapshot.reservations where r.lineKey != line {
            let pool = SupplyPool(lineSKU: r.sku, warehouseID: r.warehouseID, source: r.source, receipts: receipts)
            available[pool, default: 0] -= r.qty
        }
    }

    /// Units still free in one pool (never below zero).
    public func free(_ pool: SupplyPool) -> Int { max(0, available[pool] ?? 0) }

    /// Units each pool would need from `allocations` of a line of `lineSKU`.
    public func demand(of allocations: [Allocation], lineSKU: SKU) -> [SupplyPool: Int] {
        var need: [SupplyPool: Int] = [:]
        for a in allocations {
            need[SupplyPool(lineSKU: lineSKU, warehouseID: a.warehouseID, source: a.source, receipts: receipts), default: 0] += a.qty
        }
        return need
    }

    /// The first pool `allocations` would overdraw, with what it needs and what it has; nil when they fit.
    public func shortfall(of allocations: [Allocation], lineSKU: SKU) -> (pool: SupplyPool, needed: Int, free: Int)? {
        for (pool, qty) in demand(of: allocations, lineSKU: lineSKU).sorted(by: { $0.key.description < $1.key.description })
        where qty > free(pool) {
            return (pool, qty, free(pool))
        }
        return nil
    }
}

/// Dates and cost of units shipped to a line, by the contract's cost formula:
/// qty × (lane cost per unit [+ transfer cost per unit]) + lateness per unit day × qty × days late.
public enum AllocationPricing {
    /// A priced allocation, or a sentence saying why the units cannot reach the customer that way.
    public static func price(warehouseID: WarehouseID, qty: Int, source: SupplySource, mode: LaneMode = .ground,
                             region: String, requested: Day, asOf: Day, snapshot: Snapshot, policy: Policy) -> Result<Allocation, DecisionRefusal> {
        guard let warehouse = snapshot.warehouses.first(where: { $0.id == warehouseID }) else {
            return .failure(.invalid("warehouse '\(warehouseID)' is not in the mirror"))
        }
        guard let lane = snapshot.lanes.first(where: { $0.from == warehouseID && $0.toRegion == region && $0.mode == mode }) else {
            return .failure(.invalid("no \(mode.rawValue) lane from \(warehouseID) to region \(region)"))
        }
        var leave = asOf
        var extraPerUnit = 0.0
        switch source {
        case .onHand, .substitute: break
        case .receipt(let id):
            guard let r = snapshot.receipts.first(where: { $0.id == id }) else {
                return .failure(.invalid("receipt '\(id)' is not in the mirror"))
            }
            guard r.warehouseID == warehouseID else {
                return .failure(.invalid("receipt '\(id)' arrives at \(r.warehouseID), not \(warehouseID)"))
            }
            leave = max(asOf, r.eta)
        case .transfer(let from):
            guard let t = snapshot.transfers.first(where: { $0.from == from && $0.to == warehouseID }) else {
                return .failure(.invalid("no transfer from \(from) to \(warehouseID)"))
            }
            leave = asOf + t.leadDays
            extraPerUnit = t.costPerUnit
        }
        let ship = leave + warehouse.handlingDays
        let arrival = ship + lane.transitDays
        let late = max(0, arrival - requested)
        let cost = Double(qty) * (lane.costPerUnit + extraPerUnit) + policy.cost.latenessPerUnitDay * Double(qty) * Double(late)
        return .success(Allocation(warehouseID: warehouseID, qty: qty, source: source, shipDate: ship, arrivalDate: arrival,
                                   cost: cost, mode: mode))
    }

    /// A line's total cost: its allocations' costs plus the split penalty for each allocation beyond the first.
    public static func totalCost(_ allocations: [Allocation], policy: Policy) -> Double {
        allocations.reduce(0) { $0 + $1.cost } + policy.cost.splitPenalty * Double(max(0, allocations.count - 1))
    }

    /// Days the latest allocation arrives after the requested date (0 when all are on time or there are none).
    public static func daysLate(_ allocations: [Allocation], requested: Day) -> Int {
        allocations.map { max(0, $0.arrivalDate - requested) }.max() ?? 0
    }
}
