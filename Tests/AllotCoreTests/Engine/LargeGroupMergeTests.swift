import Testing
@testable import AllotCore

/// The split merger on groups of many buckets (a sku with stock at every site and dozens of inbound receipts), where
/// one-step merges run before the two-step chain search (`GroupSolver.shortChainsFirstFrom`).
@Suite("Split merges on groups of many buckets")
struct LargeGroupMergeTests {
    /// One sku at 4 sites with 20 receipts each (84 buckets), 260 lines in 3 regions asking more than any one receipt
    /// (other shapes: fewer sites, receipts, lines or regions).
    static func scenario(seed: UInt64, splitPenalty: Double, sites: Int = 4, receipts: Int = 20, lines: Int = 260,
                         regions: Int = 3) -> Scenario {
        var rng = SeededRandom(state: seed)
        var s = Scenario()
        s.policy.cost.splitPenalty = splitPenalty
        s.policy.cost.maxLateDays = 10
        s.item("SKU-1", cost: 5, price: 10)
        let regions = Array(["N", "S", "E"].prefix(regions))
        for w in 1...sites {
            var lanes: [String: (Int, Double)] = [:]
            for r in regions { lanes[r] = (Int.random(in: 1...3, using: &rng), Double(Int.random(in: 1...12, using: &rng)) * 0.25) }
            s.warehouse("W\(w)", handling: 1, lanes: lanes)
            s.stock("W\(w)", "SKU-1", Int.random(in: 20...60, using: &rng))
            for k in 0..<receipts {
                s.snapshot.receipts.append(Receipt(id: "PO-\(w)-\(k)", warehouseID: "W\(w)", sku: "SKU-1",
                                                   qty: Int.random(in: 5...40, using: &rng), eta: s.asOf + Int.random(in: 0...8, using: &rng)))
            }
        }
        for (i, t) in ["A", "B"].enumerated() { for r in regions { s.customer("C\(i)\(r)", tier: t, region: r) } }
        for n in 0..<lines {
            s.order(String(format: "SO-%04d", n), customer: "C\(Int.random(in: 0..<2, using: &rng))\(regions[n % regions.count])",
                    due: Int.random(in: 0...6, using: &rng), lines: [("SKU-1", Int.random(in: 1...45, using: &rng))])
        }
        return s
    }

    @Test("merges keep every fill, never over-use a bucket, and lower cost plus split penalties", arguments: 0..<4)
    func mergesImprove(seed: Int) throws {
        let penalty = 25.0
        let merged = Self.scenario(seed: UInt64(seed), splitPenalty: penalty).plan()
        // The same sourcing problem without a penalty: the cheapest sourcing, before any merge, priced with the penalty.
        let unmerged = Self.scenario(seed: UInt64(seed), splitPenalty: 0).plan()
        let cheapest = PlanTotals(unmerged.lines, splitPenalty: penalty).summary.totalCost
        let buckets = Set(merged.lines.flatMap { $0.allocations.map { "\($0.warehouseID)|\($0.source)" } }).count
        #expect(buckets >= GroupSolver.shortChainsFirstFrom, "seed \(seed): only \(buckets) buckets used")

        #expect(merged.lines.map(\.allocated) == unmerged.lines.map(\.allocated), "seed \(seed): a merge changed a fill")
        let cap = EnginePropertyTests.supply(Self.scenario(seed: UInt64(seed), splitPenalty: penalty))
        for (k, u) in EnginePropertyTests.used(merged) { #expect(u <= cap[k] ?? 0, "seed \(seed): \(k) gives \(u) of \(cap[k] ?? 0)") }

        let splits = { (p: Plan) in p.lines.filter { $0.allocations.count > 1 }.count }
        #expect(splits(unmerged) > 0, "seed \(seed): nothing to merge")
        #expect(splits(merged) < splits(unmerged), "seed \(seed): \(splits(merged)) split lines of \(splits(unmerged))")
        #expect(merged.summary.totalCost < cheapest - 1e-6, "seed \(seed): \(merged.summary.totalCost) vs \(cheapest) unmerged")
    }
}
