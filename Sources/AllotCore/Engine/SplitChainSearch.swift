/// The chain search of `SplitMerger`: the cheapest short chains of other lines' re-routings that make room for a move.
///
/// The search is pruned by lower bounds on what a chain can still cost, against the most a chain may cost for its move
/// to be taken (`cutoff`): a step is left out only when every chain through it would be rejected anyway, with a margin
/// above rounding and the search's tie tolerance, so the chains found (and the plans) are those of the full search.
extension SplitMerger {
    /// The steps of the chain that reaches `v` at layer `k`, from its start, into `candidateChain`.
    mutating func chain(_ k: Int, _ v: Int) {
        candidateChain.removeAll(keepingCapacity: true)
        var k = k, v = v
        while k > 0 {
            let u = par[k * B + v]
            if u >= 0 { candidateChain.append(Step(from: u, to: v, line: parLine[k * B + v])); v = u }
            k -= 1
        }
        candidateChain.reverse()
    }

    /// The buckets on the chain that reaches `v` at layer `k`, its start included, into `path` in any order (only
    /// membership is asked).
    mutating func fillPath(_ k: Int, _ v: Int) {
        path.removeAll(keepingCapacity: true)
        var k = k, v = v
        while k > 0 {
            if par[k * B + v] >= 0 { path.append(v); v = par[k * B + v] }
            k -= 1
        }
        path.append(v)
    }

    /// The margin a bound must clear the cutoff by before a step is left out: well above the rounding of sums of
    /// `units`-sized re-routings and penalties (and above the search's 1e-12 tie tolerance).
    func pruningMargin(units: Int, pieces: Int) -> Double {
        1e-9 + 1e-11 * (2 * Double(units) * largestObjective + penalty * Double(pieces + layers))
    }

    /// The cheapest chains of up to `layers - 1` re-routings of `m` units starting at `t` and ending at one of the
    /// buckets with `m` free units (`targets`, in bucket order): fills `dist`, `par` and `parLine` for every chain
    /// that weighs less than `cutoff` (heavier ones may be missing).
    mutating func search(from t: Int, line i: Int, units m: Int, cutoff: Double) {
        targets.removeAll(keepingCapacity: true)
        // Only a line holding at least m units at t can start a chain.
        let first = firstStepFloor(t, i, m)
        guard first < .infinity else { return }
        var leastPrice = Double.infinity
        for v in 0..<B where v != t && free[v] >= m { targets.append(v); leastPrice = min(leastPrice, price[v]) }
        guard !targets.isEmpty else { return }
        if chainsRuledOut(t, i, m, leastTargetPrice: leastPrice, first: first, cutoff: cutoff + priceMargin(units: m)) {
            // No chain could weigh under the cutoff: there is nothing to search (and no target to end at).
            targets.removeAll(keepingCapacity: true)
            return
        }
        searches += 1
        for v in targets { targetOf[v] = searches }
        for v in reached { for k in 0..<layers { dist[k * B + v] = .infinity; par[k * B + v] = -1 } }
        reached.removeAll(keepingCapacity: true)
        dist[t] = 0
        reached.append(t)
        for k in 1..<layers {
            // The buckets whose distance fell on layer k - 1, expanded in bucket order (ties go to the first). A bucket
            // reached earlier and not bettered since already offered every step it has, at the same distance by the
            // same path, so expanding it again could not shorten anything.
            frontier.removeAll(keepingCapacity: true)
            for v in reached {
                dist[k * B + v] = dist[(k - 1) * B + v]
                if k == 1 || par[(k - 1) * B + v] >= 0 { frontier.append(v) }
            }
            frontier.sort()
            let last = k == layers - 1
            // Steps that may still follow one taken on this layer.
            let rest = layers - 1 - k
            for u in frontier {
                let du = dist[(k - 1) * B + u]
                // (Each check skips only when a bound clears the cutoff, so that a NaN never prunes.)
                let exit = du + exitBound(u, i, m)
                if exit >= cutoff && exit + stepsBound(rest, m) >= cutoff { continue }
                if last && du + finalStepBound(u, i, m) >= cutoff { continue }
                fillPath(k - 1, u)
                if last, B < Self.rowsOnLastStepFrom, 2 * targets.count < B, storedRow(u, m) == nil {
                    // The last step only counts where it ends: where few buckets are targets, weigh just those, and
                    // keep nothing (where most are, a whole row costs about as much, and is kept).
                    weigh(u, i, m, targetsOnly: true, limit: cutoff - du)
                    for v in scratchTargets where !path.contains(v) && !(du + scratchWeight[v] >= cutoff) {
                        relax(k, u, v, du + scratchWeight[v], scratchLine[v])
                    }
                    clearScratch()
                    continue
                }
                let r = row(u, m)
                let sorted = rows[r].count >= Self.manyEntries
                for e in rows[r] {
                    // In a sorted row, the entries after one too heavy for any chain are heavier (a second-best entry,
                    // read for the moving line, weighs at least its first).
                    if sorted && du + e.w >= cutoff && du + e.w + stepsBound(rest, m) >= cutoff { break }
                    let (w, line) = e.line != i ? (e.w, e.line) : (e.second, e.secondLine)
                    let d = du + w
                    if line < 0 || last && free[e.v] < m || path.contains(e.v) || prunes(d, at: e.v, rest: rest, i, m, cutoff) { continue }
                    relax(k, u, e.v, d, line)
                }
            }
        }
    }

