import AllotCore
import AllotStore

extension DecisionAction {
    /// Everything but accept asks for a reason code and a note before it is recorded.
    public var needsRationale: Bool { self != .accept }

    public var pastTense: String {
        switch self {
        case .accept: return "accepted"
        case .override: return "overridden"
        case .escalate: return "escalated"
        case .approve: return "approved"
        case .reject: return "rejected"
        case .hold: return "held"
        case .release: return "released"
        case .cancel: return "cancelled"
        case .note: return "noted"
        }
    }
}

/// What a decision is about: one line (against the recommendation version the user saw) or a whole order.
public enum DecisionTarget: Hashable, Sendable, CustomStringConvertible {
    /// One line, with the recommendation version and the line's decision version the user saw.
    case line(LineKey, version: Int, lineVersion: Int)
    /// A whole order (hold, release, cancel from the held orders), addressed through its first line.
    case order(OrderID, firstLine: Int)
    public var description: String {
        switch self {
        case .line(let k, _, _): return k.description
        case .order(let o, _): return o
        }
    }
    /// The line the store is asked about.
    public var line: LineKey {
        switch self {
        case .line(let k, _, _): return k
        case .order(let o, let n): return LineKey(orderID: o, lineNo: n)
        }
    }
}

/// A decision the user confirmed, handed to the store at the edge (the reducer never writes).
public struct ConfirmedDecision: Hashable, Sendable {
    public var action: DecisionAction
    public var target: DecisionTarget
    public var reason: String
    public var note: String
    /// For an override: the allocations the user chose instead of the recommendation.
    public var allocations: [Allocation]?
    public init(action: DecisionAction, target: DecisionTarget, reason: String, note: String, allocations: [Allocation]? = nil) {
        self.action = action; self.target = target; self.reason = reason; self.note = note; self.allocations = allocations
    }
}

/// What the store said about a decision: recorded, or refused with the reason shown on the flash line.
public enum DecisionReply: Hashable, Sendable {
    case recorded(String)
    case refused(String)
}

/// The rationale prompt: a reason code picked with the arrows and a free-text note.
public struct RationalePrompt: Hashable, Sendable {
    public var request: ConfirmedDecision
    public var reasons: [String]
    public var reasonIndex = 0
    public var note = TextField()
    public init(request: ConfirmedDecision, reasons: [String]) { self.request = request; self.reasons = reasons }
    /// The chosen reason code; with no codes listed, none for a note and OTHER for a decision.
    public var reason: String {
        reasons.indices.contains(reasonIndex) ? reasons[reasonIndex] : (request.action == .note ? "" : "OTHER")
    }
}

/// One row of a line's options table: a way to source it, what it would cost, and whether the engine chose it.
public struct SourcingChoice: Hashable, Sendable {
    public var warehouseID: WarehouseID
    public var source: SupplySource
    /// Units this supply could still give the line.
    public var available: Int
    public var shipDate: Day
    public var arrivalDate: Day
    public var daysLate: Int
    public var unitCost: Double
    /// Margin after freight as a fraction of the price ((price − cost − freight) / price), when the item's price and cost are known.
    public var margin: Double?
    /// Units the recommendation takes from it.
    public var chosenQty: Int
    /// Why the engine did not use it (empty when chosen).
    public var whyNot: String
    /// For a substitute: how likely this customer is to accept it, learned from past offers (nil for the ordered sku).
    public var acceptance: SubstitutionAcceptance?
    /// The lane its units would take: two rows of one supply differ by it (expedite: sooner, dearer).
    public var mode: LaneMode = .ground
    /// Its row's name: the warehouse, and the supply when it is not stock on hand ("MEM substitute:NS-1000B").
    public var label: String { source == .onHand ? warehouseID : "\(warehouseID) \(source)" }
    public init(warehouseID: WarehouseID, source: SupplySource, available: Int, shipDate: Day, arrivalDate: Day, daysLate: Int,
                unitCost: Double, margin: Double? = nil, chosenQty: Int, whyNot: String = "") {
        self.warehouseID = warehouseID; self.source = source; self.available = available; self.shipDate = shipDate
        self.arrivalDate = arrivalDate; self.daysLate = daysLate; self.unitCost = unitCost; self.margin = margin
        self.chosenQty = chosenQty; self.whyNot = whyNot
    }
}

