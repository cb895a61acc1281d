import Foundation
import GRDB
import AllotCore

/// Reads the mirror into the plain records the insight core computes from. All reads of one call share one
/// read transaction, so the metrics describe one consistent moment.
public struct InsightReads {
    public let mirror: Mirror
    public init(mirror: Mirror) { self.mirror = mirror }

    /// The inputs of `allot metrics`: decided lines (history and live decisions), shipments, reservations,
    /// open exceptions of the current plan and the integration counters.
    public func metricsInput(policy: Policy) throws -> MetricsInput {
        try mirror.db.read { db in
            let ctx = try Context(db)
            var input = MetricsInput()
            input.decided = try historyLines(db, ctx).map(\.decided) + (try LiveDecisions.decidedLines(db, ctx: ctx))
            input.shipments = try Row.fetchAll(db, sql: "SELECT order_id, line_no, warehouse_id, qty, shipped_at, delivered_at FROM shipment").map {
                ShipmentRecord(key: LineKey(orderID: $0[0], lineNo: $0[1]), warehouseID: $0[2], qty: $0[3],
                               shippedAt: Timestamp($0[4] as String) ?? Timestamp(seconds: 0), deliveredAt: ($0[5] as String?).flatMap { Timestamp($0) })
            }
            input.reservations = try Row.fetchAll(db, sql: """
                SELECT order_id, line_no, warehouse_id, allocated FROM line_history WHERE released_at IS NOT NULL AND warehouse_id IS NOT NULL AND allocated > 0
                """).map { ReservedLine(key: LineKey(orderID: $0[0], lineNo: $0[1]), warehouseID: $0[2], qty: $0[3]) }
            if try db.tableExists("reservation") {
                input.reservations += try Row.fetchAll(db, sql: "SELECT order_id, line_no, warehouse_id, sum(qty) FROM reservation GROUP BY order_id, line_no, warehouse_id").map {
                    ReservedLine(key: LineKey(orderID: $0[0], lineNo: $0[1]), warehouseID: $0[2], qty: $0[3])
                }
            }
            input.openExceptions = try openExceptions(db, ctx, policy: policy)
            if try db.tableExists("source_state") {
                input.integration = try Row.fetchAll(db, sql: "SELECT source, received, rejected FROM source_state ORDER BY source").map {
                    IntegrationCount(source: $0[0], received: $0[1], rejected: $0[2])
                }
            }
            return input
        }
    }

    /// Exceptions of the current plan's lines that still wait for a person (review and backorder lines with no
    /// decision yet, and escalations), one per line: its first exception, in the queue the plan routed it to.
    public func openExceptions(policy: Policy) throws -> [OpenException] {
        try mirror.db.read { db in try openExceptions(db, try Context(db), policy: policy) }
    }

    func openExceptions(_ db: Database, _ ctx: Context, policy: Policy) throws -> [OpenException] {
        guard try db.tableExists("recommendation") else { return [] }
        let decided = try LiveDecisions.settledLines(db)
        let escalated = try LiveDecisions.escalatedLines(db)
        let rows = try Row.fetchAll(db, sql: """
            SELECT r.order_id, r.line_no, r.sku, r.exceptions, r.queue, r.first_seen_at, r.allocations_json, o.customer_id
            FROM recommendation r JOIN plan p ON p.plan_id = r.plan_id AND p.is_current = 1
            LEFT JOIN sales_order o ON o.order_id = r.order_id
            WHERE r.status IN ('review', 'backorder')
            """)
        return rows.compactMap { r -> OpenException? in
            let key = LineKey(orderID: r[0], lineNo: r[1])
            let escalatedAt = escalated[key]
            if decided.contains(key) && escalatedAt == nil { return nil }
            let kinds = Context.exceptionKinds(r[3])
            guard let kind = kinds.first else { return nil }
            let queue = escalatedAt != nil ? .supervisor : (r[4] as String?).flatMap { Role(rawValue: $0) } ?? policy.routing[kind] ?? .planner
            let customer: String = r[7] ?? ""
            let sku: String = r[2]
            let warehouse = Context.allocations(r[6]).first?.warehouseID ?? ""
            return OpenException(key: key, kind: kind, queue: queue, openedAt: escalatedAt ?? Timestamp(r[5] as String) ?? Timestamp(seconds: 0),
                                 dimensions: LineDimensions(tier: ctx.tier[customer] ?? "", customer: customer, family: ctx.family(sku),
                                                            warehouse: warehouse, queue: queue.rawValue))
        }
    }

