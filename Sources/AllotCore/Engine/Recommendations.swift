/// Turning a solved group into the contract's line recommendations: allocations, exceptions, status, rationale.
extension GroupSolver {
    /// Flags short lines that a commitment of a later line pushed out (the commitment took stock they could use).
    func markCommitmentConflicts() {
        let committed = p.lines.indices.filter { p.lines[$0].committedFill > 0 }
        guard !committed.isEmpty || protectedUnits > 0 else { return }
        for l in p.lines.indices {
            let w = p.lines[l]
            guard w.cls >= 0, w.fill < w.qty, !w.commitmentConflict else { continue }
            // Units withheld for another customer's commitment sit in a bucket this line could use.
            if p.protectedClass.indices.contains(where: { k in
                p.commitments[k].customerID != p.customerOfLine[l]
                    && eligible[w.cls].contains { flow[p.protectedClass[k] * B + $0] > 0 } }) {
                p.lines[l].commitmentConflict = true
                continue
            }
            for k in committed where k != l && rank[k] > rank[l] {
                let kc = p.lines[k].cls
                if eligible[w.cls].contains(where: { p.hasArc(kc, $0) }) {
                    p.lines[l].commitmentConflict = true
                    break
                }
            }
        }
    }

    /// The highest-priority line holding units of each bucket (for "its units went to …").
    func firstHolders() -> [Int] {
        var first = [Int](repeating: -1, count: B)
        for l in allocations.indices {
            for a in allocations[l] where first[a.b] < 0 || rank[l] < rank[first[a.b]] { first[a.b] = l }
        }
        return first
    }
}

extension Engine {
    /// The supplies of a solved group with units left free, by sku: what the passes after the solver may still use
    /// (units withheld for a commitment are not free).
    static func freeSupply(_ s: GroupSolver) -> [(SKU, [FreeSupply])] {
        var out: [(SKU, [FreeSupply])] = []
        for (b, bucket) in s.p.buckets.enumerated() where s.cap[b] > 0 {
            var receipt: String?
            if case .receipt(let id) = bucket.kind { receipt = id }
            let f = FreeSupply(warehouse: bucket.warehouse, receipt: receipt, units: s.cap[b])
            if let k = out.lastIndex(where: { $0.0 == bucket.sku }) { out[k].1.append(f) } else { out.append((bucket.sku, [f])) }
        }
        return out
    }

    /// The recommendations of a solved group's lines, each with its line's position in the snapshot.
    static func recommendations(_ s: GroupSolver, index: PlanningIndex, policy: Policy, asOf: Day) -> [(Int, LineRecommendation)] {
        var out: [(Int, LineRecommendation)] = []
        out.reserveCapacity(s.p.lines.count)
        recommendations(s, index: index, policy: policy, asOf: asOf) { i, r in out.append((i, r)) }
        return out
    }

    /// Hands each recommendation of a solved group's lines to `emit`, which takes it over (a whole plan's million
    /// recommendations are then moved into place, not copied out of a list and released with it).
    static func recommendations(_ s: GroupSolver, index: PlanningIndex, policy: Policy, asOf: Day,
                                into emit: (Int, consuming LineRecommendation) -> Void) {
        let p = s.p
        let holders = p.lines.contains { $0.cls >= 0 && $0.fill < $0.qty } ? s.firstHolders() : []
        for l in p.lines.indices {
            emit(p.lines[l].lineIndex, recommendation(l, s, p, holders: holders, index: index, policy: policy))
        }
    }

