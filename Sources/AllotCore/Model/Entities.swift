/// The entities of Allot's mirror, one plain value type per row of the contract's snapshot files.
///
/// Identifiers are strings as the ERP writes them. Quantities are whole units; money is `Double`.

public typealias WarehouseID = String
public typealias SKU = String
public typealias CustomerID = String
public typealias OrderID = String

/// A shipping site.
public struct Warehouse: Hashable, Sendable, Codable {
    public var id: WarehouseID
    public var name: String
    public var region: String
    public var handlingDays: Int
    /// Lines the site can ship a day; nil means unlimited.
    public var dailyLineCapacity: Int?
    public init(id: WarehouseID, name: String = "", region: String, handlingDays: Int = 1, dailyLineCapacity: Int? = nil) {
        self.id = id; self.name = name; self.region = region; self.handlingDays = handlingDays; self.dailyLineCapacity = dailyLineCapacity
    }
}

public enum CreditStatus: String, Hashable, Sendable, Codable { case ok, hold }

public struct Customer: Hashable, Sendable, Codable {
    public var id: CustomerID
    public var name: String
    public var tier: String
    public var region: String?
    public var creditStatus: CreditStatus
    public var creditLimit: Double?
    /// Fill-rate target, 0...1.
    public var serviceTarget: Double?
    public init(id: CustomerID, name: String = "", tier: String, region: String? = nil, creditStatus: CreditStatus = .ok,
                creditLimit: Double? = nil, serviceTarget: Double? = nil) {
        self.id = id; self.name = name; self.tier = tier; self.region = region; self.creditStatus = creditStatus
        self.creditLimit = creditLimit; self.serviceTarget = serviceTarget
    }
}

public struct Item: Hashable, Sendable, Codable {
    public var sku: SKU
    public var description: String
    /// Groups constrained product families (family-level quotas).
    public var family: String?
    public var unitCost: Double?
    public var unitPrice: Double?
    public var critical: Bool
    public init(sku: SKU, description: String = "", family: String? = nil, unitCost: Double? = nil, unitPrice: Double? = nil, critical: Bool = false) {
        self.sku = sku; self.description = description; self.family = family; self.unitCost = unitCost; self.unitPrice = unitPrice; self.critical = critical
    }
}

public enum LaneMode: String, Hashable, Sendable, Codable { case ground, expedite }

/// Outbound freight from a warehouse to a region. No lane means the warehouse cannot serve the region.
public struct Lane: Hashable, Sendable, Codable {
    public var from: WarehouseID
    public var toRegion: String
    public var transitDays: Int
    public var costPerUnit: Double
    public var mode: LaneMode
    public init(from: WarehouseID, toRegion: String, transitDays: Int, costPerUnit: Double, mode: LaneMode = .ground) {
        self.from = from; self.toRegion = toRegion; self.transitDays = transitDays; self.costPerUnit = costPerUnit; self.mode = mode
    }
}

/// An inter-warehouse transfer option.
public struct Transfer: Hashable, Sendable, Codable {
    public var from: WarehouseID
    public var to: WarehouseID
    public var leadDays: Int
    public var costPerUnit: Double
    public init(from: WarehouseID, to: WarehouseID, leadDays: Int, costPerUnit: Double) {
        self.from = from; self.to = to; self.leadDays = leadDays; self.costPerUnit = costPerUnit
    }
}

/// The stock position of one sku at one warehouse.
public struct InventoryPosition: Hashable, Sendable, Codable {
    public var warehouseID: WarehouseID
    public var sku: SKU
    public var onHand: Int
    /// Held by commitments made outside Allot.
    public var reserved: Int
    public var safetyStock: Int
    /// When the WMS last counted this position.
    public var asOf: Timestamp?
    public var oldestReceiptDate: Day?
    public init(warehouseID: WarehouseID, sku: SKU, onHand: Int, reserved: Int = 0, safetyStock: Int = 0,
                asOf: Timestamp? = nil, oldestReceiptDate: Day? = nil) {
        self.warehouseID = warehouseID; self.sku = sku; self.onHand = onHand; self.reserved = reserved
        self.safetyStock = safetyStock; self.asOf = asOf; self.oldestReceiptDate = oldestReceiptDate
    }
}

public enum ReceiptKind: String, Hashable, Sendable, Codable { case po, transfer }

/// Inbound supply not yet on hand.
public struct Receipt: Hashable, Sendable, Codable {
    public var id: String
    public var warehouseID: WarehouseID
    public var sku: SKU
    public var qty: Int
    public var eta: Day
    public var kind: ReceiptKind
    public init(id: String, warehouseID: WarehouseID, sku: SKU, qty: Int, eta: Day, kind: ReceiptKind = .po) {
        self.id = id; self.warehouseID = warehouseID; self.sku = sku; self.qty = qty; self.eta = eta; self.kind = kind
    }
}

public enum OrderStatus: String, Hashable, Sendable, Codable { case open, held, cancelled }

public struct Order: Hashable, Sendable, Codable {
    public var id: OrderID
    public var customerID: CustomerID
    public var orderDate: Day
    public var requestedDate: Day
    /// Nil means the customer's region.
    public var shipToRegion: String?
    public var shipComplete: Bool
    public var status: OrderStatus
    public var holdReason: String?
    /// A planner's explicit priority class for the whole order (0 = first); nil means the policy decides.
    public var priorityOverride: Int?
    public init(id: OrderID, customerID: CustomerID, orderDate: Day, requestedDate: Day, shipToRegion: String? = nil,
                shipComplete: Bool = false, status: OrderStatus = .open, holdReason: String? = nil, priorityOverride: Int? = nil) {
        self.id = id; self.customerID = customerID; self.orderDate = orderDate; self.requestedDate = requestedDate
        self.shipToRegion = shipToRegion; self.shipComplete = shipComplete; self.status = status
        self.holdReason = holdReason; self.priorityOverride = priorityOverride
    }
}

