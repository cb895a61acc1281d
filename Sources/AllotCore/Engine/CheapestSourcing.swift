/// The second and third steps of a group's solve: with every line's fill fixed, the cheapest sourcing (a
/// transportation problem solved by cancelling negative cycles on the small bucket graph), then lines handed
/// their units and merged against the split penalty.
extension GroupSolver {
    /// Re-routes flow until no cheaper sourcing of the same fills exists.
    ///
    /// The residual graph is compressed to buckets plus one slack node: an edge `b → b2` moves one unit of the
    /// cheapest-to-move class from `b` to `b2`; `b → slack` uses a free unit of `b`; `slack → b` frees one.
    /// No negative cycle there means no negative cycle in the full graph, hence an optimal flow.
    /// Cycle cancelling can take many small steps on large groups; the bound keeps a plan's time predictable
    /// (every step only lowers cost, so stopping early still leaves a feasible plan with the same fills).
    func minimizeCost() { var r = 0; minimizeCost(maxRounds: 4 * (B + C) + 200, counter: &r) }
    func minimizeCost(maxRounds: Int, counter: inout Int) {
        let B = self.B, C = self.C
        guard B > 1 || C > 0 else { return }
        let n = B + 1, slack = B
        var weight = [Double](repeating: .infinity, count: n * n)
        var via = [Int](repeating: -1, count: n * n)
        var dist = [Double](repeating: 0, count: n)
        var pred = [Int](repeating: -1, count: n)
        // Edges as parallel arrays (tail, head, weight) in a fixed order, so relaxation reads no tuples or 2-D lookups.
        var eu: [Int] = [], ev: [Int] = [], ew: [Double] = []
        for _ in 0..<maxRounds {
            counter += 1
            // The hot loops read plain buffers: no per-access exclusivity checks or bounds checks on class properties.
            weight.withUnsafeMutableBufferPointer { wp in
                via.withUnsafeMutableBufferPointer { vp in
                    for i in 0..<(n * n) { wp[i] = .infinity; vp[i] = -1 }
                    p.objective.withUnsafeBufferPointer { op in
                        flow.withUnsafeBufferPointer { fp in
                            for c in 0..<C {
                                eligible[c].withUnsafeBufferPointer { ep in
                                    let row = c * B
                                    for b in ep where fp[row + b] > 0 {
                                        let here = op[row + b]
                                        let wrow = b * n
                                        for b2 in ep where b2 != b {
                                            let w = op[row + b2] - here
                                            if w < wp[wrow + b2] { wp[wrow + b2] = w; vp[wrow + b2] = c }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            eu.removeAll(keepingCapacity: true); ev.removeAll(keepingCapacity: true); ew.removeAll(keepingCapacity: true)
            for b in 0..<B {
                for b2 in 0..<B where via[b * n + b2] >= 0 { eu.append(b); ev.append(b2); ew.append(weight[b * n + b2]) }
                if cap[b] > 0 { weight[b * n + slack] = 0; eu.append(b); ev.append(slack); ew.append(0) }
                weight[slack * n + b] = 0; eu.append(slack); ev.append(b); ew.append(0)
            }
            // Bellman-Ford from a virtual source joined to every node.
            var last = -1
            dist.withUnsafeMutableBufferPointer { dp in
                pred.withUnsafeMutableBufferPointer { pp in
                    eu.withUnsafeBufferPointer { up in
                        ev.withUnsafeBufferPointer { vp in
                            ew.withUnsafeBufferPointer { wp in
                                for i in 0..<n { dp[i] = 0; pp[i] = -1 }
                                let m = up.count
                                for _ in 0..<n {
                                    last = -1
                                    for k in 0..<m {
                                        let u = up[k], v = vp[k]
                                        let nd = dp[u] + wp[k]
                                        if nd < dp[v] - 1e-9 { dp[v] = nd; pp[v] = u; last = v }
                                    }
                                    if last < 0 { break }
                                }
                            }
                        }
                    }
                }
            }
            if last < 0 { return }
            var x = last
            for _ in 0..<n { x = pred[x] }
            var cycle = [x]
            var y = pred[x]
            while y != x { cycle.append(y); y = pred[y] }
            cycle.reverse()  // now in edge direction: cycle[i] → cycle[i+1]
            var delta = Int.max
            for i in cycle.indices {
                let u = cycle[i], v = cycle[(i + 1) % cycle.count]
                if u == slack { continue }
                if v == slack { delta = min(delta, cap[u]) } else { delta = min(delta, flow[via[u * n + v] * B + u]) }
            }
            guard delta > 0, delta < Int.max else { return }
            for i in cycle.indices {
                let u = cycle[i], v = cycle[(i + 1) % cycle.count]
                guard u != slack, v != slack else { continue }
                let c = via[u * n + v]
                change(c, u, -delta); change(c, v, delta)
            }
        }
    }

    /// Hands each class's units per bucket to its lines, keeping lines whole where the amounts allow.
    func assignToLines() {
        allocations = Array(repeating: [], count: p.lines.count)
        for c in 0..<C {
            var left = eligible[c].filter { flow[c * B + $0] > 0 }.map { (b: $0, q: flow[c * B + $0]) }
            let members = p.classes[c].lines.filter { p.lines[$0].fill > 0 && fixedAt[$0] < 0 }
                .sorted { (p.lines[$0].fill, -$0) > (p.lines[$1].fill, -$1) }
            for l in members {
                var need = p.lines[l].fill
                // Best fit: the smallest remaining amount that takes the whole line.
                if let k = left.indices.filter({ left[$0].q >= need }).min(by: { (left[$0].q, $0) < (left[$1].q, $1) }) {
                    allocations[l].append((left[k].b, need)); left[k].q -= need; need = 0
                }
                while need > 0 {
                    guard let k = left.indices.filter({ left[$0].q > 0 }).max(by: { (left[$0].q, -$0) < (left[$1].q, -$1) }) else { break }
                    let take = min(need, left[k].q)
                    allocations[l].append((left[k].b, take)); left[k].q -= take; need -= take
                }
                precondition(need == 0, "class flow does not cover its lines' fills")
            }
        }
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

    /// Local moves that make a split line whole whenever the total of cost and split penalties falls: the line moves
    /// all its units to one bucket, and the units that bucket lacks are pushed out along a short chain of other
    /// lines' re-routings (each moving whole pieces) to free units elsewhere.
    func mergeSplits(maxPasses: Int = 8, maxChain: Int = 3) {
        let penalty = policy.cost.splitPenalty
        guard penalty > 0, allocations.contains(where: { $0.count > 1 }) else { return }
        func obj(_ l: Int, _ b: Int) -> Double { p.objective[p.lines[l].cls * B + b] }
        func qty(_ l: Int, _ b: Int) -> Int { allocations[l].first(where: { $0.b == b })?.q ?? 0 }
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
        var weight = [Double](repeating: .infinity, count: B * B)
        var mover = [Int](repeating: -1, count: B * B)
        for _ in 0..<maxPasses {
            var improved = false
            rebuildHolders()
            for i in allocations.indices where allocations[i].count > 1 {
                let c = p.lines[i].cls
                let parts = allocations[i]
                var best: (delta: Double, t: Int, chain: [(from: Int, to: Int, line: Int)], m: Int)?
                for t in eligible[c] {
                    var free = cap
                    var own = -penalty * Double(parts.count - 1)
                    for s in parts where s.b != t { free[s.b] += s.q; own += Double(s.q) * (obj(i, t) - obj(i, s.b)) }
                    let need = p.lines[i].fill - qty(i, t)
                    let m = need - free[t]
                    if m <= 0 {
                        if own < -1e-9 && (best == nil || own < best!.delta) { best = (own, t, [], 0) }
                        continue
                    }
                    // Chains pushing m units out of t, each step one line moving a whole piece of m units.
                    for k in 0..<(B * B) { weight[k] = .infinity; mover[k] = -1 }
                    for b in 0..<B {
                        for j in holders[b] where j != i {
                            let jb = qty(j, b)
                            guard jb >= m else { continue }
                            for b2 in eligible[p.lines[j].cls] where b2 != b {
                                let w = Double(m) * (obj(j, b2) - obj(j, b)) + (qty(j, b2) > 0 ? 0 : penalty) - (jb == m ? penalty : 0)
                                if w < weight[b * B + b2] { weight[b * B + b2] = w; mover[b * B + b2] = j }
                            }
                        }
                    }
                    var dist = [Double](repeating: .infinity, count: B)
                    var pred = [[Int]](repeating: [], count: B)
                    dist[t] = 0; pred[t] = [t]
                    for _ in 0..<maxChain {
                        var next = dist, nextPred = pred
                        for u in 0..<B where dist[u].isFinite {
                            for v in 0..<B where mover[u * B + v] >= 0 && !pred[u].contains(v) {
                                let d = dist[u] + weight[u * B + v]
                                if d < next[v] - 1e-12 { next[v] = d; nextPred[v] = pred[u] + [v] }
                            }
                        }
                        dist = next; pred = nextPred
                    }
                    for e in 0..<B where e != t && dist[e].isFinite && free[e] >= m {
                        let total = own + dist[e]
                        if total < -1e-9 && (best == nil || total < best!.delta) {
                            let path = pred[e]
                            var chain: [(Int, Int, Int)] = []
                            for k in 0..<(path.count - 1) { chain.append((path[k], path[k + 1], mover[path[k] * B + path[k + 1]])) }
                            // A line may move only once per chain (its piece sizes were checked one step at a time).
                            if Set(chain.map(\.2)).count == chain.count { best = (total, t, chain, m) }
                        }
                    }
                }
                guard let mv = best else { continue }
                for s in parts where s.b != mv.t { add(i, s.b, -s.q) }
                for step in mv.chain { add(step.line, step.from, -mv.m); add(step.line, step.to, mv.m) }
                add(i, mv.t, p.lines[i].fill - qty(i, mv.t))
                precondition(cap.allSatisfy { $0 >= 0 }, "a merge over-used a bucket")
                improved = true
                rebuildHolders()
            }
            if !improved { break }
        }
    }
}
