import Testing
import Foundation
import GRDB
@testable import AllotStore
import AllotCore

/// Events as one JSON object a line, built from a compact description.
enum Events {
    static func line(_ id: String, _ seq: Int, _ type: String, _ data: String, source: String = "erp",
                     at: String = "2026-11-29T08:00:00Z") -> String {
        #"{"id":"\#(id)","source":"\#(source)","seq":\#(seq),"type":"\#(type)","at":"\#(at)","data":\#(data)}"#
    }
    static func data(_ lines: [String]) -> Data { Data((lines.joined(separator: "\n") + "\n").utf8) }
}

@Suite("Importing events")
struct EventImportTests {
    /// A mirror loaded with the basic fixture.
    func loaded() throws -> Mirror {
        let mirror = try Fixture.mirror()
        try SnapshotImporter(mirror: mirror).importSnapshot(directory: try Fixture.folder().path)
        return mirror
    }

    func importing(_ lines: [String], into mirror: Mirror, name: String = "events.jsonl") throws -> ImportSummary {
        try EventImporter(mirror: mirror).importEvents(from: Events.data(lines), name: name)
    }

    func onHand(_ mirror: Mirror, _ w: String, _ sku: String) throws -> Int? {
        try mirror.db.read { try Int.fetchOne($0, sql: "SELECT on_hand FROM inventory WHERE warehouse_id = ? AND sku = ?", arguments: [w, sku]) }
    }

