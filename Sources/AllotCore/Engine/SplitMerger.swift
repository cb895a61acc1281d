/// The local search of `GroupSolver.mergeSplits`: merges split lines' pieces while cost plus split penalties falls.
///
/// A move takes pieces of a line to one bucket `t` — all of them (the line becomes whole) or a single piece onto a
/// bucket the line already uses (one piece fewer) — and pushes the units `t` lacks out along a short chain of other
/// lines' re-routings (each moving a whole piece of exactly those units) to a bucket with free units. The best move
/// of a line is applied, and the passes repeat until none improves.
///
/// Weights of the chain graph are built lazily, one bucket's row at a time, into buffers reused across moves; rows
/// and the search keep lists of the entries they touched, so a move costs what it reaches rather than the square of
/// the group's buckets (groups linked by substitutes or family quotas have hundreds). A value type, so that the
/// millions of reads and writes of a large group's search are plain array accesses.
struct SplitMerger {
    let B: Int
    let penalty: Double
    /// The solver's objective per `class * B + bucket`, each line's class, and each class's eligible buckets
    /// (cheapest first).
    let objective: [Double]
    let lineClass: [Int]
    let eligible: [[Int]]
    let wholeLineChains: Bool
    /// Chain lengths 0 ... maxChain.
    let layers: Int
    /// Per line its pieces `(bucket, qty)`; free units per bucket.
    var allocations: [[(b: Int, q: Int)]]
    var cap: [Int]
    /// The lines holding units of each bucket, in line order (the order in which rows break ties).
    var holders: [[Int]]
    /// Rows of the chain graph: for bucket `u` and `m` units, each bucket `v` that some line holding at least `m`
    /// units at `u` could take them to instead, with the cheapest such re-routing's change of the objective and that
    /// line, and the cheapest by any other line (-1: none), which stands in when the first is the moving line. A row
    /// reads only the lines holding units at `u`, so it stays valid, for every moving line, until one of them changes
    /// (a move touches a few buckets of a group's hundreds).
    struct RowEntry { var v: Int; var w: Double; var line: Int; var second: Double; var secondLine: Int }
    var rows: [[RowEntry]] = []
    /// The slot in `rows` of each stored row (per bucket and units); per slot, the `version` it was built at.
    var rowSlots: BucketUnitsSlots
    var rowBuiltAt: [Int] = []
    /// Bumped by every change of a line's pieces; per bucket, the version at which a line holding units there changed.
    var version = 0
    var bucketChanged: [Int]
    /// One row being built: per bucket the best weight and line so far, the best by another line, and the buckets
    /// touched.
    var scratchWeight: [Double]
    var scratchLine: [Int]
    var scratchSecond: [Double]
    var scratchSecondLine: [Int]
    var scratchTargets: [Int] = []
    /// Per bucket, the number of the last weighed line holding units there (`heldStamp`: the line's number).
    var heldAt: [Int]
    var heldStamp = 0
    /// Each line's cost source (classes with the same eligible buckets at the same costs, see `CostSources`).
    let lineSource: [Int]
    /// Per `2 * source + (holds exactly m)`: the last row build that met a whole line of that kind, and that met a
    /// second one.
    var sourceSeen: [Int]
    var sourceSeenTwice: [Int]
    var rowBuilds = 0
    /// Per chain length k, the best weight of reaching each bucket in at most k steps and the bucket it came from
    /// (-1: as in k - 1) with the line re-routed on that step; the buckets reached so far (in the order reached)
    /// and a sorted copy to walk.
    var dist: [Double]
    var par: [Int]
    var parLine: [Int]
    var reached: [Int] = []
    var frontier: [Int] = []
    /// The buckets other than the chain's start with the units a chain pushes out (where a chain may end), in order.
    var targets: [Int] = []
    /// Free units while a move is tried (`cap` plus the pieces it moves).
    var free: [Int]
    /// The buckets on the chain being extended (a chain visits a bucket once).
    var path: [Int] = []
    /// Bounds that prune the search (see `SplitChainSearch`): per bucket, the least a step out of it weighs in the
    /// search numbered `exitBoundAt`, and per units (with and without its lightest line), stored at a version; per
    /// units, the least any step weighs, at version `anyStepsAt`; and the largest finite objective (the scale of
    /// rounding). Per class, its two cheapest buckets (-1: none).
    var searches = 0
    var exitBounds: [Double]
    var exitBoundAt: [Int]
    /// Per bucket, the least a chain's last step out of it weighs in the search numbered `finalBoundAt`; per bucket,
    /// the search it is a target of; per class, its two cheapest targets' objectives in search `classTargetsAt`.
    var finalBounds: [Double]
    var finalBoundAt: [Int]
    var targetOf: [Int]
    var classTargets: [(first: Double, at: Int, second: Double)]
    var classTargetsAt: [Int]
    var boundSlots: BucketUnitsSlots
    var storedBounds: [(bounds: StepBounds, at: Int)] = []
    var anySteps: [(m: Int, w: Double)] = []
    var anyStepsAt = -1
    let largestObjective: Double
    let cheapestTwo: [(first: Int, second: Int)]
    /// What bounds a whole chain before its search (see `SplitPriceBound`): the buckets' prices, per class its least
    /// objective less price, the most a held piece's objective exceeds that (never lowered), the largest price, and
    /// per piece size the pieces of split lines that have it, counted at `version` `splitSizesAt`.
    let price: [Double]
    let classBase: [Double]
    var reducedMax = 0.0
    let largestPrice: Double
    var splitSizes: [Int: Int] = [:]
    var splitSizesAt = -1
    /// The pieces whose reduced cost is above 0 (`laterReduced`), at `version` `reducedAt`.
    var reducedPieces: [(r: Double, q: Int, line: Int)] = []
    var reducedAt = -1

