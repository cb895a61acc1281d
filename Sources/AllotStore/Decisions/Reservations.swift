import GRDB
import AllotCore

extension Mirror {
    /// Allocations Allot has released (reservations), which the next plan treats as consumed.
    /// The decisions layer fills the reservation table; until it exists there are none. With `order`, that order's only.
    static func loadReservations(_ db: Database, order: OrderID? = nil) throws -> [Reservation] {
        guard try db.tableExists("reservation") else { return [] }
        let filter = order == nil ? "" : "WHERE order_id = ? "
        return try Row.fetchAll(db, sql: "SELECT order_id, line_no, warehouse_id, sku, source, qty FROM reservation \(filter)ORDER BY order_id, line_no, warehouse_id, source",
                                arguments: StatementArguments(order.map { [$0] } ?? [])).map {
            Reservation(orderID: $0[0], lineNo: $0[1], warehouseID: $0[2], sku: $0[3], source: SupplySource($0[4] as String) ?? .onHand, qty: $0[5])
        }
    }
}
