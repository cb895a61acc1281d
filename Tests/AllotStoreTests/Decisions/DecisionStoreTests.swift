import Testing
import Foundation
import GRDB
@testable import AllotStore
import AllotCore

@Suite("Deciding in the mirror")
struct DecisionStoreTests {
    typealias F = GovernanceFixture

    @Test("accept then release: the line's state, its history, a reservation the next snapshot sees, an audit entry each, one outbox event")
    func acceptAndRelease() throws {
        let m = try F.mirror()
        let store = DecisionStore(mirror: m)
        let accepted = try store.decide(F.decision("SO-1:1", .accept, by: F.pat, note: "fine"))
        #expect(accepted.outcome.newState == .accepted)
        #expect(try store.reservations().isEmpty)
        try store.decide(F.decision("SO-1:1", .release, by: F.pat, reason: "OTHER"))
        let state = try #require(try store.lineState(F.key("SO-1:1")))
        #expect(state.state == .released && state.version == 2 && state.allocation == [F.dal(40)])
        let snapshot = try m.loadSnapshot()
        #expect(snapshot.reservations == [Reservation(orderID: "SO-1", lineNo: 1, warehouseID: "DAL", sku: "MX-200", source: .onHand, qty: 40)])
        let history = try store.history(F.key("SO-1:1"))
        #expect(history.map(\.action) == ["accept", "release"])
        #expect(history.first?.user == "pat" && history.first?.role == "planner" && history.first?.reasonCode == "AS_RECOMMENDED")
        #expect(history.first?.note == "fine" && history.first?.recVersion == 1 && history.first?.planID != nil)
        #expect(history.last?.before == [F.dal(40)] && history.last?.after == [F.dal(40)])
        let audit = try store.auditEntries()
        #expect(audit.map(\.action) == ["accept", "release"])
        #expect(audit.map(\.seq) == [1, 2])
        let events = try store.pendingEvents()
        #expect(events.map(\.type) == ["allocation.released"])
        #expect(events.first?.data.contains("\"warehouse_id\":\"DAL\"") == true)
    }

    @Test("an unlisted user is refused; a listed one acts in their role")
    func users() throws {
        let store = DecisionStore(mirror: try F.mirror())
        #expect(throws: DecisionRefusal.self) { try store.author(named: "mallory") }
        #expect(try store.author(named: "fay") == F.fay)
    }

