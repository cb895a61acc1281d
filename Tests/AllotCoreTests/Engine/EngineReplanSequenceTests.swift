import Testing
@testable import AllotCore

/// Random runs of events on a generated scenario (ship-complete orders, substitutes, commitments, quotas), each
/// patched into one planning index and re-planned incrementally, checked after every step against a full plan of
/// the same snapshot built from scratch.
@Suite("Incremental re-plans over random event sequences")
struct EngineReplanSequenceTests {
    /// The scenario as the mirror would give it (lines in key order), with many ship-complete orders.
    static func world(seed: UInt64) -> (Snapshot, Policy) {
        var s = ScenarioGenerator(.init(orderLines: 300, skus: 40, warehouses: 3, seed: seed)).generate()
        for i in s.orders.indices where i % 4 != 0 { s.orders[i].shipComplete = true }
        // Scarce stock, so that re-sourced orders compete for the units left free.
        for i in s.inventory.indices { s.inventory[i].onHand /= 3 }
        s.lines.sort { $0.key < $1.key }
        let policy = try! Policy(toml: ScenarioGenerator.policyTOML, file: "policy.toml")
        return (s, policy)
    }

    /// One random event applied to the truth snapshot and patched into the index; returns what changed.
    static func step(_ truth: inout Snapshot, _ index: inout PlanningIndex, _ rng: inout SeededRandom)
        -> (skus: Set<SKU>, orders: Set<OrderID>, what: String) {
        func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        let skus = truth.items.map(\.sku)
        switch pick(6) {
        case 0, 1:
            // A stock count.
            let k = pick(truth.inventory.count)
            truth.inventory[k].onHand = pick(3) == 0 ? 0 : pick(2 * max(1, truth.inventory[k].onHand) + 5)
            let sku = truth.inventory[k].sku
            index.replaceSupply(of: sku, inventory: truth.inventory.filter { $0.sku == sku }, receipts: truth.receipts.filter { $0.sku == sku })
            return ([sku], [], "stock \(truth.inventory[k].warehouseID) \(sku) \(truth.inventory[k].onHand)")
        case 2:
            // A receipt moves, grows, arrives in full (gone) or is new.
            var sku: SKU
            switch pick(3) {
            case 0 where !truth.receipts.isEmpty:
                let k = pick(truth.receipts.count)
                sku = truth.receipts[k].sku
                truth.receipts.remove(at: k)
            case 1 where !truth.receipts.isEmpty:
                let k = pick(truth.receipts.count)
                truth.receipts[k].qty = 1 + pick(60)
                truth.receipts[k].eta = truth.receipts[k].eta + (pick(5) - 2)
                sku = truth.receipts[k].sku
            default:
                sku = skus[pick(skus.count)]
                truth.receipts.append(Receipt(id: "NEW-\(rng.next() % 100_000)", warehouseID: truth.warehouses[pick(truth.warehouses.count)].id,
                                              sku: sku, qty: 5 + pick(80), eta: Day(year: 2026, month: 12, day: 1 + pick(9))))
            }
            index.replaceSupply(of: sku, inventory: truth.inventory.filter { $0.sku == sku }, receipts: truth.receipts.filter { $0.sku == sku })
            return ([sku], [], "receipt of \(sku)")
        default:
            // An order is edited (lines changed, added, dropped), held, released, cancelled, or a new one arrives.
            let isNew = pick(5) == 0
            var order = isNew ? truth.orders[pick(truth.orders.count)] : truth.orders[pick(truth.orders.count)]
            if isNew { order.id = "NEW-\(rng.next() % 100_000)"; order.shipComplete = pick(2) == 0; order.status = .open }
            let old = truth.lines.filter { $0.orderID == order.id }
            var lines = old
            var what = isNew ? "new order \(order.id)" : "order \(order.id)"
            switch isNew ? 9 : pick(5) {
            case 0: order.status = order.status == .held ? .open : .held; what += " hold/release"
            case 1: order.status = .cancelled; what += " cancelled"
            case 2 where !lines.isEmpty: lines.removeLast(); what += " drops a line"
            default:
                for i in lines.indices where pick(2) == 0 { lines[i].qty = 1 + pick(40); if pick(3) == 0 { lines[i].sku = skus[pick(skus.count)] } }
                let next = (lines.map(\.lineNo).max() ?? 0) + 1
                for n in 0..<(isNew ? 1 + pick(3) : pick(2)) {
                    lines.append(OrderLine(orderID: order.id, lineNo: next + n, sku: skus[pick(skus.count)], qty: 1 + pick(30),
                                           unitPrice: nil, allowPartial: pick(4) != 0, allowSubstitute: pick(3) == 0))
                }
                what += " edited"
            }
            if let i = truth.orders.firstIndex(where: { $0.id == order.id }) { truth.orders[i] = order } else { truth.orders.append(order) }
            truth.lines.removeAll { $0.orderID == order.id }
            truth.lines += lines
            truth.lines.sort { $0.key < $1.key }
            let touched = Set(old.map(\.sku) + lines.map(\.sku))
            // As the replanner does: a changed line may split or join groups, so the old groups are solved again too.
            var skus = touched
            for s in touched { skus.formUnion(index.group(of: s)) }
            index.replaceOrders([(order.id, order, lines, Set(old.map(\.sku)))])
            return (skus, [order.id], what)
        }
    }

