import Testing
import AllotCore

/// SO-1:1 asks 60 of MX-200 for day +3 and is recommended 40 from DAL at 1.00 a unit, on time.
/// DAL has 80 available (100 on hand − 10 reserved − 10 safety), CHI 50, receipt PO-1 brings 30 to DAL on day +6.
@Suite("Override checks")
struct OverrideCheckTests {
    typealias F = WorkflowFixture

    func decide(_ allocations: [RequestedAllocation], supply: DecisionSupply = F.supply(), situation: LineSituation = F.situation(),
                policy: Policy = F.policy) -> Result<DecisionEffects, DecisionRefusal> {
        Workflow.decide(F.request(.override, by: F.planner, allocations: allocations), situation: situation, supply: supply, policy: policy)
    }

    @Test("an override within the policy's limits is applied, priced by the contract's cost formula")
    func applied() throws {
        let o = try decide([RequestedAllocation(warehouseID: "DAL", qty: 50)]).get()
        #expect(o.newState == .overridden)
        #expect(o.escalationReasons.isEmpty)
        let a = try #require(o.transitions.first?.allocationAfter.first)
        #expect(a.qty == 50 && a.shipDate == F.asOf + 1 && a.arrivalDate == F.asOf + 3 && a.cost == 50)
    }

    @Test("an override that raises the cost per unit beyond the limit goes to a supervisor instead")
    func costEscalates() throws {
        let o = try decide([RequestedAllocation(warehouseID: "CHI", qty: 40)]).get()
        #expect(o.newState == .escalated)
        #expect(o.transitions.first?.escalatedBy == "pat")
        // CHI: 1.05 freight + 1 day late × 0.50 = 1.55 a unit, 55% over 1.00.
        #expect(o.transitions.first?.allocationAfter.first?.cost == 40 * 1.55)
        #expect(o.escalationReasons.count == 1)
        #expect(o.escalationReasons.first?.contains("cost per unit from 1.00 to 1.55") == true)
    }

    @Test("an override that makes the line later than the limit goes to a supervisor")
    func latenessEscalates() throws {
        let o = try decide([RequestedAllocation(warehouseID: "DAL", qty: 30, source: .receipt("PO-1"))]).get()
        #expect(o.newState == .escalated)
        // The default policy allows 2 days more.
        #expect(o.escalationReasons.contains { $0 == "arrives 6 days late instead of on time (limit: 2 days more)" }, "\(o.escalationReasons)")
    }

    @Test("a transfer is priced with lane plus transfer cost and its lead time")
    func transferPricing() throws {
        let o = try decide([RequestedAllocation(warehouseID: "DAL", qty: 10, source: .transfer(from: "CHI"))]).get()
        let a = try #require(o.transitions.first?.allocationAfter.first)
        #expect(a.shipDate == F.asOf + 3 && a.arrivalDate == F.asOf + 5)
        #expect(a.cost == 10 * (1.0 + 0.5) + 0.5 * 10 * 2)
    }

    @Test("an override needing more than a pool has available to promise is refused")
    func atp() {
        var supply = F.supply()
        supply.snapshot.reservations = [
            Reservation(orderID: "SO-2", lineNo: 1, warehouseID: "DAL", sku: "MX-200", source: .onHand, qty: 50),
            // The line's own earlier reservation does not count against it.
            Reservation(orderID: "SO-1", lineNo: 1, warehouseID: "DAL", sku: "MX-200", source: .onHand, qty: 40),
        ]
        guard case .failure(.invalid(let m)) = decide([RequestedAllocation(warehouseID: "DAL", qty: 40)], supply: supply) else {
            Issue.record("overdrew DAL"); return
        }
        #expect(m.contains("on-hand MX-200 at DAL has 30 units available to promise, the override needs 40"))
        guard case .success = decide([RequestedAllocation(warehouseID: "DAL", qty: 30)], supply: supply) else {
            Issue.record("30 of 30 free was refused"); return
        }
    }

    @Test("transfers draw on the sending warehouse's stock")
    func transferATP() {
        guard case .failure(.invalid(let m)) = decide([RequestedAllocation(warehouseID: "DAL", qty: 55, source: .transfer(from: "CHI"))]) else {
            Issue.record("a transfer overdrew CHI"); return
        }
        #expect(m.contains("at CHI has 50"))
    }

