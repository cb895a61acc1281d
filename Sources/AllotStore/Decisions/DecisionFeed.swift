import GRDB
import AllotCore

/// Change-feed rows for what a decision changes in planning's inputs: units it released or gave back (reservations),
/// and an order it held, released from hold or cancelled.
///
/// The incremental re-planner (`watch`, `import`) reads them as it reads an import's rows, so the other lines of
/// the sku are re-planned around the decision and open workbenches follow without a full `allot plan`. Their source
/// is `allot`: governance does not mark other decisions "needs re-check" on them, since every decision is checked
/// against the reservations when it is made.
enum DecisionFeed {
    static let source = "allot"

    /// A line's units were released: its own sku, and any substitute it draws on, lose them.
    static func released(_ db: Database, _ key: LineKey, sku: SKU, allocations: [Allocation], at: String) throws {
        try log(db, kind: "reservation.released", key, skus: supplySkus(sku, allocations.map(\.source)), at: at)
    }

    /// Reservations of these lines are about to be deleted: their units go back to the skus they came from.
    static func returning(_ db: Database, _ keys: [LineKey], at: String) throws {
        let rows = try db.cachedStatement(sql: "SELECT sku, source FROM reservation WHERE order_id = ? AND line_no = ?")
        for key in keys {
            let held = try Row.fetchAll(rows, arguments: [key.orderID, key.lineNo])
            guard let sku: String = held.first?[0] else { continue }
            let sources = held.map { SupplySource($0[1] as String) ?? .onHand }
            try log(db, kind: "reservation.returned", key, skus: supplySkus(sku, sources), at: at)
        }
    }

    /// An order was held, released from hold or cancelled. A customer released from credit hold changes every order
    /// of theirs: logged without sku or order, which re-plans everything.
    static func order(_ db: Database, _ effect: OrderEffect, _ orderID: OrderID, customer: CustomerID?, at: String) throws {
        let kind: String
        switch effect {
        case .hold: kind = "order.held"
        case .releaseHold: kind = "order.hold_released"
        case .cancel: kind = "order.cancelled"
        }
        try ChangeFeed.append(db, at: at, source: source, kind: kind, order: orderID, detail: "decision")
        if case .releaseHold(true) = effect, let customer {
            try ChangeFeed.append(db, at: at, source: source, kind: "customer.credit_released", detail: "customer \(customer)")
        }
    }

    /// The line's own sku first, then each substitute its units come from.
    static func supplySkus(_ sku: SKU, _ sources: [SupplySource]) -> [SKU] {
        var out = [sku]
        for case .substitute(let s) in sources where !out.contains(s) { out.append(s) }
        return out
    }

    private static func log(_ db: Database, kind: String, _ key: LineKey, skus: [SKU], at: String) throws {
        for sku in skus {
            try ChangeFeed.append(db, at: at, source: source, kind: kind, sku: sku, order: key.orderID, detail: "line \(key)")
        }
    }
}
