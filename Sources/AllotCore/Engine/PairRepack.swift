/// Exact re-packing of two buckets at a time against the split penalty: for buckets `u` and `v` that a split line
/// draws on both, every line holding units at either is re-assigned between the two, so that their units, both
/// buckets' capacities and every line's other pieces stay as they are, at the least cost plus split penalties.
///
/// Such a two-bucket problem is a knapsack: each line goes whole to `u` or whole to `v`, or splits between them; at
/// most one line needs to split (with two, shifting units from one to the other at no extra cost empties one of their
/// pieces), so a table over the units sent to `u`, with and without the split line, solves it exactly.
///
/// It finds what the chain moves of `SplitMerger` cannot reach: many lines swapping places at once, so that a split
/// line's pieces fit whole. (1M-line scenario: total cost 56,373,761 -> 56,231,964, -0.25%, split lines 95,996 ->
/// 92,038. On every 50th group, solved exactly by `tools/split_gap.py`, the distance from the best solution known fell
/// by a third. One sweep over the split lines' pairs, pairs of up to `enumerateUpTo` moving lines tried packing by
/// packing, larger ones by a table of at most `maxCells` cells: eight sweeps and tables of 400k cells gained
/// -0.37% for four times the time.)
struct PairRepack {
    let B: Int
    let penalty: Double
    let objective: [Double]
    let lineClass: [Int]
    var allocations: [[(b: Int, q: Int)]]
    var cap: [Int]
    /// The lines holding units at each bucket.
    var holders: [[Int]]
    /// Bumped by every re-packing; per bucket the version at which it changed (a line holding units there changed), and
    /// the version at which its own pieces changed; per pair the version it was last solved.
    ///
    /// A pair's problem reads only the pieces at its two buckets (and their free units, prices and lines shared): a line
    /// re-packed elsewhere leaves it as it was, and a pair solved exactly since its buckets' own pieces last changed
    /// would find nothing again. The wider `bucketChanged` picks the pairs the sweeps look at.
    var version = 1
    var bucketChanged: [Int]
    var piecesChanged: [Int]
    var pairSolved: [Int]
    /// Work buffers: the pair's moving lines, the tables' rows and the choice per line and state, the split's window and
    /// the finite entries of the rows without a split line.
    var lines: [Int] = []
    var tableRows: [Double] = []
    var choice: [Int32] = []
    var window: [Int] = []
    /// Per moving line: units at `u` chosen, its units, its cost whole at `u` and at `v` (`wholeCosts`) and (trying every
    /// packing) its objective per unit at each.
    var units: [Int] = []
    var qs: [Int] = []
    var atU: [Double] = [], atV: [Double] = []
    var unitU: [Double] = [], unitV: [Double] = []
    /// Per packing of the moving lines (the set of lines at `u`), trying every packing: its cost and units at `u`.
    var packingCost: [Double] = []
    var packingUnits: [Int] = []
    /// Per moving line of a pair's table, the least the lines from it on can cost, and their units.
    var rest: [Double] = []
    var restUnits: [Int] = []
    /// The pair's lines with their units at `u` and at `v` and their objectives per unit there.
    struct PairLine { var line: Int; var a: Int; var b: Int; var cu: Double; var cv: Double }
    var pairLines: [PairLine] = []
    /// A line kept out of one bucket while `forceOut` re-packs, or -1.
    var forbidLine = -1, forbidBucket = -1
    /// The most cells (lines times units) a pair's table may have; larger pairs are left as they are.
    var maxCells = 2_000
    /// Prices of the buckets (dual values of the cheapest sourcing, see `SplitPriceBound`) and per class its least
    /// objective less price: a line's objective at `b` is `price[b] + classBase[c]` plus its reduced cost (>= 0). They
    /// bound what re-packing a pair can gain (`repack`, `mayImprove`); any prices make the bound hold, good ones tight.
    let price: [Double]
    let classBase: [Double]
    /// Per bucket the reduced cost its pieces hold, and per pair `u * B + v` (u < v) the lines with pieces at both: what
    /// `mayImprove` reads, kept up to date by `set`.
    var reducedHeld: [Double]
    var sharedLines: [Int]

