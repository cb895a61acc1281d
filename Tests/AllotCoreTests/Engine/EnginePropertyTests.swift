import Testing
@testable import AllotCore

/// Invariants that hold for every instance, checked over many random ones.
@Suite("Engine invariants over random instances")
struct EnginePropertyTests {
    static let skus = ["A-1", "B-2", "C-3"]
    static let regions = ["N", "S", "E"]

    static func random(seed: UInt64, quotas: Bool = false, commitments: Bool = false, fairShare: Bool = false) -> Scenario {
        var rng = SeededRandom(state: seed)
        var s = Scenario()
        s.policy.cost.maxLateDays = 3
        s.policy.cost.splitPenalty = [0, 5, 25][Int.random(in: 0..<3, using: &rng)]
        if fairShare { s.policy.priority.withinClass = .fairShare }
        for sku in skus { s.item(sku, family: "F", cost: 5, price: 10, critical: Int.random(in: 0..<6, using: &rng) == 0) }
        for w in ["W1", "W2", "W3", "W4"] {
            var lanes: [String: (Int, Double)] = [:]
            for r in regions where Int.random(in: 0..<10, using: &rng) < 7 {
                lanes[r] = (Int.random(in: 0...4, using: &rng), Double(Int.random(in: 1...8, using: &rng)) * 0.25)
            }
            s.warehouse(w, handling: Int.random(in: 0...1, using: &rng), lanes: lanes)
            for sku in skus where Int.random(in: 0..<10, using: &rng) < 7 {
                s.stock(w, sku, Int.random(in: 0...30, using: &rng), reserved: Int.random(in: 0...3, using: &rng),
                        safety: Int.random(in: 0...3, using: &rng))
            }
        }
        for k in 0..<3 {
            let sku = skus[Int.random(in: 0..<3, using: &rng)]
            s.snapshot.receipts.append(Receipt(id: "PO-\(k)", warehouseID: "W\(Int.random(in: 1...4, using: &rng))", sku: sku,
                                               qty: Int.random(in: 1...20, using: &rng), eta: s.asOf + Int.random(in: 0...6, using: &rng)))
        }
        let tiers = ["strategic", "A", "B", "C"]
        for (i, t) in tiers.enumerated() { for r in regions { s.customer("C\(i)\(r)", tier: t, region: r) } }
        for n in 0..<40 {
            let cust = "C\(Int.random(in: 0..<4, using: &rng))\(regions[Int.random(in: 0..<3, using: &rng)])"
            s.order(String(format: "SO-%03d", n), customer: cust, due: Int.random(in: 0...8, using: &rng),
                    ordered: -Int.random(in: 0...5, using: &rng),
                    lines: [(skus[Int.random(in: 0..<3, using: &rng)], Int.random(in: 1...15, using: &rng))],
                    partial: Int.random(in: 0..<10, using: &rng) < 8)
        }
        if quotas {
            s.snapshot.quotas.append(Quota(skuOrFamily: "A-1", tier: "B", maxQty: Int.random(in: 0...20, using: &rng)))
            s.snapshot.quotas.append(Quota(skuOrFamily: "F", tier: "C", maxQty: Int.random(in: 0...20, using: &rng)))
        }
        if commitments {
            s.snapshot.commitments.append(Commitment(customerID: "C3N", sku: skus[Int.random(in: 0..<3, using: &rng)],
                                                     qty: Int.random(in: 1...20, using: &rng)))
        }
        return s
    }

    /// Units each bucket may give: on-hand ATP per (warehouse, sku) and each receipt's qty.
    static func supply(_ s: Scenario) -> [String: Int] {
        var cap: [String: Int] = [:]
        for p in s.snapshot.inventory { cap["\(p.warehouseID)|\(p.sku)|on_hand"] = max(0, p.onHand - p.reserved - p.safetyStock) }
        for r in s.snapshot.receipts { cap["\(r.warehouseID)|\(r.sku)|receipt:\(r.id)"] = r.qty }
        return cap
    }

    static func used(_ plan: Plan) -> [String: Int] {
        var used: [String: Int] = [:]
        for l in plan.lines { for a in l.allocations { used["\(a.warehouseID)|\(l.sku)|\(a.source)", default: 0] += a.qty } }
        return used
    }

    /// Whether a bucket (by key) can reach a line in time by its ground lane (these instances have no transfers).
    static func eligible(_ s: Scenario, bucket key: String, line: OrderLine) -> Bool {
        let parts = key.split(separator: "|").map(String.init)
        guard parts[1] == line.sku, let order = s.snapshot.orders.first(where: { $0.id == line.orderID }),
              let cust = s.snapshot.customers.first(where: { $0.id == order.customerID }),
              let wh = s.snapshot.warehouses.first(where: { $0.id == parts[0] }),
              let lane = s.snapshot.lanes.first(where: { $0.from == wh.id && $0.toRegion == cust.region }) else { return false }
        var available = s.asOf
        if parts[2].hasPrefix("receipt:"), let r = s.snapshot.receipts.first(where: { "receipt:\($0.id)" == parts[2] }) {
            available = max(s.asOf, r.eta)
        }
        let arrival = available + wh.handlingDays + lane.transitDays
        return arrival - order.requestedDate <= s.policy.cost.maxLateDays
    }

