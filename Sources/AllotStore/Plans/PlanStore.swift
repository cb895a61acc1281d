import Foundation
import GRDB
import Crypto
import AllotCore

/// One stored line recommendation with what the workbench and the workflow need beside the contract's fields.
public struct StoredRecommendation: Hashable, Sendable {
    public var planID: String
    public var recommendation: LineRecommendation
    /// Increases each time a re-plan changes this line's recommendation (optimistic concurrency for decisions).
    public var version: Int
    /// The role whose queue the line is in, or nil for `auto`.
    public var queue: Role?
    /// Allocated units × unit price.
    public var value: Double
    /// The latest arrival among its allocations.
    public var promiseDate: Day?
    public var requestedDate: Day
    public var firstSeenAt: Timestamp
    public var key: LineKey { recommendation.key }
}

/// Which stored recommendations a queue read returns, and in what order.
public struct PlanPageQuery: Hashable, Sendable {
    public enum Sort: String, Sendable, CaseIterable { case priority, requestedDate, cost, value, order }
    public var statuses: [LineStatus] = []
    public var queue: Role?
    public var exception: ExceptionKind?
    public var sku: SKU?
    /// Matches order id or sku by prefix.
    public var search: String?
    public var sort: Sort = .priority
    public var offset = 0
    public var limit = 100
    public init(statuses: [LineStatus] = [], queue: Role? = nil, exception: ExceptionKind? = nil, sku: SKU? = nil,
                search: String? = nil, sort: Sort = .priority, offset: Int = 0, limit: Int = 100) {
        self.statuses = statuses; self.queue = queue; self.exception = exception; self.sku = sku; self.search = search
        self.sort = sort; self.offset = offset; self.limit = limit
    }
}

/// What a line of the previous current plan recommended, for its version in the next one.
private struct PreviousLine {
    var version: Int
    var firstSeen: String
    var allocations: String
    var status: String
    var exceptions: String
}

/// Stores plans in the mirror and reads them back: the current plan, one line, or a page of a queue.
public struct PlanStore: Sendable {
    public let mirror: Mirror
    /// How many plans are kept (the current one and the ones before it); older ones are deleted on save.
    public var keep = 3

    public init(mirror: Mirror) { self.mirror = mirror }

