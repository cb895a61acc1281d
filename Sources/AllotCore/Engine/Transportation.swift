/// The least-cost sourcing of fixed demands from capacitated supplies: a transportation problem solved exactly by
/// successive shortest paths with node potentials, written for Allot's shape (few sinks — a sku's buckets — and
/// any number of sources).
///
/// Each source's demand is routed along shortest paths in the residual graph compressed to the sinks: an edge
/// `b → b2` moves one unit of some source already at `b` over to `b2` (at that source's cost difference), and a sink
/// with free units ends a path. Potentials on the sinks keep every reduced cost non-negative, so each path is one
/// Dijkstra over the sinks; augmenting along shortest paths never creates a negative cycle, so the final flow is
/// optimal (the classic successive-shortest-path argument), with no round cap.
struct Transportation {
    /// Sinks (buckets).
    let m: Int
    /// Per `source * m + sink`: the unit cost (only read for eligible pairs).
    let cost: [Double]
    /// Per source: the sinks it may use.
    let eligible: [[Int]]

    /// Routes every source's demand; returns the flow per `source * m + sink`, or nil when the demands do not fit
    /// the capacities (the caller's flow was then not feasible, which the fill step rules out).
    ///
    /// Works in flat buffers (each sink's holders in a slice of `n`, the eligible lists packed end to end): a group
    /// runs a Dijkstra per augmentation, a million of them in a plan, and array-of-array reads with their checks and
    /// reference counts were half of the time.
    func solve(demand: [Int], capacity: [Int]) -> [Int]? { solveWithPrices(demand: demand, capacity: capacity)?.flow }

    /// `solve`, with the final potentials of the sinks and, last, of the end node: dual prices under which every
    /// residual step of the flow has a non-negative reduced cost.
    func solveWithPrices(demand: [Int], capacity: [Int]) -> (flow: [Int], prices: [Double])? {
        let n = demand.count, m = self.m, t = m
        var x = [Int](repeating: 0, count: n * m)
        var eligibleStart = [Int](repeating: 0, count: n + 1)
        for g in 0..<n { eligibleStart[g + 1] = eligibleStart[g] + eligible[g].count }
        var eligibleFlat = [Int]()
        eligibleFlat.reserveCapacity(eligibleStart[n])
        for e in eligible { eligibleFlat.append(contentsOf: e) }
        // Larger demands first: they claim whole buckets before small ones fill the gaps (among equally cheap
        // routings this leaves fewer lines split).
        let order = (0..<n).filter { demand[$0] > 0 }.sorted { (demand[$0], -$0) > (demand[$1], -$1) }
        let work = Work(n: n, m: m, capacity: capacity)
        defer { work.deallocate() }
        let ok: Bool = x.withUnsafeMutableBufferPointer { xb in
            cost.withUnsafeBufferPointer { cb in
                eligibleFlat.withUnsafeBufferPointer { eb in
                    eligibleStart.withUnsafeBufferPointer { sb in
                        route(order, demand: demand, x: xb.baseAddress!, cp: cb.baseAddress!, elig: eb.baseAddress!,
                              start: sb.baseAddress!, w: work, n: n, m: m, t: t)
                    }
                }
            }
        }
        return ok ? (x, Array(UnsafeBufferPointer(start: work.pi, count: m + 1))) : nil
    }

    /// The solver's scratch: free units, potentials, Dijkstra labels, and each sink's holders with their slots.
    private struct Work {
        let free, prev, via, holders, holderCount, slot, leastAt: UnsafeMutablePointer<Int>
        let pi, dist, open, leastBase: UnsafeMutablePointer<Double>
        let done: UnsafeMutablePointer<Bool>

