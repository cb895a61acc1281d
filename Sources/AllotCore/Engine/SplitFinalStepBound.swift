/// A bound for the chain search of `SplitMerger` on the step that ends a chain, which must end at one of the search's
/// targets (buckets with room): most searches find no chain under their cutoff, and the cheapest bucket a line could
/// move to (`exitBound`) is often far cheaper than the cheapest with room.
extension SplitMerger {
    /// A lower bound on the weight of a chain's last step out of `u`: `m` units re-routed by any line but `i` (holding
    /// at least `m` there) onto a target, as a new piece at its class's cheapest target or onto one of its pieces at
    /// a target, less a penalty if its piece at `u` empties. Computed the way `weigh` computes a step (rounding is
    /// monotone, so it is never above one), once per search and bucket.
    mutating func finalStepBound(_ u: Int, _ i: Int, _ m: Int) -> Double {
        if finalBoundAt[u] == searches { return finalBounds[u] }
        var bound = Double.infinity
        for j in holders[u] where j != i {
            let ju = qty(j, u)
            guard ju >= m else { continue }
            let c = lineClass[j]
            let two = cheapestTargets(c)
            let base = -Double(m) * objective[c * B + u] - (ju == m ? penalty : 0)
            var w = base + Double(m) * (two.at != u ? two.first : two.second) + penalty
            for a in allocations[j] where a.b != u && targetOf[a.b] == searches && a.q > 0 {
                w = min(w, base + Double(m) * objective[c * B + a.b])
            }
            // (A NaN weight is never kept by a row, but bounds nothing.)
            if w.isNaN { bound = -.infinity; break }
            bound = min(bound, w)
        }
        finalBoundAt[u] = searches
        finalBounds[u] = bound
        return bound
    }

    /// The two least finite objectives of class `c` over the search's targets, and the bucket of the first (-1: none).
    mutating func cheapestTargets(_ c: Int) -> (first: Double, at: Int, second: Double) {
        if classTargetsAt[c] == searches { return classTargets[c] }
        var two = (first: Double.infinity, at: -1, second: Double.infinity)
        for v in targets {
            let o = objective[c * B + v]
            guard o.isFinite else { continue }
            if o < two.first { two = (o, v, two.first) } else if o < two.second { two.second = o }
        }
        classTargetsAt[c] = searches
        classTargets[c] = two
        return two
    }
}
