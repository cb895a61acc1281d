/// Local search against the split penalty: moves that reduce a split line's pieces whenever the total of cost and
/// split penalties falls.
extension GroupSolver {
    /// Lowers cost plus split penalties after the cheapest sourcing: cheap local merges everywhere, and on groups
    /// small enough for it, exact re-solves with split lines fixed whole (`repairSplits`), alternating with merges
    /// while the total falls; then, everywhere, exact re-packings of the pairs of buckets split lines draw on
    /// (`repackPairs`), which reach what no short chain of moves does, and, unless the policy turns it off
    /// (`cost.split_search_effort = 0`), a further search: every pair re-packed, then kicks.
    func improveSplits() {
        guard policy.cost.splitPenalty > 0 else { return }
        let splitLines = allocations.reduce(0) { $0 + ($1.count > 1 ? 1 : 0) }
        guard splitLines > 0 else { return }
        // Each re-solve costs a transportation solve of the whole group: spend them where the group is small.
        // Larger groups get the local merges only (re-solves there cost more than they save: on the generated
        // scenario, merges alone end within 0.5% of re-solving up to 24 times per group, at a fifth of the time).
        if isSmall {
            let budget = 200
            for _ in 0..<4 {
                let before = totalObjective()
                if allocations.contains(where: { $0.count > 1 }) {
                    syncFlowWithAllocations()
                    repairSplits(budget: budget)
                }
                mergeSplits(wholeLineChains: true)
                if totalObjective() >= before - 1e-9 { break }
            }
        } else {
            mergeSplits(wholeLineChains: false)
        }
        repackPairs(kicks: policy.cost.splitSearchEffort)
    }

    /// Whether the group is small enough (classes times buckets) for exact re-solves and three-step merge chains.
    var isSmall: Bool { C * B <= GroupSolver.smallGroupSize }
    static let smallGroupSize = 64

    /// The group size from which one-step merges run first. There a two-step search reads a row per bucket reached;
    /// run over every split line from the start, it made most of a re-plan's time (1M-event ingest mirror, 100-150
    /// buckets per sku: 3.4 processor-s to plan 20k lines, 2.1 s with one-step merges first; total cost +0.05%).
    static let shortChainsFirstFrom = 64

    /// Makes the classes' flow (and free units and reach) match the lines' allocations after local merges moved
    /// line pieces; lines fixed by an earlier repair rejoin their class's flow (unless `keepingFixed` and still
    /// where they were fixed), and classes without lines (protected units) keep theirs.
    func syncFlowWithAllocations(keepingFixed: Bool = false) {
        // Free units are kept right by the merges; what is in use is the lines' pieces plus protected units.
        var capacity = cap
        for c in 0..<C where p.lines(of: c).isEmpty { for b in eligible[c] { capacity[b] += flow[c * B + b] } }
        for c in 0..<C where !p.lines(of: c).isEmpty { for b in eligible[c] { flow[c * B + b] = 0 } }
        for l in allocations.indices {
            for a in allocations[l] { capacity[a.b] += a.q }
            if keepingFixed && fixedAt[l] >= 0 && allocations[l].count == 1 && allocations[l][0].b == fixedAt[l] {
                capacity[fixedAt[l]] -= allocations[l][0].q  // still fixed: its units stay outside the flow
                continue
            }
            for a in allocations[l] { flow[p.lines[l].cls * B + a.b] += a.q }
            fixedAt[l] = -1
        }
        rebuildFromFlow(capacity: capacity)
    }

    /// Merges split lines' pieces while the total falls (see `SplitMerger`).
    ///
    /// Chains re-route up to three other lines in small groups (`isSmall`), and up to two beyond: a third step
    /// multiplies a search by the group's buckets, and cost the most for the least. (1M-line scenario, 14-15 buckets
    /// a group: three steps in groups of up to 16 buckets took 0.9 processor-s more than two, a tenth of the plan,
    /// for 0.048% of total cost, 592 more split lines of 96k.) Groups of `shortChainsFirstFrom` buckets or more first merge with
    /// one-step chains, and only then search two steps, over the few split lines left.
    func mergeSplits(maxPasses: Int = 8, maxChain: Int? = nil, wholeLineChains: Bool) {
        guard policy.cost.splitPenalty > 0 else { return }
        if maxChain == nil && B >= GroupSolver.shortChainsFirstFrom {
            mergeSplits(maxPasses: maxPasses, maxChain: 1, wholeLineChains: wholeLineChains)
        }
        let maxChain = maxChain ?? (isSmall ? 3 : 2)
        var merger = SplitMerger(self, allocations: allocations, cap: cap, maxChain: maxChain, wholeLineChains: wholeLineChains)
        // The merger owns the allocations and free units while it runs (no copy on its first write).
        allocations = []; cap = []
        merger.run(maxPasses: maxPasses)
        allocations = merger.allocations; cap = merger.cap
    }
}
