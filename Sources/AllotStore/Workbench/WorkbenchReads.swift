import Foundation
import GRDB
import AllotCore

/// The read-only queries behind the workbench's screens, over the mirror and the current plan.
///
/// Every list is read a page at a time (keyset paging over indexes made for it), so a screen over a million
/// lines materialises only the rows it shows.
public struct WorkbenchReads: Sendable {
    public let mirror: Mirror
    public init(mirror: Mirror) { self.mirror = mirror }

    /// The plan the workbench works on, or nil when no plan was made yet.
    public func currentPlan() throws -> PlanHeader? {
        try mirror.db.read { db in try Self.currentPlan(db) }
    }

    /// The current plan with how current it is (the status line's): when a re-plan last brought it up to date with the
    /// change feed (`allot watch` re-plans in place, so the plan's creation time says little), and how many feed
    /// entries came since — imports or decisions no re-plan has taken yet (counted up to `behindCap`).
    public func currentPlanStatus() throws -> PlanHeader? {
        try mirror.db.read { db in
            guard var plan = try Self.currentPlan(db) else { return nil }
            var basis: Int64?
            if let r = try Row.fetchOne(db, sql: "SELECT change_id, updated_at FROM replan_cursor WHERE name = ? AND plan_id = ?",
                                        arguments: [IncrementalReplanner.defaultCursor, plan.id]) {
                basis = r[0]
                plan.updatedAt = Timestamp(r[1] as String)
            } else {
                basis = try Int64.fetchOne(db, sql: "SELECT change_id FROM plan_basis WHERE plan_id = ?", arguments: [plan.id])
            }
            if let basis {
                plan.changesBehind = try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 FROM change_log WHERE id > ? LIMIT ?)",
                                                      arguments: [basis, PlanHeader.behindCap])
            }
            return plan
        }
    }

    static func currentPlan(_ db: Database) throws -> PlanHeader? {
        try Row.fetchOne(db, sql: "SELECT plan_id, created_at, as_of, policy_version FROM plan WHERE is_current = 1").map {
            PlanHeader(id: $0[0], createdAt: Timestamp($0[1] as String), asOf: Day($0[2] as String), policyVersion: $0[3])
        }
    }

    /// Up to `limit` queue rows from `anchor` on, in the query's order.
    public func queuePage(_ query: QueueQuery, from anchor: QueueAnchor, limit: Int) throws -> [QueueRow] {
        try mirror.db.read { db in
            guard let plan = try Self.currentPlan(db) else { return [] }
            return try Self.queuePage(db, planID: plan.id, query, from: anchor, limit: limit)
        }
    }

    /// Rows around one line: up to `before` rows before it and the line itself plus up to `after` rows after it.
    /// When the line has left the queue, the rows around where it would sort are returned.
    /// `reachedStart` is true when no line comes before the window.
    public func queueWindow(_ query: QueueQuery, around key: QueueRow.SortKey, before: Int, after: Int) throws -> (rows: [QueueRow], reachedStart: Bool) {
        try mirror.db.read { db in
            guard let plan = try Self.currentPlan(db) else { return ([], true) }
            let head = try Self.queuePage(db, planID: plan.id, query, from: .before(key), limit: before)
            var atOrAfter = key
            atOrAfter.lineNo -= 1  // `after` is strict; step back one line number so the line itself is included
            let tail = try Self.queuePage(db, planID: plan.id, query, from: .after(atOrAfter), limit: after + 1)
            return (head + tail, head.count < before)
        }
    }

    /// How many lines the filtered queue holds, in total and per exception type (one pass over the queue).
    public func queueCounts(_ filter: QueueFilter) throws -> QueueCounts {
        try mirror.db.read { db in
            guard let plan = try Self.currentPlan(db) else { return QueueCounts() }
            let (whereSQL, args) = Self.whereClause(planID: plan.id, filter, decisions: try Self.hasLineState(db))
            var counts = QueueCounts()
            let rows = try Row.fetchCursor(db, sql: """
                SELECT r.exceptions, count(*) FROM recommendation r \(Self.joins(for: filter)) WHERE \(whereSQL) GROUP BY r.exceptions
                """, arguments: args)
            while let r = try rows.next() {
                let n: Int = r[1]
                counts.total += n
                for kind in Set(parseExceptions(r[0])) { counts.byType[kind, default: 0] += n }
            }
            return counts
        }
    }

    /// The row of one line in the current plan, whatever its status.
    public func row(_ key: LineKey) throws -> QueueRow? {
        try mirror.db.read { db in
            guard let plan = try Self.currentPlan(db) else { return nil }
            let state = try Self.stateColumns(db)
            return try Row.fetchOne(db, sql: """
                SELECT \(Self.columns)\(state.select) FROM recommendation r
                JOIN sales_order o ON o.order_id = r.order_id JOIN customer c ON c.customer_id = o.customer_id\(state.join)
                WHERE r.plan_id = ? AND r.order_id = ? AND r.line_no = ?
                """, arguments: [plan.id, key.orderID, key.lineNo]).map(Self.queueRowWithState)
        }
    }

    // MARK: - SQL

    static let queueStatus = "r.status IN ('review','backorder')"

    static let columns = """
        r.order_id, r.line_no, o.customer_id, c.name, c.tier, r.sku, r.requested, r.allocated, r.short, r.priority_class,
        r.status, r.exceptions, r.allocations_json, r.cost, r.value, r.requested_date, r.promise_date, r.first_seen_at, r.version
        """

    /// The decision columns of a row (after `columns`), from governance's line_state when the mirror has it.
    static func stateColumns(_ db: Database) throws -> (select: String, join: String) {
        guard try hasLineState(db) else { return (", NULL, 0, 0", "") }
        return (", ls.state, coalesce(ls.version, 0), coalesce(ls.needs_recheck, 0)",
                " LEFT JOIN line_state ls ON ls.order_id = r.order_id AND ls.line_no = r.line_no")
    }

    static func hasLineState(_ db: Database) throws -> Bool { try db.tableExists("line_state") }

    static func queueRow(_ r: Row) -> QueueRow {
        let exceptionsText: String = r[11]
        let requestedText: String = r[15]
        let firstSeen: String = r[17]
        let key = QueueRow.SortKey(exceptions: exceptionsText, priorityClass: r[9], requestedDate: requestedText, value: r[14],
                                   firstSeenAt: firstSeen, orderID: r[0], lineNo: r[1])
        return QueueRow(key: LineKey(orderID: r[0], lineNo: r[1]), customerID: r[2], customerName: r[3], tier: r[4], sku: r[5],
                        requested: r[6], allocated: r[7], short: r[8], priorityClass: r[9],
                        status: LineStatus(rawValue: r[10]) ?? .review, exceptions: parseExceptions(exceptionsText),
                        allocations: parseAllocations(r[12]), cost: r[13], value: r[14], requestedDate: Day(requestedText),
                        promiseDate: (r[16] as String?).flatMap { Day($0) }, firstSeenAt: Timestamp(firstSeen),
                        version: r[18], sortKey: key)
    }

    /// A row read with `columns` followed by the decision columns (`stateColumns`).
    static func queueRowWithState(_ r: Row) -> QueueRow {
        var q = queueRow(r)
        q.decisionState = r[19]
        q.lineVersion = r[20]
        q.needsRecheck = r[21]
        return q
    }

    /// The columns (SQL expressions) of each sort order; all ascending so one row-value comparison pages them.
    static func sortColumns(_ sort: QueueSort) -> [String] {
        switch sort {
        case .type: return ["r.exceptions", "r.priority_class", "r.requested_date", "r.order_id", "r.line_no"]
        case .priority: return ["r.priority_class", "r.requested_date", "r.order_id", "r.line_no"]
        case .due: return ["r.requested_date", "r.priority_class", "r.order_id", "r.line_no"]
        case .value: return ["-r.value", "r.order_id", "r.line_no"]
        case .age: return ["r.first_seen_at", "r.order_id", "r.line_no"]
        }
    }

    static func sortValues(_ sort: QueueSort, _ k: QueueRow.SortKey) -> [any DatabaseValueConvertible] {
        switch sort {
        case .type: return [k.exceptions, k.priorityClass, k.requestedDate, k.orderID, k.lineNo]
        case .priority: return [k.priorityClass, k.requestedDate, k.orderID, k.lineNo]
        case .due: return [k.requestedDate, k.priorityClass, k.orderID, k.lineNo]
        case .value: return [-k.value, k.orderID, k.lineNo]
        case .age: return [k.firstSeenAt, k.orderID, k.lineNo]
        }
    }

    /// The joins a filter needs; the plan's index drives the scan (CROSS JOIN keeps SQLite from reordering).
    static func joins(for filter: QueueFilter) -> String {
        guard !filter.text.isEmpty else { return "" }
        return "CROSS JOIN sales_order o ON o.order_id = r.order_id CROSS JOIN customer c ON c.customer_id = o.customer_id"
    }

    /// Lines a person decided (accepted, overridden, escalated, approved, released, held, cancelled) leave the queue
    /// until a change in the mirror invalidates the decision or a supervisor rejects it.
    static let undecided = """
        NOT EXISTS (SELECT 1 FROM line_state ls WHERE ls.order_id = r.order_id AND ls.line_no = r.line_no
                    AND ls.needs_recheck = 0 AND ls.state NOT IN ('recommended', 'rejected'))
        """

    static func whereClause(planID: String, _ f: QueueFilter, decisions: Bool) -> (String, StatementArguments) {
        var sql = "r.plan_id = ? AND \(queueStatus)" + (decisions ? " AND \(undecided)" : "")
        var args: StatementArguments = [planID]
        for t in f.text {
            sql += " AND (r.order_id LIKE ? OR r.sku LIKE ? OR o.customer_id LIKE ? OR c.name LIKE ?)"
            let p = "%\(t)%"
            args += [p, p, p, p]
        }
        for k in f.types {
            sql += " AND instr(',' || replace(replace(r.exceptions, ' ', ','), ';', ',') || ',', ?) > 0"
            args += [",\(k.rawValue),"]
        }
        if !f.tiers.isEmpty {
            sql += " AND r.tier COLLATE NOCASE IN (\(f.tiers.map { _ in "?" }.joined(separator: ",")))"
            args += StatementArguments(f.tiers)
        }
        for s in f.skus {
            sql += " AND r.sku LIKE ?"
            args += ["\(s)%"]
        }
        for w in f.warehouses {
            sql += " AND EXISTS (SELECT 1 FROM json_each(r.allocations_json) j WHERE json_extract(j.value, '$.warehouse_id') = ? COLLATE NOCASE)"
            args += [w]
        }
        return (sql, args)
    }

    static func queuePage(_ db: Database, planID: String, _ query: QueueQuery, from anchor: QueueAnchor, limit: Int) throws -> [QueueRow] {
        guard limit > 0 else { return [] }
        var (whereSQL, args) = whereClause(planID: planID, query.filter, decisions: try hasLineState(db))
        let state = try stateColumns(db)
        let cols = sortColumns(query.sort)
        let tuple = "(\(cols.joined(separator: ", ")))"
        let marks = "(\(cols.map { _ in "?" }.joined(separator: ", ")))"
        var descending = false
        switch anchor {
        case .first: break
        case .last: descending = true
        case .after(let k):
            whereSQL += " AND \(tuple) > \(marks)"
            args += StatementArguments(sortValues(query.sort, k))
        case .before(let k):
            whereSQL += " AND \(tuple) < \(marks)"
            args += StatementArguments(sortValues(query.sort, k))
            descending = true
        }
        let order = cols.map { descending ? "\($0) DESC" : $0 }.joined(separator: ", ")
        // Page the keys on the plan's index alone, then join only the rows kept.
        let sql = """
            SELECT \(columns)\(state.select) FROM (
              SELECT r.rowid AS rid FROM recommendation r \(joins(for: query.filter))
              WHERE \(whereSQL) ORDER BY \(order) LIMIT ?
            ) page
            CROSS JOIN recommendation r ON r.rowid = page.rid
            CROSS JOIN sales_order o ON o.order_id = r.order_id
            CROSS JOIN customer c ON c.customer_id = o.customer_id\(state.join)
            """
        args += [limit]
        var rows = try Row.fetchAll(db, sql: sql, arguments: args).map(queueRowWithState)
        rows.sort { a, b in lessThan(query.sort, a.sortKey, b.sortKey) }
        return rows
    }

    /// The queue's order on two rows, the same as the SQL's (used to keep a page in order after the join).
    public static func lessThan(_ sort: QueueSort, _ a: QueueRow.SortKey, _ b: QueueRow.SortKey) -> Bool {
        func cmp<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
        let parts: [Int]
        switch sort {
        case .type: parts = [cmp(a.exceptions, b.exceptions), cmp(a.priorityClass, b.priorityClass), cmp(a.requestedDate, b.requestedDate)]
        case .priority: parts = [cmp(a.priorityClass, b.priorityClass), cmp(a.requestedDate, b.requestedDate)]
        case .due: parts = [cmp(a.requestedDate, b.requestedDate), cmp(a.priorityClass, b.priorityClass)]
        case .value: parts = [cmp(-a.value, -b.value)]
        case .age: parts = [cmp(a.firstSeenAt, b.firstSeenAt)]
        }
        for p in parts + [cmp(a.orderID, b.orderID), cmp(a.lineNo, b.lineNo)] where p != 0 { return p < 0 }
        return false
    }
}