    /// One past line of `line_history`, with everything the models learn from.
    struct HistoryLine {
        var decided: DecidedLine
        var recommendedWarehouse: String?
        var recommendedQty: Int?
        var recommendedCost: Double?
        var recommendedTransitDays: Int?
        var cost: Double?
        var transitDays: Int?
        var exceptions: [ExceptionKind]
        var action: String
        var substituteSKU: String?
        var substituteAccepted: Bool?
    }

    func historyLines(_ db: Database, _ ctx: Context) throws -> [HistoryLine] {
        try Row.fetchAll(db, sql: """
            SELECT order_id, line_no, customer_id, sku, qty, received_at, requested_date, exceptions, queue,
                   recommended_warehouse, recommended_qty, recommended_cost, recommended_transit_days,
                   decided_at, actor, role, action, reason, released_at, warehouse_id, allocated, allocations, expedited,
                   cost, transit_days, promised_date, substitute_sku, substitute_accepted
            FROM line_history ORDER BY decided_at, order_id, line_no
            """).map { r in
            let customer: String = r["customer_id"], sku: String = r["sku"]
            let role = (r["role"] as String?).flatMap { Role(rawValue: $0) }
            let actorName: String = r["actor"]
            let action: String = r["action"]
            let actor: Decider = actorName == "policy" || action == "auto" ? .policy : .person(role ?? .planner)
            let warehouse: String = r["warehouse_id"] ?? r["recommended_warehouse"] ?? ""
            let decided = DecidedLine(
                key: LineKey(orderID: r["order_id"], lineNo: r["line_no"]), sku: sku,
                dimensions: LineDimensions(tier: ctx.tier[customer] ?? "", customer: customer, family: ctx.family(sku), warehouse: warehouse,
                                           queue: r["queue"]),
                receivedAt: Timestamp(r["received_at"] as String) ?? Timestamp(seconds: 0),
                releasedAt: (r["released_at"] as String?).flatMap { Timestamp($0) },
                decidedAt: Timestamp(r["decided_at"] as String) ?? Timestamp(seconds: 0),
                actor: actor, overridden: action == "override", reason: r["reason"], requested: r["qty"], allocated: r["allocated"],
                allocationCount: r["allocations"], expedited: r["expedited"],
                requestedDate: Day(r["requested_date"] as String) ?? Day(ordinal: 0),
                promisedDate: (r["promised_date"] as String?).flatMap { Day($0) })
            return HistoryLine(decided: decided, recommendedWarehouse: r["recommended_warehouse"], recommendedQty: r["recommended_qty"],
                               recommendedCost: r["recommended_cost"], recommendedTransitDays: r["recommended_transit_days"],
                               cost: r["cost"], transitDays: r["transit_days"], exceptions: Context.exceptionKinds(r["exceptions"]),
                               action: action, substituteSKU: r["substitute_sku"],
                               substituteAccepted: (r["substitute_accepted"] as Int?).map { $0 == 1 })
        }
    }
}

/// Lookups shared by the reads: customer tiers, sku families, and the plan's encodings.
struct Context {
    var tier: [String: String] = [:]
    var families: [String: String] = [:]
    var region: [String: String] = [:]

    init(_ db: Database) throws {
        for r in try Row.fetchAll(db, sql: "SELECT customer_id, tier, region FROM customer") {
            tier[r[0]] = r[1]
            if let reg: String = r[2] { region[r[0]] = reg }
        }
        for r in try Row.fetchAll(db, sql: "SELECT sku, family FROM item WHERE family IS NOT NULL AND family <> ''") { families[r[0]] = r[1] }
    }

    /// The sku's family, or the sku itself when it has none (so that every line has a peer group).
    func family(_ sku: String) -> String { families[sku] ?? sku }

    /// Exception codes as stored (comma-, semicolon- or space-separated, or a JSON array).
    static func exceptionKinds(_ text: String?) -> [ExceptionKind] {
        guard let text else { return [] }
        return text.split { !($0.isLetter || $0 == "_") }.compactMap { ExceptionKind(rawValue: String($0)) }
    }

    /// A recommendation's allocations as the plan stores them (the contract's allocation JSON).
    static func allocations(_ json: String?) -> [Allocation] {
        guard let json, let data = json.data(using: .utf8) else { return [] }
        return (try? JSONDecoder().decode([Allocation].self, from: data)) ?? []
    }
}
