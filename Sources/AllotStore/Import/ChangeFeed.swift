import Foundation
import GRDB
import AllotCore

/// One entry of the change feed (`change_log`): a sku or an order that an import changed, or a snapshot load.
///
/// Governance reads the feed to mark decisions "needs re-check"; integration reads it to re-plan only the
/// skus that moved. Entries are only ever appended; `id` grows, so a reader remembers the last id it saw.
public struct ChangeRecord: Hashable, Sendable {
    public var id: Int64
    public var at: String
    /// The event source (`erp`, `wms-dal`) or `snapshot`.
    public var source: String
    /// The event type that caused it (`inventory.adjusted`, `order.upserted`, …) or `snapshot`.
    public var kind: String
    public var sku: SKU?
    public var orderID: OrderID?
    /// A short human note: the entity, the reason given, the snapshot folder.
    public var detail: String?

    /// True for a snapshot reload, after which anything may have changed.
    public var isSnapshot: Bool { kind == ChangeFeed.snapshotKind }
}

extension Mirror {
    /// The change feed entries after `id` (0 = from the start), oldest first, at most `limit`.
    public func changes(after id: Int64 = 0, limit: Int = 10_000) throws -> [ChangeRecord] {
        try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, at, source, kind, sku, order_id, detail FROM change_log WHERE id > ? ORDER BY id LIMIT ?
                """, arguments: [id, limit]).map {
                ChangeRecord(id: $0[0], at: $0[1], source: $0[2], kind: $0[3], sku: $0[4], orderID: $0[5], detail: $0[6])
            }
        }
    }

    /// The change feed after `id` as a re-plan reads it: each entry's kind, sku and order, and the last one's id.
    /// A flood's catch-up reads 100,000 entries; reading each as a `ChangeRecord` (a row copied out, six strings)
    /// was most of its reading time.
    public func feedSpan(after id: Int64) throws -> FeedSpan {
        try db.read { db in
            var span = FeedSpan(lastID: nil, entries: [])
            let rows = try Row.fetchCursor(db, sql: "SELECT id, kind, sku, order_id FROM change_log WHERE id > ? ORDER BY id", arguments: [id])
            while let row = try rows.next() {
                span.lastID = row[0]
                span.entries.append(FeedEntry(kind: row[1], sku: row[2], orderID: row[3]))
            }
            return span
        }
    }

    /// The id of the newest change feed entry (0 when there is none).
    public func lastChangeID() throws -> Int64 {
        try db.read { db in try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM change_log") ?? 0 }
    }
}

/// A run of change-feed entries, oldest first (`Mirror.feedSpan`).
public struct FeedSpan: Hashable, Sendable {
    /// The newest entry's id (nil: none).
    public var lastID: Int64?
    public var entries: [FeedEntry]
    public var count: Int { entries.count }
}

/// What a change-feed entry names, without when, from where, or its note.
public struct FeedEntry: Hashable, Sendable {
    public var kind: String
    public var sku: SKU?
    public var orderID: OrderID?
    /// True for a snapshot reload, after which anything may have changed.
    public var isSnapshot: Bool { kind == ChangeFeed.snapshotKind }
}

/// Appends to the change feed inside the importing transaction.
enum ChangeFeed {
    /// The kind (and source) of the entry a snapshot load writes: after it, anything may have changed.
    static let snapshotKind = "snapshot"

    static func append(_ db: Database, at: String, source: String, kind: String, sku: SKU? = nil,
                       order: OrderID? = nil, detail: String? = nil) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO change_log(at, source, kind, sku, order_id, detail) VALUES (?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [at, source, kind, sku, order, detail])
    }

    /// A change-feed row waiting to be written with the rest of its batch.
    struct Row {
        var at: String
        var source: String
        var kind: String
        var sku: SKU?
        var order: OrderID?
        var detail: String?
    }

    /// What makes feed rows the same change for their readers: who, what kind, which sku and order.
    struct Key: Hashable {
        var source: String
        var kind: String
        var sku: SKU?
        var order: OrderID?

        /// Hashes the sku and the order, and only the length of the kind: a file has few sources and kinds, which
        /// equality tells apart, while hashing their text was half the cost of the batch's check for a repeat.
        func hash(into hasher: inout Hasher) {
            hasher.combine(sku)
            hasher.combine(order)
            hasher.combine(kind.utf8.count)
        }
    }

    /// Writes buffered rows in their order (their ids grow in that order), many rows to a statement.
    static func append(_ db: Database, rows: [Row], statements: FastStatements? = nil) throws {
        var values: [DatabaseValue] = []
        values.reserveCapacity(rows.count * 6)
        for r in rows {
            values.append(r.at.databaseValue); values.append(r.source.databaseValue); values.append(r.kind.databaseValue)
            values.append(r.sku?.databaseValue ?? .null); values.append(r.order?.databaseValue ?? .null)
            values.append(r.detail?.databaseValue ?? .null)
        }
        try MultiRowInsert(table: "change_log", columns: ["at", "source", "kind", "sku", "order_id", "detail"])
            .insert(db, flat: values, statements: statements, key: 2000)
    }

    /// Now, as the mirror writes times.
    static func now() -> String { Timestamp(seconds: Date().timeIntervalSince1970).description }
}

