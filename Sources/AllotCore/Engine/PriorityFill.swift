/// Solves one group: the exact lexicographic maximum fill in priority order, then the cheapest sourcing of
/// those fills, then whole lines merged against the split penalty.
///
/// Flow is kept per (line class, bucket); lines of one class are interchangeable, so re-routing works on classes and
/// only the final step hands units to individual lines.
final class GroupSolver {
    var p: GroupProblem
    let policy: Policy
    let B: Int
    let C: Int
    /// Free units per bucket.
    var cap: [Int]
    /// Units per `class * B + bucket`.
    var flow: [Int]
    /// Per `from * B + to`: units now at `from` held by classes that could take them from `to` instead.
    var reach: [Int]
    /// Whether `reach` no longer matches the flow: the cheapest sourcing and the hand-out to lines rewrite the flow
    /// wholesale, and only the fill and the split repair's re-routings read reach, so it is rebuilt when next read
    /// (`freshReach`), not after every rewrite. `change` keeps reach right only while it is fresh.
    var reachStale = false
    /// Each class's eligible buckets, cheapest first.
    var eligible: [[Int]]
    /// Classes that can get nothing more (no augmenting path): later lines of the class skip the search.
    var saturated: [Bool]
    var undoLog: [(c: Int, b: Int, d: Int)]?
    /// The line order the fill followed (its natural priority rank per line, for explanations).
    var rank: [Int]
    /// Per line: its allocations `(bucket, qty)` once sourcing is done.
    var allocations: [[(b: Int, q: Int)]] = []
    /// Lines taken out of their class's flow and fixed whole on one bucket (split repair), or -1.
    var fixedAt: [Int] = []
    var quotas: [Quota] = []
    var quotaIndexByLine: [[Int]] = []
    var quotaUsed: [Int] = []
    /// Units withheld for commitments' customers beyond what they ordered.
    var protectedUnits = 0
    /// Classes merged into the sources of the cost step (same eligible buckets at the same costs), built on first use
    /// (from `eligible` and the objective, which stay as they are once the solver exists).
    lazy var costSources = CostSources(self)
    /// The buckets' potentials after the cheapest sourcing (`minimizeCost`; the transportation sink's last), which
    /// price them for the split merger's bound (`SplitPriceBound`); empty before it.
    var bucketPrices: [Double] = []

    init(problem: GroupProblem, policy: Policy) {
        p = problem
        self.policy = policy
        B = problem.buckets.count
        C = problem.classes.count
        cap = problem.buckets.map(\.capacity)
        flow = Array(repeating: 0, count: C * B)
        reach = Array(repeating: 0, count: B * B)
        saturated = Array(repeating: false, count: C)
        rank = Array(repeating: 0, count: problem.lines.count)
        fixedAt = Array(repeating: -1, count: problem.lines.count)
        // A pair has an arc exactly when its objective is finite (read here: a number, not a route, per pair). Lists
        // are short (a group's buckets): sorted in place by insertion, ties by bucket as they were appended.
        let B = problem.buckets.count, C = problem.classes.count
        eligible = problem.objective.withUnsafeBufferPointer { objective in
            (0..<C).map { c in
                let row = UnsafeBufferPointer(rebasing: objective[(c * B)..<(c * B + B)])
                var list: [Int] = []
                list.reserveCapacity(B)
                for b in 0..<B where row[b].isFinite {
                    var k = list.count
                    list.append(b)
                    while k > 0 && row[list[k - 1]] > row[b] { list[k] = list[k - 1]; k -= 1 }
                    list[k] = b
                }
                return list
            }
        }
    }

    @inline(__always) func change(_ c: Int, _ b: Int, _ d: Int) {
        flow[c * B + b] += d
        cap[b] -= d
        for b2 in eligible[c] where b2 != b { reach[b * B + b2] += d }
        undoLog?.append((c, b, d))
    }

