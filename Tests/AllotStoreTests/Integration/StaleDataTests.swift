import Testing
import Foundation
import GRDB
@testable import AllotStore
import AllotCore

@Suite("Stale inventory, end to end")
struct StaleDataTests {
    typealias F = DropFixture
    /// The day after the fixture's counts (2026-11-29T06:00Z); with a 12-hour limit they are stale by then.
    static let asOf = Day("2026-11-30")!

    static func fixture() throws -> F {
        let f = try F()
        try f.mirror.storePolicy(toml: """
            version = "fixture-stale"
            [priority]
            tier_order = ["strategic", "A", "B", "C"]
            [exceptions]
            stale_inventory_hours = 12
            """, file: "policy.toml")
        return f
    }

    static func plan(_ mirror: Mirror) throws -> Plan {
        let snapshot = try mirror.loadSnapshot()
        let policy = try mirror.storedPolicy()
        let plan = Engine.plan(snapshot: snapshot, policy: policy, asOf: asOf)
        try PlanStore(mirror: mirror).save(plan, snapshot: snapshot, policy: policy, inputHash: "t", now: Timestamp("2026-01-01T00:00:00Z")!)
        return plan
    }

    static func exceptions(_ mirror: Mirror, _ key: String) throws -> [ExceptionKind] {
        let store = PlanStore(mirror: mirror)
        let id = try #require(try store.currentPlanID())
        return try #require(try store.recommendation(planID: id, LineKey(key)!)).recommendation.exceptions
    }

    @Test("a line served from a count older than the limit is STALE_DATA until a fresh count arrives; an adjustment without as_of does not refresh it")
    func freshCountClearsStaleData() throws {
        let f = try Self.fixture()
        // Gloves are stocked at DAL only, counted at 06:00 the day before: the line can only come from that count.
        try f.drop("wms-0.jsonl", [F.stock("g0", 1, "DAL", "GL-1", 1000, asOf: "2026-11-29T06:00:00Z")])
        try f.drop("erp-1.jsonl", [F.event("o1", 1, "order.upserted", #"{"order_id":"SO-8","customer_id":"C1","order_date":"2026-11-29","requested_date":"2026-12-05","lines":[{"line_no":1,"sku":"GL-1","qty":10}]}"#)])
        _ = try f.intake.processPending()
        let first = try Self.plan(f.mirror)
        let line = try #require(first.lines.first { $0.key == LineKey(orderID: "SO-8", lineNo: 1) })
        #expect(line.allocations.map(\.source) == [.onHand] && line.allocations.map(\.warehouseID) == ["DAL"])
        #expect(line.exceptions.contains(.staleData))
        let replanner = IncrementalReplanner(mirror: f.mirror)

        // A same-size adjustment in and out again without as_of: the count stays as old as it was.
        try f.drop("wms-1.jsonl", [F.event("a1", 2, "inventory.adjusted", #"{"warehouse_id":"DAL","sku":"GL-1","delta":5}"#, source: "wms"),
                                   F.event("a2", 3, "inventory.adjusted", #"{"warehouse_id":"DAL","sku":"GL-1","delta":-5}"#, source: "wms")])
        _ = try f.intake.processPending(afterEach: { _ in try replanner.catchUp() })
        #expect(try Self.exceptions(f.mirror, "SO-8:1").contains(.staleData))

        try f.drop("wms-2.jsonl", [F.stock("s2", 4, "DAL", "GL-1", 990, asOf: "2026-11-29T20:00:00Z"),
                                   F.stock("s3", 5, "DAL", "MX-200", 45, asOf: "2026-11-29T20:00:00Z"),
                                   F.stock("s4", 6, "CHI", "MX-200", 10, asOf: "2026-11-29T20:00:00Z")])
        _ = try f.intake.processPending(afterEach: { _ in try replanner.catchUp() })
        #expect(try !Self.exceptions(f.mirror, "SO-8:1").contains(.staleData))
        #expect(replanner.latestPlan == Engine.plan(snapshot: try f.mirror.loadSnapshot(), policy: try f.mirror.storedPolicy(), asOf: Self.asOf))

        let health = try f.mirror.integrationHealth(now: Timestamp("2026-11-30T00:00:00Z")!, staleAfterHours: 12)
        #expect(health.staleInventory == 0)
    }

    @Test("as_of of an adjustment event is carried into the stock position")
    func adjustmentCarriesAsOf() throws {
        let f = try F()
        try f.drop("wms-1.jsonl", [F.event("a1", 1, "inventory.adjusted",
                                           #"{"warehouse_id":"CHI","sku":"MX-200","delta":-2,"as_of":"2026-12-01T10:00:00Z"}"#, source: "wms")])
        _ = try f.intake.processPending()
        let asOf = try f.mirror.loadSnapshot().inventory.first { $0.warehouseID == "CHI" && $0.sku == "MX-200" }?.asOf
        #expect(asOf == Timestamp("2026-12-01T10:00:00Z"))
    }
}
