import Testing
@testable import AllotCore

/// One small story per exception type: the engine raises it exactly when its reason is present.
@Suite("Engine exceptions and status")
struct EngineExceptionTests {
    /// Two sites: DAL serves SOUTH in 2 days at 1.00, ATL serves SOUTH in 3 days at 2.00.
    static func base() -> Scenario {
        var s = Scenario()
        s.warehouse("DAL", region: "SOUTH", lanes: ["SOUTH": (2, 1.0)])
        s.warehouse("ATL", region: "EAST", lanes: ["SOUTH": (3, 2.0), "EAST": (2, 1.0)])
        s.item("MX", cost: 50, price: 100)
        s.customer("CS", tier: "strategic", region: "SOUTH")
        s.customer("CA", tier: "A", region: "SOUTH")
        s.customer("CB", tier: "B", region: "SOUTH")
        return s
    }

    @Test("a line served in full, on time, from one site is released automatically")
    func clean() {
        var s = EngineExceptionTests.base()
        s.stock("DAL", "MX", 100)
        s.order("SO-1", customer: "CA", due: 3, lines: [("MX", 10)])
        let r = s.plan().line("SO-1")
        #expect(r.exceptions == [] && r.status == .auto)
        #expect(r.allocations == [Allocation(warehouseID: "DAL", qty: 10, source: .onHand, shipDate: s.asOf + 1,
                                             arrivalDate: s.asOf + 3, cost: 10)])
    }

    @Test("SHORTAGE when part is found, BACKORDER when nothing is")
    func shortageAndBackorder() {
        var s = EngineExceptionTests.base()
        s.stock("DAL", "MX", 6)
        s.order("SO-1", customer: "CA", due: 3, lines: [("MX", 10)])
        s.order("SO-2", customer: "CB", due: 3, lines: [("MX", 5)])
        let p = s.plan()
        #expect(p.line("SO-1").exceptions == [.shortage] && p.line("SO-1").short == 4 && p.line("SO-1").status == .review)
        #expect(p.line("SO-2").exceptions == [.backorder] && p.line("SO-2").status == .backorder)
    }

    @Test("SPLIT when no one site has it all; LATE when the arrival is after the requested date")
    func splitAndLate() {
        var s = EngineExceptionTests.base()
        s.stock("DAL", "MX", 6); s.stock("ATL", "MX", 6)
        s.order("SO-1", customer: "CA", due: 3, lines: [("MX", 10)])
        let r = s.plan().line("SO-1")
        #expect(r.allocations.count == 2)
        #expect(r.exceptions == [.split, .late])
        // ATL arrives on day 4, one day late: 4 × (2.00 + 0.50) = 10; DAL 6 × 1.00 = 6; plus the split penalty.
        #expect(abs(s.plan().summary.totalCost - (6 + 10 + 25)) < 1e-9)
    }

    @Test("supply arriving beyond max_late_days is not used")
    func horizon() {
        var s = EngineExceptionTests.base()
        s.policy.cost.maxLateDays = 2
        s.snapshot.receipts.append(Receipt(id: "PO-9", warehouseID: "DAL", sku: "MX", qty: 50, eta: s.asOf + 5))
        s.order("SO-1", customer: "CA", due: 3, lines: [("MX", 10)])
        #expect(s.plan().line("SO-1").status == .backorder)
        s.policy.cost.maxLateDays = 14
        let r = s.plan().line("SO-1")
        #expect(r.allocations.first?.source == .receipt("PO-9") && r.allocations.first?.arrivalDate == s.asOf + 8)
    }

    @Test("LOW_MARGIN when the margin after freight falls under the policy's minimum; HIGH_VALUE over the limit")
    func marginAndValue() {
        var s = EngineExceptionTests.base()
        s.stock("DAL", "MX", 1000)
        s.order("SO-1", customer: "CA", due: 3, lines: [("MX", 10)], price: 51.5)
        s.order("SO-2", customer: "CA", due: 3, lines: [("MX", 600)])
        let p = s.plan()
        #expect(p.line("SO-1").exceptions == [.lowMargin])
        #expect(p.line("SO-2").exceptions == [.highValue])
        s.policy.exceptions.highValueLimit = 100_000
        #expect(s.plan().line("SO-2").exceptions == [])
    }

    /// The base world with MX2, MX's rank-1 substitute, and `mx` MX and `mx2` MX2 at DAL.
    static func substituteWorld(mx: Int, mx2: Int) -> Scenario {
        var s = base()
        s.item("MX2", cost: 50, price: 100)
        s.snapshot.substitutes.append(Substitute(sku: "MX", substituteSKU: "MX2", rank: 1))
        s.stock("DAL", "MX", mx); s.stock("DAL", "MX2", mx2)
        return s
    }

    @Test("SUBSTITUTION when a line that allows it is served from a substitute, and only after its own sku")
    func substitution() {
        var s = EngineExceptionTests.substituteWorld(mx: 4, mx2: 20)
        s.order("SO-1", customer: "CA", due: 3, lines: [("MX", 10)], substitute: true)
        var p = s.plan()
        #expect(p.line("SO-1").allocations.contains { $0.source == .onHand && $0.qty == 4 })
        #expect(p.line("SO-1").allocations.contains { $0.source == .substitute("MX2") && $0.qty == 6 })
        #expect(p.line("SO-1").exceptions == [.split, .substitution])
        // A later line that cannot substitute gets the own-sku units: the first line moves wholly to the substitute.
        s.order("SO-2", customer: "CA", due: 3, lines: [("MX", 10)])
        p = s.plan()
        #expect(p.line("SO-1").allocations.map(\.source) == [.substitute("MX2")] && p.line("SO-1").allocated == 10)
        #expect(p.line("SO-2").allocated == 4 && p.line("SO-2").exceptions == [.shortage])
    }

    @Test("TRANSFER when stock must move to another site first")
    func transfer() {
        var s = EngineExceptionTests.base()
        s.snapshot.lanes.removeAll { $0.from == "ATL" }
        s.snapshot.transfers.append(Transfer(from: "ATL", to: "DAL", leadDays: 2, costPerUnit: 0.5))
        s.stock("ATL", "MX", 10)
        s.order("SO-1", customer: "CA", due: 6, lines: [("MX", 10)])
        let r = s.plan().line("SO-1")
        #expect(r.allocations == [Allocation(warehouseID: "DAL", qty: 10, source: .transfer(from: "ATL"), shipDate: s.asOf + 3,
                                             arrivalDate: s.asOf + 5, cost: 15)])
        #expect(r.exceptions == [.transfer])
    }

    @Test("EXPEDITE when a faster lane beats a late ground arrival on cost")
    func expedite() {
        var s = EngineExceptionTests.base()
        s.policy.cost.latenessPerUnitDay = 2
        s.snapshot.lanes.append(Lane(from: "DAL", toRegion: "SOUTH", transitDays: 0, costPerUnit: 2.5, mode: .expedite))
        s.stock("DAL", "MX", 10)
        s.order("SO-1", customer: "CA", due: 1, lines: [("MX", 10)])
        let r = s.plan().line("SO-1")
        #expect(r.allocations.first?.mode == .expedite && r.allocations.first?.arrivalDate == s.asOf + 1)
        #expect(r.exceptions == [.expedite])
        #expect(r.rationale.contains("; expedited to arrive on time;"), "\(r.rationale)")
        // Due today, expedite still arrives a day late, but sooner and cheaper (with lateness) than ground: it says so.
        s.snapshot.orders[0].requestedDate = s.asOf
        let late = s.plan().line("SO-1")
        #expect(late.exceptions == [.late, .expedite] && late.allocations.first?.arrivalDate == s.asOf + 1)
        #expect(late.rationale.contains("arrives \((s.asOf + 1).short) (1 day late); expedited to arrive sooner;"), "\(late.rationale)")
        #expect(!late.rationale.contains("on time"), "\(late.rationale)")
        // When the ground lane is on time, expedite is never used.
        s.snapshot.orders[0].requestedDate = s.asOf + 3
        #expect(s.plan().line("SO-1").allocations.first?.mode == .ground)
    }

    @Test("QUOTA_LIMIT when a tier's quota stops a line; the quota never overflows")
    func quota() {
        var s = EngineExceptionTests.base()
        s.stock("DAL", "MX", 100)
        s.snapshot.quotas.append(Quota(skuOrFamily: "MX", tier: "B", maxQty: 12))
        s.order("SO-1", customer: "CB", due: 3, lines: [("MX", 10)])
        s.order("SO-2", customer: "CB", due: 4, lines: [("MX", 10)])
        let p = s.plan()
        #expect(p.line("SO-1").allocated == 10)
        #expect(p.line("SO-2").allocated == 2 && p.line("SO-2").exceptions == [.shortage, .quotaLimit])
        // Stock left elsewhere is free, but the quota, not a lack of need, keeps it from the short line.
        s.stock("ATL", "MX", 30)
        let e = Engine.explain(LineKey(orderID: "SO-2", lineNo: 1), index: PlanningIndex(s.snapshot), policy: s.policy, asOf: s.asOf)!
        #expect(e.options.first { $0.warehouseID == "ATL" }?.note == "30 units free, but tier B's quota is used up", "\(e.options.map(\.note))")
    }

    @Test("a commitment serves its customer first; the line it pushes out gets COMMITMENT_CONFLICT")
    func commitment() {
        var s = EngineExceptionTests.base()
        s.stock("DAL", "MX", 20)
        s.snapshot.commitments.append(Commitment(customerID: "CB", sku: "MX", qty: 15))
        s.order("SO-1", customer: "CA", due: 3, lines: [("MX", 20)])
        s.order("SO-2", customer: "CB", due: 3, lines: [("MX", 15)])
        let p = s.plan()
        #expect(p.line("SO-2").allocated == 15)
        #expect(p.line("SO-1").allocated == 5 && p.line("SO-1").exceptions.contains(.commitmentConflict))
    }

    @Test("STALE_DATA when the stock used was counted longer ago than the policy allows")
    func stale() {
        var s = EngineExceptionTests.base()
        s.stock("DAL", "MX", 20, asOf: Timestamp(seconds: (s.asOf - 4).unixSeconds))
        s.order("SO-1", customer: "CA", due: 3, lines: [("MX", 5)])
        #expect(s.plan().line("SO-1").exceptions == [.staleData])
        s.policy.exceptions.staleInventoryHours = 24 * 5
        #expect(s.plan().line("SO-1").exceptions == [])
    }

    @Test("ORDER_HOLD and CREDIT_HOLD: held lines get nothing and leave the stock to others")
    func holds() {
        var s = EngineExceptionTests.base()
        s.customer("CH", tier: "strategic", region: "SOUTH", credit: .hold)
        s.stock("DAL", "MX", 10)
        s.order("SO-1", customer: "CS", due: 3, lines: [("MX", 10)], status: .held)
        s.order("SO-2", customer: "CH", due: 3, lines: [("MX", 10)])
        s.order("SO-3", customer: "CB", due: 3, lines: [("MX", 10)])
        let p = s.plan()
        #expect(p.line("SO-1").status == .held && p.line("SO-1").exceptions == [.orderHold])
        #expect(p.line("SO-2").status == .held && p.line("SO-2").exceptions == [.creditHold])
        #expect(p.line("SO-3").allocated == 10)
        #expect(p.summary.held == 2)
    }

    @Test("SHIP_COMPLETE when a ship-complete order would come from two sites")
    func shipComplete() {
        var s = EngineExceptionTests.base()
        s.item("BL", cost: 5, price: 10)
        s.stock("DAL", "MX", 10); s.stock("ATL", "BL", 10)
        s.order("SO-1", customer: "CA", due: 5, lines: [("MX", 5), ("BL", 5)], shipComplete: true)
        let p = s.plan()
        #expect(p.line("SO-1", 1).exceptions.contains(.shipComplete) && p.line("SO-1", 2).exceptions.contains(.shipComplete))
        #expect(p.line("SO-1", 1).status == .review)
    }

    @Test("allow_partial = false takes all or nothing")
    func allOrNothing() {
        var s = EngineExceptionTests.base()
        s.stock("DAL", "MX", 8)
        s.order("SO-1", customer: "CA", due: 3, lines: [("MX", 10)], partial: false)
        s.order("SO-2", customer: "CB", due: 3, lines: [("MX", 5)])
        let p = s.plan()
        #expect(p.line("SO-1").allocated == 0)
        #expect(p.line("SO-2").allocated == 5)
    }

    @Test("the routing and auto-release policy decide each line's queue and status")
    func routing() {
        var s = EngineExceptionTests.base()
        s.stock("DAL", "MX", 6); s.stock("ATL", "MX", 6)
        s.policy.cost.latenessPerUnitDay = 0
        s.order("SO-1", customer: "CA", due: 4, lines: [("MX", 10)])
        #expect(s.plan().line("SO-1").exceptions == [.split])
        #expect(Engine.queue(for: s.plan().line("SO-1"), policy: s.policy) == .planner)
        s.policy.autoRelease.allow = [.split]
        #expect(s.plan().line("SO-1").status == .auto)
        s.policy.autoRelease.allow = []
        s.policy.routing[.split] = .supervisor
        #expect(Engine.queue(for: s.plan().line("SO-1"), policy: s.policy) == .supervisor)
        s.policy.autoRelease.enabled = false
        s.snapshot.inventory[0].onHand = 20
        #expect(s.plan().line("SO-1").status == .review)
    }
}
