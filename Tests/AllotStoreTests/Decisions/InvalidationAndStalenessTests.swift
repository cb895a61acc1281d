import Testing
import Foundation
import GRDB
@testable import AllotStore
import AllotCore

@Suite("Re-checks and stale decisions")
struct InvalidationAndStalenessTests {
    typealias F = GovernanceFixture

    static func change(_ m: Mirror, kind: String, sku: String? = nil, order: String? = nil, detail: String? = nil) throws {
        try m.db.write { db in
            try db.execute(sql: "INSERT INTO change_log(at, source, kind, sku, order_id, detail) VALUES ('2026-11-29T10:00:00Z', 'wms', ?, ?, ?, ?)",
                           arguments: [kind, sku, order, detail])
        }
    }

    @Test("a stock change after a decision marks the decided lines of that sku 'needs re-check', and they can be decided again")
    func stockChange() throws {
        let m = try F.mirror()
        let store = DecisionStore(mirror: m)
        try store.decide(F.decision("SO-1:1", .accept, by: F.pat))
        try store.decide(F.decision("SO-4:1", .accept, by: F.pat))
        try store.decide(F.decision("SO-4:1", .release, by: F.pat, reason: "OTHER"))
        try Self.change(m, kind: "inventory.adjusted", sku: "MX-200", detail: "DAL -30 count")
        let queue = try store.linesNeedingRecheck()
        // Released lines are not re-checked: their units are already committed.
        #expect(queue.map(\.key) == [F.key("SO-1:1")])
        #expect(queue.first?.recheckReason == "inventory.adjusted of MX-200 (DAL -30 count) at 2026-11-29T10:00:00Z")
        #expect(throws: DecisionRefusal.self) { try store.decide(F.decision("SO-1:1", .release, by: F.pat, reason: "OTHER")) }
        try store.decide(F.decision("SO-1:1", .accept, by: F.pat))
        #expect(try store.linesNeedingRecheck().isEmpty)
        try store.decide(F.decision("SO-1:1", .release, by: F.pat, reason: "OTHER"))
        #expect(try store.auditEntries(AuditFilter(user: "change-feed")).map(\.action) == ["needs_recheck"])
    }

    @Test("an imported stock event marks the decided lines of its sku at once, in the import's own transaction")
    func importMarksAtOnce() throws {
        let m = try F.mirror()
        try DecisionStore(mirror: m).decide(F.decision("SO-1:1", .accept, by: F.pat))
        let event = #"{"id":"wms-1","source":"wms","seq":1,"type":"inventory.adjusted","at":"2026-11-29T10:00:00Z","data":{"warehouse_id":"DAL","sku":"MX-200","delta":-5,"reason":"count","as_of":"2026-11-29T10:00:00Z"}}"#
        let summary = try EventImporter(mirror: m).importEvents(from: Data((event + "\n").utf8), name: "wms.jsonl")
        #expect(summary.applied == 1)
        let marked = try m.db.read { db in
            try Int.fetchOne(db, sql: "SELECT needs_recheck FROM line_state WHERE order_id = 'SO-1' AND line_no = 1")
        }
        #expect(marked == 1)
    }

    @Test("a change to a substitute's stock marks the lines whose decided units come from that substitute")
    func substituteChange() throws {
        let m = try F.mirror()
        try m.db.write { db in
            try db.execute(sql: """
                INSERT INTO item(sku, family) VALUES ('MX-210','MX');
                INSERT INTO substitute(sku, substitute_sku, rank) VALUES ('MX-200','MX-210',1);
                INSERT INTO inventory(warehouse_id, sku, on_hand) VALUES ('DAL','MX-210',20);
                UPDATE order_line SET allow_substitute = 1 WHERE order_id = 'SO-1' AND line_no = 1;
                """)
        }
        let store = DecisionStore(mirror: m)
        try store.decide(F.decision("SO-1:1", .override, by: F.pat, reason: "OTHER",
                                    allocations: [RequestedAllocation(warehouseID: "DAL", qty: 40),
                                                  RequestedAllocation(warehouseID: "DAL", qty: 10, source: .substitute("MX-210"))]))
        try store.decide(F.decision("SO-2:1", .accept, by: F.pat))
        try Self.change(m, kind: "inventory.snapshot", sku: "MX-210")
        #expect(try store.linesNeedingRecheck().map(\.key) == [F.key("SO-1:1")])
    }

