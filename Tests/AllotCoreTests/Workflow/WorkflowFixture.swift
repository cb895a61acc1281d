import AllotCore

/// A small world to decide in: two warehouses serving the south, one sku, a few customers and lines.
enum WorkflowFixture {
    static let asOf = Day(year: 2026, month: 11, day: 29)
    static let policy = Policy()

    static func snapshot() -> Snapshot {
        var s = Snapshot()
        s.warehouses = [Warehouse(id: "DAL", region: "south", handlingDays: 1), Warehouse(id: "CHI", region: "north", handlingDays: 1)]
        s.lanes = [Lane(from: "DAL", toRegion: "south", transitDays: 2, costPerUnit: 1.0),
                   Lane(from: "CHI", toRegion: "south", transitDays: 3, costPerUnit: 1.05),
                   Lane(from: "CHI", toRegion: "north", transitDays: 1, costPerUnit: 0.5)]
        s.transfers = [Transfer(from: "CHI", to: "DAL", leadDays: 2, costPerUnit: 0.5)]
        s.items = [Item(sku: "MX-200", family: "MX"), Item(sku: "MX-210", family: "MX")]
        s.customers = [Customer(id: "ACME", tier: "A", region: "south"), Customer(id: "BIG", tier: "strategic", region: "south"),
                       Customer(id: "LATE", tier: "C", region: "south", creditStatus: .hold)]
        s.inventory = [InventoryPosition(warehouseID: "DAL", sku: "MX-200", onHand: 100, reserved: 10, safetyStock: 10),
                       InventoryPosition(warehouseID: "CHI", sku: "MX-200", onHand: 50)]
        s.receipts = [Receipt(id: "PO-1", warehouseID: "DAL", sku: "MX-200", qty: 30, eta: asOf + 6)]
        s.orders = [Order(id: "SO-1", customerID: "ACME", orderDate: asOf - 2, requestedDate: asOf + 3),
                    Order(id: "SO-2", customerID: "BIG", orderDate: asOf - 1, requestedDate: asOf + 3),
                    Order(id: "SO-3", customerID: "LATE", orderDate: asOf - 1, requestedDate: asOf + 3)]
        s.lines = [OrderLine(orderID: "SO-1", lineNo: 1, sku: "MX-200", qty: 60),
                   OrderLine(orderID: "SO-1", lineNo: 2, sku: "MX-200", qty: 5),
                   OrderLine(orderID: "SO-2", lineNo: 1, sku: "MX-200", qty: 40),
                   OrderLine(orderID: "SO-3", lineNo: 1, sku: "MX-200", qty: 5)]
        return s
    }

    /// DAL ships on day +1 and arrives on +3 (on time), 1.0 a unit.
    static func dal(_ qty: Int) -> Allocation {
        Allocation(warehouseID: "DAL", qty: qty, source: .onHand, shipDate: asOf + 1, arrivalDate: asOf + 3, cost: Double(qty))
    }

    static func recommendation(_ key: LineKey, allocations: [Allocation], requested: Int = 60, priorityClass: Int = 1,
                               status: LineStatus = .review, exceptions: [ExceptionKind] = [], version: Int = 1) -> CurrentRecommendation {
        let allocated = allocations.reduce(0) { $0 + $1.qty }
        return CurrentRecommendation(planID: "P1", version: version, line: LineRecommendation(
            orderID: key.orderID, lineNo: key.lineNo, sku: "MX-200", requested: requested, priorityClass: priorityClass,
            allocations: allocations, short: requested - allocated, status: status, exceptions: exceptions, rationale: ""))
    }

    /// SO-1:1 (ACME, class 1) recommended 40 from DAL; its sibling SO-1:2 recommended 5 from DAL.
    static func situation(state: LineState = .recommended, version: Int = 0, allocation: [Allocation]? = nil,
                          needsRecheck: Bool = false, escalatedBy: String? = nil, status: LineStatus = .review,
                          order: String = "SO-1", line: Int = 1) -> LineSituation {
        let snap = snapshot()
        let key = LineKey(orderID: order, lineNo: line)
        let ol = snap.lines.first { $0.key == key }!
        let o = snap.orders.first { $0.id == order }!
        let rec = recommendation(key, allocations: [dal(min(40, ol.qty))], requested: ol.qty, status: status,
                                 exceptions: o.customerID == "LATE" ? [.creditHold] : [])
        let decided = allocation ?? ([.recommended, .held, .cancelled, .rejected].contains(state) ? [] : rec.line.allocations)
        return LineSituation(key: key, state: state, version: version, needsRecheck: needsRecheck,
                             recheckReason: needsRecheck ? "inventory.adjusted of MX-200" : nil, allocation: decided,
                             decidedRecVersion: state == .recommended ? nil : 1, escalatedBy: escalatedBy, lastDecidedBy: "pat",
                             recommendation: rec, orderLine: ol, order: o, customer: snap.customers.first { $0.id == o.customerID })
    }

    static func supply(planned: [PlannedUse] = []) -> DecisionSupply {
        DecisionSupply(snapshot: snapshot(), asOf: asOf, plannedForOthers: planned)
    }

    static let planner = DecisionAuthor.user(User(name: "pat", role: .planner))
    static let planner2 = DecisionAuthor.user(User(name: "pia", role: .planner))
    static let supervisor = DecisionAuthor.user(User(name: "sam", role: .supervisor))
    static let finance = DecisionAuthor.user(User(name: "fay", role: .finance))
    static let service = DecisionAuthor.user(User(name: "cy", role: .customerService))
    static let admin = DecisionAuthor.user(User(name: "ada", role: .admin))

    static func actor(_ role: Role) -> DecisionAuthor { .user(User(name: "someone-\(role.rawValue)", role: role)) }

    /// The reason code an action needs under the default policy.
    static func reason(_ a: DecisionAction) -> String? {
        switch a {
        case .override: return "CHEAPER_FREIGHT"
        case .escalate: return "NEEDS_APPROVAL"
        case .reject: return "NOT_JUSTIFIED"
        case .hold: return "PRICING"
        case .release: return "OTHER"
        case .cancel: return "CUSTOMER_CANCELLED"
        case .accept, .approve, .note: return nil
        }
    }

    static func request(_ a: DecisionAction, by actor: DecisionAuthor = admin, allocations: [RequestedAllocation]? = nil,
                        reason: String? = nil, seen: SeenVersion? = nil, order: String = "SO-1", line: Int = 1) -> LineDecision {
        LineDecision(line: LineKey(orderID: order, lineNo: line), action: a, actor: actor, reasonCode: reason ?? WorkflowFixture.reason(a),
                        note: a == .note ? "customer asked to wait for the next truck" : nil, allocations: allocations ?? (a == .override ? [RequestedAllocation(warehouseID: "DAL", qty: 50)] : []),
                        seen: seen)
    }
}
