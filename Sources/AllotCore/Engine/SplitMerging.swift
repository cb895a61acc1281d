/// Local search against the split penalty: moves that reduce a split line's pieces whenever the total of cost and
/// split penalties falls.
extension GroupSolver {
    /// Lowers cost plus split penalties after the cheapest sourcing: cheap local merges everywhere, and on groups
    /// small enough for it, exact re-solves with split lines fixed whole (`repairSplits`), alternating with merges
    /// while the total falls.
    func improveSplits() {
        guard policy.cost.splitPenalty > 0 else { return }
        let splitLines = allocations.reduce(0) { $0 + ($1.count > 1 ? 1 : 0) }
        guard splitLines > 0 else { return }
        // Each re-solve costs a transportation solve of the whole group: spend them where the group is small.
        let size = C * B
        // Larger groups get the local merges only (re-solves there cost more than they save: on the generated
        // scenario, merges alone end within 0.5% of re-solving up to 24 times per group, at a fifth of the time).
        guard size <= 64 else { mergeSplits(wholeLineChains: false); return }
        let budget = 200
        for _ in 0..<4 {
            let before = totalObjective()
            if allocations.contains(where: { $0.count > 1 }) {
                syncFlowWithAllocations()
                repairSplits(budget: budget)
            }
            mergeSplits(wholeLineChains: true)
            if totalObjective() >= before - 1e-9 { return }
        }
    }

