/// Units the current plan gives another line from one pool: what an override would take away from it.
public struct PlannedUse: Hashable, Sendable {
    public var line: LineKey
    public var priorityClass: Int
    public var pool: SupplyPool
    public var qty: Int
    public init(line: LineKey, priorityClass: Int, pool: SupplyPool, qty: Int) {
        self.line = line; self.priorityClass = priorityClass; self.pool = pool; self.qty = qty
    }
}

/// The state of supply a decision is checked against: the mirror's rows for the line's skus (a `Snapshot`
/// holding only what concerns them), the plan date, and what the current plan gives other lines.
public struct DecisionSupply: Sendable {
    public var snapshot: Snapshot
    public var asOf: Day
    public var plannedForOthers: [PlannedUse]
    public init(snapshot: Snapshot, asOf: Day, plannedForOthers: [PlannedUse] = []) {
        self.snapshot = snapshot; self.asOf = asOf; self.plannedForOthers = plannedForOthers
    }
}

/// One allocation a person asks for in an override.
public struct RequestedAllocation: Hashable, Sendable {
    public var warehouseID: WarehouseID
    public var qty: Int
    public var source: SupplySource
    public var mode: LaneMode
    public init(warehouseID: WarehouseID, qty: Int, source: SupplySource = .onHand, mode: LaneMode = .ground) {
        self.warehouseID = warehouseID; self.qty = qty; self.source = source; self.mode = mode
    }
}

/// The verdict on an override: its priced allocations, and the reasons (if any) it must go to a supervisor.
public struct OverrideAssessment: Hashable, Sendable {
    public var allocations: [Allocation]
    /// Empty when the override may be applied directly.
    public var escalationReasons: [String]
}

/// Re-validates an override against current ATP, quotas and commitments, and decides whether it needs a supervisor.
///
/// Refused outright (invalid): unknown warehouse or lane, more than requested, a partial fill of a line that
/// does not allow one, more than a pool has free, a tier quota exceeded. Routed to a supervisor: a cost per unit
/// or lateness beyond `policy.override`, units protected by another customer's commitment, or units the plan
/// gives a line of a higher priority class.
public enum OverrideCheck {
    public static func assess(_ requested: [RequestedAllocation], line: OrderLine, order: Order, customer: Customer?,
                              recommendation: LineRecommendation, supply: DecisionSupply, policy: Policy) -> Result<OverrideAssessment, DecisionRefusal> {
        guard !requested.isEmpty else { return .failure(.invalid("an override needs at least one --warehouse W --qty N")) }
        if let bad = requested.first(where: { $0.qty <= 0 }) {
            return .failure(.invalid("quantity for \(bad.warehouseID) must be a whole number > 0, got \(bad.qty)"))
        }
        let total = requested.reduce(0) { $0 + $1.qty }
        if total > line.qty { return .failure(.invalid("the override allocates \(total) units but line \(line.key) requests \(line.qty)")) }
        if total < line.qty && !line.allowPartial {
            return .failure(.invalid("line \(line.key) does not allow partial shipment: allocate all \(line.qty) units"))
        }
        let snapshot = supply.snapshot
        let region = order.shipToRegion ?? customer?.region ?? ""
        var allocations: [Allocation] = []
        for r in requested {
            if case .substitute(let s) = r.source, !line.allowSubstitute || !snapshot.substitutes.contains(where: { $0.sku == line.sku && $0.substituteSKU == s }) {
                return .failure(.invalid("\(s) is not an allowed substitute for line \(line.key)"))
            }
            switch AllocationPricing.price(warehouseID: r.warehouseID, qty: r.qty, source: r.source, mode: r.mode, region: region,
                                           requested: order.requestedDate, asOf: supply.asOf, snapshot: snapshot, policy: policy) {
            case .failure(let e): return .failure(e)
            case .success(let a): allocations.append(a)
            }
        }

        let atp = AvailableToPromise(snapshot: snapshot, excluding: line.key)
        if let s = atp.shortfall(of: allocations, lineSKU: line.sku) {
            return .failure(.invalid("\(s.pool) has \(s.free) units available to promise, the override needs \(s.needed)"))
        }
        if let refusal = quotaRefusal(allocations, line: line, order: order, customer: customer, snapshot: snapshot) {
            return .failure(refusal)
        }

        var reasons: [String] = []
        reasons += priorityReasons(allocations, line: line, recommendation: recommendation, atp: atp, supply: supply)
        reasons += commitmentReasons(allocations, line: line, order: order, recommendation: recommendation, atp: atp, snapshot: snapshot)
        reasons += costReasons(allocations, recommendation: recommendation, requested: order.requestedDate, policy: policy)
        return .success(OverrideAssessment(allocations: allocations, escalationReasons: reasons))
    }

    /// Units taken from lines the plan serves first: the override's need in a pool beyond what nobody else is
    /// planned to use comes out of other lines, the lowest priority first.
    static func priorityReasons(_ allocations: [Allocation], line: OrderLine, recommendation: LineRecommendation,
                                atp: AvailableToPromise, supply: DecisionSupply) -> [String] {
        var reasons: [String] = []
        for (pool, need) in atp.demand(of: allocations, lineSKU: line.sku).sorted(by: { $0.key.description < $1.key.description }) {
            let others = supply.plannedForOthers.filter { $0.pool == pool && $0.line != line.key }
            let spare = atp.free(pool) - others.reduce(0) { $0 + $1.qty }
            var toTake = need - max(0, spare)
            guard toTake > 0 else { continue }
            // Lowest priority (largest class) gives first; among equals the latest line.
            for use in others.sorted(by: { ($0.priorityClass, $0.line) > ($1.priorityClass, $1.line) }) where toTake > 0 {
                let taken = min(toTake, use.qty)
                toTake -= taken
                if use.priorityClass < recommendation.priorityClass {
                    reasons.append("takes \(taken) units of \(pool) planned for \(use.line), priority class \(use.priorityClass) (this line is class \(recommendation.priorityClass))")
                }
            }
        }
        return reasons
    }