extension Array where Element == SourcingChoice {
    /// The options table and the override editor show a lane column only when some option is expedited: it tells apart
    /// two rows of the same supply.
    var anyExpedited: Bool { contains { $0.mode == .expedite } }

    /// The width of the widest row name, kept between `least` and `most` columns.
    func labelWidth(least: Int, most: Int) -> Int { Swift.min(Swift.max(least, map { TextWidth.of($0.label) }.max() ?? 0), most) }
}

/// The override editor: quantities per option, with live feasibility and the cost and service change.
public struct OverrideEditor: Hashable, Sendable {
    public var key: LineKey
    public var version: Int
    public var lineVersion: Int
    public var requested: Int
    public var choices: [SourcingChoice]
    public var quantities: [Int]
    public var cursor = 0
    /// Digits typed for the selected option's quantity (replacing it) since the cursor last moved.
    public var typed: String?

    public init(key: LineKey, version: Int, lineVersion: Int = 0, requested: Int, choices: [SourcingChoice]) {
        self.key = key; self.version = version; self.lineVersion = lineVersion; self.requested = requested; self.choices = choices
        quantities = choices.map(\.chosenQty)
    }

    public var total: Int { quantities.reduce(0, +) }
    public var cost: Double { zip(choices, quantities).reduce(0) { $0 + $1.0.unitCost * Double($1.1) } }
    public var recommendedCost: Double { choices.reduce(0) { $0 + $1.unitCost * Double($1.chosenQty) } }
    public var recommendedTotal: Int { choices.reduce(0) { $0 + $1.chosenQty } }
    public var latestArrivalLate: Int { zip(choices, quantities).filter { $0.1 > 0 }.map(\.0.daysLate).max() ?? 0 }
    public var changed: Bool { quantities != choices.map(\.chosenQty) }

    /// Why the quantities cannot be used, or nil when they can.
    public var problem: String? {
        for (c, q) in zip(choices, quantities) where q > c.available {
            return "\(c.warehouseID) \(c.source) has only \(c.available) available, not \(q)"
        }
        if total > requested { return "\(total) units is more than the \(requested) requested" }
        if total == 0 { return "nothing allocated: use hold or escalate instead" }
        if !changed { return "same as the recommendation: use accept" }
        return nil
    }

    /// The allocations the override asks for.
    public var allocations: [Allocation] {
        zip(choices, quantities).filter { $0.1 > 0 }.map { c, q in
            Allocation(warehouseID: c.warehouseID, qty: q, source: c.source, shipDate: c.shipDate, arrivalDate: c.arrivalDate,
                       cost: c.unitCost * Double(q))
        }
    }
}

/// One escalation waiting for a supervisor, as the escalations screen lists it.
public struct EscalationRow: Hashable, Sendable {
    public var key: LineKey
    public var version: Int
    public var lineVersion: Int
    public var sku: SKU
    public var customer: String
    public var escalatedBy: String
    public var at: Timestamp?
    public var reason: String
    public var note: String
    public var recommended: String
    public var requested: String
    public var costDelta: Double?
    public var serviceImpact: String
    public init(key: LineKey, version: Int, lineVersion: Int = 0, sku: SKU, customer: String, escalatedBy: String, at: Timestamp?, reason: String,
                note: String, recommended: String, requested: String, costDelta: Double?, serviceImpact: String) {
        self.key = key; self.version = version; self.lineVersion = lineVersion; self.sku = sku; self.customer = customer; self.escalatedBy = escalatedBy
        self.at = at; self.reason = reason; self.note = note; self.recommended = recommended; self.requested = requested
        self.costDelta = costDelta; self.serviceImpact = serviceImpact
    }
}

/// One recorded decision, as the audit screen and a line's history show it.
public struct AuditRow: Hashable, Sendable {
    public var at: Timestamp?
    public var user: String
    public var role: String
    public var action: String
    public var target: String
    public var reason: String
    public var note: String
    public init(at: Timestamp?, user: String, role: String, action: String, target: String, reason: String, note: String) {
        self.at = at; self.user = user; self.role = role; self.action = action; self.target = target; self.reason = reason; self.note = note
    }
}
public typealias DecisionHistoryEntry = AuditRow