    @Test("an order change marks only that order's decided lines; an old change does not mark a later decision")
    func orderChange() throws {
        let m = try F.mirror()
        let store = DecisionStore(mirror: m)
        try Self.change(m, kind: "order.upserted", order: "SO-1")
        try store.decide(F.decision("SO-1:1", .accept, by: F.pat))
        try store.decide(F.decision("SO-2:1", .accept, by: F.pat))
        #expect(try store.linesNeedingRecheck().isEmpty)
        try Self.change(m, kind: "order.cancelled", order: "SO-2", detail: "customer")
        #expect(try store.linesNeedingRecheck().map(\.key) == [F.key("SO-2:1")])
    }

    @Test("a snapshot reload marks every decided line")
    func snapshotReload() throws {
        let m = try F.mirror()
        let store = DecisionStore(mirror: m)
        try store.decide(F.decision("SO-1:1", .accept, by: F.pat))
        try store.decide(F.decision("SO-2:1", .escalate, by: F.pat, reason: "NEEDS_APPROVAL"))
        try Self.change(m, kind: "snapshot", detail: "SampleData/x")
        #expect(try store.linesNeedingRecheck().count == 2)
        #expect(throws: DecisionRefusal.self) { try store.decide(F.decision("SO-2:1", .approve, by: F.sam)) }
    }

    @Test("a decision against a line version that moved since it was read is refused as stale")
    func staleLineVersion() throws {
        let store = DecisionStore(mirror: try F.mirror())
        let seen = try #require(try store.situation(F.key("SO-1:1")))
        let token = SeenVersion(lineVersion: seen.version, recommendationVersion: seen.recommendation?.version)
        try store.decide(F.decision("SO-1:1", .accept, by: F.pat, seen: token))
        do {
            try store.decide(F.decision("SO-1:1", .override, by: F.pia, reason: "OTHER",
                                        allocations: [RequestedAllocation(warehouseID: "DAL", qty: 45)], seen: token))
            Issue.record("a stale override was applied")
        } catch let r as DecisionRefusal {
            #expect(r.exitCode == 4)
            #expect(r.message.contains("decided by pat"))
        }
        #expect(try store.history(F.key("SO-1:1")).count == 1)
    }

    @Test("a decision against a recommendation a re-plan changed is refused as stale; an unchanged re-plan keeps it valid")
    func staleRecommendation() throws {
        let m = try F.mirror()
        let store = DecisionStore(mirror: m)
        let seen = try #require(try store.situation(F.key("SO-1:1")))
        let token = SeenVersion(lineVersion: seen.version, recommendationVersion: seen.recommendation?.version)
        try F.savePlan(m, so11: 40, at: 2_000)
        #expect(try store.situation(F.key("SO-1:1"))?.recommendation?.version == 1)
        try F.savePlan(m, so11: 35, at: 3_000)
        #expect(throws: DecisionRefusal.stale("the recommendation for SO-1:1 changed (version 1 → 2) since you looked; look again")) {
            try store.decide(F.decision("SO-1:1", .accept, by: F.pat, seen: token))
        }
    }

    @Test("an accepted line whose recommendation changed must be accepted again before release")
    func acceptedThenReplanned() throws {
        let m = try F.mirror()
        let store = DecisionStore(mirror: m)
        try store.decide(F.decision("SO-1:1", .accept, by: F.pat))
        try F.savePlan(m, so11: 35, at: 2_000)
        #expect(throws: DecisionRefusal.self) { try store.decide(F.decision("SO-1:1", .release, by: F.pat, reason: "OTHER")) }
        try store.decide(F.decision("SO-1:1", .accept, by: F.pat))
        try store.decide(F.decision("SO-1:1", .release, by: F.pat, reason: "OTHER"))
        #expect(try store.reservations().first?.qty == 35)
    }
}