    @Test("more than requested, a partial fill of a line that forbids it, an unknown warehouse or a missing lane are refused")
    func invalidRequests() {
        let bad: [[RequestedAllocation]] = [
            [RequestedAllocation(warehouseID: "DAL", qty: 61)],
            [RequestedAllocation(warehouseID: "XYZ", qty: 5)],
            [RequestedAllocation(warehouseID: "DAL", qty: 5, mode: .expedite)],
            [RequestedAllocation(warehouseID: "DAL", qty: 0)],
            [RequestedAllocation(warehouseID: "CHI", qty: 5, source: .receipt("PO-1"))],
            [RequestedAllocation(warehouseID: "DAL", qty: 5, source: .substitute("MX-210"))],
            [],
        ]
        for b in bad {
            guard case .failure(.invalid) = decide(b) else { Issue.record("accepted \(b)"); continue }
        }
        var s = F.situation()
        s.orderLine?.allowPartial = false
        guard case .failure(.invalid(let m)) = decide([RequestedAllocation(warehouseID: "DAL", qty: 30)], situation: s) else {
            Issue.record("a partial override of a no-partial line was applied"); return
        }
        #expect(m.contains("partial"))
    }

    @Test("taking units the plan gives a higher-priority line goes to a supervisor; taking from a lower one does not")
    func priority() throws {
        let pool = SupplyPool(sku: "MX-200", warehouseID: "DAL")
        let higher = F.supply(planned: [PlannedUse(line: LineKey(orderID: "SO-2", lineNo: 1), priorityClass: 0, pool: pool, qty: 40)])
        let o = try decide([RequestedAllocation(warehouseID: "DAL", qty: 50)], supply: higher).get()
        #expect(o.newState == .escalated)
        #expect(o.escalationReasons == ["takes 10 units of on-hand MX-200 at DAL planned for SO-2:1, priority class 0 (this line is class 1)"])
        let lower = F.supply(planned: [PlannedUse(line: LineKey(orderID: "SO-2", lineNo: 1), priorityClass: 2, pool: pool, qty: 40)])
        #expect(try decide([RequestedAllocation(warehouseID: "DAL", qty: 50)], supply: lower).get().newState == .overridden)
    }

    @Test("an override that leaves another customer's commitment short goes to a supervisor")
    func commitment() throws {
        var supply = F.supply()
        // 160 units free in all (80 DAL + 50 CHI + 30 PO-1); BIG is promised 115.
        supply.snapshot.commitments = [Commitment(customerID: "BIG", sku: "MX-200", qty: 115)]
        #expect(try decide([RequestedAllocation(warehouseID: "DAL", qty: 45)], supply: supply).get().newState == .overridden)
        let o = try decide([RequestedAllocation(warehouseID: "DAL", qty: 50)], supply: supply).get()
        #expect(o.newState == .escalated)
        #expect(o.escalationReasons == ["breaks the commitment of BIG on MX-200: 115 units protected, 110 would be left"])
        // A commitment outside the order's dates protects nothing.
        supply.snapshot.commitments = [Commitment(customerID: "BIG", sku: "MX-200", qty: 115, periodEnd: F.asOf)]
        #expect(try decide([RequestedAllocation(warehouseID: "DAL", qty: 50)], supply: supply).get().newState == .overridden)
    }

    @Test("an override beyond the tier's quota, counting units already released to the tier, is refused")
    func quota() {
        var supply = F.supply()
        supply.snapshot.quotas = [Quota(skuOrFamily: "MX", tier: "A", maxQty: 60)]
        supply.snapshot.reservations = [Reservation(orderID: "SO-1", lineNo: 2, warehouseID: "DAL", sku: "MX-200", source: .onHand, qty: 20)]
        guard case .failure(.invalid(let m)) = decide([RequestedAllocation(warehouseID: "DAL", qty: 50)], supply: supply) else {
            Issue.record("the quota was exceeded"); return
        }
        #expect(m == "quota of tier A on MX is 60 units; 20 already released, the override adds 50")
        guard case .success = decide([RequestedAllocation(warehouseID: "DAL", qty: 40)], supply: supply) else {
            Issue.record("an override within the quota was refused"); return
        }
    }

    @Test("thresholds come from the policy")
    func thresholdsFromPolicy() throws {
        var p = Policy()
        p.override.maxCostIncreasePct = 0.60
        #expect(try decide([RequestedAllocation(warehouseID: "CHI", qty: 40)], policy: p).get().newState == .overridden)
        p.override.maxExtraLateDays = 6
        p.override.maxCostIncreasePct = 5
        #expect(try decide([RequestedAllocation(warehouseID: "DAL", qty: 30, source: .receipt("PO-1"))], policy: p).get().newState == .overridden)
    }

    @Test("release and approval re-check the decided units against current ATP")
    func releaseRechecksATP() {
        var supply = F.supply()
        supply.snapshot.reservations = [Reservation(orderID: "SO-2", lineNo: 1, warehouseID: "DAL", sku: "MX-200", source: .onHand, qty: 60)]
        let s = F.situation(state: .accepted, version: 1)
        guard case .failure(.invalid(let m)) = Workflow.decide(F.request(.release), situation: s, supply: supply, policy: F.policy) else {
            Issue.record("released more than available"); return
        }
        #expect(m.contains("has 20 units"))
    }
}
