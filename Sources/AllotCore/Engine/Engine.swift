import Dispatch

/// The allocation engine: given a snapshot, a policy and a date, it recommends for every open order line how much
/// to allocate from which warehouse and supply, classifies what needs a person, and says why.
///
/// Pure and deterministic: the same inputs give the same plan, whatever the number of cores.
public enum Engine {
    /// Plans every open line of the snapshot.
    public static func plan(snapshot: Snapshot, policy: Policy, asOf: Day) -> Plan {
        plan(index: PlanningIndex(snapshot), policy: policy, asOf: asOf)
    }

    /// Plans every open line of an already indexed snapshot.
    public static func plan(index: PlanningIndex, policy: Policy, asOf: Day) -> Plan {
        var below = Set<CustomerID>()
        if policy.priority.serviceTargets {
            // Service targets need each customer's fill rate, which is itself a result of planning: plan once
            // without them, then again with the customers below target moved ahead within their class.
            let first = solveAll(index: index, policy: policy, asOf: asOf, serviceBelow: [])
            below = customersBelowTarget(first, index: index)
        }
        let (recs, free) = solveAllWithSupply(index: index, policy: policy, asOf: asOf, serviceBelow: below)
        return finish(recs, free: free, index: index, policy: policy, asOf: asOf)
    }

    // MARK: Solving

    static func solveGroup(index: PlanningIndex, policy: Policy, asOf: Day, skus: [SKU], serviceBelow: Set<CustomerID>) -> GroupSolver {
        let problem = GroupProblem(index: index, policy: policy, asOf: asOf, skus: skus, serviceBelow: serviceBelow)
        let solver = GroupSolver(problem: problem, policy: policy)
        // Quotas and commitments that apply to this group's lines.
        var quotaIDs: [Int] = []
        var seen = Set<Int>()
        for sku in skus {
            var keys = [sku]
            if let f = index.item(sku)?.family { keys.append(f) }
            for k in keys { for q in index.quotasByKey[k] ?? [] where seen.insert(q).inserted { quotaIDs.append(q) } }
        }
        quotaIDs.sort()
        let quotas = quotaIDs.map { index.snapshot.quotas[$0] }
        let quotaIndexByLine: [[Int]] = problem.lines.map { w in
            guard !quotas.isEmpty else { return [] }
            return quotas.indices.filter { k in
                let q = quotas[k]
                return q.tier == w.tier && (q.skuOrFamily == w.line.sku || q.skuOrFamily == w.item?.family)
                    && q.covers(w.order.requestedDate)
            }
        }
        solver.fill(quotas: quotas, quotaIndexByLine: quotaIndexByLine)
        solver.minimizeCost()
        solver.markCommitmentConflicts()
        solver.assignToLines()
        solver.improveSplits()
        return solver
    }

    /// Solves every group, in parallel, returning each line's recommendation keyed by its snapshot position.
    static func solveAll(index: PlanningIndex, policy: Policy, asOf: Day, serviceBelow: Set<CustomerID>) -> [(LineKey, LineRecommendation)] {
        solveAllWithSupply(index: index, policy: policy, asOf: asOf, serviceBelow: serviceBelow).recs
    }

    /// Solves every group, in parallel: each line's recommendation in line-key order, and the supplies each sku has
    /// left free (what the passes after the solver may use).
    static func solveAllWithSupply(index: PlanningIndex, policy: Policy, asOf: Day, serviceBelow: Set<CustomerID>)
        -> (recs: [(LineKey, LineRecommendation)], free: [SKU: [FreeSupply]]) {
        let (solved, free) = solveGroups(index.groups, index: index, policy: policy, asOf: asOf, serviceBelow: serviceBelow)
        // Take the lines in snapshot order, then order by line key (usually already in order). Only positions are
        // sorted: copying a million recommendations costs more than the rest of this step.
        var at = [Int32](repeating: -1, count: index.snapshot.lines.count)
        for (k, s) in solved.enumerated() { at[s.0] = Int32(k) }
        var freeBySku: [SKU: [FreeSupply]] = [:]
        for (sku, f) in free { freeBySku[sku] = f }
        var out: [(LineKey, LineRecommendation)] = []
        out.reserveCapacity(solved.count)
        for k in at where k >= 0 { let r = solved[Int(k)].1; out.append((r.key, r)) }
        var sorted = true
        for i in out.indices.dropFirst() where !(out[i - 1].0 < out[i].0) { sorted = false; break }
        if !sorted { out.sort { $0.0 < $1.0 } }
        return (out, freeBySku)
    }