    @Test("after every random stock, receipt, order and hold event, the incremental re-plan equals a full plan, and its changes are exactly the lines that differ", arguments: 0..<6)
    func randomSequences(seed: Int) {
        var (truth, policy) = Self.world(seed: UInt64(100 + seed))
        if seed % 2 == 1 { policy.cost.splitPenalty = 0 }
        let asOf = Day(year: 2026, month: 11, day: 29)
        var index = PlanningIndex(truth)
        var plan = Engine.plan(index: index, policy: policy, asOf: asOf)
        var rng = SeededRandom(state: UInt64(seed) &+ 77)
        for n in 1...30 {
            let before = Dictionary(uniqueKeysWithValues: plan.lines.map { ($0.key, $0) })
            let (skus, orders, what) = Self.step(&truth, &index, &rng)
            let changes = Engine.replan(skus: skus, orders: orders, plan: &plan, index: index, policy: policy, asOf: asOf)
            let full = Engine.plan(snapshot: truth, policy: policy, asOf: asOf)
            #expect(plan.lines == full.lines, "seed \(seed) step \(n): \(what)")
            #expect(plan.summary == full.summary, "seed \(seed) step \(n): \(what)")
            #expect(changes.previous == nil)
            // What the changes say, applied to the plan before, gives the plan after.
            var applied = before
            for key in changes.removed { applied[key] = nil }
            for r in changes.changed { applied[r.key] = r }
            #expect(applied.values.sorted { $0.key < $1.key } == full.lines, "seed \(seed) step \(n): \(what)")
            #expect(changes.changed.allSatisfy { before[$0.key] != $0 }, "only lines that differ are reported")
            // The spread orders the re-plans keep up to date, by order and by sku, are those of the plan now.
            let scanned = ShipCompleteReplay.spreadOrders(full, index: PlanningIndex(truth))
            #expect(full.solverRecord.passOrders == scanned, "seed \(seed) step \(n): the pass's own list")
            let kept = plan.solverRecord.spread ?? plan.solverRecord.passOrders.map { SpreadOrders(inPassOrder: $0) }
            #expect(kept?.inPassOrder == scanned, "seed \(seed) step \(n): \(what)")
            #expect(kept?.bySku == SpreadOrders(inPassOrder: scanned).bySku, "seed \(seed) step \(n): \(what)")
            // The record of each sku's supplies and free units, which the passes read, is what the index and the solver's
            // free units give now.
            let worked = SupplyLedger(index: index, policy: policy, asOf: asOf, free: plan.solverRecord.free)
            #expect(plan.solverRecord.supplies.count == truth.items.count, "seed \(seed) step \(n): every sku recorded")
            for (sku, recorded) in plan.solverRecord.supplies {
                let own = worked.supplies(of: sku)
                #expect(recorded.free == own.free && Self.same(recorded.list, own.list), "seed \(seed) step \(n): \(what): supplies of \(sku)")
            }
            if plan.lines != full.lines { return }
        }
    }

