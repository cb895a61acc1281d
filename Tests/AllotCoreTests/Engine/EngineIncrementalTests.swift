import Testing
@testable import AllotCore

@Suite("Incremental re-plans and explanations")
struct EngineIncrementalTests {
    @Test("re-planning the skus an inventory change touched gives the same plan as planning everything again", arguments: 0..<15)
    func replanEqualsFullPlan(seed: Int) {
        var s = EnginePropertyTests.random(seed: UInt64(5000 + seed), quotas: seed % 2 == 0, commitments: seed % 3 == 0)
        s.snapshot.orders[0].shipComplete = true
        var index = PlanningIndex(s.snapshot)
        let before = Engine.plan(index: index, policy: s.policy, asOf: s.asOf)
        var rng = SeededRandom(state: UInt64(seed))
        var pos = index.snapshot.inventory[Int.random(in: 0..<index.snapshot.inventory.count, using: &rng)]
        pos.onHand = Int.random(in: 0...40, using: &rng)
        index.apply(inventory: pos)
        let incremental = Engine.replan(skus: [pos.sku], previous: before, index: index, policy: s.policy, asOf: s.asOf)
        let full = Engine.plan(snapshot: index.snapshot, policy: s.policy, asOf: s.asOf)
        #expect(PlanJSON.encode(incremental) == PlanJSON.encode(full))
    }

    @Test("a re-plan that gives way (some groups on the calling thread, the rest on every core) gives the same plan", arguments: 0..<6)
    func givingWayChangesNothing(seed: Int) {
        let s = EnginePropertyTests.random(seed: UInt64(7000 + seed), quotas: seed % 2 == 0, commitments: seed % 3 == 0)
        var index = PlanningIndex(s.snapshot)
        let before = Engine.plan(index: index, policy: s.policy, asOf: s.asOf)
        var changed = Set<SKU>()
        for k in index.snapshot.inventory.indices where k % 2 == 0 {
            var pos = index.snapshot.inventory[k]
            pos.onHand = (pos.onHand * 7 + seed) % 31
            index.apply(inventory: pos)
            changed.insert(pos.sku)
        }
        let full = Engine.plan(snapshot: index.snapshot, policy: s.policy, asOf: s.asOf)
        // Give way for none, some, and all of the groups.
        for serial in [0, 1, 2, Int.max] {
            var plan = before
            var asked = 0
            Engine.replan(skus: changed, orders: [], plan: &plan, index: index, policy: s.policy, asOf: s.asOf,
                          giveWay: { asked += 1; return asked <= serial })
            #expect(asked > 0)
            #expect(PlanJSON.encode(plan) == PlanJSON.encode(full), "seed \(seed), \(serial) group(s) given way")
        }
    }

    @Test("explain names the line that took the cheaper stock, and the next receipt")
    func whyNot() {
        var s = EngineExceptionTests.base()
        s.stock("DAL", "MX", 30); s.stock("ATL", "MX", 50)
        s.snapshot.receipts.append(Receipt(id: "PO-77", warehouseID: "DAL", sku: "MX", qty: 40, eta: s.asOf + 4))
        s.order("SO-1002", customer: "CS", due: 2, lines: [("MX", 30)])
        s.order("SO-2000", customer: "CB", due: 3, lines: [("MX", 20)])
        let e = Engine.explain(LineKey(orderID: "SO-2000", lineNo: 1), index: PlanningIndex(s.snapshot), policy: s.policy, asOf: s.asOf)!
        #expect(e.recommendation.allocations.map(\.warehouseID) == ["ATL"])
        let dal = e.options.first { $0.warehouseID == "DAL" && $0.source == .onHand }!
        #expect(dal.note == "DAL is cheaper but its 30 units went to tier-strategic order SO-1002 due 12-01")
        let atl = e.options.first { $0.warehouseID == "ATL" && $0.source == .onHand }!
        #expect(atl.chosenQty == 20 && atl.note.hasPrefix("chosen"))
        let po = e.options.first { $0.source == .receipt("PO-77") }!
        #expect(po.note.contains("receipt PO-77 arrives at DAL on 12-03"))
        #expect(po.arrivalDate == s.asOf + 7 && po.daysLate == 4)
        // With ATL's stock gone, the receipt is chosen: its note says so, then where and when it arrives, then how late.
        s.snapshot.inventory.removeAll { $0.warehouseID == "ATL" }
        let late = Engine.explain(LineKey(orderID: "SO-2000", lineNo: 1), index: PlanningIndex(s.snapshot), policy: s.policy, asOf: s.asOf)!
        let chosen = late.options.first { $0.source == .receipt("PO-77") }!
        #expect(chosen.note == "chosen: 20 units (receipt PO-77 arrives at DAL on 12-03), 4 days late", "\(chosen.note)")
    }