    @Test("no bucket ever gives more than it has, and no line gets more than it asked", arguments: 0..<40)
    func neverOverAllocates(seed: Int) {
        let s = EnginePropertyTests.random(seed: UInt64(seed), quotas: seed % 2 == 0, commitments: seed % 3 == 0, fairShare: seed % 4 == 1)
        let plan = s.plan()
        let cap = EnginePropertyTests.supply(s)
        for (k, u) in EnginePropertyTests.used(plan) { #expect(u <= cap[k] ?? 0, "seed \(seed): \(k) gives \(u) of \(cap[k] ?? 0)") }
        for l in plan.lines {
            #expect(l.allocated + l.short == l.requested)
            #expect(l.allocations.allSatisfy { $0.qty > 0 })
        }
    }

    @Test("priority dominates: a short line has no eligible stock left free or held by a later line", arguments: 0..<40)
    func priorityDominates(seed: Int) {
        let s = EnginePropertyTests.random(seed: UInt64(1000 + seed))
        let plan = s.plan()
        let cap = EnginePropertyTests.supply(s)
        let used = EnginePropertyTests.used(plan)
        // The policy's order: class (tier, lifted by a critical item), then first come first served.
        func key(_ r: LineRecommendation) -> (Int, Day, Day, String, Int) {
            let o = s.snapshot.orders.first { $0.id == r.orderID }!
            return (r.priorityClass, o.requestedDate, o.orderDate, o.id, r.lineNo)
        }
        let lineOf = Dictionary(uniqueKeysWithValues: s.snapshot.lines.map { ($0.key, $0) })
        for short in plan.lines where short.short > 0 && lineOf[short.key]!.allowPartial {
            for (bucket, c) in cap where EnginePropertyTests.eligible(s, bucket: bucket, line: lineOf[short.key]!) {
                #expect((used[bucket] ?? 0) >= c, "seed \(seed): \(short.key) is short while \(bucket) has free units")
                for later in plan.lines where key(later) > key(short) {
                    let takes = later.allocations.contains { "\($0.warehouseID)|\(later.sku)|\($0.source)" == bucket }
                    #expect(!takes, "seed \(seed): later line \(later.key) holds \(bucket) that short \(short.key) could use")
                }
            }
        }
    }

    @Test("quotas cap what a tier gets of a sku or a family", arguments: 0..<30)
    func quotasHold(seed: Int) {
        let s = EnginePropertyTests.random(seed: UInt64(2000 + seed), quotas: true)
        let plan = s.plan()
        for q in s.snapshot.quotas {
            var got = 0
            for l in plan.lines {
                let o = s.snapshot.orders.first { $0.id == l.orderID }!
                let tier = s.snapshot.customers.first { $0.id == o.customerID }!.tier
                let fam = s.snapshot.items.first { $0.sku == l.sku }?.family
                if tier == q.tier && (q.skuOrFamily == l.sku || q.skuOrFamily == fam) { got += l.allocated }
            }
            #expect(got <= q.maxQty, "seed \(seed): tier \(q.tier) got \(got) of \(q.skuOrFamily), quota \(q.maxQty)")
        }
    }

    @Test("a commitment's customer gets its protected units before any other line could", arguments: 0..<30)
    func commitmentsHold(seed: Int) {
        var s = EnginePropertyTests.random(seed: UInt64(3000 + seed), commitments: true)
        // Make the committed customer's demand all-partial so the protected quantity is measurable.
        for i in s.snapshot.lines.indices { s.snapshot.lines[i].allowPartial = true }
        let plan = s.plan()
        let c = s.snapshot.commitments[0]
        let mine = plan.lines.filter { l in l.sku == c.sku && s.snapshot.orders.first { $0.id == l.orderID }!.customerID == c.customerID }
        let asked = mine.reduce(0) { $0 + $1.requested }, got = mine.reduce(0) { $0 + $1.allocated }
        // Whatever the customer could reach at all, up to the commitment, it gets (it is served first).
        let alone = { () -> Int in
            var t = s
            t.snapshot.orders.removeAll { $0.customerID != c.customerID }
            t.snapshot.lines.removeAll { l in !t.snapshot.orders.contains { $0.id == l.orderID } || l.sku != c.sku }
            return t.plan().lines.reduce(0) { $0 + $1.allocated }
        }()
        #expect(got >= min(c.qty, asked, alone), "seed \(seed): committed customer got \(got), asked \(asked), reachable \(alone)")
    }

    @Test("the same inputs give byte-identical plans", arguments: 0..<10)
    func deterministic(seed: Int) {
        let s = EnginePropertyTests.random(seed: UInt64(4000 + seed), quotas: true, commitments: true, fairShare: seed % 2 == 0)
        #expect(PlanJSON.encode(s.plan()) == PlanJSON.encode(s.plan()))
    }
}
