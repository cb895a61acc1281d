import GRDB
import AllotCore

/// An order customer service must act on: on order hold, on credit hold, or with lines waiting on the customer.
public struct HeldOrder: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case orderHold = "order hold"
        case creditHold = "credit hold"
        case waitingOnCustomer = "customer answer"
    }
    public var orderID: OrderID
    public var customerID: CustomerID
    public var customerName: String
    public var tier: String
    public var kind: Kind
    public var reason: String
    public var orderDate: Day?
    public var requestedDate: Day?
    public var lines: Int
    public var value: Double
    /// The order's first line number (an order-level decision is addressed through it).
    public var firstLineNo: Int
    /// The newest note written on any of the order's lines, as "user: text".
    public var lastNote: String?
    public init(orderID: OrderID, customerID: CustomerID, customerName: String, tier: String, kind: Kind, reason: String,
                orderDate: Day?, requestedDate: Day?, lines: Int, value: Double, firstLineNo: Int = 1, lastNote: String? = nil) {
        self.firstLineNo = firstLineNo; self.lastNote = lastNote
        self.orderID = orderID; self.customerID = customerID; self.customerName = customerName; self.tier = tier; self.kind = kind
        self.reason = reason; self.orderDate = orderDate; self.requestedDate = requestedDate; self.lines = lines; self.value = value
    }
}

extension WorkbenchReads {
    /// Orders on hold (order or credit) and orders with lines routed to customer service, oldest first.
    public func heldOrders(limit: Int = 1000) throws -> [HeldOrder] {
        try mirror.db.read { db in
            var out = try Row.fetchAll(db, sql: """
                SELECT o.order_id, o.customer_id, c.name, c.tier, o.status, coalesce(o.hold_reason, ''), c.credit_status,
                       o.order_date, o.requested_date,
                       (SELECT count(*) FROM order_line l WHERE l.order_id = o.order_id),
                       (SELECT coalesce(sum(l.qty * coalesce(l.unit_price, 0)), 0) FROM order_line l WHERE l.order_id = o.order_id),
                       (SELECT coalesce(min(l.line_no), 1) FROM order_line l WHERE l.order_id = o.order_id),
                       \(Self.lastNoteSQL)
                FROM sales_order o JOIN customer c ON c.customer_id = o.customer_id
                WHERE o.status = 'held' OR (o.status = 'open' AND c.credit_status = 'hold')
                ORDER BY o.order_date, o.order_id LIMIT ?
                """, arguments: [limit]).map { r -> HeldOrder in
                let orderHeld = (r[4] as String) == "held"
                return HeldOrder(orderID: r[0], customerID: r[1], customerName: r[2], tier: r[3],
                                 kind: orderHeld ? .orderHold : .creditHold,
                                 reason: orderHeld ? r[5] : "customer credit status is hold",
                                 orderDate: Day(r[7] as String), requestedDate: Day(r[8] as String), lines: r[9], value: r[10], firstLineNo: r[11],
                                 lastNote: r[12])
            }
            if let plan = try Self.currentPlan(db), out.count < limit {
                let seen = Set(out.map(\.orderID))
                let waiting = try Row.fetchAll(db, sql: """
                    SELECT o.order_id, o.customer_id, c.name, c.tier, group_concat(DISTINCT r.exceptions), o.order_date, o.requested_date,
                           count(*), sum(r.value), min(r.line_no), \(Self.lastNoteSQL)
                    FROM recommendation r JOIN sales_order o ON o.order_id = r.order_id JOIN customer c ON c.customer_id = o.customer_id
                    WHERE r.plan_id = ? AND r.status = 'review' AND r.queue = 'customer_service'
                    GROUP BY o.order_id ORDER BY o.order_date, o.order_id LIMIT ?
                    """, arguments: [plan.id, limit - out.count])
                for r in waiting where !seen.contains(r[0]) {
                    out.append(HeldOrder(orderID: r[0], customerID: r[1], customerName: r[2], tier: r[3], kind: .waitingOnCustomer,
                                         // Each line's list joined: a type two lines share is named once, in the contract's order.
                                         reason: Set(parseExceptions(r[4] ?? "")).sorted().map(\.rawValue).joined(separator: " "),
                                         orderDate: Day(r[5] as String), requestedDate: Day(r[6] as String), lines: r[7], value: r[8] ?? 0, firstLineNo: r[9],
                                         lastNote: r[10]))
                }
            }
            return out
        }
    }

    /// The newest note on the order `o` (by the decision_line index).
    static let lastNoteSQL = """
        (SELECT d.user || ': ' || d.note FROM decision d WHERE d.order_id = o.order_id AND d.action = 'note' ORDER BY d.id DESC LIMIT 1)
        """

    /// The user's role as users.csv lists it, or nil for a user the mirror does not know.
    public func role(of user: String) throws -> Role? {
        try mirror.db.read { db in
            try String.fetchOne(db, sql: "SELECT role FROM app_user WHERE user = ?", arguments: [user]).flatMap(Role.init(rawValue:))
        }
    }
}