    init(_ s: GroupSolver, allocations: [[(b: Int, q: Int)]], cap: [Int], maxChain: Int, wholeLineChains: Bool) {
        B = s.B
        penalty = s.policy.cost.splitPenalty
        objective = s.p.objective
        lineClass = s.p.lines.map(\.cls)
        eligible = s.eligible
        self.wholeLineChains = wholeLineChains
        layers = maxChain + 1
        self.allocations = allocations
        self.cap = cap
        holders = [[Int]](repeating: [], count: B)
        rowSlots = BucketUnitsSlots(buckets: B)
        bucketChanged = [Int](repeating: 0, count: B)
        scratchWeight = [Double](repeating: .infinity, count: B)
        scratchLine = [Int](repeating: -1, count: B)
        scratchSecond = [Double](repeating: .infinity, count: B)
        scratchSecondLine = [Int](repeating: -1, count: B)
        heldAt = [Int](repeating: 0, count: B)
        let sources = s.costSources
        lineSource = lineClass.map { $0 >= 0 ? sources.ofClass[$0] : -1 }
        sourceSeen = [Int](repeating: -1, count: 2 * max(1, sources.count))
        sourceSeenTwice = sourceSeen
        dist = [Double](repeating: .infinity, count: layers * B)
        par = [Int](repeating: -1, count: layers * B)
        parLine = [Int](repeating: -1, count: layers * B)
        free = cap
        exitBounds = [Double](repeating: 0, count: B)
        exitBoundAt = [Int](repeating: 0, count: B)
        finalBounds = exitBounds; finalBoundAt = exitBoundAt; targetOf = exitBoundAt
        classTargets = [(first: Double, at: Int, second: Double)](repeating: (.infinity, -1, .infinity), count: s.C)
        classTargetsAt = [Int](repeating: 0, count: s.C)
        boundSlots = BucketUnitsSlots(buckets: B)
        largestObjective = objective.reduce(0) { $1.isFinite ? max($0, abs($1)) : $0 }
        cheapestTwo = s.eligible.indices.map { [objective, B] c in
            var two = (first: -1, second: -1)
            for b in s.eligible[c] {
                let o = objective[c * B + b]
                if two.first < 0 || o < objective[c * B + two.first] { two = (b, two.first) }
                else if two.second < 0 || o < objective[c * B + two.second] { two.second = b }
            }
            return two
        }
        (price, classBase) = Self.prices(s)
        largestPrice = price.reduce(0) { max($0, abs($1)) }
        for l in allocations.indices { for a in allocations[l] { reducedMax = max(reducedMax, reduced(l, a.b)) } }
    }

    @inline(__always) func obj(_ l: Int, _ b: Int) -> Double { objective[lineClass[l] * B + b] }

    /// Units line `l` holds at bucket `b`.
    @inline(__always) func qty(_ l: Int, _ b: Int) -> Int {
        for a in allocations[l] where a.b == b { return a.q }
        return 0
    }

