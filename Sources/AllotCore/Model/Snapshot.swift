/// Everything the engine needs to plan: the mirror's state at one moment, as plain values.
///
/// The store builds it; the engine and the workflow only read it.
public struct Snapshot: Sendable {
    public var warehouses: [Warehouse] = []
    public var customers: [Customer] = []
    public var items: [Item] = []
    public var lanes: [Lane] = []
    public var transfers: [Transfer] = []
    public var inventory: [InventoryPosition] = []
    public var receipts: [Receipt] = []
    public var orders: [Order] = []
    public var lines: [OrderLine] = []
    public var substitutes: [Substitute] = []
    public var commitments: [Commitment] = []
    public var quotas: [Quota] = []
    public var users: [User] = []
    /// Allocations already released by Allot; they consume ATP and their lines are not planned again.
    public var reservations: [Reservation] = []

    public init() {}
}
