import Testing
import Foundation
import GRDB
@testable import AllotStore
import AllotCore

@Suite("Source freshness and dead letters")
struct FreshnessAndDeadLetterTests {
    typealias F = DropFixture

    @Test("a source is fresh, then stale once nothing came for longer than the limit; old inventory counts as stale")
    func staleSource() throws {
        let f = try F()
        try f.drop("wms-1.jsonl", [F.stock("w1", 1, "DAL", "MX-200", 11, asOf: "2026-11-29T08:00:00Z")])
        _ = try f.intake.processPending()
        let soon = try f.mirror.integrationHealth(now: Timestamp("2026-11-29T10:00:00Z")!, staleAfterHours: 72)
        let wms = try #require(soon.sources.first { $0.source == "wms" })
        #expect(wms.status == .ok)
        #expect(wms.lastSeq == 1)
        #expect(abs((wms.lagHours ?? -1) - 2) < 0.001)
        // Fixture inventory: two positions counted 2026-11-29T06:00Z, one without as_of.
        #expect(soon.staleInventory == 0 && soon.undatedInventory == 1)
        #expect(!soon.needsAttention)
        let later = try f.mirror.integrationHealth(now: Timestamp("2026-12-03T09:00:00Z")!, staleAfterHours: 72)
        #expect(later.sources.first { $0.source == "wms" }?.status == .stale)
        #expect(later.staleInventory == 2)
        #expect(later.needsAttention)
    }

    @Test("gaps in a source's seq are counted, and seqs never applied are reported as missing")
    func gaps() throws {
        let f = try F()
        try f.drop("erp-1.jsonl", [F.stock("a", 1, "DAL", "MX-200", 1, source: "erp"), F.stock("b", 4, "DAL", "GL-1", 2, source: "erp")])
        _ = try f.intake.processPending()
        let h = try f.mirror.integrationHealth(now: Timestamp("2026-11-29T09:00:00Z")!, staleAfterHours: 72)
        let erp = try #require(h.sources.first { $0.source == "erp" })
        #expect(erp.gaps == 1)
        #expect(erp.missingSeqs == 2)
    }

    @Test("an event of an unknown type is a dead letter under the source it names, counted in that source's health")
    func unknownTypeIsAttributed() throws {
        let f = try F()
        try f.drop("wms-1.jsonl", [F.event("u1", 7, "inventory.counted", #"{"warehouse_id":"DAL","sku":"MX-200","on_hand":5}"#, source: "wms"),
                                   "{not json", F.stock("s1", 8, "DAL", "MX-200", 5)])
        _ = try f.intake.processPending()
        let letters = try f.mirror.deadLetters()
        #expect(letters.count == 2)
        #expect(letters.contains { $0.source == "wms" && $0.raw.contains("inventory.counted") })
        #expect(letters.contains { $0.source == nil && $0.raw == "{not json" })
        let h = try f.mirror.integrationHealth(now: Timestamp("2026-11-29T09:00:00Z")!, staleAfterHours: 72)
        let wms = try #require(h.sources.first { $0.source == "wms" })
        #expect(wms.rejected == 1)
        #expect(wms.openDeadLetters == 1)
        #expect(h.unattributedDeadLetters == 1, "the line that is not JSON names no source")
    }

    @Test("an event naming a sku the item master does not have yet waits in dead letters and applies on retry once the item arrives")
    func retryAfterLateItemMaster() throws {
        let f = try F()
        let order = F.event("o1", 1, "order.upserted", #"{"order_id":"SO-9","customer_id":"C1","order_date":"2026-11-29","requested_date":"2026-12-05","lines":[{"line_no":1,"sku":"NEW-1","qty":4}]}"#)
        try f.drop("erp-1.jsonl", [order, F.stock("s1", 1, "DAL", "MX-200", 5)])
        _ = try f.intake.processPending()
        let open = try f.mirror.deadLetters()
        #expect(open.count == 1)
        #expect(open[0].source == "erp" && open[0].reason.contains("NEW-1"))
        #expect(try f.mirror.health().sources.first { $0.source == "erp" }?.status == .failing)

        // Retrying before the fix: still open, and the retry is recorded.
        let first = try f.mirror.retryDeadLetters()
        #expect(first.map(\.resolved) == [false])
        var letter = try #require(try f.mirror.deadLetters(includeResolved: true).first)
        #expect(letter.retries == 1 && letter.status == "open" && letter.lastRetryResult?.contains("NEW-1") == true)
        #expect(try f.count("sales_order", "order_id = 'SO-9'") == 0)

        // The late item master arrives; the retry applies the order.
        try f.drop("erp-2.jsonl", [F.event("i1", 2, "item.upserted", #"{"sku":"NEW-1","description":"New"}"#)])
        _ = try f.intake.processPending()
        let second = try f.mirror.retryDeadLetters(ids: [letter.id])
        #expect(second.map(\.resolved) == [true])
        #expect(second[0].changes.skus == ["NEW-1"])
        letter = try #require(try f.mirror.deadLetters(includeResolved: true).first)
        #expect(letter.retries == 2 && letter.status == "resolved" && letter.lastRetryResult == "applied")
        #expect(try f.count("order_line", "order_id = 'SO-9' AND sku = 'NEW-1'") == 1)
        #expect(try f.mirror.deadLetters().isEmpty)
        // Retrying a resolved one applies nothing twice.
        #expect(try f.mirror.retryDeadLetters(ids: [letter.id]).first?.result == "already resolved")
        #expect(try f.count("event_ledger", "event_id = 'o1'") == 1)
    }

    @Test("retrying an unknown dead-letter id is refused by name")
    func unknownID() throws {
        let f = try F()
        #expect(throws: DeadLetterError.self) { try f.mirror.retryDeadLetters(ids: [42]) }
    }
}

extension Mirror {
    func health() throws -> IntegrationHealth {
        try integrationHealth(now: Timestamp("2026-11-29T09:00:00Z")!, staleAfterHours: 72)
    }
}