    /// Lists each bucket's holders afresh from the allocations (at the start of a pass).
    mutating func rebuildHolders() {
        for b in 0..<B { holders[b].removeAll(keepingCapacity: true) }
        for l in allocations.indices { for a in allocations[l] { holders[a.b].append(l) } }
    }

    /// Adds `d` units of bucket `b` to line `l` (negative: takes them away), keeping free units and holders right.
    mutating func add(_ l: Int, _ b: Int, _ d: Int) {
        version += 1
        // The rows of every bucket the line holds units at read its pieces.
        for a in allocations[l] { bucketChanged[a.b] = version }
        bucketChanged[b] = version
        if let k = allocations[l].firstIndex(where: { $0.b == b }) {
            allocations[l][k].q += d
            if allocations[l][k].q == 0 {
                allocations[l].remove(at: k)
                if let h = holders[b].firstIndex(of: l) { holders[b].remove(at: h) }
            }
        } else {
            allocations[l].append((b, d))
            reducedMax = max(reducedMax, reduced(l, b))
            holders[b].insert(l, at: holders[b].firstIndex { $0 > l } ?? holders[b].count)
        }
        cap[b] -= d
    }

    /// The position in `rows` of row `u` for moving `m` units, if stored and still valid.
    func storedRow(_ u: Int, _ m: Int) -> Int? {
        guard let slot = rowSlots.slot(u, m) else { return nil }
        return rowBuiltAt[slot] >= bucketChanged[u] ? slot : nil
    }

    /// The position in `rows` of row `u` for moving `m` units, built unless stored. Long rows are sorted by weight, so
    /// that a search reads only their entries light enough to matter (the order of a row's entries changes no result:
    /// each names a different bucket); short ones cost more to sort than to read.
    mutating func row(_ u: Int, _ m: Int) -> Int {
        if let r = storedRow(u, m) { return r }
        weigh(u, -1, m, targetsOnly: false)
        let slot: Int
        if let s = rowSlots.slot(u, m) { slot = s } else {
            slot = rows.count
            rows.append([]); rowBuiltAt.append(0)
            rowSlots.add(u, m, slot: slot)
        }
        rowBuiltAt[slot] = version
        // Built outside `rows`, so that appending checks no sharing.
        var entries = rows[slot]
        rows[slot] = []
        entries.removeAll(keepingCapacity: true)
        entries.reserveCapacity(scratchTargets.count)
        for v in scratchTargets {
            entries.append(RowEntry(v: v, w: scratchWeight[v], line: scratchLine[v], second: scratchSecond[v],
                                    secondLine: scratchSecondLine[v]))
        }
        clearScratch()
        // (Rows hold no NaN: `consider` keeps only weights below infinity.)
        if entries.count >= Self.manyEntries { entries.sort { $0.w < $1.w } }
        rows[slot] = entries
        return slot
    }

    /// Empties the scratch row for the next weighing.
    mutating func clearScratch() {
        for v in scratchTargets {
            scratchWeight[v] = .infinity; scratchLine[v] = -1
            scratchSecond[v] = .infinity; scratchSecondLine[v] = -1
        }
        scratchTargets.removeAll(keepingCapacity: true)
    }

    /// How many row entries or search targets make the extra bookkeeping pay: sorting stored rows (`row`), bounding
    /// each line before weighing it against the targets (`weigh`).
    static let manyEntries = 24