    /// The group size from which a chain's last step always reads a stored row: a move there touches a few buckets of
    /// many, so a row serves many searches before it changes (1M-event ingest scenario, 100-150 buckets per sku:
    /// row reads built 15k rows where last-step weighings weighed 300k times; 40-sku re-plan 2.6x fewer weighings).
    static let rowsOnLastStepFrom = 64

    /// Whether every chain reaching `v` at distance `d` with up to `rest` steps to come weighs `cutoff` or more: it
    /// ends at `v` if that is a target, and must take another step elsewhere.
    mutating func prunes(_ d: Double, at v: Int, rest: Int, _ i: Int, _ m: Int, _ cutoff: Double) -> Bool {
        if rest == 0 || free[v] >= m { if !(d >= cutoff) { return false } }
        guard rest > 0 else { return true }
        let next = d + exitBound(v, i, m)
        if next >= cutoff && next + stepsBound(rest - 1, m) >= cutoff { return true }
        // With one step to come, that step ends the chain, at a target.
        return rest == 1 && d + finalStepBound(v, i, m) >= cutoff
    }

    /// Takes the step from `u` to `v` re-routing `line` as the way to `v` at layer `k` if it is clearly shorter.
    @inline(__always) mutating func relax(_ k: Int, _ u: Int, _ v: Int, _ d: Double, _ line: Int) {
        if d < dist[k * B + v] - 1e-12 {
            if !dist[k * B + v].isFinite { reached.append(v) }
            dist[k * B + v] = d; par[k * B + v] = u; parLine[k * B + v] = line
        }
    }

    /// A lower bound on the weight of re-routing `m` units out of `u` by any line but `i`, looked up once per search.
    mutating func exitBound(_ u: Int, _ i: Int, _ m: Int) -> Double {
        if exitBoundAt[u] != searches {
            exitBoundAt[u] = searches
            let b = storedBound(u, m)
            exitBounds[u] = b.line != i ? b.w : b.second
        }
        return exitBounds[u]
    }

    /// `stepBounds(u, m)`, kept per bucket and units until a line holding units there changes, as rows are.
    mutating func storedBound(_ u: Int, _ m: Int) -> StepBounds {
        if let k = boundSlots.slot(u, m) {
            if storedBounds[k].at < bucketChanged[u] { storedBounds[k] = (stepBounds(u, m), version) }
            return storedBounds[k].bounds
        }
        let b = stepBounds(u, m)
        boundSlots.add(u, m, slot: storedBounds.count)
        storedBounds.append((b, version))
        return b
    }

    /// A lower bound on `steps` more steps of `m` units (at most 0), from the least any step weighs, kept until the
    /// next change of a line's pieces. Asked only when a bound without it already clears the cutoff (it costs a pass
    /// over every bucket's holders).
    mutating func stepsBound(_ steps: Int, _ m: Int) -> Double {
        guard steps > 0 else { return 0 }
        if anyStepsAt != version { anyStepsAt = version; anySteps.removeAll(keepingCapacity: true) }
        // (A search asks for one m many times: the last one asked is looked at first.)
        if let s = anySteps.last, s.m == m { return Double(steps) * s.w }
        if let k = anySteps.firstIndex(where: { $0.m == m }) {
            anySteps.swapAt(k, anySteps.count - 1)
            return Double(steps) * anySteps[anySteps.count - 1].w
        }
        var w = 0.0
        for u in 0..<B { w = min(w, storedBound(u, m).w) }
        anySteps.append((m, w))
        return Double(steps) * w
    }

    /// Lower bounds on the weight of re-routing `m` units out of a bucket: by any line (`w`, the least holder bound,
    /// of `line`), and by any line but that one (`second`).
    struct StepBounds { var w: Double; var line: Int; var second: Double }

    /// The step bounds of `u` for `m` units, without weighing every bucket (as a row does).
    func stepBounds(_ u: Int, _ m: Int) -> StepBounds {
        var b = StepBounds(w: .infinity, line: -1, second: .infinity)
        for j in holders[u] {
            let ju = qty(j, u)
            guard ju >= m else { continue }
            let w = holderBound(j, u, ju, m)
            if w < b.w { b = StepBounds(w: w, line: j, second: b.w) } else if w < b.second { b.second = w }
        }
        return b
    }

    /// A lower bound on the weight of line `j` (holding `ju` units at `u`) re-routing `m` of them: to its class's
    /// cheapest other bucket with a new piece, or onto one of its other pieces, less a penalty if its piece empties.
    @inline(__always) func holderBound(_ j: Int, _ u: Int, _ ju: Int, _ m: Int) -> Double {
        let c = lineClass[j]
        let ou = objective[c * B + u]
        let other = cheapestTwo[c].first != u ? cheapestTwo[c].first : cheapestTwo[c].second
        var w = other >= 0 ? Double(m) * (objective[c * B + other] - ou) + penalty : .infinity
        for a in allocations[j] where a.b != u { w = min(w, Double(m) * (objective[c * B + a.b] - ou)) }
        return ju == m ? w - penalty : w
    }
}
