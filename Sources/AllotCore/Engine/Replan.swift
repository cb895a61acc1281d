import Dispatch
import Foundation

/// What an incremental re-plan changed in the plan it updated: exactly the rows a stored copy must rewrite.
public struct PlanChanges: Sendable {
    /// Lines whose recommendation is new or differs from the previous plan's, in line-key order.
    public var changed: [LineRecommendation] = []
    /// Lines the previous plan had and the new one has not (their order was cancelled or edited).
    public var removed: [LineKey] = []
    /// The previous plan, when the whole plan was made again instead (a plan without the engine's record of how it
    /// solved each line): then the two plans must be compared line by line.
    public var previous: Plan?
    /// The re-plan stopped before changing anything, because `abandon` asked it to (the plan is as it was).
    public var abandoned = false

    public init() {}
}

/// Incremental re-planning: re-solves only the groups of the skus that changed and redoes the passes after the solver
/// only for the orders those groups reach, splicing the result into the previous plan where it lies.
extension Engine {
    /// Re-plans only the groups of `skus` (their stock or receipts changed) and returns the updated plan: the same
    /// result as a full plan of `index`. See `replan(skus:orders:plan:index:policy:asOf:)`.
    public static func replan(skus: Set<SKU>, previous: Plan, index: PlanningIndex, policy: Policy, asOf: Day) -> Plan {
        var plan = previous
        replan(skus: skus, orders: [], plan: &plan, index: index, policy: policy, asOf: asOf)
        return plan
    }

    /// Updates `plan` in place to what a full plan of `index` gives, re-planning only what `skus` and `orders` reach,
    /// and returns the lines that changed.
    ///
    /// `skus` are those whose supply or lines changed (for a changed order, the skus of its old and new lines);
    /// `orders` are the orders whose header or lines changed (only their lines can disappear). The groups of the
    /// skus are solved again; the ship-complete pass is redone (`ShipCompleteReplay`) for the orders whose lines the
    /// solver now recommends differently and for the spread orders after them that find changed free units, in the
    /// pass's own order. Site capacity couples every line shipping from a site, so with it the passes are redone over
    /// the whole plan. A plan read back from storage lacks the solver's record and is planned again in full.
    /// Own `plan` uniquely when calling (no other copy of it alive), or its million lines are copied. While `giveWay`
    /// says so, groups are solved on the calling thread alone (a re-plan giving way to other work), then on every core.
    /// When `abandon` (asked before each group, from any thread) says so, the re-plan stops with `plan` untouched and
    /// says it was abandoned.
    @discardableResult
    public static func replan(skus: Set<SKU>, orders: Set<OrderID>, plan: inout Plan, index: PlanningIndex,
                              policy: Policy, asOf: Day, giveWay: (() -> Bool)? = nil,
                              abandon: (@Sendable () -> Bool)? = nil) -> PlanChanges {
        guard plan.solverRecord.known else {
            var changes = PlanChanges()
            changes.previous = plan
            plan = Engine.plan(index: index, policy: policy, asOf: asOf)
            return changes
        }
        var touched = skus
        for o in orders { for k in orderRange(o, in: plan.lines) { touched.insert(plan.lines[k].sku) } }
        let groups = distinctGroups(of: touched, index: index)
        let groupSkus = Set(groups.joined())
        // Service targets keep the previous plan's view of who is below target.
        let below = policy.priority.serviceTargets ? customersBelowTarget(plan.lines, index: index) : []
        guard let (solved, free, supplies) = solveGroups(groups, index: index, policy: policy, asOf: asOf, serviceBelow: below,
                                                         giveWay: giveWay, abandon: abandon) else {
            var changes = PlanChanges()
            changes.abandoned = true
            return changes
        }
        // Skus whose free units the passes find changed: those whose supply changed, and those the solver now leaves
        // different units of.
        var freeChanged = skus
        var newFree: [SKU: [FreeSupply]] = [:]
        for (sku, f) in free { newFree[sku] = f }
        for sku in groupSkus where plan.solverRecord.free[sku] ?? [] != newFree[sku] ?? [] { freeChanged.insert(sku) }
        for sku in groupSkus { plan.solverRecord.free[sku] = newFree[sku] }
        // Every re-solved sku's supplies as now listed (for the passes' ledger).
        for l in supplies { plan.solverRecord.supplies[l.sku] = l }
        let fresh = solved.map(\.1)
        if policy.cost.respectCapacity && index.snapshot.warehouses.contains(where: { $0.dailyLineCapacity != nil }) {
            return replanWholePasses(fresh, groupSkus: groupSkus, plan: &plan, index: index, policy: policy, asOf: asOf)
        }
        // Only orders the solver now recommends differently, or whose lines changed, go on: the others are exactly as
        // the previous plan has them (most of a re-solved group's lines come out as they were).
        let freshByOrder = differing(fresh, orders: orders, in: plan)
        let affected = orders.union(freshByOrder.keys)

        // Each affected order's lines as the solver now sees them: re-solved lines fresh, the others as solved before
        // (a changed order's lines in the re-solved groups are all fresh: those without a fresh line are gone).
        var orderLines: [OrderID: [LineRecommendation]] = [:]
        for o in affected {
            var lines = orderRange(o, in: plan.lines).filter { !orders.contains(o) || !groupSkus.contains(plan.lines[$0].sku) }
                .map { solverView($0, plan) }
            for r in freshByOrder[o] ?? [] {
                if let k = lines.firstIndex(where: { $0.lineNo == r.lineNo }) { lines[k] = r } else { lines.append(r) }
            }
            lines.sort { $0.lineNo < $1.lineNo }
            orderLines[o] = lines
        }
        // The replay holds the plan as it was: it is gone before the plan changes in place. It takes the spread orders
        // over, so that updating them copies none of the others.
        let spread = plan.solverRecord.spread
        plan.solverRecord.spread = nil
        let pass = ShipCompleteReplay.run(plan: plan, spread: spread, affected: orderLines, freeChanged: freeChanged, index: index,
                                          policy: policy, asOf: asOf)
        plan.solverRecord.spread = pass.spread
        plan.solverRecord.passOrders = nil  // (the spread orders above are kept up to date instead)
        let redone = pass.lines.keys.sorted()
        return splice(redone.flatMap { pass.lines[$0] ?? [] }, orders: redone, passSolver: pass.passSolver, into: &plan, policy: policy)
    }