    /// Weighs the re-routings of `m` units from `u` by the lines holding them (not `i`) into the scratch row: to every
    /// bucket, or only to the search's `targets` (a chain's last step, which only counts where it ends), leaving out
    /// lines whose every re-routing weighs `limit` or more (`holderBound`). A row for every bucket keeps two lines of
    /// each kind that weigh alike (below), so that its second-best entries are those of a row without the first.
    mutating func weigh(_ u: Int, _ i: Int, _ m: Int, targetsOnly: Bool, limit: Double = .infinity) {
        rowBuilds += 1
        // The bound costs a pass over a line's pieces: worth it where a line weighs many targets.
        let bounded = limit < .infinity && targets.count >= Self.manyEntries
        for j in holders[u] where j != i {
            let ju = qty(j, u)
            guard ju >= m else { continue }
            let cj = lineClass[j]
            let whole = allocations[j].count == 1
            if whole {
                // A whole line of the same cost source (same buckets, same costs) holding the same kind of amount
                // weighs exactly as an earlier one, which keeps every entry (ties go to the first); a second one may
                // stand in for the first as the moving line.
                let key = 2 * lineSource[j] + (ju == m ? 1 : 0)
                if sourceSeen[key] == rowBuilds {
                    if targetsOnly || sourceSeenTwice[key] == rowBuilds { continue }
                    sourceSeenTwice[key] = rowBuilds
                } else {
                    sourceSeen[key] = rowBuilds
                }
            }
            if bounded && holderBound(j, u, ju, m) >= limit { continue }
            let base = -Double(m) * objective[cj * B + u] - (ju == m ? penalty : 0)
            // A re-routing onto one of the line's other pieces makes no new piece.
            heldStamp += 1
            if !whole { for a in allocations[j] where a.q > 0 { heldAt[a.b] = heldStamp } }
            if targetsOnly {
                // A bucket the line's class cannot use has an infinite objective.
                for v in targets where v != u && objective[cj * B + v].isFinite {
                    consider(v, base + Double(m) * objective[cj * B + v] + (heldAt[v] == heldStamp ? 0 : penalty), j)
                }
            } else {
                for v in eligible[cj] where v != u {
                    consider(v, base + Double(m) * objective[cj * B + v] + (heldAt[v] == heldStamp ? 0 : penalty), j)
                }
            }
        }
    }

    /// Keeps weight `w` by line `j` for bucket `v` of the scratch row if it is the lowest so far, or else the lowest
    /// by a line other than the lowest's (ties: the first; each line weighs a bucket once per row).
    @inline(__always) mutating func consider(_ v: Int, _ w: Double, _ j: Int) {
        if w < scratchWeight[v] {
            if scratchLine[v] < 0 { scratchTargets.append(v) }
            scratchSecond[v] = scratchWeight[v]; scratchSecondLine[v] = scratchLine[v]
            scratchWeight[v] = w; scratchLine[v] = j
        } else if w < scratchSecond[v] {
            scratchSecond[v] = w; scratchSecondLine[v] = j
        }
    }

    /// Moves that cost this many split penalties or more before their chain are not searched: the chain would have to
    /// net more than that many merges of other lines' pieces, which was too rare to pay for the searches (1M-line
    /// scenario: a fifth of the merger's time for 0.002% of total cost).
    static let chainWorthBelow = 2.0

    /// Whether a move to `t` takes piece `k` (at bucket `b`) of the line: every piece not at `t` (`single` < 0), or
    /// only piece `single`.
    @inline(__always) static func moves(_ k: Int, _ b: Int, to t: Int, single: Int) -> Bool { single < 0 ? b != t : k == single }

    /// One re-routing of a chain: `line` takes its units from bucket `from` to bucket `to`.
    struct Step { var from: Int; var to: Int; var line: Int }
    /// One candidate move: the change of the objective, the target, the pieces moved (`single` < 0: every piece not
    /// at `t`, else only piece `single`), and the units its chain (`chain`, kept in a buffer) re-routes.
    struct Move { var delta: Double; var t: Int; var single: Int; var m: Int }
    /// The chain of the best move so far, and of the candidate being checked (buffers reused across moves).
    var bestChain: [Step] = []
    var candidateChain: [Step] = []

    /// Runs passes over the lines, applying each line's best improving move, until a pass improves nothing or
    /// `maxPasses` passes ran.
    mutating func run(maxPasses: Int) {
        var moved = false
        // Per line, the version at which it last had no improving move: a line's best move depends only on the
        // allocations, so until some move is applied, looking again finds nothing again (the last pass of a run
        // mostly re-checks lines in vain).
        var fruitless = [Int](repeating: -1, count: allocations.count)
        for _ in 0..<maxPasses {
            var improved = false
            rebuildHolders()
            // Whole lines can gain only once something moved (the starting sourcing is the cheapest), unless asked.
            for i in allocations.indices where allocations[i].count > 1 || (!allocations[i].isEmpty && (wholeLineChains || moved)) {
                guard fruitless[i] != version else { continue }
                guard let mv = bestMove(i) else { fruitless[i] = version; continue }
                let parts = allocations[i]
                var units = 0
                for (k, s) in parts.enumerated() where Self.moves(k, s.b, to: mv.t, single: mv.single) {
                    add(i, s.b, -s.q); units += s.q
                }
                for step in bestChain { add(step.line, step.from, -mv.m); add(step.line, step.to, mv.m) }
                add(i, mv.t, units)
                for b in 0..<B { free[b] = cap[b] }
                precondition(cap.allSatisfy { $0 >= 0 }, "a merge over-used a bucket")
                improved = true; moved = true
            }
            if !improved { break }
        }
    }