/// Identifies one order line: `SO-1001:1`.
public struct LineKey: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var orderID: OrderID
    public var lineNo: Int
    public init(orderID: OrderID, lineNo: Int) { self.orderID = orderID; self.lineNo = lineNo }
    /// Parses `ORDER:LINE`.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let n = Int(text[text.index(after: colon)...]) else { return nil }
        orderID = String(text[..<colon]); lineNo = n
        if orderID.isEmpty { return nil }
    }
    public var description: String { "\(orderID):\(lineNo)" }
    public static func < (a: LineKey, b: LineKey) -> Bool { a.orderID != b.orderID ? a.orderID < b.orderID : a.lineNo < b.lineNo }
}

public struct OrderLine: Hashable, Sendable, Codable {
    public var orderID: OrderID
    public var lineNo: Int
    public var sku: SKU
    public var qty: Int
    public var unitPrice: Double?
    public var allowPartial: Bool
    public var allowSubstitute: Bool
    public init(orderID: OrderID, lineNo: Int, sku: SKU, qty: Int, unitPrice: Double? = nil, allowPartial: Bool = true, allowSubstitute: Bool = false) {
        self.orderID = orderID; self.lineNo = lineNo; self.sku = sku; self.qty = qty; self.unitPrice = unitPrice
        self.allowPartial = allowPartial; self.allowSubstitute = allowSubstitute
    }
    public var key: LineKey { LineKey(orderID: orderID, lineNo: lineNo) }
}

public struct Substitute: Hashable, Sendable, Codable {
    public var sku: SKU
    public var substituteSKU: SKU
    /// 1 = preferred.
    public var rank: Int
    public init(sku: SKU, substituteSKU: SKU, rank: Int = 1) { self.sku = sku; self.substituteSKU = substituteSKU; self.rank = rank }
}

/// Quantity of a sku protected for a customer (a contract) in a period.
public struct Commitment: Hashable, Sendable, Codable {
    public var customerID: CustomerID
    public var sku: SKU
    public var qty: Int
    public var periodStart: Day?
    public var periodEnd: Day?
    public init(customerID: CustomerID, sku: SKU, qty: Int, periodStart: Day? = nil, periodEnd: Day? = nil) {
        self.customerID = customerID; self.sku = sku; self.qty = qty; self.periodStart = periodStart; self.periodEnd = periodEnd
    }
    public func covers(_ day: Day) -> Bool { (periodStart.map { day >= $0 } ?? true) && (periodEnd.map { day <= $0 } ?? true) }
}

/// A cap on what one customer tier may get of a sku or a family in a period (product allocation).
public struct Quota: Hashable, Sendable, Codable {
    public var skuOrFamily: String
    public var tier: String
    public var maxQty: Int
    public var periodStart: Day?
    public var periodEnd: Day?
    public init(skuOrFamily: String, tier: String, maxQty: Int, periodStart: Day? = nil, periodEnd: Day? = nil) {
        self.skuOrFamily = skuOrFamily; self.tier = tier; self.maxQty = maxQty; self.periodStart = periodStart; self.periodEnd = periodEnd
    }
    public func covers(_ day: Day) -> Bool { (periodStart.map { day >= $0 } ?? true) && (periodEnd.map { day <= $0 } ?? true) }
}

/// The roles a terminal user can hold.
public enum Role: String, Hashable, Sendable, Codable, CaseIterable {
    case planner
    case customerService = "customer_service"
    case supervisor
    case finance
    case admin
}

public struct User: Hashable, Sendable, Codable {
    public var name: String
    public var role: Role
    public init(name: String, role: Role) { self.name = name; self.role = role }
}

/// Where units of an allocation come from, as the plan JSON names it.
public enum SupplySource: Hashable, Sendable, Codable, CustomStringConvertible {
    case onHand
    case receipt(String)
    case transfer(from: WarehouseID)
    case substitute(SKU)

    public var description: String {
        switch self {
        case .onHand: return "on_hand"
        case .receipt(let id): return "receipt:\(id)"
        case .transfer(let w): return "transfer:\(w)"
        case .substitute(let s): return "substitute:\(s)"
        }
    }
    public init?(_ text: String) {
        if text == "on_hand" { self = .onHand; return }
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let head = text[..<colon], tail = String(text[text.index(after: colon)...])
        guard !tail.isEmpty else { return nil }
        switch head {
        case "receipt": self = .receipt(tail)
        case "transfer": self = .transfer(from: tail)
        case "substitute": self = .substitute(tail)
        default: return nil
        }
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let v = SupplySource(s) else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "unknown source \(s)") }
        self = v
    }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(description) }
}

/// Units Allot has already released for a line (a reservation in the mirror): the next plan treats them as consumed.
public struct Reservation: Hashable, Sendable, Codable {
    public var orderID: OrderID
    public var lineNo: Int
    public var warehouseID: WarehouseID
    public var sku: SKU
    public var source: SupplySource
    public var qty: Int
    public init(orderID: OrderID, lineNo: Int, warehouseID: WarehouseID, sku: SKU, source: SupplySource, qty: Int) {
        self.orderID = orderID; self.lineNo = lineNo; self.warehouseID = warehouseID; self.sku = sku; self.source = source; self.qty = qty
    }
    public var lineKey: LineKey { LineKey(orderID: orderID, lineNo: lineNo) }
}
