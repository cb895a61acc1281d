@testable import AllotCore

/// A small hand-built world for engine tests: warehouses in regions, lanes, stock and orders.
struct Scenario {
    var snapshot = Snapshot()
    var policy = Policy()
    var asOf = Day(year: 2026, month: 11, day: 29)

    init() {}

    /// A warehouse in its own region with a ground lane to `lanes` (region: (transit days, cost per unit)).
    mutating func warehouse(_ id: String, region: String? = nil, handling: Int = 1, lanes: [String: (Int, Double)] = [:],
                            capacity: Int? = nil) {
        snapshot.warehouses.append(Warehouse(id: id, region: region ?? id, handlingDays: handling, dailyLineCapacity: capacity))
        for (r, l) in lanes.sorted(by: { $0.key < $1.key }) {
            snapshot.lanes.append(Lane(from: id, toRegion: r, transitDays: l.0, costPerUnit: l.1))
        }
    }
    mutating func stock(_ warehouse: String, _ sku: String, _ onHand: Int, reserved: Int = 0, safety: Int = 0,
                        asOf: Timestamp? = nil, oldest: Day? = nil) {
        snapshot.inventory.append(InventoryPosition(warehouseID: warehouse, sku: sku, onHand: onHand, reserved: reserved,
                                                    safetyStock: safety, asOf: asOf, oldestReceiptDate: oldest))
    }
    mutating func item(_ sku: String, family: String? = nil, cost: Double? = nil, price: Double? = nil, critical: Bool = false) {
        snapshot.items.append(Item(sku: sku, family: family, unitCost: cost, unitPrice: price, critical: critical))
    }
    mutating func customer(_ id: String, tier: String, region: String, credit: CreditStatus = .ok, target: Double? = nil) {
        snapshot.customers.append(Customer(id: id, tier: tier, region: region, creditStatus: credit, serviceTarget: target))
    }
    /// One order with one line per `(sku, qty)`; due `due` days after the as-of date.
    mutating func order(_ id: String, customer: String, due: Int = 3, ordered: Int = -1, lines: [(String, Int)],
                        partial: Bool = true, substitute: Bool = false, shipComplete: Bool = false,
                        status: OrderStatus = .open, override: Int? = nil, price: Double? = nil) {
        snapshot.orders.append(Order(id: id, customerID: customer, orderDate: asOf + ordered, requestedDate: asOf + due,
                                     shipComplete: shipComplete, status: status, priorityOverride: override))
        for (n, l) in lines.enumerated() {
            snapshot.lines.append(OrderLine(orderID: id, lineNo: n + 1, sku: l.0, qty: l.1, unitPrice: price,
                                            allowPartial: partial, allowSubstitute: substitute))
        }
    }

    func plan() -> Plan { Engine.plan(snapshot: snapshot, policy: policy, asOf: asOf) }
}

extension Plan {
    func line(_ order: String, _ no: Int = 1) -> LineRecommendation {
        lines.first { $0.orderID == order && $0.lineNo == no }!
    }
}