    /// The best improving move of line `i`, if any (its chain in `bestChain`).
    mutating func bestMove(_ i: Int) -> Move? {
        let c = lineClass[i]
        let parts = allocations[i]
        // A whole line moves only to a cheaper bucket (and, unless asked, only into free units).
        let whole = parts.count == 1
        var best: Move?
        // Candidate moves, in this order: all pieces to one bucket, then one piece onto another piece's bucket.
        if whole {
            let here = obj(i, parts[0].b)
            for t in eligible[c] {
                // Eligible buckets are listed cheapest first: after one as dear as the line's own, none is cheaper.
                guard obj(i, t) < here else { break }
                if !wholeLineChains && cap[t] < parts[0].q { continue }
                tryMove(i, parts, t, single: -1, best: &best)
            }
        } else {
            // A bucket the line holds nothing at costs every piece its move: once one costs too much for a move to be
            // tried, every dearer one does too (`tryMove`), and only the buckets the line holds are left to try.
            var dear = false
            for t in eligible[c] {
                if dear && !parts.contains(where: { $0.b == t }) { continue }
                if tryMove(i, parts, t, single: -1, best: &best) { dear = true }
            }
        }
        if parts.count > 2 {
            for k in parts.indices { for t in parts where t.b != parts[k].b { tryMove(i, parts, t.b, single: k, best: &best) } }
        }
        return best
    }

    /// Weighs moving line `i`'s pieces to `t` (`single` < 0: every piece not at `t`, else only piece `single`), with
    /// the cheapest chain that makes room, and keeps it in `best` if it improves on it. Returns whether every piece
    /// moved to a bucket the line holds nothing at, at a cost before any chain too high for the move to be taken: the
    /// cost is a sum of `q * (objective at t - objective at b)` terms, so any bucket at least as dear costs as much or
    /// more (sums and differences round monotonically), and would not be taken either.
    @discardableResult
    mutating func tryMove(_ i: Int, _ parts: [(b: Int, q: Int)], _ t: Int, single: Int, best: inout Move?) -> Bool {
        var count = 0, held = false, units = 0, own = 0.0
        for (k, s) in parts.enumerated() {
            if s.b == t { held = true }
            guard Self.moves(k, s.b, to: t, single: single) else { continue }
            count += 1
            free[s.b] += s.q; units += s.q
            own += Double(s.q) * (obj(i, t) - obj(i, s.b))
        }
        own += -penalty * Double(count - (held ? 0 : 1))
        let m = units - free[t]
        if m <= 0 {
            if own < -1e-9 && (best == nil || own < best!.delta - 1e-12) {
                best = Move(delta: own, t: t, single: single, m: 0); bestChain.removeAll(keepingCapacity: true)
            }
        } else if own < SplitMerger.chainWorthBelow * penalty {
            // A chain weighing `cutoff` or more would not be taken.
            let taken = min(-1e-9, best.map { $0.delta - 1e-12 } ?? -1e-9)
            search(from: t, line: i, units: m, cutoff: taken - own + pruningMargin(units: units, pieces: parts.count))
            let last = (layers - 1) * B
            for e in targets where dist[last + e].isFinite {
                let total = own + dist[last + e]
                guard total < -1e-9, best == nil || total < best!.delta - 1e-12 else { continue }
                chain(layers - 1, e)
                // A line may move only once per chain (its piece sizes were checked one step at a time).
                var distinct = true
                for a in candidateChain.indices {
                    for b in candidateChain.indices where b > a && candidateChain[a].line == candidateChain[b].line { distinct = false }
                }
                if distinct {
                    best = Move(delta: total, t: t, single: single, m: m)
                    bestChain.removeAll(keepingCapacity: true); bestChain.append(contentsOf: candidateChain)
                }
            }
        }
        // `free` equals `cap` between moves: only the moved pieces' buckets differed.
        for (k, s) in parts.enumerated() where Self.moves(k, s.b, to: t, single: single) { free[s.b] = cap[s.b] }
        return single < 0 && !held && !(own < SplitMerger.chainWorthBelow * penalty)
    }
}
