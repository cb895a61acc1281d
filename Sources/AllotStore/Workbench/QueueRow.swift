import Foundation
import AllotCore

/// One line of the planner's exception queue: the engine's recommendation joined with its order and customer.
public struct QueueRow: Hashable, Sendable {
    public var key: LineKey
    public var customerID: CustomerID
    public var customerName: String
    public var tier: String
    public var sku: SKU
    public var requested: Int
    public var allocated: Int
    public var short: Int
    public var priorityClass: Int
    public var status: LineStatus
    public var exceptions: [ExceptionKind]
    public var allocations: [Allocation]
    public var cost: Double
    public var value: Double
    public var requestedDate: Day?
    public var promiseDate: Day?
    /// When the line first appeared in a plan needing a person (its age in the queue starts here).
    public var firstSeenAt: Timestamp?
    /// The recommendation's version: a decision made against an older one is refused as stale.
    public var version: Int
    /// The line's decision version (0 = never decided): a decision made after someone else's is refused as stale.
    public var lineVersion: Int = 0
    /// The line's workflow state when someone decided it (`rejected`, …), nil while it is only recommended.
    public var decisionState: String?
    /// A change in the mirror invalidated an earlier decision: the line is back for a new one.
    public var needsRecheck = false
    /// How likely a planner is to override the recommendation, learned from past overrides; nil when the model has
    /// too little history to say (filled by the workbench for the rows it shows, never stored).
    public var overrideLikelihood: Double?
    /// The raw columns the queue sorts by, so the next page can start right after this row.
    public var sortKey: SortKey

    public init(key: LineKey, customerID: CustomerID, customerName: String, tier: String, sku: SKU, requested: Int,
                allocated: Int, short: Int, priorityClass: Int, status: LineStatus, exceptions: [ExceptionKind],
                allocations: [Allocation], cost: Double, value: Double, requestedDate: Day?, promiseDate: Day?,
                firstSeenAt: Timestamp?, version: Int, sortKey: SortKey) {
        self.key = key; self.customerID = customerID; self.customerName = customerName; self.tier = tier; self.sku = sku
        self.requested = requested; self.allocated = allocated; self.short = short; self.priorityClass = priorityClass
        self.status = status; self.exceptions = exceptions; self.allocations = allocations; self.cost = cost
        self.value = value; self.requestedDate = requestedDate; self.promiseDate = promiseDate
        self.firstSeenAt = firstSeenAt; self.version = version; self.sortKey = sortKey
    }

    /// The stored values of the sortable columns of one row, exactly as SQLite compares them.
    public struct SortKey: Hashable, Sendable {
        public var exceptions: String
        public var priorityClass: Int
        public var requestedDate: String
        public var value: Double
        public var firstSeenAt: String
        public var orderID: String
        public var lineNo: Int
        public init(exceptions: String, priorityClass: Int, requestedDate: String, value: Double, firstSeenAt: String,
                    orderID: String, lineNo: Int) {
            self.exceptions = exceptions; self.priorityClass = priorityClass; self.requestedDate = requestedDate
            self.value = value; self.firstSeenAt = firstSeenAt; self.orderID = orderID; self.lineNo = lineNo
        }
    }
}

/// Reads the exception list as stored (any separator between the names) into exception kinds; unknown names are dropped.
func parseExceptions(_ text: String) -> [ExceptionKind] {
    text.split(whereSeparator: { !($0.isLetter || $0 == "_") }).compactMap { ExceptionKind(rawValue: String($0)) }
}

/// Reads a stored allocations array (the plan JSON's `allocations`), tolerating absent optional keys.
func parseAllocations(_ json: String) -> [Allocation] {
    guard let data = json.data(using: .utf8),
          let array = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else { return [] }
    return array.compactMap { a in
        guard let wh = a["warehouse_id"] as? String else { return nil }
        let qty = (a["qty"] as? NSNumber)?.intValue ?? 0
        let source = (a["source"] as? String).flatMap(SupplySource.init) ?? .onHand
        let ship = (a["ship_date"] as? String).flatMap { Day($0) } ?? Day(ordinal: 0)
        let arrival = (a["arrival_date"] as? String).flatMap { Day($0) } ?? ship
        let cost = (a["cost"] as? NSNumber)?.doubleValue ?? 0
        let mode = (a["mode"] as? String).flatMap(LaneMode.init(rawValue:)) ?? .ground
        return Allocation(warehouseID: wh, qty: qty, source: source, shipDate: ship, arrivalDate: arrival, cost: cost, mode: mode)
    }
}
