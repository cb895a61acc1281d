import Foundation
import GRDB
import AllotCore

/// A line's workflow state as stored (only lines someone or the policy decided have one).
public struct LineStateRecord: Hashable, Sendable {
    public var key: LineKey
    public var state: LineState
    public var version: Int
    public var planID: String?
    public var recVersion: Int?
    public var allocation: [Allocation]
    public var escalatedBy: String?
    public var escalationReasons: [String]
    public var needsRecheck: Bool
    public var recheckReason: String?
    public var updatedAt: String
    public var updatedBy: String
}

/// One decision as recorded.
public struct DecisionRecord: Hashable, Sendable {
    public var id: Int64
    public var at: String
    public var user: String
    public var role: String
    public var action: String
    public var key: LineKey
    public var reasonCode: String?
    public var note: String?
    public var planID: String?
    public var recVersion: Int?
    public var stateBefore: LineState
    public var stateAfter: LineState
    public var before: [Allocation]
    public var after: [Allocation]
    public var escalationReasons: [String]
}

extension DecisionStore {
    static let lineStateSelect = """
        SELECT order_id, line_no, state, version, plan_id, rec_version, allocation_json, escalated_by, escalation_reasons,
          needs_recheck, recheck_reason, updated_at, updated_by FROM line_state
        """

    static func decodeLineState(_ r: Row) throws -> LineStateRecord {
        LineStateRecord(key: LineKey(orderID: r[0], lineNo: r[1]), state: LineState(rawValue: r[2]) ?? .recommended, version: r[3],
                        planID: r[4], recVersion: r[5], allocation: try SituationLoading.decodeAllocations(r[6]), escalatedBy: r[7],
                        escalationReasons: (r[8] as String?)?.split(separator: "\n").map(String.init) ?? [],
                        needsRecheck: r[9], recheckReason: r[10], updatedAt: r[11], updatedBy: r[12])
    }

    /// The stored state of one line, or nil when it was never decided (it is `recommended`).
    public func lineState(_ key: LineKey) throws -> LineStateRecord? {
        try mirror.db.read { db in
            try Row.fetchOne(db, sql: Self.lineStateSelect + " WHERE order_id = ? AND line_no = ?", arguments: [key.orderID, key.lineNo])
                .map(Self.decodeLineState)
        }
    }

    /// Lines waiting for a supervisor, oldest escalation first.
    public func escalations(limit: Int = 1000) throws -> [LineStateRecord] {
        try lines(where: "state = 'escalated'", order: "updated_at, order_id, line_no", limit: limit)
    }

    /// Lines on hold in Allot (held by a decision), by order.
    public func heldLines(limit: Int = 1000) throws -> [LineStateRecord] {
        try lines(where: "state = 'held'", order: "order_id, line_no", limit: limit)
    }

    /// Decided lines a later change invalidated: they are back in the planner's queue until decided again.
    public func linesNeedingRecheck(limit: Int = 1000) throws -> [LineStateRecord] {
        try refreshInvalidations()
        return try lines(where: "needs_recheck = 1", order: "updated_at, order_id, line_no", limit: limit)
    }

    /// Every stored line state in the given states (all when empty).
    public func lines(in states: [LineState] = [], limit: Int = 10_000) throws -> [LineStateRecord] {
        let whereSQL = states.isEmpty ? "1" : "state IN (\(states.map { "'\($0.rawValue)'" }.joined(separator: ",")))"
        return try lines(where: whereSQL, order: "order_id, line_no", limit: limit)
    }

    private func lines(where whereSQL: String, order: String, limit: Int) throws -> [LineStateRecord] {
        try mirror.db.read { db in
            try Row.fetchAll(db, sql: Self.lineStateSelect + " WHERE \(whereSQL) ORDER BY \(order) LIMIT ?", arguments: [limit]).map(Self.decodeLineState)
        }
    }

    /// Every decision on one line, oldest first.
    public func history(_ key: LineKey) throws -> [DecisionRecord] {
        try mirror.db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, at, user, role, action, order_id, line_no, reason_code, note, plan_id, rec_version, state_before, state_after,
                  before_json, after_json, escalation_reasons FROM decision WHERE order_id = ? AND line_no = ? ORDER BY id
                """, arguments: [key.orderID, key.lineNo]).map { r in
                DecisionRecord(id: r[0], at: r[1], user: r[2], role: r[3], action: r[4], key: LineKey(orderID: r[5], lineNo: r[6]),
                               reasonCode: r[7], note: r[8], planID: r[9], recVersion: r[10],
                               stateBefore: LineState(rawValue: r[11]) ?? .recommended, stateAfter: LineState(rawValue: r[12]) ?? .recommended,
                               before: try SituationLoading.decodeAllocations(r[13]), after: try SituationLoading.decodeAllocations(r[14]),
                               escalationReasons: (r[15] as String?)?.split(separator: "\n").map(String.init) ?? [])
            }
        }
    }

    /// Reservations (released allocations) of one line, or of all lines.
    public func reservations(_ key: LineKey? = nil) throws -> [Reservation] {
        try mirror.db.read { db in
            let all = try Mirror.loadReservations(db)
            return key.map { k in all.filter { $0.lineKey == k } } ?? all
        }
    }

    /// Audit entries matching `filter`, in order.
    public func auditEntries(_ filter: AuditFilter = AuditFilter()) throws -> [AuditEntry] {
        try mirror.db.read { db in try AuditLog.entries(db, filter) }
    }

    /// Checks the audit log's hash chain; names the first entry changed, removed or reordered.
    public func verifyAudit() throws -> AuditVerification {
        try mirror.db.read { db in try AuditLog.verify(db) }
    }
}