    /// Gives class `c` up to `want` more units, re-routing earlier flow but never reducing it. Returns the units found.
    func augment(_ c: Int, _ want: Int) -> Int {
        if saturated[c] || want <= 0 { return 0 }
        freshReach()
        var got = 0
        // The search's scratch, made when a line first needs a search (most take free units directly).
        var parent: [Int] = []
        var queue: [Int] = []
        while got < want {
            if let b = eligible[c].first(where: { cap[$0] > 0 }) {
                let d = min(want - got, cap[b])
                change(c, b, d); got += d
                continue
            }
            // Search for a chain of re-routings ending at a bucket with free units.
            if parent.isEmpty { parent = [Int](repeating: -1, count: B); queue.reserveCapacity(B) }
            for i in 0..<B { parent[i] = -1 }
            queue.removeAll(keepingCapacity: true)
            for b in eligible[c] { parent[b] = -2; queue.append(b) }
            var found = -1
            var head = 0
            search: while head < queue.count {
                let b = queue[head]; head += 1
                for b2 in 0..<B where parent[b2] == -1 && reach[b * B + b2] > 0 {
                    parent[b2] = b
                    if cap[b2] > 0 { found = b2; break search }
                    queue.append(b2)
                }
            }
            if found < 0 {
                if undoLog == nil { saturated[c] = true }
                break
            }
            var d = min(want - got, cap[found])
            var x = found
            while parent[x] != -2 { d = min(d, reach[parent[x] * B + x]); x = parent[x] }
            let start = x
            x = found
            while parent[x] != -2 { let from = parent[x]; move(d, from: from, to: x); x = from }
            change(c, start, d); got += d
        }
        return got
    }

    /// Moves `d` units held at `from` to `to`, choosing classes that can use `to`, cheapest change first.
    func move(_ d: Int, from: Int, to: Int) {
        var left = d
        var movers: [(delta: Double, c: Int)] = []
        for c in 0..<C where flow[c * B + from] > 0 && p.hasArc(c, to) {
            movers.append((p.objective[c * B + to] - p.objective[c * B + from], c))
        }
        movers.sort { ($0.delta, $0.c) < ($1.delta, $1.c) }
        for m in movers where left > 0 {
            let k = min(left, flow[m.c * B + from])
            change(m.c, from, -k); change(m.c, to, k); left -= k
        }
        precondition(left == 0, "re-routing found fewer units than the path promised")
    }

    func undo() {
        guard let log = undoLog else { return }
        undoLog = nil
        for e in log.reversed() { change(e.c, e.b, -e.d) }
    }

    // MARK: Priority order

    /// Lines in the order the policy serves them (ignoring commitments); fair-share classes are kept together.
    func naturalOrder() -> [Int] {
        let lines = p.lines
        let byMargin = policy.priority.withinClass == .margin
        let useTargets = policy.priority.serviceTargets
        return lines.indices.filter { lines[$0].cls >= 0 }.sorted { a, b in
            let x = lines[a], y = lines[b]
            if x.priorityClass != y.priorityClass { return x.priorityClass < y.priorityClass }
            if useTargets && x.serviceBelowTarget != y.serviceBelowTarget { return x.serviceBelowTarget }
            if byMargin {
                let mx = x.marginPerUnit ?? -.infinity, my = y.marginPerUnit ?? -.infinity
                if mx != my { return mx > my }
            }
            return GroupSolver.fcfs(x, y)
        }
    }

    /// First come, first served: requested date, order date, order id, line number.
    static func fcfs(_ x: LineWork, _ y: LineWork) -> Bool {
        if x.requestedDay != y.requestedDay { return x.requestedDay < y.requestedDay }
        if x.orderDay != y.orderDay { return x.orderDay < y.orderDay }
        return x.keyRank < y.keyRank
    }

    // MARK: Fill

