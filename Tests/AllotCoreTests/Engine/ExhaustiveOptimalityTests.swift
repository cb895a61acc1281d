import Testing
@testable import AllotCore

/// Checks the engine against brute force: on tiny instances every integer allocation is enumerated, and the engine
/// must find the lexicographically best fill in priority order and, given it, the least total cost.
@Suite("Engine optimality against exhaustive search")
struct ExhaustiveOptimalityTests {
    struct Tiny {
        var scenario: Scenario
        var lines: [(order: String, region: String, due: Day, qty: Int, partial: Bool, tierClass: Int)]
        var buckets: [(warehouse: String, available: Day, cap: Int)]
        var lanes: [String: (transit: Int, cost: Double)]  // "W|R"
    }

    static func makeTiny(seed: UInt64, splitPenalty: Double) -> Tiny {
        var rng = SeededRandom(state: seed)
        var s = Scenario()
        s.policy.cost.maxLateDays = 2
        s.policy.cost.latenessPerUnitDay = 0.5
        s.policy.cost.splitPenalty = splitPenalty
        s.item("X")
        let regions = ["N", "S"]
        var lanes: [String: (Int, Double)] = [:]
        var buckets: [(String, Day, Int)] = []
        let costs = [0.5, 1.0, 1.5, 2.0, 3.0]
        for w in ["W1", "W2", "W3"] {
            var l: [String: (Int, Double)] = [:]
            for r in regions where Int.random(in: 0..<10, using: &rng) < 8 {
                l[r] = (Int.random(in: 0...4, using: &rng), costs[Int.random(in: 0..<costs.count, using: &rng)])
                lanes["\(w)|\(r)"] = l[r]
            }
            s.warehouse(w, lanes: l)
            let cap = Int.random(in: 0...4, using: &rng)
            s.stock(w, "X", cap)
            buckets.append((w, s.asOf, cap))
        }
        if Bool.random(using: &rng) {
            let w = ["W1", "W2", "W3"][Int.random(in: 0..<3, using: &rng)]
            let eta = s.asOf + Int.random(in: 0...5, using: &rng)
            let q = Int.random(in: 1...3, using: &rng)
            s.snapshot.receipts.append(Receipt(id: "PO-1", warehouseID: w, sku: "X", qty: q, eta: eta))
            buckets.append((w, eta, q))
        }
        s.customer("CA", tier: "A", region: "N"); s.customer("CB", tier: "B", region: "N")
        s.customer("DA", tier: "A", region: "S"); s.customer("DB", tier: "B", region: "S")
        var lines: [(String, String, Day, Int, Bool, Int)] = []
        for i in 1...4 {
            let region = regions[Int.random(in: 0..<2, using: &rng)]
            let tierA = Bool.random(using: &rng)
            let cust = (region == "N" ? "C" : "D") + (tierA ? "A" : "B")
            let due = Int.random(in: 1...6, using: &rng)
            let qty = Int.random(in: 1...3, using: &rng)
            let partial = Int.random(in: 0..<10, using: &rng) < 8
            s.order("SO-\(i)", customer: cust, due: due, lines: [("X", qty)], partial: partial)
            lines.append(("SO-\(i)", region, s.asOf + due, qty, partial, tierA ? 1 : 2))
        }
        return Tiny(scenario: s, lines: lines, buckets: buckets, lanes: lanes)
    }

    /// The contract's unit cost of serving a line from a bucket, or nil when the bucket cannot serve it in time.
    static func unitCost(_ t: Tiny, line l: Int, bucket b: Int) -> Double? {
        let bk = t.buckets[b], ln = t.lines[l]
        guard let lane = t.lanes["\(bk.warehouse)|\(ln.region)"] else { return nil }
        let arrival = bk.available + 1 + lane.transit
        let late = max(0, arrival - ln.due)
        guard late <= t.scenario.policy.cost.maxLateDays else { return nil }
        return lane.cost + 0.5 * Double(late)
    }

    /// Brute force: the best fill vector (in priority order) and the least cost that achieves it.
    static func bruteForce(_ t: Tiny) -> (fills: [Int], cost: Double) {
        let order = t.lines.indices.sorted { (t.lines[$0].tierClass, t.lines[$0].due, t.lines[$0].order) < (t.lines[$1].tierClass, t.lines[$1].due, t.lines[$1].order) }
        var cap = t.buckets.map(\.cap)
        var best: (fills: [Int], cost: Double) = ([], .infinity)
        var fills = [Int](repeating: 0, count: t.lines.count)
        let penalty = t.scenario.policy.cost.splitPenalty
        func visit(_ k: Int, _ cost: Double) {
            if k == order.count {
                let vec = order.map { fills[$0] }
                if best.fills.isEmpty || vec.lexicographicallyPrecedes(best.fills) == false && vec != best.fills {
                    best = (vec, cost)
                } else if vec == best.fills && cost < best.cost - 1e-12 {
                    best = (vec, cost)
                }
                return
            }
            let l = order[k]
            let elig = t.buckets.indices.filter { unitCost(t, line: l, bucket: $0) != nil }
            var x = [Int](repeating: 0, count: elig.count)
            func split(_ i: Int, _ used: Int, _ c: Double, _ parts: Int) {
                if i == elig.count {
                    if !t.lines[l].partial && used != 0 && used != t.lines[l].qty { return }
                    fills[l] = used
                    visit(k + 1, cost + c + penalty * Double(max(0, parts - 1)))
                    fills[l] = 0
                    return
                }
                let b = elig[i]
                for q in 0...min(cap[b], t.lines[l].qty - used) {
                    x[i] = q; cap[b] -= q
                    split(i + 1, used + q, c + Double(q) * unitCost(t, line: l, bucket: b)!, parts + (q > 0 ? 1 : 0))
                    cap[b] += q
                }
            }
            split(0, 0, 0, 0)
        }
        visit(0, 0)
        return best
    }