    /// Without `prices`, every bucket's price is 0 (the bound still holds, looser).
    init(B: Int, penalty: Double, objective: [Double], lineClass: [Int], allocations: [[(b: Int, q: Int)]], cap: [Int],
         prices: (price: [Double], classBase: [Double])? = nil) {
        self.B = B; self.penalty = penalty; self.objective = objective; self.lineClass = lineClass
        self.allocations = allocations; self.cap = cap
        let zero = [Double](repeating: 0, count: B)
        (price, classBase) = prices ?? (zero, SplitMerger.classBase(objective: objective, buckets: B, price: zero))
        holders = [[Int]](repeating: [], count: B)
        for l in allocations.indices { for a in allocations[l] { holders[a.b].append(l) } }
        bucketChanged = [Int](repeating: 0, count: B)
        piecesChanged = [Int](repeating: 0, count: B)
        pairSolved = [Int](repeating: -1, count: B * B)  // (below every bucket's version: each pair is solved once)
        reducedHeld = [Double](repeating: 0, count: B)
        sharedLines = [Int](repeating: 0, count: B * B)
        for l in allocations.indices {
            for (k, a) in allocations[l].enumerated() {
                reducedHeld[a.b] += Double(a.q) * max(0, reduced(l, a.b))
                for c in allocations[l][(k + 1)...] { sharedLines[min(a.b, c.b) * B + max(a.b, c.b)] += 1 }
            }
        }
    }

    @inline(__always) func obj(_ l: Int, _ b: Int) -> Double { objective[lineClass[l] * B + b] }

    /// Line `l`'s reduced cost at `b` under the prices (>= 0 up to rounding).
    @inline(__always) func reduced(_ l: Int, _ b: Int) -> Double { obj(l, b) - price[b] - classBase[lineClass[l]] }

    @inline(__always) func qty(_ l: Int, _ b: Int) -> Int {
        for a in allocations[l] where a.b == b { return a.q }
        return 0
    }

    /// Re-packs the pairs of buckets of split lines, in line order, once (a pair is solved again only after one of its
    /// buckets changed; a line whose pieces changed has its pairs looked at again).
    mutating func run() {
        for l in allocations.indices where allocations[l].count > 1 {
            var k = 0
            while k < allocations[l].count {
                var j = k + 1
                while j < allocations[l].count {
                    let (a, b) = (allocations[l][k].b, allocations[l][j].b)
                    if solveIfStale(min(a, b), max(a, b)) {
                        // The line's pieces changed: look at its pairs again from the start.
                        if allocations[l].count < 2 { break }
                        k = 0; j = 0
                    }
                    j += 1
                }
                if allocations[l].count < 2 { break }
                k += 1
            }
        }
    }

    /// Re-packs every pair of buckets with lines at either, for `maxSweeps` sweeps or until one changes nothing (a pair
    /// is solved again only after one of its buckets changed).
    mutating func runAllPairs(maxSweeps: Int) { sweepPairs(changedAfter: -1, maxSweeps: maxSweeps) }

    /// Re-packs every pair of two buckets changed after `version` `start` (-1: every pair), for `maxSweeps` sweeps or
    /// until one changes nothing.
    mutating func sweepPairs(changedAfter start: Int, maxSweeps: Int) {
        for _ in 0..<maxSweeps {
            var changed = false
            for u in 0..<B where bucketChanged[u] > start {
                for v in (u + 1)..<B where bucketChanged[v] > start {
                    if solveIfStale(u, v) { changed = true }
                }
            }
            if !changed { break }
        }
    }

    /// Cost plus split penalties of the allocations.
    func value() -> Double {
        var total = 0.0
        for l in allocations.indices where !allocations[l].isEmpty {
            for a in allocations[l] { total += Double(a.q) * obj(l, a.b) }
            total += penalty * Double(allocations[l].count - 1)
        }
        return total
    }

