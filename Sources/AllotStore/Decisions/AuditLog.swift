import Foundation
import Crypto
import GRDB
import AllotCore

/// One entry of the audit log: a decision (or another governed act) as it was recorded, with its place in the
/// SHA-256 hash chain.
public struct AuditEntry: Hashable, Sendable, Codable {
    public var seq: Int64
    public var at: String
    public var user: String
    public var role: String
    public var action: String
    public var orderID: OrderID?
    public var lineNo: Int?
    public var reasonCode: String?
    public var note: String?
    public var planID: String?
    public var recVersion: Int?
    public var stateBefore: String?
    public var stateAfter: String?
    /// The allocation before and after, as JSON arrays of allocations.
    public var before: String?
    public var after: String?
    /// Anything else worth keeping (escalation reasons, the order-level effect).
    public var detail: String?
    public var prevHash: String
    public var hash: String

    /// The entry's fields in a fixed order, unambiguous (length-prefixed), excluding `seq` and the hashes:
    /// what the hash covers. The position in the chain is covered by `prevHash`.
    var canonical: String {
        let fields: [String?] = [at, user, role, action, orderID, lineNo.map(String.init), reasonCode, note, planID,
                                 recVersion.map(String.init), stateBefore, stateAfter, before, after, detail]
        return fields.map { f in f.map { "\($0.utf8.count):\($0)" } ?? "-" }.joined(separator: "|")
    }

