/// The engine's output, shaped as the contract's plan JSON (section 3).

/// What happens to a planned line next.
public enum LineStatus: String, Hashable, Sendable, Codable, CaseIterable {
    /// Passes every auto-release rule.
    case auto
    /// An exception routes it to a person.
    case review
    /// The order or the customer is on hold.
    case held
    /// Nothing can be allocated within the horizon.
    case backorder
}

/// Units of one line from one supply, shipped from one warehouse.
public struct Allocation: Hashable, Sendable, Codable {
    /// The warehouse the units ship from (for a transfer, the receiving warehouse).
    public var warehouseID: WarehouseID
    public var qty: Int
    public var source: SupplySource
    public var shipDate: Day
    public var arrivalDate: Day
    /// qty × (lane cost [+ transfer cost]) + lateness per unit day × qty × days late.
    public var cost: Double
    /// The lane mode used (expedite when it turns a late arrival into an on-time one).
    public var mode: LaneMode

    public init(warehouseID: WarehouseID, qty: Int, source: SupplySource, shipDate: Day, arrivalDate: Day, cost: Double, mode: LaneMode = .ground) {
        self.warehouseID = warehouseID; self.qty = qty; self.source = source; self.shipDate = shipDate
        self.arrivalDate = arrivalDate; self.cost = cost; self.mode = mode
    }

    enum CodingKeys: String, CodingKey {
        case warehouseID = "warehouse_id", qty, source, shipDate = "ship_date", arrivalDate = "arrival_date", cost, mode
    }
}

/// The engine's recommendation for one order line.
public struct LineRecommendation: Hashable, Sendable, Codable {
    public var orderID: OrderID
    public var lineNo: Int
    public var sku: SKU
    public var requested: Int
    /// 0 is served first.
    public var priorityClass: Int
    public var allocations: [Allocation]
    public var short: Int
    public var status: LineStatus
    public var exceptions: [ExceptionKind]
    /// One plain sentence for people.
    public var rationale: String

    public init(orderID: OrderID, lineNo: Int, sku: SKU, requested: Int, priorityClass: Int, allocations: [Allocation],
                short: Int, status: LineStatus, exceptions: [ExceptionKind], rationale: String) {
        self.orderID = orderID; self.lineNo = lineNo; self.sku = sku; self.requested = requested; self.priorityClass = priorityClass
        self.allocations = allocations; self.short = short; self.status = status; self.exceptions = exceptions; self.rationale = rationale
    }

    public var key: LineKey { LineKey(orderID: orderID, lineNo: lineNo) }
    public var allocated: Int { allocations.reduce(0) { $0 + $1.qty } }
    public var cost: Double { allocations.reduce(0) { $0 + $1.cost } }
    /// The date promised: the latest arrival among its allocations (nil when nothing is allocated).
    public var promiseDate: Day? { allocations.map(\.arrivalDate).max() }

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id", lineNo = "line_no", sku, requested, priorityClass = "priority_class", allocations,
             short, status, exceptions, rationale
    }
}

public struct PlanSummary: Hashable, Sendable, Codable {
    public var lines: Int
    public var auto: Int
    public var review: Int
    public var held: Int
    public var backorder: Int
    /// Allocated units / requested units over all planned lines.
    public var fillRate: Double
    /// Allocation costs plus split penalties.
    public var totalCost: Double

    public init(lines: Int = 0, auto: Int = 0, review: Int = 0, held: Int = 0, backorder: Int = 0, fillRate: Double = 0, totalCost: Double = 0) {
        self.lines = lines; self.auto = auto; self.review = review; self.held = held; self.backorder = backorder
        self.fillRate = fillRate; self.totalCost = totalCost
    }

    enum CodingKeys: String, CodingKey {
        case lines, auto, review, held, backorder, fillRate = "fill_rate", totalCost = "total_cost"
    }
}

/// A whole plan: every open line's recommendation under one policy at one date.
public struct Plan: Hashable, Sendable, Codable {
    public var asOf: Day
    public var policyVersion: String
    public var lines: [LineRecommendation]
    public var summary: PlanSummary
    /// The solver's own recommendation of each line that a pass after it changed (ship complete, site capacity), so
    /// that an incremental re-plan can redo those passes exactly; not part of the contract's JSON nor of equality.
    var solverRecord = SolverRecord()

    public init(asOf: Day, policyVersion: String, lines: [LineRecommendation], summary: PlanSummary) {
        self.asOf = asOf; self.policyVersion = policyVersion; self.lines = lines; self.summary = summary
    }

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of", policyVersion = "policy_version", lines, summary
    }

    /// A copy that shares no storage with this plan: an incremental re-plan then changes it in place, as it does the plan
    /// `allot watch` owns, without first copying its lines and the solver's record (what `allot bench plan` times).
    public func unsharedCopy() -> Plan {
        var copy = Plan(asOf: asOf, policyVersion: policyVersion, lines: lines.map { $0 }, summary: summary)
        var record = solverRecord
        record.lines = Dictionary(uniqueKeysWithValues: solverRecord.lines.map { ($0.key, $0.value) })
        record.free = Dictionary(uniqueKeysWithValues: solverRecord.free.map { ($0.key, $0.value) })
        record.supplies = Dictionary(uniqueKeysWithValues: solverRecord.supplies.map { ($0.key, $0.value) })
        record.spread = solverRecord.spread.map { SpreadOrders(inPassOrder: $0.inPassOrder) }
        copy.solverRecord = record
        return copy
    }

    /// The solver's record of each sku's supplies (`SolverRecord.supplies`) for passes planning as of `day`: none for
    /// another day than the plan's own (its supplies' dates and ages would be another day's).
    func recordedSupplies(asOf day: Day) -> [SKU: SupplyLedger.Loaded] { asOf == day ? solverRecord.supplies : [:] }
}

/// The solver's recommendations of the lines the passes after it changed; `known` is false for a plan that was
/// not made by the engine in this process (read back from storage), which an incremental re-plan cannot splice.
struct SolverRecord: Hashable, Sendable {
    var known = false
    var lines: [LineKey: LineRecommendation] = [:]
    /// The supplies each sku had left free after the solver.
    var free: [SKU: [FreeSupply]] = [:]
    /// Each solved sku's supplies with the units the solver left free (`free` in the supplies' order), as its group's last
    /// solve left them (kept up to date by incremental re-plans): the passes after the solver read them instead of
    /// working them out from the index again. A sku not listed is worked out.
    var supplies: [SKU: SupplyLedger.Loaded] = [:]
    /// The summary's sums, which an incremental re-plan adjusts line by line.
    var totals = PlanTotals()
    /// The ship-complete orders the solver left spread over several warehouses (those the pass re-sources), in the
    /// pass's order, as the pass found them; nil for a plan made otherwise.
    var passOrders: [SpreadOrder]?
    /// The same by order and by sku, kept up to date by incremental re-plans: built beside the plan's totals, or by the
    /// first re-plan that needs them.
    var spread: SpreadOrders?
    static func == (a: SolverRecord, b: SolverRecord) -> Bool { true }
    func hash(into hasher: inout Hasher) {}
}