    /// A search beyond the local optimum of every pair (`cost.split_search_effort`): a kick forces a split line's
    /// smallest piece out of its bucket `b` into another bucket `t` (re-packing `b` and `t` so that the line's units
    /// there all go to `t`, even at a higher cost), then the pairs around it are re-packed again (`settle`). The result
    /// is kept when cost plus penalties fell, and undone otherwise. Kicks go line by line (in line order), to each usable
    /// bucket in turn, in passes until one keeps nothing or `maxKicks` were tried; the same allocations give the same
    /// result.
    ///
    /// This reaches packings that need many lines to move around several buckets at once, which neither the merges nor
    /// one re-packing of each pair find. (1M-line scenario, every 50th group solved exactly by `tools/split_gap.py`: on
    /// the 213 groups proved optimal, the engine ends 1.14% above the optimum without the search, 0.90% with every pair
    /// re-packed and 1 kick per group (the default policy's; the plan takes about 1 s more), 0.80% with 5 and 0.56%
    /// with 20.)
    mutating func kick(maxKicks: Int, sweeps: Int) {
        var kicks = 0
        var current = value()
        var kept = true
        while kept && kicks < maxKicks {
            kept = false
            for l in allocations.indices where allocations[l].count > 1 {
                var b = allocations[l][0].b, smallest = allocations[l][0].q
                for a in allocations[l] where a.q < smallest { b = a.b; smallest = a.q }
                for t in 0..<B where t != b && obj(l, t).isFinite {
                    guard kicks < maxKicks else { return }
                    kicks += 1
                    let saved = (allocations, cap, holders, version, bucketChanged, piecesChanged, pairSolved, reducedHeld, sharedLines)
                    guard forceOut(line: l, from: b, into: t) else { continue }
                    settle(after: saved.3, kicked: b, t, sweeps: sweeps)
                    let now = value()
                    if now < current - 1e-9 - 1e-12 * abs(current) {
                        current = now; kept = true
                        break  // the line's pieces changed: on to the next line
                    }
                    (allocations, cap, holders, version, bucketChanged, piecesChanged, pairSolved, reducedHeld, sharedLines) = saved
                }
            }
        }
    }

    /// The descent after a kick at `version` `start` out of bucket `b` into `t`: every pair with `b` or `t` once, then, for
    /// up to `sweeps` sweeps, every pair of two buckets that changed since the kick. (Every pair with one changed bucket
    /// took twice the re-packings for about the same result: on every 50th group of the 1M-line scenario, with 20 kicks,
    /// 0.53% above the optimum on the groups proved optimal against 0.55%; without the first step, 0.72%.)
    mutating func settle(after start: Int, kicked b: Int, _ t: Int, sweeps: Int) {
        for x in 0..<B where x != b && x != t {
            solveIfStale(min(x, b), max(x, b))
            solveIfStale(min(x, t), max(x, t))
        }
        sweepPairs(changedAfter: start, maxSweeps: sweeps)
    }

    /// Re-packs `u` and `v` (u < v) unless solved since the pieces at either changed (solved exactly, a pair is not worth
    /// solving again until then); whether that changed them.
    @discardableResult
    mutating func solveIfStale(_ u: Int, _ v: Int) -> Bool {
        guard pairSolved[u * B + v] < max(piecesChanged[u], piecesChanged[v]) else { return false }
        let changed = mayImprove(u, v) && repack(u, v)
        pairSolved[u * B + v] = version
        return changed
    }

    /// Whether a re-packing of `u` and `v` (u < v) may gain, by the prices' bound (`priceBound`).
    @inline(__always) func mayImprove(_ u: Int, _ v: Int) -> Bool {
        !(holders[u].isEmpty && holders[v].isEmpty) && priceBound(u, v) > 1e-6
    }