    static func chainHash(prev: String, canonical: String) -> String {
        SHA256.hash(data: Data((prev + "\n" + canonical).utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The action of an entry recording a decision refused for want of permission (its detail says which and why).
    public static let refused = "refused"

    /// The hash before the first entry.
    static let genesis = String(repeating: "0", count: 64)

    enum CodingKeys: String, CodingKey {
        case seq, at, user, role, action, orderID = "order_id", lineNo = "line_no", reasonCode = "reason_code", note,
             planID = "plan_id", recVersion = "rec_version", stateBefore = "state_before", stateAfter = "state_after",
             before, after, detail, prevHash = "prev_hash", hash
    }
}

/// Which audit entries to list.
public struct AuditFilter: Hashable, Sendable {
    public var orderID: OrderID?
    public var user: String?
    /// Entries at or after this time (RFC 3339, compared as text, which orders correctly for UTC times).
    public var since: String?
    public var limit: Int?
    public init(orderID: OrderID? = nil, user: String? = nil, since: String? = nil, limit: Int? = nil) {
        self.orderID = orderID; self.user = user; self.since = since; self.limit = limit
    }
}

/// The result of checking the audit chain.
public struct AuditVerification: Hashable, Sendable {
    /// Entries checked.
    public var checked: Int
    /// The first problem found (changed, removed or reordered entry), or nil when the chain is intact.
    public var problem: String?
    /// The seq the problem names.
    public var seq: Int64?
    public var isIntact: Bool { problem == nil }
}

/// The append-only, hash-chained audit log.
enum AuditLog {
    /// Appends `entry` (its seq and hashes are assigned here) inside the caller's transaction.
    @discardableResult
    static func append(_ db: Database, _ entry: AuditEntry) throws -> AuditEntry {
        var e = entry
        let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_head WHERE id = 1")
        e.seq = (head?[0] as Int64? ?? 0) + 1
        e.prevHash = head?[1] ?? AuditEntry.genesis
        e.hash = AuditEntry.chainHash(prev: e.prevHash, canonical: e.canonical)
        try db.cachedStatement(sql: """
            INSERT INTO audit_log(seq, at, user, role, action, order_id, line_no, reason_code, note, plan_id, rec_version,
              state_before, state_after, before_json, after_json, detail, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [e.seq, e.at, e.user, e.role, e.action, e.orderID, e.lineNo, e.reasonCode, e.note, e.planID,
                                     e.recVersion, e.stateBefore, e.stateAfter, e.before, e.after, e.detail, e.prevHash, e.hash])
        try db.cachedStatement(sql: """
            INSERT INTO audit_head(id, seq, hash) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash
            """).execute(arguments: [e.seq, e.hash])
        return e
    }

    static let select = """
        SELECT seq, at, user, role, action, order_id, line_no, reason_code, note, plan_id, rec_version, state_before, state_after,
          before_json, after_json, detail, prev_hash, hash FROM audit_log
        """

    static func decode(_ r: Row) -> AuditEntry {
        AuditEntry(seq: r[0], at: r[1], user: r[2], role: r[3], action: r[4], orderID: r[5], lineNo: r[6], reasonCode: r[7],
                   note: r[8], planID: r[9], recVersion: r[10], stateBefore: r[11], stateAfter: r[12], before: r[13], after: r[14],
                   detail: r[15], prevHash: r[16], hash: r[17])
    }

    static func entries(_ db: Database, _ f: AuditFilter) throws -> [AuditEntry] {
        var parts: [String] = []
        var args: [any DatabaseValueConvertible] = []
        if let o = f.orderID { parts.append("order_id = ?"); args.append(o) }
        if let u = f.user { parts.append("user = ?"); args.append(u) }
        if let s = f.since { parts.append("at >= ?"); args.append(s) }
        let whereSQL = parts.isEmpty ? "" : " WHERE " + parts.joined(separator: " AND ")
        let limitSQL = f.limit.map { " LIMIT \($0)" } ?? ""
        return try Row.fetchAll(db, sql: select + whereSQL + " ORDER BY seq" + limitSQL, arguments: StatementArguments(args)).map(decode)
    }

    /// Walks the chain in seq order and names the first entry changed, removed or reordered.
    static func verify(_ db: Database) throws -> AuditVerification {
        let rows = try Row.fetchCursor(db, sql: select + " ORDER BY seq")
        var all: [AuditEntry] = []
        while let r = try rows.next() { all.append(decode(r)) }
        var expectedPrev = AuditEntry.genesis
        var expectedSeq: Int64 = 1
        for (i, e) in all.enumerated() {
            let contentIntact = AuditEntry.chainHash(prev: e.prevHash, canonical: e.canonical) == e.hash
            if !contentIntact {
                return AuditVerification(checked: i, problem: "entry \(e.seq) was changed: its contents no longer match its hash", seq: e.seq)
            }
            if e.prevHash != expectedPrev || e.seq != expectedSeq {
                // The entry itself is intact, so it is out of place: either the entry it follows is gone, or moved.
                if e.prevHash == expectedPrev {
                    return AuditVerification(checked: i, problem: "entry \(e.seq) has been renumbered (expected seq \(expectedSeq))", seq: e.seq)
                }
                if let moved = all.first(where: { $0.hash == e.prevHash }) {
                    return AuditVerification(checked: i, problem: "entry \(e.seq) is out of order: it follows entry \(moved.seq), which now comes elsewhere (reordered)", seq: e.seq)
                }
                return AuditVerification(checked: i, problem: "entry \(expectedSeq) was removed: entry \(e.seq) follows an entry that is gone", seq: expectedSeq)
            }
            expectedPrev = e.hash
            expectedSeq = e.seq + 1
        }
        if let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_head WHERE id = 1") {
            let headSeq: Int64 = head[0], headHash: String = head[1]
            if headHash != expectedPrev {
                let missing = all.last.map { $0.seq + 1 } ?? 1
                return AuditVerification(checked: all.count,
                                         problem: "entry \(missing) was removed: the log ends at \(missing - 1) but \(headSeq) entries were written", seq: missing)
            }
        } else if !all.isEmpty {
            return AuditVerification(checked: all.count, problem: "the audit head is missing", seq: nil)
        }
        return AuditVerification(checked: all.count, problem: nil, seq: nil)
    }
}