    @Test("a refused decision changes nothing; one beyond the person's role is kept in the audit log's chain, a bad input is not")
    func refusalWritesNothing() throws {
        let m = try F.mirror()
        let store = DecisionStore(mirror: m)
        let why = "fay (finance) may not accept recommendations; allowed roles: admin, planner, supervisor"
        #expect(throws: DecisionRefusal.permission(why)) {
            try store.decide(F.decision("SO-1:1", .accept, by: F.fay))
        }
        #expect(try F.count(m, "decision") == 0)
        #expect(try F.count(m, "line_state") == 0)
        #expect(try store.pendingEvents().isEmpty)
        let audit = try store.auditEntries()
        #expect(audit.count == 1)
        #expect(audit.first?.action == AuditEntry.refused && audit.first?.user == "fay" && audit.first?.role == "finance")
        #expect(audit.first?.orderID == "SO-1" && audit.first?.lineNo == 1 && audit.first?.detail == "accept refused: " + why)
        #expect(audit.first?.stateBefore == audit.first?.stateAfter)
        #expect(try store.verifyAudit().isIntact)
        // A line not in the mirror is a bad input, not an act beyond anyone's role.
        #expect(throws: DecisionRefusal.self) { try store.decide(F.decision("SO-9:1", .accept, by: F.pat)) }
        #expect(try F.count(m, "audit_log") == 1)
        // The next decision chains on after the refusal.
        try store.decide(F.decision("SO-1:1", .accept, by: F.pat))
        #expect(try store.auditEntries().map(\.action) == [AuditEntry.refused, "accept"])
        #expect(try store.verifyAudit().isIntact)
    }

    @Test("an override over the limits goes to a supervisor; its author cannot approve it; another supervisor can, then it is released")
    func escalationFlow() throws {
        let m = try F.mirror()
        let store = DecisionStore(mirror: m)
        let r = try store.decide(F.decision("SO-1:1", .override, by: F.sam, reason: "CUSTOMER_PRIORITY",
                                            allocations: [RequestedAllocation(warehouseID: "CHI", qty: 45)]))
        #expect(r.outcome.newState == .escalated)
        let queue = try store.escalations()
        #expect(queue.map(\.key) == [F.key("SO-1:1")])
        #expect(queue.first?.escalatedBy == "sam")
        #expect(queue.first?.escalationReasons.first?.contains("cost per unit") == true)
        #expect(throws: DecisionRefusal.permission("sam escalated SO-1:1 and cannot approve their own escalation")) {
            try store.decide(F.decision("SO-1:1", .approve, by: F.sam))
        }
        try store.decide(F.decision("SO-1:1", .approve, by: F.sue))
        #expect(try store.escalations().isEmpty)
        try store.decide(F.decision("SO-1:1", .release, by: F.pat, reason: "OTHER"))
        #expect(try store.reservations(F.key("SO-1:1")).map(\.warehouseID) == ["CHI"])
        #expect(try store.pendingEvents().map(\.type) == ["allocation.approved", "allocation.released"])
    }

    @Test("taking units planned for a higher-priority line is escalated with the line it takes from")
    func priorityEscalation() throws {
        let store = DecisionStore(mirror: try F.mirror())
        // DAL has 80; the plan gives 30 to SO-2:1 (class 0), 5 to SO-1:2 and 10 to SO-4:1: 35 are spare beyond them.
        let r = try store.decide(F.decision("SO-1:1", .override, by: F.pat, reason: "CUSTOMER_PRIORITY",
                                            allocations: [RequestedAllocation(warehouseID: "DAL", qty: 60)]))
        #expect(r.outcome.newState == .escalated)
        #expect(r.outcome.escalationReasons.contains { $0.contains("planned for SO-2:1, priority class 0") })
    }

    @Test("cancelling an order gives its released units back and cancels it in the mirror")
    func cancel() throws {
        let m = try F.mirror()
        let store = DecisionStore(mirror: m)
        try store.decide(F.decision("SO-1:1", .accept, by: F.pat))
        try store.decide(F.decision("SO-1:1", .release, by: F.pat, reason: "OTHER"))
        #expect(try store.reservations().count == 1)
        let r = try store.decide(F.decision("SO-1:2", .cancel, by: F.cy, reason: "CUSTOMER_CANCELLED"))
        #expect(r.outcome.transitions.map(\.after) == [.cancelled, .cancelled])
        #expect(try store.reservations().isEmpty)
        #expect(try m.loadSnapshot().orders.first { $0.id == "SO-1" }?.status == .cancelled)
        #expect(try store.pendingEvents().map(\.type) == ["allocation.released", "order.cancelled"])
        #expect(try store.history(F.key("SO-1:1")).map(\.action) == ["accept", "release", "cancel"])
    }

    @Test("hold puts the order on hold in the mirror; releasing the hold lifts it and brings the lines back")
    func holdAndRelease() throws {
        let m = try F.mirror()
        let store = DecisionStore(mirror: m)
        try store.decide(F.decision("SO-1:1", .accept, by: F.pat))
        try store.decide(F.decision("SO-1:1", .hold, by: F.cy, reason: "PRICING"))
        #expect(try store.heldLines().map(\.key) == [F.key("SO-1:1"), F.key("SO-1:2")])
        #expect(try m.loadSnapshot().orders.first { $0.id == "SO-1" }?.status == .held)
        try store.decide(F.decision("SO-1:2", .release, by: F.pat, reason: "CUSTOMER_CONFIRMED"))
        #expect(try store.heldLines().isEmpty)
        #expect(try store.lineState(F.key("SO-1:1"))?.state == .recommended)
        #expect(try m.loadSnapshot().orders.first { $0.id == "SO-1" }?.status == .open)
        #expect(try store.pendingEvents().map(\.type) == ["order.held", "order.released"])
    }

    @Test("customer service notes a held order: the note is in the history, the audit and the held list; the line, its version and the outbox stay as they were")
    func noteOnHeldOrder() throws {
        let m = try F.mirror()
        let store = DecisionStore(mirror: m)
        try store.decide(F.decision("SO-1:1", .hold, by: F.cy, reason: "PRICING"))
        let before = try #require(try store.lineState(F.key("SO-1:1")))
        let events = try store.pendingEvents().map(\.type)
        let noted = try store.decide(F.decision("SO-1:1", .note, by: F.cy, note: "customer confirms the new price on Monday"))
        #expect(noted.outcome.transitions.isEmpty)
        #expect(try store.lineState(F.key("SO-1:1")) == before)
        #expect(try store.pendingEvents().map(\.type) == events)
        let last = try #require(try store.history(F.key("SO-1:1")).last)
        #expect(last.action == "note" && last.user == "cy" && last.role == "customer_service")
        #expect(last.note == "customer confirms the new price on Monday" && last.stateBefore == .held && last.stateAfter == .held)
        #expect(try store.auditEntries().map(\.action) == ["hold", "hold", "note"])
        #expect(try store.verifyAudit().isIntact)
        let held = try WorkbenchReads(mirror: m).heldOrders().first { $0.orderID == "SO-1" }
        #expect(held?.lastNote == "cy: customer confirms the new price on Monday")
        // A later note replaces it in the list; an empty one is refused and writes nothing.
        try store.decide(F.decision("SO-1:2", .note, by: F.pat, note: "DAL can ship Tuesday"))
        #expect(try WorkbenchReads(mirror: m).heldOrders().first { $0.orderID == "SO-1" }?.lastNote == "pat: DAL can ship Tuesday")
        let decisions = try F.count(m, "decision")
        #expect(throws: DecisionRefusal.self) { try store.decide(F.decision("SO-1:1", .note, by: F.cy, note: " ")) }
        #expect(try F.count(m, "decision") == decisions)
    }

    @Test("a credit hold is lifted by finance, not by a planner, and clears the customer's credit hold")
    func creditHold() throws {
        let m = try F.mirror()
        let store = DecisionStore(mirror: m)
        #expect(throws: DecisionRefusal.self) { try store.decide(F.decision("SO-3:1", .release, by: F.pat, reason: "CREDIT_CLEARED")) }
        try store.decide(F.decision("SO-3:1", .release, by: F.fay, reason: "CREDIT_CLEARED"))
        #expect(try m.loadSnapshot().customers.first { $0.id == "LATE" }?.creditStatus == .ok)
        let event = try #require(try store.pendingEvents().first)
        #expect(event.type == "order.released" && event.data.contains("\"credit\":true"))
    }

    @Test("the policy releases auto lines as decisions authored by its version, once")
    func policyRelease() throws {
        let m = try F.mirror()
        let store = DecisionStore(mirror: m)
        let planID = try #require(try PlanStore(mirror: m).currentPlanID())
        #expect(try store.recordPolicyReleases(planID: planID) == 1)
        #expect(try store.recordPolicyReleases(planID: planID) == 0)
        let h = try store.history(F.key("SO-4:1"))
        #expect(h.map(\.user) == ["policy:2026-11-default"] && h.first?.role == "policy" && h.first?.stateAfter == .released)
        #expect(try store.reservations().map(\.lineKey) == [F.key("SO-4:1")])
        #expect(try store.pendingEvents().map(\.type) == ["allocation.released"])
    }

    @Test("releasing more than is still available to promise is refused")
    func releaseRechecksATP() throws {
        let m = try F.mirror()
        let store = DecisionStore(mirror: m)
        try store.decide(F.decision("SO-1:1", .accept, by: F.pat))
        try m.db.write { try $0.execute(sql: "UPDATE inventory SET on_hand = 40 WHERE warehouse_id = 'DAL'") }  // 20 left
        #expect(throws: DecisionRefusal.invalid("on-hand MX-200 at DAL has 20 units available to promise, SO-1:1 needs 40; re-plan and decide again")) {
            try store.decide(F.decision("SO-1:1", .release, by: F.pat, reason: "OTHER"))
        }
    }
}
