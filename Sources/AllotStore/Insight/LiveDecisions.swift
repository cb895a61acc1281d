import GRDB
import AllotCore

/// Decisions taken in Allot itself (the governance layer's `decision` table), read as decided lines.
///
/// The governance tables are another domain's: this reads only the columns it needs and finds them by name,
/// so the metrics keep working while that schema grows.
enum LiveDecisions {
    static func column(_ cols: Set<String>, _ names: [String]) -> String? { names.first { cols.contains($0) } }

    /// Lines no longer waiting for a person: decided, released, held or cancelled (the workflow's `line_state`).
    static func settledLines(_ db: Database) throws -> Set<LineKey> {
        if try db.tableExists("line_state") {
            let rows = try Row.fetchAll(db, sql: """
                SELECT order_id, line_no FROM line_state WHERE state IN ('accepted','overridden','approved','released','cancelled','held','escalated')
                """)
            return Set(rows.map { LineKey(orderID: $0[0], lineNo: $0[1]) })
        }
        guard try db.tableExists("decision") else { return [] }
        let cols = Set(try db.columns(in: "decision").map(\.name))
        guard cols.contains("order_id"), cols.contains("line_no"), let action = column(cols, ["action"]) else { return [] }
        let rows = try Row.fetchAll(db, sql: "SELECT DISTINCT order_id, line_no FROM decision WHERE \(action) IN ('accept','override','approve','cancel')")
        return Set(rows.map { LineKey(orderID: $0[0], lineNo: $0[1]) })
    }

    /// Lines escalated to a supervisor and still waiting, with when they were escalated: they wait in the
    /// supervisor's queue whatever exception brought them there.
    static func escalatedLines(_ db: Database) throws -> [LineKey: Timestamp] {
        guard try db.tableExists("line_state") else { return [:] }
        var out: [LineKey: Timestamp] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT order_id, line_no, updated_at FROM line_state WHERE state = 'escalated'") {
            if let t = Timestamp(r[2] as String) { out[LineKey(orderID: r[0], lineNo: r[1])] = t }
        }
        return out
    }

    /// Each decided line's last decision, with its recommendation from the plan it was decided on.
    static func decidedLines(_ db: Database, ctx: Context) throws -> [DecidedLine] {
        guard try db.tableExists("decision") else { return [] }
        let cols = Set(try db.columns(in: "decision").map(\.name))
        guard cols.contains("order_id"), cols.contains("line_no"), let action = column(cols, ["action"]),
              let at = column(cols, ["at", "decided_at", "created_at"]) else { return [] }
        let user = column(cols, ["user", "actor", "decided_by", "author"]) ?? "NULL"
        let role = column(cols, ["role"]) ?? "NULL"
        let reason = column(cols, ["reason", "reason_code"]) ?? "NULL"
        let rows = try Row.fetchAll(db, sql: """
            SELECT d.order_id, d.line_no, d.\(action), d.\(at), \(user == "NULL" ? "NULL" : "d.\(user)"), \(role == "NULL" ? "NULL" : "d.\(role)"),
                   \(reason == "NULL" ? "NULL" : "d.\(reason)"), o.customer_id, o.order_date, o.requested_date, l.sku, l.qty
            FROM decision d
            JOIN sales_order o ON o.order_id = d.order_id
            JOIN order_line l ON l.order_id = d.order_id AND l.line_no = d.line_no
            WHERE d.\(action) IN ('accept','override','approve','cancel','auto_release','auto')
            ORDER BY d.\(at)
            """)
        var last: [LineKey: Row] = [:]
        for r in rows { last[LineKey(orderID: r[0], lineNo: r[1])] = r }
        let released: [LineKey: [(String, Int)]] = try {
            guard try db.tableExists("reservation") else { return [:] }
            var out: [LineKey: [(String, Int)]] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT order_id, line_no, warehouse_id, sum(qty) FROM reservation GROUP BY order_id, line_no, warehouse_id") {
                out[LineKey(orderID: r[0], lineNo: r[1]), default: []].append((r[2], r[3]))
            }
            return out
        }()
        // When the units were actually committed (the reservation), which may follow an approval.
        let committedAt: [LineKey: Timestamp] = try {
            guard try db.tableExists("reservation"), Set(try db.columns(in: "reservation").map(\.name)).contains("created_at") else { return [:] }
            var out: [LineKey: Timestamp] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT order_id, line_no, min(created_at) FROM reservation GROUP BY order_id, line_no") {
                if let t = (r[2] as String?).flatMap({ Timestamp($0) }) { out[LineKey(orderID: r[0], lineNo: r[1])] = t }
            }
            return out
        }()
        return last.values.map { r in
            let key = LineKey(orderID: r[0], lineNo: r[1])
            let act: String = r[2]
            let when = Timestamp(r[3] as String) ?? Timestamp(seconds: 0)
            let who: String? = r[4]
            let roleName: String? = r[5]
            let isPolicy = act.hasPrefix("auto") || who == nil || who == "policy" || (who ?? "").hasPrefix("policy")
            let customer: String = r[7], sku: String = r[10]
            let alloc = released[key] ?? []
            let releases = ["accept", "override", "approve", "auto_release", "auto"].contains(act)
            return DecidedLine(
                key: key, sku: sku,
                dimensions: LineDimensions(tier: ctx.tier[customer] ?? "", customer: customer, family: ctx.family(sku),
                                           warehouse: alloc.max { $0.1 < $1.1 }?.0 ?? "", queue: isPolicy ? "auto" : (roleName ?? "planner")),
                receivedAt: Day(r[8] as String).map { Timestamp(seconds: $0.unixSeconds) } ?? when,
                releasedAt: releases ? (committedAt[key] ?? when) : nil, decidedAt: when,
                actor: isPolicy ? .policy : .person(roleName.flatMap { Role(rawValue: $0) } ?? .planner),
                overridden: act == "override", reason: r[6], requested: r[11], allocated: alloc.reduce(0) { $0 + $1.1 },
                allocationCount: max(1, alloc.count), expedited: false,
                requestedDate: Day(r[9] as String) ?? when.day, promisedDate: nil)
        }.sorted { $0.decidedAt < $1.decidedAt }
    }
}
