import Testing
@testable import AllotCore

/// One behaviour per policy key, each shown on a small story.
@Suite("Engine policy keys")
struct EnginePolicyTests {
    static func base(stock: Int) -> Scenario {
        var s = EngineExceptionTests.base()
        s.stock("DAL", "MX", stock)
        return s
    }

    @Test("tier_order: an earlier tier is served first, whatever the dates")
    func tierOrder() {
        var s = EnginePolicyTests.base(stock: 10)
        s.order("SO-1", customer: "CB", due: 1, lines: [("MX", 10)])
        s.order("SO-2", customer: "CA", due: 5, lines: [("MX", 10)])
        #expect(s.plan().line("SO-2").allocated == 10)
        s.policy.priority.tierOrder = ["B", "A"]
        #expect(s.plan().line("SO-1").allocated == 10)
    }

    @Test("critical_items_first lifts a critical item's line one class (never above the first)")
    func critical() {
        var s = EnginePolicyTests.base(stock: 10)
        s.snapshot.items[0].critical = true
        s.order("SO-1", customer: "CS", due: 5, lines: [("MX", 10)])
        s.order("SO-2", customer: "CA", due: 1, lines: [("MX", 10)])
        s.order("SO-3", customer: "CB", due: 1, lines: [("MX", 10)])
        var p = s.plan()
        #expect(p.line("SO-1").priorityClass == 0 && p.line("SO-2").priorityClass == 0 && p.line("SO-3").priorityClass == 1)
        #expect(p.line("SO-2").allocated == 10)  // A lifted into the strategic class: the earlier due date wins
        s.policy.priority.criticalItemsFirst = false
        p = s.plan()
        #expect(p.line("SO-3").priorityClass == 2)
        #expect(p.line("SO-1").allocated == 10)
    }

    @Test("an order's priority override sets its class")
    func override() {
        var s = EnginePolicyTests.base(stock: 10)
        s.order("SO-1", customer: "CS", due: 1, lines: [("MX", 10)])
        s.order("SO-2", customer: "CB", due: 5, lines: [("MX", 10)], override: 0)
        s.snapshot.orders[0].priorityOverride = 1
        let p = s.plan()
        #expect(p.line("SO-2").allocated == 10 && p.line("SO-2").priorityClass == 0)
    }

    @Test("within_class fcfs serves the earlier requested date, then order date, then order id")
    func fcfs() {
        var s = EnginePolicyTests.base(stock: 10)
        s.order("SO-2", customer: "CA", due: 3, ordered: -1, lines: [("MX", 10)])
        s.order("SO-1", customer: "CA", due: 3, ordered: -1, lines: [("MX", 10)])
        s.order("SO-3", customer: "CA", due: 3, ordered: -5, lines: [("MX", 10)])
        #expect(s.plan().line("SO-3").allocated == 10)
        s.snapshot.orders[2].orderDate = s.asOf
        #expect(s.plan().line("SO-1").allocated == 10)
    }

    @Test("within_class fair_share splits a class in proportion to what each line asked")
    func fairShare() {
        var s = EnginePolicyTests.base(stock: 30)
        s.policy.priority.withinClass = .fairShare
        s.order("SO-1", customer: "CA", due: 3, lines: [("MX", 40)])
        s.order("SO-2", customer: "CA", due: 4, lines: [("MX", 20)])
        let p = s.plan()
        #expect(p.line("SO-1").allocated == 20 && p.line("SO-2").allocated == 10)
        s.snapshot.inventory[0].onHand = 31  // one unit of remainder goes to the earlier line
        #expect(s.plan().line("SO-1").allocated == 21)
    }

    @Test("within_class margin serves the higher margin after freight first")
    func margin() {
        var s = EnginePolicyTests.base(stock: 10)
        s.policy.priority.withinClass = .margin
        s.order("SO-1", customer: "CA", due: 1, lines: [("MX", 10)], price: 60)
        s.order("SO-2", customer: "CA", due: 5, lines: [("MX", 10)], price: 90)
        #expect(s.plan().line("SO-2").allocated == 10)
    }