        init(n: Int, m: Int, capacity: [Int]) {
            free = .allocate(capacity: max(1, m)); free.initialize(from: capacity, count: m)
            prev = .allocate(capacity: m + 1); prev.initialize(repeating: -1, count: m + 1)
            via = .allocate(capacity: max(1, m)); via.initialize(repeating: -1, count: m)
            // Each sink's holders and each (source, sink)'s slot among them are written before they are read (a slot only
            // once the source holds units there), so these two n * m buffers are not filled first.
            holders = .allocate(capacity: max(1, n * m))
            holderCount = .allocate(capacity: max(1, m)); holderCount.initialize(repeating: 0, count: m)
            slot = .allocate(capacity: max(1, n * m))
            pi = .allocate(capacity: m + 1); pi.initialize(repeating: 0, count: m + 1)
            dist = .allocate(capacity: m + 1); dist.initialize(repeating: 0, count: m + 1)
            open = .allocate(capacity: m + 1); open.initialize(repeating: 0, count: m + 1)
            leastBase = .allocate(capacity: max(1, n)); leastBase.initialize(repeating: .infinity, count: n)
            leastAt = .allocate(capacity: max(1, n)); leastAt.initialize(repeating: 0, count: n)
            done = .allocate(capacity: m + 1); done.initialize(repeating: false, count: m + 1)
        }

        func deallocate() {
            for p in [free, prev, via, holders, holderCount, slot, leastAt] { p.deallocate() }
            for p in [pi, dist, open, leastBase] { p.deallocate() }
            done.deallocate()
        }
    }

    /// Successive shortest paths over `order`'s sources (see the type's comment); false when a demand does not fit.
    private func route(_ order: [Int], demand: [Int], x: UnsafeMutablePointer<Int>, cp: UnsafePointer<Double>,
                       elig: UnsafePointer<Int>, start: UnsafePointer<Int>, w: Work, n: Int, m: Int, t: Int) -> Bool {
        let (free, pi, dist, done, prev, via, leastBase) = (w.free, w.pi, w.dist, w.done, w.prev, w.via, w.leastBase)
        // `open`: a node's label until it is taken, then infinity (the pick reads one array); `leastAt`: the search in
        // which `leastBase` was set (older values stand for infinity, so no search clears them all).
        let (open, leastAt) = (w.open, w.leastAt)
        var search = 0
        let (holders, holderCount, slot) = (w.holders, w.holderCount, w.slot)
        // Source h's units at sink b: a source joins the end of b's holders and leaves by swap with the last.
        @inline(__always) func add(_ h: Int, _ b: Int, _ d: Int) {
            let k = h * m + b
            let before = x[k]
            x[k] += d
            if before == 0 && x[k] > 0 {
                slot[k] = holderCount[b]; holders[b * n + holderCount[b]] = h; holderCount[b] += 1
            } else if before > 0 && x[k] == 0 {
                let s = slot[k]
                holderCount[b] -= 1
                let last = holders[b * n + holderCount[b]]
                if last != h { holders[b * n + s] = last; slot[last * m + b] = s }
                slot[k] = -1
            }
        }
        for g in order {
            var rem = demand[g]
            while rem > 0 {
                for v in 0..<(m + 1) { dist[v] = .infinity; open[v] = .infinity; done[v] = false; prev[v] = -1 }
                search += 1
                // Entering at a sink costs the source's own unit cost (in reduced terms).
                for e in start[g]..<start[g + 1] { let b = elig[e]; dist[b] = cp[g * m + b] - pi[b]; open[b] = dist[b] }
                while true {
                    var u = -1, best = Double.infinity
                    for v in 0..<m where open[v] < best { best = open[v]; u = v }
                    // The end's label is final once no open sink is below it. Sinks tied with it would be taken first
                    // (lower index) but, with non-negative reduced costs, could neither lower it nor any potential (each
                    // ends at the end's label): the path is a shortest one all the same. (Where rounding breaks a tie
                    // the other way, another path of the same cost is taken.)
                    if open[t] <= best {
                        if open[t] == .infinity { return false }
                        break
                    }
                    done[u] = true; open[u] = .infinity
                    if free[u] > 0 {
                        let nd = best + pi[u] - pi[t]
                        if nd < dist[t] { dist[t] = nd; open[t] = nd; prev[t] = u }
                        // The end's label is no more than the least open one: it is final, and the next pick would
                        // take it. What `u`'s holders would offer the other sinks cannot go below `best` (non-negative
                        // reduced costs), so it would not change the potentials (each rises by at most the end's
                        // label): the holders are not scanned. (Only rounding can tell the two apart: a step of zero
                        // reduced cost may sum to a hair below `best`. Plans may then take another of equally cheap
                        // sourcings. 1M-line scenario: a ninth less of the cheapest sourcing's time, most paths being
                        // one step into a bucket with free units.)
                        if dist[t] <= best { break }
                    }
                    for k in 0..<holderCount[u] {
                        let h = holders[u * n + k]
                        let base = best - cp[h * m + u] + pi[u]
                        // A source already offered its sinks from a base as low: every step from this one weighs at
                        // least as much (rounding is monotone) and labels only fall, so none would be taken.
                        guard base < (leastAt[h] == search ? leastBase[h] : .infinity) else { continue }
                        leastBase[h] = base; leastAt[h] = search
                        for e in start[h]..<start[h + 1] {
                            let b2 = elig[e]
                            guard !done[b2] else { continue }
                            let nd = base + cp[h * m + b2] - pi[b2]
                            if nd < dist[b2] { dist[b2] = nd; open[b2] = nd; prev[b2] = u; via[b2] = h }
                        }
                    }
                }
                // Nodes beyond the sink's distance get that distance: reduced costs stay non-negative.
                let dt = dist[t]
                for v in 0..<(m + 1) { pi[v] += min(dist[v], dt) }
                let end = prev[t]
                var d = min(rem, free[end])
                var v = end
                while prev[v] >= 0 { d = min(d, x[via[v] * m + prev[v]]); v = prev[v] }
                let entry = v
                v = end
                while prev[v] >= 0 { let from = prev[v], h = via[v]; add(h, from, -d); add(h, v, d); v = from }
                add(g, entry, d)
                free[end] -= d
                rem -= d
            }
        }
        return true
    }
}