    /// The most a re-packing of `u` and `v` (u < v) can gain, by the prices: it moves units between the two at their
    /// price difference (within the free units), gives back at most the reduced cost held at the two, and saves at most
    /// a penalty per line split across the two.
    @inline(__always) func priceBound(_ u: Int, _ v: Int) -> Double {
        let shift = max(0, (price[v] - price[u]) * Double(cap[u]), (price[u] - price[v]) * Double(cap[v]))
        return reducedHeld[u] + reducedHeld[v] + shift + penalty * Double(sharedLines[u * B + v])
    }

    /// Re-packs buckets `b` and `t` with line `l` kept out of `b` (all its units at the two go to `t`), at the least cost
    /// that allows, even above the current one; false when no packing of the two fits.
    mutating func forceOut(line l: Int, from b: Int, into t: Int) -> Bool {
        forbidLine = l; forbidBucket = b
        defer { forbidLine = -1; forbidBucket = -1 }
        return repack(min(b, t), max(b, t), force: true)
    }

    /// Solves the two-bucket problem of `u` and `v` exactly and applies it when it lowers cost plus penalties (or, with
    /// `force`, whenever a packing fits: see `forceOut`).
    mutating func repack(_ u: Int, _ v: Int, force: Bool = false) -> Bool {
        // The pair's lines (those at u, then those only at v) with their units and objectives at each.
        // What the pair could gain at most: each line's cost above its least (whole, at its cheaper bucket of the two),
        // summed. A line none of whose other states costs less above that least than the whole gain cannot change in a
        // better packing: it stays, and only the lines that may move go into the search.
        // A second bound, from the prices (`priceBound`). A line whole at one of the two stays, too, when moved whole
        // it would hold that much reduced cost at the other, and split it would cost a new piece's penalty of that
        // much. (1M-line scenario: of the pairs the split search looked at, 59% were ruled out by `mayImprove` alone.)
        pairLines.removeAll(keepingCapacity: true)
        var gain = 0.0
        for side in 0..<2 {
            let (from, other) = side == 0 ? (u, v) : (v, u)
            for l in holders[from] {
                var here = 0, there = 0
                for p in allocations[l] { if p.b == from { here = p.q } else if p.b == other { there = p.q } }
                if from == v && there > 0 { continue }  // (already taken with u's)
                let (a, b) = from == u ? (here, there) : (0, here)
                let cu = obj(l, u), cv = obj(l, v)
                let least = Double(a + b) * min(cu, cv) + penalty
                gain += (a > 0 ? Double(a) * cu + penalty : 0) + (b > 0 ? Double(b) * cv + penalty : 0) - least
                pairLines.append(PairLine(line: l, a: a, b: b, cu: cu, cv: cv))
            }
        }
        let priceGain = priceBound(u, v)
        guard force || min(gain, priceGain) > 1e-6 else { return false }
        if force { gain = .infinity }  // (every line may move)
        var au = cap[u], av = cap[v], total = 0  // free units, plus the moving lines'
        var current = 0.0
        lines.removeAll(keepingCapacity: true); qs.removeAll(keepingCapacity: true)
        for k in pairLines.indices {
            let (l, a, b, cu, cv) = (pairLines[k].line, pairLines[k].a, pairLines[k].b, pairLines[k].cu, pairLines[k].cv)
            let q = a + b
            var stays = !(cu.isFinite && cv.isFinite)
            if !stays && (a == 0 || b == 0) {
                // Whole at one of the two: its other states are whole at the other, or split.
                let least = Double(q) * min(cu, cv) + penalty
                let other = a > 0 ? Double(q) * cv + penalty : Double(q) * cu + penalty
                let split = q > 1 ? Double(q) * min(cu, cv) + abs(cu - cv) + 2 * penalty : Double.infinity
                stays = min(other, split) - least >= gain + 1e-9
                // By the prices: moved whole, it would hold the reduced cost at the other bucket; split, a new piece.
                if !stays && !force {
                    let r = max(0, a > 0 ? reduced(l, v) : reduced(l, u))
                    stays = min(Double(q) * r, q > 1 ? penalty : .infinity) >= priceGain + 1e-9
                }
            }
            if stays { continue }
            lines.append(l); qs.append(q)
            au += a; av += b; total += q
            if a > 0 { current += Double(a) * cu + penalty }
            if b > 0 { current += Double(b) * cv + penalty }
        }
        guard !lines.isEmpty else { return false }
        let W = min(au, total), low = max(0, total - av)
        guard low <= W else { return false }
        let best: Double
        if lines.count <= enumerateUpTo {
            best = enumerate(u, v, W: W, low: low)
        } else {
            guard lines.count * (W + 1) <= maxCells else { return false }
            best = table(u, v, W: W, low: low, limit: force ? .infinity : current + 1e-7 * (1 + abs(current)))
        }
        guard force ? best < .infinity : best < current - 1e-9 - 1e-12 * abs(current) else { return false }
        version += 1
        bucketChanged[u] = version; bucketChanged[v] = version
        piecesChanged[u] = version; piecesChanged[v] = version
        for (n, l) in lines.enumerated() {
            let q = qs[n]
            for b in allocations[l] where b.b != u && b.b != v { bucketChanged[b.b] = version }
            set(l, u, units[n]); set(l, v, q - units[n])
        }
        precondition(cap[u] >= 0 && cap[v] >= 0, "a re-pack over-used a bucket")
        return true
    }

