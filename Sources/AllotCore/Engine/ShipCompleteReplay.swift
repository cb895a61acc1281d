/// A ship-complete order the solver left spread over several warehouses, which the ship-complete pass re-sources:
/// when it comes in the pass (its priority key), and the skus whose free units it reads and takes.
struct SpreadOrder: Hashable, Sendable {
    var priorityClass: Int
    var requested: Int32
    var ordered: Int32
    var orderID: OrderID
    var skus: [SKU]

    var key: (Int, Int32, Int32, String) { (priorityClass, requested, ordered, orderID) }

    /// The order as the pass sees it from its lines' solver recommendations, or nil when the pass does not re-source it.
    init?(_ lines: [LineRecommendation], order: Order) {
        guard order.shipComplete else { return nil }
        let (sites, anyShort) = ShipComplete.spread(lines, lines.indices)
        guard sites.count > 1 && !anyShort else { return nil }
        (priorityClass, requested, ordered, orderID) = ShipComplete.priorityKey(lines, lines.indices, order: order)
        skus = Set(lines.map(\.sku)).sorted()
    }
}

/// The ship-complete pass redone for an incremental re-plan, order by order in the pass's own order, for the orders
/// whose outcome can differ from the previous plan's: those with lines in the re-solved groups, and the spread orders
/// after them that read free units of a sku whose state an earlier order changed (it was re-solved, or an order
/// before took or left different units of it). Every other spread order keeps its outcome, and what it did to the
/// free units is replayed from the previous plan (the solver's allocations released, the pass's taken) when a later
/// re-sourced order needs that sku, so each re-sourced order finds exactly the units a full pass would leave it.
struct ShipCompleteReplay {
    /// What the replay gives: the new lines (after the pass) of every order it redid, the solver's recommendations of the
    /// lines it changed, and the spread orders of the new plan.
    struct Result {
        var lines: [OrderID: [LineRecommendation]]
        var passSolver: [LineKey: LineRecommendation]
        var spread: [OrderID: SpreadOrder]
    }

    /// Redoes the pass for `affected` orders (each with its lines as the solver now sees them; no lines when it has
    /// none left), against `plan` as it was, where the free units of `freeChanged` skus differ from the start.
    static func run(plan: Plan, affected: [OrderID: [LineRecommendation]], freeChanged: Set<SKU>, index: PlanningIndex,
                    policy: Policy, asOf: Day) -> Result {
        var replay = ShipCompleteReplay(plan: plan, index: index, policy: policy, asOf: asOf)
        replay.run(affected: affected, dirty: freeChanged)
        return Result(lines: replay.lines, passSolver: replay.passSolver, spread: replay.spread)
    }

    private let plan: Plan
    private let index: PlanningIndex
    private let policy: Policy
    private var spread: [OrderID: SpreadOrder]
    private var lines: [OrderID: [LineRecommendation]] = [:]
    private var passSolver: [LineKey: LineRecommendation] = [:]
    private var ledger: SupplyLedger
    /// The spread orders in the pass's order.
    private var ordered: [SpreadOrder] = []
    /// Skus whose free units are followed live; for the others, the places (in `ordered`) of the orders whose doings
    /// with the sku wait to be replayed, should a re-sourced order need the sku.
    private var live = Set<SKU>()
    private var pending: [SKU: [Int]] = [:]

    private init(plan: Plan, index: PlanningIndex, policy: Policy, asOf: Day) {
        self.plan = plan; self.index = index; self.policy = policy
        spread = plan.solverRecord.spread ?? Self.spreadOrders(plan, index: index)
        ledger = SupplyLedger(index: index, policy: policy, asOf: asOf, free: plan.solverRecord.free)
    }