extension GroupSolver {
    /// Re-routes the classes' flow to the cheapest sourcing of the same per-class totals.
    ///
    /// Classes whose eligible buckets and unit costs are identical are interchangeable for cost, so they are solved
    /// as one source (a sku's lines collapse to a handful of sources), then handed back to the classes in class
    /// order, cheapest bucket first, which keeps each class on as few buckets as possible.
    func minimizeCost() {
        let B = self.B, C = self.C
        guard B > 1 || C > 0 else { return }
        var demand = [Int](repeating: 0, count: C)
        var capacity = cap
        var any = false
        for c in 0..<C {
            for b in eligible[c] { let q = flow[c * B + b]; demand[c] += q; capacity[b] += q }
            if demand[c] > 0 { any = true }
        }
        guard any else { return }
        let src = costSources
        var sourceDemand = [Int](repeating: 0, count: src.count)
        for c in 0..<C { if src.ofClass[c] >= 0 { sourceDemand[src.ofClass[c]] += demand[c] } }
        let solver = Transportation(m: B, cost: src.cost, eligible: src.eligible)
        guard let (x, prices) = solver.solveWithPrices(demand: sourceDemand, capacity: capacity) else { return }
        bucketPrices = prices
        // Hand each source's units back to its classes (northwest corner over the cheapest-first bucket order).
        for i in flow.indices { flow[i] = 0 }
        for s in 0..<src.count where sourceDemand[s] > 0 {
            let list = src.members(s)
            let elig = src.eligible[s]
            var k = 0
            var left = x[s * B + elig[0]]
            for c in list {
                var need = demand[c]
                while need > 0 {
                    while left == 0 { k += 1; left = x[s * B + elig[k]] }
                    let take = min(need, left)
                    flow[c * B + elig[k]] += take
                    need -= take; left -= take
                }
            }
        }
        // Reach is read only by the fill and the split repair's re-routings, which rebuild it first.
        rebuildFromFlow(capacity: capacity, reach: false)
    }