    /// Each moving line's cost whole at `u` and whole at `v` (a piece's penalty included; infinity where it may not
    /// go), into `atU` and `atV`.
    mutating func wholeCosts(_ u: Int, _ v: Int) {
        atU.removeAll(keepingCapacity: true); atV.removeAll(keepingCapacity: true)
        for (k, l) in lines.enumerated() {
            atU.append(l == forbidLine && u == forbidBucket ? .infinity : Double(qs[k]) * obj(l, u) + penalty)
            atV.append(l == forbidLine && v == forbidBucket ? .infinity : Double(qs[k]) * obj(l, v) + penalty)
        }
    }

    /// The pair's best packing by a table over the units sent to `u` (lines with and without the split line): its cost,
    /// with each line's units at `u` in `units` (infinity when none fits). States from which no packing can cost less
    /// than `limit`, or reach `low` units at `u`, are left out (`limit`: infinity when any packing will do).
    ///
    /// The buffers only grow and are not filled in advance: every entry read is written first (a row's entries up to
    /// the units reached so far, a choice wherever its row's entry is finite), and the rows before and after each line
    /// trade places instead of being copied. The row without a split line is kept as the list of its finite entries
    /// (sums of whole lines' units, sparse when lines are large); the row with one as the range holding its finite
    /// entries; the splits are tried only within reach of a finite entry. (1M-line scenario: 15% of the first row's
    /// entries and 40% of the second's were finite.)
    mutating func table(_ u: Int, _ v: Int, W: Int, low: Int, limit: Double) -> Double {
        let width = W + 1, n = lines.count
        // Per line, the least the lines from it on can cost (each whole at its cheaper bucket of the two), and their
        // units.
        rest.removeAll(keepingCapacity: true); rest.append(contentsOf: repeatElement(0, count: n + 1))
        restUnits.removeAll(keepingCapacity: true); restUnits.append(contentsOf: repeatElement(0, count: n + 1))
        wholeCosts(u, v)
        for k in stride(from: n - 1, through: 0, by: -1) {
            rest[k] = rest[k + 1] + min(atU[k], atV[k])
            restUnits[k] = restUnits[k + 1] + qs[k]
        }
        // The rows without and with a split line, before and after each line, in one buffer.
        if tableRows.count < 4 * width { tableRows = [Double](repeating: .infinity, count: 4 * width) }
        if choice.count < n * 2 * width { choice = [Int32](repeating: -1, count: n * 2 * width) }
        if window.count < 3 * width { window = [Int](repeating: 0, count: 3 * width) }
        let penalty = self.penalty
        // Taken out of `self` while the loops read its lines and objectives.
        var rowBuffer = tableRows, choiceBuffer = choice, windowBuffer = window
        tableRows = []; choice = []; window = []
        defer { tableRows = rowBuffer; choice = choiceBuffer; window = windowBuffer }
        var best = Double.infinity, bw = -1, bf = 0
        rowBuffer.withUnsafeMutableBufferPointer { rows in
            choiceBuffer.withUnsafeMutableBufferPointer { choices in
                windowBuffer.withUnsafeMutableBufferPointer { win in
                    var d0 = rows.baseAddress!, d1 = d0 + width, n0 = d0 + 2 * width, n1 = d0 + 3 * width
                    let ch = choices.baseAddress!
                    // The split's queue, and the finite entries of the row without a split line, before and after.
                    let wq = win.baseAddress!
                    var live = wq + width, next = wq + 2 * width
                    var liveCount = 1
                    live[0] = 0
                    d0[0] = 0; d1[0] = .infinity
                    var reach = 0  // the most units sent to u so far (beyond it both rows are infinite)
                    var lo1 = 1, hi1 = 0  // the range of the row with a split line that may be finite (empty at first)
                    for k in 0..<n {
                        let l = lines[k], q = qs[k]
                        let cu = obj(l, u), cv = obj(l, v)
                        let barred = l == forbidLine  // (kept out of forbidBucket: whole at the other, never split)
                        let atV = self.atV[k], atU = self.atU[k]  // whole at v, whole at u
                        let top = min(W, reach + q)
                        for w in 0...top { n0[w] = .infinity; n1[w] = .infinity }
                        let c0 = ch + k * 2 * width, c1 = c0 + width
                        // The states that may still lead to a better packing: those whose least completion stays below
                        // `limit` and that can still reach `low` units at u.
                        let lim = limit - rest[k], from = low - restUnits[k]
                        var m = 0
                        for i in 0..<liveCount { let w = live[i]; if w >= from && d0[w] < lim { live[m] = w; m += 1 } }
                        // Whole at v (x = 0) or whole at u (x = q), within each table.
                        for i in 0..<m {
                            let w = live[i]
                            if atV < .infinity, d0[w] + atV < n0[w] { n0[w] = d0[w] + atV; c0[w] = 0 }
                            if atU < .infinity, w + q <= W, d0[w] + atU < n0[w + q] { n0[w + q] = d0[w] + atU; c0[w + q] = Int32(q) }
                        }
                        var nlo1 = Int.max, nhi1 = -1
                        if max(lo1, from) <= hi1 {
                            for w in max(lo1, from)...hi1 where d1[w] < lim {
                                if atV < .infinity, d1[w] + atV < n1[w] {
                                    n1[w] = d1[w] + atV; c1[w] = 0; nlo1 = min(nlo1, w); nhi1 = max(nhi1, w)
                                }
                                if atU < .infinity, w + q <= W, d1[w] + atU < n1[w + q] {
                                    n1[w + q] = d1[w] + atU; c1[w + q] = Int32(q); nlo1 = min(nlo1, w + q); nhi1 = max(nhi1, w + q)
                                }
                            }
                        }
                        // Split: x units at u (0 < x < q) from the table without a split line, the cost linear in x:
                        // d0[j] + (w - j) cu + (q - w + j) cv + 2 penalties, least over the window j in [w - q + 1, w - 1]
                        // (a queue of candidates by rising key d0[j] - j (cu - cv)), for the w within q - 1 above a
                        // state.
                        if q > 1 && top >= 1 && cu.isFinite && cv.isFinite && !barred && m > 0 {
                            let slope = cu - cv
                            var head = 0, tail = 0, i = 0
                            var w = live[0] + 1
                            while w <= top {
                                if i < m && live[i] == w - 1 {
                                    let j = w - 1, key = d0[j] - Double(j) * slope
                                    while tail > head, d0[wq[tail - 1]] - Double(wq[tail - 1]) * slope >= key { tail -= 1 }
                                    wq[tail] = j; tail += 1; i += 1
                                }
                                while tail > head, wq[head] < w - q + 1 { head += 1 }
                                guard tail > head else {
                                    if i < m { w = live[i] + 1; continue } else { break }
                                }
                                let j0 = wq[head]
                                let c = d0[j0] + Double(w - j0) * cu + Double(q - w + j0) * cv + 2 * penalty
                                if c < n1[w] {
                                    n1[w] = c; c1[w] = Int32(-(w - j0) - 1)  // from the table without
                                    nlo1 = min(nlo1, w); nhi1 = max(nhi1, w)
                                }
                                w += 1
                            }
                        }
                        // The next row's finite entries without a split line: the states whole at v, merged with those
                        // whole at u.
                        var count = 0, a = 0, b = 0
                        let viaV = atV < .infinity ? m : 0, viaU = atU < .infinity ? m : 0
                        while a < viaV || b < viaU {
                            let x = a < viaV ? live[a] : Int.max
                            let y = b < viaU ? live[b] + q : Int.max
                            if y > W { b = viaU; if x == Int.max { break } }
                            let t = min(x, y > W ? Int.max : y)
                            next[count] = t; count += 1
                            if x == t { a += 1 }
                            if y == t { b += 1 }
                        }
                        swap(&live, &next); liveCount = count
                        (lo1, hi1) = nlo1 <= nhi1 ? (nlo1, nhi1) : (1, 0)
                        reach = top
                        swap(&d0, &n0); swap(&d1, &n1)
                    }
                    guard low <= reach else { return }
                    for w in low...reach where d0[w] < best { best = d0[w]; bw = w; bf = 0 }
                    for w in low...reach where d1[w] < best { best = d1[w]; bw = w; bf = 1 }
                }
            }
        }
        guard bw >= 0 else { return .infinity }
        // Walk back the choices: units of each line at u.
        units.removeAll(keepingCapacity: true); units.append(contentsOf: repeatElement(0, count: lines.count))
        var w = bw, f = bf
        for n in stride(from: lines.count - 1, through: 0, by: -1) {
            let c = Int(choiceBuffer[n * 2 * width + f * width + w])
            if c < 0 { units[n] = -c - 1; f = 0 } else { units[n] = c }
            w -= units[n]
        }
        precondition(w == 0 && f == 0, "re-pack walk-back")
        return best
    }

