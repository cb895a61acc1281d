import Foundation
import GRDB
import AllotCore

/// Marks decided-but-not-released lines "needs re-check" when the change feed (`change_log`) shows that an import
/// changed their sku's supply or their order after they were decided.
///
/// Governance keeps its own cursor into the feed; every decision applies the pending entries first (in its
/// transaction), so a line is never judged against a change it has not seen.
enum Invalidation {
    static let cursorName = "change_log"

    /// Applies the change-feed entries after the cursor. Returns the number of lines newly marked.
    @discardableResult
    static func apply(_ db: Database, now: Timestamp) throws -> Int {
        guard try db.tableExists("change_log") else { return 0 }
        let last = try Int64.fetchOne(db, sql: "SELECT last_id FROM decision_cursor WHERE name = ?", arguments: [cursorName]) ?? 0
        let decided = "state IN (\(LineStateSQL.decidedNotReleased)) AND needs_recheck = 0"
        // With no decided line left to mark (the usual case during a large import), only the cursor moves.
        guard let newest = try Int64.fetchOne(db, sql: "SELECT max(id) FROM change_log WHERE id > ?", arguments: [last]) else { return 0 }
        var rows: [Row] = []
        if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM line_state WHERE \(decided))") == true {
            // Decisions' own rows (`DecisionFeed`) are not imports: each decision was checked against them when made.
            rows = try Row.fetchAll(db, sql: """
                SELECT id, at, source, kind, sku, order_id, detail FROM change_log WHERE id > ? AND id <= ? AND source <> ? ORDER BY id
                """, arguments: [last, newest, DecisionFeed.source])
        }
        var marked = 0
        // A sku (or order) already handled in this call has marked all its lines: a later entry for it finds none.
        var seenSkus = Set<String>(), seenOrders = Set<String>()
        for r in rows {
            let kind: String = r[3], sku: String? = r[4], order: String? = r[5], at: String = r[1], detail: String? = r[6]
            if kind != ChangeFeed.snapshotKind {
                let newSku = sku.map { seenSkus.insert($0).inserted } ?? false
                let newOrder = order.map { seenOrders.insert($0).inserted } ?? false
                if !newSku && !newOrder { continue }
            }
            let about = [sku, order.map { "order \($0)" }].compactMap { $0 }.joined(separator: ", ")
            let reason = "\(kind)\(about.isEmpty ? "" : " of \(about)")\(detail.map { " (\($0))" } ?? "") at \(at)"
            var lines: [Row] = []
            if kind == ChangeFeed.snapshotKind {
                lines = try Row.fetchAll(db, sql: "SELECT order_id, line_no, state, version FROM line_state WHERE \(decided)")
            } else {
                if let sku {
                    lines += try Row.fetchAll(db, sql: """
                        SELECT s.order_id, s.line_no, s.state, s.version FROM line_state s
                        JOIN order_line l ON l.order_id = s.order_id AND l.line_no = s.line_no
                        WHERE s.\(decided.replacingOccurrences(of: "needs_recheck", with: "s.needs_recheck")) AND l.sku = ?
                        """, arguments: [sku])
                    // Lines whose decided units come from this sku as a substitute.
                    lines += try Row.fetchAll(db, sql: """
                        SELECT order_id, line_no, state, version FROM line_state WHERE \(decided) AND allocation_json LIKE ?
                        """, arguments: ["%\"substitute:\(sku)\"%"])
                }
                if let order {
                    lines += try Row.fetchAll(db, sql: "SELECT order_id, line_no, state, version FROM line_state WHERE order_id = ? AND \(decided)",
                                              arguments: [order])
                }
            }
            var done = Set<LineKey>()
            for l in lines {
                let key = LineKey(orderID: l[0], lineNo: l[1])
                guard done.insert(key).inserted else { continue }
                try db.execute(sql: """
                    UPDATE line_state SET needs_recheck = 1, recheck_reason = ?, version = version + 1, updated_at = ?
                    WHERE order_id = ? AND line_no = ? AND needs_recheck = 0
                    """, arguments: [reason, now.description, key.orderID, key.lineNo])
                guard db.changesCount == 1 else { continue }
                marked += 1
                let state: String = l[2]
                try AuditLog.append(db, AuditEntry(seq: 0, at: now.description, user: "change-feed", role: "system", action: "needs_recheck",
                                                   orderID: key.orderID, lineNo: key.lineNo, reasonCode: kind, note: nil, planID: nil,
                                                   recVersion: nil, stateBefore: state, stateAfter: state, before: nil, after: nil,
                                                   detail: reason, prevHash: "", hash: ""))
            }
        }
        try db.execute(sql: """
            INSERT INTO decision_cursor(name, last_id) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET last_id = excluded.last_id
            """, arguments: [cursorName, newest])
        return marked
    }
}

extension DecisionStore {
    /// Applies pending change-feed entries: decided lines whose sku or order changed since are marked
    /// "needs re-check". Returns how many lines were newly marked.
    @discardableResult
    public func refreshInvalidations(now: Timestamp = Timestamp(seconds: Date().timeIntervalSince1970)) throws -> Int {
        try mirror.db.write { db in try Invalidation.apply(db, now: now) }
    }
}