    /// A hash of everything a plan depends on: the snapshot, the policy and the as-of date.
    public static func inputHash(snapshot: Snapshot, policy: Policy, asOf: Day) -> String {
        // Each field and its separator go into one buffer, hashed 64 KiB at a time: the same bytes, in the same order, as
        // hashing each on its own, where a `Data` per field and per separator cost more than the hashing itself.
        var h = SHA256()
        var bytes: [UInt8] = []
        bytes.reserveCapacity((1 << 16) + 4096)
        func feed(_ s: String) {
            bytes.append(contentsOf: s.utf8)
            bytes.append(0x1F)
            if bytes.count >= 1 << 16 { h.update(data: bytes); bytes.removeAll(keepingCapacity: true) }
        }
        feed("as_of=\(asOf)"); feed("policy=\(policy.fingerprint)")
        for w in snapshot.warehouses { feed("\(w)") }
        for c in snapshot.customers { feed("\(c)") }
        for i in snapshot.items { feed("\(i)") }
        for l in snapshot.lanes { feed("\(l)") }
        for t in snapshot.transfers { feed("\(t)") }
        for p in snapshot.inventory { feed("\(p.warehouseID)|\(p.sku)|\(p.onHand)|\(p.reserved)|\(p.safetyStock)|\(p.asOf.map { "\($0)" } ?? "")|\(p.oldestReceiptDate.map { "\($0)" } ?? "")") }
        for r in snapshot.receipts { feed("\(r.id)|\(r.warehouseID)|\(r.sku)|\(r.qty)|\(r.eta)|\(r.kind)") }
        for o in snapshot.orders { feed("\(o.id)|\(o.customerID)|\(o.orderDate)|\(o.requestedDate)|\(o.shipToRegion ?? "")|\(o.shipComplete)|\(o.status)|\(o.priorityOverride.map(String.init) ?? "")") }
        for l in snapshot.lines { feed("\(l.orderID)|\(l.lineNo)|\(l.sku)|\(l.qty)|\(l.unitPrice.map { "\($0)" } ?? "")|\(l.allowPartial)|\(l.allowSubstitute)") }
        for s in snapshot.substitutes { feed("\(s)") }
        for c in snapshot.commitments { feed("\(c)") }
        for q in snapshot.quotas { feed("\(q)") }
        for r in snapshot.reservations { feed("\(r.orderID)|\(r.lineNo)|\(r.warehouseID)|\(r.sku)|\(r.source)|\(r.qty)") }
        h.update(data: bytes)
        return h.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The customer tier of each order, stored with its recommendations for the workbench's `tier:` filter.
    static func tierByOrder(_ snapshot: Snapshot) -> [OrderID: String] {
        var tierOf: [CustomerID: String] = [:]
        for c in snapshot.customers { tierOf[c.id] = c.tier }
        var out: [OrderID: String] = [:]
        out.reserveCapacity(snapshot.orders.count)
        for o in snapshot.orders { out[o.id] = tierOf[o.customerID] ?? "" }
        return out
    }

    /// Stores `plan` as the current plan and returns its id. A line keeps its `version` when its recommendation
    /// (allocations, status, exceptions) is unchanged from the previous current plan, else gets version + 1.
    /// `changeID`, when given, is the newest change-feed entry read before the snapshot was loaded
    /// (`Mirror.lastChangeID()`): the incremental re-plan then starts after it.
    @discardableResult
    public func save(_ plan: Plan, snapshot: Snapshot, policy: Policy, inputHash: String,
                     now: Timestamp = Timestamp(seconds: Date().timeIntervalSince1970), changeID: Int64? = nil) throws -> String {
        // The time to the second and the inputs; a plan of the same inputs stored in the same second as one still kept
        // gets "-2", "-3", …
        let baseID = "P-\(now.description.filter { $0.isNumber })-\(inputHash.prefix(8))"
        var price: [LineKey: Double] = [:]
        var itemPrice: [SKU: Double] = [:]
        for i in snapshot.items { if let p = i.unitPrice { itemPrice[i.sku] = p } }
        price.reserveCapacity(snapshot.lines.count)
        for l in snapshot.lines { if let p = l.unitPrice ?? itemPrice[l.sku] { price[l.key] = p } }
        var requested: [OrderID: Day] = [:]
        for o in snapshot.orders { requested[o.id] = o.requestedDate }
        let tiers = PlanStore.tierByOrder(snapshot)
        let summary = String(decoding: try JSONEncoder.sorted.encode(plan.summary), as: UTF8.self)

        return try mirror.db.write { db in try Mirror.withLargeCache(db) {
            var planID = baseID, n = 1
            while try Bool.fetchOne(db, sql: "SELECT 1 FROM plan WHERE plan_id = ?", arguments: [planID]) != nil {
                n += 1
                planID = "\(baseID)-\(n)"
            }
            // The previous current plan's lines: their version, first sighting and what they recommended. Read and
            // written below with values bound straight to SQLite: boxing each line's twenty values into GRDB's
            // arguments was about a tenth of storing a plan.
            var previous: [LineKey: PreviousLine] = [:]
            if let prior = try String.fetchOne(db, sql: "SELECT plan_id FROM plan WHERE is_current = 1") {
                let read = try FastStatement(db, sql: """
                    SELECT order_id, line_no, version, first_seen_at, allocations_json, status, exceptions
                    FROM recommendation WHERE plan_id = ?
                    """)
                read.bind(prior)
                previous.reserveCapacity(plan.lines.count)
                try read.forEachRow { r in
                    previous[LineKey(orderID: r.text(0), lineNo: Int(r.int64(1)))] = PreviousLine(
                        version: Int(r.int64(2)), firstSeen: r.text(3), allocations: r.text(4), status: r.text(5), exceptions: r.text(6))
                }
                try db.execute(sql: "UPDATE plan SET is_current = 0 WHERE plan_id = ?", arguments: [prior])
            }
            try db.execute(sql: """
                INSERT INTO plan(plan_id, created_at, as_of, policy_version, input_hash, summary_json, is_current)
                VALUES (?, ?, ?, ?, ?, ?, 1)
                """, arguments: [planID, now.description, plan.asOf.description, plan.policyVersion, inputHash, summary])
            let insert = try FastStatement(db, sql: """
                INSERT INTO recommendation(plan_id, order_id, line_no, sku, requested, allocated, short, priority_class,
                  status, exceptions, queue, cost, value, promise_date, requested_date, allocations_json, rationale,
                  version, first_seen_at, tier)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let nowText = now.description
            // A plan lists an order's lines together: its requested date and tier are looked up once per order.
            var order: (id: OrderID, requested: String, tier: String) = ("", "", "")
            for (k, r) in plan.lines.enumerated() {
                if k == 0 || r.orderID != order.id {
                    order = (r.orderID, (requested[r.orderID] ?? plan.asOf).description, tiers[r.orderID] ?? "")
                }
                let allocations = PlanJSON.allocations(r.allocations)
                let exceptions = r.exceptions.map(\.rawValue).joined(separator: ",")
                var version = 1, first = nowText
                if let p = previous[r.key] {
                    first = p.firstSeen
                    let same = p.allocations == allocations && p.status == r.status.rawValue && p.exceptions == exceptions
                    version = same ? p.version : p.version + 1
                }
                let value = Double(r.allocated) * (price[r.key] ?? 0)
                insert.bind(planID); insert.bind(r.orderID); insert.bind(r.lineNo); insert.bind(r.sku)
                insert.bind(r.requested); insert.bind(r.allocated); insert.bind(r.short); insert.bind(r.priorityClass)
                insert.bind(r.status.rawValue); insert.bind(exceptions); insert.bind(Engine.queue(for: r, policy: policy)?.rawValue)
                insert.bind(r.cost); insert.bind(value); insert.bind(r.promiseDate?.description)
                insert.bind(order.requested); insert.bind(allocations); insert.bind(r.rationale)
                insert.bind(version); insert.bind(first); insert.bind(order.tier)
                try insert.execute()
            }
            if let changeID { try PlanStore.recordBasis(db, planID: planID, changeID: changeID) }
            // Keep only the newest plans (the current one and a few before it, for comparison). Plans of one second are
            // ordered as stored (by rowid): their ids' "-10" would sort before "-9".
            try db.execute(sql: """
                DELETE FROM plan WHERE plan_id NOT IN (SELECT plan_id FROM plan ORDER BY created_at DESC, rowid DESC LIMIT ?)
                """, arguments: [keep])
            return planID
        } }
    }

    /// The id of the current plan, if any plan was stored.
    public func currentPlanID() throws -> String? {
        try mirror.db.read { db in try String.fetchOne(db, sql: "SELECT plan_id FROM plan WHERE is_current = 1") }
    }

    /// The current plan, rebuilt from its stored lines (in line order), or nil.
    public func currentPlan() throws -> Plan? {
        try mirror.db.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT plan_id, as_of, policy_version, summary_json FROM plan WHERE is_current = 1"),
                  let asOf = Day(row[1] as String) else { return nil }
            let summary = try JSONDecoder().decode(PlanSummary.self, from: Data((row[3] as String).utf8))
            var lines: [LineRecommendation] = []
            let rows = try Row.fetchCursor(db, sql: "\(PlanStore.select) WHERE plan_id = ? ORDER BY order_id, line_no", arguments: [row[0] as String])
            while let r = try rows.next() { lines.append(try PlanStore.decode(r).recommendation) }
            return Plan(asOf: asOf, policyVersion: row[2], lines: lines, summary: summary)
        }
    }

    /// One line of a stored plan.
    public func recommendation(planID: String, _ key: LineKey) throws -> StoredRecommendation? {
        try mirror.db.read { db in
            try Row.fetchOne(db, sql: "\(PlanStore.select) WHERE plan_id = ? AND order_id = ? AND line_no = ?",
                             arguments: [planID, key.orderID, key.lineNo]).map(PlanStore.decode)
        }
    }

    /// One page of a plan's lines, filtered and sorted in SQL so that only the visible rows are read.
    public func page(planID: String, _ q: PlanPageQuery) throws -> [StoredRecommendation] {
        let (whereSQL, args) = PlanStore.filter(planID: planID, q)
        let order: String
        switch q.sort {
        case .priority: order = "priority_class, requested_date, order_id, line_no"
        case .requestedDate: order = "requested_date, priority_class, order_id, line_no"
        case .cost: order = "cost DESC, order_id, line_no"
        case .value: order = "value DESC, order_id, line_no"
        case .order: order = "order_id, line_no"
        }
        return try mirror.db.read { db in
            try Row.fetchAll(db, sql: "\(PlanStore.select) WHERE \(whereSQL) ORDER BY \(order) LIMIT ? OFFSET ?",
                             arguments: StatementArguments(args + [q.limit, q.offset])).map(PlanStore.decode)
        }
    }

    /// How many lines a query matches (ignoring its offset and limit).
    public func count(planID: String, _ q: PlanPageQuery) throws -> Int {
        let (whereSQL, args) = PlanStore.filter(planID: planID, q)
        return try mirror.db.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM recommendation WHERE \(whereSQL)", arguments: StatementArguments(args)) ?? 0
        }
    }

    static let select = """
        SELECT plan_id, order_id, line_no, sku, requested, short, priority_class, status, exceptions, queue, value,
          promise_date, requested_date, allocations_json, rationale, version, first_seen_at FROM recommendation
        """

    static func filter(planID: String, _ q: PlanPageQuery) -> (String, [any DatabaseValueConvertible]) {
        var parts = ["plan_id = ?"]
        var args: [any DatabaseValueConvertible] = [planID]
        if !q.statuses.isEmpty {
            parts.append("status IN (\(q.statuses.map { _ in "?" }.joined(separator: ",")))")
            args += q.statuses.map(\.rawValue)
        }
        if let r = q.queue { parts.append("queue = ?"); args.append(r.rawValue) }
        if let e = q.exception { parts.append("(',' || exceptions || ',') LIKE ?"); args.append("%,\(e.rawValue),%") }
        if let s = q.sku { parts.append("sku = ?"); args.append(s) }
        if let s = q.search, !s.isEmpty { parts.append("(order_id LIKE ? OR sku LIKE ?)"); args += ["\(s)%", "\(s)%"] }
        return (parts.joined(separator: " AND "), args)
    }

    static func decode(_ r: Row) throws -> StoredRecommendation {
        let allocations = try JSONDecoder().decode([Allocation].self, from: Data((r[13] as String).utf8))
        let exceptions = (r[8] as String).split(separator: ",").compactMap { ExceptionKind(rawValue: String($0)) }
        let requested: Int = r[4], short: Int = r[5]
        let rec = LineRecommendation(orderID: r[1], lineNo: r[2], sku: r[3], requested: requested, priorityClass: r[6],
                                     allocations: allocations, short: short,
                                     status: LineStatus(rawValue: r[7]) ?? .review, exceptions: exceptions, rationale: r[14])
        return StoredRecommendation(planID: r[0], recommendation: rec, version: r[15], queue: (r[9] as String?).flatMap(Role.init(rawValue:)),
                                    value: r[10], promiseDate: (r[11] as String?).flatMap { Day($0) },
                                    requestedDate: Day(r[12] as String) ?? Day(ordinal: 0),
                                    firstSeenAt: Timestamp(r[16] as String) ?? Timestamp(seconds: 0))
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder { let e = JSONEncoder(); e.outputFormatting = [.sortedKeys]; return e }
}
