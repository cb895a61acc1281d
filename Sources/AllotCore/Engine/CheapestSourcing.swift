/// The third step of a group's solve: with every line's fill fixed and the cheapest sourcing found
/// (`Transportation`), lines are handed their units and merged against the split penalty.
extension GroupSolver {
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