    /// Pairs of this many moving lines or fewer are solved by trying every packing (each line whole at `u` or `v`, and
    /// at most one split at the end of its feasible range, where its linear cost is least): cheaper than a table for
    /// the few lines most pairs have.
    var enumerateUpTo = 6

    /// Sweeps over every pair of buckets before the kicks of `repackPairs`, and over the pairs a kick changed after
    /// it. (More gain little: with 8 instead of 2 and 1 kick per group, the groups proved optimal of the comment
    /// on `kick` ended 0.897% above the optimum instead of 0.902%.)
    static let searchSweeps = 2

    /// The pair's best packing by trying each: its cost, with each line's units at `u` in `units` (infinity when none
    /// fits). Ties keep the first found (packings in order of the set of lines at `u`, split lines in line order).
    mutating func enumerate(_ u: Int, _ v: Int, W: Int, low: Int) -> Double {
        let n = lines.count
        wholeCosts(u, v)
        unitU.removeAll(keepingCapacity: true); unitV.removeAll(keepingCapacity: true)
        var splittable = 0  // the lines that may split (more than one unit, not kept out of a bucket)
        for (k, l) in lines.enumerated() {
            unitU.append(obj(l, u)); unitV.append(obj(l, v))
            if qs[k] > 1 && l != forbidLine { splittable |= 1 << k }
        }
        // Every packing's cost and units at u, summed line by line in line order (as one packing at a time would): each
        // line's choice is added to the packings of the lines before it.
        let packings = 1 << n
        if packingCost.count < packings {
            packingCost = [Double](repeating: 0, count: packings); packingUnits = [Int](repeating: 0, count: packings)
        }
        packingCost[0] = 0; packingUnits[0] = 0
        for k in 0..<n {
            for mask in 0..<(1 << k) {
                packingCost[mask | 1 << k] = packingCost[mask] + atU[k]; packingUnits[mask | 1 << k] = packingUnits[mask] + qs[k]
                packingCost[mask] += atV[k]
            }
        }
        let penalty = self.penalty
        // (Read through local copies of the buffers, which the loop does not change.)
        let packingCost = packingCost, packingUnits = packingUnits, qs = qs, atV = atV, cus = unitU, cvs = unitV
        var best = Double.infinity, bestMask = -1, bestSplit = -1, bestX = 0
        for mask in 0..<packings {
            let sum = packingUnits[mask], cost = packingCost[mask]
            if sum >= low && sum <= W && cost < best { best = cost; bestMask = mask; bestSplit = -1 }
            // One line at v splits instead: x of its units at u (at least one), the rest at v.
            guard sum < W else { continue }
            var candidates = ~mask & splittable
            while candidates != 0 {
                let k = candidates.trailingZeroBitCount
                candidates &= candidates - 1
                let lo = max(1, low - sum), hi = min(qs[k] - 1, W - sum)
                guard lo <= hi else { continue }
                let cu = cus[k], cv = cvs[k]
                let x = cu < cv ? hi : lo
                let c = cost - atV[k] + Double(x) * cu + Double(qs[k] - x) * cv + 2 * penalty
                if c < best { best = c; bestMask = mask; bestSplit = k; bestX = x }
            }
        }
        guard bestMask >= 0 else { return .infinity }
        units.removeAll(keepingCapacity: true)
        for k in 0..<n { units.append(k == bestSplit ? bestX : (bestMask & (1 << k) != 0 ? qs[k] : 0)) }
        return best
    }