    /// Returns the engine's cost over the optimum (1 = optimal), or nil when the fills were already wrong.
    @discardableResult
    /// `searchEffort`: the policy's `cost.split_search_effort` (nil: the default policy's).
    static func check(seed: UInt64, splitPenalty: Double, searchEffort: Int? = nil) -> Double? {
        var t = makeTiny(seed: seed, splitPenalty: splitPenalty)
        if let searchEffort { t.scenario.policy.cost.splitSearchEffort = searchEffort }
        let plan = t.scenario.plan()
        let order = t.lines.indices.sorted { (t.lines[$0].tierClass, t.lines[$0].due, t.lines[$0].order) < (t.lines[$1].tierClass, t.lines[$1].due, t.lines[$1].order) }
        let got = order.map { plan.line(t.lines[$0].order).allocated }
        let best = bruteForce(t)
        #expect(got == best.fills, "seed \(seed): fills \(got) but the best is \(best.fills)")
        guard got == best.fills else { return nil }
        #expect(plan.summary.totalCost >= best.cost - 1e-9, "seed \(seed): cost below the optimum means the check is wrong")
        if splitPenalty == 0 {
            #expect(abs(plan.summary.totalCost - best.cost) < 1e-9, "seed \(seed): cost \(plan.summary.totalCost), optimum \(best.cost)")
        }
        return best.cost > 0 ? plan.summary.totalCost / best.cost : (plan.summary.totalCost == 0 ? 1 : .infinity)
    }

    @Test("without a split penalty, fills are the exact priority optimum and cost equals the true minimum", arguments: 0..<8)
    func exactWithoutPenalty(batch: Int) {
        for seed in UInt64(batch * 40)..<UInt64(batch * 40 + 40) { ExhaustiveOptimalityTests.check(seed: seed, splitPenalty: 0) }
    }

    /// The split penalty makes the exact problem a MIP; the engine's repair (re-solves with split lines fixed whole,
    /// merges of pieces with chains of other lines' moves, re-packings of pairs and the default policy's kick) finds the
    /// optimum on every one of these instances. (On 800 other seeds, 1 ended above it, by 16%: a local search, not an
    /// exact solver.)
    @Test("with a split penalty, fills stay exact and cost is near the true minimum")
    func nearWithPenalty() {
        var ratios: [Double] = []
        for seed in UInt64(1000)..<UInt64(1320) {
            if let r = ExhaustiveOptimalityTests.check(seed: seed, splitPenalty: 5) { ratios.append(r) }
        }
        let within = ratios.filter { $0 <= 1.01 }.count
        #expect(within == ratios.count, "only \(within) of \(ratios.count) within 1%")
        #expect(ratios.max() ?? 1 <= 1.01, "worst ratio \(ratios.max() ?? 1)")
    }

    /// The further search (`cost.split_search_effort`, 1 kick by default) keeps a change only when the total falls:
    /// never above the cost without it, nor 20 kicks above 1. On these 800 seeds, without it the engine ends above the
    /// optimum twice (the worst by 16%); with it, by default or with 20 kicks, once (the same 16%: still a local
    /// search, not an exact solver).
    @Test("with a split penalty and the further search, cost is never above that without it and reaches the minimum more often")
    func furtherSearch() {
        var above = (off: 0, byDefault: 0, searched: 0), worst = 1.0
        for seed in UInt64(2000)..<UInt64(2800) {
            guard let off = ExhaustiveOptimalityTests.check(seed: seed, splitPenalty: 5, searchEffort: 0),
                  let byDefault = ExhaustiveOptimalityTests.check(seed: seed, splitPenalty: 5),
                  let searched = ExhaustiveOptimalityTests.check(seed: seed, splitPenalty: 5, searchEffort: 20) else { continue }
            #expect(byDefault <= off + 1e-12, "seed \(seed): the default search ended at \(byDefault) of the optimum, without it \(off)")
            #expect(searched <= byDefault + 1e-12, "seed \(seed): 20 kicks ended at \(searched) of the optimum, the default at \(byDefault)")
            if off > 1 + 1e-9 { above.off += 1 }
            if byDefault > 1 + 1e-9 { above.byDefault += 1 }
            if searched > 1 + 1e-9 { above.searched += 1 }
            worst = max(worst, searched)
        }
        #expect(above.off == 2 && above.byDefault == 1 && above.searched == 1, "above the optimum: \(above)")
        #expect(worst < 1.2, "worst ratio with the further search \(worst)")
    }
}