    @Test("every event type of the contract applies")
    func everyType() throws {
        let mirror = try loaded()
        let s = try importing([
            Events.line("e1", 1, "warehouse.upserted", #"{"warehouse_id":"ATL","name":"Atlanta","region":"south"}"#),
            Events.line("e2", 2, "item.upserted", #"{"sku":"MX-300","description":"Mixer 300","family":"mixers","unit_price":90.5}"#),
            Events.line("e3", 3, "customer.upserted", #"{"customer_id":"C9","tier":"A","region":"south"}"#),
            Events.line("e4", 4, "lane.upserted", #"{"from_warehouse":"ATL","to_region":"south","transit_days":1,"cost_per_unit":0.6}"#),
            Events.line("e5", 5, "inventory.snapshot", #"{"warehouse_id":"ATL","sku":"MX-300","on_hand":12,"reserved":2,"safety_stock":1,"as_of":"2026-11-29T07:00:00Z"}"#),
            Events.line("e6", 6, "inventory.adjusted", #"{"warehouse_id":"ATL","sku":"MX-300","delta":-2,"reason":"damaged","as_of":"2026-11-29T07:30:00Z"}"#),
            Events.line("e7", 7, "receipt.upserted", #"{"receipt_id":"PO-7","warehouse_id":"ATL","sku":"MX-300","qty":30,"eta":"2026-12-03"}"#),
            Events.line("e8", 8, "receipt.received", #"{"receipt_id":"PO-7","qty":10,"received_at":"2026-11-29T09:00:00Z"}"#),
            Events.line("e9", 9, "order.upserted", #"{"order_id":"SO-9","customer_id":"C9","order_date":"2026-11-29","requested_date":"2026-12-04","lines":[{"line_no":1,"sku":"MX-300","qty":5},{"line_no":2,"sku":"GL-1","qty":50,"allow_partial":false}]}"#),
            Events.line("e10", 10, "order.held", #"{"order_id":"SO-9","reason":"credit check"}"#),
            Events.line("e11", 11, "order.released", #"{"order_id":"SO-9","reason":"cleared"}"#),
            Events.line("e12", 12, "order.cancelled", #"{"order_id":"SO-3","reason":"customer request"}"#),
            Events.line("e13", 13, "shipment.confirmed", #"{"order_id":"SO-1","line_no":1,"warehouse_id":"DAL","qty":40,"shipped_at":"2026-11-30T10:00:00Z","delivered_at":"2026-12-01T15:00:00Z"}"#),
        ], into: mirror)
        #expect(s.problems.isEmpty, "\(s.problems)")
        #expect(s.description == "applied 13, duplicate 0, stale 0, rejected 0")
        let snap = try mirror.loadSnapshot()
        #expect(snap.warehouses.contains { $0.id == "ATL" && $0.region == "south" && $0.handlingDays == 1 })
        #expect(snap.items.first { $0.sku == "MX-300" }?.unitPrice == 90.5)
        #expect(snap.lanes.contains { $0.from == "ATL" && $0.mode == .ground })
        #expect(try onHand(mirror, "ATL", "MX-300") == 12 - 2 + 10)
        #expect(snap.receipts.first { $0.id == "PO-7" }?.qty == 20)
        let so9 = try #require(snap.orders.first { $0.id == "SO-9" })
        #expect(so9.status == .open && so9.holdReason == nil)
        #expect(snap.lines.filter { $0.orderID == "SO-9" }.map(\.qty) == [5, 50])
        #expect(snap.orders.first { $0.id == "SO-3" }?.status == .cancelled)
        #expect(try Fixture.count(mirror, "shipment") == 1)
        #expect(try Fixture.count(mirror, "event_ledger") == 13)
        #expect(s.changes.full, "a warehouse, customer or lane change can affect any line")
        #expect(s.changes.orders == ["SO-9", "SO-3"])
        #expect(s.changes.skus.isSuperset(of: ["MX-300", "GL-1", "MX-210"]))
    }

    @Test("an event seen before is a duplicate and changes nothing, also within one file")
    func duplicates() throws {
        let mirror = try loaded()
        let adjust = Events.line("wms-1", 1, "inventory.adjusted", #"{"warehouse_id":"DAL","sku":"MX-200","delta":5,"reason":"count"}"#, source: "wms")
        let first = try importing([adjust, adjust], into: mirror)
        #expect(first.description == "applied 1, duplicate 1, stale 0, rejected 0")
        let before = try Fixture.dump(mirror)
        let feed = try mirror.lastChangeID()
        let again = try importing([adjust], into: mirror)
        #expect(again.description == "applied 0, duplicate 1, stale 0, rejected 0")
        #expect(try Fixture.dump(mirror) == before)
        #expect(try mirror.lastChangeID() == feed)
        #expect(try onHand(mirror, "DAL", "MX-200") == 45)
    }

    @Test("re-importing the same event file changes nothing")
    func reimportIsIdempotent() throws {
        let mirror = try loaded()
        let lines = [
            Events.line("e1", 1, "inventory.snapshot", #"{"warehouse_id":"DAL","sku":"MX-200","on_hand":70}"#),
            Events.line("e2", 2, "order.upserted", #"{"order_id":"SO-1","customer_id":"C1","order_date":"2026-11-27","requested_date":"2026-12-01","lines":[{"line_no":1,"sku":"MX-200","qty":80}]}"#),
            "not json",
        ]
        _ = try importing(lines, into: mirror)
        let before = try Fixture.dump(mirror)
        let counts = try ["event_ledger", "dead_letter", "change_log", "entity_version"].map { try Fixture.count(mirror, $0) }
        let again = try importing(lines, into: mirror)
        #expect(again.description == "applied 0, duplicate 2, stale 0, rejected 1")
        #expect(try Fixture.dump(mirror) == before)
        #expect(try ["event_ledger", "dead_letter", "change_log", "entity_version"].map { try Fixture.count(mirror, $0) } == counts,
                "a bad line already waiting in the dead-letter table is not added twice")
    }

    @Test("an event older by seq than what was applied for the same entity is stale and changes nothing")
    func stale() throws {
        let mirror = try loaded()
        let s = try importing([
            Events.line("w-5", 5, "inventory.snapshot", #"{"warehouse_id":"DAL","sku":"MX-200","on_hand":70}"#, source: "wms"),
            Events.line("w-4", 4, "inventory.snapshot", #"{"warehouse_id":"DAL","sku":"MX-200","on_hand":10}"#, source: "wms"),
            Events.line("w-3", 3, "inventory.snapshot", #"{"warehouse_id":"CHI","sku":"MX-200","on_hand":11}"#, source: "wms"),
        ], into: mirror)
        #expect(s.description == "applied 2, duplicate 0, stale 1, rejected 0", "seq orders events per entity, not per source")
        #expect(try onHand(mirror, "DAL", "MX-200") == 70)
        #expect(try onHand(mirror, "CHI", "MX-200") == 11)
        let outcome = try mirror.db.read { try String.fetchOne($0, sql: "SELECT outcome FROM event_ledger WHERE event_id = 'w-4'") }
        #expect(outcome == "stale")
    }

    @Test("gaps in a source's seq are reported and counted, not fatal")
    func gaps() throws {
        let mirror = try loaded()
        let s = try importing([
            Events.line("e1", 1, "order.held", #"{"order_id":"SO-1","reason":"x"}"#),
            Events.line("e4", 4, "order.released", #"{"order_id":"SO-1"}"#),
        ], into: mirror)
        #expect(s.applied == 2)
        #expect(s.gaps == ["erp: seq 4 after 1 (2 missing)"])
        let state = try mirror.db.read { db -> [Int] in
            let row = try Row.fetchOne(db, sql: "SELECT last_seq, gaps, received, applied FROM source_state WHERE source = 'erp'")
            return (0..<4).map { row?[$0] ?? -1 }
        }
        #expect(state == [4, 1, 2, 2], "last seq, gaps, received, applied")
    }

    @Test("invalid events go to the dead-letter table with reason and raw text; the valid rest applies")
    func invalidEvents() throws {
        let mirror = try loaded()
        let lines = [
            "{\"id\": \"broken\"",
            Events.line("e1", 1, "order.exploded", #"{"order_id":"SO-1"}"#),
            #"{"id":"e2","source":"erp","seq":2,"type":"order.held","at":"2026-11-29T08:00:00Z"}"#,
            Events.line("e3", 3, "inventory.adjusted", #"{"warehouse_id":"ATL","sku":"MX-200","delta":1}"#),
            Events.line("e4", 4, "receipt.upserted", #"{"receipt_id":"PO-9","warehouse_id":"DAL","sku":"ZZ-1","qty":5,"eta":"2026-12-01"}"#),
            Events.line("e5", 5, "inventory.snapshot", #"{"warehouse_id":"DAL","sku":"MX-200","on_hand":-4}"#),
            Events.line("e6", 6, "inventory.snapshot", #"{"warehouse_id":"DAL","sku":"MX-200","on_hand":2.5}"#),
            Events.line("e7", 7, "receipt.upserted", #"{"receipt_id":"PO-9","warehouse_id":"DAL","sku":"MX-200","qty":5,"eta":"next week"}"#),
            Events.line("e8", 8, "order.upserted", #"{"order_id":"SO-8","order_date":"2026-11-29","requested_date":"2026-12-04","lines":[]}"#),
            Events.line("ok", 9, "inventory.snapshot", #"{"warehouse_id":"DAL","sku":"MX-200","on_hand":99}"#),
        ]
        let s = try importing(lines, into: mirror)
        #expect(s.description == "applied 1, duplicate 0, stale 0, rejected 9")
        #expect(s.problems.map(\.description) == [
            "events.jsonl:1: value '{\"id\": \"broken\"': is not valid JSON",
            "events.jsonl:2: field 'type': value 'order.exploded': is not a known event type (customer.upserted, inventory.adjusted, inventory.snapshot, item.upserted, lane.upserted, order.cancelled, order.held, order.released, order.upserted, receipt.received, receipt.upserted, shipment.confirmed, warehouse.upserted)",
            "events.jsonl:3: field 'data': is missing",
            "events.jsonl:4: field 'data.warehouse_id': value 'ATL': unknown warehouse (not in the mirror)",
            "events.jsonl:5: field 'data.sku': value 'ZZ-1': unknown sku (not in the mirror)",
            "events.jsonl:6: field 'data.on_hand': value '-4': is not a whole number >= 0",
            "events.jsonl:7: field 'data.on_hand': value '2.5': is not a whole number >= 0",
            "events.jsonl:8: field 'data.eta': value 'next week': is not a date YYYY-MM-DD",
            "events.jsonl:9: field 'data.customer_id': is missing",
        ])
        #expect(try onHand(mirror, "DAL", "MX-200") == 99)
        let dead = try mirror.db.read { try Row.fetchAll($0, sql: "SELECT line, reason, raw, file FROM dead_letter ORDER BY id") }
        #expect(dead.count == 9)
        #expect(dead[3][1] == "field 'data.warehouse_id': value 'ATL': unknown warehouse (not in the mirror)")
        #expect(dead[3][2] == lines[3])
        #expect(dead[0][0] == 1 && dead[0][3] == "events.jsonl")
    }

    @Test("a line that is not UTF-8 is dead-lettered; the rest applies")
    func badUTF8() throws {
        let mirror = try loaded()
        var bytes = Array((Events.line("e1", 1, "order.held", #"{"order_id":"SO-1","reason":"Caf"#) ).utf8)
        bytes.removeLast(3)
        bytes += [0xE9] + Array(#""}}"#.utf8) + [10]
        bytes += Array((Events.line("e2", 2, "order.held", #"{"order_id":"SO-2","reason":"ok"}"#) + "\n").utf8)
        let s = try EventImporter(mirror: mirror).importEvents(from: Data(bytes), name: "latin1.jsonl")
        #expect(s.description == "applied 1, duplicate 0, stale 0, rejected 1")
        #expect(s.problems.map(\.description) == ["latin1.jsonl:1: is not UTF-8 text"])
        #expect(try Fixture.count(mirror, "dead_letter") == 1)
    }

    @Test("an empty event file is named as such and counted as rejected")
    func emptyFile() throws {
        let mirror = try loaded()
        let s = try EventImporter(mirror: mirror).importEvents(from: Data(), name: "empty.jsonl")
        #expect(s.description == "applied 0, duplicate 0, stale 0, rejected 1")
        #expect(s.problems.map(\.description) == ["empty.jsonl: the file is empty; expected one JSON event a line"])
    }

    @Test("a rejected event can be applied later under the same id, once fixed")
    func retryAfterFix() throws {
        let mirror = try loaded()
        let bad = Events.line("e1", 1, "inventory.adjusted", #"{"warehouse_id":"DAL","sku":"MX-200","delta":-500}"#)
        #expect(try importing([bad], into: mirror).rejected == 1)
        let fixed = Events.line("e1", 1, "inventory.adjusted", #"{"warehouse_id":"DAL","sku":"MX-200","delta":-5}"#)
        #expect(try EventImporter(mirror: mirror).apply(rawLine: fixed, file: "retry") == .applied(ChangeSet(skus: ["MX-200"])))
        #expect(try onHand(mirror, "DAL", "MX-200") == 35)
    }

    @Test("an order upsert replaces the order's lines and feeds one change row per sku touched")
    func orderUpsertReplacesLines() throws {
        let mirror = try loaded()
        let last = try mirror.lastChangeID()
        _ = try importing([
            Events.line("e1", 1, "order.upserted", #"{"order_id":"SO-1","customer_id":"C1","order_date":"2026-11-27","requested_date":"2026-12-01","lines":[{"line_no":1,"sku":"MX-210","qty":10}]}"#),
        ], into: mirror)
        let lines = try mirror.loadSnapshot().lines.filter { $0.orderID == "SO-1" }
        #expect(lines.map(\.sku) == ["MX-210"])
        let feed = try mirror.changes(after: last)
        #expect(feed.map { "\($0.kind) \($0.orderID ?? "") \($0.sku ?? "")" } ==
                ["order.upserted SO-1 GL-1", "order.upserted SO-1 MX-200", "order.upserted SO-1 MX-210"])
    }

    @Test("an event that repeats what the mirror holds applies but adds nothing to the change feed")
    func noOpEvent() throws {
        let mirror = try loaded()
        let last = try mirror.lastChangeID()
        let s = try importing([Events.line("e1", 1, "inventory.snapshot", #"{"warehouse_id":"DAL","sku":"MX-200","on_hand":40}"#)], into: mirror)
        #expect(s.applied == 1 && s.changes.isEmpty)
        #expect(try mirror.lastChangeID() == last)
    }
}
