import Foundation
import GRDB
import AllotCore

/// One canonical event for the ERP waiting in (or delivered from) the outbox.
public struct OutboxEvent: Hashable, Sendable {
    /// Row order; also the event's `seq` for the `allot` source.
    public var seq: Int64
    /// The idempotency key: the ERP applies an event with a key it has seen before at most once.
    public var id: String
    public var type: String
    public var at: String
    public var orderID: OrderID
    public var lineNo: Int?
    /// The event's `data` object, as JSON text.
    public var data: String
    public var exportCount: Int
    public var ackedAt: String?

    /// The event as one JSON Lines line, in the contract's event shape (`id`, `source`, `seq`, `type`, `at`, `data`).
    public var jsonLine: String {
        let id = Outbox.quote(self.id), type = Outbox.quote(self.type), at = Outbox.quote(self.at)
        return "{\"id\":\(id),\"source\":\"allot\",\"seq\":\(seq),\"type\":\(type),\"at\":\(at),\"data\":\(data)}"
    }
}

/// A problem with an acknowledgement: ids the outbox never issued. Nothing is acknowledged when there is one.
public struct OutboxAckError: Error, CustomStringConvertible, Sendable {
    public var unknown: [String]
    public var description: String {
        "not outbox event ids: \(unknown.prefix(5).joined(separator: ", "))\(unknown.count > 5 ? " (\(unknown.count) in all)" : ""); nothing was acknowledged"
    }
}

/// The transactional outbox: events are written with the decision that caused them and leave only when exported
/// and acknowledged, so a crash anywhere loses none (at-least-once delivery, idempotent by id).
enum Outbox {
    static func append(_ db: Database, _ event: WorkflowEvent, at: String, decisionID: Int64?) throws {
        let data = String(decoding: try JSONEncoder.outbox.encode(event.data), as: UTF8.self)
        try db.cachedStatement(sql: """
            INSERT INTO outbox(event_id, type, at, order_id, line_no, decision_id, data_json) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: ["allot-" + UUID().uuidString.lowercased(), event.type, at, event.orderID, event.lineNo, decisionID, data])
    }

    static func decode(_ r: Row) -> OutboxEvent {
        OutboxEvent(seq: r[0], id: r[1], type: r[2], at: r[3], orderID: r[4], lineNo: r[5], data: r[6], exportCount: r[7], ackedAt: r[8])
    }
    static let select = "SELECT id, event_id, type, at, order_id, line_no, data_json, export_count, acked_at FROM outbox"

    static func quote(_ s: String) -> String {
        String(decoding: (try? JSONEncoder.outbox.encode(s)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}

/// The `data` object of an outbox event: the decision's facts the ERP needs.
struct OutboxEventData: Encodable {
    var event: WorkflowEvent
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: WorkflowEvent.CodingKeys.self)
        try c.encode(event.orderID, forKey: .orderID)
        try c.encodeIfPresent(event.lineNo, forKey: .lineNo)
        try c.encodeIfPresent(event.sku, forKey: .sku)
        try c.encodeIfPresent(event.customerID, forKey: .customerID)
        try c.encodeIfPresent(event.allocations, forKey: .allocations)
        try c.encodeIfPresent(event.reasonCode, forKey: .reasonCode)
        try c.encodeIfPresent(event.note, forKey: .note)
        try c.encodeIfPresent(event.credit, forKey: .credit)
        try c.encode(event.decidedBy, forKey: .decidedBy)
        try c.encode(event.role, forKey: .role)
    }
}

extension WorkflowEvent {
    var data: OutboxEventData { OutboxEventData(event: self) }
}

extension JSONEncoder {
    /// Stable output: sorted keys, no escaped slashes.
    static var outbox: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}

extension DecisionStore {
    /// Events not yet acknowledged, oldest first (they are exported again until acknowledged).
    public func pendingEvents(limit: Int? = nil) throws -> [OutboxEvent] {
        try mirror.db.read { db in
            try Row.fetchAll(db, sql: Outbox.select + " WHERE acked_at IS NULL ORDER BY id" + (limit.map { " LIMIT \($0)" } ?? "")).map(Outbox.decode)
        }
    }

    /// Every event of the outbox, delivered or not, oldest first.
    public func allEvents() throws -> [OutboxEvent] {
        try mirror.db.read { db in try Row.fetchAll(db, sql: Outbox.select + " ORDER BY id").map(Outbox.decode) }
    }

    /// Takes the pending events for export and records that they were handed out (they stay pending until acknowledged).
    public func exportPending(now: Timestamp = Timestamp(seconds: Date().timeIntervalSince1970)) throws -> [OutboxEvent] {
        let events = try pendingEvents()
        try markExported(events.map(\.id), now: now)
        return events
    }

    /// Records that these events were written out (a statistic: they stay pending until acknowledged).
    public func markExported(_ ids: [String], now: Timestamp = Timestamp(seconds: Date().timeIntervalSince1970)) throws {
        try mirror.db.write { db in
            let mark = try db.makeStatement(sql: "UPDATE outbox SET exported_at = ?, export_count = export_count + 1 WHERE event_id = ?")
            for id in ids { try mark.execute(arguments: [now.description, id]) }
        }
    }

    /// Marks events delivered by their ids; all-or-nothing: an unknown id acknowledges none. Returns how many were
    /// newly acknowledged (acknowledging twice is harmless).
    @discardableResult
    public func acknowledge(_ ids: [String], now: Timestamp = Timestamp(seconds: Date().timeIntervalSince1970)) throws -> Int {
        try mirror.db.write { db in
            var unknown: [String] = []
            var newly = 0
            let find = try db.makeStatement(sql: "SELECT acked_at IS NULL FROM outbox WHERE event_id = ?")
            let mark = try db.makeStatement(sql: "UPDATE outbox SET acked_at = ? WHERE event_id = ? AND acked_at IS NULL")
            for id in ids {
                guard let pending = try Bool.fetchOne(find, arguments: [id]) else { unknown.append(id); continue }
                if pending { try mark.execute(arguments: [now.description, id]); newly += 1 }
            }
            if !unknown.isEmpty { throw OutboxAckError(unknown: unknown) }
            return newly
        }
    }
}
