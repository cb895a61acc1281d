import Testing
import Foundation
import GRDB
@testable import AllotStore
import AllotCore

/// Policy thresholds decide what may auto-release: an `auto` line resting on a receipt from a supplier who keeps
/// slipping stays for a person, and decisions the workflow records feed the metrics.
@Suite("Insight gate and live decisions")
struct InsightGateTests {
    typealias F = GovernanceFixture

    /// The governance fixture, with SO-4:1 (auto) waiting on PO-9 from SLOW, whose ten past receipts all slipped.
    static func mirror() throws -> (Mirror, String) {
        let m = try Mirror()
        try F.seed(m)
        try m.db.write { db in
            try db.execute(sql: "INSERT INTO receipt(receipt_id, warehouse_id, sku, qty, eta) VALUES ('PO-9','DAL','MX-200',10,'2026-11-30')")
            for i in 0..<10 {
                for (n, eta) in ["2026-10-0\(i % 9 + 1)", "2026-10-1\(i % 9 + 1)"].enumerated() {
                    try db.execute(sql: "INSERT INTO receipt_eta_history(receipt_id, warehouse_id, sku, supplier, eta, recorded_at) VALUES (?,?,?,?,?,?)",
                                   arguments: ["OLD-\(i)", "DAL", "MX-200", "SLOW", eta, "2026-09-0\(n + 1)T00:00:00Z"])
                }
            }
            try db.execute(sql: "UPDATE receipt_eta_history SET supplier = 'SLOW' WHERE receipt_id = 'PO-9'")
        }
        let onReceipt = Allocation(warehouseID: "DAL", qty: 10, source: .receipt("PO-9"), shipDate: F.asOf + 1, arrivalDate: F.asOf + 3, cost: 10)
        let lines = [F.line("SO-4", 1, requested: 10, class: 1, [onReceipt], status: .auto), F.line("SO-1", 2, requested: 5, class: 1, [F.dal(5)], status: .auto)]
        let plan = Plan(asOf: F.asOf, policyVersion: "2026-11-default", lines: lines, summary: PlanSummary(lines: lines.count))
        let id = try PlanStore(mirror: m).save(plan, snapshot: try m.loadSnapshot(), policy: Policy(), inputHash: "gate", now: Timestamp(seconds: 1_000))
        return (m, id)
    }

    @Test("a line waiting on a slipping supplier's receipt is held from auto-release; the others are released")
    func holdsRiskyPromise() throws {
        let (m, planID) = try Self.mirror()
        let advice = try InsightGate(mirror: m).advice(asOf: F.asOf, policy: Policy())
        #expect(advice.map(\.line) == ["SO-4:1"])
        #expect(advice[0].reasons[0].contains("SLOW"))
        let hold = try InsightGate(mirror: m).linesToHold(asOf: F.asOf, policy: Policy())
        #expect(try DecisionStore(mirror: m).recordPolicyReleases(planID: planID, holding: hold) == 1)
        #expect(try DecisionStore(mirror: m).reservations().map(\.lineKey) == [F.key("SO-1:2")])
    }

    @Test("decisions taken in Allot count in the metrics: policy releases as automatic, people's as manual")
    func liveDecisionsInMetrics() throws {
        let (m, planID) = try Self.mirror()
        try DecisionStore(mirror: m).recordPolicyReleases(planID: planID)
        let input = try InsightReads(mirror: m).metricsInput(policy: Policy())
        #expect(input.decided.map(\.key.description).sorted() == ["SO-1:2", "SO-4:1"])
        #expect(input.decided.allSatisfy { !$0.actor.isPerson && $0.releasedAt != nil && $0.allocated > 0 })
        #expect(input.openExceptions.isEmpty)  // both lines were auto; nothing waits for a person
    }
}
