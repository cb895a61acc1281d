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
        try f.drop("erp-1.jsonl", [F.event("o1", 1, "order.upserted", #"{"order_id":"SO-8","customer_id":"C1","order_date":"2026-11-29","requested_date":"2026-12-05","lines":[{"line_no":1,"sku":"MX-200","qty":10}]}"#)])
        _ = try f.intake.processPending()
        let first = try Self.plan(f.mirror)
        let line = try #require(first.lines.first { $0.key == LineKey(orderID: "SO-8", lineNo: 1) })
        // Served from counted stock: on hand at a site, or moved from another site's on hand (both counts are stale).
        // (The two cost the same here: DAL's lane, or CHI's transfer into DAL; which one wins the tie is the solver's.)
        #expect(line.allocations.contains { [SupplySource.onHand, .transfer(from: "CHI")].contains($0.source) })
        #expect(line.exceptions.contains(.staleData))
        let replanner = IncrementalReplanner(mirror: f.mirror)

        // A same-size adjustment in and out again without as_of: the count stays as old as it was.
        try f.drop("wms-1.jsonl", [F.event("a1", 1, "inventory.adjusted", #"{"warehouse_id":"DAL","sku":"MX-200","delta":5}"#, source: "wms"),
                                   F.event("a2", 2, "inventory.adjusted", #"{"warehouse_id":"DAL","sku":"MX-200","delta":-5}"#, source: "wms")])
        _ = try f.intake.processPending(afterEach: { _ in try replanner.catchUp() })
        #expect(try Self.exceptions(f.mirror, "SO-8:1").contains(.staleData))

        try f.drop("wms-2.jsonl", [F.stock("s2", 3, "DAL", "MX-200", 45, asOf: "2026-11-29T20:00:00Z"),
                                   F.stock("s3", 4, "CHI", "MX-200", 10, asOf: "2026-11-29T20:00:00Z")])
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