    /// Another customer's active commitment on a sku the override draws on, left short by the extra units it takes.
    static func commitmentReasons(_ allocations: [Allocation], line: OrderLine, order: Order, recommendation: LineRecommendation,
                                  atp: AvailableToPromise, snapshot: Snapshot) -> [String] {
        let newDemand = atp.demand(of: allocations, lineSKU: line.sku)
        let oldDemand = atp.demand(of: recommendation.allocations, lineSKU: line.sku)
        var bySku: [SKU: (new: Int, old: Int)] = [:]
        for (p, q) in newDemand { bySku[p.sku, default: (0, 0)].new += q }
        for (p, q) in oldDemand { bySku[p.sku, default: (0, 0)].old += q }
        var customerOf: [OrderID: CustomerID] = [:]
        for o in snapshot.orders { customerOf[o.id] = o.customerID }
        var reasons: [String] = []
        for (sku, q) in bySku.sorted(by: { $0.key < $1.key }) where q.new > q.old {
            let freeOfSku = atp.available.filter { $0.key.sku == sku }.reduce(0) { $0 + max(0, $1.value) }
            for c in snapshot.commitments where c.sku == sku && c.customerID != order.customerID && c.covers(order.requestedDate) {
                let already = snapshot.reservations.filter { customerOf[$0.orderID] == c.customerID && $0.sku == sku && $0.lineKey != line.key }
                    .reduce(0) { $0 + $1.qty }
                let protected = max(0, c.qty - already)
                let left = freeOfSku - q.new
                if protected > 0 && left < protected {
                    reasons.append("breaks the commitment of \(c.customerID) on \(sku): \(protected) units protected, \(max(0, left)) would be left")
                }
            }
        }
        return reasons
    }

    /// A tier quota on the line's sku or family that the released units plus the override would exceed.
    static func quotaRefusal(_ allocations: [Allocation], line: OrderLine, order: Order, customer: Customer?, snapshot: Snapshot) -> DecisionRefusal? {
        guard let tier = customer?.tier else { return nil }
        let family = snapshot.items.first(where: { $0.sku == line.sku })?.family
        var familyOf: [SKU: String] = [:]
        for it in snapshot.items { if let f = it.family { familyOf[it.sku] = f } }
        var tierOf: [CustomerID: String] = [:]
        for c in snapshot.customers { tierOf[c.id] = c.tier }
        var orderTier: [OrderID: String] = [:]
        for o in snapshot.orders { orderTier[o.id] = tierOf[o.customerID] }
        let qty = allocations.reduce(0) { $0 + $1.qty }
        for q in snapshot.quotas where q.tier == tier && q.covers(order.requestedDate) && (q.skuOrFamily == line.sku || q.skuOrFamily == family) {
            let used = snapshot.reservations.filter { r in
                r.lineKey != line.key && orderTier[r.orderID] == tier && (r.sku == q.skuOrFamily || familyOf[r.sku] == q.skuOrFamily)
            }.reduce(0) { $0 + $1.qty }
            if used + qty > q.maxQty {
                return .invalid("quota of tier \(tier) on \(q.skuOrFamily) is \(q.maxQty) units; \(used) already released, the override adds \(qty)")
            }
        }
        return nil
    }

    /// Cost per unit or lateness beyond the policy's override thresholds.
    static func costReasons(_ allocations: [Allocation], recommendation: LineRecommendation, requested: Day, policy: Policy) -> [String] {
        var reasons: [String] = []
        let oldQty = recommendation.allocated, newQty = allocations.reduce(0) { $0 + $1.qty }
        if oldQty > 0 && newQty > 0 {
            let oldPer = AllocationPricing.totalCost(recommendation.allocations, policy: policy) / Double(oldQty)
            let newPer = AllocationPricing.totalCost(allocations, policy: policy) / Double(newQty)
            let limit = oldPer * (1 + policy.override.maxCostIncreasePct)
            if newPer > limit + 1e-9 {
                let pct = oldPer > 0 ? String(Int(((newPer / oldPer) - 1) * 100)) + "%" : "from zero"
                reasons.append("raises the cost per unit from \(money(oldPer)) to \(money(newPer)) (+\(pct), limit \(Int(policy.override.maxCostIncreasePct * 100))%)")
            }
        }
        let oldLate = AllocationPricing.daysLate(recommendation.allocations, requested: requested)
        let newLate = AllocationPricing.daysLate(allocations, requested: requested)
        if newLate - oldLate > policy.override.maxExtraLateDays {
            func days(_ n: Int) -> String { n == 1 ? "1 day" : "\(n) days" }
            let before = oldLate == 0 ? "on time" : days(oldLate) + " late"
            reasons.append("arrives \(days(newLate)) late instead of \(before) (limit: \(days(policy.override.maxExtraLateDays)) more)")
        }
        return reasons
    }

    static func money(_ v: Double) -> String {
        let cents = Int((v * 100).rounded())
        return "\(cents / 100).\(String(format2(abs(cents % 100))))"
    }
    private static func format2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