    /// The recommendation of line `l` of a solved group, whose problem is `p` (`holders`: see `firstHolders`, for the
    /// short lines' sentences).
    static func recommendation(_ l: Int, _ s: GroupSolver, _ p: GroupProblem, holders: [Int], index: PlanningIndex,
                               policy: Policy) -> LineRecommendation {
        let w = p.lines[l]
        let whs = index.snapshot.warehouses
        let key = p.keys[l]
        var allocs: [Allocation] = []
        var exceptions: [ExceptionKind] = w.holds
        var freight = 0.0
        var stale = false, substituted = false, transferred = false, expedited = false, late = false
        if w.cls >= 0 {
            for a in s.allocations[l] {
                let bucket = p.buckets[a.b]
                guard let arc = p.arc(w.cls, a.b) else { continue }
                let r = arc.route
                let source: SupplySource
                if bucket.skuSlot != Int(w.skuSlot) { source = .substitute(bucket.sku); substituted = true }
                else if r.transferFrom >= 0 { source = .transfer(from: whs[r.transferFrom].id); transferred = true }
                else if case .receipt(let id) = bucket.kind { source = .receipt(id) }
                else { source = .onHand }
                if r.transferFrom >= 0 { transferred = true }
                if r.mode == .expedite { expedited = true }
                if arc.daysLate > 0 { late = true }
                if bucket.kind == .onHand && bucket.stale { stale = true }
                freight += Double(a.q) * r.unitFreight
                let cost = Double(a.q) * r.unitFreight + policy.cost.latenessPerUnitDay * Double(a.q * arc.daysLate)
                let alloc = Allocation(warehouseID: whs[r.shipWarehouse].id, qty: a.q, source: source,
                                       shipDate: Day(ordinal: r.shipDay), arrivalDate: Day(ordinal: r.arrivalDay),
                                       cost: cost, mode: r.mode)
                if let k = allocs.firstIndex(where: { $0.warehouseID == alloc.warehouseID && $0.source == alloc.source
                    && $0.shipDate == alloc.shipDate && $0.arrivalDate == alloc.arrivalDate && $0.mode == alloc.mode }) {
                    allocs[k].qty += alloc.qty; allocs[k].cost += alloc.cost
                } else { allocs.append(alloc) }
            }
            if allocs.count > 1 {
                allocs.sort(by: Allocation.inLineOrder)
            }
        }
        let allocated = allocs.reduce(0) { $0 + $1.qty }
        let requested = w.qty
        if !w.isHeld {
            if requested > 0 && allocated == 0 { exceptions.append(.backorder) }
            else if allocated < requested { exceptions.append(.shortage) }
            if allocs.count > 1 { exceptions.append(.split) }
            if late { exceptions.append(.late) }
            if let price = w.unitPrice, price > 0, allocated > 0 {
                let revenue = price * Double(allocated)
                let margin = (revenue - Double(allocated) * p.unitCost(of: l) - freight) / revenue
                if margin < policy.exceptions.minMarginPct { exceptions.append(.lowMargin) }
                if revenue > policy.exceptions.highValueLimit { exceptions.append(.highValue) }
            }
            if substituted { exceptions.append(.substitution) }
            if transferred { exceptions.append(.transfer) }
            if expedited { exceptions.append(.expedite) }
            if w.quotaLimited && allocated < requested { exceptions.append(.quotaLimit) }
            if w.commitmentConflict { exceptions.append(.commitmentConflict) }
            if stale { exceptions.append(.staleData) }
        }
        // Appended in the contract's order (holds alone, else the rest in declaration order): already sorted.
        assert(exceptions == exceptions.sorted())
        var rec = LineRecommendation(orderID: key.orderID, lineNo: key.lineNo, sku: p.sku(of: l), requested: requested,
                                     priorityClass: w.priorityClass, allocations: allocs, short: max(0, requested - allocated),
                                     status: .auto, exceptions: exceptions, rationale: "")
        rec.status = status(for: rec, policy: policy)
        // Worked out before it is stored: reading `rec` while assigning into it would copy the whole recommendation.
        let rationale = Rationale.sentence(for: rec, work: w, line: l, solver: s, holders: holders, index: index, policy: policy)
        rec.rationale = rationale
        return rec
    }
}

extension Allocation {
    /// The order of a line's allocations: by ship date, warehouse, then source (as `SupplySource.description` sorts;
    /// only worked out when date and warehouse tie, since it makes a string per comparison).
    static func inLineOrder(_ a: Allocation, _ b: Allocation) -> Bool {
        if a.shipDate != b.shipDate { return a.shipDate < b.shipDate }
        if a.warehouseID != b.warehouseID { return a.warehouseID < b.warehouseID }
        return a.source.description < b.source.description
    }
}