    /// Replaces the lines of `orders` (sorted) in `plan` with `lines` (their new lines, in key order), keeping the
    /// solver's record and the summary's sums, and says which lines changed. Lines are replaced where they lie;
    /// the array is rebuilt (in one pass, no sorting) only when lines appear or disappear.
    static func splice(_ lines: [LineRecommendation], orders: [OrderID], passSolver: [LineKey: LineRecommendation],
                       into plan: inout Plan, policy: Policy) -> PlanChanges {
        var changes = PlanChanges()
        let penalty = policy.cost.splitPenalty
        var pieces: [(old: Range<Int>, new: Range<Int>)] = []
        var sameShape = true
        var n = 0
        for o in orders {
            let old = orderRange(o, in: plan.lines)
            var m = n
            while m < lines.count && lines[m].orderID == o { m += 1 }
            pieces.append((old, n..<m))
            if old.count != m - n || zip(old, n..<m).contains(where: { plan.lines[$0].lineNo != lines[$1].lineNo }) { sameShape = false }
            n = m
        }
        for (old, new) in pieces {
            var i = old.lowerBound, j = new.lowerBound
            while i < old.upperBound || j < new.upperBound {
                if j == new.upperBound || (i < old.upperBound && plan.lines[i].lineNo < lines[j].lineNo) {
                    changes.removed.append(plan.lines[i].key)
                    plan.solverRecord.totals.remove(plan.lines[i], splitPenalty: penalty)
                    plan.solverRecord.lines[plan.lines[i].key] = nil
                    i += 1
                    continue
                }
                let r = lines[j]
                plan.solverRecord.lines[r.key] = passSolver[r.key]
                if i < old.upperBound && plan.lines[i].lineNo == r.lineNo {
                    if plan.lines[i] != r {
                        changes.changed.append(r)
                        plan.solverRecord.totals.remove(plan.lines[i], splitPenalty: penalty)
                        plan.solverRecord.totals.add(r, splitPenalty: penalty)
                        if sameShape { plan.lines[i] = r }
                    }
                    i += 1
                } else {
                    changes.changed.append(r)
                    plan.solverRecord.totals.add(r, splitPenalty: penalty)
                }
                j += 1
            }
        }
        if !sameShape {
            var out: [LineRecommendation] = []
            out.reserveCapacity(plan.lines.count + lines.count)
            var at = 0
            for (old, new) in pieces {
                out += plan.lines[at..<old.lowerBound]
                out += lines[new]
                at = old.upperBound
            }
            out += plan.lines[at...]
            plan.lines = out
        }
        plan.summary = plan.solverRecord.totals.summary
        return changes
    }