    /// `dirty`: skus whose free units differ, at the place in the pass reached, from what the previous pass found.
    private mutating func run(affected: [OrderID: [LineRecommendation]], dirty: Set<SKU>) {
        var dirty = dirty
        var changed = Set<OrderID>()
        for (o, var mine) in affected {
            let old = Engine.orderRange(o, in: plan.lines)
            // An order the solver recommends exactly as before is like any other: redone only if it finds changed units.
            if old.count == mine.count && zip(old, mine).allSatisfy({ Engine.solverView($0, plan) == $1 }) { continue }
            changed.insert(o)
            let before = spread.removeValue(forKey: o)
            var after: SpreadOrder?
            if !mine.isEmpty, let order = index.order(o) {
                after = SpreadOrder(mine, order: order)
                _ = ShipComplete.review(&mine, mine.indices, solver: &passSolver, index: index, policy: policy)
            }
            spread[o] = after
            // One that leaves the pass or moves in it changed the units every order after its old place found.
            if let before, before != after { dirty.formUnion(before.skus); dirty.formUnion(after?.skus ?? []) }
            lines[o] = mine
        }
        ordered = spread.values.sorted { $0.key < $1.key }
        for (p, s) in ordered.enumerated() {
            guard changed.contains(s.orderID) || s.skus.contains(where: dirty.contains) else {
                for sku in s.skus { if live.contains(sku) { replayOld(p, sku) } else { pending[sku, default: []].append(p) } }
                continue
            }
            for sku in s.skus where live.insert(sku).inserted {
                for q in pending.removeValue(forKey: sku) ?? [] { replayOld(q, sku) }
            }
            var mine = lines[s.orderID] ?? Engine.orderRange(s.orderID, in: plan.lines).map { Engine.solverView($0, plan) }
            let solved = mine
            ShipComplete.resource(&mine, mine.indices, ledger: &ledger, solver: &passSolver, index: index, policy: policy)
            dirty.formUnion(movedDifferently(s.orderID, solved: solved, passed: mine))
            lines[s.orderID] = mine
        }
    }

    /// The skus of an order's lines whose units move differently than in the previous pass: a line of the sku now
    /// released from other supplies, or taking others, than before (or a line that came or went).
    private func movedDifferently(_ o: OrderID, solved: [LineRecommendation], passed: [LineRecommendation]) -> Set<SKU> {
        var out = Set<SKU>()
        var before: [Int: (sku: SKU, solved: [Allocation], passed: [Allocation])] = [:]
        for k in Engine.orderRange(o, in: plan.lines) {
            before[plan.lines[k].lineNo] = (plan.lines[k].sku, Engine.solverView(k, plan).allocations, plan.lines[k].allocations)
        }
        for (s, r) in zip(solved, passed) {
            let b = before.removeValue(forKey: r.lineNo)
            if let b, b.sku == r.sku, b.solved == s.allocations, b.passed == r.allocations { continue }
            out.insert(r.sku)
            if let b { out.insert(b.sku) }
        }
        for b in before.values { out.insert(b.sku) }
        return out
    }

    /// Replays what a spread order that stays as it was did to `sku`'s free units: its lines of the sku leave the
    /// supplies the solver gave them and take the ones the pass gave them.
    private mutating func replayOld(_ p: Int, _ sku: SKU) {
        let range = Engine.orderRange(ordered[p].orderID, in: plan.lines)
        for k in range where plan.lines[k].sku == sku { ledger.release(Engine.solverView(k, plan).allocations, sku: sku) }
        for k in range where plan.lines[k].sku == sku { ledger.take(plan.lines[k].allocations, sku: sku) }
    }

    /// The spread ship-complete orders of a whole plan, from every line's solver recommendation.
    static func spreadOrders(_ plan: Plan, index: PlanningIndex) -> [OrderID: SpreadOrder] {
        var out: [OrderID: SpreadOrder] = [:]
        var i = 0
        while i < plan.lines.count {
            var j = i + 1
            while j < plan.lines.count && plan.lines[j].orderID == plan.lines[i].orderID { j += 1 }
            defer { i = j }
            guard let order = index.order(plan.lines[i].orderID), order.shipComplete else { continue }
            if let s = SpreadOrder((i..<j).map { Engine.solverView($0, plan) }, order: order) { out[order.id] = s }
        }
        return out
    }
}
