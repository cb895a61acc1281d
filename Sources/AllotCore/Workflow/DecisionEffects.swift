/// How one line moves because of a decision.
public struct LineTransition: Hashable, Sendable {
    public init(key: LineKey, sku: SKU?, before: LineState, after: LineState, allocationBefore: [Allocation], allocationAfter: [Allocation],
                decidedRecVersion: Int?, escalatedBy: String?) {
        self.key = key; self.sku = sku; self.before = before; self.after = after; self.allocationBefore = allocationBefore
        self.allocationAfter = allocationAfter; self.decidedRecVersion = decidedRecVersion; self.escalatedBy = escalatedBy
    }
    public var key: LineKey
    public var sku: SKU?
    public var before: LineState
    public var after: LineState
    public var allocationBefore: [Allocation]
    public var allocationAfter: [Allocation]
    /// The recommendation version the new state answers (nil when it answers none).
    public var decidedRecVersion: Int?
    /// Who escalated, while the line waits for a supervisor.
    public var escalatedBy: String?
}

/// What a decision does to the order as a whole in the mirror.
public enum OrderEffect: Hashable, Sendable {
    /// Put the order on hold (the next plan holds every open line of it).
    case hold
    /// Lift the order's hold; `credit` also clears the customer's credit hold.
    case releaseHold(credit: Bool)
    /// Cancel the order; its reservations go back.
    case cancel
}

/// A canonical event for the ERP, emitted in the same transaction as the decision (the outbox).
public struct WorkflowEvent: Hashable, Sendable, Codable {
    /// `allocation.released`, `allocation.approved`, `order.held`, `order.released` or `order.cancelled`.
    public var type: String
    public var orderID: OrderID
    public var lineNo: Int?
    public var sku: SKU?
    public var customerID: CustomerID?
    public var allocations: [Allocation]?
    public var reasonCode: String?
    public var note: String?
    /// For `order.released`: the hold lifted was a credit hold.
    public var credit: Bool?
    public var decidedBy: String
    public var role: String

    public enum CodingKeys: String, CodingKey {
        case type, orderID = "order_id", lineNo = "line_no", sku, customerID = "customer_id", allocations,
             reasonCode = "reason_code", note, credit, decidedBy = "decided_by", role
    }
}

/// Everything a permitted decision changes; the store applies it in one transaction.
public struct DecisionEffects: Hashable, Sendable {
    public var action: DecisionAction
    public var actor: DecisionAuthor
    public var reasonCode: String?
    public var note: String?
    /// The addressed line first, then the order's other lines an order-level action moved.
    public var transitions: [LineTransition]
    /// Why an override went to a supervisor instead of being applied (empty otherwise).
    public var escalationReasons: [String]
    public var orderEffect: OrderEffect?
    /// Lines whose allocation becomes reservations.
    public var reserve: [LineTransition] { transitions.filter { $0.after == .released && $0.before != .released } }
    /// Lines whose reservations go back.
    public var unreserve: [LineKey]
    public var events: [WorkflowEvent]

    /// The addressed line's new state.
    public var newState: LineState? { transitions.first?.after }
    /// An override routed to a supervisor instead of applied.
    public var wasEscalatedByPolicy: Bool { action == .override && !escalationReasons.isEmpty }
}
