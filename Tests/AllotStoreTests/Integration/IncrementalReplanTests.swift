import Testing
import Foundation
import GRDB
@testable import AllotStore
import AllotCore

@Suite("Incremental re-plan")
struct IncrementalReplanTests {
    typealias F = DropFixture
    static let asOf = Day("2026-11-29")!

    /// Plans the whole mirror and stores it as the current plan, as `allot plan` does.
    static func planFully(_ mirror: Mirror) throws -> Plan {
        let snapshot = try mirror.loadSnapshot()
        let policy = try mirror.storedPolicy()
        let plan = Engine.plan(snapshot: snapshot, policy: policy, asOf: asOf)
        try PlanStore(mirror: mirror).save(plan, snapshot: snapshot, policy: policy,
                                           inputHash: PlanStore.inputHash(snapshot: snapshot, policy: policy, asOf: asOf),
                                           now: Timestamp("2026-01-01T00:00:00Z")!)
        return plan
    }

    static func fullPlan(_ mirror: Mirror) throws -> Plan {
        Engine.plan(snapshot: try mirror.loadSnapshot(), policy: try mirror.storedPolicy(), asOf: asOf)
    }

    /// The stored current plan's lines as `order:line sku status exceptions allocations`, for comparing with a plan.
    static func stored(_ mirror: Mirror) throws -> [String] {
        try #require(try PlanStore(mirror: mirror).currentPlan()).lines.map(Self.row)
    }
    static func row(_ r: LineRecommendation) -> String {
        "\(r.key) \(r.sku) \(r.status.rawValue) \(r.exceptions.map(\.rawValue)) short \(r.short) \(PlanJSON.allocations(r.allocations))"
    }