    /// With site capacity, whose bookings couple every line shipping from a site: the re-solved lines with every other
    /// line's solver recommendation, through the passes again over the whole plan.
    static func replanWholePasses(_ fresh: [LineRecommendation], groupSkus: Set<SKU>, plan: inout Plan, index: PlanningIndex,
                                  policy: Policy, asOf: Day) -> PlanChanges {
        var lines: [LineRecommendation] = []
        lines.reserveCapacity(plan.lines.count + fresh.count)
        for k in plan.lines.indices where !groupSkus.contains(plan.lines[k].sku) { lines.append(solverView(k, plan)) }
        lines += fresh
        lines.sort { $0.key < $1.key }
        var changes = PlanChanges()
        changes.previous = plan
        plan = finish(lines: lines, free: plan.solverRecord.free, supplies: plan.recordedSupplies(asOf: asOf), index: index,
                      policy: policy, asOf: asOf)
        return changes
    }

    /// Re-solves only the groups of `skus` and returns their lines' recommendations, in line order, as the solver
    /// makes them: before the passes after it (ship complete, site capacity), which `replan` adds.
    public static func replanLines(skus: Set<SKU>, index: PlanningIndex, policy: Policy, asOf: Day,
                                   serviceBelow: Set<CustomerID> = []) -> [LineRecommendation] {
        let groups = distinctGroups(of: skus, index: index)
        return solveGroups(groups, index: index, policy: policy, asOf: asOf, serviceBelow: serviceBelow)!.lines.map(\.1)
            .sorted { $0.key < $1.key }
    }