    /// Runs the passes after the solver (ship-complete orders, then site capacity) over lines sorted by key, and
    /// totals the summary.
    static func finish(_ recs: [(LineKey, LineRecommendation)], free: [SKU: [FreeSupply]], index: PlanningIndex, policy: Policy,
                       asOf: Day) -> Plan {
        var lines = recs.map(\.1)
        var solver: [LineKey: LineRecommendation] = [:]
        var ledger = SupplyLedger(index: index, policy: policy, asOf: asOf, free: free)
        ShipComplete.apply(&lines, ledger: &ledger, solver: &solver, index: index, policy: policy)
        if policy.cost.respectCapacity { SiteCapacity.apply(&lines, ledger: &ledger, solver: &solver, index: index, policy: policy) }
        let totals = PlanTotals(lines, splitPenalty: policy.cost.splitPenalty)
        var plan = Plan(asOf: asOf, policyVersion: policy.version, lines: lines, summary: totals.summary)
        plan.solverRecord = SolverRecord(known: true, lines: solver, free: free, totals: totals)
        return plan
    }

    /// The status the contract gives a line from its exceptions.
    static func status(for r: LineRecommendation, policy: Policy) -> LineStatus {
        if r.exceptions.contains(.orderHold) || r.exceptions.contains(.creditHold) { return .held }
        if r.requested > 0 && r.allocated == 0 { return .backorder }
        if policy.autoRelease.enabled && r.exceptions.allSatisfy({ policy.autoRelease.allow.contains($0) }) { return .auto }
        return .review
    }

    /// The role whose queue a line goes to: of the roles its blocking exceptions route to, the most senior
    /// (supervisor, then finance, customer service, planner), so that a line needing approval is not decided below it.
    public static func queue(for r: LineRecommendation, policy: Policy) -> Role? {
        guard r.status != .auto else { return nil }
        var blocking = r.exceptions.filter { !policy.autoRelease.allow.contains($0) }
        if blocking.isEmpty { blocking = r.exceptions }
        let seniority: [Role] = [.admin, .supervisor, .finance, .customerService, .planner]
        let roles = blocking.map { policy.routing[$0] ?? .planner }
        return roles.min { (seniority.firstIndex(of: $0) ?? 9) < (seniority.firstIndex(of: $1) ?? 9) } ?? .planner
    }

    static func customersBelowTarget(_ recs: [(LineKey, LineRecommendation)], index: PlanningIndex) -> Set<CustomerID> {
        var asked: [CustomerID: Int] = [:], got: [CustomerID: Int] = [:]
        for (_, r) in recs where r.status != .held {
            guard let o = index.order(r.orderID) else { continue }
            asked[o.customerID, default: 0] += r.requested
            got[o.customerID, default: 0] += r.allocated
        }
        var below = Set<CustomerID>()
        for c in index.snapshot.customers {
            guard let target = c.serviceTarget, let a = asked[c.id], a > 0 else { continue }
            if Double(got[c.id] ?? 0) / Double(a) < target { below.insert(c.id) }
        }
        return below
    }
}

extension Plan {
    /// The solver's own recommendation of a line, before the passes after it (ship complete, site capacity) re-sourced,
    /// delayed or flagged it: what `Engine.replanLines` returns for that line.
    public func solverRecommendation(_ key: LineKey) -> LineRecommendation? {
        if let r = solverRecord.lines[key] { return r }
        return SupplyLedger.find(key, in: lines).map { lines[$0] }
    }
}