    /// Makes the classes' flow (and free units and reach) match the lines' allocations after local merges moved
    /// line pieces; lines fixed by an earlier repair rejoin their class's flow (unless `keepingFixed` and still
    /// where they were fixed), and classes without lines (protected units) keep theirs.
    func syncFlowWithAllocations(keepingFixed: Bool = false) {
        // Free units are kept right by the merges; what is in use is the lines' pieces plus protected units.
        var capacity = cap
        for c in 0..<C where p.classes[c].lines.isEmpty { for b in eligible[c] { capacity[b] += flow[c * B + b] } }
        for c in 0..<C where !p.classes[c].lines.isEmpty { for b in eligible[c] { flow[c * B + b] = 0 } }
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

    /// Merges split lines' pieces while the total falls. A move takes pieces of a split line to one bucket `t` —
    /// all of them (the line becomes whole) or a single piece onto a bucket the line already uses (one piece
    /// fewer) — and pushes the units `t` lacks out along a short chain of other lines' re-routings (each moving a
    /// whole piece of exactly those units) to a bucket with free units. The best move of a line is applied, and the
    /// passes repeat until none improves.
    ///
    /// Weights of the chain graph are built lazily, one bucket's row at a time, into buffers reused across moves.
    func mergeSplits(maxPasses: Int = 8, maxChain: Int = 3, wholeLineChains: Bool) {
        let penalty = policy.cost.splitPenalty
        guard penalty > 0 else { return }
        let B = self.B
        func obj(_ l: Int, _ b: Int) -> Double { p.objective[p.lines[l].cls * B + b] }
        func qty(_ l: Int, _ b: Int) -> Int {
            for a in allocations[l] where a.b == b { return a.q }
            return 0
        }
        func add(_ l: Int, _ b: Int, _ d: Int) {
            if let k = allocations[l].firstIndex(where: { $0.b == b }) {
                allocations[l][k].q += d
                if allocations[l][k].q == 0 { allocations[l].remove(at: k) }
            } else { allocations[l].append((b, d)) }
            cap[b] -= d
        }
        var holders = [[Int]](repeating: [], count: B)
        func rebuildHolders() {
            for b in 0..<B { holders[b].removeAll(keepingCapacity: true) }
            for l in allocations.indices { for a in allocations[l] { holders[a.b].append(l) } }
        }
        // Chain search buffers: one row of weights per bucket (built on first use in a move), and per chain length
        // k the best weight of reaching each bucket in at most k steps with the bucket it came from (-1: as in k-1).
        var weight = [Double](repeating: .infinity, count: B * B)
        var mover = [Int](repeating: -1, count: B * B)
        var rowStamp = [Int](repeating: -1, count: B)
        var stamp = 0
        let layers = maxChain + 1
        var dist = [Double](repeating: .infinity, count: layers * B)
        var par = [Int](repeating: -1, count: layers * B)
        var free = cap
        var path: [Int] = []
        func pathTo(_ k: Int, _ v: Int) -> [Int] {
            var out: [Int] = [], k = k, v = v
            while k > 0 {
                if par[k * B + v] >= 0 { out.append(v); v = par[k * B + v] }
                k -= 1
            }
            out.append(v)
            return out.reversed()
        }
        func row(_ u: Int, _ i: Int, _ m: Int) {
            guard rowStamp[u] != stamp else { return }
            rowStamp[u] = stamp
            for v in 0..<B { weight[u * B + v] = .infinity; mover[u * B + v] = -1 }
            for j in holders[u] where j != i {
                let ju = qty(j, u)
                guard ju >= m else { continue }
                let base = -Double(m) * obj(j, u) - (ju == m ? penalty : 0)
                for v in eligible[p.lines[j].cls] where v != u {
                    let w = base + Double(m) * obj(j, v) + (qty(j, v) > 0 ? 0 : penalty)
                    if w < weight[u * B + v] { weight[u * B + v] = w; mover[u * B + v] = j }
                }
            }
        }
        var moved = false
        for _ in 0..<maxPasses {
            var improved = false
            rebuildHolders()
            // Whole lines can gain only once something moved (the starting sourcing is the cheapest), unless asked.
            for i in allocations.indices where allocations[i].count > 1 || (!allocations[i].isEmpty && (wholeLineChains || moved)) {
                let c = p.lines[i].cls
                let parts = allocations[i]
                // A whole line moves only to a cheaper bucket (and, unless asked, only into free units).
                let whole = parts.count == 1
                var best: (delta: Double, t: Int, moved: [Int], chain: [(from: Int, to: Int, line: Int)], m: Int)?
                // Candidate moves: (target, pieces moved there).
                var moves: [(t: Int, moved: [Int])] = []
                for t in eligible[c] where !whole || (t != parts[0].b && obj(i, t) < obj(i, parts[0].b)) {
                    if whole && !wholeLineChains && cap[t] < parts[0].q { continue }
                    moves.append((t, parts.indices.filter { parts[$0].b != t }))
                }
                if parts.count > 2 {
                    for (k, s) in parts.enumerated() { for t in parts where t.b != s.b { moves.append((t.b, [k])) } }
                }
                for mv in moves {
                    let t = mv.t
                    for b in 0..<B { free[b] = cap[b] }
                    var own = -penalty * Double(mv.moved.count - (parts.contains { $0.b == t } ? 0 : 1))

                    var units = 0
                    for k in mv.moved {
                        let s = parts[k]
                        free[s.b] += s.q; units += s.q
                        own += Double(s.q) * (obj(i, t) - obj(i, s.b))
                    }
                    let m = units - free[t]
                    if m <= 0 {
                        if own < -1e-9 && (best == nil || own < best!.delta - 1e-12) { best = (own, t, mv.moved, [], 0) }
                        continue
                    }
                    // Only a line holding at least m units at t can start the chain.
                    guard holders[t].contains(where: { $0 != i && qty($0, t) >= m }) else { continue }
                    stamp += 1
                    for k in 0..<(layers * B) { dist[k] = .infinity; par[k] = -1 }
                    dist[t] = 0
                    for k in 1..<layers {
                        for v in 0..<B { dist[k * B + v] = dist[(k - 1) * B + v] }
                        for u in 0..<B where dist[(k - 1) * B + u].isFinite {
                            row(u, i, m)
                            path = pathTo(k - 1, u)
                            for v in 0..<B where mover[u * B + v] >= 0 && !path.contains(v) {
                                let d = dist[(k - 1) * B + u] + weight[u * B + v]
                                if d < dist[k * B + v] - 1e-12 { dist[k * B + v] = d; par[k * B + v] = u }
                            }
                        }
                    }
                    let last = (layers - 1) * B
                    for e in 0..<B where e != t && dist[last + e].isFinite && free[e] >= m {
                        let total = own + dist[last + e]
                        guard total < -1e-9, best == nil || total < best!.delta - 1e-12 else { continue }
                        let nodes = pathTo(layers - 1, e)
                        var chain: [(from: Int, to: Int, line: Int)] = []
                        for k in 0..<(nodes.count - 1) { chain.append((nodes[k], nodes[k + 1], mover[nodes[k] * B + nodes[k + 1]])) }
                        // A line may move only once per chain (its piece sizes were checked one step at a time).
                        if Set(chain.map(\.line)).count == chain.count { best = (total, t, mv.moved, chain, m) }
                    }
                }
                guard let mv = best else { continue }
                var units = 0
                for k in mv.moved { add(i, parts[k].b, -parts[k].q); units += parts[k].q }
                for step in mv.chain { add(step.line, step.from, -mv.m); add(step.line, step.to, mv.m) }
                add(i, mv.t, units)
                precondition(cap.allSatisfy { $0 >= 0 }, "a merge over-used a bucket")
                improved = true; moved = true
                rebuildHolders()
            }
            if !improved { break }
        }
    }
}