    /// Sets line `l`'s units at bucket `b`, keeping free units and holders right.
    mutating func set(_ l: Int, _ b: Int, _ q: Int) {
        let old = qty(l, b)
        guard old != q else { return }
        cap[b] -= q - old
        reducedHeld[b] += Double(q - old) * max(0, reduced(l, b))
        if let k = allocations[l].firstIndex(where: { $0.b == b }) {
            if q == 0 {
                allocations[l].remove(at: k)
                if let h = holders[b].firstIndex(of: l) { holders[b].remove(at: h) }
                for c in allocations[l] { sharedLines[min(b, c.b) * B + max(b, c.b)] -= 1 }
            } else { allocations[l][k].q = q }
        } else {
            for c in allocations[l] { sharedLines[min(b, c.b) * B + max(b, c.b)] += 1 }
            allocations[l].append((b, q))
            holders[b].append(l)
        }
    }
}

extension GroupSolver {
    /// Re-packs the pairs of buckets of split lines exactly (see `PairRepack`); then, with `kicks` above 0
    /// (`cost.split_search_effort`), searches on against the split penalty: every pair of buckets re-packed to a local
    /// optimum, then `kicks` kicks (see `PairRepack.kick`). One `PairRepack` does both, so the pairs the first step
    /// solved are solved again only once a bucket of theirs changed. It owns the allocations and free units meanwhile
    /// (no copy on its first write).
    func repackPairs(kicks: Int) {
        guard policy.cost.splitPenalty > 0, allocations.contains(where: { $0.count > 1 }) else { return }
        var r = PairRepack(B: B, penalty: policy.cost.splitPenalty, objective: p.objective, lineClass: p.lines.map(\.cls),
                           allocations: allocations, cap: cap, prices: SplitMerger.prices(self))
        allocations = []; cap = []
        r.run()
        if kicks > 0 && r.allocations.contains(where: { $0.count > 1 }) {
            r.runAllPairs(maxSweeps: PairRepack.searchSweeps)
            r.kick(maxKicks: kicks, sweeps: PairRepack.searchSweeps)
        }
        allocations = r.allocations; cap = r.cap
    }
}