    /// Runs the whole fill: commitments first, then every line in priority order (fair share within a class if asked).
    func fill(quotas: [Quota], quotaIndexByLine: [[Int]]) {
        let commitments = p.commitments
        let order = naturalOrder()
        for (r, l) in order.enumerated() { rank[l] = r }
        self.quotas = quotas
        self.quotaIndexByLine = quotaIndexByLine
        quotaUsed = [Int](repeating: 0, count: quotas.count)

        func serve(_ l: Int, _ want: Int) -> Int {
            let w = p.lines[l]
            var target = want
            for q in quotaIndexByLine[l] {
                let room = max(0, quotas[q].maxQty - quotaUsed[q])
                if room < target { target = room; p.lines[l].quotaLimited = true }
            }
            if !w.allowPartial && target < want { return 0 }
            let got: Int
            if !w.allowPartial {
                undoLog = []
                let g = augment(w.cls, target)
                if g < target { undo(); got = 0 } else { undoLog = nil; got = g }
            } else {
                got = augment(w.cls, target)
            }
            for q in quotaIndexByLine[l] { quotaUsed[q] += got }
            p.lines[l].fill += got
            return got
        }

        // Commitments: the protected quantity of each customer's lines is served ahead of every class.
        let ordered = assignCommitments(commitments, order: order)
        for l in order where p.lines[l].commitQty > 0 {
            let got = serve(l, p.lines[l].commitQty)
            p.lines[l].committedFill = got
            if got < p.lines[l].commitQty { p.lines[l].commitmentConflict = true }
        }
        // What a commitment protects beyond what its customer has ordered is withheld from everyone else.
        for (k, c) in commitments.enumerated() where c.qty > ordered[k] {
            protectedUnits += augment(p.protectedClass[k], c.qty - ordered[k])
        }
        var i = 0
        while i < order.count {
            let l = order[i]
            if policy.priority.withinClass == .fairShare {
                var j = i
                let first = p.lines[l]
                while j < order.count, p.lines[order[j]].priorityClass == first.priorityClass,
                      !policy.priority.serviceTargets || p.lines[order[j]].serviceBelowTarget == first.serviceBelowTarget { j += 1 }
                fairShare(Array(order[i..<j]), serve: serve)
                i = j
            } else {
                _ = serve(l, p.lines[l].qty - p.lines[l].fill)
                i += 1
            }
        }
    }

    /// Splits what a class of lines can get in proportion to what each asked, in whole units, remainder by fcfs;
    /// whatever the proportional shares cannot place (eligibility differs) then goes to the lines in fcfs order.
    func fairShare(_ members: [Int], serve: (Int, Int) -> Int) {
        let fcfsOrder = members.sorted { GroupSolver.fcfs(p.lines[$0], p.lines[$1]) }
        // What the class can get at most: a trial fill in fcfs order, then undone.
        let savedFlow = flow, savedCap = cap, savedReach = reach, savedSat = saturated, savedUsed = quotaUsed
        let savedFills = fcfsOrder.map { p.lines[$0].fill }, savedQuota = fcfsOrder.map { p.lines[$0].quotaLimited }
        var total = 0
        for l in fcfsOrder { total += serve(l, p.lines[l].qty - p.lines[l].fill) }
        flow = savedFlow; cap = savedCap; reach = savedReach; saturated = savedSat; quotaUsed = savedUsed
        for (k, l) in fcfsOrder.enumerated() { p.lines[l].fill = savedFills[k]; p.lines[l].quotaLimited = savedQuota[k] }
        let asked = fcfsOrder.map { p.lines[$0].qty - p.lines[$0].fill }
        let sumAsked = asked.reduce(0, +)
        guard sumAsked > 0 else { return }
        var share = asked.map { total * $0 / sumAsked }
        var rest = total - share.reduce(0, +)
        for k in share.indices where rest > 0 && share[k] < asked[k] { share[k] += 1; rest -= 1 }
        for (k, l) in fcfsOrder.enumerated() {
            // All-or-nothing lines cannot take a proportional part: they wait for the second pass.
            if p.lines[l].allowPartial { _ = serve(l, share[k]) }
        }
        for l in fcfsOrder { _ = serve(l, p.lines[l].qty - p.lines[l].fill) }
    }

    /// Marks how many units of each line a commitment protects: the customer's lines in the period, in fcfs order.
    /// Returns, per commitment, the units its customer's lines take of it.
    func assignCommitments(_ commitments: [Commitment], order: [Int]) -> [Int] {
        guard !commitments.isEmpty else { return [] }
        let fcfsOrder = order.sorted { GroupSolver.fcfs(p.lines[$0], p.lines[$1]) }
        var taken: [Int] = []
        for c in commitments {
            var left = c.qty
            for l in fcfsOrder where left > 0 {
                let w = p.lines[l]
                guard p.sku(of: l) == c.sku, p.customerOfLine[l] == c.customerID, c.covers(w.requestedDate) else { continue }
                let open = w.qty - w.commitQty
                let take = w.allowPartial ? min(open, left) : (open <= left && w.commitQty == 0 ? open : 0)
                p.lines[l].commitQty += take
                left -= take
            }
            taken.append(c.qty - left)
        }
        return taken
    }
}