    @Test("service_targets moves customers below their fill-rate target ahead within their class")
    func serviceTargets() {
        var s = EnginePolicyTests.base(stock: 10)
        s.customer("CT", tier: "A", region: "SOUTH", target: 0.95)
        s.order("SO-1", customer: "CA", due: 1, lines: [("MX", 10)])
        s.order("SO-2", customer: "CT", due: 5, lines: [("MX", 10)])
        #expect(s.plan().line("SO-1").allocated == 10)
        s.policy.priority.serviceTargets = true
        #expect(s.plan().line("SO-2").allocated == 10)
        #expect(s.plan().line("SO-2").rationale.hasPrefix("Tier A, class 1 (customer below service target): all 10 from DAL"))
        // With a critical item too, both reasons share one parenthesis.
        s.snapshot.items[0].critical = true
        #expect(s.plan().line("SO-2").rationale.hasPrefix("Tier A, class 0 (critical item, lifted one class; customer below service target): "),
                "\(s.plan().line("SO-2").rationale)")
        #expect(s.plan().line("SO-1").rationale.hasPrefix("Tier A, class 0 (critical item, lifted one class): "))
    }

    @Test("lateness_per_unit_day and split_penalty price the plan; max_late_days bounds it")
    func costs() {
        var s = EngineExceptionTests.base()
        s.stock("ATL", "MX", 10)
        s.order("SO-1", customer: "CA", due: 2, lines: [("MX", 10)])  // ATL arrives day 4: 2 days late
        s.policy.cost.latenessPerUnitDay = 1.5
        #expect(abs(s.plan().summary.totalCost - (10 * 2.0 + 10 * 2 * 1.5)) < 1e-9)
        s.policy.cost.maxLateDays = 1
        #expect(s.plan().line("SO-1").status == .backorder)
    }

    @Test("aging_bonus_per_unit_day ships the oldest stock first when it is otherwise a tie")
    func aging() {
        var s = EngineExceptionTests.base()
        s.snapshot.lanes.append(Lane(from: "ATL", toRegion: "SOUTH", transitDays: 2, costPerUnit: 1.0))
        s.snapshot.lanes.removeAll { $0.from == "ATL" && $0.costPerUnit == 2.0 }
        s.stock("DAL", "MX", 10, oldest: s.asOf - 10)
        s.stock("ATL", "MX", 10, oldest: s.asOf - 90)
        s.order("SO-1", customer: "CA", due: 3, lines: [("MX", 10)])
        s.policy.cost.agingBonusPerUnitDay = 0.01
        #expect(s.plan().line("SO-1").allocations.map(\.warehouseID) == ["ATL"])
        s.snapshot.inventory[0].oldestReceiptDate = s.asOf - 200
        #expect(s.plan().line("SO-1").allocations.map(\.warehouseID) == ["DAL"])
    }

    @Test("explain says when the aging bonus, not cost, decided: an option's note gives the cost difference and the bonus apart")
    func agingExplained() {
        var s = EngineExceptionTests.base()
        s.stock("DAL", "MX", 100, oldest: s.asOf)
        s.stock("ATL", "MX", 100, oldest: s.asOf - 30)
        s.order("SO-1", customer: "CA", due: 5, lines: [("MX", 10)])
        s.policy.cost.agingBonusPerUnitDay = 0.1
        let note = { (s: Scenario) -> String in
            let e = Engine.explain(LineKey(orderID: "SO-1", lineNo: 1), index: PlanningIndex(s.snapshot), policy: s.policy, asOf: s.asOf)!
            return e.options.first { $0.warehouseID == "DAL" && $0.source == .onHand }!.note
        }
        // ATL's freight is 2.00 a unit against DAL's 1.00, but its stock is 30 days older: 3.00 a unit of bonus.
        #expect(s.plan().line("SO-1").allocations.map(\.warehouseID) == ["ATL"])
        #expect(note(s) == "costs 1.0/unit less, but the chosen source's older stock goes first (aging bonus 3.0/unit)")
        // DAL dearer than ATL: the note gives the cost difference, and the bonus beside it.
        s.snapshot.lanes.removeAll { $0.from == "DAL" }
        s.snapshot.lanes.append(Lane(from: "DAL", toRegion: "SOUTH", transitDays: 2, costPerUnit: 2.5))
        #expect(note(s) == "costs 0.5/unit more than the chosen source, whose older stock also goes first (aging bonus 3.0/unit)")
        // Without the bonus, the figure is the cost difference alone.
        s.policy.cost.agingBonusPerUnitDay = 0
        #expect(note(s) == "costs 0.5/unit more than the chosen source")
        // DAL's stock the older one (40 days against ATL's 30), but dearer by more than its bonus.
        s.policy.cost.agingBonusPerUnitDay = 0.1
        s.snapshot.inventory[0].oldestReceiptDate = s.asOf - 40
        s.snapshot.lanes.removeAll { $0.from == "DAL" }
        s.snapshot.lanes.append(Lane(from: "DAL", toRegion: "SOUTH", transitDays: 2, costPerUnit: 4.0))
        #expect(note(s) == "costs 2.0/unit more than the chosen source, more than its older stock makes up (aging bonus 1.0/unit)")
    }

    @Test("respect_capacity ships lines beyond a site's daily capacity the next day, lowest priority last")
    func capacity() {
        var s = EngineExceptionTests.base()
        s.snapshot.warehouses[0].dailyLineCapacity = 1
        s.stock("DAL", "MX", 100)
        s.order("SO-1", customer: "CB", due: 3, lines: [("MX", 5)])
        s.order("SO-2", customer: "CA", due: 3, lines: [("MX", 5)])
        #expect(s.plan().line("SO-1").allocations.first?.shipDate == s.asOf + 1)
        s.policy.cost.respectCapacity = true
        let p = s.plan()
        #expect(p.line("SO-2").allocations.first?.shipDate == s.asOf + 1)
        #expect(p.line("SO-1").allocations.first?.shipDate == s.asOf + 2)
        #expect(p.line("SO-1").exceptions == [.late])
    }

    @Test("stale_inventory_hours, min_margin_pct and high_value_limit set their exceptions' thresholds")
    func thresholds() {
        var s = EnginePolicyTests.base(stock: 0)
        s.snapshot.inventory[0] = InventoryPosition(warehouseID: "DAL", sku: "MX", onHand: 100, asOf: Timestamp(seconds: (s.asOf - 1).unixSeconds))
        s.order("SO-1", customer: "CA", due: 3, lines: [("MX", 10)], price: 60)
        #expect(s.plan().line("SO-1").exceptions == [])
        s.policy.exceptions.staleInventoryHours = 12
        s.policy.exceptions.minMarginPct = 0.2
        s.policy.exceptions.highValueLimit = 500
        #expect(s.plan().line("SO-1").exceptions == [.lowMargin, .highValue, .staleData])
    }
}