/// Which plan the workbench shows and when it was made (the status line's plan age).
public struct PlanHeader: Hashable, Sendable {
    public var id: String
    public var createdAt: Timestamp?
    public var asOf: Day?
    public var policyVersion: String
    /// When a re-plan last brought the plan up to date with the change feed (nil: none has, since it was made).
    public var updatedAt: Timestamp? = nil
    /// Change-feed entries after the plan's position in the feed, up to `behindCap` (nil: its position is unknown,
    /// for a plan saved before positions were recorded).
    public var changesBehind: Int? = nil

    /// The most feed entries counted behind a plan (the status line then says "100,000+").
    public static let behindCap = 100_000

    public init(id: String, createdAt: Timestamp?, asOf: Day?, policyVersion: String, updatedAt: Timestamp? = nil, changesBehind: Int? = nil) {
        self.id = id; self.createdAt = createdAt; self.asOf = asOf; self.policyVersion = policyVersion
        self.updatedAt = updatedAt; self.changesBehind = changesBehind
    }
}

/// Lines in the filtered queue, in total and per exception type (a line with two exceptions counts in both).
public struct QueueCounts: Hashable, Sendable {
    public var total = 0
    public var byType: [ExceptionKind: Int] = [:]
    public init(total: Int = 0, byType: [ExceptionKind: Int] = [:]) { self.total = total; self.byType = byType }
}
