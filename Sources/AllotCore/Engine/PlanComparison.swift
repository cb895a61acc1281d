/// Two plans of the same snapshot under different policies, compared: fill rate by tier, cost, exceptions by
/// type, and the lines whose recommendation changes (what `allot plan --what-if` shows).
public struct PlanComparison: Sendable {
    public struct TierFill: Sendable, Hashable {
        public var tier: String
        public var requested: Int
        public var base: Int
        public var other: Int
    }
    public struct Change: Sendable, Hashable {
        public var key: LineKey
        public var base: LineRecommendation
        public var other: LineRecommendation
    }
    public var tiers: [TierFill] = []
    public var exceptions: [(kind: ExceptionKind, base: Int, other: Int)] = []
    public var changes: [Change] = []
    public var base: PlanSummary
    public var other: PlanSummary

    public init(snapshot: Snapshot, base: Plan, other: Plan, tierOrder: [String]) {
        self.base = base.summary
        self.other = other.summary
        var tierOf: [OrderID: String] = [:]
        var customerTier: [CustomerID: String] = [:]
        for c in snapshot.customers { customerTier[c.id] = c.tier }
        for o in snapshot.orders { tierOf[o.id] = customerTier[o.customerID] ?? "" }
        var fill: [String: TierFill] = [:]
        for r in base.lines {
            let t = tierOf[r.orderID] ?? ""
            fill[t, default: TierFill(tier: t, requested: 0, base: 0, other: 0)].requested += r.requested
            fill[t]!.base += r.allocated
        }
        var otherByKey: [LineKey: LineRecommendation] = [:]
        for r in other.lines {
            otherByKey[r.key] = r
            let t = tierOf[r.orderID] ?? ""
            fill[t, default: TierFill(tier: t, requested: 0, base: 0, other: 0)].other += r.allocated
        }
        tiers = fill.values.sorted {
            let a = tierOrder.firstIndex(of: $0.tier) ?? tierOrder.count, b = tierOrder.firstIndex(of: $1.tier) ?? tierOrder.count
            return (a, $0.tier) < (b, $1.tier)
        }
        var counts: [ExceptionKind: (Int, Int)] = [:]
        for r in base.lines { for e in r.exceptions { counts[e, default: (0, 0)].0 += 1 } }
        for r in other.lines { for e in r.exceptions { counts[e, default: (0, 0)].1 += 1 } }
        exceptions = ExceptionKind.allCases.compactMap { k in counts[k].map { (k, $0.0, $0.1) } }
        for r in base.lines {
            guard let o = otherByKey[r.key] else { continue }
            if o.allocations != r.allocations || o.status != r.status || o.exceptions != r.exceptions {
                changes.append(Change(key: r.key, base: r, other: o))
            }
        }
    }
}
