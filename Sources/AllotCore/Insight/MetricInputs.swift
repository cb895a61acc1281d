/// The plain records the process metrics are computed from; the store reads them out of the decision log,
/// the event ledger, the current plan and the shipment history.

/// The breakdowns a metric can be cut by.
public enum MetricDimension: String, Hashable, Sendable, Codable, CaseIterable {
    case tier, customer, family, warehouse, queue
}

/// Where a line sits along every breakdown dimension.
public struct LineDimensions: Hashable, Sendable, Codable {
    public var tier: String
    public var customer: CustomerID
    /// The sku's family, or the sku itself when it has none.
    public var family: String
    /// The warehouse the line was (mostly) allocated from; empty when nothing was allocated.
    public var warehouse: WarehouseID
    /// The role queue the line went to (`planner`, `supervisor`, …), or `auto` when policy released it.
    public var queue: String

    public init(tier: String = "", customer: CustomerID = "", family: String = "", warehouse: WarehouseID = "", queue: String = "auto") {
        self.tier = tier; self.customer = customer; self.family = family; self.warehouse = warehouse; self.queue = queue
    }

    public func value(_ d: MetricDimension) -> String {
        switch d {
        case .tier: return tier
        case .customer: return customer
        case .family: return family
        case .warehouse: return warehouse
        case .queue: return queue
        }
    }
}

/// Who settled a line's allocation.
public enum Decider: Hashable, Sendable, Codable {
    /// Released automatically under the policy.
    case policy
    /// A person in a role.
    case person(Role)

    public var isPerson: Bool { if case .person = self { return true } else { return false } }
}

/// One order line whose allocation was decided (released, overridden, rejected…), with what happened to it.
public struct DecidedLine: Hashable, Sendable {
    public var key: LineKey
    public var sku: SKU
    public var dimensions: LineDimensions
    /// When the order reached Allot (its `order.upserted` event, else its order date).
    public var receivedAt: Timestamp
    /// When the allocation was released (auto-release or a person's accept/override/approve); nil when the
    /// decision did not release it (rejected, held, cancelled).
    public var releasedAt: Timestamp?
    /// When the final decision was taken.
    public var decidedAt: Timestamp
    public var actor: Decider
    /// True when a person replaced the engine's recommendation.
    public var overridden: Bool
    /// The reason code of the override (or of the decision), if any.
    public var reason: String?
    public var requested: Int
    public var allocated: Int
    /// Allocations (warehouse × source) the released line was split into.
    public var allocationCount: Int
    /// True when an expedite lane was used.
    public var expedited: Bool
    public var requestedDate: Day
    /// The arrival date promised to the customer when the line was released; nil falls back to the requested date.
    public var promisedDate: Day?

    public init(key: LineKey, sku: SKU, dimensions: LineDimensions, receivedAt: Timestamp, releasedAt: Timestamp?, decidedAt: Timestamp,
                actor: Decider, overridden: Bool = false, reason: String? = nil, requested: Int, allocated: Int,
                allocationCount: Int = 1, expedited: Bool = false, requestedDate: Day, promisedDate: Day? = nil) {
        self.key = key; self.sku = sku; self.dimensions = dimensions; self.receivedAt = receivedAt; self.releasedAt = releasedAt
        self.decidedAt = decidedAt; self.actor = actor; self.overridden = overridden; self.reason = reason
        self.requested = requested; self.allocated = allocated; self.allocationCount = allocationCount
        self.expedited = expedited; self.requestedDate = requestedDate; self.promisedDate = promisedDate
    }

    /// Hours from order receipt to release.
    public var cycleHours: Double? { releasedAt.map { ($0.seconds - receivedAt.seconds) / 3600 } }
}

/// One confirmed shipment of (part of) a line, from `shipment.confirmed`.
public struct ShipmentRecord: Hashable, Sendable {
    public var key: LineKey
    public var warehouseID: WarehouseID
    public var qty: Int
    public var shippedAt: Timestamp
    public var deliveredAt: Timestamp?
    public init(key: LineKey, warehouseID: WarehouseID, qty: Int, shippedAt: Timestamp, deliveredAt: Timestamp? = nil) {
        self.key = key; self.warehouseID = warehouseID; self.qty = qty; self.shippedAt = shippedAt; self.deliveredAt = deliveredAt
    }
}

/// Units Allot reserved for a line, to compare with what was actually shipped.
public struct ReservedLine: Hashable, Sendable {
    public var key: LineKey
    public var warehouseID: WarehouseID
    public var qty: Int
    public init(key: LineKey, warehouseID: WarehouseID, qty: Int) { self.key = key; self.warehouseID = warehouseID; self.qty = qty }
}

/// An exception waiting in a role's queue.
public struct OpenException: Hashable, Sendable {
    public var key: LineKey
    public var kind: ExceptionKind
    public var queue: Role
    public var openedAt: Timestamp
    public var dimensions: LineDimensions
    public init(key: LineKey, kind: ExceptionKind, queue: Role, openedAt: Timestamp, dimensions: LineDimensions = LineDimensions()) {
        self.key = key; self.kind = kind; self.queue = queue; self.openedAt = openedAt; self.dimensions = dimensions
    }
}

/// Events received and rejected from one source.
public struct IntegrationCount: Hashable, Sendable {
    public var source: String
    public var received: Int
    public var rejected: Int
    public init(source: String, received: Int, rejected: Int) { self.source = source; self.received = received; self.rejected = rejected }
}

/// Everything the metrics are computed from.
public struct MetricsInput: Sendable {
    public var decided: [DecidedLine]
    public var shipments: [ShipmentRecord]
    public var reservations: [ReservedLine]
    public var openExceptions: [OpenException]
    public var integration: [IntegrationCount]

    public init(decided: [DecidedLine] = [], shipments: [ShipmentRecord] = [], reservations: [ReservedLine] = [],
                openExceptions: [OpenException] = [], integration: [IntegrationCount] = []) {
        self.decided = decided; self.shipments = shipments; self.reservations = reservations
        self.openExceptions = openExceptions; self.integration = integration
    }
}
