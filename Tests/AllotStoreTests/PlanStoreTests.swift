import Testing
import Foundation
@testable import AllotStore
import AllotCore

@Suite("The plan store")
struct PlanStoreTests {
    static func world(stock: Int) -> Snapshot {
        var s = Snapshot()
        s.warehouses = [Warehouse(id: "DAL", region: "SOUTH")]
        s.lanes = [Lane(from: "DAL", toRegion: "SOUTH", transitDays: 2, costPerUnit: 1)]
        s.items = [Item(sku: "MX", unitPrice: 10), Item(sku: "BL", unitPrice: 4)]
        s.customers = [Customer(id: "C1", tier: "A", region: "SOUTH")]
        s.inventory = [InventoryPosition(warehouseID: "DAL", sku: "MX", onHand: stock),
                       InventoryPosition(warehouseID: "DAL", sku: "BL", onHand: 100)]
        let day = Day(year: 2026, month: 11, day: 29)
        s.orders = [Order(id: "SO-1", customerID: "C1", orderDate: day, requestedDate: day + 3),
                    Order(id: "SO-2", customerID: "C1", orderDate: day, requestedDate: day + 4)]
        s.lines = [OrderLine(orderID: "SO-1", lineNo: 1, sku: "MX", qty: 10), OrderLine(orderID: "SO-2", lineNo: 1, sku: "BL", qty: 5)]
        return s
    }

    @Test("saving a plan makes it current, and a line keeps its version until its recommendation changes")
    func versions() throws {
        let mirror = try Mirror()
        let store = PlanStore(mirror: mirror)
        let policy = Policy(), day = Day(year: 2026, month: 11, day: 29)
        #expect(try store.currentPlanID() == nil)
        let s1 = PlanStoreTests.world(stock: 50)
        let p1 = Engine.plan(snapshot: s1, policy: policy, asOf: day)
        let id1 = try store.save(p1, snapshot: s1, policy: policy, inputHash: PlanStore.inputHash(snapshot: s1, policy: policy, asOf: day),
                                 now: Timestamp(seconds: 1000))
        #expect(try store.currentPlanID() == id1)
        #expect(try store.recommendation(planID: id1, LineKey(orderID: "SO-1", lineNo: 1))?.version == 1)
        // Same inputs again: nothing changed, versions stay; then MX runs short: SO-1 changes, SO-2 does not.
        let id2 = try store.save(p1, snapshot: s1, policy: policy, inputHash: "same", now: Timestamp(seconds: 2000))
        #expect(try store.recommendation(planID: id2, LineKey(orderID: "SO-1", lineNo: 1))?.version == 1)
        let s3 = PlanStoreTests.world(stock: 4)
        let p3 = Engine.plan(snapshot: s3, policy: policy, asOf: day)
        let id3 = try store.save(p3, snapshot: s3, policy: policy, inputHash: "short", now: Timestamp(seconds: 3000))
        let line1 = try #require(try store.recommendation(planID: id3, LineKey(orderID: "SO-1", lineNo: 1)))
        #expect(line1.version == 2 && line1.recommendation.short == 6 && line1.queue == .planner)
        #expect(line1.firstSeenAt == Timestamp(seconds: 1000))
        #expect(try store.recommendation(planID: id3, LineKey(orderID: "SO-2", lineNo: 1))?.version == 1)
        #expect(try store.currentPlan() == p3)
        #expect(PlanStore.inputHash(snapshot: s1, policy: policy, asOf: day) != PlanStore.inputHash(snapshot: s3, policy: policy, asOf: day))
    }

    @Test("queue pages are filtered and sorted in the database")
    func pages() throws {
        let mirror = try Mirror()
        let store = PlanStore(mirror: mirror)
        let s = PlanStoreTests.world(stock: 4)
        let day = Day(year: 2026, month: 11, day: 29)
        let id = try store.save(Engine.plan(snapshot: s, policy: Policy(), asOf: day), snapshot: s, policy: Policy(), inputHash: "h")
        #expect(try store.count(planID: id, PlanPageQuery()) == 2)
        #expect(try store.page(planID: id, PlanPageQuery(statuses: [.review])).map(\.key.orderID) == ["SO-1"])
        #expect(try store.page(planID: id, PlanPageQuery(exception: .shortage)).count == 1)
        #expect(try store.page(planID: id, PlanPageQuery(sort: .value, limit: 1)).first?.value == 40)
        #expect(try store.page(planID: id, PlanPageQuery(search: "SO-2")).map(\.key.orderID) == ["SO-2"])
    }
}

@Suite("Plan ids")
struct PlanIDTests {
    @Test("plans of the same inputs stored within one second get ids of their own, and the newest are the ones kept")
    func sameSecond() throws {
        let m = try Fixture.mirror()
        try SnapshotImporter(mirror: m).importSnapshot(directory: try Fixture.folder().path)
        let s = try m.loadSnapshot(), day = Day("2026-11-29")!
        let plan = Engine.plan(snapshot: s, policy: Policy(), asOf: day)
        let store = PlanStore(mirror: m)
        let now = Timestamp(seconds: 1_800_000_000)
        var ids: [String] = []
        for _ in 0..<11 {
            ids.append(try store.save(plan, snapshot: s, policy: Policy(), inputHash: "0123456789abcdef", now: now))
            let kept = try m.db.read { try String.fetchAll($0, sql: "SELECT plan_id FROM plan ORDER BY rowid") }
            // The newest plans are kept, each under an id of its own (an id frees up when its plan is dropped).
            #expect(kept == Array(ids.suffix(store.keep)), "\(ids)")
            #expect(Set(kept).count == kept.count)
            #expect(try store.currentPlanID() == ids.last)
        }
        #expect(ids.prefix(4) == ["P-20270115080000-01234567", "P-20270115080000-01234567-2", "P-20270115080000-01234567-3",
                                  "P-20270115080000-01234567-4"])
    }
}
