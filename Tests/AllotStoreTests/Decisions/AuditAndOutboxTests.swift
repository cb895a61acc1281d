import Testing
import Foundation
import GRDB
@testable import AllotStore
import AllotCore

@Suite("Audit log and outbox")
struct AuditAndOutboxTests {
    typealias F = GovernanceFixture

    /// A mirror with five audit entries and three outbox events.
    static func decided() throws -> (Mirror, DecisionStore) {
        let m = try F.mirror()
        let store = DecisionStore(mirror: m)
        try store.decide(F.decision("SO-1:1", .accept, by: F.pat))
        try store.decide(F.decision("SO-1:1", .release, by: F.pat, reason: "OTHER"))
        try store.decide(F.decision("SO-2:1", .escalate, by: F.pat, reason: "NEEDS_APPROVAL", note: "big customer"))
        try store.decide(F.decision("SO-2:1", .approve, by: F.sam))
        try store.decide(F.decision("SO-2:1", .release, by: F.pat, reason: "OTHER"))
        return (m, store)
    }

    /// Plain SQL as someone bypassing Allot would run it (the append-only triggers dropped first).
    static func tamper(_ m: Mirror, _ sql: String) throws {
        try m.db.write { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;")
            try db.execute(sql: sql)
        }
    }

    @Test("an untouched log verifies, and entries carry who, what, why and the allocation before and after")
    func intact() throws {
        let (_, store) = try Self.decided()
        let v = try store.verifyAudit()
        #expect(v.isIntact && v.checked == 5)
        let e = try #require(try store.auditEntries(AuditFilter(orderID: "SO-2")).first)
        #expect(e.user == "pat" && e.role == "planner" && e.action == "escalate" && e.reasonCode == "NEEDS_APPROVAL" && e.note == "big customer")
        #expect(e.before == "[]" && e.after?.contains("\"qty\":30") == true && e.planID != nil)
        #expect(try store.auditEntries(AuditFilter(user: "sam")).map(\.action) == ["approve"])
        #expect(try store.auditEntries(AuditFilter(since: "2999-01-01T00:00:00Z")).isEmpty)
    }

    @Test("the log refuses updates and deletes through SQL while its triggers stand")
    func appendOnly() throws {
        let (m, _) = try Self.decided()
        #expect(throws: (any Error).self) { try m.db.write { try $0.execute(sql: "UPDATE audit_log SET note = 'x' WHERE seq = 2") } }
        #expect(throws: (any Error).self) { try m.db.write { try $0.execute(sql: "DELETE FROM audit_log WHERE seq = 2") } }
    }

    @Test("verify names an entry changed with plain SQL")
    func changed() throws {
        let (m, store) = try Self.decided()
        try Self.tamper(m, "UPDATE audit_log SET note = 'nothing to see' WHERE seq = 3")
        let v = try store.verifyAudit()
        #expect(v.seq == 3 && v.problem?.contains("entry 3 was changed") == true)
    }

    @Test("verify names an entry removed from the middle, and one removed from the end")
    func removed() throws {
        let (m, store) = try Self.decided()
        try Self.tamper(m, "DELETE FROM audit_log WHERE seq = 2")
        #expect(try store.verifyAudit().problem?.contains("entry 2 was removed") == true)
        let (m2, store2) = try Self.decided()
        try Self.tamper(m2, "DELETE FROM audit_log WHERE seq = 5")
        #expect(try store2.verifyAudit().problem?.contains("entry 5 was removed") == true)
    }

    @Test("verify finds entries reordered by swapping them or moving one")
    func reordered() throws {
        let (m, store) = try Self.decided()
        try Self.tamper(m, "UPDATE audit_log SET seq = -seq WHERE seq IN (2, 3); UPDATE audit_log SET seq = 3 WHERE seq = -2; UPDATE audit_log SET seq = 2 WHERE seq = -3;")
        let v = try store.verifyAudit()
        #expect(v.seq == 2 && v.problem?.contains("reordered") == true)
        let (m2, store2) = try Self.decided()
        try Self.tamper(m2, "UPDATE audit_log SET seq = 100 WHERE seq = 1")
        #expect(try store2.verifyAudit().problem?.contains("reordered") == true)
    }

    @Test("export hands out pending events until they are acknowledged, then only the rest")
    func atLeastOnce() throws {
        let (_, store) = try Self.decided()
        let first = try store.exportPending()
        #expect(first.map(\.type) == ["allocation.released", "allocation.approved", "allocation.released"])
        #expect(Set(first.map(\.id)).count == 3)
        let again = try store.exportPending()
        #expect(again.map(\.id) == first.map(\.id))
        #expect(again.allSatisfy { $0.exportCount == 1 })
        #expect(try store.acknowledge([first[0].id, first[1].id]) == 2)
        #expect(try store.acknowledge([first[0].id]) == 0)
        #expect(try store.exportPending().map(\.id) == [first[2].id])
        #expect(throws: OutboxAckError.self) { try store.acknowledge([first[2].id, "allot-nope"]) }
        #expect(try store.pendingEvents().map(\.id) == [first[2].id])
    }

    @Test("an exported event is one JSON line in the contract's event shape")
    func eventShape() throws {
        let (_, store) = try Self.decided()
        let e = try #require(try store.pendingEvents().first)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(e.jsonLine.utf8)) as? [String: Any])
        #expect(json["id"] as? String == e.id && json["source"] as? String == "allot" && json["type"] as? String == "allocation.released")
        #expect(json["seq"] as? Int == Int(e.seq) && json["at"] is String)
        let data = try #require(json["data"] as? [String: Any])
        #expect(data["order_id"] as? String == "SO-1" && data["line_no"] as? Int == 1 && data["decided_by"] as? String == "pat")
        #expect((data["allocations"] as? [[String: Any]])?.first?["qty"] as? Int == 40)
        #expect(!e.jsonLine.contains("\n"))
    }
}
