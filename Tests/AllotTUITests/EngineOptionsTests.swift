import Testing
import Foundation
import AllotCore
import AllotStore
@testable import AllotTUI
import AllotTestSupport

/// The options table the workbench shows for a line, on a real plan of the promotion sample.
@Suite("Options from the stored plan")
struct EngineOptionsTests {
    @Test("a ship-complete line's options show what the stored plan chose for it, and its stored row reads back")
    func shipCompleteLineFromStoredPlan() throws {
        let dir = Scratch.path("allot-options")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let mirror = try Mirror(path: dir + "/m.sqlite")
        try mirror.loadSampleIfEmpty(directory: Terminal.sampleScenario)
        let snapshot = try mirror.loadSnapshot(), policy = try mirror.storedPolicy()
        let asOf = Day("2026-11-29")!
        let plan = Engine.plan(snapshot: snapshot, policy: policy, asOf: asOf)
        let store = PlanStore(mirror: mirror)
        try store.save(plan, snapshot: snapshot, policy: policy, inputHash: "options", now: Timestamp("2026-11-29T09:00:00Z")!)
        let planID = try #require(try store.currentPlanID())

        let shipComplete = Set(snapshot.orders.filter(\.shipComplete).map(\.id))
        let lines = plan.lines.filter { shipComplete.contains($0.key.orderID) && $0.allocated > 0 }
        try #require(!lines.isEmpty, "the sample has filled lines of ship-complete orders")
        let options = EngineOptions(mirror: mirror)
        for line in lines.prefix(5) {
            let stored = try #require(try store.recommendation(planID: planID, line.key), "\(line.key) reads back")
            #expect(stored.recommendation.allocations.map(\.qty) == line.allocations.map(\.qty))
            let chosen = try options.options(for: line.key).filter { $0.chosenQty > 0 }
            #expect(chosen.reduce(0) { $0 + $1.chosenQty } == line.allocated, "\(line.key)")
            #expect(Set(chosen.map(\.warehouseID)) == Set(line.allocations.map(\.warehouseID)), "\(line.key)")
        }
    }
}