    @Test("explain says how a taken option compares by what the engine weighs first: own sku, then cost, then older stock")
    func whyNotPreferred() {
        // A substitute line: DAL's own MX went to a strategic line; the line got the substitute MX2, as cheap.
        var s = EngineExceptionTests.substituteWorld(mx: 30, mx2: 50)
        s.order("SO-1002", customer: "CS", due: 2, lines: [("MX", 30)])
        s.order("SO-2000", customer: "CB", due: 3, lines: [("MX", 20)], substitute: true)
        let note = { (s: Scenario, source: SupplySource) -> String in
            let e = Engine.explain(LineKey(orderID: "SO-2000", lineNo: 1), index: PlanningIndex(s.snapshot), policy: s.policy, asOf: s.asOf)!
            return e.options.first { $0.warehouseID == "DAL" && $0.source == source }!.note
        }
        #expect(s.plan().line("SO-2000").allocations.map(\.source) == [.substitute("MX2")])
        #expect(note(s, .onHand) == "DAL has the line's own sku but its 30 units went to tier-strategic order SO-1002 due 12-01")
        // Same sku, same cost, older stock (aging bonus): the older stock is what it lost.
        var t = EngineExceptionTests.base()
        t.snapshot.lanes.removeAll { $0.from == "ATL" && $0.toRegion == "SOUTH" }
        t.snapshot.lanes.append(Lane(from: "ATL", toRegion: "SOUTH", transitDays: 2, costPerUnit: 1.0))
        t.stock("DAL", "MX", 30, oldest: t.asOf - 60); t.stock("ATL", "MX", 50, oldest: t.asOf)
        t.order("SO-1002", customer: "CS", due: 2, lines: [("MX", 30)])
        t.order("SO-2000", customer: "CB", due: 3, lines: [("MX", 20)])
        t.policy.cost.agingBonusPerUnitDay = 0.01
        #expect(t.plan().line("SO-2000").allocations.map(\.warehouseID) == ["ATL"])
        #expect(note(t, .onHand) == "DAL holds older stock but its 30 units went to tier-strategic order SO-1002 due 12-01")
    }

    @Test("plan JSON writes numbers in one fixed format")
    func numbers() {
        #expect(PlanJSON.number(84) == "84.0")
        #expect(PlanJSON.number(10.5) == "10.5")
        #expect(PlanJSON.number(0.1 + 0.2) == "0.3")
        #expect(PlanJSON.number(2.0 / 3.0, decimals: 3) == "0.667")
        #expect(PlanJSON.number(-1.25) == "-1.25")
        #expect(PlanJSON.number(0) == "0.0")
        #expect(PlanJSON.number(-0.00001) == "0.0")
        #expect(PlanJSON.number(0.00005) == "0.0001")
        #expect(PlanJSON.number(0.0102) == "0.0102")
        #expect(PlanJSON.number(1_234_567.8) == "1234567.8")
        #expect(PlanJSON.number(-1_000_000) == "-1000000.0")
        #expect(PlanJSON.number(9.99996) == "10.0")
        #expect(PlanJSON.number(0.5, decimals: 3) == "0.5")
        #expect(PlanJSON.number(.nan) == "0.0")
        #expect(PlanJSON.number(-.infinity) == "0.0")
    }

    @Test("plan JSON escapes quotes, backslashes and control characters, and nothing else")
    func strings() {
        func json(_ s: String) -> String { var out = ""; PlanJSON.string(s, into: &out); return out }
        #expect(json("SO-1002") == #""SO-1002""#)
        #expect(json("") == "\"\"")
        #expect(json("Tier A, class 1: all 40 from DAL on hand; the cheapest eligible source.")
                == #""Tier A, class 1: all 40 from DAL on hand; the cheapest eligible source.""#)
        #expect(json(#"say "hi""#) == #""say \"hi\"""#)
        #expect(json(#"C:\dir"#) == #""C:\\dir""#)
        #expect(json("a\nb\tc\rd") == #""a\nb\tc\rd""#)
        #expect(json("bell\u{7}") == #""bell\u0007""#)
        #expect(json("Zürich – 東京 🚚") == "\"Zürich – 東京 🚚\"")
        #expect(json("Zürich \"Nord\"") == #""Zürich \"Nord\"""#)
    }
}