    /// Classes grouped by identical cost rows: the sources of the cost step.
    struct CostSources {
        /// Per class its source, or -1 for a class with no eligible bucket.
        var ofClass: [Int]
        /// Each source's classes, in class order, source after source (`members(_:)`): a plan has some 700 thousand
        /// sources, and a list each was as many small arrays made and freed.
        var memberList: [Int] = []
        var memberStart: [Int] = [0]
        var eligible: [[Int]] = []
        /// Per `source * B + bucket`: the unit cost (its first class's objective row; only read for eligible buckets).
        var cost: [Double] = []

        /// The number of sources.
        var count: Int { eligible.count }
        /// The classes of source `k`, in class order.
        func members(_ k: Int) -> ArraySlice<Int> { memberList[memberStart[k]..<memberStart[k + 1]] }

        init(_ s: GroupSolver) {
            let B = s.B, C = s.C
            let objective = s.p.objective
            ofClass = [Int](repeating: -1, count: C)
            eligible.reserveCapacity(C); cost.reserveCapacity(C * B)
            // Sources by a hash of their row, in an open-addressing table (slot: source + 1; 0: empty); rows that share a
            // hash are told apart by comparing them. The row's hash is a plain multiply-xor mix (a group hashes every
            // class once, so SipHash per element showed in profiles).
            var size = 16
            while size < 2 * C { size <<= 1 }
            var table = [Int](repeating: 0, count: size)
            var hashes: [UInt64] = []
            hashes.reserveCapacity(C)
            var firstClass: [Int] = []
            firstClass.reserveCapacity(C)
            objective.withUnsafeBufferPointer { objective in
                for c in 0..<C where !s.eligible[c].isEmpty {
                    let row = s.eligible[c]
                    var h: UInt64 = 0xcbf2_9ce4_8422_2325
                    for b in row {
                        h = (h ^ UInt64(b)) &* 0x100_0000_01b3
                        h = (h ^ objective[c * B + b].bitPattern) &* 0x100_0000_01b3
                    }
                    var slot = Int(truncatingIfNeeded: (h ^ (h >> 29)) & UInt64(size - 1))
                    var found = -1
                    while table[slot] != 0 {
                        let k = table[slot] - 1
                        let f = firstClass[k]
                        if hashes[k] == h && eligible[k] == row && row.allSatisfy({ objective[f * B + $0] == objective[c * B + $0] }) {
                            found = k; break
                        }
                        slot = (slot + 1) & (size - 1)
                    }
                    if found >= 0 { ofClass[c] = found; continue }
                    let k = eligible.count
                    table[slot] = k + 1
                    hashes.append(h); firstClass.append(c); ofClass[c] = k
                    eligible.append(row)
                    cost.append(contentsOf: UnsafeBufferPointer(rebasing: objective[(c * B)..<(c * B + B)]))
                }
            }
            let sourceOf = ofClass
            (memberList, memberStart) = groupedPositions(count: C, groups: eligible.count) { sourceOf[$0] }
        }
    }

    /// Recomputes re-routing reach from the flow (after the flow of some classes was rewritten).
    func rebuildReach() {
        reachStale = false
        reach = reachFromFlow()
    }

    /// Re-routing reach as the flow gives it (see `reach`).
    func reachFromFlow() -> [Int] {
        var reach = [Int](repeating: 0, count: B * B)
        for c in 0..<C {
            for b in eligible[c] {
                let q = flow[c * B + b]
                guard q > 0 else { continue }
                for b2 in eligible[c] where b2 != b { reach[b * B + b2] += q }
            }
        }
        return reach
    }

    /// Recomputes free units and re-routing reach from the flow (after a solve replaced it wholesale); with `reach`
    /// false, reach is left to be rebuilt when next read (`freshReach`).
    func rebuildFromFlow(capacity: [Int], reach withReach: Bool = true) {
        cap = capacity
        for c in 0..<C { for b in eligible[c] { cap[b] -= flow[c * B + b] } }
        if withReach { rebuildReach() } else { reachStale = true }
    }

    /// Makes re-routing reach match the flow if a step left it to be rebuilt (see `reachStale`).
    @inline(__always) func freshReach() {
        if reachStale { rebuildReach() }
    }
}