    /// Solves groups of skus, in parallel when there are several: each line's recommendation with its snapshot
    /// position, and the supplies each sku has left free. While `giveWay` says so, groups are solved one at a time on
    /// the calling thread; the rest then on every core. The result's order does not depend on which way a group went.
    /// Nil when `abandon`, asked before each group, said to stop.
    static func solveGroups(_ groups: [[SKU]], index: PlanningIndex, policy: Policy, asOf: Day, serviceBelow: Set<CustomerID>,
                            giveWay: (() -> Bool)? = nil, abandon: (@Sendable () -> Bool)? = nil)
        -> (lines: [(Int, LineRecommendation)], free: [(SKU, [FreeSupply])], supplies: [SupplyLedger.Loaded])? {
        typealias Solved = (lines: [(Int, LineRecommendation)], free: [(SKU, [FreeSupply])], supplies: [SupplyLedger.Loaded])
        let solve = { (g: Int) -> Solved in
            let solver = solveGroup(index: index, policy: policy, asOf: asOf, skus: groups[g], serviceBelow: serviceBelow)
            return (recommendations(solver, index: index, policy: policy, asOf: asOf), freeSupply(solver), SupplyLedger.loaded(solver))
        }
        var perGroup = [Solved](repeating: ([], [], []), count: groups.count)
        var next = 0
        if let giveWay {
            while next < groups.count && giveWay() {
                if abandon?() == true { return nil }
                perGroup[next] = solve(next); next += 1
            }
        }
        let first = next, workers = max(1, min(groups.count - first, 256))
        let stopped = StopFlag()
        if first < groups.count {
            perGroup.withUnsafeMutableBufferPointer { buffer in
                // Each group's slot is written by one worker only.
                nonisolated(unsafe) let out = buffer, solve = solve
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    var g = first + w
                    while g < groups.count {
                        if let abandon, stopped.value || abandon() { stopped.value = true; return }
                        out[g] = solve(g); g += workers
                    }
                }
            }
        }
        if stopped.value { return nil }
        // In the order of the 256 chunks that take every 256th group (that of a parallel solve of them all).
        let chunks = max(1, min(groups.count, 256))
        var out: Solved = ([], [], [])
        for c in 0..<chunks {
            for g in stride(from: c, to: groups.count, by: chunks) {
                out.lines += perGroup[g].lines; out.free += perGroup[g].free; out.supplies += perGroup[g].supplies
            }
        }
        return out
    }

    /// The re-solved lines that differ from the previous plan's solver recommendation (or are new), and every re-solved
    /// line of the changed `orders`, by order. Found by walks over the plan in key order, galloping between them: one, or
    /// for a large group eight runs of the lines shared by the cores (nearly every line is compared in full, as most
    /// come out as they were: 11.6k lines of the 1M-line bench's busiest sku took 13.7 ms on one core).
    static func differing(_ fresh: [LineRecommendation], orders: Set<OrderID>, in plan: Plan) -> [OrderID: [LineRecommendation]] {
        // (The groups' lines come in key order as a rule: then the sort, by string keys, is skipped.)
        let inOrder = fresh.indices.dropFirst().allSatisfy { fresh[$0 - 1].key < fresh[$0].key }
        let sorted = inOrder ? Array(fresh.indices) : fresh.indices.sorted(by: { fresh[$0].key < fresh[$1].key })
        let runs = fresh.count < 4096 ? 1 : 8
        var differs = [[Int]](repeating: [], count: runs)
        differs.withUnsafeMutableBufferPointer { out in
            // Run w alone writes slot w; the plan and the fresh lines are only read.
            nonisolated(unsafe) let out = out
            DispatchQueue.concurrentPerform(iterations: runs) { w in
                let run = sorted[(w * sorted.count / runs)..<((w + 1) * sorted.count / runs)]
                guard let first = run.first else { return }
                var at = lowerBound(fresh[first].key, in: plan.lines, plan.lines.indices)
                for i in run {
                    let r = fresh[i]
                    at = gallop(to: r.key, in: plan.lines, from: at)
                    let same = at < plan.lines.count && plan.lines[at].key == r.key && solverView(at, plan) == r
                    if !same || orders.contains(r.orderID) { out[w].append(i) }
                }
            }
        }
        var out: [OrderID: [LineRecommendation]] = [:]
        for run in differs { for i in run { out[fresh[i].orderID, default: []].append(fresh[i]) } }
        return out
    }

    /// The first position from `from` on whose key is not below `key`, in lines sorted by key: steps doubling from
    /// `from`, then halving (cheap when the keys sought come in order and close together).
    static func gallop(to key: LineKey, in lines: [LineRecommendation], from: Int) -> Int {
        var lo = from, hi = from, step = 1
        while hi < lines.count && lines[hi].key < key { lo = hi + 1; hi += step; step *= 2 }
        return lowerBound(key, in: lines, lo..<min(hi, lines.count))
    }

    /// The first position in `range` whose key is not below `key`, in lines sorted by key, by halving.
    static func lowerBound(_ key: LineKey, in lines: [LineRecommendation], _ range: Range<Int>) -> Int {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi {
            let mid = (lo + hi) / 2
            if lines[mid].key < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The groups (each once, in sku order) that `skus` belong to; a sku the index does not know is a group of its own.
    static func distinctGroups(of skus: Set<SKU>, index: PlanningIndex) -> [[SKU]] {
        var seen = Set<Int>()
        var out: [[SKU]] = []
        for sku in skus.sorted() {
            guard let id = index.groupOfSku[sku] else { out.append([sku]); continue }
            if seen.insert(id).inserted { out.append(index.groups[id]) }
        }
        return out
    }

    /// The line at position `k` as the solver recommended it, before the passes after it.
    static func solverView(_ k: Int, _ plan: Plan) -> LineRecommendation {
        plan.solverRecord.lines[plan.lines[k].key] ?? plan.lines[k]
    }

    /// The positions of order `id`'s lines in lines sorted by key (empty, at the place they would go, when it has none).
    static func orderRange(_ id: OrderID, in lines: [LineRecommendation]) -> Range<Int> {
        let lo = lowerBound(LineKey(orderID: id, lineNo: .min), in: lines, lines.indices)
        var end = lo
        while end < lines.count && lines[end].orderID == id { end += 1 }
        return lo..<end
    }
}

/// Whether some worker of a parallel solve was told to stop (then the others stop too).
private final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    var value: Bool {
        get { lock.lock(); defer { lock.unlock() }; return stopped }
        set { lock.lock(); stopped = newValue; lock.unlock() }
    }
}