    /// Whether two lists of supplies are the same supplies, field by field.
    static func same(_ a: [SupplyBucket], _ b: [SupplyBucket]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in
            x.sku == y.sku && x.skuSlot == y.skuSlot && x.warehouse == y.warehouse && x.kind == y.kind
                && x.availableDay == y.availableDay && x.capacity == y.capacity && x.atp == y.atp && x.ageDays == y.ageDays
                && x.stale == y.stale && x.onHand == y.onHand && x.reserved == y.reserved && x.safetyStock == y.safetyStock
                && x.released == y.released
        }
    }

    @Test("the spread orders kept by sku stay in the pass's order as orders join, move in and leave the pass")
    func spreadOrdersBySku() {
        func order(_ id: String, _ cls: Int, _ due: Int32, _ skus: [SKU]) -> SpreadOrder {
            SpreadOrder(key: PassKey(priorityClass: cls, requested: due, ordered: 0, orderID: id), skus: skus)
        }
        var kept = SpreadOrders(inPassOrder: [order("SO-1", 0, 5, ["A", "B"]), order("SO-2", 1, 3, ["B", "C", "B"])])
        #expect(kept["SO-2"]?.skus == ["B", "C"], "an order's skus are listed once each, sorted")
        kept.replace("SO-3", with: order("SO-3", 0, 9, ["C", "B"]))
        kept.replace("SO-1", with: order("SO-1", 2, 1, ["A"]))
        kept.replace("SO-2", with: nil)
        #expect(kept.reading("B").map(\.orderID) == ["SO-3"])
        #expect(kept.reading("A").map(\.orderID) == ["SO-1"])
        #expect(kept.reading("C").map(\.orderID) == ["SO-3"])
        #expect(kept.inPassOrder.map(\.orderID) == ["SO-3", "SO-1"])
        // Built afresh from the same orders, the index is the same.
        #expect(SpreadOrders(inPassOrder: kept.inPassOrder).bySku == kept.bySku)
        // Orders of the same class and date go by order date, then id.
        kept.replace("SO-4", with: order("SO-4", 0, 9, ["B"]))
        kept.replace("SO-0", with: order("SO-0", 0, 9, ["B"]))
        #expect(kept.reading("B").map(\.orderID) == ["SO-0", "SO-3", "SO-4"])
    }

    /// Two ship-complete orders sharing sku B: SO-1 (strategic) asks A and B, SO-2 (tier B) asks B and C. C is only at
    /// ATL, so SO-2 can ship complete only from ATL, with ATL's five B, unless SO-1 (first in the pass) took them.
    static func sharedSupply(aAtDAL: Int) -> Scenario {
        var s = EngineExceptionTests.base()
        for sku in ["A", "B", "C"] { s.item(sku, cost: 5, price: 10) }
        s.stock("DAL", "A", aAtDAL); s.stock("ATL", "A", 5)
        s.stock("DAL", "B", 10); s.stock("ATL", "B", 5)
        s.stock("ATL", "C", 5)
        s.order("SO-1", customer: "CS", due: 5, lines: [("A", 5), ("B", 5)], shipComplete: true)
        s.order("SO-2", customer: "CB", due: 5, lines: [("B", 5), ("C", 5)], shipComplete: true)
        return s
    }

    /// Plans `world(from)`, changes A's stock at DAL to what `world(to)` has, re-plans A incrementally, and returns the
    /// incremental plan, its changes and the full plan of `world(to)`.
    static func replanA(_ world: (Int) -> Scenario, from: Int, to: Int) -> (Plan, PlanChanges, Plan) {
        let s = world(from)
        var index = PlanningIndex(s.snapshot)
        var plan = Engine.plan(index: index, policy: s.policy, asOf: s.asOf)
        index.replaceSupply(of: "A", inventory: world(to).snapshot.inventory.filter { $0.sku == "A" }, receipts: [])
        let changes = Engine.replan(skus: ["A"], orders: [], plan: &plan, index: index, policy: s.policy, asOf: s.asOf)
        return (plan, changes, world(to).plan())
    }

    /// A chain of three ship-complete orders in the pass's order: SO-1 (A, B), SO-2 (B, C), SO-3 (C, D). Where SO-1
    /// ships decides which B units SO-2 finds, where SO-2 ships decides which C units SO-3 finds.
    static func chain(aAtDAL: Int) -> Scenario {
        var s = EngineExceptionTests.base()
        for sku in ["A", "B", "C", "D"] { s.item(sku, cost: 5, price: 10) }
        s.stock("DAL", "A", aAtDAL); s.stock("ATL", "A", 5)
        s.stock("DAL", "B", 5); s.stock("ATL", "B", 10)
        s.stock("DAL", "C", 5); s.stock("ATL", "C", 10)
        s.stock("DAL", "D", 5); s.stock("ATL", "D", 5)
        s.order("SO-1", customer: "CS", due: 5, lines: [("A", 5), ("B", 5)], shipComplete: true)
        s.order("SO-2", customer: "CA", due: 5, lines: [("B", 5), ("C", 5)], shipComplete: true)
        s.order("SO-3", customer: "CB", due: 5, lines: [("C", 5), ("D", 5)], shipComplete: true)
        return s
    }

    @Test("a change that moves SO-1 re-sources SO-2, whose move in turn re-sources SO-3, which shares no sku with SO-1",
          arguments: [(0, 5), (5, 0)])
    func chainOfOrders(from: Int, to: Int) {
        let (plan, _, full) = Self.replanA({ Self.chain(aAtDAL: $0) }, from: from, to: to)
        #expect(plan.lines == full.lines)
        #expect(plan.summary == full.summary)
        #expect(full.line("SO-3", 1).allocations.map(\.warehouseID) == [to == 5 ? "DAL" : "ATL"])
        #expect(Self.chain(aAtDAL: from).plan().line("SO-3", 1).allocations.map(\.warehouseID) == [from == 5 ? "DAL" : "ATL"])
    }

    /// SO-1 (strategic: A, found only at ATL, and B) and SO-2 (tier B: B and D) are both spread by the cheapest
    /// sourcing. In the pass SO-1 moves to ATL, taking ATL's last B and freeing its B at DAL, so that SO-2 ships complete
    /// from DAL (from ATL, had SO-1 not moved).
    static func sharedBThenD(dAtDAL: Int) -> Scenario {
        var s = EngineExceptionTests.base()
        for sku in ["A", "B", "D"] { s.item(sku, cost: 5, price: 10) }
        s.stock("ATL", "A", 5)
        s.stock("DAL", "B", 5); s.stock("ATL", "B", 10)
        s.stock("DAL", "D", dAtDAL); s.stock("ATL", "D", 5)
        s.order("SO-1", customer: "CS", due: 5, lines: [("A", 5), ("B", 5)], shipComplete: true)
        s.order("SO-2", customer: "CB", due: 5, lines: [("B", 5), ("D", 5)], shipComplete: true)
        return s
    }

    @Test("a stock change on D redoes the pass for SO-2 alone, which finds B's units as SO-1, not redone, left them")
    func earlierOrderReplayed() {
        let s = Self.sharedBThenD(dAtDAL: 5)
        var index = PlanningIndex(s.snapshot)
        var plan = Engine.plan(index: index, policy: s.policy, asOf: s.asOf)
        #expect(plan.solverRecommendation(LineKey(orderID: "SO-1", lineNo: 2))?.allocations.map(\.warehouseID) == ["DAL"])
        #expect(plan.line("SO-1", 2).allocations.map(\.warehouseID) == ["ATL"])
        #expect(plan.line("SO-2", 1).allocations.map(\.warehouseID) == ["DAL"])
        // The first re-plan builds the spread orders from the pass's list; the second reads those the first kept.
        for d in [6, 7] {
            let world = Self.sharedBThenD(dAtDAL: d)
            index.replaceSupply(of: "D", inventory: world.snapshot.inventory.filter { $0.sku == "D" }, receipts: [])
            Engine.replan(skus: ["D"], orders: [], plan: &plan, index: index, policy: s.policy, asOf: s.asOf)
            #expect(plan.lines == world.plan().lines, "D at DAL \(d)")
            #expect(plan.line("SO-2", 1).allocations.map(\.warehouseID) == ["DAL"], "D at DAL \(d)")
        }
    }

    /// SO-0 (strategic, east, served only from ATL) asks A and takes substitute S when ATL has no A; SO-2 (ship
    /// complete, south) asks S and C, and ships complete from ATL only if ATL's S is left free. SO-2's own lines are
    /// solved alike either way: only the free units of S tell it what changed.
    static func substituteFreed(aAtATL: Int) -> Scenario {
        var s = EngineExceptionTests.base()
        s.customer("CE", tier: "strategic", region: "EAST")
        for sku in ["A", "S", "C"] { s.item(sku, cost: 5, price: 10) }
        s.snapshot.substitutes.append(Substitute(sku: "A", substituteSKU: "S", rank: 1))
        s.stock("ATL", "A", aAtATL)
        s.stock("DAL", "S", 5); s.stock("ATL", "S", 5)
        s.stock("ATL", "C", 5)
        s.order("SO-0", customer: "CE", due: 5, lines: [("A", 5)], substitute: true)
        s.order("SO-2", customer: "CB", due: 5, lines: [("S", 5), ("C", 5)], shipComplete: true)
        return s
    }

    /// Worlds where a stock change on A must re-source SO-2, which has no line of A: by way of the B units SO-1 takes
    /// or frees, or of the substitute S that SO-0 takes or frees.
    static let secondOrderWorlds: [String: @Sendable (Int) -> Scenario] = [
        "shared B": { sharedSupply(aAtDAL: $0) }, "freed substitute": { substituteFreed(aAtATL: $0) },
    ]

    @Test("a stock change on A re-sources SO-2, which has no A, when it changes the units SO-2 finds free",
          arguments: ["shared B", "freed substitute"], [(0, 5), (5, 0)])
    func secondOrderReSourced(world: String, change: (from: Int, to: Int)) {
        let (plan, changes, full) = Self.replanA(Self.secondOrderWorlds[world]!, from: change.from, to: change.to)
        #expect(plan.lines == full.lines)
        #expect(plan.summary == full.summary)
        // The story: with A in stock SO-2 ships complete from ATL; without, the units it needs there are taken.
        let so2 = full.line("SO-2", 1)
        #expect(change.to == 5 ? so2.allocations.map(\.warehouseID) == ["ATL"] : so2.exceptions.contains(.shipComplete))
        #expect(changes.changed.contains { $0.orderID == "SO-2" })
    }
}
