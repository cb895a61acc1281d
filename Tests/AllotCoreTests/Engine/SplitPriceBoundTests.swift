import Testing
@testable import AllotCore

/// The price bound of the split merger (`SplitMerger.chainsBound`) against every chain, enumerated: it may rule a
/// search out only if no chain of it weighs less.
@Suite("Split merger price bound")
struct SplitPriceBoundTests {
    /// One sku at 3 sites with 3 receipts each (12 buckets), 60 lines in 2 regions, many of them split.
    static func scenario(seed: UInt64) -> Scenario {
        LargeGroupMergeTests.scenario(seed: seed, splitPenalty: 6, sites: 3, receipts: 3, lines: 60, regions: 2)
    }

    /// The least weight of any chain of up to `layers - 1` re-routings of `m` units by other lines than `i`, from `t`
    /// to a bucket with `m` free units, each step weighed as the search weighs it.
    static func cheapestChain(_ mg: SplitMerger, from t: Int, line i: Int, units m: Int, free: [Int]) -> Double {
        var best = Double.infinity
        func extend(_ u: Int, _ w: Double, _ steps: Int, _ lines: [Int], _ path: [Int]) {
            if steps > 0 && free[u] >= m { best = min(best, w) }
            guard steps < mg.layers - 1 else { return }
            for j in mg.holders[u] where j != i && !lines.contains(j) {
                let q = mg.qty(j, u)
                guard q >= m else { continue }
                let c = mg.lineClass[j]
                for v in mg.eligible[c] where v != u && !path.contains(v) {
                    let held = mg.allocations[j].contains { $0.b == v && $0.q > 0 }
                    let step = Double(m) * (mg.objective[c * mg.B + v] - mg.objective[c * mg.B + u])
                        + (held ? 0 : mg.penalty) - (q == m ? mg.penalty : 0)
                    extend(v, w + step, steps + 1, lines + [j], path + [v])
                }
            }
        }
        extend(t, 0, 0, [], [t])
        return best
    }

    /// Checks the bound for every split line's move of all its pieces to each eligible bucket short of room; returns
    /// how many moves were checked and how many the bound would have ruled out.
    static func check(_ mg: inout SplitMerger, seed: Int, maxChain: Int) -> (checked: Int, ruledOut: Int) {
        var checked = 0, ruledOut = 0
        mg.rebuildHolders()
        for i in mg.allocations.indices where mg.allocations[i].count > 1 {
            for t in mg.eligible[mg.lineClass[i]] {
                var free = mg.cap
                var units = 0
                for a in mg.allocations[i] where a.b != t { free[a.b] += a.q; units += a.q }
                let m = units - free[t]
                guard m > 0 else { continue }
                let targets = (0..<mg.B).filter { $0 != t && free[$0] >= m }
                guard let least = targets.map({ mg.price[$0] }).min() else { continue }
                let bound = mg.chainsBound(t, i, m, leastTargetPrice: least)
                let cheapest = cheapestChain(mg, from: t, line: i, units: m, free: free)
                #expect(bound <= cheapest + mg.priceMargin(units: m),
                        "seed \(seed), chains of \(maxChain): line \(i) to \(t), \(m) units: bound \(bound) over chain \(cheapest)")
                // Ruling out by the cutoff just above the cheapest chain would lose it (none: nothing to lose).
                let ruled = mg.chainsRuledOut(t, i, m, leastTargetPrice: least, first: mg.firstStepFloor(t, i, m),
                                              cutoff: cheapest + 2 * mg.priceMargin(units: m))
                #expect(!ruled || !cheapest.isFinite,
                        "seed \(seed), chains of \(maxChain): line \(i) to \(t), \(m) units: ruled out under chain \(cheapest)")
                checked += 1
                if bound >= mg.priceMargin(units: m) { ruledOut += 1 }
            }
        }
        return (checked, ruledOut)
    }

    @Test("never above the cheapest chain, at the cheapest sourcing and after merges moved pieces, whatever the prices",
          arguments: 0..<10)
    func boundHolds(seed: Int) {
        let s = Self.scenario(seed: UInt64(seed))
        let index = PlanningIndex(s.snapshot)
        var rng = SeededRandom(state: UInt64(seed) + 100)
        var checked = 0, ruledOut = 0, afterMerges = 0
        for skus in index.groups {
            let problem = GroupProblem(index: index, policy: s.policy, asOf: s.asOf, skus: skus, serviceBelow: [])
            let solver = GroupSolver(problem: problem, policy: s.policy)
            solver.fill(quotas: [], quotaIndexByLine: Array(repeating: [], count: problem.lines.count))
            solver.minimizeCost()
            solver.assignToLines()
            #expect(solver.bucketPrices.count == solver.B + 1)
            // The bound holds for any prices (the sourcing's make it tight): theirs, none, and random ones.
            let sourcing = solver.bucketPrices
            let random = (0...solver.B).map { _ in Double(Int.random(in: -40...40, using: &rng)) * 0.25 }
            for (k, prices) in [sourcing, [], random].enumerated() {
                solver.bucketPrices = prices
                for maxChain in 1...3 {
                    var mg = SplitMerger(solver, allocations: solver.allocations, cap: solver.cap, maxChain: maxChain,
                                         wholeLineChains: true)
                    let first = Self.check(&mg, seed: seed, maxChain: maxChain)
                    // After a pass of merges, pieces sit where their reduced costs are above 0.
                    mg.run(maxPasses: 1)
                    let after = Self.check(&mg, seed: seed, maxChain: maxChain)
                    checked += first.checked + after.checked
                    if k == 0 { ruledOut += first.ruledOut + after.ruledOut }
                    afterMerges += after.checked
                }
            }
        }
        #expect(checked > 50 && afterMerges > 0, "seed \(seed): \(checked) moves checked, \(afterMerges) after merges")
        #expect(ruledOut > 0, "seed \(seed): the sourcing's prices ruled out none of \(checked) moves")
    }
}
