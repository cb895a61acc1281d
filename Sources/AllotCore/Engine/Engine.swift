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
        plan(index: index, policy: policy, asOf: asOf, stepDone: { _ in })
    }

    /// Plans every open line, calling `stepDone` with each step's name as it ends ("service targets" when the policy
    /// has them, "solve groups", "ship complete", "site capacity" when respected, "totals"): what `allot bench plan`
    /// times each step by.
    public static func plan(index: PlanningIndex, policy: Policy, asOf: Day, stepDone: (String) -> Void) -> Plan {
        plan(index: index, policy: policy, asOf: asOf, stepDone: stepDone, groupTimes: { _ in })
    }

    /// Plans every open line as `plan(index:policy:asOf:stepDone:)` does, handing `groupTimes` the time its step
    /// "solve groups" spent in each part of solving a group, summed over the cores, just before that step ends.
    public static func plan(index: PlanningIndex, policy: Policy, asOf: Day, stepDone: (String) -> Void,
                            groupTimes: (GroupTimes) -> Void) -> Plan {
        let below = serviceBelow(index: index, policy: policy, asOf: asOf)
        if policy.priority.serviceTargets { stepDone("service targets") }
        var times = GroupTimes()
        let (lines, free, loaded) = solveAllInKeyOrder(index: index, policy: policy, asOf: asOf, serviceBelow: below, times: &times)
        groupTimes(times)
        stepDone("solve groups")
        return finish(lines: lines, free: free, loaded: loaded, index: index, policy: policy, asOf: asOf, stepDone: stepDone)
    }

    /// The customers below their service target, who move ahead within their class (none unless the policy has
    /// service targets). Service targets need each customer's fill rate, which is itself a result of planning: this
    /// plans once without them.
    static func serviceBelow(index: PlanningIndex, policy: Policy, asOf: Day) -> Set<CustomerID> {
        guard policy.priority.serviceTargets else { return [] }
        return customersBelowTarget(solveAll(index: index, policy: policy, asOf: asOf, serviceBelow: []), index: index)
    }

    // MARK: Solving

    /// Solves one group (`memo`: the routes' choices worked out for the whole plan, when it has them).
    /// `beforeSplits` sees the solver with the cheapest sourcing in the lines, before the split penalty is worked on.
    static func solveGroup(index: PlanningIndex, policy: Policy, asOf: Day, skus: [SKU], serviceBelow: Set<CustomerID>,
                           memo: ArcMemo? = nil, beforeSplits: ((GroupSolver) -> Void)? = nil) -> GroupSolver {
        var times = GroupTimes()
        return solveGroup(index: index, policy: policy, asOf: asOf, skus: skus, serviceBelow: serviceBelow, memo: memo,
                          beforeSplits: beforeSplits, times: &times)
    }

    /// Solves one group as above, adding the time of each part to `times`.
    static func solveGroup(index: PlanningIndex, policy: Policy, asOf: Day, skus: [SKU], serviceBelow: Set<CustomerID>,
                           memo: ArcMemo?, beforeSplits: ((GroupSolver) -> Void)?, times: inout GroupTimes) -> GroupSolver {
        var clock = DispatchTime.now().uptimeNanoseconds
        let problem = GroupProblem(index: index, policy: policy, asOf: asOf, skus: skus, serviceBelow: serviceBelow, memo: memo)
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
        let families = skus.map { index.item($0)?.family }
        let quotaIndexByLine: [[Int]] = quotas.isEmpty ? Array(repeating: [], count: problem.lines.count)
            : problem.lines.indices.map { l in
                let w = problem.lines[l], tier = problem.tierName(of: l), sku = problem.sku(of: l)
                return quotas.indices.filter { k in
                    let q = quotas[k]
                    return q.tier == tier && (q.skuOrFamily == sku || q.skuOrFamily == families[Int(w.skuSlot)])
                        && q.covers(w.requestedDate)
                }
            }
        times.add(.problem, since: &clock)
        solver.fill(quotas: quotas, quotaIndexByLine: quotaIndexByLine)
        times.add(.fill, since: &clock)
        solver.minimizeCost()
        solver.markCommitmentConflicts()
        solver.assignToLines()
        times.add(.sourcing, since: &clock)
        beforeSplits?(solver)
        clock = DispatchTime.now().uptimeNanoseconds
        solver.improveSplits()
        times.add(.splits, since: &clock)
        return solver
    }

    /// Solves every group, in parallel, returning each line's recommendation in line-key order.
    static func solveAll(index: PlanningIndex, policy: Policy, asOf: Day, serviceBelow: Set<CustomerID>) -> [LineRecommendation] {
        var times = GroupTimes()
        return solveAllInKeyOrder(index: index, policy: policy, asOf: asOf, serviceBelow: serviceBelow, handingOver: false,
                                  times: &times).lines
    }

    /// Solves every group, in parallel (256 chunks, each taking every 256th group), with each recommendation put
    /// straight at its line's snapshot position in the plan's own array, which is then closed up over the lines not
    /// planned: a whole plan's million lines are never copied, nor a second array of them faulted in. Returns the lines
    /// in line-key order (the snapshot's order, unless it lists lines otherwise), the supplies each sku has left free,
    /// and, `handingOver`, every solved sku's supplies for the passes after the solver (`SupplyLedger.loaded`; else none).
    /// `times` gets each part's time, summed over the groups and the cores.
    static func solveAllInKeyOrder(index: PlanningIndex, policy: Policy, asOf: Day, serviceBelow: Set<CustomerID>,
                                   handingOver: Bool = true, times: inout GroupTimes)
        -> (lines: [LineRecommendation], free: [SKU: [FreeSupply]], loaded: [SupplyLedger.Loaded]) {
        let groups = index.groups
        let n = index.snapshot.lines.count
        let memo = ArcMemo(index: index, policy: policy)
        let chunks = max(1, min(groups.count, 256))
        let filled = UnsafeMutablePointer<Bool>.allocate(capacity: max(1, n))
        filled.initialize(repeating: false, count: max(1, n))
        defer { filled.deallocate() }
        var perChunk = [[(SKU, [FreeSupply])]](repeating: [], count: chunks)
        var loadedPerChunk = [[SupplyLedger.Loaded]](repeating: [], count: chunks)
        var chunkTimes = [GroupTimes](repeating: GroupTimes(), count: chunks)
        var lines = [LineRecommendation](unsafeUninitializedCapacity: max(1, n)) { buffer, count in
            // A line belongs to one sku and a sku to one group, so no two workers ever write the same slot.
            nonisolated(unsafe) let slots = buffer.baseAddress!, filled = filled
            adviseHugePages(UnsafeMutableRawPointer(slots), bytes: buffer.count * MemoryLayout<LineRecommendation>.stride)
            perChunk.withUnsafeMutableBufferPointer { out in
                loadedPerChunk.withUnsafeMutableBufferPointer { outLoaded in
                    chunkTimes.withUnsafeMutableBufferPointer { outTimes in
                        nonisolated(unsafe) let (out, outLoaded, outTimes) = (out, outLoaded, outTimes)
                        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                            var free: [(SKU, [FreeSupply])] = []
                            var loaded: [SupplyLedger.Loaded] = []
                            var times = GroupTimes()
                            var g = chunk
                            while g < groups.count {
                                let solver = solveGroup(index: index, policy: policy, asOf: asOf, skus: groups[g],
                                                        serviceBelow: serviceBelow, memo: memo, beforeSplits: nil, times: &times)
                                var clock = DispatchTime.now().uptimeNanoseconds
                                recommendations(solver, index: index, policy: policy, asOf: asOf) { i, r in
                                    if filled[i] { slots[i] = r } else { (slots + i).initialize(to: r); filled[i] = true }
                                }
                                free.append(contentsOf: freeSupply(solver))
                                if handingOver { loaded.append(contentsOf: SupplyLedger.loaded(solver)) }
                                times.add(.recommendations, since: &clock)
                                g += chunks
                            }
                            out[chunk] = free
                            outLoaded[chunk] = loaded
                            outTimes[chunk] = times
                        }
                    }
                }
            }
            // Close up over the lines no group planned (cancelled orders, released lines).
            var k = 0
            for i in 0..<n where filled[i] {
                if k != i { (slots + k).moveInitialize(from: slots + i, count: 1) }
                k += 1
            }
            count = k
        }
        var sorted = true
        for i in lines.indices.dropFirst() where !(lines[i - 1].key < lines[i].key) { sorted = false; break }
        if !sorted { lines.sort { $0.key < $1.key } }
        for t in chunkTimes { times.add(t) }
        var freeBySku: [SKU: [FreeSupply]] = [:]
        for chunk in perChunk { for (sku, f) in chunk { freeBySku[sku] = f } }
        return (lines, freeBySku, loadedPerChunk.flatMap { $0 })
    }

    /// Runs the passes after the solver (ship-complete orders, then site capacity) over lines sorted by key, which it
    /// takes over, and totals the summary.
    /// `loaded`: every solved sku's supplies, when the groups just solved hand them over (a full plan); else `supplies`,
    /// the solver's record of them, serves where it lists a sku.
    static func finish(lines: __owned [LineRecommendation], free: [SKU: [FreeSupply]], loaded: [SupplyLedger.Loaded]? = nil,
                       supplies: [SKU: SupplyLedger.Loaded] = [:], index: PlanningIndex, policy: Policy, asOf: Day,
                       stepDone: (String) -> Void = { _ in }) -> Plan {
        var lines = lines
        var solver: [LineKey: LineRecommendation] = [:]
        var ledger = SupplyLedger(index: index, policy: policy, asOf: asOf, free: free, supplies: supplies, loaded: loaded)
        let passOrders = ShipComplete.apply(&lines, ledger: &ledger, solver: &solver, index: index, policy: policy)
        stepDone("ship complete")
        if policy.cost.respectCapacity {
            SiteCapacity.apply(&lines, ledger: &ledger, solver: &solver, index: index, policy: policy)
            stepDone("site capacity")
        }
        // The totals (on every core), and beside them the spread orders by order and by sku that the first incremental
        // re-plan reads (1M-line bench: 13 ms, which the first re-plan after a full plan otherwise spent building them).
        // With them, the record of every solved sku's supplies and free units that later re-plans' passes read (kept, they
        // are not freed: a million lines' plan made them on every core among its lines, and handing that memory back left
        // the next re-plans' allocations scattered: the busiest sku's re-solve took 42 ms instead of 31).
        var spread: SpreadOrders?
        var recorded = supplies
        let totals = withUnsafeMutablePointer(to: &spread) { spreadOut in
            withUnsafeMutablePointer(to: &recorded) { recordedOut in
                let building = DispatchGroup()
                // (Each written by that one task, read after it is waited for.)
                nonisolated(unsafe) let (spreadOut, recordedOut) = (spreadOut, recordedOut)
                DispatchQueue.global().async(group: building) {
                    spreadOut.pointee = SpreadOrders(inPassOrder: passOrders)
                    guard let loaded else { return }
                    recordedOut.pointee.reserveCapacity(loaded.count)
                    for l in loaded { recordedOut.pointee[l.sku] = l }
                }
                let totals = PlanTotals(lines, splitPenalty: policy.cost.splitPenalty)
                building.wait()
                return totals
            }
        }
        var plan = Plan(asOf: asOf, policyVersion: policy.version, lines: lines, summary: totals.summary)
        plan.solverRecord = SolverRecord(known: true, lines: solver, free: free, totals: totals, passOrders: passOrders)
        plan.solverRecord.spread = spread
        plan.solverRecord.supplies = recorded
        stepDone("totals")
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

    static func customersBelowTarget<S: Sequence>(_ recs: S, index: PlanningIndex) -> Set<CustomerID> where S.Element == LineRecommendation {
        var asked: [CustomerID: Int] = [:], got: [CustomerID: Int] = [:]
        for r in recs where r.status != .held {
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

/// The time solving the groups spent in each part, summed over the groups and the cores (each worker's clock while it
/// works on a part): what `allot bench plan` prints under its step "solve groups".
public struct GroupTimes: Sendable {
    public enum Part: Int, CaseIterable, Sendable {
        /// The group's problem (its buckets, lines, classes and arcs) and the solver set up on it.
        case problem
        /// The fill in priority order (commitments, quotas, classes).
        case fill
        /// The cheapest sourcing of those fills (the transportation problem), commitment conflicts, lines' pieces.
        case sourcing
        /// The work against the split penalty (merges, re-packing, the further search).
        case splits
        /// The lines' recommendations (allocations, exceptions, status, sentence) and the supplies left free.
        case recommendations

        public var name: String {
            switch self {
            case .problem: "problem"
            case .fill: "priority fill"
            case .sourcing: "cheapest sourcing"
            case .splits: "split penalty"
            case .recommendations: "recommendations"
            }
        }
    }

    /// Nanoseconds per part (by its raw value).
    var nanoseconds = SIMD8<UInt64>()

    public init() {}

    /// Seconds spent in `part`.
    public func seconds(_ part: Part) -> Double { Double(nanoseconds[part.rawValue]) / 1e9 }

    /// Adds the time from `clock` to now to `part`, and sets `clock` to now.
    @inline(__always) mutating func add(_ part: Part, since clock: inout UInt64) {
        let now = DispatchTime.now().uptimeNanoseconds
        nanoseconds[part.rawValue] &+= now &- clock
        clock = now
    }

    /// Adds another worker's times.
    mutating func add(_ other: GroupTimes) { nanoseconds &+= other.nanoseconds }
}
