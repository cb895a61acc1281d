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

    /// Each line decided in Allot, from the workflow's decision log: who decided it (the policy when it
    /// released the line by itself), whether a person overrode the recommendation and why, and when the units
    /// were released.
    static func decidedLines(_ db: Database, ctx: Context) throws -> [DecidedLine] {
        guard try db.tableExists("decision") else { return [] }
        let cols = Set(try db.columns(in: "decision").map(\.name))
        let needed = ["at", "user", "role", "action", "order_id", "line_no", "reason_code", "state_after"]
        guard needed.allSatisfy(cols.contains) else { return [] }
        // An order's arrival: its first `order.upserted` event when it came through events, else its order date.
        var arrived: [String: Timestamp] = [:]
        if try db.tableExists("event_ledger") {
            for r in try Row.fetchAll(db, sql: "SELECT substr(entity, 7), min(at) FROM event_ledger WHERE entity LIKE 'order:%' GROUP BY entity") {
                if let t = Timestamp(r[1] as String) { arrived[r[0]] = t }
            }
        }
        let rows = try Row.fetchAll(db, sql: """
            SELECT d.order_id, d.line_no, d.at, d.user, d.role, d.action, d.reason_code, d.state_after,
                   o.customer_id, o.order_date, o.requested_date, l.sku, l.qty
            FROM decision d
            JOIN sales_order o ON o.order_id = d.order_id
            JOIN order_line l ON l.order_id = d.order_id AND l.line_no = d.line_no
            ORDER BY d.order_id, d.line_no, d.id
            """)
        var reserved: [LineKey: [(String, Int)]] = [:]
        if try db.tableExists("reservation") {
            for r in try Row.fetchAll(db, sql: "SELECT order_id, line_no, warehouse_id, sum(qty) FROM reservation GROUP BY order_id, line_no, warehouse_id") {
                reserved[LineKey(orderID: r[0], lineNo: r[1]), default: []].append((r[2], r[3]))
            }
        }
        var out: [DecidedLine] = []
        var i = 0
        while i < rows.count {
            let key = LineKey(orderID: rows[i][0], lineNo: rows[i][1])
            var j = i
            var decidedAt: Timestamp?, releasedAt: Timestamp?, person: Role?, overridden = false, reason: String?, cancelled = false
            while j < rows.count, LineKey(orderID: rows[j][0], lineNo: rows[j][1]) == key {
                let r = rows[j]
                let at = Timestamp(r[2] as String) ?? Timestamp(seconds: 0)
                let user: String = r[3], action: String = r[5], after: String = r[7]
                let byPolicy = user.hasPrefix("policy")
                switch after {
                case "accepted", "overridden", "approved":
                    decidedAt = at
                    if !byPolicy { person = Role(rawValue: r[4] as String) ?? .planner }
                case "released":
                    releasedAt = releasedAt ?? at
                    if decidedAt == nil { decidedAt = at }
                    if !byPolicy && person == nil { person = Role(rawValue: r[4] as String) ?? .planner }
                case "cancelled":
                    cancelled = true; decidedAt = at
                default: break
                }
                if action == "override" { overridden = true; reason = r[6] }
                j += 1
            }
            let first = rows[i]
            i = j
            guard let decided = decidedAt else { continue }  // only escalations, holds, rejections so far
            let customer: String = first[8], sku: String = first[11]
            let alloc = reserved[key] ?? []
            out.append(DecidedLine(
                key: key, sku: sku,
                dimensions: LineDimensions(tier: ctx.tier[customer] ?? "", customer: customer, family: ctx.family(sku),
                                           warehouse: alloc.max { $0.1 < $1.1 }?.0 ?? "", queue: person?.rawValue ?? "auto"),
                receivedAt: arrived[key.orderID] ?? Day(first[9] as String).map { Timestamp(seconds: $0.unixSeconds) } ?? decided,
                releasedAt: cancelled ? nil : releasedAt, decidedAt: decided,
                actor: person.map { .person($0) } ?? .policy, overridden: overridden, reason: reason,
                requested: first[12], allocated: alloc.reduce(0) { $0 + $1.1 }, allocationCount: max(1, alloc.count), expedited: false,
                requestedDate: Day(first[10] as String) ?? decided.day, promisedDate: nil))
        }
        return out.sorted { $0.decidedAt < $1.decidedAt }
    }
}