    @Test("after supply and demand events, re-planning only the touched skus gives the same plan as a full re-plan")
    func incrementalEqualsFull() throws {
        let f = try F()
        _ = try Self.planFully(f.mirror)
        let replanner = IncrementalReplanner(mirror: f.mirror)
        #expect(try replanner.catchUp()?.linesChanged ?? 0 == 0)
        try f.drop("wms-1.jsonl", [
            F.event("a1", 1, "inventory.adjusted", #"{"warehouse_id":"DAL","sku":"MX-200","delta":-25}"#, source: "wms"),
        ])
        try f.drop("erp-1.jsonl", [
            F.event("o1", 1, "order.upserted", #"{"order_id":"SO-4","customer_id":"C1","order_date":"2026-11-29","requested_date":"2026-12-01","lines":[{"line_no":1,"sku":"MX-200","qty":15},{"line_no":2,"sku":"GL-1","qty":900}]}"#),
            F.event("o2", 2, "order.cancelled", #"{"order_id":"SO-3","reason":"customer"}"#),
            F.event("r1", 3, "receipt.upserted", #"{"receipt_id":"PO-9","warehouse_id":"CHI","sku":"GL-1","qty":50,"eta":"2026-12-02"}"#),
        ])
        var outcomes: [IncrementalReplanner.Outcome] = []
        _ = try f.intake.processPending(afterEach: { _ in if let o = try replanner.catchUp() { outcomes.append(o) } })
        #expect(outcomes.count == 2)
        #expect(outcomes.allSatisfy { !$0.full })
        #expect(outcomes.contains { $0.linesChanged > 0 })
        let full = try Self.fullPlan(f.mirror)
        #expect(replanner.latestPlan == full)
        #expect(try Self.stored(f.mirror) == full.lines.map(Self.row))
        #expect(try PlanStore(mirror: f.mirror).currentPlan()?.summary == full.summary)
    }

    @Test("a run of random stock events, each re-planned incrementally from memory, always matches the full plan")
    func randomInventoryEvents() throws {
        let f = try F()
        _ = try Self.planFully(f.mirror)
        let replanner = IncrementalReplanner(mirror: f.mirror)
        var rng = SeededRandom(state: 7)
        let positions = [("DAL", "MX-200"), ("CHI", "MX-200"), ("DAL", "GL-1"), ("CHI", "MX-210"), ("DAL", "MX-210")]
        for step in 1...25 {
            let (w, sku) = positions[Int(rng.next() % UInt64(positions.count))]
            let qty = Int(rng.next() % 120)
            try f.drop("wms-\(String(format: "%03d", step)).jsonl", [F.stock("s\(step)", step, w, sku, qty)])
            _ = try f.intake.processPending(afterEach: { _ in try replanner.catchUp() })
            #expect(replanner.latestPlan == (try Self.fullPlan(f.mirror)), "step \(step): \(w) \(sku) \(qty)")
        }
        #expect(try Self.stored(f.mirror) == (try Self.fullPlan(f.mirror)).lines.map(Self.row))
    }

    @Test("a changed line's version goes up; an untouched line keeps its version")
    func versions() throws {
        let f = try F()
        _ = try Self.planFully(f.mirror)
        let store = PlanStore(mirror: f.mirror)
        let id = try #require(try store.currentPlanID())
        let glBefore = try #require(try store.recommendation(planID: id, LineKey(orderID: "SO-1", lineNo: 2)))
        let mxBefore = try #require(try store.recommendation(planID: id, LineKey(orderID: "SO-1", lineNo: 1)))
        try f.drop("wms-1.jsonl", [F.stock("s1", 1, "DAL", "MX-200", 0), F.stock("s2", 2, "CHI", "MX-200", 0)])
        let replanner = IncrementalReplanner(mirror: f.mirror)
        _ = try f.intake.processPending(afterEach: { _ in try replanner.catchUp() })
        let mxAfter = try #require(try store.recommendation(planID: id, LineKey(orderID: "SO-1", lineNo: 1)))
        let glAfter = try #require(try store.recommendation(planID: id, LineKey(orderID: "SO-1", lineNo: 2)))
        #expect(mxAfter.recommendation != mxBefore.recommendation)
        #expect(mxAfter.version == mxBefore.version + 1)
        #expect(glAfter.version == glBefore.version)
    }

    @Test("the cursor survives a restart: a new replanner picks up exactly the changes not yet planned")
    func cursorAcrossRestarts() throws {
        let f = try F()
        _ = try Self.planFully(f.mirror)
        try f.drop("wms-1.jsonl", [F.stock("s1", 1, "DAL", "MX-200", 3)])
        _ = try f.intake.processPending(afterEach: { _ in try IncrementalReplanner(mirror: f.mirror).catchUp() })
        let cursor = try IncrementalReplanner(mirror: f.mirror).cursor()
        #expect(cursor == (try f.mirror.lastChangeID()))
        // Changes made while nothing re-planned (the watch was down) are planned by the next one.
        try f.drop("wms-2.jsonl", [F.stock("s2", 2, "CHI", "MX-200", 1)])
        _ = try f.intake.processPending()
        let outcome = try #require(try IncrementalReplanner(mirror: f.mirror).catchUp())
        #expect(outcome.changes == 1)
        #expect(try Self.stored(f.mirror) == (try Self.fullPlan(f.mirror)).lines.map(Self.row))
    }

    @Test("after allot plan, a stock event on one sku re-plans only that sku's group and rewrites no other line")
    func afterAllotPlanOnlyTheGroup() throws {
        let mirror = try SampleStoryTests.imported("promo-three-warehouses")
        // As `allot plan` does, in the same second as the import: the feed position is read before the snapshot.
        let basis = try mirror.lastChangeID()
        let snapshot = try mirror.loadSnapshot()
        let policy = try mirror.storedPolicy()
        let plan = Engine.plan(snapshot: snapshot, policy: policy, asOf: Self.asOf)
        let importedAt = Timestamp(try #require(try mirror.changes().last?.at))
        try PlanStore(mirror: mirror).save(plan, snapshot: snapshot, policy: policy,
                                           inputHash: PlanStore.inputHash(snapshot: snapshot, policy: policy, asOf: Self.asOf),
                                           now: try #require(importedAt), changeID: basis)
        let sku = try #require(plan.lines.first { $0.status != .held && $0.allocated > 0 }?.sku)
        let position = try #require(snapshot.inventory.first { $0.sku == sku && $0.onHand > 0 })
        let group = Set(PlanningIndex(snapshot).group(of: sku))
        let groupLines = plan.lines.filter { group.contains($0.sku) }.count

        let f = try DropFixture(mirror: mirror)
        try f.drop("wms-1.jsonl", [F.stock("s1", 1, position.warehouseID, sku, 0)])
        let replanner = IncrementalReplanner(mirror: mirror)
        var outcome: IncrementalReplanner.Outcome?
        _ = try f.intake.processPending(afterEach: { _ in outcome = try replanner.catchUp() })
        let o = try #require(outcome)
        #expect(!o.full, "the snapshot the plan was made from is not taken again")
        #expect(o.changes == 1)
        #expect(o.skus == 1)
        #expect(o.plannedWhole, "a plan saved by allot plan has no solver record: the engine plans it all once")
        #expect(o.description.contains("planned in full: the plan was read back from the mirror"))
        #expect(o.linesChanged > 0 && o.linesChanged <= groupLines, "\(o.linesChanged) lines rewritten; the group has \(groupLines)")
        let full = Engine.plan(snapshot: try mirror.loadSnapshot(), policy: policy, asOf: Self.asOf)
        #expect(try Self.stored(mirror) == full.lines.map(Self.row))
    }

    @Test("a plan read back from the mirror (costs rounded to 4 decimals) counts as unchanged against the same fresh plan")
    func roundedCostsAreNotChanges() throws {
        let a = Allocation(warehouseID: "DAL", qty: 3, source: .onHand, shipDate: Self.asOf, arrivalDate: Self.asOf, cost: 1.0 / 3, mode: .ground)
        var b = a
        b.cost = 0.3333
        let line = LineRecommendation(orderID: "SO-1", lineNo: 1, sku: "MX-200", requested: 3, priorityClass: 1, allocations: [a],
                                      short: 0, status: .auto, exceptions: [], rationale: "r")
        var read = line
        read.allocations = [b]
        #expect(line != read)
        #expect(PlanStore.sameStored(line, read))
        read.allocations[0].qty = 2
        #expect(!PlanStore.sameStored(line, read))
    }

    @Test("on the promo sample (ship-complete orders, substitutes), stock events re-planned from memory keep the stored plan equal to a full plan")
    func sampleStockEvents() throws {
        let mirror = try SampleStoryTests.imported("promo-three-warehouses")
        _ = try Self.planFully(mirror)
        let f = try DropFixture(mirror: mirror)
        let replanner = IncrementalReplanner(mirror: mirror)
        let positions = try mirror.loadSnapshot().inventory
        var rng = SeededRandom(state: 3)
        for step in 1...12 {
            let p = positions[Int(rng.next() % UInt64(positions.count))]
            let qty = Int(rng.next() % UInt64(max(2, p.onHand * 2)))
            try f.drop("wms-\(String(format: "%03d", step)).jsonl", [F.stock("p\(step)", step, p.warehouseID, p.sku, qty)])
            _ = try f.intake.processPending(afterEach: { _ in try replanner.catchUp() })
            let full = try Self.fullPlan(mirror)
            #expect(try Self.stored(mirror) == full.lines.map(Self.row), "step \(step): \(p.warehouseID) \(p.sku) \(qty)")
            #expect(try PlanStore(mirror: mirror).currentPlan()?.summary.lines == full.summary.lines)
            #expect(replanner.latestPlan?.summary == full.summary, "step \(step)")
        }
    }
}
