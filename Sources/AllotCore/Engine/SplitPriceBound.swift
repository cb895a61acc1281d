/// A bound on every chain of a `SplitMerger` search at once, from the prices (dual values) of the buckets that the
/// cheapest sourcing leaves: most searches find no chain, and this rules many out before a row is built.
///
/// With any prices `y` and each class's least objective less price `a_c`, a line's objective at `b` is
/// `y_b + a_c + r`, with `r >= 0` (its reduced cost). So a step re-routing `m` units from `u` to `v` weighs at least
/// `m * (y_v - y_u) - m * r(u)` in cost, and the steps of a chain from `t` telescope to
/// `m * (y_end - y_t) - m * (the reduced costs they leave)`. At the cheapest sourcing the pieces held have reduced
/// cost 0 and the bound is tight in cost; what remains is the split penalties the steps may save, counted per step.
/// The bound holds whatever the prices (they only make it tight), so the plans are those of the full search.
extension SplitMerger {
    /// The buckets' prices from the group's cheapest sourcing (zeros without one) and each class's least objective
    /// less price.
    static func prices(_ s: GroupSolver) -> (price: [Double], classBase: [Double]) {
        let B = s.B
        let price = s.bucketPrices.count > B ? Array(s.bucketPrices.prefix(B)) : [Double](repeating: 0, count: B)
        return (price, classBase(objective: s.p.objective, buckets: B, price: price))
    }

    /// Per class (a row of `buckets` objectives) its least objective less price over the buckets it may use (those of
    /// finite objective).
    static func classBase(objective: [Double], buckets B: Int, price: [Double]) -> [Double] {
        (0..<(B > 0 ? objective.count / B : 0)).map { c in
            (0..<B).reduce(Double.infinity) { objective[c * B + $1].isFinite ? min($0, objective[c * B + $1] - price[$1]) : $0 }
        }
    }

    /// Line `l`'s reduced cost at `b`: its objective there less `b`'s price and less its class's least objective less
    /// price (never below 0).
    @inline(__always) func reduced(_ l: Int, _ b: Int) -> Double {
        let c = lineClass[l]
        return objective[c * B + b] - price[b] - classBase[c]
    }

    /// A lower bound on every chain of re-routings of `m` units from `t` (for line `i`'s move) that ends at a target,
    /// whose least price is `leastTargetPrice`: the telescoped cost, the first step's reduced cost and penalty per
    /// line holding at least `m` units at `t`, and each later step's most reduced cost left (`laterReduced`) and
    /// penalty (a step saves one only by emptying a split line's piece of exactly `m` units onto its other piece).
    mutating func chainsBound(_ t: Int, _ i: Int, _ m: Int, leastTargetPrice: Double) -> Double {
        let bound = firstStepBound(t, m, leastTargetPrice: leastTargetPrice, first: firstStepFloor(t, i, m))
        return layers > 2 ? bound - Double(layers - 2) * laterStepFloor(m, besides: i) : bound
    }

    /// Whether every such chain weighs `cutoff` or more (`chainsBound` clears it), given `firstStepFloor(t, i, m)`.
    /// The later steps' terms are first taken at their extremes (the largest reduced cost held anywhere, a penalty
    /// saved), and worked out only when the answer turns on them.
    mutating func chainsRuledOut(_ t: Int, _ i: Int, _ m: Int, leastTargetPrice: Double, first: Double, cutoff: Double) -> Bool {
        let bound = firstStepBound(t, m, leastTargetPrice: leastTargetPrice, first: first)
        guard bound >= cutoff else { return false }
        guard layers > 2 else { return true }
        let steps = Double(layers - 2)
        if bound - steps * (Double(m) * reducedMax + penalty) >= cutoff { return true }
        return bound - steps * laterStepFloor(m, besides: i) >= cutoff
    }

    /// The bound of a chain of one step: the telescoped cost to the least target price, plus the first step's floor.
    @inline(__always) func firstStepBound(_ t: Int, _ m: Int, leastTargetPrice: Double, first: Double) -> Double {
        Double(m) * (leastTargetPrice - price[t]) + first
    }

    /// The most a later step may weigh below its prices' difference: the reduced cost it may leave on `m` units, and
    /// a penalty if some split line's piece of exactly `m` units lets it save one.
    mutating func laterStepFloor(_ m: Int, besides i: Int) -> Double {
        Double(m) * laterReduced(m, besides: i) + (splitPiece(of: m, besides: i) ? penalty : 0)
    }

    /// The least the first step out of `t` may weigh beyond its prices' difference: per line but `i` holding at least
    /// `m` units there, its penalty less its reduced cost (infinite: no line can start a chain).
    func firstStepFloor(_ t: Int, _ i: Int, _ m: Int) -> Double {
        var first = Double.infinity
        for j in holders[t] where j != i {
            let q = qty(j, t)
            guard q >= m else { continue }
            // A whole line makes a new piece unless it moves entirely; a split one may move onto a piece it holds.
            let penalty = allocations[j].count > 1 ? (q == m ? -self.penalty : 0) : (q == m ? 0 : self.penalty)
            first = min(first, penalty - Double(m) * reduced(j, t))
        }
        return first
    }

    /// The margin the bound must clear a cutoff by: above the rounding of its prices' sums (and of a chain's weights).
    func priceMargin(units: Int) -> Double {
        1e-9 + 1e-11 * Double(units) * (largestPrice + largestObjective) * Double(layers)
    }

    /// The most reduced cost a later step's line (not `i`, holding at least `m` units where the step starts) leaves:
    /// the first such piece of those above 0, listed by reduced cost, largest first, at `version` `reducedAt`. (At
    /// the cheapest sourcing none is; pieces moved by merges may be.)
    mutating func laterReduced(_ m: Int, besides i: Int) -> Double {
        if reducedAt != version {
            reducedAt = version
            reducedPieces.removeAll(keepingCapacity: true)
            for l in allocations.indices {
                for a in allocations[l] { let r = reduced(l, a.b); if r > 0 { reducedPieces.append((r, a.q, l)) } }
            }
            reducedPieces.sort { $0.r > $1.r }
        }
        for p in reducedPieces where p.q >= m && p.line != i { return p.r }
        return 0
    }

    /// Whether some split line other than `i` holds a piece of exactly `m` units.
    mutating func splitPiece(of m: Int, besides i: Int) -> Bool {
        if splitSizesAt != version {
            splitSizesAt = version
            splitSizes.removeAll(keepingCapacity: true)
            for pieces in allocations where pieces.count > 1 { for a in pieces { splitSizes[a.q, default: 0] += 1 } }
        }
        var n = splitSizes[m] ?? 0
        if allocations[i].count > 1 { for a in allocations[i] where a.q == m { n -= 1 } }
        return n > 0
    }
}
