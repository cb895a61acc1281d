import Dispatch

/// A sum of doubles kept exactly (Shewchuk's non-overlapping partials, as Python's `math.fsum`): its value is the
/// exact sum rounded once, whatever the order the terms came in, and a term can be taken out again exactly.
///
/// The plan's total cost is such a sum so that an incremental re-plan, which takes out the old cost of the lines it
/// changed and adds their new cost, reports to the last bit the total a full plan adds up line by line.
struct ExactSum: Hashable, Sendable {
    /// Non-overlapping partial sums, smallest magnitude first; their exact sum is the sum of all terms.
    private var partials: [Double] = []

    init() {}

    mutating func add(_ term: Double) {
        var x = term
        var kept = 0
        let n = partials.count
        partials.withUnsafeMutableBufferPointer { p in
            for j in 0..<n {
                var y = p[j]
                if abs(x) < abs(y) { swap(&x, &y) }
                let hi = x + y
                let lo = y - (hi - x)
                if lo != 0 { p[kept] = lo; kept += 1 }
                x = hi
            }
        }
        // Dropping the tail from the end: a plan adds a million terms, and a general range removal showed in profiles.
        if kept < n { partials.removeLast(n - kept) }
        partials.append(x)
    }

    mutating func subtract(_ term: Double) { add(-term) }

    /// Equal when their sums are: the partials that hold the same sum depend on the order the terms came in.
    static func == (a: ExactSum, b: ExactSum) -> Bool { a.value.bitPattern == b.value.bitPattern }
    func hash(into hasher: inout Hasher) { hasher.combine(value.bitPattern) }

    /// Adds another exact sum: still exact, so sums of parts taken in any grouping give the same value.
    mutating func add(_ other: ExactSum) { for p in other.partials { add(p) } }

    /// The exact sum, correctly rounded to a double.
    var value: Double {
        var n = partials.count
        guard n > 0 else { return 0 }
        n -= 1
        var hi = partials[n]
        var lo = 0.0
        while n > 0 {
            let x = hi
            let y = partials[n - 1]
            n -= 1
            hi = x + y
            lo = y - (hi - x)
            if lo != 0 { break }
        }
        // Round half to even correctly: when the rest lies on the same side as the rounding error, round away.
        if n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0)) {
            let y = lo * 2
            let x = hi + y
            if y == x - hi { hi = x }
        }
        return hi
    }
}

/// What a plan's summary adds up over its lines, kept so that lines can be taken out and put in one at a time:
/// counts by status, requested and allocated units, and the cost (allocations plus split penalties) as an exact sum.
struct PlanTotals: Hashable, Sendable {
    var lines = 0, auto = 0, review = 0, held = 0, backorder = 0
    var requested = 0, allocated = 0
    var cost = ExactSum()

    init() {}

    /// Totals of a whole plan's lines, added up in parts on every core (each line read in place, not copied).
    init(_ lines: [LineRecommendation], splitPenalty: Double) {
        let parts = max(1, min(16, lines.count / 8192))
        var partial = [PlanTotals](repeating: PlanTotals(), count: parts)
        lines.withUnsafeBufferPointer { all in
            nonisolated(unsafe) let all = all
            partial.withUnsafeMutableBufferPointer { out in
                nonisolated(unsafe) let out = out
                DispatchQueue.concurrentPerform(iterations: parts) { k in
                    var t = PlanTotals()
                    for i in stride(from: k * all.count / parts, to: (k + 1) * all.count / parts, by: 1) {
                        t.add(all[i], splitPenalty: splitPenalty)
                    }
                    out[k] = t
                }
            }
        }
        for t in partial { add(t) }
    }

    /// Adds the totals of other lines.
    mutating func add(_ other: PlanTotals) {
        lines += other.lines; auto += other.auto; review += other.review; held += other.held; backorder += other.backorder
        requested += other.requested; allocated += other.allocated
        cost.add(other.cost)
    }

    mutating func add(_ r: LineRecommendation, splitPenalty: Double) { count(r, splitPenalty: splitPenalty, sign: 1) }

    mutating func remove(_ r: LineRecommendation, splitPenalty: Double) { count(r, splitPenalty: splitPenalty, sign: -1) }

    private mutating func count(_ r: LineRecommendation, splitPenalty: Double, sign: Int) {
        lines += sign
        switch r.status {
        case .auto: auto += sign
        case .review: review += sign
        case .held: held += sign
        case .backorder: backorder += sign
        }
        requested += sign * r.requested
        allocated += sign * r.allocated
        let c = r.cost + splitPenalty * Double(max(0, r.allocations.count - 1))
        if sign > 0 { cost.add(c) } else { cost.subtract(c) }
    }

    /// The contract's summary of these lines.
    var summary: PlanSummary {
        PlanSummary(lines: lines, auto: auto, review: review, held: held, backorder: backorder,
                    fillRate: requested > 0 ? Double(allocated) / Double(requested) : 1, totalCost: cost.value)
    }
}
