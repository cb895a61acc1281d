/// The third step of a group's solve: with every line's fill fixed and the cheapest sourcing found
/// (`Transportation`), lines are handed their units and merged against the split penalty.
extension GroupSolver {
    /// Hands the units per bucket to the lines, keeping lines whole where the amounts allow.
    ///
    /// Lines of classes merged into one cost source are interchangeable, so they are packed together (largest
    /// first, each into the smallest amount that takes it whole); the classes' flows are then rewritten to match.
    func assignToLines() {
        allocations = Array(repeating: [], count: p.lines.count)
        let src = costSources
        var changed = false
        var left: [(b: Int, q: Int)] = []
        for s in 0..<src.count {
            let members = src.members(s)
            left.removeAll(keepingCapacity: true)
            for b in src.eligible[s] {
                var q = 0
                for c in members { q += flow[c * B + b] }
                if q > 0 { left.append((b, q)) }
            }
            guard !left.isEmpty else { continue }
            var lines: [Int] = []
            for c in members { for l in p.lines(of: c) where p.lines[l].fill > 0 && fixedAt[l] < 0 { lines.append(l) } }
            lines.sort { (p.lines[$0].fill, -$0) > (p.lines[$1].fill, -$1) }
            for l in lines {
                var need = p.lines[l].fill
                // Best fit: the smallest remaining amount that takes the whole line.
                var fit = -1
                for k in left.indices where left[k].q >= need && (fit < 0 || left[k].q < left[fit].q) { fit = k }
                if fit >= 0 { allocations[l].append((left[fit].b, need)); left[fit].q -= need; need = 0 }
                while need > 0 {
                    var big = -1
                    for k in left.indices where left[k].q > 0 && (big < 0 || left[k].q > left[big].q) { big = k }
                    guard big >= 0 else { break }
                    let take = min(need, left[big].q)
                    allocations[l].append((left[big].b, take)); left[big].q -= take; need -= take
                }
                precondition(need == 0, "class flow does not cover its lines' fills")
            }
            guard members.count > 1 else { continue }
            // Rewrite the member classes' flows from the packing (line-less classes take what the lines left).
            var lineless: [(c: Int, q: Int)] = []
            for c in members where p.lines(of: c).isEmpty {
                var q = 0
                for b in src.eligible[s] { q += flow[c * B + b] }
                if q > 0 { lineless.append((c, q)) }
            }
            for c in members { for b in src.eligible[s] { flow[c * B + b] = 0 } }
            for l in lines { for a in allocations[l] { flow[p.lines[l].cls * B + a.b] += a.q } }
            var k = 0
            for (c, q) in lineless {
                var need = q
                while need > 0 {
                    while left[k].q == 0 { k += 1 }
                    let take = min(need, left[k].q)
                    flow[c * B + left[k].b] += take; left[k].q -= take; need -= take
                }
            }
            changed = true
        }
        if changed { reachStale = true }
        for l in fixedAt.indices where fixedAt[l] >= 0 { allocations[l] = [(fixedAt[l], p.lines[l].fill)] }
    }

    /// The objective of the current line allocations: arc costs plus split penalties.
    func totalObjective() -> Double {
        var total = 0.0
        for l in allocations.indices where !allocations[l].isEmpty {
            let c = p.lines[l].cls
            for a in allocations[l] { total += Double(a.q) * p.objective[c * B + a.b] }
            total += policy.cost.splitPenalty * Double(allocations[l].count - 1)
        }
        return total
    }

    /// Tries making split lines whole by fixing each on one bucket and re-solving the rest of the group's
    /// sourcing (and, one level deeper, fixing a line that the re-solve split in turn); keeps a change only when
    /// cost plus split penalties falls. `budget` bounds the re-solves.
    func repairSplits(budget: Int) {
        guard policy.cost.splitPenalty > 0 else { return }
        var left = budget
        var current = totalObjective()
        var changed = true
        while changed && left > 0 {
            changed = false
            for i in allocations.indices where allocations[i].count > 1 && fixedAt[i] < 0 {
                let saved = (flow, cap, reach, allocations, fixedAt)
                if let v = bestFix(i, depth: 2, budget: &left), v < current - 1e-9 {
                    current = v; changed = true; break
                }
                (flow, cap, reach, allocations, fixedAt) = saved
                if left <= 0 { break }
            }
        }
    }

    /// Fixes line `i` whole on the bucket that gives the lowest objective after re-solving (recursing into lines
    /// the re-solve splits), leaving that state applied; returns its objective, or nil when nothing was feasible.
    private func bestFix(_ i: Int, depth: Int, budget: inout Int) -> Double? {
        let c = p.lines[i].cls, need = p.lines[i].fill
        let start = (flow, cap, reach, allocations, fixedAt)
        var best: (v: Double, state: ([Int], [Int], [Int], [[(b: Int, q: Int)]], [Int]))?
        let before = Set(allocations.indices.filter { allocations[$0].count > 1 })
        for t in eligible[c] where p.buckets[t].capacity >= need && budget > 0 {
            budget -= 1
            (flow, cap, reach, allocations, fixedAt) = start
            for a in allocations[i] { change(c, a.b, -a.q) }
            cap[t] -= need
            fixedAt[i] = t
            if cap[t] < 0 && !pushOut(from: t, units: -cap[t]) { continue }
            minimizeCost()
            assignToLines()
            // Cheap merges finish what the re-solve left split (a re-solve optimises cost, not pieces).
            mergeSplits(maxPasses: 2, wholeLineChains: false)
            syncFlowWithAllocations(keepingFixed: true)
            var v = totalObjective()
            if depth > 1 {
                for j in allocations.indices where allocations[j].count > 1 && fixedAt[j] < 0 && !before.contains(j) {
                    let here = (flow, cap, reach, allocations, fixedAt)
                    if let w = bestFix(j, depth: depth - 1, budget: &budget), w < v - 1e-9 { v = w } else {
                        (flow, cap, reach, allocations, fixedAt) = here
                    }
                    break
                }
            }
            if best == nil || v < best!.v - 1e-9 { best = (v, (flow, cap, reach, allocations, fixedAt)) }
        }
        guard let b = best else { (flow, cap, reach, allocations, fixedAt) = start; return nil }
        (flow, cap, reach, allocations, fixedAt) = b.state
        return b.v
    }

    /// Re-routes `units` of class flow out of an over-full bucket into buckets with free units.
    func pushOut(from t: Int, units: Int) -> Bool {
        freshReach()
        // (Checked in debug builds: the split repair saves and restores reach with the rest of its state.)
        assert(reach == reachFromFlow(), "re-routing reach does not match the flow")
        var left = units
        var parent = [Int](repeating: -1, count: B)
        while left > 0 {
            for i in 0..<B { parent[i] = -1 }
            parent[t] = -2
            var queue = [t], head = 0, found = -1
            search: while head < queue.count {
                let b = queue[head]; head += 1
                for b2 in 0..<B where parent[b2] == -1 && reach[b * B + b2] > 0 {
                    parent[b2] = b
                    if cap[b2] > 0 { found = b2; break search }
                    queue.append(b2)
                }
            }
            if found < 0 { return false }
            var d = min(left, cap[found])
            var x = found
            while parent[x] != -2 { d = min(d, reach[parent[x] * B + x]); x = parent[x] }
            x = found
            while parent[x] != -2 { let from = parent[x]; move(d, from: from, to: x); x = from }
            left -= d
        }
        return true
    }
}
